"""Replays solve each distinct stretch LP once: the same answers as solving every stretch."""

from __future__ import annotations

import pandas as pd
import pytest

from corridor.analysis import impact
from corridor.analysis.replay import Replay, ReplayCache, replay
from corridor.flow import demand_from_frame, load_demand
from corridor.scenario import Scenario, load_scenario


def tiny_demand(tiny, rows):
    frame = pd.DataFrame(rows, columns=["origin", "destination", "commodity", "quantity_per_year"])
    frame["source"] = "T1"
    return demand_from_frame(tiny, frame)


def closure(target, start, days):
    """A closure in a 12-week horizon: weeks before, during and after it pose the same LPs."""
    return Scenario.model_validate(
        {
            "name": f"close-{target}",
            "horizon": {"start": "2022-01-01", "end": "2022-03-25"},
            "events": [{"type": "close", "target": target, "start": start, "days": days}],
        }
    )


def assert_same_replay(reused: Replay, every: Replay) -> None:
    pd.testing.assert_frame_equal(reused.stretches, every.stretches)
    pd.testing.assert_frame_equal(reused.volumes, every.volumes)
    assert reused.total_cost_usd == every.total_cost_usd
    assert len(reused.assignments) == len(every.assignments)
    for a, b in zip(reused.assignments, every.assignments, strict=True):
        pd.testing.assert_frame_equal(a.flows, b.flows)
        pd.testing.assert_frame_equal(a.bottlenecks, b.bottlenecks)
    pd.testing.assert_frame_equal(reused.paths(), every.paths())


@pytest.mark.parametrize("storage", [None, {"o": 1_000}], ids=["stranded", "backlog"])
def test_reused_stretches_give_the_answers_of_solving_every_one(tiny, storage):
    """Containers o->e fill ab; closing it for two weeks strands them, or (with room at o) leaves
    a backlog that changes the demand of every later week: those weeks are LPs of their own."""
    demand = tiny_demand(tiny, [("o", "e", "container", 29_200), ("a", "m", "crude_oil", 36_500)])
    scenario = closure("ab", "2022-01-15", 14)
    cache = ReplayCache()
    reused = replay(tiny, demand, scenario, storage=storage, cache=cache)
    every_cache = ReplayCache(reuse=False)
    every = replay(tiny, demand, scenario, storage=storage, cache=every_cache)
    assert_same_replay(reused, every)
    stretches = len(reused.stretches)
    assert every_cache.solved == stretches and every_cache.reused == 0
    assert cache.solved + cache.reused == stretches
    if storage is None:
        assert cache.solved == 2  # open and closed
    else:
        assert cache.reused > 0 and cache.solved > 2  # the backlog weeks differ


def test_the_runs_of_an_impact_share_their_stretches(tiny):
    demand = tiny_demand(tiny, [("o", "e", "container", 29_200)])
    scenario = closure("ab", "2022-01-15", 14)
    cache = ReplayCache()
    first = replay(tiny, demand, scenario, cache=cache)
    solved = cache.solved
    again = replay(tiny, demand, scenario, cache=cache)
    assert cache.solved == solved  # nothing new to solve
    assert_same_replay(again, first)


@pytest.mark.slow
def test_sanctions_2022_reuses_its_stretches_without_changing_them(eurasia):
    demand = load_demand(eurasia)
    scenario = load_scenario("sanctions-2022", eurasia)
    cache = ReplayCache()
    reused = replay(eurasia, demand, scenario, cache=cache)
    every = replay(eurasia, demand, scenario, cache=ReplayCache(reuse=False))
    assert_same_replay(reused, every)
    assert cache.solved * 4 < len(every.stretches)
    # and an impact (three replays sharing one cache) reports the same stranded cargo and rents
    whole = impact(eurasia, demand, scenario)
    pd.testing.assert_frame_equal(whole.disrupted.volumes, every.volumes)


def test_warm_starts_from_the_bases_of_another_draw_reach_the_same_optimum(tiny):
    """A draw (the pipeline dearer by 1.8 rather than 1.5) started from the bases of the first
    costs what it costs solved from scratch."""
    demand = tiny_demand(tiny, [("a", "m", "crude_oil", 36_500), ("o", "e", "container", 20_000)])

    def dearer(factor):
        return Scenario.model_validate(
            {
                "name": "dearer-pipeline",
                "horizon": {"start": "2022-01-01", "end": "2022-02-25"},
                "events": [
                    {"type": "multiply_tariff", "target": "ap", "factor": factor, "start": "2022-01-15", "days": 21}
                ],
            }
        )

    point = ReplayCache(keep_bases=True)
    replay(tiny, demand, dearer(1.5), cache=point)
    assert len(point.bases) == len(replay(tiny, demand, dearer(1.5)).stretches)
    warm = ReplayCache(starts=point.bases)
    started = replay(tiny, demand, dearer(1.8), cache=warm)
    cold = replay(tiny, demand, dearer(1.8))
    assert warm.warm == warm.solved > 0
    assert started.total_cost_usd == pytest.approx(cold.total_cost_usd, rel=1e-9)
    assert started.transport_cost_usd == pytest.approx(cold.transport_cost_usd, rel=1e-9)


@pytest.mark.parametrize("name", ["sanctions-2022", "cpc-storm-2022"])
def test_the_path_table_is_every_stretchs_paths_with_its_stretch(eurasia, name):
    run = replay(eurasia, load_demand(eurasia), load_scenario(name))
    found = [p.assign(stretch=s) for s, p in enumerate(run.stretch_paths()) if not p.empty]
    pd.testing.assert_frame_equal(run.path_table(), pd.concat(found, ignore_index=True), check_exact=True)


def test_bottleneck_rents_sum_each_stretchs_bottlenecks_over_its_days(eurasia):
    run = replay(eurasia, load_demand(eurasia), load_scenario("sanctions-2022"))
    frames = [
        r.bottlenecks.assign(
            days_binding=int(days),
            rent_usd=r.bottlenecks["rent_usd"] * days / 365.0,
            queue_cost_usd=r.bottlenecks["queue_cost_usd"] * days / 365.0,
        )
        for r, days in zip(run.assignments, run.stretches["days"], strict=True)
        if not r.bottlenecks.empty
    ]
    keys = ["element", "kind", "direction", "dimension"]
    rows = pd.concat(frames, ignore_index=True)
    expected = rows.groupby(keys, as_index=False).agg(
        rent_usd=("rent_usd", "sum"), queue_cost_usd=("queue_cost_usd", "sum"), days_binding=("days_binding", "sum")
    )
    got = run.bottleneck_rents()[[*keys, "rent_usd", "queue_cost_usd", "days_binding"]]
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_a_headline_without_link_flows_is_the_headline_with_them(eurasia):
    demand, scenario = load_demand(eurasia), load_scenario("sanctions-2022")
    lean = impact(eurasia, demand, scenario, details=False, cache=ReplayCache(link_flows=False))
    assert lean.disrupted.assignments[0].flows.empty
    assert lean.headline() == impact(eurasia, demand, scenario, details=False).headline()
