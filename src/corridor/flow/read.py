"""Tables from an LP solution: flows per link and commodity, unserved volume per pair, and
the dual value and rent of every binding capacity (its hard cap's and its queue's)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from corridor.flow.equilibrium import wait_terms
from corridor.flow.model import Assignment, AssignmentModel, LPSolution

__all__ = ["BOTTLENECK_COLUMNS", "QUEUE_KNEE", "RENT_COLUMNS", "read_assignment"]


def read_assignment(
    model: AssignmentModel, solution: LPSolution, *, tolerance: float = 1e-6, link_flows: bool = True
) -> Assignment:
    """Tables from an LP solution: flows, unserved volume, bottlenecks with their dual values.

    ``link_flows=False`` leaves the flows per link (``flows``: their utilisation and waits) empty,
    for answers that read only the paths, the unserved volume and the bottlenecks (draws of a
    ranged impact); every other table and figure is the same.
    """
    cn = model.network.compiled
    x = solution.x
    flow = x[: model.n_flow]
    keep = flow > tolerance
    commodity = model.group_commodity[model.flow_group[keep]]
    arcs = model.flow_arc[keep]
    money = model.money if len(model.money) == model.n_flow else model.cost[: model.n_flow]
    transport = float(money @ flow)
    # what the shippers pay at these flows, not what the LP minimised: transit at each segment's
    # value of time (the model's costs: the equilibrium's tolls are a device of the solve, not a
    # payment), and each flow's wait at its queue's load at its own value of time (the queues'
    # pieces give the integral of the wait at the lowest value of time, the LP's potential)
    transit_time = float((model.cost[: model.n_flow] - money) @ flow)
    queue_cost = _queue_costs(model, x)
    flows = _flow_table(cn, _per_arc(arcs, commodity, flow[keep]), model, x) if link_flows else _no_flows()
    _, group_origin = _group_keys(model)
    by_origin = pd.DataFrame(
        {
            "origin": [cn.node_ids[group_origin[g]] for g in model.flow_group[keep]],
            "commodity": [cn.commodities[c] for c in commodity],
            "link": [cn.link_ids[cn.arc_link[a]] for a in arcs],
            "from": [cn.node_ids[cn.tail[a]] for a in arcs],
            "to": [cn.node_ids[cn.head[a]] for a in arcs],
            "flow_per_year": flow[keep],
        }
    )
    names = model.segments.table["segment"].to_numpy() if model.segments is not None else None
    by_segment = by_origin.assign(
        segment=names[model.group_segment[model.flow_group[keep]]] if names is not None else "all"
    )
    demand = model.demand.table
    wanted = model.row_upper[model.demand_rows]
    unserved = np.maximum(x[model.unserved_col], 0.0)
    unserved_table = pd.DataFrame(
        {
            "origin": demand["origin"].to_numpy(),
            "destination": demand["destination"].to_numpy(),
            "commodity": demand["commodity"].to_numpy(),
            "segment": demand["segment"].to_numpy() if "segment" in demand else "all",
            "demand": wanted,
            "served": wanted - unserved,
            "unserved": unserved,
        }
    )
    return Assignment(
        status=solution.status,
        method="lp",
        transport_cost_usd=transport,
        transit_time_cost_usd=transit_time,
        waiting_cost_usd=float(queue_cost.sum()),
        flows_by_segment=by_segment,
        unserved_cost_usd=float(model.penalty @ unserved),
        flows=flows,
        unserved=unserved_table,
        bottlenecks=_bottlenecks(model, solution, queue_cost, tolerance),
        flows_by_origin=by_origin,
        equilibrium={} if solution.equilibrium is None else solution.equilibrium.to_dict(),
        solver={
            "objective_usd": solution.objective,  # what the LP minimised: not the costs reported
            "iterations": solution.iterations,
            "solve_seconds": round(solution.solve_seconds, 4),
            "rows": model.shape[0],
            "columns": model.shape[1],
        },
    )


FLOW_COLUMNS = ["link", "from", "to", "commodity", "flow_per_year", "utilisation", "wait_h"]


def _per_arc(arcs: np.ndarray, commodity: np.ndarray, flow: np.ndarray) -> pd.DataFrame:
    return (
        pd.DataFrame({"arc": arcs, "c": commodity, "flow_per_year": flow})
        .groupby(["arc", "c"], as_index=False)
        .agg(flow_per_year=("flow_per_year", "sum"))
    )


def _no_flows() -> pd.DataFrame:
    """An empty flows table, its columns typed (numbers float, text object)."""
    numbers = ("flow_per_year", "utilisation", "wait_h")
    return pd.DataFrame({c: np.zeros(0) if c in numbers else np.zeros(0, dtype=object) for c in FLOW_COLUMNS})


def _flow_table(cn: Any, flows: pd.DataFrame, model: AssignmentModel, x: np.ndarray) -> pd.DataFrame:
    util = _utilisation(model.capacity_load(x), model.cap_limit)
    arcs = flows["arc"].to_numpy(int)
    links = [cn.link_ids[cn.arc_link[a]] for a in arcs]
    tails = [cn.node_ids[cn.tail[a]] for a in arcs]
    heads = [cn.node_ids[cn.head[a]] for a in arcs]
    # the capacity row of each link direction that carries flow (a national network has hundreds
    # of thousands of rows, and only the used links' are looked up)
    used = set(links)
    position = {
        (element, direction): i
        for i, (kind, element, direction) in enumerate(
            zip(model.cap_kind, model.cap_element, model.cap_direction, strict=True)
        )
        if kind == "link" and element in used
    }
    utilisation = [
        float(util[i]) if (i := position.get((lk, f"{t}->{h}"))) is not None else np.nan
        for lk, t, h in zip(links, tails, heads, strict=True)
    ]
    waits = arc_waits(model, x)
    return pd.DataFrame(
        {
            "link": links,
            "from": tails,
            "to": heads,
            "commodity": [cn.commodities[c] for c in flows["c"]],
            "flow_per_year": flows["flow_per_year"].to_numpy(float),
            "utilisation": utilisation,
            "wait_h": waits[arcs] if len(arcs) else np.zeros(0),
        }
    )


def arc_waits(model: AssignmentModel, x: np.ndarray) -> np.ndarray:
    """[arc] hours cargo waits on each arc: the queues whose load it counts towards (its link's
    direction, the node it enters, a fleet it belongs to)."""
    cn = model.network.compiled
    out = np.zeros(cn.n_arcs)
    if not len(model.queue_rows):
        return out
    waits = model.queue_waits(x)
    for q in range(len(model.queue_rows)):
        out[model.row_arcs(len(model.cap_rows) + q)] += waits[q]
    return out


def _utilisation(load: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Load over capacity; a closed capacity (0) is full when unused and over-full (inf) when used."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = load / limit
    return np.where(limit > 0, ratio, np.where(load > 1e-9, np.inf, 1.0))


QUEUE_KNEE = 0.8
"""Utilisation past which a queue is listed as binding though its capacity has no dual: waits
climb steeply from there (congestion.csv curves)."""


def _bottlenecks(
    model: AssignmentModel, solution: LPSolution, queue_cost: np.ndarray, tolerance: float
) -> pd.DataFrame:
    """Binding capacities: those worth something (rent > 0) and queues past their knee.

    ``rent_usd`` is what the scarcity of a capacity is worth, in USD a year, in one unit whatever
    the capacity's own (trains, TEU, barrels), in two parts: ``scarcity_rent_usd``, the dual of its
    hard cap times the capacity it binds (the rent a price would ration it by), and
    ``queue_cost_usd``, what its queue costs the cargo that waits in it (see :func:`_queue_costs`):
    a queue rations a scarce facility by waiting instead of by price, and the rent is then spent as
    the users' waiting time (Vickrey; with an optimal toll its revenue would replace that waiting
    cost). The dual is also shown per unit of cargo: ``usd_per_teu`` (containers) and ``usd_per_t``
    (the tonnage commodity the row counts most of a tonne for, its scarcest). ``queue_cost``: per
    capacity row, from :func:`_queue_costs` (the assignment's waiting cost is their sum)."""
    if not len(model.cap_rows):
        return pd.DataFrame(columns=BOTTLENECK_COLUMNS)
    shadow = -solution.row_dual[model.cap_rows]  # a binding capacity lowers the cost when relaxed
    load = model.capacity_load(solution.x)
    wait_h = np.zeros(len(model.cap_rows))
    wait_usd = np.zeros(len(model.cap_rows))
    if len(model.queue_rows):
        wait_h[model.queue_cap] = model.queue_waits(solution.x)
        # the pieces charge a queue's wait at its lowest segment's rate: scaled to the element's own
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(model.queue_vot_h > 0, model.queue_own_vot_h / model.queue_vot_h, 1.0)
        wait_usd[model.queue_cap] = np.maximum(-solution.row_dual[model.queue_rows], 0.0) * scale
    scarcity = np.where(shadow > tolerance, shadow * model.cap_limit, 0.0)
    rent = scarcity + queue_cost
    utilisation = _utilisation(load, model.cap_limit)
    # binding: worth something (a closed capacity binds nothing: its scarcity rent is 0; a queue
    # costs its waiting cargo), or a queue past its knee, where waits climb steeply; only those
    # rows make the table (there are a few)
    queued = np.zeros(len(model.cap_rows), dtype=bool)
    queued[model.queue_cap] = True
    rows = np.flatnonzero((rent > tolerance) | (queued & (utilisation >= QUEUE_KNEE)))
    pick = (
        rows if len(rows) else np.arange(min(1, len(model.cap_rows)))
    )  # none: one row for the column types, cut below
    binding = pd.DataFrame(
        {
            "element": [model.cap_element[i] for i in pick],
            "kind": [model.cap_kind[i] for i in pick],
            "direction": [model.cap_direction[i] for i in pick],
            "shadow_price_usd": shadow[pick],
            "dimension": [model.cap_dim[i] for i in pick],
            "capacity": model.cap_limit[pick],
            "rent_usd": rent[pick],
            "scarcity_rent_usd": scarcity[pick],
            "queue_cost_usd": queue_cost[pick],
            "usd_per_teu": np.nan,
            "usd_per_t": np.nan,
            "utilisation": utilisation[pick],
            "wait_h": wait_h[pick],
            "wait_usd": wait_usd[pick],
        }
    ).iloc[: len(rows)]
    per_teu, per_t = _dual_per_unit(model, shadow, rows)
    binding["usd_per_teu"], binding["usd_per_t"] = per_teu, per_t
    # by rent, then wait, both falling, ties in row order (as a stable sort of the frame; a few rows,
    # where the frame's sort cost more than reading the solution)
    order = np.lexsort((-binding["wait_usd"].to_numpy(float), -binding["rent_usd"].to_numpy(float)))
    return binding.iloc[order].reset_index(drop=True)


def _queue_costs(model: AssignmentModel, x: np.ndarray) -> np.ndarray:
    """[capacity row] what the queue on each costs the cargo that waits in it, in USD a year (0
    where it has no queue): per flow column that enters the queue, its volume times the hours
    waited at the queue's load (on the curve, as ``wait_h`` shows) times what an hour's wait costs
    a unit of its cargo at its own segment's value of time, the element's own for a commodity
    whose segments do not weigh time: the waits and values of time the equilibrium weighs
    (:func:`corridor.flow.equilibrium.wait_terms`)."""
    out = np.zeros(len(model.cap_rows))
    if not len(model.queue_rows):
        return out
    terms = wait_terms(model)
    waits = model.queue_waits(x)
    cost = x[: model.n_flow][terms.place] * terms.own_h * waits[terms.queue]
    out[model.queue_cap] = np.bincount(terms.queue, weights=cost, minlength=len(model.queue_rows))
    return out


RENT_COLUMNS = ("rent_usd", "scarcity_rent_usd", "queue_cost_usd")
"""A bottleneck's rent and its two parts, in USD: summed over stretches and over a group's links."""


BOTTLENECK_COLUMNS = [
    "element",
    "kind",
    "direction",
    "shadow_price_usd",
    "dimension",
    "capacity",
    "rent_usd",
    "scarcity_rent_usd",
    "queue_cost_usd",
    "usd_per_teu",
    "usd_per_t",
    "utilisation",
    "wait_h",
    "wait_usd",
]


def _dual_per_unit(model: AssignmentModel, shadow: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The dual of each capacity in ``rows`` per TEU of containers and per tonne (NaN where no
    such cargo may use it).

    A row counts each commodity in its own dimension (``price_factor``: trains per TEU, per t);
    per tonne, the commodity that takes most of the row per tonne is shown (a train row: the one
    with the lightest trains)."""
    cn = model.network.compiled
    units = dict(zip(model.network.commodities["id"], model.network.commodities["unit"], strict=True))
    teu = np.array([units.get(c) == "teu" for c in cn.commodities])
    per_teu, per_t = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    for i, k in enumerate(rows):
        arcs = model.row_arcs(int(k))
        factor = np.where(cn.allowed[:, arcs].any(axis=1), model.price_factor[k], np.nan) if len(arcs) else None
        if factor is None:
            continue
        if np.isfinite(factor[teu]).any():
            per_teu[i] = shadow[k] * np.nanmax(factor[teu])
        if np.isfinite(factor[~teu]).any():
            per_t[i] = shadow[k] * np.nanmax(factor[~teu])
    return per_teu, per_t


def _group_keys(model: AssignmentModel) -> tuple[list[int], list[int]]:
    """(commodity, origin node) of each group, in group order."""
    return model.group_commodity.tolist(), model.group_origin.tolist()
