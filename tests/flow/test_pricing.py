"""The priced LP's helper process: half of each round's pricing in a forked process, same answer.

Real HiGHS, a real forked process (and a killed one). The answer with the helper must be the one
without it, number for number: the helper runs the same pricing on the same duals, only elsewhere.
"""

from __future__ import annotations

import logging
import os
import signal

import numpy as np
import pytest

from corridor.flow import PricedLP, build_assignment, solve_assignment, solve_priced, synthetic_demand
from corridor.network import synthetic_network


@pytest.fixture(scope="module")
def congested():
    """300 nodes, 12 pairs of 4 commodities, enough demand that capacities bind (several rounds)."""
    net = synthetic_network(300, neighbours=3, n_commodities=4, seed=11)
    return build_assignment(net, synthetic_demand(net, 12, seed=5, scale=2.0))


def _certified(model, solution) -> None:
    """``solution`` is feasible for the whole LP and its duals prove it optimal."""
    activity = model.matrix @ solution.x
    assert np.all(solution.x >= -1e-6)
    assert np.all(activity <= model.row_upper + 1e-6 * np.maximum(1, np.abs(model.row_upper)))
    assert np.all(activity >= model.row_lower - 1e-6 * np.maximum(1, np.abs(model.row_lower)))
    reduced = model.cost - model.matrix.T @ solution.row_dual
    assert reduced.min() >= -1e-7 * float(np.abs(model.cost).max())


def test_helper_gives_the_same_answer(congested):
    alone = solve_priced(congested, helper=False)
    helped = solve_priced(congested, helper=True)
    assert alone.iterations > 0 and len(solve_assignment(congested).x) == len(helped.x)
    assert helped.objective == pytest.approx(solve_assignment(congested).objective, rel=1e-9)
    assert helped.objective == alone.objective
    assert np.array_equal(helped.x, alone.x)
    assert np.array_equal(helped.row_dual, alone.row_dual)  # potentials fetched from the helper
    _certified(congested, helped)


def test_helper_follows_closures(congested):
    """A closure re-solve tells the helper which columns are shut; then the master is as before."""
    closed = np.flatnonzero(congested.flow_arc == congested.flow_arc[0])
    answers = []
    for helper in (False, True):
        lp = PricedLP(congested, helper=helper)
        try:
            lp.solve()
            basis = lp.h.getBasis()
            size = (len(lp.rows), len(lp.cols))
            changed = lp.solve_changed(basis, closed, np.zeros(0, np.int64), np.zeros(0))
            assert (len(lp.rows), len(lp.cols)) == size
            again = lp.solve_changed(basis, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        finally:
            lp.close()
        assert not changed.x[closed].any()
        answers.append((changed, again))
    (changed, again), (changed_h, again_h) = answers
    assert changed_h.objective == changed.objective and np.array_equal(changed_h.x, changed.x)
    assert again_h.objective == again.objective and np.array_equal(again_h.row_dual, again.row_dual)


def test_killed_helper_is_priced_around(congested, caplog):
    """A helper that dies costs time, not the answer: its groups are priced in the parent."""
    expected = solve_priced(congested, helper=False)
    lp = PricedLP(congested, helper=True)
    assert lp.helper is not None
    os.kill(lp.helper.process.pid, signal.SIGKILL)
    lp.helper.process.join()
    with caplog.at_level(logging.WARNING, logger="corridor.flow.pricing"):
        solution = lp.solve()
    lp.close()
    assert "pricing helper process stopped" in caplog.text
    assert lp.helper is None
    assert solution.objective == expected.objective
    assert np.array_equal(solution.row_dual, expected.row_dual)


def test_helper_only_where_it_pays(congested):
    """No second process for a small LP, inside a pool's worker (its siblings have the cores), or
    on a machine whose cores are busy (each round would wait for the starved helper)."""
    from concurrent.futures import ProcessPoolExecutor

    from corridor.flow.pricing_helper import HELPER_FROM_WORK, helper_pays

    cores = len(os.sched_getaffinity(0))
    assert not helper_pays(HELPER_FROM_WORK - 1, load=0.0)
    assert helper_pays(HELPER_FROM_WORK, load=1.0) == (cores >= 2)
    assert not helper_pays(HELPER_FROM_WORK, load=float(cores))
    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(helper_pays, HELPER_FROM_WORK, load=0.0).result() is False
    lp = PricedLP(congested)
    assert lp.helper is None
    lp.close()


def test_idle_columns_dropped_once_and_the_optimum_kept(congested, monkeypatch):
    """Dropping idle flow columns from the master (here from the first fresh solve on) changes
    the work, not the answer; a closure re-solve afterwards still restores the master."""
    from corridor.flow import pricing

    expected = solve_assignment(congested)
    monkeypatch.setattr(pricing, "DROP_FROM_COLUMNS", 0)
    monkeypatch.setattr(pricing, "FRESH_FROM_COLUMNS", 0)
    monkeypatch.setattr(pricing, "IDLE_SOLVES", 1)
    lp = PricedLP(congested)
    solution = lp.solve()
    assert lp.dropped.any()
    assert not np.isin(np.flatnonzero(lp.dropped), lp.cols).all()  # some stayed out
    assert solution.objective == pytest.approx(expected.objective, rel=1e-9)
    _certified(congested, solution)
    size = (len(lp.rows), len(lp.cols))
    closed = np.flatnonzero(congested.flow_arc == congested.flow_arc[np.argmax(solution.x[: congested.n_flow])])
    changed = lp.solve_changed(lp.h.getBasis(), closed, np.zeros(0, np.int64), np.zeros(0))
    assert (len(lp.rows), len(lp.cols)) == size and len(lp.idle) == size[1]
    usable = np.ones(congested.network.compiled.n_arcs, dtype=bool)
    usable[congested.flow_arc[closed[0]]] = False
    without = build_assignment(congested.network, congested.demand, usable=usable)
    assert changed.objective == pytest.approx(solve_assignment(without).objective, rel=1e-9)
    assert changed.objective > solution.objective  # the busiest arc: closing it costs something
    assert not changed.x[closed].any()


def test_helper_ignores_ctrl_c_and_leaves_quietly_with_its_parent(congested, caplog):
    """Ctrl-C goes to the whole process group: the parent handles it, the helper must not die
    with a traceback of its own; and a parent that goes away ends the helper cleanly."""
    lp = PricedLP(congested, helper=True)
    assert lp.helper is not None
    os.kill(lp.helper.process.pid, signal.SIGINT)
    with caplog.at_level(logging.WARNING, logger="corridor.flow.pricing"):
        solution = lp.solve()
    assert "helper" not in caplog.text and lp.helper is not None and lp.helper.process.is_alive()
    assert solution.objective == solve_priced(congested, helper=False).objective
    lp.helper.conn.close()  # as if the parent had exited
    lp.helper.process.join(10)
    assert lp.helper.process.exitcode == 0


@pytest.mark.slow
def test_priced_lp_reaches_the_whole_lps_optimum_at_mid_size():
    """At a size where pricing takes many rounds (1,500 nodes, 20 pairs, capacities binding), the
    priced LP's objective is the whole LP's, and its answer certifies it (helper or not)."""
    net = synthetic_network(1_500, neighbours=3, n_commodities=6, seed=21)
    model = build_assignment(net, synthetic_demand(net, 20, seed=3, scale=1.5))
    full = solve_assignment(model)
    binding = np.count_nonzero(full.row_dual[model.cap_rows] < -1e-9)
    assert binding >= 10  # congested: the master must price routes around its capacities
    for helper in (False, True):
        priced = solve_priced(model, helper=helper)
        assert priced.objective == pytest.approx(full.objective, rel=1e-9)
        _certified(model, priced)
