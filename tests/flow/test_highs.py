"""An LP given to HiGHS as arrays is the LP a HighsLp gives it: the same optimum, bit for bit."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.sparse import csc_array

from corridor import Network
from corridor.flow import build_assignment, load_demand
from corridor.flow.highs import new_highs, pass_lp
from corridor.flow.solve import run_to_optimum


def highs_lp(
    cost: np.ndarray, upper: np.ndarray, row_lower: np.ndarray, row_upper: np.ndarray, matrix: csc_array
) -> Any:
    """The same LP filled into a HighsLp value by value (how the project passed it before ``pass_lp``)."""
    import highspy

    lp = highspy.HighsLp()
    lp.num_row_, lp.num_col_ = matrix.shape
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(matrix.shape[1])
    lp.col_upper_ = upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    return lp


def test_an_lp_passed_as_arrays_solves_as_the_highs_lp(eurasia: Network) -> None:
    model = build_assignment(eurasia, load_demand(eurasia))
    parts = (model.cost, model.upper, model.row_lower, model.row_upper, model.matrix)
    by_lp, by_arrays = new_highs(), new_highs()
    by_lp.passModel(highs_lp(*parts))
    pass_lp(by_arrays, *parts)
    first, second = run_to_optimum(by_lp), run_to_optimum(by_arrays)
    assert first.objective == second.objective
    np.testing.assert_array_equal(first.x, second.x)
    np.testing.assert_array_equal(first.row_dual, second.row_dual)
