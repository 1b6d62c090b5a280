"""Ranged impacts: draws of the assumptions on one and two Dask workers, against a cold impact run.

1. A cold ``corridor impact SCENARIO --json`` in a new process (start, imports, loading, both
   replays): what one answer costs from nothing.
2. The same ``SAMPLES`` Latin-hypercube draws (same seed) of the assumptions replayed on a Dask
   ``LocalCluster`` of one worker, then of two; both must give the same numbers. Prints the
   speed-up of two workers over one (target >= 1.7) and the time per draw on one worker against
   the cold run (target <= 0.5).

3. CPU seconds, which a busy machine does not inflate as it does wall time: the cold run's (its
   process's user and system time) against one draw's in this process (a few draws, serially, as
   a worker solves a batch, after the warm-start replay of the assumptions' values each worker
   makes once).

The default is small (8 draws, a few minutes on a 2-core machine); the issue's 200 draws are
``--samples 200``.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import time

CPU_DRAWS = 5
"""Draws timed serially for the CPU figure."""


def cold_impact(scenario: str) -> tuple[float, float]:
    """Wall and CPU seconds (user and system) of ``corridor impact SCENARIO --json`` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "corridor", "impact", scenario, "--json"],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def draw_cpu(shared: dict[str, object], draws: int, seed: int) -> float:
    """CPU seconds of one draw, solved serially in this process (the worker's first replay, of the
    assumptions' values for its warm starts, apart)."""
    import numpy as np
    from scipy.stats import qmc

    from corridor.network.assumptions import draw_values
    from corridor.sweep.uncertainty import _DrawSolver, _solve_draws, active_assumptions

    scenario = shared["scenario"]
    rows = active_assumptions(shared["assumptions"], scenario.name)  # type: ignore[arg-type, attr-defined]
    values = draw_values(rows, qmc.LatinHypercube(d=len(rows), rng=np.random.default_rng(seed)).random(draws + 1))
    solver = _DrawSolver(
        shared["network"],  # type: ignore[arg-type]
        shared["demand"],  # type: ignore[arg-type]
        scenario,
        rows,
        shared["parameters"],  # type: ignore[arg-type]
        {"period": "week", "lp": "auto"},
    )
    _solve_draws(solver, [(0, tuple(values[0]))])  # the warm-start replay, and a first draw
    start = time.process_time()
    _solve_draws(solver, [(i, tuple(row)) for i, row in enumerate(values[1:], 1)])  # as a worker solves a batch
    spent = time.process_time() - start
    gc.unfreeze()  # the solver froze what it holds, as a worker does (corridor.sweep.uncertainty)
    return spent / draws


def inputs(scenario: str) -> dict[str, object]:
    """What every ranged run here shares, loaded once (the same table for one and two workers)."""
    from corridor.flow import load_demand
    from corridor.network import load_network
    from corridor.network.assumptions import dataset_parameters, load_assumptions
    from corridor.scenario import load_scenario

    published = load_network(calibrated=False)
    return {
        "network": published,
        "demand": load_demand(load_network()),
        "scenario": load_scenario(scenario),
        "assumptions": load_assumptions(),
        "parameters": dataset_parameters(),
    }


def ranged(shared: dict[str, object], samples: int, workers: int, seed: int) -> tuple[float, object]:
    from corridor.sweep import SweepOptions
    from corridor.sweep.uncertainty import impact_ranges

    options = SweepOptions(executor="dask", workers=workers, seed=seed, always_spread=True)
    start = time.perf_counter()
    result = impact_ranges(
        shared["network"],  # type: ignore[arg-type]
        shared["demand"],  # type: ignore[arg-type]
        shared["scenario"],
        samples=samples,
        assumptions=shared["assumptions"],  # type: ignore[arg-type]
        parameters=shared["parameters"],  # type: ignore[arg-type]
        options=options,
    )
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> dict:
    import pandas as pd

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="sanctions-2022")
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    cold, cold_cpu = cold_impact(args.scenario)
    print(f"Ranged impact of {args.scenario}: {args.samples} draws of the assumptions")
    print(f"  a cold impact run (new process)       {cold:8.1f} s  ({cold_cpu:.1f} s of CPU)")
    shared = inputs(args.scenario)
    each_cpu = draw_cpu(shared, min(args.samples, CPU_DRAWS), args.seed)
    one, first = ranged(shared, args.samples, 1, args.seed)
    two, second = ranged(shared, args.samples, 2, args.seed)
    same = first.figures.equals(second.figures) and first.draws.equals(second.draws)  # type: ignore[attr-defined]
    print(f"  {args.samples} draws on 1 Dask worker          {one:8.1f} s")
    print(f"  {args.samples} draws on 2 Dask workers         {two:8.1f} s")
    print(f"  same numbers on both: {'yes' if same else 'NO'}")
    print(f"  speed-up 2 / 1 workers                {one / two:8.2f}x  (target >= 1.7)")
    print(f"  one draw / a cold impact run          {one / args.samples / cold:8.2f}   (target <= 0.5)")
    print(f"  one draw / a cold impact run, in CPU  {each_cpu / cold_cpu:8.2f}   ({each_cpu:.2f} s a draw)")
    print(f"  load average (1 min) at start, end    {load:8.1f}, {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not same:
        pd.testing.assert_frame_equal(first.figures, second.figures)  # type: ignore[attr-defined]
        raise SystemExit("one and two Dask workers gave different numbers for the same seed")
    return {
        "samples": args.samples,
        "cold_impact_s": cold,
        "dask_1_s": one,
        "dask_2_s": two,
        "dask_2_over_1": one / two,
        "sample_over_cold_impact": one / args.samples / cold,
        "cold_impact_cpu_s": cold_cpu,
        "sample_cpu_s": each_cpu,
        "sample_cpu_over_cold_impact_cpu": each_cpu / cold_cpu,
        "load_average": [round(load, 1), round(os.getloadavg()[0], 1)],
    }


if __name__ == "__main__":
    main()
