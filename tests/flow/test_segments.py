"""Shipper segments, queues and headed tariffs in the assignment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridor.errors import DataError
from corridor.flow import (
    assign,
    build_assignment,
    demand_from_frame,
    load_demand,
    solve_model,
    wait_hours,
    wait_pieces,
)

SEGMENTS = pd.DataFrame(
    [
        ("container", "fast", 0.5, 100_000.0, "T1", 2_400.0, "T1"),
        ("container", "slow", 0.5, 10_000.0, "T1", 24.0, "T1"),
    ],
    columns=["commodity", "segment", "share", "value_usd_per_unit", "value_source",
             "value_of_time_usd_per_unit_day", "value_of_time_source"],
)  # fmt: skip
SEGMENTS["share_source"] = "T1"


def boxes(net, rows):
    frame = pd.DataFrame(rows, columns=["origin", "destination", "commodity", "quantity_per_year"])
    frame["source"] = "T1"
    return demand_from_frame(net, frame)


def test_wait_curve_is_monotone_and_convex():
    use = np.linspace(0, 1, 201)
    w = wait_hours(use, 24.0, 480.0)
    assert w[0] == 0 and wait_hours(0.5, 24.0, 480.0) == pytest.approx(24.0)
    assert np.all(np.diff(w) >= 0) and w[-1] == 480.0
    widths, hours = wait_pieces(24.0, 480.0)
    assert widths.sum() == pytest.approx(1.0) and np.all(widths > 0)
    # the LP's waiting cost is the integral of the piece hours: convex when they never fall
    assert np.all(np.diff(hours) >= 0) and hours[0] > 0


def test_cheaper_but_slower_route_takes_the_low_value_freight(tiny):
    """B to D: the ferry costs 100 USD and 50 h (20 h crossing, 30 h dwell), the feeder 130 USD
    and 22 h. At 100 USD an hour the fast segment takes the feeder; at 1 USD an hour the slow one
    takes the ferry."""
    net = tiny.replace(segments=SEGMENTS)
    result = assign(net, boxes(net, [("b", "d", "container", 1_000.0)]))
    by = result.flows_by_segment.groupby(["segment", "link"])["flow_per_year"].sum()
    assert by[("fast", "bd_feeder")] == pytest.approx(500) and ("fast", "bd_ferry") not in by
    assert by[("slow", "bd_ferry")] == pytest.approx(500) and ("slow", "bd_feeder") not in by
    # money paid and time valued are reported apart
    assert result.transport_cost_usd == pytest.approx(500 * 130 + 500 * 100)
    assert result.time_cost_usd == pytest.approx(500 * 22 * 100 + 500 * 50 * 1, rel=1e-6)


def test_a_queue_sends_cargo_round_before_the_capacity_binds(tiny):
    """The ferry fills: as its wait grows the slow segment's boxes move to the feeder before the
    ferry is full, and the ferry's wait is in the result. The slow boxes weigh the wait at their
    own 1 USD an hour, not at the queue's 0.1: the ferry is 2 USD cheaper for them, worth 2 hours'
    wait, which the curve reaches at a sixth of its capacity."""
    links = tiny.links.copy()
    ferry = links["id"] == "bd_ferry"
    links.loc[ferry, ["capacity", "capacity_unit", "capacity_source"]] = [1_000.0, "teu_per_year", "T1"]
    links.loc[ferry, "commodities"] = pd.Series([["container"]] * int(ferry.sum()), index=links.index[ferry])
    congestion = pd.DataFrame(
        [("bd_ferry", 10.0, 400.0, "T1", 2.4, "T1")],
        columns=["element", "wait_h_at_half", "max_wait_h", "wait_source", "value_of_time_usd_per_dim_day",
                 "value_of_time_source"],
    )  # fmt: skip
    net = tiny.replace(links=links, segments=SEGMENTS, congestion=congestion)
    result = assign(net, boxes(net, [("b", "d", "container", 1_800.0)]), equilibrium=True)
    ferry = result.flows[(result.flows["link"] == "bd_ferry")]
    assert 0 < ferry["flow_per_year"].sum() < 900  # the slow half would all take it without a queue
    assert (ferry["wait_h"] > 0).all()
    # 10 r / (1 - r) = 2 hours at r = 1/6; the LP's pieces are 5 percent wide
    assert 0.1 < ferry["flow_per_year"].sum() / 1_000 < 0.2
    assert ferry["wait_h"].iloc[0] == pytest.approx(2.0, abs=0.5)
    assert result.unserved["unserved"].sum() == pytest.approx(0, abs=1e-6)


def test_priced_and_plain_lp_agree_with_segments_and_queues(eurasia):
    demand = load_demand(eurasia)
    model = build_assignment(eurasia, demand)
    assert len(model.queue_rows) > 0
    plain = solve_model(model, lp="plain")
    priced = solve_model(model, lp="priced")
    assert priced.objective == pytest.approx(plain.objective, rel=1e-6)


def test_head_haul_dearer_than_back_haul(eurasia):
    """Asia-Europe sea rates differ by direction (2021: about 10,000 USD per FEU westbound, 1,550
    eastbound), so the same sea leg costs a westbound box more."""
    cn = eurasia.compiled
    c = cn.commodity_index("container")
    link = cn.link_index["sea_sin_bab"]
    arcs = np.flatnonzero(cn.arc_link == link)
    west, east = cn.headed_cost_usd["westbound"][c, arcs], cn.headed_cost_usd["eastbound"][c, arcs]
    assert np.all(west > 5 * east)


def test_segment_shares_must_sum_to_one(tiny):
    bad = SEGMENTS.copy()
    bad.loc[0, "share"] = 0.7
    with pytest.raises(DataError, match=r"sum to 1\.2"):
        tiny.replace(segments=bad)


def test_a_queue_needs_an_element_with_a_capacity(tiny):
    congestion = pd.DataFrame(
        [("bd_ferry", 10.0, 200.0, "T1", 24.0, "T1"), ("nowhere", 10.0, 5.0, "T1", 24.0, "T1")],
        columns=["element", "wait_h_at_half", "max_wait_h", "wait_source", "value_of_time_usd_per_dim_day",
                 "value_of_time_source"],
    )  # fmt: skip
    with pytest.raises(DataError) as info:
        tiny.replace(congestion=congestion)
    text = str(info.value)
    assert "has no capacity figure" in text and "'nowhere'" in text and "max_wait_h is 5" in text


def test_demand_bound_east_is_split_by_its_own_shares(tiny):
    """Europe's exports to Asia are another mix of goods: a row bound east (E to B, B lies east of
    E) takes ``share_eastbound``, a row bound west (B to E) the shares of both directions."""
    headed = SEGMENTS.assign(share_eastbound=[0.1, 0.9])
    net = tiny.replace(segments=headed)
    table = boxes(net, [("e", "b", "container", 1_000.0), ("b", "e", "container", 1_000.0)]).table
    split = table.set_index(["origin", "segment"])["quantity_per_year"]
    assert split[("e", "fast")] == pytest.approx(100) and split[("e", "slow")] == pytest.approx(900)
    assert split[("b", "fast")] == pytest.approx(500) and split[("b", "slow")] == pytest.approx(500)


def test_eastbound_shares_must_sum_to_one(tiny):
    bad = SEGMENTS.assign(share_eastbound=[0.3, 0.3])
    with pytest.raises(DataError, match=r"eastbound shares of 'container' sum to 0\.6"):
        tiny.replace(segments=bad)
