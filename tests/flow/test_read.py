"""A bottleneck's rent read from the solution: its hard cap's dual and its queue's waiting cost."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridor.analysis.explain import explain_pair
from corridor.flow import assign, demand_from_frame, load_demand
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


FEEDER_TRANSIT_H = 22.0  # B-D feeder: 10 h crossing and 12 h dwell (tiny links.csv)


def only_crude(net, *links: str):
    """The network with these links closed to everything but crude."""
    table = net.links.copy()
    table.loc[table["id"].isin(links), "commodities"] = "crude_oil"
    return net.replace(links=table)


def transit_hours(net) -> dict[tuple[str, str, str], float]:
    """Hours in transit and dwell of each (link, from, to)."""
    cn = net.compiled
    return {
        (cn.link_ids[cn.arc_link[a]], cn.node_ids[cn.tail[a]], cn.node_ids[cn.head[a]]): float(cn.time_h[a])
        for a in range(cn.n_arcs)
    }


def test_the_time_cost_is_transit_and_each_segments_wait_at_its_own_value_of_time(tiny):
    """Boxes barred from the ferry and the rail round by C: all 1,600 TEU take the feeder (room for 2,000), half fast
    (100 USD an hour), half slow (0.1). Each box spends 22 hours in transit and waits
    10 h x 0.8 / 0.2 = 40 hours at the feeder's load, every hour at its own segment's value:
    800 x (22 + 40) x 100 + 800 x (22 + 40) x 0.1 = 4,964,960 USD a year, of which waiting
    800 x 40 x 100.1 = 3,203,200. (The LP's waiting pieces would give the integral of the wait at
    the slow boxes' 0.1 USD an hour: about 4,000.)"""
    net = only_crude(queued_feeder(tiny, capacity=2_000.0), "bd_ferry", "bc")
    result = assign(net, boxes(net, 1_600.0), equilibrium=True)
    vot_h = {name: per_day / 24.0 for name, per_day in VOT_PER_DAY.items()}
    wait = 10.0 * 0.8 / 0.2
    assert feeder_row(result)["wait_h"] == pytest.approx(wait)
    assert result.time_cost_usd == pytest.approx(4_964_960.0)
    assert result.transit_time_cost_usd == pytest.approx(sum(800 * FEEDER_TRANSIT_H * v for v in vot_h.values()))
    assert result.waiting_cost_usd == pytest.approx(sum(800 * wait * v for v in vot_h.values()))
    assert result.waiting_cost_usd == pytest.approx(3_203_200.0)
    assert result.total_cost_usd == pytest.approx(
        result.transport_cost_usd + result.time_cost_usd + result.unserved_cost_usd
    )


def test_the_time_cost_counts_no_toll_of_the_equilibrium(tiny):
    """With the ferry and the rail round by C open, each segment chooses; the time cost is worked
    from the flows each chose (the hours of every link it takes, and the wait at the feeder's
    load, at its own value of time), whatever tolls the rounds of the equilibrium charged on the
    way (it takes more than one round here)."""
    net = queued_feeder(tiny, capacity=1_000.0)
    result = assign(net, boxes(net, 1_600.0), equilibrium=True)
    assert result.equilibrium["rounds"] > 1
    flows = result.flows_by_segment
    out = flows.groupby(["segment", "link", "from", "to"])["flow_per_year"].sum()
    hours = transit_hours(net)
    transit = sum(v * hours[(link, a, b)] * VOT_PER_DAY[str(s)] / 24.0 for (s, link, a, b), v in out.items())
    feeder = {key: v for key, v in out.items() if key[1:] == ("bd_feeder", "b", "d")}
    wait = float(wait_hours(sum(feeder.values()) / 1_000.0, 10.0, 400.0))
    waiting = sum(v * wait * VOT_PER_DAY[str(key[0])] / 24.0 for key, v in feeder.items())
    assert wait > 0 and waiting > 0
    assert result.time_cost_usd == pytest.approx(transit + waiting, rel=1e-9)
    assert result.transit_time_cost_usd == pytest.approx(transit, rel=1e-9)
    assert result.waiting_cost_usd == pytest.approx(waiting, rel=1e-9)
    assert result.waiting_cost_usd == pytest.approx(result.bottlenecks["queue_cost_usd"].sum(), rel=1e-12)


def test_the_2021_waiting_cost_is_the_sum_of_the_queue_costs(eurasia):
    """The built-in 2021 equilibrium: the assignment's waiting cost is its bottlenecks' queue costs,
    one computation; hundreds of millions of USD a year (economy boxes wait at Khorgos at its
    240-hour cap), where the LP's waiting pieces, at the lowest value of time, gave some 40 M."""
    result = assign(eurasia, load_demand(eurasia))
    queues = float(result.bottlenecks["queue_cost_usd"].sum())
    assert result.waiting_cost_usd == pytest.approx(queues, rel=1e-9)
    assert result.waiting_cost_usd > 1e8
    assert result.time_cost_usd == pytest.approx(result.transit_time_cost_usd + result.waiting_cost_usd)
    summary = result.to_dict()
    assert summary["waiting_cost_usd"] == pytest.approx(queues, abs=0.01)


def test_no_time_critical_box_queues_at_its_cap_while_economy_boxes_take_the_full_border_beside_it(eurasia):
    """Khorgos and Dostyk both lead from China into Kazakhstan. In 2021 Khorgos is at its cap
    (240 hours' wait) and Dostyk full. Time-critical boxes value those hours at many times what an
    economy box does, so an equilibrium would not queue them at Khorgos while economy boxes cross at
    Dostyk. The first LP, which weighs the queue at the lowest value of time, does so (waiting
    5.3 bn USD a year); solved with the segments' tolls until the gap, which prices Dostyk's
    places, is closed, it does not (0.5 bn)."""
    result = assign(eurasia, load_demand(eurasia))
    flows = result.flows_by_segment
    into_kz = flows[flows["from"].isin(["khorgos_cn", "alashankou"])]
    teu = into_kz.groupby(["link", "segment"])["flow_per_year"].sum()
    assert not (
        teu.get(("bx_hor_altynkol", "time_critical"), 0.0) > 0 and teu.get(("bx_ala_dostyk", "economy"), 0.0) > 0
    )
