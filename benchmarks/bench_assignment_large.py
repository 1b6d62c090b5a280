"""The priced assignment LP at national scale: 100,000 nodes and the size sweep up to it.

The same case, floor and priced LP as ``bench_assignment.py`` (a synthetic network, 20
commodities with one origin-destination pair each (see ``COMMODITIES``), load 0.3; the floor is all-or-nothing shortest
routes for the same demand, best of 3; each measured in its own process), run at each size of
``--sizes`` (default 10,000, 30,000 and 100,000 nodes). The largest size gives the headline
figures; the sweep shows whether the ratio stays flat as the network grows, in
``out/bench/assignment_large/assignment_sizes.{json,png}``.

Figures: ``nodes`` (the largest size), ``priced_over_floor`` (at that size), ``floor_seconds``,
``priced_seconds``, ``unserved_share``, ``ratio_spread`` (largest over smallest ratio across the
sweep: 1 is flat) and ``sizes`` (each size's times and ratio). The same in CPU time,
``priced_over_floor_cpu`` and ``cpu_ratio_spread`` (each process's own, the priced LP's pricing
helper included): on a shared machine the floor and the priced LP run minutes apart under
different loads, which moves the wall-clock ratio by half or more, the CPU-time one much less.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

COMMODITIES = 20
"""Commodities of the case (one origin-destination pair each). Fewer than ``bench_assignment``'s
100: the compiled network keeps [commodity x arc] arrays, and at 100,000 nodes 100 commodities
took the floor's process past 8 GB before its first route (a shared 23 GB machine)."""


def main(argv: list[str] | None = None) -> dict:
    from bench_assignment import measure, size_sweep

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000,100000", help="comma-separated node counts, largest last")
    parser.add_argument("--commodities", type=int, default=COMMODITIES)
    parser.add_argument("--load", type=float, default=0.3)
    parser.add_argument("--out", default="out/bench/assignment_large")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rows = size_sweep(sizes[:-1], args.commodities, args.load, Path(args.out)) if len(sizes) > 1 else []
    largest = measure(sizes[-1], args.commodities, args.load, plain=False)
    floor, priced = largest["floor"]["seconds"], largest["priced"]["seconds"]
    cpu_ratio = largest["priced"]["cpu_seconds"] / largest["floor"]["cpu_seconds"]
    rows.append(
        {"nodes": sizes[-1], "floor_s": floor, "priced_s": priced, "ratio": priced / floor, "cpu_ratio": cpu_ratio}
    )
    if len(rows) > 1:  # plot again with the largest size in it
        _plot(rows, Path(args.out))
    ratios = [r["ratio"] for r in rows]
    print(
        f"assignment at {sizes[-1]:,} nodes: floor {floor:.2f} s, priced {priced:.2f} s "
        f"(build {largest['priced']['build']:.1f}, solve {largest['priced']['solve']:.1f}, "
        f"read {largest['priced']['read']:.1f}), {priced / floor:.1f}x (CPU time {cpu_ratio:.1f}x); "
        f"{largest['priced']['unserved_share']:.1%} unserved, {largest['priced']['binding']} capacities bind, "
        f"peak {largest['priced']['peak_mb']:.0f} MB"
    )
    by_size = ", ".join(f"{r['nodes']:,}: {r['ratio']:.1f}x (CPU {r['cpu_ratio']:.1f}x)" for r in rows)
    print(f"  ratio by size: {by_size}")
    return {
        "nodes": sizes[-1],
        "priced_over_floor": round(priced / floor, 2),
        "floor_seconds": round(floor, 2),
        "priced_seconds": round(priced, 2),
        "unserved_share": round(largest["priced"]["unserved_share"], 4),
        "ratio_spread": round(max(ratios) / min(ratios), 2),
        "priced_over_floor_cpu": round(cpu_ratio, 2),
        "cpu_ratio_spread": round(max(r["cpu_ratio"] for r in rows) / min(r["cpu_ratio"] for r in rows), 2),
        "sizes": rows,
    }


def _plot(rows: list[dict], out_dir: Path) -> None:
    import json

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "assignment_sizes.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    x = [r["nodes"] for r in rows]
    left.plot(x, [r["priced_s"] for r in rows], "o-", label="priced LP (build, solve, read)")
    left.plot(x, [r["floor_s"] for r in rows], "s-", label="floor: all-or-nothing routes")
    left.set(xlabel="nodes", ylabel="seconds", title="Time by network size", xscale="log", yscale="log")
    left.legend()
    right.plot(x, [r["ratio"] for r in rows], "o-", label="wall clock")
    right.plot(x, [r["cpu_ratio"] for r in rows], "s--", label="CPU time")
    right.axhline(10, color="grey", linestyle="--", label="target 10x")
    right.set(xlabel="nodes", ylabel="priced / floor", title="Priced LP over its floor", xscale="log", ylim=(0, None))
    right.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "assignment_sizes.png", dpi=120)
    print(f"  plot: {out_dir / 'assignment_sizes.png'}")


if __name__ == "__main__":
    main()
