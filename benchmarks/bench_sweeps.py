"""Monte Carlo risk on workers: Dask with 2 workers against 1, the process pool against serial, same run.

On the built-in network and its 2021 demand, ``--years`` sampled years (default 100,000, seed 1):

* **Dask**: a LocalCluster of 1 and of 2 single-threaded workers, each started (and warmed with a
  short run) before the clock starts, as a running cluster would be; the best of ``--repeat``
  runs on each. Figure ``dask_2_over_1``: years per second on 2 workers / on 1 (target >= 1.7
  on a 2-core machine).
* **processes**: ``risk`` with ``executor="processes"`` as a user runs it (the pool started
  inside the run, and the run free to stay serial when workers would not pay) against
  ``executor="serial"``. Figure ``processes_over_serial``: years per second on processes / serial
  (target >= 1.0).

Every run must give the same table of years (same seed, same numbers on every executor): the
benchmark exits non-zero otherwise.
"""

from __future__ import annotations

import argparse

from timing import best_of


def main(argv: list[str] | None = None) -> dict:
    from distributed import LocalCluster

    from corridor.flow import load_demand
    from corridor.network import load_network
    from corridor.sweep import SweepOptions, risk

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    net = load_network()
    demand = load_demand(net)
    years = args.years

    def run(**options):
        return risk(net, demand, years=years, options=SweepOptions(seed=1, **options))

    risk(net, demand, years=200, options=SweepOptions(seed=1))  # imports and caches warm, as in a session
    serial_s, serial = best_of(args.repeat, run)
    processes_s, processes = best_of(args.repeat, lambda: run(executor="processes", workers=2))
    dask_s, tables = {}, {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0", silence_logs=40) as cluster:
            address = cluster.scheduler_address
            risk(net, demand, years=300, options=SweepOptions(seed=1, executor="dask", scheduler=address))
            dask_s[workers], result = best_of(args.repeat, lambda a=address: run(executor="dask", scheduler=a))
            tables[workers] = result.years
    same = all(serial.years.equals(t) for t in (processes.years, tables[1], tables[2]))
    figures = {
        "dask_2_over_1": dask_s[1] / dask_s[2],
        "processes_over_serial": serial_s / processes_s,
        "same_years": same,
        "years": years,
        "states": serial.n_states,
    }
    print(
        f"Monte Carlo risk of the built-in network: {years:,} sampled years, {serial.n_states} states (best of {args.repeat})"
    )
    print(f"  serial            {serial_s:7.2f} s  {years / serial_s:9,.0f} years/s")
    print(f"  processes (2)     {processes_s:7.2f} s  {years / processes_s:9,.0f} years/s  {processes.note}")
    print(f"  Dask, 1 worker    {dask_s[1]:7.2f} s  {years / dask_s[1]:9,.0f} years/s")
    print(f"  Dask, 2 workers   {dask_s[2]:7.2f} s  {years / dask_s[2]:9,.0f} years/s")
    print(f"  same years on every executor: {'yes' if same else 'NO'}")
    print(f"  Dask 2 / 1 workers     {figures['dask_2_over_1']:5.2f}x   (target >= 1.7)")
    print(f"  processes / serial     {figures['processes_over_serial']:5.2f}x   (target >= 1.0)")
    if not same:
        raise SystemExit("the executors gave different years for the same seed")
    return figures


if __name__ == "__main__":
    main()
