"""Side-by-side options: a cut option reports why instead of failing the whole table."""

from __future__ import annotations

from corridor import Option, compare_routes


def test_options_side_by_side(tiny):
    outcomes = compare_routes(
        tiny,
        "o",
        "e",
        [Option("north", via=("c",)), Option("caspian", via=("caspian",)), Option("feeder", via=("bd_feeder",))],
        avoid=["RU"],
    )
    north, caspian, feeder = outcomes
    assert north.route is None
    assert north.reason is not None and "avoid RU" in north.reason
    assert caspian.route is not None and caspian.route.cost_usd == 600
    assert feeder.route is not None and feeder.route.cost_usd == 630


def test_option_specific_avoid(tiny):
    (out,) = compare_routes(tiny, "o", "e", [Option("no ferry", avoid=("caspian_ferry",))])
    assert out.route is not None
    assert "bd_ferry" not in out.route.links
