"""Central European and Balkan lines as they run: Budapest has lines north through Slovakia to
Poland and east to Ukraine (issue 23, part 6)."""

from __future__ import annotations

import pytest

from corridor import shortest_route


def test_budapest_has_a_broad_gauge_line_to_ukraine(eurasia):
    route = shortest_route(eurasia, "budapest", "chop")
    assert route.countries == ("HU", "UA")
    assert route.links[-1] == "bx_zahony_chop"
    assert route.capacity_per_year == pytest.approx(14e6 / 10, rel=0.5)  # Záhony's 14 Mt of 1990
    links = eurasia.links.set_index("id")
    assert "V7" in links.loc["bx_zahony_chop", "capacity_source"]
    assert {"V3", "V4", "V6", "V7"} <= set(eurasia.sources["id"])
