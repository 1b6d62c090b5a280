"""The assignment LP: the plain arc-based LP against the priced one (column generation), same run.

A synthetic network (default 10,000 nodes, about 28,400 links, 100 commodities, each one origin-
destination pair) is assigned twice, each in a fresh process so that peak memory is its own:
once with every (commodity, arc) column, once through :mod:`corridor._pricing` (a master LP that
starts from each pair's shortest route and takes in the cheapest route at the master's capacity
prices while one beats what the master pays). Both must reach the same objective (relative
difference < 1e-6).

Demand is drawn at random (5-30 M units a year per pair) times ``--load`` (default 0.3), which
sets how congested the network is; the run prints the share of demand left unserved and how many
capacities bind, because the gain shrinks as congestion spreads (more rounds, a larger master):
solve times measured on 1,500 nodes and 20 commodities: 28x at load 0.1, 8x at 1.0, 5x at 3.0.

Prints: time ratio plain / priced (target >= 10; measured 62x here, the plain LP taking 35
minutes at load 0.3), peak memory ratio priced / plain (target < 0.5; measured 0.40x), and our
own time above HiGHS's solve (build, hand-over, read back) relative to the solve (target <= 0.1).
``--nodes 4000 --commodities 40`` is the quick case (``make bench-quick``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def child(args: argparse.Namespace) -> None:

    from corridor.flow import build_assignment, read_assignment, solve_assignment, solve_priced, synthetic_demand
    from corridor.network import synthetic_network

    net = synthetic_network(args.nodes, neighbours=3, n_commodities=args.commodities, seed=5)
    demand = synthetic_demand(net, args.commodities, seed=7, scale=args.load)
    start = time.perf_counter()
    model = build_assignment(net, demand)
    built = time.perf_counter()
    solution = solve_assignment(model) if args.method == "plain" else solve_priced(model)
    solved = time.perf_counter()
    result = read_assignment(model, solution)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "objective": solution.objective,
                "build": built - start,
                "solve": solution.solve_seconds,
                "solve_call": solved - built,
                "read": done - solved,
                "shape": model.shape,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "unserved_share": float(result.unserved["unserved"].sum() / result.unserved["demand"].sum()),
                "binding": len(result.bottlenecks),
            }
        )
    )


def run(method: str, args: argparse.Namespace) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        method,
        "--nodes",
        str(args.nodes),
        "--commodities",
        str(args.commodities),
        "--load",
        str(args.load),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--commodities", type=int, default=100)
    parser.add_argument("--load", type=float, default=0.3, help="demand as a share of the default draw")
    parser.add_argument("--child", dest="method", default=None)
    args = parser.parse_args(argv)
    if args.method:
        child(args)
        return
    plain, priced = run("plain", args), run("priced", args)
    gap = abs(plain["objective"] - priced["objective"]) / abs(plain["objective"])
    total = {k: v["build"] + v["solve_call"] + v["read"] for k, v in (("plain", plain), ("priced", priced))}
    rows, cols = plain["shape"]
    print(f"assignment LP: {args.nodes} nodes, {args.commodities} commodities; plain LP {rows} rows x {cols} columns")
    print(f"  load {args.load}: {plain['unserved_share']:.1%} of demand unserved, {plain['binding']} capacities bind")
    print(f"  plain   total {total['plain']:8.2f} s  (solve {plain['solve']:.2f} s)  peak {plain['peak_mb']:7.0f} MB")
    print(
        f"  priced  total {total['priced']:8.2f} s  (solve {priced['solve']:.2f} s)  peak {priced['peak_mb']:7.0f} MB"
    )
    print(f"  same optimum: relative difference {gap:.1e}   (target < 1e-6)")
    print(f"  ratio plain / priced time        {total['plain'] / total['priced']:6.2f}x   (target >= 10)")
    print(f"  ratio priced / plain peak memory {priced['peak_mb'] / plain['peak_mb']:6.2f}x   (target < 0.5)")
    own = plain["build"] + plain["read"] + (plain["solve_call"] - plain["solve"])
    print(f"  our time above the solve (plain) {own / plain['solve']:6.3f}x   (target <= 0.1)")


if __name__ == "__main__":
    main()
