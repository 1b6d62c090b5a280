"""The assignment LP solved with only the arcs and nodes it needs (column and row generation).

The arc-based LP (:func:`corridor.assignment.build_assignment`) has one flow column per group
and usable arc and one conservation row per group and node: millions of each on a large network,
although a group's cargo uses few arcs near its shortest routes. Here HiGHS sees only a part of
it, the *master*: each group's arcs on routes at most ``corridor`` dearer than its shortest, the
conservation rows of the nodes those arcs touch, the capacity rows they load, and every demand
row, delivery and unserved slack. It grows until its optimum is provably the whole LP's:

* **pricing.** With the master's duals, an arc costs its tariff plus the shadow price of every
  capacity it loads (never negative, since a capacity's dual is never positive), and a node
  of the master has a potential (its conservation row's dual, as a distance: ``-dual``).
  Nodes outside the master get the least potential any route from a master node gives them:
  one Dijkstra per group from a source joined to every master node at its potential. An arc
  whose head potential exceeds its tail potential plus its cost would lower the objective;
  it joins the master, with the tree route that reaches its tail from the master;
* **rows follow columns.** A column joins with every row it has a coefficient in; a row new to
  the master is empty until then, so the last basis stays primal feasible and the primal
  simplex restarts from it.

When no arc prices out, those potentials, with the master's duals, are a feasible dual of the
whole LP with the master's objective: the same optimum, from a much smaller problem. The answer
is returned in the whole LP's terms (a value for every column, a dual for every row), so
:func:`corridor.assignment.read_assignment` reads it like the plain LP's.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.sparse import csc_array, csr_array
from scipy.sparse.csgraph import dijkstra

from corridor._highs import new_highs, status_name
from corridor.assignment import AssignmentModel, LPSolution
from corridor.errors import SolverError

__all__ = ["solve_priced"]

_EPSILON = 1e-12  # added to arc lengths so that zero-cost arcs stay arcs for Dijkstra


class _Group:
    """One group's flow columns as a graph in CSR order (built once; pricing only changes lengths)."""

    def __init__(self, model: AssignmentModel, columns: np.ndarray) -> None:
        cn = model.network.compiled
        n = cn.n_nodes
        tail = cn.tail[model.flow_arc[columns]]
        order = np.argsort(tail, kind="stable")
        self.columns = columns[order]
        self.tail = tail[order]
        self.head = cn.head[model.flow_arc[self.columns]].astype(np.int32)
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(self.tail, minlength=n))]).astype(np.int32)


def _initial_columns(
    model: AssignmentModel, groups: list[_Group], ends: list[np.ndarray], corridor: float
) -> np.ndarray:
    """Flow columns on each group's routes at most ``corridor`` dearer than its shortest, and every other column."""
    n = model.network.compiled.n_nodes
    keep = np.zeros(model.shape[1], dtype=bool)
    keep[model.n_flow :] = True
    for g, group in enumerate(groups):
        length = model.cost[group.columns] + _EPSILON
        graph = csr_array((length, group.head, group.indptr), shape=(n, n))
        dist = dijkstra(graph, indices=int(model.group_origin[g]))
        targets = ends[g]
        if not len(targets):
            continue
        back = np.atleast_2d(dijkstra(graph.T.tocsr(), indices=targets))  # every node to each destination
        for end, to_end in zip(targets, back, strict=True):
            best = dist[end]
            if np.isfinite(best):
                through = dist[group.tail] + length + to_end[group.head]
                keep[group.columns[through <= best * (1 + corridor) + 1e-9]] = True
    return np.flatnonzero(keep)


class _Master:
    """The part of the LP that HiGHS holds: model columns and rows added on demand."""

    def __init__(self, model: AssignmentModel, solver_options: Mapping[str, Any] | None) -> None:
        self.model = model
        self.matrix = model.matrix  # csc
        self.h = new_highs(solver_options)
        self.row_at = np.full(model.shape[0], -1, dtype=np.int64)  # model row -> master row
        self.rows: list[int] = []
        self.col_in = np.zeros(model.shape[1], dtype=bool)
        self.cols: list[int] = []

    def add_columns(self, columns: np.ndarray) -> None:
        """Model columns, with every row they touch (a new row starts empty, at its model bounds)."""
        columns = columns[~self.col_in[columns]]
        if not len(columns):
            return
        block = csc_array(self.matrix[:, columns])
        block.sort_indices()
        touched = np.unique(block.indices)
        new_rows = touched[self.row_at[touched] < 0]
        if len(new_rows):
            self.row_at[new_rows] = len(self.rows) + np.arange(len(new_rows))
            self.rows.extend(new_rows.tolist())
            k = len(new_rows)
            zeros = np.zeros(k, np.int32)
            self.h.addRows(
                k, self.model.row_lower[new_rows], self.model.row_upper[new_rows], 0, zeros, zeros[:0], np.zeros(0)
            )
        self.h.addCols(
            len(columns),
            self.model.cost[columns],
            np.zeros(len(columns)),
            self.model.upper[columns],
            block.nnz,
            block.indptr[:-1].astype(np.int32),
            self.row_at[block.indices].astype(np.int32),
            block.data.astype(float),
        )
        self.col_in[columns] = True
        self.cols.extend(columns.tolist())


def solve_priced(
    model: AssignmentModel,
    *,
    solver_options: Mapping[str, Any] | None = None,
    corridor: float = 0.2,
    max_rounds: int = 500,
) -> LPSolution:
    """The optimum of the whole assignment LP, solving only the part it needs (see the module docstring)."""
    import highspy

    cn = model.network.compiled
    n = cn.n_nodes
    n_groups = len(model.group_origin)
    bounds = np.searchsorted(model.flow_group, np.arange(n_groups + 1))
    groups = [_Group(model, np.arange(bounds[g], bounds[g + 1])) for g in range(n_groups)]
    ends = [np.unique(model.delivery_node[np.isin(model.delivery_pair, members)]) for members in model.group_pairs]
    n_cons = n_groups * n
    cap_rows = model.cap_rows
    capacity_t = csr_array(model.matrix[cap_rows, : model.n_flow].T)  # [flow column, capacity]

    master = _Master(model, solver_options)
    start = time.perf_counter()
    master.add_columns(_initial_columns(model, groups, ends, corridor))
    iterations = 0
    for _ in range(max_rounds):
        master.h.run()
        status = master.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            # the master always has a solution (everything may stay unserved): a restart that went
            # wrong is numerical, so solve it again from scratch with the dual simplex
            master.h.clearSolver()
            master.h.setOptionValue("simplex_strategy", 1)
            master.h.run()
            status = master.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"HiGHS stopped with status {status_name(status)!r} on the master LP; expected 'Optimal'")
        iterations += int(master.h.getInfo().simplex_iteration_count)
        row_dual = np.zeros(model.shape[0])
        row_dual[master.rows] = np.asarray(master.h.getSolution().row_dual, dtype=float)
        prices = np.minimum(row_dual[cap_rows], 0.0)  # a capacity's dual is never positive
        length = np.maximum(model.cost[: model.n_flow] - capacity_t @ prices, 0.0) + _EPSILON
        priced = [_price(group, g, length, row_dual, master.row_at, n) for g, group in enumerate(groups)]
        columns = np.unique(np.concatenate([c for c, _ in priced])) if priced else np.zeros(0, np.int64)
        columns = columns[~master.col_in[columns]]  # a master column can only look negative by the solver's tolerance
        if not len(columns):
            break
        master.add_columns(columns)
        master.h.setOptionValue("simplex_strategy", 4)  # primal simplex from the last (still feasible) basis
    else:
        raise SolverError(f"column generation did not settle in {max_rounds} rounds")
    seconds = time.perf_counter() - start
    solution = master.h.getSolution()
    x = np.zeros(model.shape[1])
    x[master.cols] = np.asarray(solution.col_value, dtype=float)
    # the conservation duals of nodes outside the master: minus their potentials from the last pricing
    if priced:
        absent = np.flatnonzero(master.row_at[:n_cons] < 0)
        row_dual[absent] = -np.concatenate([label for _, label in priced])[absent]
    return LPSolution(
        status="optimal",
        objective=float(master.h.getInfo().objective_function_value),
        x=x,
        row_dual=row_dual,
        iterations=iterations,
        solve_seconds=seconds,
    )


def _price(
    group: _Group, g: int, length: np.ndarray, row_dual: np.ndarray, row_at: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The group's flow columns that price out, with the tree routes that reach them from the master,
    and every node's potential (finite: a node no route reaches gets one above all others)."""
    rows = g * n + np.arange(n)
    present = row_at[rows] >= 0
    potential = np.where(present, -row_dual[rows], np.inf)
    base = potential[present].min()
    arc_length = length[group.columns]
    # a source (node n) joined to every master node at its potential; Dijkstra from it
    sources = np.flatnonzero(present)
    indptr = np.concatenate([group.indptr, [group.indptr[-1] + len(sources)]])
    graph = csr_array(
        (
            np.concatenate([arc_length, potential[sources] - base + _EPSILON]),
            np.concatenate([group.head, sources]),
            indptr,
        ),
        shape=(n + 1, n + 1),
    )
    dist, pred = dijkstra(graph, indices=n, return_predecessors=True)
    reach = dist[:n] + base
    label = np.where(present, potential, reach)
    tolerance = 1e-9 * np.maximum(1.0, np.abs(label[group.head]))
    better = np.flatnonzero(
        np.isfinite(label[group.tail]) & (label[group.tail] + arc_length < label[group.head] - tolerance)
    )
    finite = np.isfinite(label)
    label = np.where(finite, label, label[finite].max() + 1.0)
    if not len(better):
        return np.zeros(0, np.int64), label
    # the tree arc into each node outside the master (the tight one from its predecessor)
    tight = (pred[group.head] == group.tail) & ~present[group.head]
    into = np.full(n, -1, dtype=np.int64)
    into[group.head[tight]] = np.flatnonzero(tight)
    out = set(better.tolist())
    for tail in np.unique(group.tail[better]):
        node = int(tail)
        while not present[node] and into[node] >= 0 and int(into[node]) not in out:
            out.add(int(into[node]))
            node = int(group.tail[into[node]])
    return group.columns[np.fromiter(out, dtype=np.int64)], label
