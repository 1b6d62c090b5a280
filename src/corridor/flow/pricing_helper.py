"""The priced LP's second process: it prices some groups of each round, so that two cores run Dijkstras.

:class:`corridor.flow.PricedLP` forks it when it is built (the child then holds the LP's arrays
without copying them) and sends it every other group of each pricing round with the row charges
and the few duals pricing them reads; it answers with the columns it found. Dijkstra holds the
GIL, so threads would not do. A helper that dies costs time, not the answer: the parent prices
its groups itself.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.errors import SolverError

if TYPE_CHECKING:
    from corridor.flow.pricing import PricedLP

__all__ = ["HELPER_FROM_WORK", "HELPER_SPARE_CORES", "PricingHelper", "helper_pays"]

HELPER_FROM_WORK = 100_000
"""Groups times nodes from which :func:`corridor.flow.solve_priced` prices in a second process as well
(measured on synthetic networks, solve time with and without it: 0.09 s either way at 2,000
nodes and 20 groups, 0.73 s against 0.90 s at 5,000 and 50, 7.9 s against 9.0 s at 10,000 and 100)."""


HELPER_SPARE_CORES = 0.5
"""Cores the machine must have idle (its cores minus its one-minute load average, which counts
this process) for the helper to pay. Each round waits for the slower of the two processes, so on
a busy machine the helper costs time: measured at 100,000 nodes under a load average of 6 to 7
on 2 cores, the solve took 39.8 s with the helper and 31.8 s without (ratios to the floor in the
same runs 11.1x and 7.5x); on the idle machine 13.8 s with it."""


def helper_pays(work: int, *, load: float | None = None) -> bool:
    """Whether pricing ``work`` (groups times nodes) in a second process pays: a large LP, a
    second core that is idle (``load``: the one-minute load average, by default the machine's),
    and this process not itself a worker of a pool (whose siblings have the cores)."""
    cores = _cores()
    if load is None:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (
        work >= HELPER_FROM_WORK
        and cores >= 2
        and cores - load >= HELPER_SPARE_CORES
        and multiprocessing.parent_process() is None
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class PricingHelper:
    """A forked process that prices some groups of each round, so that two cores run Dijkstras.

    Forked when the priced LP is built, it holds the LP's arrays without copying them. Per round
    it is sent the groups, the row charges and the duals it reads (a few hundred numbers), and
    answers with the columns found and the groups' new search caps; it keeps the potentials,
    which are fetched once, when the master is optimal.
    """

    def __init__(self, lp: PricedLP) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(lp, child, self.conn), daemon=True, name="corridor-pricing")
        # Ctrl-C reaches the whole process group; the child ignores it, and holding it back
        # here until the fork is done leaves no moment in which it could still stop the child
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        child.close()

    def set_closed(self, closed: np.ndarray) -> None:
        """The flow columns shut for the next solve (all others open)."""
        self._send("closed", closed)

    def price(
        self, groups: np.ndarray, charge: np.ndarray, rows: np.ndarray, duals: np.ndarray, reach: np.ndarray
    ) -> None:
        """Start pricing these groups at these charges and these rows' duals (the ones pricing
        them reads); the answer is read with :meth:`found`."""
        charged = np.flatnonzero(charge)
        self._send("price", groups, reach, charged, charge[charged], rows, duals)

    def found(self, groups: np.ndarray, reach: np.ndarray) -> dict[int, np.ndarray]:
        """The columns the groups sent last found; their new search caps are written into ``reach``."""
        found, reach[groups] = self._receive()
        return found  # type: ignore[no-any-return]

    def potentials(self, groups: list[int]) -> dict[int, np.ndarray]:
        self._send("potentials", groups)
        return self._receive()  # type: ignore[no-any-return]

    def _send(self, *message: Any) -> None:
        try:
            self.conn.send(message)
        except OSError as e:
            raise SolverError(f"the pricing helper process stopped (exit code {self.process.exitcode})") from e

    def _receive(self) -> Any:
        try:
            kind, answer = self.conn.recv()
        except (EOFError, OSError) as e:
            raise SolverError(f"the pricing helper process stopped (exit code {self.process.exitcode})") from e
        if kind == "error":
            raise SolverError(f"the pricing helper process failed: {answer}")
        return answer

    def close(self) -> float:
        """Stop the process; its peak memory in MB beyond the pages it shares with its parent (0 if unknown)."""
        extra_kb = 0.0
        with contextlib.suppress(OSError, EOFError):
            self.conn.send(("stop", None))
            if self.conn.poll(5):
                extra_kb = float(self.conn.recv()[1])
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        return extra_kb / 1024


def _serve(lp: PricedLP, conn: Connection, parents_end: Connection) -> None:
    """The helper's loop: answer requests until told to stop (or until the parent is gone)."""
    import resource

    parents_end.close()  # the fork copied it: held here, the parent's exit would never read as the end

    # Ctrl-C reaches the whole process group: the parent handles it and stops this process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back by the parent while forking
    # a forked process starts with its parent's pages counted in its peak: what it adds is its own
    inherited_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model = lp.model
    potentials: dict[int, np.ndarray] = {}
    row_dual = np.zeros(model.shape[0])
    charge = np.zeros(len(model.price_rows))
    shut = np.flatnonzero(lp.col_upper[: model.n_flow] <= 0)
    while True:
        try:
            kind, *body = conn.recv()
        except (EOFError, OSError):  # the parent closed its end or exited: nothing left to answer
            return
        try:
            if kind == "stop":
                conn.send(("stopped", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - inherited_kb))
                return
            if kind == "closed":
                # only the columns that change are written: a page written is a page copied
                lp.col_upper[shut] = model.upper[shut]
                (shut,) = body
                lp.col_upper[shut] = 0.0
                lp.n_closed = len(shut)
            elif kind == "price":
                groups, reach, charged, values, rows, duals = body
                lp.reach[groups] = reach
                charge[:] = 0.0
                charge[charged] = values
                row_dual[rows] = duals  # pricing these groups reads no other row's dual
                found = lp.price_groups(groups, charge, row_dual, potentials)
                conn.send(("found", (found, lp.reach[groups])))
            elif kind == "potentials":
                (groups,) = body
                conn.send(("potentials", {g: potentials[g] for g in groups}))
        except Exception as e:  # reported to the parent, which prices these groups itself
            conn.send(("error", f"{type(e).__name__}: {e}"))
