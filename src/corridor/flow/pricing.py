"""The assignment LP solved with only the arcs and nodes it needs (column and row generation).

The arc-based LP (:func:`corridor.flow.build_assignment`) has one flow column per group
and usable arc and one conservation row per group and node: millions of each on a large network,
although a group's cargo uses few arcs, on its cheapest routes. Here HiGHS sees only a part of
it, the *master*: every demand row, delivery and unserved slack, the flow columns on routes that
have been found worth using, and only the conservation and capacity rows those columns touch.
It starts from each pair's shortest route and grows until its optimum is provably the whole LP's:

* **pricing.** With the master's capacity duals, an arc costs its tariff plus the shadow price
  of every capacity it loads (never less than the tariff, since a capacity's dual is never
  positive): the charges are summed per arc from the model's row-arc incidence, once per
  commodity. One Dijkstra per group from its origin, on a CSR graph built once per group whose
  lengths alone are rewritten, gives every node its distance ``d`` at those costs, searching no
  farther than the dearest of the group's pairs is worth. The master says what delivering one
  more unit of a pair is worth at the margin (its demand row's dual plus its origin's
  conservation dual); a pair whose cheapest route ``d`` is below that value has a route the
  master lacks, and the arcs of that route join it. This is Dantzig-Wolfe route pricing, but
  the master keeps arc columns, so routes found in different rounds combine into ones never
  priced whole;
* **partial pricing.** A round prices first the groups that found a route in the last round;
  only when none of them finds one are the others priced, at the same duals, so the loop still
  ends on a round in which every group was priced;
* **two cores.** On a large LP a forked helper process prices every other group of a round
  while this one prices the rest (:mod:`corridor.flow.pricing_helper`);
* **rows follow columns.** A column joins with every row it has a coefficient in (taken from
  :meth:`corridor.flow.AssignmentModel.columns`: the whole matrix is never written); a row new to
  the master is empty until then, so the last basis stays primal feasible and the primal simplex
  restarts from it. A restart that runs past :data:`WARM_ITERATIONS` is abandoned for a fresh
  solve, whose presolve shrinks the master's chains of arcs;
* **idle columns leave.** Before a fresh solve of a large master, flow columns that have sat at
  zero with a positive reduced cost for :data:`IDLE_SOLVES` solves are dropped (each at most
  once); pricing brings back any that become worth using.

When no pair has a cheaper route, the master's demand and capacity duals with node potentials
``origin potential + d`` are a feasible dual of the whole LP whose objective is the master's
(the Lagrangian bound of the capacity duals is reached): the same optimum, from a much smaller
problem. The answer is returned in the whole LP's terms (a value for every column, a dual for
every row), so :func:`corridor.flow.read_assignment` reads it like the plain LP's.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from corridor.errors import SolverError
from corridor.flow.highs import new_highs, status_name
from corridor.flow.model import AssignmentModel, LPSolution
from corridor.flow.pricing_helper import PricingHelper, helper_pays

__all__ = ["PricedLP", "solve_priced"]

logger = logging.getLogger(__name__)

_EPSILON = 1e-12  # added to arc lengths so that zero-cost arcs stay arcs for Dijkstra
WARM_ITERATIONS = 200
"""Primal simplex iterations a master re-solve may take from the last basis before it is solved
afresh (measured on the 10,000-node benchmark: HiGHS 10.8 s with no limit, 7.7 s at 200, 8.9 s
at 500, 12.2 s always afresh)."""
FRESH_FROM_COLUMNS = 150
"""Columns entering in one round from which the master is solved afresh rather than restarted
(measured on the same benchmark with the limit above: HiGHS 7.9 s never, 6.8-7.5 s from 50 to
200 columns, 7.5 s from 1,000)."""
IDLE_SOLVES = 3
"""Solves in a row a flow column has sat at zero, dearer than the master's routes, before a fresh
solve drops it from the master (each column at most once, so the loop still ends)."""
DROP_FROM_COLUMNS = 15_000
"""Master columns from which idle ones are dropped. A smaller master makes the fresh solves
cheaper, but a dropped column may be priced back in: measured on synthetic networks (solve time
in two processes, dropping after 3 idle solves against never), it pays once fresh solves are
dear: 10,000 nodes / 100 groups 7.2 s against 8.0 s and, on a second draw, 8.2 s against 10.3 s;
it costs at 5,000 / 50 (0.93 s against 0.71 s) and 7,000 / 70 (2.7 s against 2.3 s), whose
masters end below this size (6,500 and 13,000 columns) and so now drop nothing. After 4 idle
solves instead of 3, columns came back so often that the loop, without the at-most-once rule,
did not settle."""


class _Group:
    """One group's flow columns as a graph in CSR order, built once: pricing only rewrites its lengths.

    Groups over the same arcs (commodities allowed on the same links, no transit bar between
    them) share the graph's structure (``shapes``: the arc order by tail, heads, row pointers).
    """

    def __init__(
        self, model: AssignmentModel, g: int, columns: np.ndarray, shapes: dict[bytes, tuple[np.ndarray, ...]]
    ) -> None:
        cn = model.network.compiled
        n = cn.n_nodes
        arcs = model.flow_arc[columns]
        key = hashlib.blake2b(np.ascontiguousarray(arcs).tobytes(), digest_size=16).digest()
        if key not in shapes:
            order = np.argsort(cn.tail[arcs], kind="stable")
            tail = cn.tail[arcs[order]]
            indptr = np.concatenate([[0], np.cumsum(np.bincount(tail, minlength=n))]).astype(np.int32)
            shapes[key] = (order, arcs[order], tail, cn.head[arcs[order]].astype(np.int32), indptr)
        order, self.arcs, self.tail, self.head, self.indptr = shapes[key]
        self.columns = columns[order]
        self.cost = model.cost[self.columns]
        self.commodity = int(model.group_commodity[g])
        self.origin = int(model.group_origin[g])
        # node rows at the origin: cargo starting there loads them on the way out, not in (the
        # row, the arcs it counts and the arcs it counts instead for this group)
        self.origin_rows = [
            (int(k), model.price_arcs[[k]].indices, model.price_arcs_out[[k]].indices)
            for k in np.flatnonzero(model.price_node == self.origin)
        ]
        self.graph = csr_array((np.ones(len(self.columns)), self.head, self.indptr), shape=(n, n))


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
        targets = ends[g]
        dist = dijkstra(graph, indices=int(model.group_origin[g]))
        if not len(targets):
            continue
        back = np.atleast_2d(dijkstra(graph.T.tocsr(), indices=targets))  # every node to each destination
        for end, to_end in zip(targets, back, strict=True):
            best = dist[end]
            if np.isfinite(best):
                through = dist[group.tail] + length + to_end[group.head]
                keep[group.columns[through <= best * (1 + corridor) + 1e-9]] = True
    return np.flatnonzero(keep)


class PricedLP:
    """The whole LP's optimum through a master that HiGHS holds (see the module docstring).

    Built once, it can be solved again after bounds change (a closure sets columns' upper
    bounds to 0, a derate lowers capacity rows): :meth:`solve_changed` starts from a given
    basis of the master, prices in what the change makes worth using, and then drops it again,
    so that every change starts from the same master.

    ``helper``: price half of each round in a forked process (None: where
    :func:`corridor.flow.pricing_helper.helper_pays` says it pays). :meth:`close` stops it;
    used as a context manager, the LP closes itself.
    """

    def __init__(
        self,
        model: AssignmentModel,
        solver_options: Mapping[str, Any] | None = None,
        corridor: float = 0.0,
        helper: bool | None = False,
    ) -> None:
        flow_upper = model.upper[: model.n_flow]
        if np.any((flow_upper > 0) & np.isfinite(flow_upper)):
            raise ValueError("the priced LP takes flow columns that are open (no upper bound) or shut (0), not capped")
        cn = model.network.compiled
        self.model = model
        self.n = n = cn.n_nodes
        n_groups = len(model.group_origin)
        bounds = np.searchsorted(model.flow_group, np.arange(n_groups + 1))
        self.reach = np.full(n_groups, np.inf)  # per group: its farthest destination when last priced
        shapes: dict[bytes, tuple[np.ndarray, ...]] = {}
        self.groups = [_Group(model, g, np.arange(bounds[g], bounds[g + 1]), shapes) for g in range(n_groups)]
        self.pair_ends = [model.delivery_node[model.delivery_pair == p] for p in range(len(model.unserved_col))]
        self.factor = np.nan_to_num(model.price_factor, nan=0.0)  # [price row, commodity]
        self.demand_rows = n_groups * n + np.arange(len(model.unserved_col))
        self.col_upper = model.upper.copy()  # the bounds as changed; a column or row joins with these
        self.n_closed = int(np.count_nonzero(self.col_upper[: model.n_flow] <= 0))  # flow columns shut
        self.row_upper = model.row_upper.copy()
        self.h = new_highs(solver_options)
        self.row_at = np.full(model.shape[0], -1, dtype=np.int64)  # model row -> master row
        self.rows: list[int] = []
        self.col_at = np.full(model.shape[1], -1, dtype=np.int64)  # model column -> master column
        self.cols: list[int] = []
        self.idle = np.zeros(0, np.int64)  # per master column: solves in a row at zero with a positive reduced cost
        self.dropped = np.zeros(model.n_flow, dtype=bool)  # flow columns dropped from the master once
        if helper is None:  # where it pays (see helper_pays)
            helper = helper_pays(n_groups * n)
        self.helper = PricingHelper(self) if helper else None  # forked now: it holds every array above
        self.helper_mb = 0.0  # the helper's peak memory beyond the pages it shares with this process
        if corridor:
            ends = [
                np.unique(model.delivery_node[np.isin(model.delivery_pair, members)]) for members in model.group_pairs
            ]
            self.add_columns(_initial_columns(model, self.groups, ends, corridor))
        else:  # no flow column yet: the first master leaves everything unserved, and its first
            # round of pricing (every pair worth its goods' value) brings in each pair's shortest route
            self.add_columns(np.arange(model.n_flow, model.shape[1]))
        logger.debug("priced LP: first master %d rows x %d columns", len(self.rows), len(self.cols))

    def add_columns(self, columns: np.ndarray) -> None:
        """Model columns, with every row they touch (a new row starts empty, at its current bounds)."""
        model = self.model
        columns = columns[self.col_at[columns] < 0]
        if not len(columns):
            return
        block = model.columns(columns)
        block.sort_indices()
        touched = np.unique(block.indices)
        new_rows = touched[self.row_at[touched] < 0]
        if len(new_rows):
            self.row_at[new_rows] = len(self.rows) + np.arange(len(new_rows))
            self.rows.extend(new_rows.tolist())
            k = len(new_rows)
            zeros = np.zeros(k, np.int32)
            self.h.addRows(k, model.row_lower[new_rows], self.row_upper[new_rows], 0, zeros, zeros[:0], np.zeros(0))
        self.h.addCols(
            len(columns),
            model.cost[columns],
            np.zeros(len(columns)),
            self.col_upper[columns],
            block.nnz,
            block.indptr[:-1].astype(np.int32),
            self.row_at[block.indices].astype(np.int32),
            block.data.astype(float),
        )
        self.col_at[columns] = len(self.cols) + np.arange(len(columns))  # once HiGHS holds them
        self.cols.extend(columns.tolist())

    def solve(self, max_rounds: int = 2_000, drop: bool = True) -> LPSolution:
        """Solve the master, price, grow it, until no route is worth adding; the answer in whole-LP terms.

        ``drop``: before a fresh solve, drop the flow columns that have stayed idle (see
        :data:`IDLE_SOLVES`); :meth:`solve_changed` keeps every column, to restore the master after.
        """
        import highspy

        model, n, h = self.model, self.n, self.h
        start = time.perf_counter()
        iterations = 0
        h.setOptionValue("simplex_strategy", 1)  # dual simplex: from scratch, or after bounds change
        everyone = np.arange(len(self.groups))
        active = everyone  # the groups priced first: those that found a route last round
        potentials: dict[int, np.ndarray | None] = {}  # None: the helper holds it
        if self.helper is not None:
            try:
                self.helper.set_closed(np.flatnonzero(self.col_upper[: model.n_flow] <= 0))
            except SolverError as e:
                self._lose_helper(e)
        for round_ in range(max_rounds):
            tick = time.perf_counter()
            h.run()
            status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                # the master always has a solution (everything may stay unserved): a restart that went
                # wrong is numerical, so solve it again from scratch with the dual simplex
                h.clearSolver()
                h.setOptionValue("simplex_strategy", 1)
                h.setOptionValue("simplex_iteration_limit", 2**31 - 1)
                h.run()
                status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                raise SolverError(
                    f"HiGHS stopped with status {status_name(status)!r} on the master LP; expected 'Optimal'"
                )
            round_iterations = int(h.getInfo().simplex_iteration_count)
            iterations += round_iterations
            solved = time.perf_counter()
            solution = h.getSolution()
            row_dual = np.zeros(model.shape[0])
            row_dual[self.rows] = np.asarray(solution.row_dual, dtype=float)
            if drop:  # the solves in a row each column has sat idle
                idle = (np.asarray(solution.col_value) <= 0) & (np.asarray(solution.col_dual) > 0)
                self.idle = np.where(idle, np.pad(self.idle, (0, len(idle) - len(self.idle))) + 1, 0)
            # what one more unit on each row costs: a capacity's (or queue's) dual is never positive
            charge = -np.minimum(row_dual[model.price_rows], 0.0)
            # partial pricing: the groups that found routes last round; only when none of them
            # finds one are the others priced (at the same duals), so the end is still proven
            found = self._price_round(active, charge, row_dual, potentials)
            if not found and len(active) < len(everyone):
                found = self._price_round(np.setdiff1d(everyone, active), charge, row_dual, potentials)
            columns = np.unique(np.concatenate(list(found.values()))) if found else np.zeros(0, np.int64)
            active = np.asarray(sorted(found), dtype=np.int64)
            logger.debug(
                "priced LP round %d: solve %.2f s (%d iterations), pricing %.2f s, %d columns enter; master %d x %d",
                round_,
                solved - tick,
                round_iterations,
                time.perf_counter() - solved,
                len(columns),
                len(self.rows),
                len(self.cols),
            )
            if not len(columns):
                break
            fresh = len(columns) > FRESH_FROM_COLUMNS  # many new routes: a fresh solve is quicker than a restart
            if fresh and drop:
                self._drop_idle()
            self.add_columns(columns)
            if fresh:
                h.clearSolver()
                h.setOptionValue("simplex_strategy", 1)
                h.setOptionValue("simplex_iteration_limit", 2**31 - 1)
                continue
            h.setOptionValue("simplex_strategy", 4)  # primal simplex from the last (still feasible) basis
            # a long warm restart costs more than a fresh solve with presolve (which shrinks the
            # master's chains of arcs): past this many iterations it starts again from scratch
            h.setOptionValue("simplex_iteration_limit", WARM_ITERATIONS)
        else:
            raise SolverError(f"column generation did not settle in {max_rounds} rounds")
        x = np.zeros(model.shape[1])
        x[self.cols] = np.asarray(h.getSolution().col_value, dtype=float)
        # every node's conservation dual: minus its potential (origin potential plus distance)
        held = np.asarray([g for g, p in potentials.items() if p is None], dtype=np.int64)
        if len(held) and self.helper is not None:
            try:
                potentials.update(self.helper.potentials(held.tolist()))
            except SolverError as e:
                self._lose_helper(e)
        if any(potentials[g] is None for g in held.tolist()):  # the same duals give the same potentials
            self.price_groups(held, charge, row_dual, potentials)
        for g, potential in potentials.items():  # the last full round's (every group was priced)
            assert potential is not None  # fetched from the helper or priced again above
            row_dual[g * n : (g + 1) * n] = -potential
        return LPSolution(
            status="optimal",
            objective=float(h.getInfo().objective_function_value),
            x=x,
            row_dual=row_dual,
            iterations=iterations,
            solve_seconds=time.perf_counter() - start,
        )

    def _price_round(
        self, groups: np.ndarray, charge: np.ndarray, row_dual: np.ndarray, potentials: dict[int, np.ndarray | None]
    ) -> dict[int, np.ndarray]:
        """These groups priced (half of them in the helper, if there is one): the columns new to
        the master each group found, for the groups that found some."""
        if self.helper is None or len(groups) < 2:
            found = self.price_groups(groups, charge, row_dual, potentials)
        else:
            theirs = groups[1::2]
            read = np.concatenate([theirs * self.n + self.model.group_origin[theirs], self.demand_rows])
            try:
                self.helper.price(theirs, charge, read, row_dual[read], self.reach[theirs])
                found = self.price_groups(groups[::2], charge, row_dual, potentials)
                found.update(self.helper.found(theirs, self.reach))
                potentials.update(dict.fromkeys(theirs.tolist()))
            except SolverError as e:  # priced here instead: the answer is the same, only slower
                self._lose_helper(e)
                found = self.price_groups(groups, charge, row_dual, potentials)
        out = {}
        for g, columns in found.items():
            new = columns[self.col_at[columns] < 0]  # a master route can only look cheaper by the tolerance
            if len(new):
                out[g] = new
        return out

    def close(self) -> None:
        """Stop the helper process, if there is one (:attr:`helper_mb` then says what memory it took)."""
        if self.helper is not None:
            self.helper_mb = self.helper.close()
            self.helper = None

    def __enter__(self) -> PricedLP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _lose_helper(self, error: SolverError) -> None:
        """The helper failed: stop it and price everything here (the same answer, only slower)."""
        logger.warning("%s; pricing goes on in this process alone", error)
        self.close()

    def price_groups(
        self, groups: np.ndarray, charge: np.ndarray, row_dual: np.ndarray, potentials: dict[int, Any]
    ) -> dict[int, np.ndarray]:
        """These groups priced at these row charges (see :func:`_price`): the columns of the routes
        each group found, for the groups that found some (the master may hold some of them
        already); each group's potentials are kept. The helper process runs this too."""
        charged = np.flatnonzero(charge)  # the rows with a shadow price (few: those that bind)
        block = self.model.price_arcs[charged]  # [charged row, arc]
        entry_charge = np.repeat(charge[charged], np.diff(block.indptr)) * block.data
        entry_row = np.repeat(charged, np.diff(block.indptr))
        n_arcs = self.model.price_arcs.shape[1]
        by_commodity: dict[int, np.ndarray] = {}
        out: dict[int, np.ndarray] = {}
        for g in groups.tolist():
            group = self.groups[g]
            c = group.commodity
            if c not in by_commodity:  # [arc] charge per unit of this commodity
                weights = entry_charge * self.factor[entry_row, c]
                by_commodity[c] = np.bincount(block.indices, weights=weights, minlength=n_arcs)
            arc_charge = by_commodity[c]
            origin_rows = [(k, into, out_of) for k, into, out_of in group.origin_rows if charge[k]]
            if origin_rows:
                arc_charge = arc_charge.copy()
                for k, into, out_of in origin_rows:
                    w = self.factor[k, c] * charge[k]
                    arc_charge[into] -= w
                    arc_charge[out_of] += w
            length = group.cost + arc_charge[group.arcs]
            np.maximum(length, 0.0, out=length)
            columns, potentials[g] = _price(self, g, length, row_dual)
            if len(columns):
                out[g] = columns
        return out

    def solve_changed(self, basis: Any, closed: np.ndarray, rows: np.ndarray, row_upper: np.ndarray) -> LPSolution:
        """The optimum with the ``closed`` model columns held at 0 and these rows' upper bounds
        changed, from ``basis`` (of the master as it is now); afterwards the master and its
        bounds are as before.

        Columns can only be closed, not capped: pricing treats a column as open or shut, and a
        capped arc on the cheapest route would hide the next cheapest one.
        """
        import highspy

        size = (len(self.rows), len(self.cols))
        saved_columns, saved_rows = self.col_upper[closed].copy(), self.row_upper[rows].copy()
        self.h.clearSolver()
        if self.h.setBasis(basis) != highspy.HighsStatus.kOk:
            raise SolverError("HiGHS refused the baseline basis of the master LP")
        self._set_upper(closed, np.zeros(len(closed)), rows, row_upper)
        try:
            return self.solve(drop=False)
        finally:
            self._truncate(*size)
            self._set_upper(closed, saved_columns, rows, saved_rows)

    def _set_upper(
        self, columns: np.ndarray, column_upper: np.ndarray, rows: np.ndarray, row_upper: np.ndarray
    ) -> None:
        self.col_upper[columns] = column_upper
        self.n_closed = int(np.count_nonzero(self.col_upper[: self.model.n_flow] <= 0))
        self.row_upper[rows] = row_upper
        at = self.col_at[columns]
        held = at >= 0
        if held.any():
            k = int(held.sum())
            self.h.changeColsBounds(k, at[held].astype(np.int32), np.zeros(k), self.col_upper[columns[held]])
        at = self.row_at[rows]
        held = at >= 0
        if held.any():
            k = int(held.sum())
            r = rows[held]
            self.h.changeRowsBounds(k, at[held].astype(np.int32), self.model.row_lower[r], self.row_upper[r])

    def _drop_idle(self) -> None:
        """Drop from the master the flow columns idle for :data:`IDLE_SOLVES` solves, unless dropped before."""
        cols = np.asarray(self.cols, dtype=np.int64)
        flow = cols < self.model.n_flow
        drop = flow & (self.idle >= IDLE_SOLVES)
        drop[flow] &= ~self.dropped[cols[flow]]
        if not drop.any() or len(cols) < DROP_FROM_COLUMNS:
            return
        self.h.deleteCols(int(drop.sum()), np.flatnonzero(drop).astype(np.int32))
        self.dropped[cols[drop]] = True
        self.col_at[cols[drop]] = -1
        self.col_at[cols[~drop]] = np.arange(int((~drop).sum()))
        self.cols = cols[~drop].tolist()
        self.idle = self.idle[~drop]
        logger.debug("priced LP: %d idle flow columns dropped from the master", int(drop.sum()))

    def _truncate(self, n_rows: int, n_cols: int) -> None:
        """Drop the columns and rows added after the master had this size."""
        extra = np.asarray(self.cols[n_cols:], dtype=np.int64)
        if len(extra):
            self.h.deleteCols(len(extra), np.arange(n_cols, n_cols + len(extra), dtype=np.int32))
            self.col_at[extra] = -1
            del self.cols[n_cols:]
            self.idle = self.idle[:n_cols]
        extra = np.asarray(self.rows[n_rows:], dtype=np.int64)
        if len(extra):
            self.h.deleteRows(len(extra), np.arange(n_rows, n_rows + len(extra), dtype=np.int32))
            self.row_at[extra] = -1
            del self.rows[n_rows:]


def solve_priced(
    model: AssignmentModel,
    *,
    solver_options: Mapping[str, Any] | None = None,
    corridor: float = 0.0,
    helper: bool | None = None,
) -> LPSolution:
    """The optimum of the whole assignment LP, solving only the part it needs (see the module docstring).

    The first master holds each pair's routes at most ``corridor`` dearer than its shortest
    (0: none, the first round of pricing brings in the shortest ones); the answer does not depend
    on it, only the work does. ``helper``: price half of each round in a second process (default:
    when the LP is large, the machine has a second core, and this process is not itself a worker
    of a pool, whose siblings have the other cores).
    """
    with PricedLP(model, solver_options, corridor, helper=helper) as lp:
        return lp.solve()


def _price(lp: PricedLP, g: int, length: np.ndarray, row_dual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The arcs of the group's cheapest routes that beat what the master pays for a pair at the
    margin, and every node's potential (the origin's plus its distance, capped; finite everywhere).

    ``length``: [group column, in the group's CSR order] tariff plus capacity charges. The search
    stops at a cap: nodes farther get the cap as their distance, which keeps the potentials a
    feasible dual (a capped distance still grows by at most an arc's length along an arc). The
    cap is first a guess, a quarter above the farthest of the group's destinations when it was
    last priced; when some pair's nearest destination lies beyond it, the search runs again
    capped at the dearest pair's worth, which keeps every delivery's potential above its worth.
    Either way each pair's nearest destination is at its true distance or provably too far.
    """
    model, group = lp.model, lp.groups[g]
    origin = group.origin
    graph = group.graph
    length += _EPSILON
    if lp.n_closed:  # a closed column may keep any reduced cost at its bound of 0
        length[lp.col_upper[group.columns] <= 0] = np.inf
    graph.data = length
    base = -row_dual[g * lp.n + origin]  # the origin's potential in the master
    members = list(model.group_pairs[g])
    margin = row_dual[lp.demand_rows[members]]  # what one more unit delivered is worth, per pair
    full = max(float(margin.max()) - base if len(margin) else 0.0, 0.0) + 1.0
    guess = 1.25 * lp.reach[g] + 1.0
    cap = min(full, guess)
    dist, pred = dijkstra(graph, indices=origin, return_predecessors=True, limit=cap)
    nearest = [lp.pair_ends[p][np.argmin(dist[lp.pair_ends[p]])] for p in members]
    if cap < full and not np.all(np.isfinite(dist[nearest])):  # a destination beyond the guess
        cap = full
        dist, pred = dijkstra(graph, indices=origin, return_predecessors=True, limit=cap)
        nearest = [lp.pair_ends[p][np.argmin(dist[lp.pair_ends[p]])] for p in members]
    reached = dist[nearest][np.isfinite(dist[nearest])]
    lp.reach[g] = float(reached.max()) if len(reached) else np.inf
    potential = base + np.minimum(dist, cap)
    wanted = []
    for best, worth in zip(nearest, margin, strict=True):
        if potential[best] < worth - 1e-9 * max(1.0, abs(worth)):
            wanted.append(int(best))
    if not wanted:
        return np.zeros(0, np.int64), potential
    return _tree_routes(group, pred, graph.data, wanted), potential


def _tree_routes(group: _Group, pred: np.ndarray, weight: np.ndarray, ends: list[int]) -> np.ndarray:
    """The group's columns on the shortest-path tree's routes from its origin to these nodes
    (between a node and its predecessor, the shortest of any parallel arcs)."""
    steps: list[int] = []
    for end in ends:
        node = end
        while node != group.origin and pred[node] >= 0:
            steps.append(node)
            node = int(pred[node])
    if not steps:
        return np.zeros(0, np.int64)
    head = np.unique(np.asarray(steps, dtype=np.int64))
    tail = pred[head].astype(np.int64)
    # the arcs out of each tail (its CSR row), the one into the head that is shortest
    first, last = group.indptr[tail], group.indptr[tail + 1]
    width = int((last - first).max())
    entry = first[:, None] + np.arange(width)[None, :]
    inside = entry < last[:, None]
    entry = np.where(inside, entry, first[:, None])
    length = np.where(inside & (group.head[entry] == head[:, None]), weight[entry], np.inf)
    chosen = entry[np.arange(len(head)), np.argmin(length, axis=1)]
    return np.asarray(group.columns[chosen], dtype=np.int64)
