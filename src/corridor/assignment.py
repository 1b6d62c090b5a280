"""Capacitated assignment: demand placed on the network by a min-cost multi-commodity flow LP.

Three stages, each callable and testable alone (PyPSA's create_model / solve_model / assign):

1. :func:`build_assignment` writes the LP as sparse matrices (no per-variable Python objects);
2. :func:`solve_assignment` hands it to HiGHS (dual simplex) through ``highspy``;
3. :func:`read_assignment` turns the solution into tables: flows per link and commodity,
   unserved volume per origin-destination pair, and the dual value of every binding capacity.

:func:`assign` runs them, and skips the LP when the shortest route of every pair breaks no
capacity (then those routes are the optimum).

The LP. Flows are grouped by (commodity, origin): one flow variable per group and usable arc.
Each pair's delivered volume ends at its destination (or at any member of a destination group),
and what is not delivered is a priced slack: unserved volume costs the value of the goods
(``value_usd_per_unit``) unless a penalty is given, so the result always says what was not
carried rather than failing. Capacities bind per direction of a link, and on a node's
throughput, in the dimension the capacity is published in (tonnes, TEU, trains, barrels), with
each commodity converted by its factors. All quantities are per year.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_array, csc_array

from corridor._frames import json_records
from corridor._highs import highs_lp, new_highs, status_name
from corridor._schema import records
from corridor.constraints import place_nodes
from corridor.demand import Demand
from corridor.errors import InfeasibleError, SolverError
from corridor.network import Network
from corridor.scenario import Scenario, ScenarioEffect, scenario_effect, with_investments

__all__ = [
    "Assignment",
    "AssignmentModel",
    "LPSolution",
    "assign",
    "build_assignment",
    "read_assignment",
    "solve_assignment",
    "solve_model",
]


@dataclass(frozen=True, eq=False)
class AssignmentModel:
    """The LP of an assignment, as arrays, with what each column and row stands for."""

    network: Network
    demand: Demand
    cost: np.ndarray  # [col]
    upper: np.ndarray  # [col]
    matrix: csc_array  # [row, col]
    row_lower: np.ndarray
    row_upper: np.ndarray
    # columns
    n_flow: int
    flow_group: np.ndarray  # [flow col] group index
    flow_arc: np.ndarray  # [flow col] arc index
    unserved_col: np.ndarray  # [pair] column of its unserved slack
    delivery_col: np.ndarray  # [delivery] column of a delivery of a pair at one of its destination nodes
    delivery_pair: np.ndarray  # [delivery] the pair delivered
    delivery_node: np.ndarray  # [delivery] the node it is delivered at
    group_commodity: np.ndarray  # [group] commodity index
    group_origin: np.ndarray  # [group] origin node index
    group_pairs: tuple[tuple[int, ...], ...]  # [group] positions of its pairs in the demand table
    # capacity rows: what they bound
    cap_rows: np.ndarray  # row indices
    cap_kind: tuple[str, ...]  # 'link' or 'node'
    cap_element: tuple[str, ...]  # link or node id
    cap_direction: tuple[str, ...]  # 'from->to' for links, '' for nodes
    cap_limit: np.ndarray  # capacity per year in its dimension
    cap_dim: tuple[str, ...]
    penalty: np.ndarray  # [pair] USD per unserved unit

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.matrix.shape
        return int(rows), int(cols)


@dataclass(frozen=True, eq=False)
class LPSolution:
    """What HiGHS returned: status, objective, primal values and row duals, and its timings."""

    status: str
    objective: float
    x: np.ndarray
    row_dual: np.ndarray
    iterations: int
    solve_seconds: float


@dataclass(frozen=True, eq=False)
class Assignment:
    """Demand placed on the network, and what it cost.

    ``flows``: link, from, to, commodity, flow_per_year, utilisation (of the direction's capacity);
    ``unserved``: origin, destination, commodity, demand, served, unserved (per year);
    ``bottlenecks``: element, kind, direction, shadow_price_usd (objective gain per unit of capacity
    per year, in its dimension), dimension, utilisation, ranked by shadow price.
    """

    status: str
    method: str
    transport_cost_usd: float
    unserved_cost_usd: float
    flows: pd.DataFrame
    unserved: pd.DataFrame
    bottlenecks: pd.DataFrame
    solver: dict[str, Any] = field(default_factory=dict)
    flows_by_origin: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # + origin column

    @property
    def total_cost_usd(self) -> float:
        """Transport cost plus the value of what was not carried."""
        return self.transport_cost_usd + self.unserved_cost_usd

    def unserved_by_commodity(self) -> dict[str, float]:
        return {str(k): float(v) for k, v in self.unserved.groupby("commodity")["unserved"].sum().items()}

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The tables a run keeps: flows, unserved, bottlenecks."""
        return [("flows", self.flows), ("unserved", self.unserved), ("bottlenecks", self.bottlenecks)]

    def summary(self) -> dict[str, Any]:
        """The figures of a run without its tables."""
        return {k: v for k, v in self.to_dict().items() if k not in ("flows", "bottlenecks", "unserved_pairs")}

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "status": self.status,
            "method": self.method,
            "total_cost_usd": round(self.total_cost_usd, 2),
            "transport_cost_usd": round(self.transport_cost_usd, 2),
            "unserved_cost_usd": round(self.unserved_cost_usd, 2),
            "unserved": self.unserved_by_commodity(),
            "unserved_pairs": json_records(self.unserved),
            "flows": json_records(self.flows),
            "bottlenecks": json_records(self.bottlenecks),
            "solver": self.solver,
        }


def _group_keys(model: AssignmentModel) -> tuple[list[int], list[int]]:
    """(commodity, origin node) of each group, in group order."""
    return model.group_commodity.tolist(), model.group_origin.tolist()


def _groups(pairs: pd.DataFrame, bars: Sequence[int] | None = None) -> list[tuple[tuple[int, int, int], list[int]]]:
    """(commodity, origin, bar) groups of the pairs, with the pair positions in each, in a fixed order.

    Pairs share a group, and so the same flow variables, when they carry the same commodity from
    the same origin under the same transit bars (``bars``: an id per pair, 0 for none).
    """
    bars = bars if bars is not None else [0] * len(pairs)
    out: dict[tuple[int, int, int], list[int]] = {}
    for p, (c, o, b) in enumerate(zip(pairs["c"], pairs["o"], bars, strict=True)):
        out.setdefault((int(c), int(o), int(b)), []).append(p)
    return sorted(out.items())


def _pairs(network: Network, demand: Demand) -> pd.DataFrame:
    cn = network.compiled
    table = demand.table.copy()
    table["c"] = [cn.commodity_index(c) for c in table["commodity"]]
    table["o"] = [cn.node_index[o] for o in table["origin"]]
    return table.reset_index(drop=True)


def _pair_bars(effect: ScenarioEffect | None, n_pairs: int, n_arcs: int) -> tuple[list[int], list[np.ndarray]]:
    """An id per pair for the arcs barred to it alone (0: none), and the barred arcs of each id."""
    masks: list[np.ndarray] = [np.zeros(n_arcs, dtype=bool)]
    ids = [0] * n_pairs
    if effect is None:
        return ids, masks
    seen: dict[bytes, int] = {}
    for p, mask in enumerate(effect.pair_barred):
        if mask is None or not mask.any():
            continue
        key = np.packbits(mask).tobytes()
        if key not in seen:
            seen[key] = len(masks)
            masks.append(mask)
        ids[p] = seen[key]
    return ids, masks


def build_assignment(
    network: Network,
    demand: Demand,
    *,
    usable: np.ndarray | None = None,
    effect: ScenarioEffect | None = None,
    penalty: Mapping[str, float] | None = None,
) -> AssignmentModel:
    """Write the assignment LP (see the module docstring) as sparse matrices.

    ``usable`` ([arc] bool) closes arcs on top of what each commodity may use; ``effect`` applies
    a scenario (capacities, bars, tariffs, demand; see :func:`corridor.scenario.scenario_effect`);
    ``penalty`` overrides the USD per unserved unit of some commodities.
    """
    allowed = network.compiled.allowed if effect is None else effect.usable
    tariff = network.compiled.cost_usd if effect is None else effect.cost_usd
    demand_factor = np.ones(len(demand.table)) if effect is None else effect.demand_factor
    cn = network.compiled
    pairs = _pairs(network, demand)
    n = cn.n_nodes
    values = dict(zip(network.commodities["id"], network.commodities["value_usd_per_unit"], strict=True))
    penalty = {**values, **(penalty or {})}
    pair_bar, bar_masks = _pair_bars(effect, len(pairs), cn.n_arcs)
    groups = _groups(pairs, pair_bar)
    group_commodity = np.array([c for (c, _, _), _ in groups], dtype=np.int64)
    rows_i: list[np.ndarray] = []
    cols_j: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    costs: list[np.ndarray] = []
    flow_group: list[np.ndarray] = []
    flow_arc: list[np.ndarray] = []
    col = 0
    # flow columns, group by group: +1 where an arc leaves a node, -1 where it enters
    for g, ((c, _, b), _) in enumerate(groups):
        ok = allowed[c] if usable is None else allowed[c] & usable
        ok = ok & ~bar_masks[b]
        arcs = np.flatnonzero(ok)
        cols = col + np.arange(len(arcs))
        rows_i += [g * n + cn.tail[arcs], g * n + cn.head[arcs]]
        cols_j += [cols, cols]
        vals += [np.ones(len(arcs)), -np.ones(len(arcs))]
        costs.append(tariff[c, arcs])
        flow_group.append(np.full(len(arcs), g))
        flow_arc.append(arcs)
        col += len(arcs)
    n_flow = col
    n_cons = len(groups) * n
    group_of_pair = np.empty(len(pairs), dtype=np.int64)
    for g, (_, members) in enumerate(groups):
        group_of_pair[np.asarray(members)] = g
    # per pair: deliveries at its destination node(s), its unserved slack, and its demand row
    rhs_cons = np.zeros(n_cons)
    group_ids = set(network.groups["id"])
    unserved_col = np.empty(len(pairs), dtype=np.int64)
    deliveries: list[tuple[int, int, int]] = []  # (column, pair, node)
    pair_penalty = np.empty(len(pairs))
    for p, row in enumerate(records(pairs)):
        g = int(group_of_pair[p])
        kind = "group" if row.destination in group_ids else "node"
        ends = [cn.node_index[x] for x in place_nodes(network, kind, row.destination)]
        od_row = n_cons + int(p)
        for m in ends:
            deliveries.append((col, p, m))
            rows_i += [np.array([g * n + m, od_row])]
            cols_j += [np.array([col, col])]
            vals += [np.array([1.0, 1.0])]
            costs.append(np.zeros(1))
            col += 1
        unserved_col[p] = col
        pair_penalty[p] = penalty[row.commodity]
        rows_i += [np.array([g * n + int(row.o), od_row])]
        cols_j += [np.array([col, col])]
        vals += [np.array([1.0, 1.0])]
        costs.append(np.array([pair_penalty[p]]))
        col += 1
        rhs_cons[g * n + int(row.o)] += row.quantity_per_year * demand_factor[p]
    rhs_pairs = pairs["quantity_per_year"].to_numpy(float) * demand_factor
    n_rows = n_cons + len(pairs)
    # capacity rows: each capacitated arc direction, then each capacitated node
    fg = np.concatenate(flow_group) if flow_group else np.zeros(0, np.int64)
    fa = np.concatenate(flow_arc) if flow_arc else np.zeros(0, np.int64)
    fc = group_commodity[fg] if len(fg) else np.zeros(0, np.int64)
    cap_rows, cap_kind, cap_element, cap_direction, cap_limit, cap_dim = [], [], [], [], [], []
    factor = np.full(len(fa), np.nan)
    arc_dims = np.array(cn.arc_capacity_dim, dtype=object)
    for dim, per_commodity in cn.dimension_factor.items():
        hit = arc_dims[fa] == dim
        factor[hit] = per_commodity[fc[hit]]
    capped = np.isfinite(cn.arc_capacity_native[fa]) & np.isfinite(factor)
    arcs_capped = np.unique(fa[capped])
    row_of_arc = {int(a): n_rows + i for i, a in enumerate(arcs_capped)}
    for a in arcs_capped:
        link = cn.arc_link[a]
        cap_rows.append(row_of_arc[int(a)])
        cap_kind.append("link")
        cap_element.append(cn.link_ids[link])
        cap_direction.append(f"{cn.node_ids[cn.tail[a]]}->{cn.node_ids[cn.head[a]]}")
        cap_limit.append(cn.arc_capacity_native[a] * (1.0 if effect is None else effect.capacity_factor[a]))
        cap_dim.append(cn.arc_capacity_dim[a])
    sel = np.flatnonzero(capped)
    rows_i.append(np.array([row_of_arc[int(a)] for a in fa[sel]], dtype=np.int64))
    cols_j.append(sel)
    vals.append(factor[sel])
    n_rows += len(arcs_capped)
    node_origin_of_group = np.array([o for (_, o, _), _ in groups], dtype=np.int64)
    for node in np.flatnonzero(np.isfinite(cn.node_capacity_native)):
        dim = cn.node_capacity_dim[node]
        f = cn.dimension_factor[dim][fc] if len(fc) else np.zeros(0)
        at_origin = node_origin_of_group[fg] == node
        # throughput: what enters the node, or for cargo starting there, what leaves it
        through = np.where(at_origin, cn.tail[fa] == node, cn.head[fa] == node) & np.isfinite(f)
        sel = np.flatnonzero(through)
        if not len(sel):
            continue
        rows_i.append(np.full(len(sel), n_rows))
        cols_j.append(sel)
        vals.append(f[sel])
        cap_rows.append(n_rows)
        cap_kind.append("node")
        cap_element.append(cn.node_ids[node])
        cap_direction.append("")
        cap_limit.append(cn.node_capacity_native[node] * (1.0 if effect is None else effect.node_capacity_factor[node]))
        cap_dim.append(dim)
        n_rows += 1
    matrix = coo_array(
        (np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_j))), shape=(n_rows, col)
    ).tocsc()
    row_lower = np.concatenate([rhs_cons, rhs_pairs, np.full(len(cap_rows), -np.inf)])
    row_upper = np.concatenate([rhs_cons, rhs_pairs, np.asarray(cap_limit, dtype=float)])
    return AssignmentModel(
        network=network,
        demand=demand,
        cost=np.concatenate(costs).astype(float),
        upper=np.full(col, np.inf),
        matrix=matrix,
        row_lower=row_lower,
        row_upper=row_upper,
        n_flow=n_flow,
        flow_group=fg,
        flow_arc=fa,
        unserved_col=unserved_col,
        delivery_col=np.array([d[0] for d in deliveries], dtype=np.int64),
        delivery_pair=np.array([d[1] for d in deliveries], dtype=np.int64),
        delivery_node=np.array([d[2] for d in deliveries], dtype=np.int64),
        group_commodity=group_commodity,
        group_origin=node_origin_of_group,
        group_pairs=tuple(tuple(members) for _, members in groups),
        cap_rows=np.asarray(cap_rows, dtype=np.int64),
        cap_kind=tuple(cap_kind),
        cap_element=tuple(cap_element),
        cap_direction=tuple(cap_direction),
        cap_limit=np.asarray(cap_limit, dtype=float),
        cap_dim=tuple(cap_dim),
        penalty=pair_penalty,
    )


def solve_assignment(model: AssignmentModel, *, solver_options: Mapping[str, Any] | None = None) -> LPSolution:
    """Solve the LP with HiGHS; raise InfeasibleError or SolverError when there is no optimum."""
    import highspy

    h = new_highs(solver_options)
    h.passModel(highs_lp(model.cost, model.upper, model.row_lower, model.row_upper, model.matrix))
    start = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - start
    model_status = h.getModelStatus()
    if model_status == highspy.HighsModelStatus.kInfeasible:
        raise InfeasibleError(
            "the assignment LP is infeasible although unserved demand is allowed: a demand or capacity is inconsistent "
            "(a negative capacity or demand that validation let through)"
        )
    if model_status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(f"HiGHS stopped with status {status_name(model_status)!r}; expected 'Optimal'")
    solution = h.getSolution()
    info = h.getInfo()
    return LPSolution(
        status="optimal",
        objective=float(info.objective_function_value),
        x=np.asarray(solution.col_value, dtype=float),
        row_dual=np.asarray(solution.row_dual, dtype=float),
        iterations=int(info.simplex_iteration_count),
        solve_seconds=seconds,
    )


LP_METHODS = ("auto", "plain", "priced")
PRICED_FROM_COLUMNS = 20_000
"""``lp="auto"`` solves the plain LP below this many columns and the priced one from it on
(measured on synthetic networks: about even at 18,000 columns, 4-10x faster at 50,000)."""


def solve_model(
    model: AssignmentModel, *, lp: str = "auto", solver_options: Mapping[str, Any] | None = None
) -> LPSolution:
    """Solve the LP whole (``plain``) or through column generation (``priced``, same optimum,
    far less work on a large network); ``auto`` picks by size. See :mod:`corridor._pricing`."""
    if lp not in LP_METHODS:
        raise ValueError(f"unknown LP method {lp!r}; expected one of {', '.join(LP_METHODS)}")
    if lp == "priced" or (lp == "auto" and model.shape[1] >= PRICED_FROM_COLUMNS):
        from corridor._pricing import solve_priced

        return solve_priced(model, solver_options=solver_options)
    return solve_assignment(model, solver_options=solver_options)


def read_assignment(model: AssignmentModel, solution: LPSolution, *, tolerance: float = 1e-6) -> Assignment:
    """Tables from an LP solution: flows, unserved volume, bottlenecks with their dual values."""
    cn = model.network.compiled
    x = solution.x
    flow = x[: model.n_flow]
    keep = flow > tolerance
    commodity = model.group_commodity[model.flow_group[keep]]
    arcs = model.flow_arc[keep]
    per_arc = (
        pd.DataFrame({"arc": arcs, "c": commodity, "flow_per_year": flow[keep]})
        .groupby(["arc", "c"], as_index=False)
        .agg(flow_per_year=("flow_per_year", "sum"))
    )
    transport = float(model.cost[: model.n_flow] @ flow)
    flows = _flow_table(cn, per_arc, model, x)
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
    demand = model.demand.table
    wanted = model.row_upper[model.shape[0] - len(demand) - len(model.cap_rows) : model.shape[0] - len(model.cap_rows)]
    unserved = np.maximum(x[model.unserved_col], 0.0)
    unserved_table = pd.DataFrame(
        {
            "origin": demand["origin"].to_numpy(),
            "destination": demand["destination"].to_numpy(),
            "commodity": demand["commodity"].to_numpy(),
            "demand": wanted,
            "served": wanted - unserved,
            "unserved": unserved,
        }
    )
    return Assignment(
        status=solution.status,
        method="lp",
        transport_cost_usd=transport,
        unserved_cost_usd=float(model.penalty @ unserved),
        flows=flows,
        unserved=unserved_table,
        bottlenecks=_bottlenecks(model, solution, tolerance),
        flows_by_origin=by_origin,
        solver={
            "iterations": solution.iterations,
            "solve_seconds": round(solution.solve_seconds, 4),
            "rows": model.shape[0],
            "columns": model.shape[1],
        },
    )


def _flow_table(cn: Any, flows: pd.DataFrame, model: AssignmentModel, x: np.ndarray) -> pd.DataFrame:
    load = _row_activity(model, x)
    util = (
        dict(zip(model.cap_rows.tolist(), _utilisation(load, model.cap_limit).tolist(), strict=True))
        if len(load)
        else {}
    )
    row_of_arc = {
        (model.cap_element[i], model.cap_direction[i]): int(r)
        for i, r in enumerate(model.cap_rows)
        if model.cap_kind[i] == "link"
    }
    arcs = flows["arc"].to_numpy(int)
    links = [cn.link_ids[cn.arc_link[a]] for a in arcs]
    tails = [cn.node_ids[cn.tail[a]] for a in arcs]
    heads = [cn.node_ids[cn.head[a]] for a in arcs]
    utilisation = [
        util.get(row_of_arc.get((lk, f"{t}->{h}"), -1), np.nan) for lk, t, h in zip(links, tails, heads, strict=True)
    ]
    return pd.DataFrame(
        {
            "link": links,
            "from": tails,
            "to": heads,
            "commodity": [cn.commodities[c] for c in flows["c"]],
            "flow_per_year": flows["flow_per_year"].to_numpy(float),
            "utilisation": utilisation,
        }
    )


def _utilisation(load: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Load over capacity; a closed capacity (0) is full when unused and over-full (inf) when used."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = load / limit
    return np.where(limit > 0, ratio, np.where(load > 1e-9, np.inf, 1.0))


def _row_activity(model: AssignmentModel, x: np.ndarray) -> np.ndarray:
    if not len(model.cap_rows):
        return np.zeros(0)
    return np.asarray(model.matrix[model.cap_rows, :] @ x, dtype=float)


def _bottlenecks(model: AssignmentModel, solution: LPSolution, tolerance: float) -> pd.DataFrame:
    if not len(model.cap_rows):
        return pd.DataFrame(columns=["element", "kind", "direction", "shadow_price_usd", "dimension", "utilisation"])
    shadow = -solution.row_dual[model.cap_rows]  # a binding capacity lowers the cost when relaxed
    load = _row_activity(model, solution.x)
    table = pd.DataFrame(
        {
            "element": model.cap_element,
            "kind": model.cap_kind,
            "direction": model.cap_direction,
            "shadow_price_usd": shadow,
            "dimension": model.cap_dim,
            "utilisation": _utilisation(load, model.cap_limit),
        }
    )
    # binding: worth something when relaxed, or full while carrying cargo (a closed, unused capacity is not)
    binding = table[(table["shadow_price_usd"] > tolerance) | ((table["utilisation"] > 1 - 1e-7) & (load > tolerance))]
    return binding.sort_values("shadow_price_usd", ascending=False).reset_index(drop=True)


def assign(
    network: Network,
    demand: Demand,
    *,
    scenario: Scenario | None = None,
    penalty: Mapping[str, float] | None = None,
    solver_options: Mapping[str, Any] | None = None,
    force_lp: bool = False,
    lp: str = "auto",
) -> Assignment:
    """Place demand on the network at least cost within capacities; say what cannot be carried.

    When every pair's cheapest route fits within every capacity, those routes are the optimum
    and no LP is solved (``method`` says which). Otherwise: build, solve, read back; ``lp``
    chooses how the LP is solved (see :func:`solve_model`).

    Examples
    --------
    >>> net = load_network()
    >>> result = assign(net, load_demand(net))
    >>> result.status, result.unserved_by_commodity()["container"]
    ('optimal', 0.0)
    """
    if scenario is not None:
        network = with_investments(network, scenario)
    effect = None if scenario is None else scenario_effect(network, scenario, demand.table)
    model = build_assignment(network, demand, effect=effect, penalty=penalty)
    if not force_lp and effect is None:
        quick = _uncongested(model)
        if quick is not None:
            return replace(read_assignment(model, quick), method="shortest routes (no capacity binds)")
    return read_assignment(model, solve_model(model, lp=lp, solver_options=solver_options))


def _uncongested(model: AssignmentModel) -> LPSolution | None:
    """The LP's solution from shortest routes alone, or None when one would break a capacity."""
    from corridor.routing import shortest_routes

    network = model.network
    cn = network.compiled
    table = model.demand.table
    x = np.zeros(model.shape[1])
    col_of = {(int(g), int(a)): i for i, (g, a) in enumerate(zip(model.flow_group, model.flow_arc, strict=True))}
    group_of_pair = {p: g for g, members in enumerate(model.group_pairs) for p in members}
    arc_of = {
        (cn.link_ids[link], cn.node_ids[tail], cn.node_ids[head]): arc
        for arc, (link, tail, head) in enumerate(zip(cn.arc_link, cn.tail, cn.head, strict=True))
    }
    for commodity, part in table.groupby("commodity", sort=False):
        routes = shortest_routes(
            network, list(zip(part["origin"], part["destination"], strict=True)), commodity=str(commodity)
        )
        for p, route in zip(part.index, routes, strict=True):
            if route is None or route.cost_usd >= model.penalty[p]:
                return None  # unserved or not worth carrying: let the LP weigh it
            g = group_of_pair[int(p)]
            for link, a, b in zip(route.links, route.nodes[:-1], route.nodes[1:], strict=True):
                x[col_of[(g, arc_of[(link, a, b)])]] += table.loc[p, "quantity_per_year"]
    load = _row_activity(model, x)
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
