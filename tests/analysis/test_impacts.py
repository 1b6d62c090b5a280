"""Replays and impacts: periods, backlog in storage, stranded cargo, corridors, dependency."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from corridor.analysis import impact, impact_by_duration, replay
from corridor.analysis.calibrate import load_targets
from corridor.analysis.dependency import _decompose
from corridor.flow import demand_from_frame, load_demand
from corridor.network import group_members
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


@pytest.fixture(scope="module")
def sanctions(eurasia):
    """sanctions-2022 replayed month by month: shared by the tests that read it (three replays)."""
    return impact(eurasia, load_demand(eurasia), load_scenario("sanctions-2022", eurasia), period="month")


def test_impact_on_the_builtin_network(eurasia, sanctions):
    result = sanctions
    data = result.to_dict()
    for key in ("delta_cost_usd", "stranded", "bottlenecks", "corridors", "dependency"):
        assert key in data
    # 2022 replayed with parameters fitted on 2021 alone (calibration/parameters.csv), each segment on
    # its cheapest open route: boxes leave the northern route, and the Caspian's grow, as in life
    # (Trans-Caspian boxes +33 percent in 2022, R8; Aktau and Kuryk +34 percent, R189), because
    # Kazakhstan's and Uzbekistan's own trade with Turkey and the EU, and some transit, move off the
    # route through Russia (M1; Z1; Z3). The model's ratio is not the published one: its "before" is
    # 2022 without the sanctions (2021's demand on the crossing's 2022 slots, about 27,000 TEU), not 2021, and
    # the crossing's queues brake the growth (about 1.6x). The level overshoots: the boxes across the
    # Caspian under the sanctions reach the band of the published 2022 figure and pass its top
    # (about 43,000 TEU against 33,600 +-15 percent; validate-model's replay of 2022 misses it too)
    rows = result.corridors.set_index(["group", "commodity"])
    north = rows.loc[("northern_rail", "container")]
    caspian = result.corridors[
        (result.corridors["commodity"] == "container")
        & (result.corridors["group"] + ", " + result.corridors["same_as"]).str.contains("caspian_crossing")
    ].iloc[0]
    assert 0 < north["after"] < 0.6 * north["before"]
    assert caspian["after"] > 1.1 * caspian["before"] > 0
    published = load_targets().set_index(["measure", "year"]).loc[("caspian_teu", 2022)]
    assert published["low"] <= caspian["after"]  # 33,600 TEU +-15 percent (R8; S72)
    grown = _caspian_boxes_by_origin(eurasia, result.disrupted).sub(
        _caspian_boxes_by_origin(eurasia, result.baseline), fill_value=0.0
    )
    own_trade = grown[[o for o in grown.index if o in ("almaty", "tashkent", "istanbul", "lodz")]].sum()
    # some two fifths of the growth is the region's own trade, the rest Chinese and European transit
    # off the route through Russia (time-critical boxes outbid the others for the rail's places)
    assert own_trade > 0.25 * grown.sum() > 0
    # every stretch of both runs solved to the per-segment equilibrium, by default: within the
    # tolerance (1e-4), or near it where the rounds run out (the market-only run's stretches of
    # March to September end their 30 rounds at 1.05e-4, a full line's places priced at the duals)
    for run in (result.baseline, result.disrupted):
        assert all(0 <= a.equilibrium["relative_gap"] <= 1.1e-4 for a in run.assignments)
    dep = result.dependency.set_index(["exporter", "transit", "commodity"])
    assert 0 < dep.loc[("CN", "RU", "container"), "share_after"] < dep.loc[("CN", "RU", "container"), "share_before"]


def _caspian_boxes_by_origin(network, run) -> pd.Series:
    """Boxes across the Caspian by origin, averaged over the run's days (TEU a year)."""
    _, caspian = group_members(network, "caspian_crossing")
    total = pd.Series(dtype=float)
    for result, days in zip(run.assignments, run.stretches["days"], strict=True):
        f = result.flows_by_origin
        across = f[(f["commodity"] == "container") & f["link"].isin(caspian)].groupby("origin")["flow_per_year"].sum()
        total = total.add(across * days, fill_value=0.0)
    return total / float(run.stretches["days"].sum())


def test_the_disruption_is_apart_from_the_market(sanctions):
    """The sea rates' fall of 2022 is a market event of the scenario: it no longer reads as a saving
    of the sanctions. Disruption + market = the total change."""
    data = sanctions.to_dict()
    assert data["market_events"] == 3  # the three sea-rate multipliers
    assert data["disruption_cost_usd"] > 0
    assert data["market_cost_usd"] < 0
    total = data["disruption_cost_usd"] + data["market_cost_usd"]
    assert data["delta_cost_usd"] == pytest.approx(total, rel=0.01)
    parts = sanctions.cost_parts()
    assert sum(parts.values()) == pytest.approx(sanctions.delta_cost_usd, rel=1e-9)


def test_the_time_change_is_transit_and_queues_as_the_bottlenecks_count_them(sanctions):
    """Shippers' time is reported at each segment's value of time, its queues as the bottleneck
    rows count them. In 2021 the Khorgos queue (240 hours at its cap) holds economy boxes: the
    time-critical ones outbid them for Dostyk's places (tests/flow/test_read.py), so its cost is
    hundreds of millions of USD over the horizon, not billions. The sanctions shorten it (fewer
    boxes for the route through Russia) while the Caspian's queues grow: the waits change far less
    than the longer transit by sea costs."""
    data = sanctions.to_dict()
    assert data["delta_transit_time_cost_usd"] + data["delta_queue_cost_usd"] == pytest.approx(
        data["delta_time_cost_usd"], abs=0.02
    )
    for run in (sanctions.baseline, sanctions.disrupted):
        rows = run.bottleneck_rents()
        assert run.queue_cost_usd == pytest.approx(rows["queue_cost_usd"].sum(), rel=1e-6)
        assert run.time_cost_usd == pytest.approx(run.transit_time_cost_usd + run.queue_cost_usd)
    khorgos = {
        name: run.bottleneck_rents().query("element == 'bx_hor_altynkol' and direction == 'khorgos_cn->altynkol'")
        for name, run in (("before", sanctions.baseline), ("after", sanctions.disrupted))
    }
    assert khorgos["before"]["wait_h"].iloc[0] == pytest.approx(240.0)
    before, after = (float(khorgos[k]["queue_cost_usd"].iloc[0]) for k in ("before", "after"))
    assert after < before / 1.5, (before, after)  # the sanctions shorten the Khorgos queue's cost
    assert before < 1e9, before  # hundreds of millions, not billions
    assert data["delta_transit_time_cost_usd"] > 10 * abs(data["delta_queue_cost_usd"])
    assert data["disruption_cost_usd"] > 0


def test_bottlenecks_carry_their_rent_ranked_by_its_change(sanctions):
    table = sanctions.bottlenecks
    assert {"rent_usd", "rent_before_usd", "rent_change_usd", "usd_per_teu", "usd_per_t"} <= set(table.columns)
    assert table["rent_change_usd"].is_monotonic_decreasing
    assert table["rent_change_usd"].to_numpy() == pytest.approx(
        (table["rent_usd"] - table["rent_before_usd"]).to_numpy()
    )
    top3 = list(dict.fromkeys(table["element"]))[:3]
    assert "caspian_crossing" in top3, top3
    # the crossing tightens under the sanctions: its queue westbound is more than twice as long as
    # without them (about 660 hours against 300 under the 2021 fit)
    before = sanctions.baseline.bottleneck_rents()
    crossing = (table["element"] == "caspian_crossing") & (table["direction"] == "backward")
    was = before[(before["element"] == "caspian_crossing") & (before["direction"] == "backward")]
    assert float(table.loc[crossing, "wait_h"].max()) > 2 * float(was["wait_h"].max()) > 0
    # each segment on its cheapest open route, the sanctions free the Kazakh borders that Europe's
    # boxes filled: their rents fall most
    assert table.iloc[-1]["element"] in ("kz_dostyk_aktogay", "bx_hor_altynkol")
    # a binding row's scarcity rent is its dual x capacity x the days it binds, each stretch at its
    # own dual and on its own day's capacity
    assert table["rent_usd"].to_numpy() == pytest.approx(
        (table["scarcity_rent_usd"] + table["queue_cost_usd"]).to_numpy()
    )
    binding = table[table["scarcity_rent_usd"] > 0].iloc[0]
    run, expected = sanctions.disrupted, 0.0
    for result, days in zip(run.assignments, run.stretches["days"], strict=True):
        b = result.bottlenecks
        row = b[(b["element"] == binding["element"]) & (b["direction"] == binding["direction"])]
        if len(row):
            expected += float(row["shadow_price_usd"].iloc[0]) * float(row["capacity"].iloc[0]) * days / 365
    assert binding["scarcity_rent_usd"] == pytest.approx(expected, rel=0.05) and expected > 0


def test_the_crossing_earns_a_rent_that_grows_under_the_sanctions(sanctions):
    """A rent that grows, not a zero that tops a list of falling rents (issue 23, point 3): the
    crossing's queue stops short of the hours at which its hard cap binds (no dual), but its boxes
    wait for weeks, and what they lose waiting is the scarcity rent the queue rations by."""
    table = sanctions.bottlenecks
    crossing = table[table["element"] == "caspian_crossing"]
    assert crossing["rent_change_usd"].max() > 0
    assert (crossing["queue_cost_usd"] > 0).all()
    assert "caspian_crossing" in set(table.head(3)["element"]), table.head(3)


def test_monthly_series_with_directions(sanctions):
    periods = sanctions.to_dict()["periods"]
    assert len(periods) == 10  # March to December
    assert [p["start"] for p in periods[:2]] == ["2022-03-01", "2022-04-01"]
    assert periods[-1]["end"] == "2022-12-31"
    for p in periods:
        assert {d["direction"] for d in p["directions"]} == {"westbound", "eastbound"}
        assert {"cost_usd", "baseline_cost_usd", "delta_cost_usd"} <= set(p)
    # the periods' cost changes add up to the total change
    assert sum(p["delta_cost_usd"] for p in periods) == pytest.approx(sanctions.delta_cost_usd, rel=1e-6)
    # containers and tonnes apart: a corridor's row never adds TEU to t
    series = sanctions.series
    caspian = series[(series["corridor"] == "btk") | (series["corridor"] == "middle_corridor")]
    assert (caspian["volume_teu"] > 0).any()
    west = series[(series["direction"] == "westbound") & (series["corridor"] == "northern_rail")]
    assert west["volume_teu"].sum() < west["volume_teu_baseline"].sum()


def test_overlapping_groups_with_the_same_figures_share_a_row(sanctions):
    corridors = sanctions.corridors
    figures = corridors[["commodity", "before", "after"]].round(0)
    assert not figures.duplicated().any()
    assert set(corridors["unit"]) == {"teu", "t"}


def test_a_closure_on_top_of_a_base_scenario(eurasia):
    """Aktau and Kuryk shut three weeks in November 2022, measured on top of the sanctions: the
    sanctions' events hold in both runs, so the cost is the closure's alone."""
    demand = load_demand(eurasia)
    ports = load_scenario("caspian-ports-nov-2022", eurasia)
    on_top = impact(eurasia, demand, ports, base=load_scenario("sanctions-2022", eurasia), period="month")
    assert on_top.base == "sanctions-2022"
    assert on_top.disruption_cost_usd > 0
    assert on_top.market_cost_usd == 0
    # the boxes that still cross the Caspian eastbound queue longer for the three weeks: the
    # crossing's rent (its queue's cost, at each segment's value of time) tops the changes
    top = on_top.bottlenecks.iloc[0]
    assert top["element"] == "caspian_crossing" and top["rent_change_usd"] > 0
    # the base's events hold in the reference run: its sea-rate cuts are no part of this cost
    assert on_top.baseline.scenario == "sanctions-2022"
    # a scenario that extends the base counts the base's events once
    extended = ports.model_copy(update={"events": [*load_scenario("sanctions-2022").events, *ports.events]})
    again = impact(eurasia, demand, extended, base=load_scenario("sanctions-2022", eurasia), period="month")
    assert again.delta_cost_usd == pytest.approx(on_top.delta_cost_usd, rel=1e-9)


def test_storm_puts_the_cpc_moorings_first(eurasia):
    result = impact(eurasia, load_demand(eurasia), load_scenario("cpc-storm-2022", eurasia), period="month")
    top = result.bottlenecks.iloc[0]
    assert top["element"] in {"cpc_moorings", "cpc", "cpc_spm1", "cpc_spm2", "cpc_spm3"}, top["element"]
    assert top["rent_change_usd"] > 0
    # the container lines that bind every day anyway come after: their rent does not change
    lines = result.bottlenecks[result.bottlenecks["element"] == "kz_dostyk_aktogay"]
    assert lines["rent_change_usd"].abs().max() < 1.0


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
                {"type": "close", "target": "cpc_kropotkinskaya_terminal", "start": "2022-03-05", "days": 10},
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
    valued at the scenario's oil price less the blend discount, reported in t and bbl/d, and costed
    at its carrying cost (cost of capital x days deferred), not its value."""
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
    assert oil["deferred_value_usd"] == pytest.approx(oil["output_cut_bbl"] * netback, rel=1e-6)
    assert oil["lost_value_usd"] == 0
    share = court.oil.cost_of_capital_per_year * court.oil.deferral_days / 365
    assert oil["carrying_cost_usd"] == pytest.approx(oil["deferred_value_usd"] * share, rel=1e-6)
    assert 0 < oil["days_cut"] <= 30 + 7  # the closure, read at stretch resolution
    # deferred is not lost: the extra cost is well under the value of the deferred crude
    assert 0 < with_tanks.delta_cost_usd < 0.25 * oil["deferred_value_usd"]
    # and the parts add up to it
    assert sum(with_tanks.cost_parts().values()) == pytest.approx(with_tanks.delta_cost_usd, rel=1e-9)
    # crude lost for good costs its value: a lost share makes the same cut cost more
    lost = court.model_copy(update={"oil": court.oil.model_copy(update={"lost_share": 0.5})})
    half = impact(eurasia, demand, lost)
    assert half.to_dict()["oil"]["lost_value_usd"] == pytest.approx(oil["deferred_value_usd"] / 2, rel=0.01)
    assert half.delta_cost_usd > with_tanks.delta_cost_usd + 0.4 * oil["deferred_value_usd"]
