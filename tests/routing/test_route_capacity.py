"""A route's capacity counts every capacity it crosses, shared ones (a fleet, a crossing) included."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from corridor import load_network, shortest_route
from corridor.analysis import corridor_capacity, links_capacity
from corridor.cli import app


def test_a_shared_capacity_binds_a_route_by_hand(tiny, tiny_copy):
    """The tiny network's Caspian group (ferry and feeder from b to d) given 20,000 TEU a year:
    below the 29,200 TEU of the a-b line, the cheapest route o-a-b-d-e carries 20,000 and names
    the group (it carried 29,200, the a-b line's, before groups counted)."""
    groups = pd.read_csv(tiny_copy / "groups.csv", dtype=str, keep_default_na=False)
    groups["capacity"] = ["20000", ""]
    groups["capacity_unit"] = ["teu_per_year", ""]
    groups["capacity_source"] = ["T1", ""]
    groups.to_csv(tiny_copy / "groups.csv", index=False)
    net = load_network(tiny_copy)
    r = shortest_route(net, "o", "e")
    assert r.links == ("oa", "ab", "bd_ferry", "de")
    assert r.capacity_per_year == pytest.approx(20_000)
    assert r.bottleneck == "caspian"
    # crude is not counted in TEU: the group does not hold it back
    crude = shortest_route(net, "d", "m", commodity="crude_oil")
    assert crude.capacity_per_year == pytest.approx(1e6)  # Delta port, 1 Mt/y
    assert crude.bottleneck == "d"
    assert shortest_route(tiny, "o", "e").capacity_per_year == pytest.approx(29_200)


def test_the_caspian_route_carries_no_more_than_the_crossing(eurasia):
    r = shortest_route(eurasia, "Xi'an", "Duisburg", via=["caspian_crossing"])
    crossing = corridor_capacity(eurasia, "caspian_crossing").table.set_index(["direction", "commodity"])
    westbound = crossing.loc[("westbound", "container"), "units_per_year"]
    assert westbound == pytest.approx(25_000)
    assert r.capacity_per_year is not None and r.capacity_per_year <= westbound * (1 + 1e-9)
    assert r.bottleneck == "caspian_crossing"
    assert "R86" in r.sources  # the crossing's figure is cited with the route


def test_routes_command_agrees_with_capacity_command():
    runner = CliRunner()
    routes = runner.invoke(app, ["routes", "Xi'an", "Duisburg", "--via", "caspian_crossing", "--json"])
    capacity = runner.invoke(app, ["capacity", "caspian_crossing", "--json"])
    assert routes.exit_code == 0 and capacity.exit_code == 0, routes.output + capacity.output
    route = json.loads(routes.output)[0]
    rows = json.loads(capacity.output)["table"]
    westbound = next(r for r in rows if r["direction"] == "westbound" and r["commodity"] == "container")
    assert route["capacity_per_year"] <= westbound["units_per_year"]
    assert route["bottleneck"] == "caspian_crossing"
    text = runner.invoke(app, ["routes", "Xi'an", "Duisburg", "--via", "caspian_crossing"])
    assert "25 kTEU/y (caspian_crossing)" in text.output


_NET = load_network()
_CONTAINER_NODES = sorted(
    set(_NET.links.loc[_NET.links["commodities"].map(lambda x: not x or "container" in x), "from"])
)
_CRUDE_NODES = sorted(set(_NET.links.loc[_NET.links["mode"] == "pipeline", "from"]))


def _section_links(route) -> list[str]:
    """The route's links and every link beside one of them (between the same two places)."""
    links = _NET.links
    legs = set(zip(route.nodes[:-1], route.nodes[1:], strict=True))
    beside = links[[(f, t) in legs or (t, f) in legs for f, t in zip(links["from"], links["to"], strict=True)]]
    return sorted(set(route.links) | set(beside["id"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_CONTAINER_NODES + _CRUDE_NODES),
    st.sampled_from(_CONTAINER_NODES + _CRUDE_NODES),
    st.sampled_from(["container", "crude_oil", "grain"]),
    st.booleans(),
)
def test_a_route_never_carries_more_than_its_own_links(origin, destination, commodity, caspian):
    """Oracle: the maximum flow over the route's own links (and those beside them), by the
    corridor-capacity LP that counts every capacity, bounds the route's capacity; with one
    path to follow, the two agree."""
    from corridor.errors import NoRouteError

    if origin == destination:
        return
    try:
        r = shortest_route(_NET, origin, destination, commodity=commodity, via=["caspian_crossing"] if caspian else [])
    except NoRouteError:
        return
    oracle = links_capacity(_NET, _section_links(r), r.nodes[0], r.nodes[-1], commodity=commodity)
    route = float("inf") if r.capacity_per_year is None else r.capacity_per_year
    assert route <= oracle * (1 + 1e-9)
    assert route == pytest.approx(oracle, rel=1e-6)
