"""Replays and impacts: periods, backlog in storage, stranded cargo, corridors, dependency."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from corridor.analysis import impact, impact_by_duration, replay
from corridor.analysis.dependency import _decompose
from corridor.flow import demand_from_frame, load_demand
from corridor.scenario import Horizon, Scenario, load_scenario


def tiny_demand(tiny, rows):
    frame = pd.DataFrame(rows, columns=["origin", "destination", "commodity", "quantity_per_year"])
    frame["source"] = "T1"
    return demand_from_frame(tiny, frame)


def closure(target, start, days, horizon=("2022-01-01", "2022-01-28")):
    return Scenario.model_validate(
        {
            "name": f"close-{target}",
            "horizon": {"start": horizon[0], "end": horizon[1]},
            "events": [{"type": "close", "target": target, "start": start, "days": days}],
        }
    )


def test_weekly_periods_and_a_one_week_closure(tiny):
    """36,500 t/y of crude a->m is 700 t a week; closing the pipeline for week 2 leaves the rail route.

    Rail takes 1.095 Mt/y (21,000 t a week) at 29 USD/t instead of 15: week 2 costs 700 x 14 more.
    """
    d = tiny_demand(tiny, [("a", "m", "crude_oil", 36_500)])
    rep = replay(tiny, d, closure("ap", "2022-01-08", 7))
    assert list(rep.periods["days"]) == [7, 7, 7, 7]
    base = replay(tiny, d, closure("ap", "2022-01-08", 7).model_copy(update={"events": []}))
    assert rep.transport_cost_usd - base.transport_cost_usd == pytest.approx(700 * 14)
    assert rep.stranded() == {"crude_oil": pytest.approx(0, abs=1e-6)}


def test_backlog_waits_in_storage_and_clears(tiny):
    """Containers o->e: 29,200 TEU/y (560 a week) fill ab exactly. Close ab for week 2:

    with room for 1,000 TEU at o, week 2's 560 TEU wait and cannot catch up (ab is full every
    week), so they are still waiting at the end: not cleared. Without storage they are stranded.
    """
    d = tiny_demand(tiny, [("o", "e", "container", 29_200)])
    scenario = closure("ab", "2022-01-08", 7)
    kept = replay(tiny, d, scenario, storage={"o": 1_000})
    assert kept.stranded()["container"] == pytest.approx(0, abs=1e-6)
    assert kept.days_to_clear() is None
    assert kept.waiting_unit_days()["container"] == pytest.approx(560 * 7 * 2)  # waits through weeks 3 and 4
    lost = replay(tiny, d, scenario)
    assert lost.stranded()["container"] == pytest.approx(560)


def test_backlog_clears_when_there_is_room(tiny):
    d = tiny_demand(tiny, [("o", "e", "container", 14_600)])  # half of ab's capacity
    rep = replay(tiny, d, closure("ab", "2022-01-08", 7), storage={"o": 10_000})
    # week 2's 280 TEU wait a week and move in week 3 alongside week 3's own
    assert rep.days_to_clear() == pytest.approx(14)
    assert rep.stranded()["container"] == pytest.approx(0, abs=1e-6)
    moved = rep.volumes.groupby("period")["moved"].sum()
    assert moved[2] == pytest.approx(560)


def test_impact_on_the_builtin_network(eurasia):
    demand = load_demand(eurasia)
    result = impact(eurasia, demand, load_scenario("sanctions-2022", eurasia), period="month")
    data = result.to_dict()
    for key in ("delta_cost_usd", "stranded", "bottlenecks", "corridors", "dependency"):
        assert key in data
    # 2022 replayed with parameters fitted on 2021 alone (calibration/parameters.csv): boxes leave
    # the northern route, those across the Caspian at least double, and the crossing binds
    rows = result.corridors.set_index(["group", "commodity"])
    north, caspian = rows.loc[("northern_rail", "container")], rows.loc[("caspian_crossing", "container")]
    assert 0 < north["after"] < 0.6 * north["before"]
    assert caspian["after"] >= 2 * caspian["before"] > 0
    top3 = list(dict.fromkeys(result.bottlenecks["element"]))[:3]
    assert "caspian_crossing" in top3, top3
    dep = result.dependency.set_index(["exporter", "transit", "commodity"])
    assert 0 < dep.loc[("CN", "RU", "container"), "share_after"] < dep.loc[("CN", "RU", "container"), "share_before"]


def test_unknown_end_gives_a_range(tiny):
    d = tiny_demand(tiny, [("o", "e", "container", 29_200)])
    scenario = Scenario.model_validate(
        {
            "name": "open-ended",
            "horizon": {"start": "2022-01-01", "end": "2022-03-31"},
            "events": [{"type": "close", "target": "ab", "start": "2022-01-01", "until_further_notice": True}],
        }
    )
    table = impact_by_duration(tiny, d, scenario, durations=(7, 30, 60), period="week")
    assert list(table["days"]) == [7, 30, 60]
    assert table["stranded_container"].is_monotonic_increasing
    assert table["delta_cost_usd"].is_monotonic_increasing


def test_flow_decomposition():
    flows = pd.DataFrame(
        {
            "link": ["x", "y", "z", "w"],
            "from": ["o", "a", "o", "b"],
            "to": ["a", "d", "b", "d"],
            "flow_per_year": [3.0, 3.0, 2.0, 2.0],
        }
    )
    paths = sorted((tuple(links), v, end) for links, v, end in _decompose(flows, "o"))
    assert paths == [(("x", "y"), 3.0, "d"), (("z", "w"), 2.0, "d")]


def test_transit_dependency_counts_only_countries_in_between(eurasia):
    """The destination's country is where the trade goes, not a transit country."""
    from corridor.analysis import transit_dependency
    from corridor.flow import assign, demand_from_frame

    frame = pd.DataFrame(
        [("xian_port", "duisburg", "container", 10_000.0, "assumption: test")],
        columns=["origin", "destination", "commodity", "quantity_per_year", "source"],
    )
    table = transit_dependency(eurasia, assign(eurasia, demand_from_frame(eurasia, frame)))
    boxes = table[(table["exporter"] == "CN") & (table["commodity"] == "container")]
    assert "DE" not in set(boxes["transit"])  # every box ends in Germany
    assert "KZ" in set(boxes["transit"])


def test_an_event_on_an_idle_element_says_so(eurasia):
    from corridor.scenario import Scenario

    scenario = Scenario.model_validate(
        {
            "name": "idle",
            "horizon": {"start": "2022-03-01", "end": "2022-03-31"},
            "events": [
                {"type": "close", "target": "cs_turkmenbashi_alat_ferry", "start": "2022-03-05", "days": 10},
                {"type": "close", "target": "cpc_spm1", "start": "2022-03-05", "days": 10},
            ],
        }
    )
    result = impact(eurasia, load_demand(eurasia), scenario, period="week")
    assert len(result.warnings) == 1 and "cs_turkmenbashi_alat_ferry" in result.warnings[0]
    assert result.to_dict()["warnings"] == list(result.warnings)


def test_horizon_days():
    assert Horizon(start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31)).days == 365


def test_cpc_court_order_strands_crude(eurasia):
    """With the CPC shut for 30 days, Tengiz can only rail 2.4 Mt a year out: crude is left behind.

    Kashagan and Karachaganak crude turns to Atyrau-Samara and the China pipeline instead.
    """
    result = impact(eurasia, load_demand(eurasia), load_scenario("cpc-court-2022", eurasia), period="week")
    stranded = result.disrupted.stranded()["crude_oil"]
    # 30 days of CPC flow is about 5.4 Mt (65.6 Mt a year); the other outlets take part of it
    assert 1e6 < stranded < 5.4e6
    # every tonne more of a binding outlet saves a tonne left behind (about 500 USD) less its freight
    top = result.bottlenecks.set_index(["element", "direction"])["shadow_price_usd"]
    assert top[("ru_atyrau_samara", "atyrau->samara_oil")] > 400
    assert top[("kz_tengiz_beineu_rail", "tengiz->beineu")] > 400


def test_crude_fills_storage_then_output_is_deferred(eurasia):
    """Fields hold about two days of output (nodes.csv storage_days); then output is cut: deferred,
    valued at the scenario's oil price less the blend discount, and reported in t and bbl/d."""
    demand = load_demand(eurasia)
    court = load_scenario("cpc-court-2022", eurasia)
    with_tanks = impact(eurasia, demand, court)
    without = impact(eurasia, demand, court, storage={})
    assert with_tanks.disrupted.stranded()["crude_oil"] < without.disrupted.stranded()["crude_oil"]
    oil = with_tanks.to_dict()["oil"]
    assert oil["oil_price_usd_per_bbl"] == court.oil.price_usd_per_bbl  # 2022 Brent (S63)
    assert oil["lost_t"] == 0 and oil["deferred_t"] == pytest.approx(oil["output_cut_t"])
    assert oil["output_cut_bbl"] == pytest.approx(7.5 * oil["output_cut_t"])
    netback = court.oil.price_usd_per_bbl - court.oil.blend_discount_usd_per_bbl
    assert oil["revenue_deferred_usd"] == pytest.approx(oil["output_cut_bbl"] * netback, rel=1e-6)
    assert 0 < oil["days_cut"] <= 30 + 7  # the closure, read at stretch resolution
    # a dearer barrel makes the same cut cost more
    dear = court.model_copy(update={"oil": court.oil.model_copy(update={"price_usd_per_bbl": 150.0})})
    assert impact(eurasia, demand, dear).delta_cost_usd > with_tanks.delta_cost_usd
