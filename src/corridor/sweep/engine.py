"""The one sweep engine: many small jobs on a warm per-worker state, run serially, on local
processes or on a Dask cluster, with the same answers in the same order.

A sweep (criticality's closures, risk's sampled years) is a list of items and a top-level
function ``work(state, batch) -> results`` that handles a batch of items on a state built once per
worker by a picklable ``build()`` (typically a :class:`corridor.flow.WarmSolver` on the network and
demand). :func:`sweep_map` cuts the items into batches of at least ~100 ms, hands them to the
executor (:func:`corridor.sweep.executors.open_executor`), reports progress item by item and returns
the results flattened, in item order, whatever the executor and whatever order batches finished in.
:func:`sweep_session` keeps the executor open for sweeps that run in rounds (risk samples years
on the workers, then prices the disruption states they met, each once, on the same workers).

Workers cost time to start (a process, its imports, its state); :func:`worth_spreading` says
whether a sweep's estimated work pays for that, and the sweeps run serially when it does not,
saying so in their result's ``note`` (``always_spread`` in :class:`SweepOptions` overrides it).

:class:`SweepOptions` holds how a sweep runs; :func:`corridor.criticality`,
:func:`corridor.risk` and :func:`corridor.appraise` all take one.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from corridor.errors import RequestError
from corridor.flow import LP_METHODS
from corridor.sweep.executors import (
    EXECUTORS,
    Runner,
    batch,
    default_workers,
    drop_state,
    open_executor,
    seed_state,
    worker_state,
)

logger = logging.getLogger(__name__)

__all__ = ["WORKER_START_S", "SweepOptions", "SweepSession", "sweep_map", "sweep_session", "worth_spreading"]

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class SweepOptions:
    """How a sweep runs: where, on how many workers, with which seed and LP method, reporting how.

    Parameters
    ----------
    executor
        ``serial`` (in this process), ``processes`` (a local process pool) or ``dask`` (a Dask
        ``LocalCluster``, or the cluster at ``scheduler``). The answers do not depend on it.
    workers
        Worker processes (default: one per core this process may use).
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``); needs ``executor="dask"``.
    seed
        Random seed of sampled sweeps (:func:`corridor.risk`, :func:`corridor.appraise`): the
        same seed gives the same table on every executor.
    lp
        How each LP is solved: ``plain`` (whole), ``priced`` (column generation) or ``auto`` (by
        size; see :func:`corridor.flow.solve_model`).
    solver_options
        HiGHS options, passed through.
    progress
        Called as ``progress(done, total)`` while the sweep runs.
    on_start
        Called with the Dask dashboard's address when a cluster starts.
    always_spread
        Use the workers even when the work is too small to pay for starting them (by default a
        sweep that would be slower on ``processes`` or a local ``dask`` cluster than here runs
        serially and says so in its result).

    Raises
    ------
    RequestError
        An unknown executor or LP method, fewer than one worker, a scheduler without Dask, a
        negative seed.

    Examples
    --------
    >>> SweepOptions(executor="processes", workers=2).workers
    2
    >>> SweepOptions(executor="threads")
    Traceback (most recent call last):
    ...
    corridor.errors.RequestError: unknown executor 'threads'; expected one of serial, processes, dask
    """

    executor: str = "serial"
    workers: int | None = None
    scheduler: str | None = None
    seed: int = 0
    lp: str = "auto"
    solver_options: Mapping[str, Any] | None = None
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
    on_start: Callable[[str], None] | None = field(default=None, compare=False)
    always_spread: bool = False

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise RequestError(f"unknown executor {self.executor!r}; expected one of {', '.join(EXECUTORS)}")
        if self.scheduler is not None and self.executor != "dask":
            raise RequestError("a scheduler address needs executor='dask'")
        if self.workers is not None and self.workers < 1:
            raise RequestError(f"workers is {self.workers}; expected at least 1")
        if self.seed < 0:
            raise RequestError(f"seed is {self.seed}; expected a whole number >= 0")
        if self.lp not in LP_METHODS:
            raise RequestError(f"lp is {self.lp!r}; expected one of {', '.join(LP_METHODS)}")

    @property
    def worker_count(self) -> int:
        """Workers the sweep spreads over (1 when serial)."""
        return 1 if self.executor == "serial" else (self.workers or default_workers())


WORKER_START_S = {"processes": 1.5, "dask": 4.0}
"""Seconds to start a worker and import corridor in it, before it builds its state (measured on
a 2-core machine: a forkserver process about 1.2 s, a Dask LocalCluster about 3.5 s); with an
address of a running scheduler the workers are already up."""


def worth_spreading(options: SweepOptions, work_s: float, build_s: float) -> tuple[SweepOptions, str]:
    """The options to run ``work_s`` seconds of serial work with, each worker first starting and
    building its state (``build_s``): as given, or serial with a note saying why when workers
    would not pay (start-up plus an even share of the work above 90 % of the serial time).

    A serial run, a running cluster (``scheduler``) and ``always_spread`` are kept as given.
    """
    if options.executor == "serial" or options.scheduler is not None or options.always_spread:
        return options, ""
    workers = options.worker_count
    start = WORKER_START_S[options.executor] + build_s
    spread = start + work_s / workers
    if workers > 1 and spread <= 0.9 * work_s:
        return options, ""
    note = (
        f"ran serially: about {work_s:.1f} s of work, which would take about {spread:.1f} s on "
        f"{workers} {options.executor} workers ({start:.1f} s to start each)"
    )
    logger.info("%s", note)
    return replace(options, executor="serial", scheduler=None), note


class SweepSession:
    """An executor held open for a sweep: each worker builds its state once, and :meth:`map`
    can be called several times (rounds that depend on the last one's results) on the same workers."""

    def __init__(self, run: Runner, workers: int, progress: Callable[[int], None] | None) -> None:
        self._run, self.workers, self._progress = run, workers, progress

    def map(
        self,
        work: Callable[[Any, Sequence[T]], list[R]],
        items: Sequence[T],
        *,
        seconds_each: float,
        per_worker: int = 4,
    ) -> list[R]:
        """``work(state, batch)`` over batches of ``items`` (at least 100 ms each, about
        ``per_worker`` per worker); results in item order."""
        tasks = batch(list(items), seconds_each=seconds_each, workers=self.workers, per_worker=per_worker)
        sizes = iter([len(t) for t in tasks])
        progress = self._progress

        def finished(_: int) -> None:
            if progress:
                progress(next(sizes))

        parts = self._run(_run_batch, [(work, t) for t in tasks], finished)
        return [result for part in parts for result in part]


@contextlib.contextmanager
def sweep_session(
    build: Callable[[], S],
    *,
    options: SweepOptions,
    local: S | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[SweepSession]:
    """Open the options' executor for a sweep whose per-worker state ``build()`` makes (see :func:`sweep_map`)."""
    token = f"sweep-{id(build):x}-{time.monotonic_ns():x}"
    if local is not None:
        seed_state(token, local)
    try:
        with open_executor(
            (token, build),
            executor=options.executor,
            workers=options.worker_count,
            scheduler=options.scheduler,
            on_start=options.on_start,
        ) as run:
            yield SweepSession(run, options.worker_count, progress)
    finally:
        drop_state(token)


def sweep_map(
    work: Callable[[S, Sequence[T]], list[R]],
    build: Callable[[], S],
    items: Sequence[T],
    *,
    options: SweepOptions,
    seconds_each: float,
    local: S | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[R]:
    """``work(state, batch)`` over batches of ``items``, each worker's ``state`` built once by ``build()``.

    Parameters
    ----------
    work
        A top-level function (it is sent to workers by reference): the results of a batch, one per item.
    build
        Builds a worker's state; picklable (a top-level class or a ``functools.partial`` of one).
    items
        What to sweep over; they travel to the workers in batches.
    options
        Where and how to run (:class:`SweepOptions`).
    seconds_each
        A guess of one item's time, to size the batches (about 100 ms of work each).
    local
        This process's state if the caller has one already (the serial executor then builds nothing).
    progress
        Called with the number of items of each batch that finishes.

    Returns
    -------
    list
        One result per item, in item order.
    """
    if not items:
        return []
    with sweep_session(build, options=options, local=local, progress=progress) as session:
        return session.map(work, items, seconds_each=seconds_each)


def _run_batch(
    shared: tuple[str, Callable[[], Any]], task: tuple[Callable[[Any, Sequence[Any]], list[Any]], Sequence[Any]]
) -> list[Any]:
    """One batch on this process's state of the sweep (built on first use)."""
    token, build = shared
    work, items = task
    with worker_state(token, build) as state:
        return work(state, items)
