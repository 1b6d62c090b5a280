"""Criticality sweeps: pruned and warm-started against brute force, and N-1 on a large synthetic network.

1. The full N-1 sweep of the built-in network on its 2021 demand, twice in this process: pruned
   and warm-started (the default), and brute force (a fresh LP built and solved per element).
   Both must give the same table. Prints brute / pruned time (target >= 20).
2. Monte Carlo risk on the built-in network: sampled years per second on a Dask LocalCluster of
   1 and of 2 workers (each cluster started before the clock starts; the best of ``--repeat`` runs). Prints the ratio (target
   >= 1.7 on a 2-core machine) and checks both give the same years.
3. A synthetic network (default 10,000 nodes, 10 commodities): N-1 over its 500 most loaded
   links, each closure warm-started from the baseline's priced master. Prints the time per
   closure relative to one baseline assignment (build and solve from scratch, by the same
   priced LP), which is what a brute-force closure costs.
"""

from __future__ import annotations

import argparse
import time


def built_in(repeat: int) -> None:
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


def monte_carlo(years: int, repeat: int = 3) -> None:
    from distributed import LocalCluster

    from corridor.flow import load_demand
    from corridor.network import load_network
    from corridor.sweep import SweepOptions, risk

    net = load_network()
    demand = load_demand(net)
    rates, tables = {}, {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0", silence_logs=40) as cluster:
            address = cluster.scheduler_address
            risk(
                net, demand, years=200, options=SweepOptions(seed=1, executor="dask", scheduler=address)
            )  # workers import corridor
            best = float("inf")
            for _ in range(repeat):  # the best of a few runs: the machine is shared and noisy
                start = time.perf_counter()
                result = risk(
                    net, demand, years=years, options=SweepOptions(seed=1, executor="dask", scheduler=address)
                )
                best = min(best, time.perf_counter() - start)
            rates[workers] = years / best
            tables[workers] = result.years
    same = tables[1].equals(tables[2])
    print(f"Monte Carlo risk of the built-in network: {years:,} sampled years (best of {repeat} runs)")
    print(f"  1 Dask worker   {rates[1]:9,.0f} years/s")
    print(f"  2 Dask workers  {rates[2]:9,.0f} years/s   same years: {'yes' if same else 'NO'}")
    print(f"  ratio 2 / 1 workers  {rates[2] / rates[1]:5.2f}x   (target >= 1.7)")


def synthetic(nodes: int, commodities: int, closures: int) -> None:
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--commodities", type=int, default=10)
    parser.add_argument("--closures", type=int, default=500)
    parser.add_argument("--years", type=int, default=100_000)
    args = parser.parse_args(argv)
    built_in(args.repeat)
    monte_carlo(args.years, args.repeat)
    synthetic(args.nodes, args.commodities, args.closures)


if __name__ == "__main__":
    main()
