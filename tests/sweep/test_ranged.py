"""Ranges on an assignment, a criticality ranking and a pair's segments, on the tiny network
(tests/data/tiny/README.md), each solved with HiGHS and checked against an answer on paper."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridor.errors import RequestError
from corridor.flow import assign, demand_from_frame
from corridor.sweep import SweepOptions, closable_elements
from corridor.sweep.ranged import (
    assign_ranges,
    assignment_corridors,
    criticality_ranges,
    segment_ranges,
)

TEU_PER_TRAIN = 80  # tiny commodities.csv
TRAINS_A_YEAR = 365  # ab: 1 train pair a day, the capacity the draws scale
ROUTE_USD = 600  # o -> e over the ferry, per TEU
FEEDER_EXTRA_USD = 30  # the feeder instead of the ferry, per TEU
BOX_VALUE_USD = 50_000  # what an unserved TEU costs (the commodity's value)
FERRY_ROUTE_H = 74.0  # with the ferry's 30 h dwell
FERRY_DWELL_H = 30.0


def boxes(tiny, teu):
    frame = pd.DataFrame(
        [("o", "e", "container", teu)], columns=["origin", "destination", "commodity", "quantity_per_year"]
    )
    return demand_from_frame(tiny, frame.assign(source="T1"))


def table(*rows):
    columns = ["table", "element", "field", "value", "low", "high", "distribution"]
    return pd.DataFrame(rows, columns=columns).assign(reason="toy", source="T1", row=range(2, 2 + len(rows)))


AB_CAPACITY = ("links", "ab", "capacity", 1.0, 1.0, 2.0, "uniform")


def percentiles(values):
    return list(np.percentile(values, [10, 50, 90]))


def band(ranges, name):
    got = ranges[name]
    assert got["p10"] <= got["p50"] <= got["p90"]
    return [got["p10"], got["p50"], got["p90"]]


def test_corridor_volumes_of_an_assignment(tiny):
    result = assign(tiny, boxes(tiny, 10_000))
    rows = assignment_corridors(tiny, result).to_dict("records")
    assert rows == [
        {
            "group": "caspian",
            "direction": "westbound",
            "commodity": "container",
            "unit": "teu",
            "volume_per_year": 10_000.0,
        }
    ]


def test_assignment_ranges_of_a_capacity_that_binds(tiny):
    """100,000 TEU o -> e where ab carries 29,200 f a year (f the drawn capacity, 1..2 train pairs
    a day): all of it crosses the Caspian westbound, the rest is unserved, and ab's rent is its
    dual (a train's 80 TEU, each worth 50,000 USD less the 600 USD route) times 365 f trains."""
    demand = boxes(tiny, 100_000)
    ranged = assign_ranges(tiny, demand, samples=12, assumptions=table(AB_CAPACITY), options=SweepOptions(seed=4))
    f = ranged.draws["ab.capacity"].to_numpy()
    carried = TEU_PER_TRAIN * TRAINS_A_YEAR * f
    ranges = ranged.ranges()
    volume = band(ranges, "corridors.caspian.westbound.container.volume_per_year")
    assert volume == pytest.approx(percentiles(carried), rel=1e-6)
    assert band(ranges, "unserved.container") == pytest.approx(percentiles(100_000 - carried), rel=1e-6)
    rent = band(ranges, "bottlenecks.ab.a->b.train.rent_usd")
    dual = TEU_PER_TRAIN * (BOX_VALUE_USD - ROUTE_USD)
    assert rent == pytest.approx(percentiles(dual * TRAINS_A_YEAR * f), rel=1e-6)
    assert volume[0] < volume[1] < volume[2]
    (driver,) = ranged.drivers()["corridors.caspian.westbound.container.volume_per_year"]
    assert driver["assumption"] == "ab.capacity" and driver["rho"] == pytest.approx(1.0)
    assert ranged.drivers()["unserved.container"][0]["rho"] == pytest.approx(-1.0)


def test_the_same_seed_draws_the_same_assignments(tiny):
    demand = boxes(tiny, 100_000)

    def run(seed):
        return assign_ranges(tiny, demand, samples=4, assumptions=table(AB_CAPACITY), options=SweepOptions(seed=seed))

    first, again, other = run(3), run(3), run(9)
    pd.testing.assert_frame_equal(first.figures, again.figures)
    assert first.ranges() == again.ranges()
    assert not np.allclose(first.draws.to_numpy(), other.draws.to_numpy())


@pytest.mark.slow
def test_assignment_ranges_do_not_depend_on_the_executor(tiny):
    demand = boxes(tiny, 100_000)

    def run(executor):
        options = SweepOptions(seed=2, executor=executor, workers=2, always_spread=True)
        return assign_ranges(tiny, demand, samples=4, assumptions=table(AB_CAPACITY), options=options)

    serial, spread = run("serial"), run("processes")
    pd.testing.assert_frame_equal(serial.figures, spread.figures)


def test_criticality_ranges_of_the_ferry_and_the_bottleneck(tiny):
    """40,000 TEU o -> e, ab carrying 29,200 f (f 1..1.3, so some is always left behind): closing
    the ferry moves what is carried to the feeder at 30 USD more a TEU; closing ab strands all of
    it, each TEU costing its value less the route it no longer pays."""
    demand = boxes(tiny, 40_000)
    closures = [e for e in closable_elements(tiny, demand=demand) if e.id in ("bd_ferry", "ab")]
    rows = table(("links", "ab", "capacity", 1.0, 1.0, 1.3, "uniform"))
    ranged = criticality_ranges(
        tiny, demand, closures=closures, samples=8, assumptions=rows, options=SweepOptions(seed=1)
    )
    carried = TEU_PER_TRAIN * TRAINS_A_YEAR * ranged.draws["ab.capacity"].to_numpy()
    ranges = ranged.ranges()
    assert band(ranges, "elements.bd_ferry.extra_cost_usd") == pytest.approx(
        percentiles(FEEDER_EXTRA_USD * carried), rel=1e-6
    )
    assert band(ranges, "elements.ab.stranded_container") == pytest.approx(percentiles(carried), rel=1e-6)
    assert band(ranges, "elements.ab.extra_cost_usd") == pytest.approx(
        percentiles((BOX_VALUE_USD - ROUTE_USD) * carried), rel=1e-6
    )
    assert ranged.drivers()["elements.ab.extra_cost_usd"][0]["assumption"] == "ab.capacity"


def test_segment_ranges_of_the_ferry_dwell(tiny):
    """10,000 TEU o -> e stay on the ferry (the cheapest route, with room); its dwell, drawn from
    20 to 40 h, moves the route's time: 74 h with the 30 h dwell."""
    rows = table(("links", "bd_ferry", "dwell_h", FERRY_DWELL_H, 20.0, 40.0, "uniform"))
    ranged = segment_ranges(
        tiny, boxes(tiny, 10_000), "o", "e", samples=8, assumptions=rows, options=SweepOptions(seed=6)
    )
    dwell = ranged.draws["bd_ferry.dwell_h"].to_numpy()
    ranges = ranged.ranges()
    days = band(ranges, "all.transit_days")
    assert days == pytest.approx(percentiles((FERRY_ROUTE_H - FERRY_DWELL_H + dwell) / 24.0), rel=1e-9)
    assert days[0] < days[1] < days[2]
    assert band(ranges, "all.generalized_usd") == pytest.approx([ROUTE_USD] * 3)
    assert ranges["all.Origin O - Bravo port - Delta port - Echo.share"]["p50"] == pytest.approx(1.0)
    assert list(ranged.drivers()) == ["all.transit_days"]  # the only figure that moves


def test_bad_requests(tiny):
    demand = boxes(tiny, 10_000)
    with pytest.raises(RequestError, match="samples is 0"):
        assign_ranges(tiny, demand, samples=0, assumptions=table(AB_CAPACITY))
    with pytest.raises(RequestError, match="no closure"):
        criticality_ranges(tiny, demand, closures=[], samples=2, assumptions=table(AB_CAPACITY))
    only_a_scenario = table(("scenario", "another#0", "factor", 1.0, 0.5, 2.0, "uniform"))
    with pytest.raises(RequestError, match="no assumption"):
        segment_ranges(tiny, demand, "o", "e", samples=2, assumptions=only_a_scenario)


@pytest.mark.slow
def test_the_built_in_network_gives_the_northern_rail_a_range():
    """On the Eurasian network with its calibration, the values of time, fitted shares and queue
    curves move the westbound container volume on the Northern rail corridor."""
    from corridor import load_network
    from corridor.flow import load_demand
    from corridor.network.assumptions import dataset_parameters, load_assumptions

    published = load_network(calibrated=False)
    demand = load_demand(load_network())
    ranged = assign_ranges(
        published, demand, samples=5, assumptions=load_assumptions(), parameters=dataset_parameters(),
        options=SweepOptions(seed=1),
    )  # fmt: skip
    north = band(ranged.ranges(), "corridors.northern_rail.westbound.container.volume_per_year")
    assert 0 < north[0] < north[2]
    assert ranged.drivers()["corridors.northern_rail.westbound.container.volume_per_year"]
    assert "sanctions-2022#0.expected_delay_days" not in ranged.draws.columns  # no scenario: its rows stay out
