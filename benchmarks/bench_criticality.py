"""Criticality sweeps: pruned and warm-started against brute force, and N-1 on a large synthetic network.

1. The full N-1 sweep of the built-in network on its 2021 demand, twice in this process: pruned
   and warm-started (the default), and brute force (a fresh LP built and solved per element).
   Both must give the same table. Prints brute / pruned time (target >= 20).
2. A synthetic network (default 10,000 nodes, 10 commodities): N-1 over its 500 most loaded
   links, each closure warm-started from the baseline's priced master. Prints the time per
   closure relative to one baseline assignment (build and solve from scratch, by the same
   priced LP), which is what a brute-force closure costs.
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--commodities", type=int, default=10)
    parser.add_argument("--closures", type=int, default=500, help="0 skips the synthetic network")
    args = parser.parse_args(argv)
    figures = {"pruned_over_brute": built_in(args.repeat)}
    if args.closures:
        figures["closure_over_assignment"] = synthetic(args.nodes, args.commodities, args.closures)
    return figures


if __name__ == "__main__":
    main()
