"""Run the benchmarks (``make bench``); each prints ratios measured in the same run.

``python benchmarks/run.py [--quick] [--json] [--only NAME ...] [--no-plain] [--samples N]``

* ``--only``: the groups to run, of ``routing``, ``cold_start``, ``assignment``, ``sweeps``,
  ``criticality``, ``guards``, ``web``, ``osm`` (importing a generated 1,200,000-node extract),
  ``assignment_large`` (the priced LP at 100,000 nodes and the sweep up to it), ``uncertainty``
  (draws of the assumptions on one and two Dask workers) (default: all).
* ``--quick``: smaller cases (a 3,000-node assignment, 20,000 sampled years, no synthetic N-1,
  no routing or N-1 at 100,000 nodes, one run of each guard): ``make bench-quick``, about 3 minutes on a 2-core machine.
* ``--no-plain``: skip the plain assignment LP (about half an hour at 10,000 nodes); the floor
  is always measured.
* ``--samples``: draws of the ``uncertainty`` group (default 8, 4 with ``--quick``; the issue's bar
  is 200).
* ``--json``: print one JSON object on stdout, every figure as ``group.name`` (the benchmarks'
  own text goes to stderr), with ``targets`` (each figure's target) and ``met``.

Exits non-zero when a benchmark's exactness check fails (the priced LP's objective differs from
the plain one, executors disagree on the same seed, pruned and brute-force N-1 disagree).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

GROUPS = (
    "routing",
    "cold_start",
    "assignment",
    "sweeps",
    "criticality",
    "guards",
    "web",
    "osm",
    "assignment_large",
    "uncertainty",
)

TARGETS = {
    "routing.over_networkx": (">=", 15.0),
    "routing.over_csgraph": ("<=", 1.5),
    "routing.large_nodes": (">=", 100_000),
    "routing.large_over_networkx": (">=", 15.0),
    "cold_start.over_imports": ("<=", 3.0),
    "assignment.nodes": (">=", 10_000),
    "assignment.priced_over_floor": ("<=", 20.0),
    "assignment.priced_over_plain": ("<=", 0.1),
    "assignment.peak_memory_ratio": ("<=", 0.5),
    "sweeps.dask_2_over_1": (">=", 1.7),
    "sweeps.processes_over_serial": (">=", 1.0),
    "criticality.pruned_over_brute": (">=", 20.0),
    "guards.alias_bomb_over_validate": ("<=", 1.5),
    "guards.scheduler_over_timeout": ("<=", 1.5),
    "guards.news_over_validate": ("<=", 3.0),
    "web.throughput_16_over_1": (">=", 1.6),
    "web.p95_over_single": ("<=", 4.0),
    "osm.input_nodes": (">=", 1_000_000),
    "osm.nodes_per_second": (">=", 200_000),
    "assignment_large.nodes": (">=", 100_000),
    "assignment_large.priced_over_floor": ("<=", 10.0),
    "uncertainty.dask_2_over_1": (">=", 1.7),
    "uncertainty.sample_over_cold_impact": ("<=", 0.5),
}


def _argv(group: str, quick: bool, no_plain: bool, samples: int | None = None) -> list[str]:
    if group == "assignment":
        size = ["--nodes", "3000", "--commodities", "30"] if quick else []
        return size + (["--no-plain"] if no_plain else [])
    if group == "sweeps":
        return ["--years", "20000", "--repeat", "1"] if quick else []
    if group == "criticality":
        return ["--closures", "0", "--repeat", "1", "--large-nodes", "0"] if quick else []
    if group == "guards":
        return ["--runs", "1"] if quick else []
    if group == "routing":
        return ["--repeats", "1", "--large-nodes", "0"] if quick else []
    if group == "cold_start":
        return ["--runs", "1"] if quick else []
    if group == "web":
        return ["--rounds", "1"] if quick else []
    if group == "assignment_large":
        return ["--sizes", "3000,10000"] if quick else []
    if group == "osm":
        return ["--nodes", "300000"] if quick else []
    if group == "uncertainty":
        if samples is not None:
            return ["--samples", str(samples)]
        return ["--samples", "4"] if quick else []
    return []


def _met(value: object, target: tuple[str, float]) -> bool | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    sign, bound = target
    return value >= bound if sign == ">=" else value <= bound


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-plain", action="store_true")
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS), metavar="NAME")
    parser.add_argument("--samples", type=int, default=None, help="draws of the uncertainty group")
    args = parser.parse_args(argv)
    import importlib

    figures: dict[str, object] = {}
    seconds: dict[str, float] = {}
    out = sys.stderr if args.json else sys.stdout
    for group in [g for g in GROUPS if g in args.only]:
        module = importlib.import_module("bench_" + group)
        start = time.perf_counter()
        with contextlib.redirect_stdout(out):
            result = module.main(_argv(group, args.quick, args.no_plain, args.samples)) or {}
            print(file=out)
        seconds[group] = round(time.perf_counter() - start, 1)
        figures.update({f"{group}.{k}": v for k, v in result.items()})
    # the quick case is smaller on purpose: its size is no target
    targets = {
        k: f"{s} {b:g}"
        for k, (s, b) in TARGETS.items()
        if k in figures and not (args.quick and k in {"assignment.nodes", "assignment_large.nodes", "osm.input_nodes"})
    }
    met = {k: _met(figures[k], TARGETS[k]) for k in targets}
    report = {**figures, "targets": targets, "met": met, "seconds": seconds, "quick": args.quick}
    if args.json:
        print(json.dumps(report, indent=1, default=float))
    else:
        missed = [k for k, ok in met.items() if ok is False]
        print(
            f"targets met: {sum(1 for ok in met.values() if ok)} of {len(met)}"
            + (f"; missed: {', '.join(missed)}" if missed else "")
        )
    return report


if __name__ == "__main__":
    main()
