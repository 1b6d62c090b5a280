"""Solve the assignment LP with HiGHS: whole (dual simplex) or through the priced master, again
with the segments' waiting tolls until the waits settle (:mod:`corridor.flow.equilibrium`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from corridor.errors import InfeasibleError, SolverError
from corridor.flow.equilibrium import solve_equilibrium
from corridor.flow.highs import new_highs, pass_lp, status_name
from corridor.flow.model import LP_METHODS, PRICED_FROM_COLUMNS, AssignmentModel, LPSolution
from corridor.flow.pricing import solve_priced

__all__ = ["highs_solver", "run_to_optimum", "solve_assignment", "solve_model"]


def solve_assignment(model: AssignmentModel, *, solver_options: Mapping[str, Any] | None = None) -> LPSolution:
    """Solve the LP with HiGHS; raise InfeasibleError or SolverError when there is no optimum."""
    return _plain(model, solver_options)(model.cost)


def run_to_optimum(h: Any) -> LPSolution:
    """Run a HiGHS instance that holds the assignment LP and read its optimum; raise
    InfeasibleError or SolverError when there is none."""
    import highspy

    start = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - start
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise InfeasibleError(
            "the assignment LP is infeasible although unserved demand is allowed: a demand or capacity is "
            "inconsistent (a negative capacity or demand that validation let through)"
        )
    if status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(f"HiGHS stopped with status {status_name(status)!r}; expected 'Optimal'")
    solution, info = h.getSolution(), h.getInfo()
    return LPSolution(
        status="optimal",
        objective=float(info.objective_function_value),
        x=np.asarray(solution.col_value, dtype=float),
        row_dual=np.asarray(solution.row_dual, dtype=float),
        iterations=int(info.simplex_iteration_count),
        solve_seconds=seconds,
    )


def _plain(model: AssignmentModel, solver_options: Mapping[str, Any] | None) -> Callable[[np.ndarray], LPSolution]:
    """A solver of the whole LP at given column costs (:func:`highs_solver` without a basis)."""
    return highs_solver(model, solver_options)[0]


def highs_solver(
    model: AssignmentModel, solver_options: Mapping[str, Any] | None = None, basis: Any = None
) -> tuple[Callable[[np.ndarray], LPSolution], Any]:
    """A solver of the whole LP at given column costs, and the HiGHS instance it runs on (to read
    its basis); the first call starts from ``basis`` (a ``highspy.HighsBasis`` of an LP of the same
    shape) or from scratch, each later one changes the costs that changed and restarts from the
    last basis."""
    import highspy

    h = new_highs(solver_options)
    pass_lp(h, model.cost, model.upper, model.row_lower, model.row_upper, model.matrix)
    if basis is not None and h.setBasis(basis) != highspy.HighsStatus.kOk:
        raise SolverError("HiGHS refused the starting basis")
    now = np.asarray(model.cost, dtype=float).copy()

    def run(cost: np.ndarray) -> LPSolution:
        changed = np.flatnonzero(cost != now)
        if len(changed):
            h.changeColsCost(len(changed), changed.astype(np.int32), np.asarray(cost[changed], dtype=float))
            now[changed] = cost[changed]
        return run_to_optimum(h)

    return run, h


def solve_model(
    model: AssignmentModel,
    *,
    lp: str = "auto",
    solver_options: Mapping[str, Any] | None = None,
    equilibrium: bool = True,
) -> LPSolution:
    """Solve the LP whole (``plain``) or through column generation (``priced``, same optimum,
    far less work on a large network); ``auto`` picks by size. See :mod:`corridor.flow.pricing`.

    With queues, the LP is solved again with each segment's waiting tolls until every segment is
    on its cheapest open routes at its own value of time, and the solution carries the measured
    gap (:mod:`corridor.flow.equilibrium`); ``equilibrium=False`` solves it once, waits priced at
    the queues' own rates (a cost minimum, not an equilibrium).
    """
    if lp not in LP_METHODS:
        raise ValueError(f"unknown LP method {lp!r}; expected one of {', '.join(LP_METHODS)}")
    solve: Callable[[np.ndarray], LPSolution]
    if lp == "priced" or (lp == "auto" and model.shape[1] >= PRICED_FROM_COLUMNS):

        def priced(cost: np.ndarray) -> LPSolution:
            chosen = model if cost is model.cost else replace(model, cost=cost)
            return solve_priced(chosen, solver_options=solver_options)

        solve = priced
    else:
        solve = _plain(model, solver_options)
    return solve_equilibrium(model, solve) if equilibrium else solve(model.cost)
