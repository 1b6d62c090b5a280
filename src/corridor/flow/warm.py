"""Warm-started re-solves of one assignment: closures and derates as bound changes from the
baseline's optimal basis.

One HiGHS instance holds the baseline LP and its optimal basis. A closure sets the closed arcs'
flow columns to an upper bound of zero, a derate lowers capacity rows' upper bounds, and the dual
simplex restarts from the baseline basis (still dual feasible after a bound change); the bounds
are then restored, and the next change starts again from the baseline basis alone (nothing else
the solver learnt), so each answer is the same whichever changes a process solved before it.

On a large network HiGHS holds the priced master of :mod:`corridor.flow.pricing` instead of the
whole LP: a change starts from the baseline master and its basis, prices in the routes it makes
worth using and drops them again afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from corridor.errors import RequestError, SolverError
from corridor.flow.assignment import reference_loads
from corridor.flow.build import build_assignment
from corridor.flow.demand import Demand
from corridor.flow.equilibrium import solve_equilibrium
from corridor.flow.highs import new_highs, pass_lp, status_name
from corridor.flow.model import LP_METHODS, PRICED_FROM_COLUMNS, AssignmentModel, LPSolution
from corridor.flow.pricing import PricedLP
from corridor.flow.solve import highs_solver, solve_assignment
from corridor.network import Network
from corridor.scenario import Scenario, scenario_effect

__all__ = ["FLOW_TOLERANCE", "SolveOutcome", "WarmSolver", "solve_from", "solve_outcome"]

FLOW_TOLERANCE = 1e-6
"""Units per year below which a flow column carries nothing."""


@dataclass(frozen=True)
class SolveOutcome:
    """One LP's answer, reduced to what a sweep keeps."""

    objective: float
    unserved: np.ndarray  # [pair] per year
    group_cost: np.ndarray  # [group] transport plus unserved value, per year
    column_flow: np.ndarray | None = None  # [flow column], kept for the N-1 solutions N-2 prunes with


class WarmSolver:
    """The baseline LP held in one HiGHS instance; closures and derates as bound changes from its
    optimal basis.

    On a large network (``lp="auto"`` from :data:`corridor.flow.PRICED_FROM_COLUMNS`
    columns, or ``lp="priced"``) HiGHS holds only the priced master (:mod:`corridor.flow.pricing`):
    a change starts from the baseline master and its basis and prices in the routes it makes
    worth using, which are dropped again afterwards.
    """

    def __init__(
        self,
        network: Network,
        demand: Demand,
        *,
        scenario: Scenario | None = None,
        lp: str = "auto",
        solver_options: Mapping[str, Any] | None = None,
    ) -> None:
        if lp not in LP_METHODS:
            raise RequestError(f"unknown LP method {lp!r}; expected one of {', '.join(LP_METHODS)}")
        self.network, self.demand, self.solver_options = network, demand, solver_options
        self.effect = None if scenario is None else scenario_effect(network, scenario, demand.table)
        if self.effect is not None and self.effect.bare_derates(network):
            self.effect = replace(self.effect, reference_t=reference_loads(network, demand))
        self.model = model = build_assignment(network, demand, effect=self.effect)
        self.lp = "priced" if lp == "priced" or (lp == "auto" and model.shape[1] >= PRICED_FROM_COLUMNS) else "plain"
        self.priced: PricedLP | None = None
        if self.lp == "priced":
            self.priced = PricedLP(model, solver_options)
            self.h = self.priced.h
            solution = self.priced.solve()
            self.baseline = solve_outcome(model, solution.objective, solution.x, keep_flows=True)
        else:
            self.h = new_highs(solver_options)
            pass_lp(self.h, model.cost, model.upper, model.row_lower, model.row_upper, model.matrix)
            self.baseline = self._run(keep_flows=True)
            if "simplex_dual_edge_weight_strategy" not in (solver_options or {}):
                # a re-solve after a closure takes few pivots: Dantzig pricing saves recomputing the
                # steepest-edge weights of the restored basis (measured 15% off a built-in sweep)
                self.h.setOptionValue("simplex_dual_edge_weight_strategy", 0)
        self.basis = self.h.getBasis()
        n_arcs = network.compiled.n_arcs
        order = np.argsort(model.flow_arc, kind="stable")
        self._cols_sorted = order
        self._arc_start = np.searchsorted(model.flow_arc[order], np.arange(n_arcs + 1))

    def columns_of(self, arcs: Iterable[int]) -> np.ndarray:
        """Flow columns (every group's) on these arcs."""
        parts = [self._cols_sorted[self._arc_start[a] : self._arc_start[a + 1]] for a in arcs]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def carries(self, arcs: Iterable[int], flows: np.ndarray) -> bool:
        cols = self.columns_of(arcs)
        return bool(len(cols)) and float(flows[cols].max()) > FLOW_TOLERANCE

    def _run(self, keep_flows: bool = False) -> SolveOutcome:
        import highspy

        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"HiGHS stopped with status {status_name(status)!r}; expected 'Optimal'")
        x = np.asarray(self.h.getSolution().col_value, dtype=float)
        return solve_outcome(self.model, float(self.h.getInfo().objective_function_value), x, keep_flows)

    def closed(self, arcs: Sequence[int], keep_flows: bool = False) -> SolveOutcome:
        """The optimum with these arcs shut, warm-started from the baseline basis; the LP is then restored."""
        cols = self.columns_of(arcs)
        if not len(cols):
            return self.baseline
        return self._changed(cols, np.zeros(0, np.int64), np.zeros(0), keep_flows)

    def disrupted(
        self, closed: Sequence[int], arc_share: Mapping[int, float], node_share: Mapping[int, float] | None = None
    ) -> SolveOutcome:
        """The optimum with some arcs shut and some capacities derated to a share, warm-started;
        the LP is then restored. Arcs and nodes without a published capacity cannot be derated."""
        if not hasattr(self, "_arc_row"):
            self._index_capacity_rows()
        rows = [self._arc_row[a] for a in arc_share if a in self._arc_row]
        shares = [s for a, s in arc_share.items() if a in self._arc_row]
        for v, s in (node_share or {}).items():
            if v in self._node_row:
                rows.append(self._node_row[v])
                shares.append(s)
        cols = self.columns_of(closed)
        if not len(cols) and not rows:
            return self.baseline
        row_index = np.asarray(rows, dtype=np.int64)
        row_upper = self.model.row_upper[row_index] * np.asarray(shares, dtype=float)
        return self._changed(cols, row_index, row_upper, keep_flows=False)

    def _changed(self, cols: np.ndarray, rows: np.ndarray, row_upper: np.ndarray, keep_flows: bool) -> SolveOutcome:
        """The optimum with these columns shut and these rows' upper bounds changed, then restored.

        Every change starts from the same state (the baseline basis, nothing else the solver
        learnt since), so its answer does not depend on which changes ran before it in this
        process: the same on every executor, even where the LP has several optimal solutions.
        """
        if self.priced is not None:
            solution = self.priced.solve_changed(self.basis, cols, rows, row_upper)
            return solve_outcome(self.model, solution.objective, solution.x, keep_flows)
        import highspy

        model, h = self.model, self.h
        c, r = cols.astype(np.int32), rows.astype(np.int32)
        h.clearSolver()
        if h.setBasis(self.basis) != highspy.HighsStatus.kOk:
            raise SolverError("HiGHS refused the baseline basis")
        if len(c):
            h.changeColsBounds(len(c), c, np.zeros(len(c)), np.zeros(len(c)))
        if len(r):
            h.changeRowsBounds(len(r), r, model.row_lower[rows], row_upper)
        try:
            return self._run(keep_flows)
        finally:
            if len(c):
                h.changeColsBounds(len(c), c, np.zeros(len(c)), model.upper[cols])
            if len(r):
                h.changeRowsBounds(len(r), r, model.row_lower[rows], model.row_upper[rows])

    def _index_capacity_rows(self) -> None:
        """Which capacity row bounds each arc direction, and each node."""
        model = self.model
        cn = self.network.compiled
        self._arc_row: dict[int, int] = {}
        self._node_row: dict[int, int] = {}
        for i, row in enumerate(model.cap_rows):
            if model.cap_kind[i] == "node":
                self._node_row[cn.node_index[model.cap_element[i]]] = int(row)
                continue
            for arc in model.row_arcs(i):
                self._arc_row[int(arc)] = int(row)

    def fresh(self, arcs: Sequence[int], keep_flows: bool = False) -> SolveOutcome:
        """The optimum with these arcs shut from a new LP, built and solved from scratch."""
        if keep_flows:
            raise ValueError("a fresh LP has its own columns: its flows do not line up with the baseline's")
        usable = np.ones(self.network.compiled.n_arcs, dtype=bool)
        usable[list(arcs)] = False
        model = build_assignment(self.network, self.demand, usable=usable, effect=self.effect)
        solution = solve_assignment(model, solver_options=self.solver_options)  # the whole LP: an independent check
        return solve_outcome(model, solution.objective, solution.x, keep_flows=False)


def solve_from(
    model: AssignmentModel,
    basis: Any = None,
    *,
    solver_options: Mapping[str, Any] | None = None,
    equilibrium: bool = True,
) -> tuple[LPSolution, Any]:
    """The whole LP solved with HiGHS from ``basis`` (a ``highspy.HighsBasis`` of an LP of the same
    shape, such as the same stretch before its inputs were drawn), or from scratch without one;
    returns the solution and the last optimal basis, to start the next from. With queues and
    ``equilibrium``, the later rounds of :func:`corridor.flow.equilibrium.solve_equilibrium`
    restart from the round before.

    The answer depends only on the model and the basis given, so a sweep that starts each LP from
    a basis fixed in advance gets the same answers on every executor.
    """
    solve, h = highs_solver(model, solver_options, basis)
    answer = solve_equilibrium(model, solve) if equilibrium else solve(model.cost)
    return answer, h.getBasis()


def solve_outcome(model: AssignmentModel, objective: float, x: np.ndarray, keep_flows: bool) -> SolveOutcome:
    """What a sweep keeps of a solution ``x``: the objective, unserved volume per pair, cost per
    group (transport plus the value of what is unserved) and, with ``keep_flows``, every flow column."""
    flow = x[: model.n_flow]
    unserved = np.maximum(x[model.unserved_col], 0.0)
    n_groups = len(model.group_origin)
    group_cost = np.bincount(model.flow_group, weights=model.cost[: model.n_flow] * flow, minlength=n_groups)
    pair_group = np.empty(len(unserved), dtype=np.int64)
    for g, members in enumerate(model.group_pairs):
        pair_group[list(members)] = g
    group_cost += np.bincount(pair_group, weights=model.penalty * unserved, minlength=n_groups)
    return SolveOutcome(objective, unserved, group_cost, flow if keep_flows else None)
