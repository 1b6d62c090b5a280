"""Capacitated assignment: demand placed on the network by a min-cost multi-commodity flow LP.

Three stages, each callable and testable alone (PyPSA's create_model / solve_model / assign):

1. :func:`corridor.flow.build_assignment` writes the LP as sparse matrices;
2. :func:`corridor.flow.solve_model` hands it to HiGHS (dual simplex) through ``highspy``, whole
   or through the priced master (:mod:`corridor.flow.pricing`);
3. :func:`corridor.flow.read_assignment` turns the solution into tables.

:func:`assign` runs them, and skips the LP when the shortest route of every pair breaks no
capacity (then those routes are the optimum).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from corridor.flow.build import build_assignment
from corridor.flow.demand import Demand
from corridor.flow.model import Assignment, AssignmentModel, LPSolution
from corridor.flow.read import RENT_COLUMNS, read_assignment
from corridor.flow.solve import solve_model
from corridor.network import Network
from corridor.scenario import DEFAULT_HORIZON, Scenario, scenario_effect, with_investments

__all__ = ["assign", "combine_assignments", "reference_loads"]


def assign(
    network: Network,
    demand: Demand,
    *,
    scenario: Scenario | None = None,
    penalty: Mapping[str, float] | None = None,
    solver_options: Mapping[str, Any] | None = None,
    force_lp: bool = False,
    lp: str = "auto",
    equilibrium: bool = True,
) -> Assignment:
    """Place demand on the network at least cost within capacities; say what cannot be carried.

    When every pair's cheapest route fits within every capacity, those routes are the optimum
    and no LP is solved (``method`` says which). Otherwise: build, solve, read back.

    Parameters
    ----------
    network, demand
        The network and the demand to place on it.
    scenario
        Disruptions and policies over its horizon, as yearly rates (:func:`corridor.load_scenario`).
    penalty
        USD per unserved unit of some commodities (default: the commodity's value).
    solver_options
        HiGHS options, passed through.
    force_lp
        Solve the LP even when shortest routes already fit.
    lp
        ``plain``, ``priced`` or ``auto`` (by size; see :func:`corridor.flow.solve_model`).
    equilibrium
        ``True`` (default): solve again until every segment weighs the queues' waits at its own
        value of time, so none is on a route dearer at its value of time than an open route with
        room (a user equilibrium, :mod:`corridor.flow.equilibrium`; ``equilibrium`` in the result
        gives the measured gap). ``False``: the LP once, a cost minimum with waits priced at the
        queues' own rates.

    Returns
    -------
    Assignment
        Flows per link, unserved volume per pair, the binding bottlenecks with their dual values.

    Raises
    ------
    InfeasibleError, SolverError
        When HiGHS finds no optimum (unserved demand is always allowed, so this means bad input).

    Examples
    --------
    >>> net = load_network()
    >>> result = assign(net, load_demand(net))
    >>> result.status, result.unserved_by_commodity()["container"]
    ('optimal', 0.0)
    """
    if scenario is None:
        model = build_assignment(network, demand, penalty=penalty)
        if not force_lp:
            quick = _uncongested(model)
            if quick is not None:
                return replace(read_assignment(model, quick), method="shortest routes (no capacity binds)")
        return read_assignment(model, solve_model(model, lp=lp, solver_options=solver_options, equilibrium=equilibrium))
    base = network
    network = with_investments(network, scenario)
    horizon = scenario.horizon or DEFAULT_HORIZON
    parts: list[tuple[int, Assignment]] = []
    reference: np.ndarray | None = None
    for stretch in scenario.stretches(horizon):
        effect = scenario_effect(network, scenario, demand.table, horizon=stretch)
        if effect.bare_derates(network):
            if reference is None:
                reference = reference_loads(base, demand, n_arcs=network.compiled.n_arcs)
            effect = replace(effect, reference_t=reference)
        model = build_assignment(network, demand, effect=effect, penalty=penalty)
        parts.append(
            (
                stretch.days,
                read_assignment(
                    model, solve_model(model, lp=lp, solver_options=solver_options, equilibrium=equilibrium)
                ),
            )
        )
    return parts[0][1] if len(parts) == 1 else combine_assignments(parts)


def reference_loads(network: Network, demand: Demand, *, n_arcs: int | None = None) -> np.ndarray:
    """[arc] tonnes a year each arc carries in the assignment without any scenario (padded with
    zeros to ``n_arcs`` for links a scenario adds)."""
    cn = network.compiled
    result = assign(network, demand)
    arc_of = {
        (cn.link_ids[link], cn.node_ids[tail], cn.node_ids[head]): arc
        for arc, (link, tail, head) in enumerate(zip(cn.arc_link, cn.tail, cn.head, strict=True))
    }
    tonnes = dict(zip(cn.commodities, cn.dimension_factor["t"], strict=True))
    out = np.zeros(n_arcs or cn.n_arcs)
    flows = result.flows
    for link, a, b, commodity, flow in zip(
        flows["link"], flows["from"], flows["to"], flows["commodity"], flows["flow_per_year"], strict=True
    ):
        out[arc_of[(link, a, b)]] += flow * np.nan_to_num(tonnes[commodity])
    return out


def combine_assignments(parts: Sequence[tuple[int, Assignment]]) -> Assignment:
    """Assignments of consecutive stretches (days, result) as one over their whole span, in yearly
    rates weighted by days: flows, volumes and costs are day-weighted means; a capacity's shadow
    price and rent are the sums of its stretches' weighted by their share of the span (one more unit
    a year everywhere is worth that much); utilisation and capacity are the highest in any stretch."""
    total = float(sum(days for days, _ in parts))
    weights = [days / total for days, _ in parts]

    def weighted(frames: list[pd.DataFrame], keys: list[str], sums: list[str], peaks: list[str]) -> pd.DataFrame:
        scaled = [f.assign(**{c: f[c] * w for c in sums}) for f, w in zip(frames, weights, strict=True) if not f.empty]
        if not scaled:
            return frames[0].iloc[0:0]
        joined = pd.concat(scaled, ignore_index=True)
        agg = {**{c: (c, "sum") for c in sums}, **{c: (c, "max") for c in peaks}}
        return joined.groupby(keys, as_index=False, sort=False, dropna=False).agg(**agg)[frames[0].columns.tolist()]

    results = [r for _, r in parts]
    flows = weighted(
        [r.flows for r in results], ["link", "from", "to", "commodity"], ["flow_per_year"], ["utilisation", "wait_h"]
    )
    by_origin = weighted(
        [r.flows_by_origin for r in results], ["origin", "commodity", "link", "from", "to"], ["flow_per_year"], []
    )
    by_segment = weighted(
        [r.flows_by_segment for r in results],
        ["origin", "commodity", "segment", "link", "from", "to"],
        ["flow_per_year"],
        [],
    )
    unserved = weighted(
        [r.unserved for r in results],
        ["origin", "destination", "commodity", "segment"],
        ["demand", "served", "unserved"],
        [],
    )
    bottlenecks = weighted(
        [r.bottlenecks for r in results],
        ["element", "kind", "direction", "dimension"],
        ["shadow_price_usd", "wait_usd", *RENT_COLUMNS, "usd_per_teu", "usd_per_t"],
        ["utilisation", "wait_h", "capacity"],
    )
    for column in ("usd_per_teu", "usd_per_t"):  # no such cargo may use it in any stretch: NaN, not 0
        frames = [r.bottlenecks for r in results if not r.bottlenecks.empty]
        if frames:
            keys = ["element", "kind", "direction", "dimension"]
            known = pd.concat(frames).groupby(keys, dropna=False)[column].max()
            mask = [not pd.isna(known.get(tuple(k), np.nan)) for k in bottlenecks[keys].itertuples(index=False)]
            bottlenecks[column] = bottlenecks[column].where(np.asarray(mask, dtype=bool))
    bottlenecks = bottlenecks.sort_values(["rent_usd", "wait_usd"], ascending=False, kind="stable")
    bottlenecks = bottlenecks.reset_index(drop=True)
    statuses = {r.status for r in results}
    return Assignment(
        status=statuses.pop() if len(statuses) == 1 else "; ".join(sorted(statuses)),
        method=f"{results[0].method}, {len(parts)} stretches between event dates",
        transport_cost_usd=sum(r.transport_cost_usd * w for r, w in zip(results, weights, strict=True)),
        unserved_cost_usd=sum(r.unserved_cost_usd * w for r, w in zip(results, weights, strict=True)),
        transit_time_cost_usd=sum(r.transit_time_cost_usd * w for r, w in zip(results, weights, strict=True)),
        waiting_cost_usd=sum(r.waiting_cost_usd * w for r, w in zip(results, weights, strict=True)),
        flows_by_segment=by_segment,
        flows=flows,
        unserved=unserved,
        bottlenecks=bottlenecks,
        flows_by_origin=by_origin,
        equilibrium=_combined_gap([r.equilibrium for r in results], weights),
        solver={
            "stretches": len(parts),
            "objective_usd": sum(
                float(r.solver.get("objective_usd", np.nan)) * w for r, w in zip(results, weights, strict=True)
            ),
            "iterations": sum(int(r.solver.get("iterations", 0)) for r in results),
            "solve_seconds": round(sum(float(r.solver.get("solve_seconds", 0.0)) for r in results), 4),
        },
    )


def _combined_gap(gaps: Sequence[dict[str, Any]], weights: Sequence[float]) -> dict[str, Any]:
    """The stretches' gaps to equilibrium as one: rounds and seconds summed, the largest relative
    gaps, excess cost per year weighted by days."""
    measured = [(g, w) for g, w in zip(gaps, weights, strict=True) if g]
    if not measured:
        return {}
    return {
        "rounds": sum(int(g["rounds"]) for g, _ in measured),
        "relative_gap": max(float(g["relative_gap"]) for g, _ in measured),
        "excess_usd": round(sum(float(g["excess_usd"]) * w for g, w in measured), 2),
        "first_gap": max(float(g["first_gap"]) for g, _ in measured),
        "seconds": round(sum(float(g["seconds"]) for g, _ in measured), 4),
    }


def _uncongested(model: AssignmentModel) -> LPSolution | None:
    """The LP's solution from each group's cheapest routes alone (at its own generalized costs), or
    None when one would break a capacity, fill a queue, or cost more than leaving the cargo unserved."""
    if len(model.queue_rows):
        return None  # waits depend on the loads: the LP weighs them
    cn = model.network.compiled
    n = cn.n_nodes
    x = np.zeros(model.shape[1])
    bounds = np.searchsorted(model.flow_group, np.arange(len(model.group_origin) + 1))
    wanted = model.row_upper[model.demand_rows]
    for g, members in enumerate(model.group_pairs):
        cols = np.arange(bounds[g], bounds[g + 1])
        arcs = model.flow_arc[cols]
        # parallel arcs: csr sums duplicates, so keep the cheapest explicitly
        order = np.lexsort((model.cost[cols], cn.head[arcs], cn.tail[arcs]))
        first = np.ones(len(order), dtype=bool)
        key = cn.tail[arcs[order]].astype(np.int64) * n + cn.head[arcs[order]]
        first[1:] = key[1:] != key[:-1]
        best_cols = cols[order[first]]
        best_arcs = model.flow_arc[best_cols]
        graph = csr_array((model.cost[best_cols] + 1e-12, (cn.tail[best_arcs], cn.head[best_arcs])), shape=(n, n))
        origin = int(model.group_origin[g])
        dist, pred = dijkstra(graph, indices=origin, return_predecessors=True)
        col_of = {(int(cn.tail[a]), int(cn.head[a])): int(c) for a, c in zip(best_arcs, best_cols, strict=True)}
        for p in members:
            ends = model.delivery_node[model.delivery_pair == p]
            end = int(ends[np.argmin(dist[ends])])
            if not np.isfinite(dist[end]) or dist[end] >= model.penalty[p]:
                return None  # unserved or not worth carrying: let the LP weigh it
            node = end
            while node != origin:
                x[col_of[(int(pred[node]), node)]] += wanted[p]
                node = int(pred[node])
            x[model.delivery_col[(model.delivery_pair == p) & (model.delivery_node == end)]] = wanted[p]
    load = model.capacity_load(x)
    if np.any(load > model.cap_limit * (1 + 1e-9)):
        return None
    return LPSolution(
        status="optimal",
        objective=float(model.cost[: model.n_flow] @ x[: model.n_flow]),
        x=x,
        row_dual=np.zeros(model.shape[0]),
        iterations=0,
        solve_seconds=0.0,
    )
