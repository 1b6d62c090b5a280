"""Run many small jobs serially, on local processes, or on a Dask cluster, with the same answers.

A sweep hands :func:`run_tasks` a top-level function ``fn(shared, task)``, one large ``shared``
object (the network and demand, sent to each worker once) and a list of tasks (batches of
closures, of sampled years). Results come back in task order whatever the executor and whatever
order the tasks finished in, so a sweep's numbers do not depend on where it ran.

* ``serial``: in this process (no start-up cost; the reference).
* ``processes``: a local process pool (the default on one machine: it starts about 70 times
  faster than a Dask LocalCluster). ``shared`` is sent once per worker through the pool's
  initializer.
* ``dask``: a Dask ``LocalCluster`` (one single-threaded worker process per core), or the
  scheduler at ``scheduler`` for a real cluster. ``shared`` is scattered to every worker once;
  each task is retried on another worker if its worker dies, and results are collected by task
  key, so a lost worker neither loses nor double-counts a result. The dashboard address is
  reported through ``on_start``.

Tasks should each take at least ~100 ms (see :func:`batch`), or scheduling overhead dominates.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from corridor.errors import ClusterError, RequestError

__all__ = [
    "EXECUTORS",
    "Runner",
    "batch",
    "default_workers",
    "drop_state",
    "open_executor",
    "run_tasks",
    "seed_state",
    "worker_state",
]

EXECUTORS = ("serial", "processes", "dask")
T = TypeVar("T")

_SHARED: dict[str, Any] = {}  # the shared object of a process-pool worker, set by its initializer

# What a worker process keeps between the tasks of one sweep (a solved baseline LP and its cache
# of answers): a HiGHS model cannot be pickled, so each process builds its own once. One sweep at
# a time per process; the lock keeps two threads of one worker from using the same model at once.
_STATE: dict[str, Any] = {}
_STATE_LOCK = threading.RLock()


@contextlib.contextmanager
def worker_state(token: str, build: Callable[[], T]) -> Iterator[T]:
    """This process's state for the sweep ``token``, built by ``build()`` on first use, held under a lock."""
    with _STATE_LOCK:
        if token not in _STATE:
            _STATE.clear()  # a new sweep: drop the last one's model
            _STATE[token] = build()
        yield _STATE[token]


def seed_state(token: str, value: Any) -> None:
    """Give this process the state of sweep ``token`` (the caller's, so a serial run builds nothing twice)."""
    with _STATE_LOCK:
        _STATE.clear()
        _STATE[token] = value


def drop_state(token: str) -> None:
    with _STATE_LOCK:
        _STATE.pop(token, None)


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def batch(
    items: Sequence[T], *, seconds_each: float, workers: int, min_seconds: float = 0.1, per_worker: int = 4
) -> list[list[T]]:
    """Items in consecutive batches: each worth at least ``min_seconds`` of work, yet enough
    batches (about ``per_worker`` per worker) that the workers stay busy, finish together and a
    progress bar moves."""
    if not items:
        return []
    by_time = math.ceil(min_seconds / max(seconds_each, 1e-9))
    by_spread = math.ceil(len(items) / (per_worker * max(1, workers)))
    size = max(1, by_time, min(by_spread, len(items)))
    size = min(size, max(1, math.ceil(len(items) / max(1, workers))))  # never fewer batches than workers
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


Runner = Callable[[Callable[[Any, Any], Any], Sequence[Any], Callable[[int], None] | None], list[Any]]
"""``runner(fn, tasks, progress)``: ``[fn(shared, t) for t in tasks]`` on an open executor."""


def run_tasks(
    fn: Callable[[Any, Any], Any],
    shared: Any,
    tasks: Sequence[Any],
    *,
    executor: str = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[str], None] | None = None,
) -> list[Any]:
    """``[fn(shared, t) for t in tasks]``, run by ``executor``; ``progress(1)`` after each task."""
    if not tasks:
        _check(executor, scheduler)
        return []
    with open_executor(shared, executor=executor, workers=workers, scheduler=scheduler, on_start=on_start) as run:
        return run(fn, tasks, progress)


def _check(executor: str, scheduler: str | None) -> None:
    if executor not in EXECUTORS:
        raise RequestError(f"unknown executor {executor!r}; expected one of {', '.join(EXECUTORS)}")
    if scheduler is not None and executor != "dask":
        raise RequestError("a scheduler address needs executor='dask'")


@contextlib.contextmanager
def open_executor(
    shared: Any,
    *,
    executor: str = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    on_start: Callable[[str], None] | None = None,
) -> Iterator[Runner]:
    """An executor held open for several rounds of tasks: its workers start once and get
    ``shared`` once, and every ``runner(fn, tasks, progress)`` call reuses them (so per-worker
    state built by one round is still there for the next)."""
    _check(executor, scheduler)
    workers = workers or default_workers()
    if executor == "serial":
        yield lambda fn, tasks, progress: _serial(fn, shared, tasks, progress)
    elif executor == "processes":
        with _processes(shared, workers) as run:
            yield run
    else:
        with _dask(shared, workers, scheduler, on_start) as run:
            yield run


def _serial(
    fn: Callable[[Any, Any], Any], shared: Any, tasks: Sequence[Any], progress: Callable[[int], None] | None
) -> list[Any]:
    out = []
    for task in tasks:
        out.append(fn(shared, task))
        if progress:
            progress(1)
    return out


SCHEDULER_TIMEOUT_S = 6
"""Seconds to wait for a Dask scheduler to answer before giving up."""


def _init_worker(shared: Any) -> None:
    _SHARED["value"] = shared


def _call_with_shared(fn: Callable[[Any, Any], Any], task: Any) -> Any:
    return fn(_SHARED["value"], task)


@contextlib.contextmanager
def _processes(shared: Any, workers: int) -> Iterator[Runner]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # forkserver: a clean interpreter per worker, safe with the threads numpy and HiGHS may hold
    context = multiprocessing.get_context("forkserver")
    # the server imports corridor once and every worker forks from it with the modules loaded
    context.set_forkserver_preload(["corridor.flow", "corridor.sweep"])
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(shared,)
    ) as pool:

        def run(
            fn: Callable[[Any, Any], Any], tasks: Sequence[Any], progress: Callable[[int], None] | None
        ) -> list[Any]:
            results: dict[int, Any] = {}
            futures = {pool.submit(_call_with_shared, fn, task): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if progress:
                    progress(1)
            return [results[i] for i in range(len(tasks))]

        yield run


@contextlib.contextmanager
def _dask(shared: Any, workers: int, scheduler: str | None, on_start: Callable[[str], None] | None) -> Iterator[Runner]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise RuntimeError("the dask executor needs Dask: pip install 'corridor[dask]'") from err
    import uuid

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
        )
    if cluster is not None:
        client = Client(cluster)  # type: ignore[no-untyped-call]
    else:
        try:
            client = Client(scheduler, timeout=f"{SCHEDULER_TIMEOUT_S}s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as err:
            raise ClusterError(
                f"no Dask scheduler answered at {scheduler!r} within {SCHEDULER_TIMEOUT_S} s ({type(err).__name__}); "
                "expected the address of a running scheduler, such as tcp://host:8786"
            ) from None
    try:
        if on_start:
            on_start(str(client.dashboard_link))
        shared_future = client.scatter(shared, broadcast=True)  # type: ignore[no-untyped-call]
        run_id = uuid.uuid4().hex[:8]
        rounds = [0]

        def run(
            fn: Callable[[Any, Any], Any], tasks: Sequence[Any], progress: Callable[[int], None] | None
        ) -> list[Any]:
            rounds[0] += 1
            futures = [
                client.submit(fn, shared_future, task, key=f"corridor-{run_id}-{rounds[0]}-{i}", pure=False, retries=3)
                for i, task in enumerate(tasks)
            ]
            index = {f.key: i for i, f in enumerate(futures)}
            results: dict[int, Any] = {}
            # results come with their futures, fetched in bulk rather than one request each
            for future, result in as_completed(futures, with_results=True):  # type: ignore[no-untyped-call]
                i = index[future.key]
                if i in results:
                    continue  # a result reported twice (a retried task) counts once
                results[i] = result
                if progress:
                    progress(1)
            return [results[i] for i in range(len(tasks))]

        yield run
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()
