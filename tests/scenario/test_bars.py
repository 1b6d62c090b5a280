"""Transit bars and country closures reach a country's territory, not the straits ships pass in
transit or the open sea off its coast."""

from __future__ import annotations

import datetime as dt

from corridor import shortest_route
from corridor.scenario import load_scenario, route_state
from corridor.scenario.effect import target_arcs

BAR = """name: bar-{country}
description: a bar on transit through {country}
source: "assumption: a test scenario"
horizon: {{start: 2024-01-01, end: 2024-03-31}}
events:
  - type: bar_transit
    countries: [{country}]
    start: 2024-01-01
    end: 2024-03-31
    source: "assumption: a test scenario"
"""


def _route_under_bar(eurasia, tmp_path, country):
    path = tmp_path / f"bar-{country}.yaml"
    path.write_text(BAR.format(country=country), encoding="utf-8")
    scenario = load_scenario(path, eurasia)
    state = route_state(eurasia, scenario, dt.date(2024, 2, 1), commodity="container",
                        origin="shanghai_port", destination="rotterdam_port")  # fmt: skip
    return shortest_route(eurasia, "Shanghai", "Rotterdam", avoid=["rail"], state=state)


def test_a_bar_on_yemen_leaves_bab_el_mandeb_open(eurasia, tmp_path):
    r = _route_under_bar(eurasia, tmp_path, "YE")
    assert "bab_el_mandeb_strait" in r.straits  # passage in transit: Yemen cannot bar it


def test_a_bar_on_egypt_shuts_the_suez_canal(eurasia, tmp_path):
    r = _route_under_bar(eurasia, tmp_path, "EG")
    assert "suez_canal_passage" not in r.straits and "cape_good_hope" in r.nodes


def test_closing_a_country_closes_its_territory_only(eurasia):
    cn = eurasia.compiled
    shut = {cn.link_ids[cn.arc_link[a]] for a in target_arcs(eurasia, "YE").nonzero()[0]}
    assert not shut & {"sea_sin_bab", "sea_bab_suez"}
    shut = {cn.link_ids[cn.arc_link[a]] for a in target_arcs(eurasia, "EG").nonzero()[0]}
    assert {"sea_bab_suez", "sea_suez_gibraltar"} <= shut
