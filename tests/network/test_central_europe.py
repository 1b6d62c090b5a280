"""Central European and Balkan lines as they run: Budapest has lines north through Slovakia to
Poland and east to Ukraine, so Balkan and Greek boxes bound for China no longer go round by
Duisburg (issue 23, part 6)."""

from __future__ import annotations

import pytest

from corridor import impact, load_demand, shortest_route
from corridor.scenario import load_scenario

RED_SEA_CLOSED = """\
name: red-sea-closed-march-2021
description: The Red Sea route closed for March 2021, so boxes between Greece and China look for land routes.
horizon: {start: 2021-03-01, end: 2021-03-31}
events:
  - type: close
    target: red_sea
    start: 2021-03-01
    days: 31
    source: "assumption: a test closure"
"""


def test_budapest_to_poland_runs_through_slovakia(eurasia):
    route = shortest_route(eurasia, "budapest", "malaszewicze")
    assert route.countries == ("HU", "SK", "PL")
    assert "zilina" in route.nodes and "katowice" in route.nodes
    assert route.distance_km < 1200  # not the 2,680 km round by Duisburg


def test_greek_boxes_to_china_by_rail_do_not_cross_germany_or_austria(eurasia):
    route = shortest_route(eurasia, "piraeus_port", "xian_port", avoid=["sea"])
    assert route.countries == ("GR", "MK", "RS", "HU", "SK", "PL", "BY", "RU", "KZ", "CN")
    assert "duisburg" not in route.nodes


def test_budapest_has_a_broad_gauge_line_to_ukraine(eurasia):
    route = shortest_route(eurasia, "budapest", "chop")
    assert route.countries == ("HU", "UA")
    assert route.links[-1] == "bx_zahony_chop"
    assert route.capacity_per_year == pytest.approx(14e6 / 10, rel=0.5)  # Záhony's 14 Mt of 1990


def test_new_lines_carry_their_sources(eurasia):
    links = eurasia.links.set_index("id")
    for link in (
        "eu_budapest_zilina",
        "eu_zilina_katowice",
        "pl_katowice_lodz",
        "hu_budapest_zahony",
        "bx_zahony_chop",
    ):
        assert link in links.index, link
    assert "V1" in links.loc["eu_budapest_zilina", "length_source"]
    assert "V7" in links.loc["bx_zahony_chop", "capacity_source"]
    assert {"V1", "V2", "V3", "V4", "V5", "V6", "V7"} <= set(eurasia.sources["id"])


def test_greek_exports_to_china_do_not_transit_germany_when_the_red_sea_closes(eurasia, tmp_path):
    path = tmp_path / "red-sea.yaml"
    path.write_text(RED_SEA_CLOSED, encoding="utf-8")
    result = impact(eurasia, load_demand(eurasia), load_scenario(str(path), eurasia), period="month")
    greek = result.dependency[(result.dependency["exporter"] == "GR") & (result.dependency["commodity"] == "container")]
    after = dict(zip(greek["transit"], greek["share_after"], strict=True))
    assert after.get("EG", 0.0) == 0.0  # the canal is shut
    assert after.get("SK", 0.0) > 0.0  # the boxes that go by land cross Slovakia
    for detour in ("DE", "AT"):
        assert after.get(detour, 0.0) == 0.0, detour
