"""Route choices consistent with each segment's own value of time (corridor.flow.equilibrium)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.flow import assign, build_assignment, demand_from_frame, load_demand, solve_assignment, solve_priced
from corridor.flow.equilibrium import (
    GAP_TOLERANCE,
    capacity_charges,
    equilibrium_gap,
    own_costs,
    solve_equilibrium,
    wait_terms,
)
from corridor.flow.solve import highs_solver
from corridor.network import network_on
from corridor.scenario import load_scenario, scenario_effect

CONGESTION_COLUMNS = ["element", "wait_h_at_half", "max_wait_h", "wait_source", "value_of_time_usd_per_dim_day",
                      "value_of_time_source"]  # fmt: skip


def segments(slow_per_day: float, fast_per_day: float) -> pd.DataFrame:
    table = pd.DataFrame(
        [("container", "fast", 0.5, 100_000.0, "T1", fast_per_day, "T1"),
         ("container", "slow", 0.5, 10_000.0, "T1", slow_per_day, "T1")],
        columns=["commodity", "segment", "share", "value_usd_per_unit", "value_source",
                 "value_of_time_usd_per_unit_day", "value_of_time_source"],
    )  # fmt: skip
    table["share_source"] = "T1"
    return table


def queued_feeder(tiny, *, capacity: float, half_h: float, longest_h: float, vot_per_day: float):
    """The tiny network with a capacity and a queue on the B-D feeder (130 USD, 22 h), beside the
    ferry (100 USD, 50 h): the fast route is the one that queues, as across the Caspian."""
    links = tiny.links.copy()
    feeder = links["id"] == "bd_feeder"
    links.loc[feeder, ["capacity", "capacity_unit", "capacity_source"]] = [capacity, "teu_per_year", "T1"]
    congestion = pd.DataFrame([("bd_feeder", half_h, longest_h, "T1", vot_per_day, "T1")], columns=CONGESTION_COLUMNS)
    return tiny.replace(links=links, congestion=congestion)


def boxes(net, rows):
    frame = pd.DataFrame(rows, columns=["origin", "destination", "commodity", "quantity_per_year"])
    frame["source"] = "T1"
    return demand_from_frame(net, frame)


def hours_by_segment(net, result, origin: str | None = None, held: dict[str, float] | None = None) -> dict[str, float]:
    """Each segment's mean hours per unit carried (from ``origin`` only, if given): transit and
    dwell, waiting in queues, and the hours a priced risk expects a box held on a link (``held``)."""
    cn = net.compiled
    arc = {(cn.link_ids[cn.arc_link[a]], cn.node_ids[cn.tail[a]], cn.node_ids[cn.head[a]]): a for a in range(cn.n_arcs)}
    waits = {(r.link, r["from"], r.to): float(r.wait_h) for _, r in result.flows.iterrows()}
    flows, unserved = result.flows_by_segment, result.unserved
    if origin is not None:
        flows, unserved = flows[flows["origin"] == origin], unserved[unserved["origin"] == origin]
    out = {}
    for segment, part in flows.groupby("segment"):
        keys = list(zip(part["link"], part["from"], part["to"], strict=True))
        hours = np.array([cn.time_h[arc[k]] + waits.get(k, 0.0) + (held or {}).get(k[0], 0.0) for k in keys])
        volume = part["flow_per_year"].to_numpy(float)
        served = unserved.loc[unserved["segment"] == segment, "served"].sum()
        out[str(segment)] = float(hours @ volume / served)
    return out


def test_a_time_critical_segment_weighs_a_long_queue_at_its_own_value_of_time(tiny):
    """At the queue's own rate (2.4 USD a day) the fast boxes would fill the feeder to a 40-hour
    wait, 62 hours in all against the ferry's 50. At their own 100 USD an hour some go round by
    rail before the wait reaches 28 hours (the feeder's advantage over the ferry), and they are no
    slower than the slow boxes on the ferry."""
    net = queued_feeder(tiny, capacity=1_000.0, half_h=10.0, longest_h=400.0, vot_per_day=2.4)
    net = net.replace(segments=segments(2.4, 2_400.0))
    result = assign(net, boxes(net, [("b", "d", "container", 1_600.0)]), equilibrium=True)
    hours = hours_by_segment(net, result)
    assert hours["fast"] <= hours["slow"] + 0.5
    feeder = result.flows[result.flows["link"] == "bd_feeder"]
    assert 0.0 < feeder["wait_h"].iloc[0] < 28.0
    assert 0.0 <= result.equilibrium["relative_gap"] <= GAP_TOLERANCE
    assert result.equilibrium["rounds"] >= 1


def capped_beside_queued(tiny):
    """The tiny network's two ways from B to D at one tariff (100 USD a box): the feeder, 23 hours,
    full at 800 boxes a year (a hard cap, no queue); the ferry, an hour faster, with a queue
    (capacity 1,000 boxes, 10 hours' wait at half of it, weighed at 1 USD an hour; boxes only)."""
    links = tiny.links.copy()
    at = links.set_index("id").index
    links.loc[at == "bd_feeder", ["capacity", "capacity_unit", "capacity_source", "transit_time_h", "dwell_h"]] = [
        800.0, "teu_per_year", "T1", 11.0, 12.0
    ]  # fmt: skip
    links.loc[at == "bd_ferry", ["capacity", "capacity_unit", "capacity_source", "transit_time_h", "dwell_h",
                                 "commodities"]] = [1_000.0, "teu_per_year", "T1", 10.0, 12.0, "container"]  # fmt: skip
    tariffs = pd.concat(
        [tiny.tariffs, pd.DataFrame([{"commodity": "container", "link": "bd_feeder", "usd_per_unit_km": 0.0,
                                      "usd_per_unit": 100.0, "source": "T1"}])],
        ignore_index=True,
    ).fillna("")  # fmt: skip
    congestion = pd.DataFrame([("bd_ferry", 10.0, 400.0, "T1", 24.0, "T1")], columns=CONGESTION_COLUMNS)
    return tiny.replace(links=links, tariffs=tariffs, congestion=congestion, segments=segments(24.0, 240.0))


def test_the_time_critical_boxes_take_the_full_line_and_the_economy_boxes_queue(tiny):
    """800 fast and 800 slow boxes a year from B to D. The LP solved once weighs the ferry's queue
    (40 hours at 800 boxes) at the slow boxes' 1 USD an hour for both, so it gives the feeder's
    places to the slow boxes, to whom its extra hour of transit costs less, and queues the fast
    ones (10 USD an hour). At their own values of time the fast boxes would pay far more for a
    place than the slow ones lose by queueing: at equilibrium they take the feeder. (The rail round
    by C, 850 USD, is dearer than the queue for both.)"""
    net = capped_beside_queued(tiny)
    result = assign(net, boxes(net, [("b", "d", "container", 1_600.0)]), equilibrium=True)
    flows = result.flows_by_segment.groupby(["segment", "link"])["flow_per_year"].sum()
    assert flows.get(("fast", "bd_feeder"), 0.0) == pytest.approx(800.0)
    assert flows.get(("fast", "bd_ferry"), 0.0) == pytest.approx(0.0, abs=1e-6)
    assert flows.get(("slow", "bd_ferry"), 0.0) == pytest.approx(800.0)
    assert result.equilibrium["rounds"] > 1
    assert result.equilibrium["relative_gap"] <= GAP_TOLERANCE < result.equilibrium["first_gap"]
    hours = hours_by_segment(net, result)
    assert hours["fast"] == pytest.approx(23.0) and hours["slow"] == pytest.approx(22.0 + 40.0)


def test_the_gap_counts_a_full_line_that_boxes_valuing_time_less_hold(tiny):
    """The LP solved once queues the fast boxes at the ferry while slow boxes hold the full feeder:
    not an equilibrium (the fast boxes would buy the places), and the gap says so. A place on the
    full feeder costs its price (the LP's dual): at most what the queue's 39 extra hours cost a
    slow box (1 USD an hour), so the fast boxes, who pay 10 USD an hour for them, pay at least
    800 x 39 x 9 USD a year beyond the feeder at its price. Closing full lines to all, as the gap
    did, saw nothing."""
    net = capped_beside_queued(tiny)
    model = build_assignment(net, boxes(net, [("b", "d", "container", 1_600.0)]))
    once = solve_assignment(model)
    terms = wait_terms(model)
    gap, excess, _ = equilibrium_gap(model, once.x, terms, charge=capacity_charges(model, once.row_dual))
    assert excess >= 800.0 * 39.0 * (10.0 - 1.0) - 1e-6
    assert gap > GAP_TOLERANCE
    assert equilibrium_gap(model, once.x, terms)[1] == 0.0  # with the full feeder closed to all, as before


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    slow=st.floats(2.0, 500.0),
    ratio=st.floats(1.5, 50.0),
    queue_vot=st.floats(0.5, 500.0),
    capacity=st.floats(200.0, 3_000.0),
    half_h=st.floats(2.0, 60.0),
    longest_h=st.floats(100.0, 600.0),
    quantity=st.floats(100.0, 4_000.0),
)
def test_a_higher_value_of_time_never_gives_a_slower_route(
    tiny, slow, ratio, queue_vot, capacity, half_h, longest_h, quantity
):
    """For one pair, the segment that values time more is never on slower routes, waits counted
    (at an equilibrium: if the fast segment took a slower route than the slow one, each would gain
    by swapping, since the waits are the same for both)."""
    net = queued_feeder(tiny, capacity=capacity, half_h=half_h, longest_h=longest_h, vot_per_day=queue_vot)
    net = net.replace(segments=segments(slow, slow * ratio))
    result = assign(net, boxes(net, [("b", "d", "container", quantity)]), equilibrium=True)
    hours = hours_by_segment(net, result)
    assert hours["fast"] <= hours["slow"] + 0.5, (hours, result.equilibrium)
    assert result.equilibrium["relative_gap"] <= 0.05  # the pieces are coarse near capacity, where waits climb steeply


def test_tolls_keep_the_priced_lp_exact(eurasia):
    """The segments' waiting tolls are per column: the priced LP reaches the plain LP's optimum with them."""
    model = build_assignment(eurasia, load_demand(eurasia))
    terms = wait_terms(model)
    assert np.any(terms.toll_h > 0)
    cost = model.cost.copy()
    cost[: model.n_flow] += terms.tolls(model.n_flow, np.full(len(model.queue_rows), 48.0))
    tolled = replace(model, cost=cost)
    plain = solve_assignment(tolled)
    priced = solve_priced(tolled)
    assert priced.objective == pytest.approx(plain.objective, rel=1e-6)
    assert plain.objective > solve_assignment(model).objective


def test_the_assignment_reports_its_gap_to_equilibrium(eurasia):
    """The built-in network's queues (Khorgos, Brest, the Caspian) are weighed by three container
    segments: by default the assignment is solved to the equilibrium and says how near it came; on
    the 2022 demand under the sanctions, solved once, the LP leaves a gap the rounds close."""
    record = assign(eurasia, load_demand(eurasia)).to_dict()["equilibrium"]
    assert record["rounds"] >= 1
    assert 0.0 <= record["relative_gap"] <= min(GAP_TOLERANCE, record["first_gap"])
    assert record["excess_usd"] >= 0.0
    day = dt.date(2022, 6, 1)
    sanctions = load_scenario("sanctions-2022", eurasia).on(day)
    record = assign(network_on(eurasia, day), load_demand(eurasia, year=2022), scenario=sanctions).equilibrium
    assert record["rounds"] > 1
    assert 0.0 <= record["relative_gap"] <= GAP_TOLERANCE < record["first_gap"]
    once = assign(network_on(eurasia, day), load_demand(eurasia, year=2022), scenario=sanctions, equilibrium=False)
    assert once.equilibrium == {}


def test_each_pairs_cheapest_open_route_is_the_one_networkx_finds_for_its_group(eurasia):
    """The gap searches every group's columns at once (a copy of the network per group); on each
    round of the 1 June 2022 sanctions equilibrium, every pair's cheapest open route is the one
    networkx finds over its own group's open columns alone."""
    import networkx as nx

    day = dt.date(2022, 6, 1)
    net = network_on(eurasia, day)
    demand = load_demand(net, year=2022)
    effect = scenario_effect(net, load_scenario("sanctions-2022", net).on(day), demand.table)
    model = build_assignment(net, demand, effect=effect)
    solve, _ = highs_solver(model)
    rounds = []
    solve_equilibrium(model, lambda cost: rounds.append(solve(cost)) or rounds[-1])
    assert len(rounds) > 1
    cn, terms = net.compiled, wait_terms(model)
    for solution in rounds:
        x = solution.x
        cost = own_costs(model, terms, model.queue_waits(x))
        full = model.capacity_load(x) >= model.cap_limit * (1.0 - 1e-6) - 1e-9
        shut = set(terms.cap_place[full[terms.cap]].tolist())
        found = equilibrium_gap(model, x, terms)[2]
        for g, pairs in enumerate(model.group_pairs):
            graph = nx.DiGraph()
            for c in np.flatnonzero(model.flow_group == g):
                if c in shut:
                    continue
                tail, head = int(cn.tail[model.flow_arc[c]]), int(cn.head[model.flow_arc[c]])
                weight = (
                    min(float(cost[c]), graph.edges[tail, head]["weight"]) if graph.has_edge(tail, head) else cost[c]
                )
                graph.add_edge(tail, head, weight=float(weight))
            graph.add_node(int(model.group_origin[g]))
            # the gap adds 1e-12 to every arc, so that a free arc stays an arc for scipy's Dijkstra
            for _, _, data in graph.edges(data=True):
                data["weight"] += 1e-12
            dist = nx.single_source_dijkstra_path_length(graph, int(model.group_origin[g]))
            for p in pairs:
                nodes = model.delivery_node[model.delivery_pair == p]
                expected = min(dist.get(int(v), np.inf) for v in nodes)
                assert found[p] == pytest.approx(expected, rel=1e-12), (g, p)


@pytest.mark.parametrize("how", [{}, {"equilibrium": False}], ids=["default", "once"])
def test_on_the_builtin_network_a_higher_value_of_time_never_gives_a_slower_route(eurasia, how):
    """The property on the built-in network as the assignment places demand by default: on 1 June
    2022 under the sanctions, with the Caspian's queue in play, every origin's time-critical boxes
    are no slower than its standard ones, and those no slower than its economy ones, the sanctions'
    expected hold-up at the EU border counted as time (each origin's boxes go one way, east or
    west, so its segments carry the same mix of destinations). Solved once, the LP weighs a queue
    at one rate for all and breaks it."""
    day = dt.date(2022, 6, 1)
    net = network_on(eurasia, day)
    sanctions = load_scenario("sanctions-2022", net).on(day)
    held = {e.target: 24.0 * e.expected_delay_days for e in sanctions.events if getattr(e, "expected_delay_days", 0)}
    result = assign(net, load_demand(net, year=2022), scenario=sanctions, **how)
    boxes = result.unserved[result.unserved["commodity"] == "container"]
    slower = {}
    for origin in sorted(set(boxes["origin"])):
        hours = hours_by_segment(net, result, origin, held)
        if hours["time_critical"] > hours["standard"] + 1.0 or hours["standard"] > hours["economy"] + 1.0:
            slower[origin] = hours
    assert bool(slower) == (how.get("equilibrium") is False), slower


def test_cli_assign_is_at_equilibrium_unless_told_otherwise():
    """``corridor assign`` reports its gap to equilibrium; ``--no-equilibrium`` solves the LP once."""
    import json

    from typer.testing import CliRunner

    from corridor.cli import app

    runner = CliRunner()
    args = ["assign", "--scenario", "sanctions-2022", "--on", "2022-06-01", "--no-save", "--json"]
    settled = runner.invoke(app, args)
    assert settled.exit_code == 0, settled.output
    gap = json.loads(settled.output)["equilibrium"]
    assert gap["rounds"] > 1 and 0.0 <= gap["relative_gap"] <= GAP_TOLERANCE
    once = runner.invoke(app, [*args, "--no-equilibrium"])
    assert once.exit_code == 0, once.output
    assert json.loads(once.output)["equilibrium"] == {}
