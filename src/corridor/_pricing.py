"""Solve the assignment LP with only the arcs it needs: price the others in (column generation).

A group of cargo (one commodity from one origin) uses few of the network's arcs. The LP starts
with each group's arcs that lie on a path to one of its destinations at most a small share
dearer than the shortest (the corridor around its shortest paths). After each solve, every left-out
column is priced with the duals (reduced cost ``c - a'y``); those with a negative reduced cost
are added to the live HiGHS model, which restarts from its last basis. When none is negative the
solution is optimal for the whole LP: the same optimum, from a much smaller problem.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from corridor._highs import highs_lp, new_highs, status_name
from corridor.assignment import AssignmentModel, LPSolution
from corridor.constraints import place_nodes
from corridor.errors import InfeasibleError, SolverError

__all__ = ["solve_priced"]


def _initial_columns(model: AssignmentModel, corridor: float) -> np.ndarray:
    """Flow columns on each group's near-shortest paths to its destinations, and every non-flow column."""
    cn = model.network.compiled
    n = cn.n_nodes
    keep = np.zeros(model.shape[1], dtype=bool)
    keep[model.n_flow :] = True
    table = model.demand.table
    group_ids = set(model.network.groups["id"])
    for g in np.unique(model.flow_group):
        cols = np.flatnonzero(model.flow_group == g)
        arcs = model.flow_arc[cols]
        cost = model.cost[cols]
        graph = csr_array((cost + 1e-12, (cn.tail[arcs], cn.head[arcs])), shape=(n, n))
        origin = int(model.group_origin[g])
        dist = dijkstra(graph, indices=origin)
        pairs = table.iloc[list(model.group_pairs[g])]
        ends = [
            cn.node_index[x]
            for d in pairs["destination"]
            for x in place_nodes(model.network, "group" if d in group_ids else "node", d)
        ]
        back = dijkstra(graph.T.tocsr(), indices=ends)  # distance from every node to each destination
        back = np.atleast_2d(back)
        for end, to_end in zip(ends, back, strict=True):
            best = dist[end]
            if not np.isfinite(best):
                continue
            # arcs on a path from the origin to this destination at most `corridor` dearer than the best
            through = dist[cn.tail[arcs]] + cost + to_end[cn.head[arcs]]
            keep[cols[through <= best * (1 + corridor) + 1e-9]] = True
    return np.flatnonzero(keep)


def solve_priced(
    model: AssignmentModel,
    *,
    solver_options: Mapping[str, Any] | None = None,
    corridor: float = 0.05,
    max_rounds: int = 200,
) -> LPSolution:
    """The optimum of the whole LP, solving only the columns it needs (see the module docstring)."""
    import highspy

    h = new_highs(solver_options)
    full = model.matrix.tocsc()
    columns = _initial_columns(model, corridor)
    h.passModel(highs_lp(model.cost[columns], model.upper[columns], model.row_lower, model.row_upper, full[:, columns]))
    present = np.zeros(model.shape[1], dtype=bool)
    present[columns] = True
    order = list(columns)
    seconds = 0.0
    iterations = 0
    for _ in range(max_rounds):
        start = time.perf_counter()
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            # the restricted LP is always feasible (everything can stay unserved): a restart that went
            # wrong is numerical, so solve it again from scratch with the dual simplex
            h.clearSolver()
            h.setOptionValue("simplex_strategy", 1)
            h.run()
            status = h.getModelStatus()
        seconds += time.perf_counter() - start
        if status == highspy.HighsModelStatus.kInfeasible:
            raise InfeasibleError("the assignment LP is infeasible although unserved demand is allowed")
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"HiGHS stopped with status {status_name(status)!r}; expected 'Optimal'")
        iterations += int(h.getInfo().simplex_iteration_count)
        duals = np.asarray(h.getSolution().row_dual, dtype=float)
        reduced = model.cost - full.T @ duals
        tolerance = 1e-9 * max(1.0, float(np.abs(model.cost).max()))
        enter = np.flatnonzero(~present & (reduced < -tolerance))
        if not len(enter):
            break
        block = full[:, enter]
        h.addCols(
            len(enter),
            model.cost[enter],
            np.zeros(len(enter)),
            model.upper[enter],
            block.nnz,
            block.indptr[:-1].astype(np.int32),
            block.indices.astype(np.int32),
            block.data.astype(float),
        )
        present[enter] = True
        order.extend(enter.tolist())
        # the last basis stays primal feasible when columns are added: primal simplex restarts from it
        h.setOptionValue("simplex_strategy", 4)
    else:
        raise SolverError(f"pricing did not settle in {max_rounds} rounds")
    solution = h.getSolution()
    x = np.zeros(model.shape[1])
    x[np.asarray(order)] = np.asarray(solution.col_value, dtype=float)
    return LPSolution(
        status="optimal",
        objective=float(h.getInfo().objective_function_value),
        x=x,
        row_dual=np.asarray(solution.row_dual, dtype=float),
        iterations=iterations,
        solve_seconds=seconds,
    )
