"""The assignment LP against its floor and its plain form, each measured in the same run.

A synthetic network (default 10,000 nodes, about 28,400 links, 100 commodities, each one origin-
destination pair) is assigned three ways, each in a fresh process so that peak memory is its own:

* **floor**: all-or-nothing shortest routes for the same demand, ignoring capacity (per commodity
  one CSR graph at its tariffs, one batched Dijkstra over its origins, each pair's route traced
  and its volume added to the arcs). No capacitated assignment can be cheaper to compute; the
  best of three runs.
* **priced**: :func:`corridor.flow.build_assignment`, :func:`corridor.flow.solve_priced` and
  :func:`corridor.flow.read_assignment` (what ``corridor assign`` does at this size). From 100,000
  groups x nodes a forked helper process prices half of each round on the second core
  (``--no-helper``: one process); its memory beyond the pages it shares counts in the peak.
* **plain**: the same with every (commodity, arc) column in one LP (``--no-plain`` skips it: at
  10,000 nodes it takes about half an hour).
* **equilibrium**: what the segments' equilibrium costs. The priced LP above runs inside
  :func:`corridor.flow.equilibrium.solve_equilibrium`, as ``corridor assign --equilibrium`` does (the synthetic
  network has no queues: one solve, gap 0); and on the built-in network, baseline and
  ``sanctions-2022`` on 2022-06-01 (queues at the Caspian and the borders), the LP solved until
  every segment weighs the waits at its own value of time against the LP solved once (best of
  three): ``equilibrium_over_lp``, with the rounds and the gap reached.

Both LPs must reach the same objective (relative difference <= 1e-6): the benchmark exits
non-zero otherwise. Demand is drawn at random (5-30 M units a year per pair) times ``--load``
(default 0.3), which sets how congested the network is; the share of demand left unserved and
the number of binding capacities are printed, because congestion sets how many pricing rounds
the priced LP needs.

Figures (see the README for targets): ``priced_over_floor`` (priced time / floor time),
``priced_over_plain`` (priced time / plain time), ``peak_memory_ratio`` (priced peak RSS / plain
peak RSS), ``equilibrium_over_lp`` (built-in network: the LP until the waits settle / the LP once)
and ``equilibrium_gap`` (the largest relative gap left there). ``--sizes 2000,5000,10000,20000`` runs the floor and the priced LP at each size and
prints their times and ratio, so the growth is visible, with a plot in ``out/bench/``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

EXACT = 1e-6
"""Largest relative difference allowed between the priced and the plain LP's objectives."""


def all_or_nothing(net, demand) -> np.ndarray:
    """[arc] volume per year with every pair on its cheapest route at the tariffs, capacity ignored."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import dijkstra

    cn = net.compiled
    table = demand.table
    load = np.zeros(cn.n_arcs)
    origin = np.array([cn.node_index[o] for o in table["origin"]])
    destination = np.array([cn.node_index[d] for d in table["destination"]])
    commodity = np.array([cn.commodity_index(c) for c in table["commodity"]])
    quantity = table["quantity_per_year"].to_numpy(float)
    for c in np.unique(commodity):
        arcs = np.flatnonzero(cn.allowed[c])
        cost = cn.cost_usd[c, arcs] + 1e-12
        graph = csr_array((cost, (cn.tail[arcs], cn.head[arcs])), shape=(cn.n_nodes, cn.n_nodes))
        keys = cn.tail[arcs].astype(np.int64) * cn.n_nodes + cn.head[arcs]  # an arc found by its two ends
        order = np.argsort(keys, kind="stable")
        pairs = np.flatnonzero(commodity == c)
        sources = np.unique(origin[pairs])
        _, pred = dijkstra(graph, indices=sources, return_predecessors=True)
        row = {int(s): i for i, s in enumerate(sources)}
        for p in pairs:
            tree, node = pred[row[int(origin[p])]], int(destination[p])
            nodes = [node]
            while tree[node] >= 0:
                node = int(tree[node])
                nodes.append(node)
            path = np.asarray(nodes[::-1], dtype=np.int64)
            hops = np.searchsorted(keys[order], path[:-1] * cn.n_nodes + path[1:])
            np.add.at(load, arcs[order[hops]], quantity[p])
    return load


def _case(args: argparse.Namespace):
    from corridor.flow import synthetic_demand
    from corridor.network import synthetic_network

    net = synthetic_network(args.nodes, neighbours=3, n_commodities=args.commodities, seed=5)
    demand = synthetic_demand(net, args.commodities, seed=7, scale=args.load)
    net.compiled  # noqa: B018 - compiled once before any clock starts, as a session would have it
    return net, demand


def child(args: argparse.Namespace) -> None:
    from corridor.flow import PricedLP, build_assignment, read_assignment, solve_assignment
    from corridor.flow.equilibrium import solve_equilibrium

    if args.method == "equilibrium":
        print(json.dumps(equilibrium_cost()))
        return
    net, demand = _case(args)
    out: dict = {}
    if args.method == "floor":
        times, cpu = [], []
        for _ in range(3):
            start, cpu_start = time.perf_counter(), _cpu_seconds()
            all_or_nothing(net, demand)
            times.append(time.perf_counter() - start)
            cpu.append(_cpu_seconds() - cpu_start)
        out["seconds"] = min(times)
        out["cpu_seconds"] = min(cpu)
    else:
        start, cpu_start = time.perf_counter(), _cpu_seconds()
        model = build_assignment(net, demand)
        built = time.perf_counter()
        if args.method == "plain":
            solution = solve_assignment(model)
        else:  # what solve_priced does, keeping the helper's own memory for the peak below

            def priced(cost: np.ndarray):
                tolled = model if cost is model.cost else replace(model, cost=cost)
                with PricedLP(tolled, helper=None if args.method == "priced" else False) as lp:
                    out["helper"] = lp.helper is not None
                    solved = lp.solve()
                out["helper_mb"] = max(out.get("helper_mb", 0.0), lp.helper_mb)
                return solved

            solution = solve_equilibrium(model, priced)
            out["equilibrium_rounds"] = solution.equilibrium.rounds
        solved = time.perf_counter()
        result = read_assignment(model, solution)
        done = time.perf_counter()
        out |= {
            "seconds": done - start,
            "cpu_seconds": _cpu_seconds() - cpu_start,  # the helper's too: it has exited and been waited for
            "objective": solution.objective,
            "build": built - start,
            "solve": solved - built,
            "read": done - solved,
            "shape": model.shape,
            "unserved_share": float(result.unserved["unserved"].sum() / result.unserved["demand"].sum()),
            "binding": len(result.bottlenecks),
        }
    # this process's peak, and what the priced LP's pricing helper (a fork: it shares this
    # process's pages) took beyond them
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + out.pop("helper_mb", 0.0)
    print(json.dumps(out))


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have exited (the priced LP's pricing helper)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def equilibrium_cost(repeats: int = 3) -> dict:
    """On the built-in network (baseline, and sanctions-2022 on 2022-06-01): the LP solved until
    the segments' waits settle against the LP solved once, best of ``repeats`` each."""
    import datetime as dt

    from corridor import load_network
    from corridor.flow import build_assignment, load_demand, solve_model
    from corridor.scenario import load_scenario, scenario_effect, with_investments

    net = load_network()
    demand = load_demand(net)
    scenario = load_scenario("sanctions-2022", net)
    sanctioned = with_investments(net, scenario)
    horizon = scenario.on(dt.date(2022, 6, 1)).horizon
    models = [
        build_assignment(net, demand),
        build_assignment(
            sanctioned, demand, effect=scenario_effect(sanctioned, scenario, demand.table, horizon=horizon)
        ),
    ]
    out: dict = {"once": 0.0, "equilibrium": 0.0, "rounds": [], "gaps": [], "first_gaps": []}
    for model in models:
        for key, settle in (("once", False), ("equilibrium", True)):
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                solution = solve_model(model, lp="plain", equilibrium=settle)
                times.append(time.perf_counter() - start)
            out[key] += min(times)
        out["rounds"].append(solution.equilibrium.rounds)
        out["gaps"].append(solution.equilibrium.relative_gap)
        out["first_gaps"].append(solution.equilibrium.first_gap)
    return out


def run(method: str, nodes: int, commodities: int, load: float) -> dict:
    cmd = [sys.executable, __file__, "--child", method, "--nodes", str(nodes), "--commodities", str(commodities)]
    out = subprocess.run([*cmd, "--load", str(load)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(nodes: int, commodities: int, load: float, plain: bool, helper: bool = True) -> dict:
    """The floor, the priced LP and (with ``plain``) the plain LP on one case, each in its own
    process (without ``helper``, the priced LP prices in its own process alone)."""
    figures = {"nodes": nodes, "commodities": commodities, "floor": run("floor", nodes, commodities, load)}
    figures["priced"] = run("priced" if helper else "priced-alone", nodes, commodities, load)
    figures["equilibrium"] = run("equilibrium", nodes, commodities, load)
    if plain:
        figures["plain"] = run("plain", nodes, commodities, load)
    return figures


def size_sweep(sizes: list[int], commodities: int, load: float, out_dir: Path) -> list[dict]:
    """Floor and priced times per size, printed and plotted."""
    rows = []
    print(f"assignment LP by size: {commodities} commodities, load {load}")
    print(
        f"  {'nodes':>7} {'floor s':>9} {'priced s':>9} {'ratio':>7} {'cpu ratio':>9} {'build':>7} {'solve':>7} "
        f"{'unserved':>9}"
    )
    for nodes in sizes:
        m = measure(nodes, commodities, load, plain=False)
        floor, priced = m["floor"]["seconds"], m["priced"]["seconds"]
        cpu_ratio = m["priced"]["cpu_seconds"] / m["floor"]["cpu_seconds"]
        rows.append(
            {"nodes": nodes, "floor_s": floor, "priced_s": priced, "ratio": priced / floor, "cpu_ratio": cpu_ratio}
        )
        print(
            f"  {nodes:7d} {floor:9.2f} {priced:9.2f} {priced / floor:6.1f}x {cpu_ratio:8.1f}x {m['priced']['build']:7.2f} "
            f"{m['priced']['solve']:7.2f} {m['priced']['unserved_share']:8.1%}"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "assignment_sizes.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    x = [r["nodes"] for r in rows]
    left.plot(x, [r["priced_s"] for r in rows], "o-", label="priced LP (build, solve, read)")
    left.plot(x, [r["floor_s"] for r in rows], "s-", label="floor: all-or-nothing routes")
    left.set(xlabel="nodes", ylabel="seconds", title="Time by network size", yscale="log")
    left.legend()
    right.plot(x, [r["ratio"] for r in rows], "o-")
    right.axhline(20, color="grey", linestyle="--", label="target 20x")
    right.set(xlabel="nodes", ylabel="priced / floor", title="Priced LP over its floor", ylim=(0, None))
    right.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "assignment_sizes.png", dpi=120)
    print(f"  plot: {out_dir / 'assignment_sizes.png'}")
    return rows


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--commodities", type=int, default=100)
    parser.add_argument("--load", type=float, default=0.3, help="demand as a share of the default draw")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain LP (the floor is always measured)")
    parser.add_argument("--no-helper", action="store_true", help="price in one process (no second core)")
    parser.add_argument("--sizes", default=None, help="comma-separated node counts: a size sweep, floor and priced")
    parser.add_argument("--out", default="out/bench", help="folder of the size sweep's table and plot")
    parser.add_argument("--child", dest="method", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.method:
        child(args)
        return {}
    if args.sizes:
        rows = size_sweep([int(s) for s in args.sizes.split(",")], args.commodities, args.load, Path(args.out))
        return {"sizes": rows}
    m = measure(args.nodes, args.commodities, args.load, plain=not args.no_plain, helper=not args.no_helper)
    floor, priced = m["floor"], m["priced"]
    print(f"assignment LP: {args.nodes} nodes, {args.commodities} commodities, load {args.load}")
    print(f"  {priced['unserved_share']:.1%} of demand unserved, {priced['binding']} capacities bind")
    print(f"  floor (all-or-nothing routes) {floor['seconds']:8.2f} s")
    processes = "2 processes" if priced["helper"] else "1 process  "
    print(
        f"  priced LP ({processes})     {priced['seconds']:8.2f} s  (build {priced['build']:.2f}, solve "
        f"{priced['solve']:.2f}, read {priced['read']:.2f})  peak {priced['peak_mb']:7.0f} MB"
    )
    eq = m["equilibrium"]
    print(f"  priced LP in the equilibrium loop: {priced['equilibrium_rounds']} solve (no queues on this network)")
    print(
        f"  built-in network, baseline and sanctions-2022 on 2022-06-01: LP once {eq['once']:.2f} s, until the "
        f"waits settle {eq['equilibrium']:.2f} s ({eq['equilibrium'] / eq['once']:.1f}x; rounds "
        f"{', '.join(map(str, eq['rounds']))}; gap {', '.join(f'{g:.1e}' for g in eq['first_gaps'])} once, "
        f"{', '.join(f'{g:.1e}' for g in eq['gaps'])} settled)"
    )
    figures: dict = {"nodes": args.nodes, "priced_over_floor": priced["seconds"] / floor["seconds"]}
    figures["equilibrium_over_lp"] = eq["equilibrium"] / eq["once"]
    figures["equilibrium_gap"] = max(eq["gaps"])
    figures["priced_processes"] = 2 if priced["helper"] else 1
    figures.update(priced_over_plain=None, peak_memory_ratio=None, exact=None)
    if "plain" in m:
        plain = m["plain"]
        rows, cols = plain["shape"]
        gap = abs(plain["objective"] - priced["objective"]) / abs(plain["objective"])
        print(
            f"  plain LP ({rows} x {cols})  {plain['seconds']:8.2f} s  (solve {plain['solve']:.2f})  "
            f"peak {plain['peak_mb']:7.0f} MB"
        )
        print(f"  same optimum: relative difference {gap:.1e}   (target <= {EXACT:.0e})")
        figures.update(
            priced_over_plain=priced["seconds"] / plain["seconds"],
            peak_memory_ratio=priced["peak_mb"] / plain["peak_mb"],
            exact=gap <= EXACT,
            objective_gap=gap,
        )
        print(f"  priced / plain time          {figures['priced_over_plain']:7.3f}   (target <= 0.1)")
        print(f"  priced / plain peak memory   {figures['peak_memory_ratio']:7.2f}   (target <= 0.5)")
        if gap > EXACT:
            raise SystemExit(f"the priced LP's objective differs from the plain LP's by {gap:.1e} (more than {EXACT})")
    print(f"  priced / floor time          {figures['priced_over_floor']:7.1f}   (target <= 20)")
    return figures


if __name__ == "__main__":
    main()
