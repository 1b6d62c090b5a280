"""A bottleneck's rent read from the solution: its hard cap's dual and its queue's waiting cost."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridor.analysis.explain import explain_pair
from corridor.flow import assign, demand_from_frame
from corridor.flow.segments import wait_hours

CONGESTION_COLUMNS = ["element", "wait_h_at_half", "max_wait_h", "wait_source", "value_of_time_usd_per_dim_day",
                      "value_of_time_source"]  # fmt: skip
VOT_PER_DAY = {"fast": 2_400.0, "slow": 2.4}  # USD per TEU-day of each segment


def queued_feeder(tiny, *, capacity: float, segments: bool = True):
    """The tiny network with a capacity and a queue (10 h at half use, up to 400 h, its own value
    of time 2.4 USD per TEU-day) on the B-D feeder, beside the slower, cheaper ferry; with two
    segments of containers, fast and slow, or none (then the queue's own value of time holds)."""
    links = tiny.links.copy()
    feeder = links["id"] == "bd_feeder"
    links.loc[feeder, ["capacity", "capacity_unit", "capacity_source"]] = [capacity, "teu_per_year", "T1"]
    congestion = pd.DataFrame([("bd_feeder", 10.0, 400.0, "T1", 2.4, "T1")], columns=CONGESTION_COLUMNS)
    net = tiny.replace(links=links, congestion=congestion)
    if not segments:
        return net
    table = pd.DataFrame(
        [("container", name, 0.5, 50_000.0, "T1", vot, "T1") for name, vot in VOT_PER_DAY.items()],
        columns=["commodity", "segment", "share", "value_usd_per_unit", "value_source",
                 "value_of_time_usd_per_unit_day", "value_of_time_source"],
    )  # fmt: skip
    table["share_source"] = "T1"
    return net.replace(segments=table)


def ferry_for_crude_only(net):
    links = net.links.copy()
    links.loc[links["id"] == "bd_ferry", "commodities"] = "crude_oil"
    return net.replace(links=links)


def boxes(net, quantity: float):
    frame = pd.DataFrame([("b", "d", "container", quantity)],
                         columns=["origin", "destination", "commodity", "quantity_per_year"])  # fmt: skip
    frame["source"] = "T1"
    return demand_from_frame(net, frame)


def feeder_row(result) -> pd.Series:
    rows = result.bottlenecks[
        (result.bottlenecks["element"] == "bd_feeder") & (result.bottlenecks["direction"] == "b->d")
    ]
    assert len(rows) == 1, result.bottlenecks
    return rows.iloc[0]


def test_a_queue_costs_each_segment_its_wait_at_its_own_value_of_time(tiny):
    """Worked from the flows: each segment's TEU on the feeder wait the hours its load gives on the
    curve (10 h x r / (1 - r)), each hour worth its own value of time; the queue's cost is their sum,
    and the feeder's rent is that cost, as its hard cap has room (no dual)."""
    net = queued_feeder(tiny, capacity=1_000.0)
    result = assign(net, boxes(net, 1_600.0), equilibrium=True)
    flows = result.flows_by_segment
    on_feeder = flows[(flows["link"] == "bd_feeder") & (flows["from"] == "b")]
    teu = on_feeder.groupby("segment")["flow_per_year"].sum()
    wait = float(wait_hours(teu.sum() / 1_000.0, 10.0, 400.0))
    expected = sum(volume * wait * VOT_PER_DAY[str(segment)] / 24.0 for segment, volume in teu.items())
    row = feeder_row(result)
    assert 0.0 < wait < 400.0 and expected > 0
    assert row["queue_cost_usd"] == pytest.approx(expected, rel=1e-6)
    assert row["wait_h"] == pytest.approx(wait)
    assert row["scarcity_rent_usd"] == 0.0
    assert row["rent_usd"] == pytest.approx(row["scarcity_rent_usd"] + row["queue_cost_usd"])


def test_without_segments_the_queue_is_costed_at_its_own_value_of_time(tiny):
    """Containers without segments, barred from the ferry: all 1,600 TEU take the feeder (room for
    2,000), wait 10 h x 0.8 / 0.2 = 40 hours at the element's own 2.4 USD per TEU-day (0.1 an hour):
    6,400 USD a year."""
    net = ferry_for_crude_only(queued_feeder(tiny, capacity=2_000.0, segments=False))
    row = feeder_row(assign(net, boxes(net, 1_600.0)))
    assert row["wait_h"] == pytest.approx(40.0)
    assert row["queue_cost_usd"] == pytest.approx(1_600 * 40.0 * 0.1)
    assert row["rent_usd"] == pytest.approx(6_400.0)


def test_a_full_queue_earns_both_parts(tiny):
    """A feeder with room for 100 TEU a year and no ferry for boxes: its hard cap binds (a dual) and
    its queue is at its longest, 400 hours: the rent is the dual x capacity plus 100 TEU x 400 h at
    each one's value of time."""
    net = ferry_for_crude_only(queued_feeder(tiny, capacity=100.0))
    result = assign(net, boxes(net, 1_600.0), equilibrium=True)
    row = feeder_row(result)
    assert row["utilisation"] == pytest.approx(1.0)
    assert row["scarcity_rent_usd"] == pytest.approx(row["shadow_price_usd"] * 100.0)
    assert row["scarcity_rent_usd"] > 0 and row["wait_h"] == pytest.approx(400.0)
    flows = result.flows_by_segment
    teu = flows[(flows["link"] == "bd_feeder") & (flows["from"] == "b")].groupby("segment")["flow_per_year"].sum()
    expected = sum(volume * 400.0 * VOT_PER_DAY[str(segment)] / 24.0 for segment, volume in teu.items())
    assert row["queue_cost_usd"] == pytest.approx(expected, rel=1e-6)
    assert row["rent_usd"] == pytest.approx(row["scarcity_rent_usd"] + row["queue_cost_usd"])


def test_the_queue_costs_add_up_to_the_waits_the_routes_show(tiny):
    """The queue costs are the waits ``routes --segments`` shows: the volume of each segment's
    route times its wait_usd (per unit, at its own value of time), summed, is the sum of the
    bottlenecks' queue costs, when one pair is all the demand."""
    net = queued_feeder(tiny, capacity=1_000.0)
    demand = boxes(net, 1_600.0)
    routes = explain_pair(net, demand, "b", "d")
    shown = float(np.nansum(routes["volume_per_year"] * routes["wait_usd"]))
    result = assign(net, demand, equilibrium=True)
    assert shown > 0
    assert result.bottlenecks["queue_cost_usd"].sum() == pytest.approx(shown, rel=1e-6)
