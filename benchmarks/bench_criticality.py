"""Criticality sweeps: pruned and warm-started against brute force, and N-1 on a large synthetic network.

1. The full N-1 sweep of the built-in network on its 2021 demand, twice in this process: pruned
   and warm-started (the default), and brute force (a fresh LP built and solved per element).
   Both must give the same table. Prints brute / pruned time (target >= 20).
2. A synthetic network (default 10,000 nodes, 10 commodities): N-1 over its 500 most loaded
   links, each closure warm-started from the baseline's priced master. Prints the time per
   closure relative to one baseline assignment (build and solve from scratch, by the same
   priced LP), which is what a brute-force closure costs.
3. N-1 at national scale (``--large-nodes``, default 100,000 nodes, 20 commodities): the
   ``--large-closures`` (default 20) most loaded links closed in turn on the sweep engine with
   ``executor="processes"`` and 2 workers, as ``corridor criticality --executor processes
   --workers 2`` runs it, in a fresh process so that its peak memory is its own. Each worker
   builds its own baseline (a HiGHS model cannot be sent) from the network it is sent once; no
   worker starts a pricing helper of its own. Prints the sweep's time, the time per closure
   (the sweep less one baseline, over the closures) relative to one baseline assignment, the
   peak memory of the sweeping process and of its largest worker, and how often the progress
   callback moved (a progress bar's updates). ``--large-nodes 0`` skips it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def built_in(repeat: int) -> float:
    import numpy as np

    from corridor.flow import load_demand
    from corridor.network import load_network
    from corridor.sweep import criticality

    net = load_network()
    demand = load_demand(net)
    criticality(net, demand)  # imports and caches warm, as in a long session
    fast_times, brute_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        fast = criticality(net, demand)
        fast_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        brute = criticality(net, demand, brute=True)
        brute_times.append(time.perf_counter() - start)
    a = fast.table.set_index("closed").sort_index()
    b = brute.table.set_index("closed").sort_index()
    numbers = [c for c in a.columns if c == "extra_cost_usd" or c.startswith("stranded_")]
    gap = float(np.abs(a[numbers].to_numpy() - b[numbers].to_numpy()).max())
    same = list(a.index) == list(b.index) and gap <= 1e-9 * abs(brute.baseline_cost_usd)
    print(f"N-1 of the built-in network: {len(fast.table)} closures")
    print(f"  pruned, warm-started  {min(fast_times):7.3f} s  ({fast.n_solved} LPs)")
    print(f"  brute force           {min(brute_times):7.3f} s  ({brute.n_solved} LPs)")
    print(f"  same answers: {'yes' if same else 'NO'} (largest difference {gap:.2e})")
    print(f"  ratio brute / pruned  {min(brute_times) / min(fast_times):6.1f}x   (target >= 20)")
    if not same:
        raise SystemExit("pruned and brute-force N-1 gave different tables")
    return min(brute_times) / min(fast_times)


def synthetic(nodes: int, commodities: int, closures: int) -> float:
    import numpy as np

    from corridor.flow import build_assignment, solve_model, synthetic_demand
    from corridor.network import synthetic_network
    from corridor.sweep import closable_elements, criticality

    net = synthetic_network(nodes, neighbours=3, n_commodities=commodities, seed=5)
    demand = synthetic_demand(net, commodities, seed=11, quantity=(2e6, 1e7))
    start = time.perf_counter()
    model = build_assignment(net, demand)
    solution = solve_model(model)  # the priced LP at this size, as criticality uses
    one = time.perf_counter() - start
    flow = np.bincount(model.flow_arc, weights=solution.x[: model.n_flow], minlength=net.compiled.n_arcs)
    per_link = np.bincount(net.compiled.arc_link, weights=flow, minlength=len(net.links))
    loaded = set(np.asarray(net.compiled.link_ids)[np.argsort(-per_link)[:closures]].tolist())
    only = [e for e in closable_elements(net, kinds=["link"]) if e.id in loaded]
    start = time.perf_counter()
    result = criticality(net, demand, elements=only)
    sweep = time.perf_counter() - start
    each = (sweep - one) / len(only)
    print(f"N-1 on a synthetic network: {nodes} nodes, {len(net.links)} links, {commodities} commodities")
    print(
        f"  one baseline assignment (build and solve)  {one:7.2f} s  ({model.shape[0]} rows x {model.shape[1]} columns)"
    )
    print(f"  {len(only)} most loaded links closed in turn {sweep:7.2f} s  ({result.n_solved} LPs)")
    print(f"  time per closure / one assignment          {each / one:7.3f}x")
    return each / one


def _descendants_rss_mb() -> dict[int, float]:
    """Resident memory (MB) of every process below this one (the pool's workers are the forkserver's children)."""
    import os
    from pathlib import Path

    parent: dict[int, int] = {}
    rss: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parent[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, IndexError, ValueError):
            continue
    mine, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, ppid in parent.items() if ppid in frontier} - mine
        mine |= frontier
    return {pid: rss[pid] for pid in mine}


def large(nodes: int, commodities: int, closures: int, workers: int) -> dict:
    """N-1 over the most loaded links of a national-scale network on the processes executor (in this process)."""
    import resource

    import numpy as np

    from corridor.flow import build_assignment, solve_model, synthetic_demand
    from corridor.network import synthetic_network
    from corridor.sweep import SweepOptions, closable_elements, criticality

    net = synthetic_network(nodes, neighbours=3, n_commodities=commodities, seed=5)
    demand = synthetic_demand(net, commodities, seed=7, scale=0.3)
    net.compiled  # noqa: B018 - compiled before the clock starts, as a session would have it
    start = time.perf_counter()
    model = build_assignment(net, demand)
    solution = solve_model(model)
    one = time.perf_counter() - start
    flow = np.bincount(model.flow_arc, weights=solution.x[: model.n_flow], minlength=net.compiled.n_arcs)
    per_link = np.bincount(net.compiled.arc_link, weights=flow, minlength=len(net.links))
    loaded = set(np.asarray(net.compiled.link_ids)[np.argsort(-per_link)[:closures]].tolist())
    only = [e for e in closable_elements(net, kinds=["link"]) if e.id in loaded]
    del model, solution
    updates: list[tuple[int, int]] = []
    options = SweepOptions(
        executor="processes", workers=workers, always_spread=True, progress=lambda d, t: updates.append((d, t))
    )
    import threading

    worker_peak = [0.0]
    done = threading.Event()

    def watch() -> None:  # the workers' peak resident memory, sampled twice a second
        while not done.wait(0.5):
            worker_peak[0] = max([worker_peak[0], *_descendants_rss_mb().values()])

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    result = criticality(net, demand, elements=only, options=options)
    sweep = time.perf_counter() - start
    done.set()
    watcher.join()
    mb = 1 / 1024  # ru_maxrss is in kB on Linux
    return {
        "nodes": nodes,
        "links": len(net.links),
        "closures": len(only),
        "lps": result.n_solved,
        "one_s": one,
        "sweep_s": sweep,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * mb,
        "worker_peak_mb": worker_peak[0],
        "progress_updates": len(updates),
        "progress_last": list(updates[-1]) if updates else None,
    }


def run_large(nodes: int, commodities: int, closures: int, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--large-child", "--large-nodes", str(nodes), "--commodities", str(commodities)]
    cmd += ["--large-closures", str(closures), "--workers", str(workers)]
    out = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
    each = (out["sweep_s"] - out["one_s"]) / max(1, out["closures"])
    print(
        f"N-1 at national scale: {out['nodes']:,} nodes, {out['links']:,} links, {commodities} commodities; "
        f"the {out['closures']} most loaded links on {workers} processes"
    )
    print(f"  one baseline assignment (build and solve)  {out['one_s']:7.2f} s")
    print(f"  sweep ({out['lps']} LPs, workers building their own baselines)  {out['sweep_s']:7.2f} s")
    print(f"  time per closure / one assignment          {each / out['one_s']:7.3f}x")
    print(
        f"  peak memory: sweeping process {out['peak_mb']:,.0f} MB, largest worker {out['worker_peak_mb']:,.0f} MB; "
        f"progress moved {out['progress_updates']} times (last {out['progress_last']})"
    )
    return {
        "large_nodes": out["nodes"],
        "large_closures": out["closures"],
        "large_sweep_seconds": round(out["sweep_s"], 1),
        "large_closure_over_assignment": round(each / out["one_s"], 3),
        "large_peak_mb": round(out["peak_mb"]),
        "large_worker_peak_mb": round(out["worker_peak_mb"]),
        "large_progress_updates": out["progress_updates"],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--commodities", type=int, default=10)
    parser.add_argument("--closures", type=int, default=500, help="0 skips the synthetic network")
    parser.add_argument("--large-nodes", type=int, default=100_000, help="N-1 at national scale (0 skips it)")
    parser.add_argument("--large-closures", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--large-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.large_child:
        print(json.dumps(large(args.large_nodes, args.commodities, args.large_closures, args.workers)))
        return {}
    figures = {"pruned_over_brute": built_in(args.repeat)}
    if args.closures:
        figures["closure_over_assignment"] = synthetic(args.nodes, args.commodities, args.closures)
    if args.large_nodes:
        figures |= run_large(args.large_nodes, 20, args.large_closures, args.workers)
    return figures


if __name__ == "__main__":
    main()
