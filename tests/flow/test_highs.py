"""An LP given to HiGHS as arrays is the LP a HighsLp gives it: the same optimum, bit for bit."""

from __future__ import annotations

import numpy as np

from corridor import Network
from corridor.flow import build_assignment, load_demand
from corridor.flow.highs import highs_lp, new_highs, pass_lp
from corridor.flow.solve import run_to_optimum


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
