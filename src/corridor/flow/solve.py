"""Solve the assignment LP with HiGHS: whole (dual simplex) or through the priced master."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from corridor.errors import InfeasibleError, SolverError
from corridor.flow.highs import highs_lp, new_highs, status_name
from corridor.flow.model import LP_METHODS, PRICED_FROM_COLUMNS, AssignmentModel, LPSolution
from corridor.flow.pricing import solve_priced

__all__ = ["solve_assignment", "solve_model"]


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


def solve_model(
    model: AssignmentModel, *, lp: str = "auto", solver_options: Mapping[str, Any] | None = None
) -> LPSolution:
    """Solve the LP whole (``plain``) or through column generation (``priced``, same optimum,
    far less work on a large network); ``auto`` picks by size. See :mod:`corridor.flow.pricing`."""
    if lp not in LP_METHODS:
        raise ValueError(f"unknown LP method {lp!r}; expected one of {', '.join(LP_METHODS)}")
    if lp == "priced" or (lp == "auto" and model.shape[1] >= PRICED_FROM_COLUMNS):
        return solve_priced(model, solver_options=solver_options)
    return solve_assignment(model, solver_options=solver_options)
