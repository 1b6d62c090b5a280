"""HiGHS plumbing shared by the plain and the priced assignment: a quiet solver, an LP from matrices."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from scipy.sparse import csc_array

from corridor.errors import SolverError

__all__ = ["DEFAULT_SOLVER_OPTIONS", "new_highs", "pass_lp", "status_name", "stdout_silenced"]

DEFAULT_SOLVER_OPTIONS: dict[str, Any] = {"solver": "simplex", "simplex_strategy": 1, "output_flag": False}
"""Dual simplex, quiet. Pass ``solver_options`` to change any HiGHS option."""


def new_highs(solver_options: Mapping[str, Any] | None = None) -> Any:
    """A HiGHS instance with the default options overridden by ``solver_options``; a bad option is an error."""
    import highspy

    with stdout_silenced():  # HiGHS prints a banner when the first instance is made; a library must not print
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    for key, value in {**DEFAULT_SOLVER_OPTIONS, **(solver_options or {})}.items():
        if h.setOptionValue(key, value) != highspy.HighsStatus.kOk:
            raise SolverError(f"HiGHS rejected option {key}={value!r}")
    return h


def pass_lp(
    h: Any, cost: np.ndarray, upper: np.ndarray, row_lower: np.ndarray, row_upper: np.ndarray, matrix: csc_array
) -> None:
    """Give HiGHS ``min cost'x`` s.t. ``row_lower <= matrix x <= row_upper``, ``0 <= x <= upper`` as
    arrays (copied in C++ at once; a ``HighsLp``'s vectors are filled value by value, which took a
    third of a small warm-started solve)."""
    import highspy

    n_rows, n_cols = matrix.shape
    status = h.passModel(
        n_cols,
        n_rows,
        matrix.nnz,
        int(highspy.MatrixFormat.kColwise.value),
        int(highspy.ObjSense.kMinimize.value),
        0.0,
        np.ascontiguousarray(cost, dtype=float),
        np.zeros(n_cols),
        np.ascontiguousarray(upper, dtype=float),
        np.ascontiguousarray(row_lower, dtype=float),
        np.ascontiguousarray(row_upper, dtype=float),
        matrix.indptr.astype(np.int32),
        matrix.indices.astype(np.int32),
        matrix.data.astype(float),
        np.zeros(n_cols, dtype=np.int32),  # every column continuous (HiGHS refuses an empty list here)
    )
    if status != highspy.HighsStatus.kOk:
        raise SolverError(f"HiGHS refused the LP ({n_rows} rows, {n_cols} columns): {status_name(status)}")


def status_name(status: Any) -> str:
    """'Optimal' for ``HighsModelStatus.kOptimal``."""
    return str(status).rsplit(".", 1)[-1]


@contextlib.contextmanager
def stdout_silenced() -> Iterator[None]:
    """Send the process's own stdout (file descriptor 1, which C++ code writes to) to /dev/null."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
