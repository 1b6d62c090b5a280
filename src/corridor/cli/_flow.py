"""Commands that place demand on the network: ``assign``, ``impact``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from corridor.cli import _shell as sh
from corridor.errors import RequestError


@sh.app.command()
def assign(
    scenario: str | None = typer.Option(None, "--scenario", help="Built-in scenario name or YAML file."),
    demand_file: Path | None = sh.DEMAND_OPTION,
    on: str | None = typer.Option(None, "--on", help="On the network of that day, YYYY-MM-DD (capacity-history.csv)."),
    year: int | None = typer.Option(
        None, "--year", help="That year's demand (2021-2024) over that year's networks, stretch by stretch."
    ),
    equilibrium: bool = sh.EQUILIBRIUM_OPTION,
    samples: int | None = typer.Option(None, "--samples", help="Draws of the assumptions: ranges and drivers."),
    seed: int = typer.Option(1, "--seed", help="Random seed of the draws (with --samples)."),
    executor: str = sh.EXECUTOR_OPTION,
    workers: int | None = sh.WORKERS_OPTION,
    tornado: Path | None = sh.TORNADO_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = sh.DATA_OPTION,
    results: Path | None = sh.RESULTS_OPTION,
    save: bool = sh.SAVE_OPTION,
) -> None:
    """Place demand on the network within capacities: flows, unserved volume, binding bottlenecks."""
    from corridor.flow import assign as run_assignment
    from corridor.scenario import load_scenario

    if samples is not None:
        from corridor.cli._ranged import check_samples, ranged_assign

        check_samples(samples)
        if year is not None or on is not None:
            raise sh.fail(RequestError("--samples draws over the published network; drop --on and --year"))
        options = sh.sweep_options(executor, None, workers, None, seed=seed)
        tornado = sh.figure_path(tornado)
        net, demand = sh.network_and_demand(data, demand_file)
        chosen = None if scenario is None else sh.guard(lambda: load_scenario(scenario, net))
        ranged_assign(net, demand, chosen, equilibrium=equilibrium, samples=samples, options=options, data=data,
                      as_json=as_json, plot=tornado)  # fmt: skip
        return
    if year is not None:
        if on is not None or demand_file is not None:
            raise sh.fail(RequestError("--year sets the day and the demand; drop --on and --demand"))
        from corridor.analysis.yearly import assign_year

        net = sh.load_network_or_exit(data)
        chosen = None if scenario is None else sh.guard(lambda: load_scenario(scenario, net))
        result, demand = sh.guard(lambda: assign_year(net, year, scenario=chosen, equilibrium=equilibrium))
    else:
        full, demand = sh.network_and_demand(data, demand_file)
        net, _ = sh.network_of_day(full, on, None)
        chosen = None if scenario is None else sh.guard(lambda: load_scenario(scenario, net))
        result = sh.guard(lambda: run_assignment(net, demand, scenario=chosen, equilibrium=equilibrium))
    run_id = sh.keep_run(results, "assign", net, demand, chosen, result) if save else None
    if as_json:
        sh.emit_json(result.to_dict())
        return
    from corridor.cli._render import print_assignment

    print_assignment(net, demand, result)
    if run_id is not None:
        print(f"saved as run {run_id} in {sh.results_path(results)}")


@sh.app.command()
def impact(
    scenario: str = typer.Argument(..., help="Built-in scenario name or YAML file."),
    base: str | None = typer.Option(
        None, "--base", help="Measure on top of this scenario (name or YAML): its events hold in every run."
    ),
    period: str = typer.Option("week", "--period", help="Length of a period: day, week or month."),
    samples: int | None = typer.Option(None, "--samples", help="Draws of the assumptions: ranges and drivers."),
    seed: int = typer.Option(1, "--seed", help="Random seed of the draws (with --samples)."),
    executor: str = sh.EXECUTOR_OPTION,
    workers: int | None = sh.WORKERS_OPTION,
    demand_file: Path | None = sh.DEMAND_OPTION,
    series_file: Path | None = typer.Option(
        None, "--series", help="Write the series per period, corridor and direction (.csv or .xlsx)."
    ),
    plot: Path | None = typer.Option(None, "--plot", help="Write a chart of the series (.png, .svg or .html)."),
    tornado: Path | None = sh.TORNADO_OPTION,
    equilibrium: bool = sh.EQUILIBRIUM_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = sh.DATA_OPTION,
    results: Path | None = sh.RESULTS_OPTION,
    save: bool = sh.SAVE_OPTION,
) -> None:
    """A scenario against the same periods without it: the disruption's cost apart from the market's,
    stranded and deferred cargo, bottlenecks by rent, dependency, and the series per period."""
    from corridor.analysis import impact as run_impact
    from corridor.analysis.replay import ReplayCache
    from corridor.scenario import load_scenario

    if period not in ("day", "week", "month"):
        raise sh.fail(RequestError(f"period is {period!r}; expected day, week or month"))
    if samples is not None:
        from corridor.cli._uncertainty import ranged_impact

        if not equilibrium or base is not None:  # the draws replay the scenario alone, at the equilibrium
            raise sh.fail(
                RequestError("--samples draws the scenario alone at the equilibrium; drop --no-equilibrium and --base")
            )

        ranged_impact(scenario, period=period, samples=samples, seed=seed, executor=executor, workers=workers,
                      data=data, demand_file=demand_file, as_json=as_json,
                      tornado=sh.figure_path(tornado))  # fmt: skip
        return
    if series_file is not None and series_file.suffix.lower() not in (".csv", ".xlsx"):
        raise sh.fail(RequestError(f"--series {series_file}: expected a name ending in .csv or .xlsx"))
    plot = sh.figure_path(plot)
    net, demand = sh.network_and_demand(data, demand_file)
    chosen = sh.guard(lambda: load_scenario(scenario, net))
    under = None if base is None else sh.guard(lambda: load_scenario(base, net))
    cache = ReplayCache(equilibrium=equilibrium)
    result = sh.guard(lambda: run_impact(net, demand, chosen, base=under, period=period, cache=cache))  # type: ignore[arg-type]
    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    run_id = sh.keep_run(results, "impact", net, demand, chosen, result) if save else None
    if series_file is not None:
        _write_series(result, series_file)
    if plot is not None:
        from corridor.plot import plot_impact_periods

        plot_impact_periods(result, plot)
    if as_json:
        sh.emit_json(result.to_dict())
        return
    from corridor.cli._render import print_impact

    print_impact(net, result)
    sh.report_outputs((series_file, plot), run_id, results)


def _write_series(result: Any, path: Path) -> None:
    """The series as CSV (one row per period, corridor and direction, with the period's totals) or
    as an Excel workbook (sheets: periods, series), written atomically."""
    from corridor.store import write_atomically

    totals, series = result.period_totals, result.series
    if path.suffix.lower() == ".csv":
        joined = series.merge(totals.drop(columns=["start", "end"]), on="period", how="right")
        write_atomically(path, lambda tmp: joined.to_csv(tmp, index=False))
        return
    import pandas as pd

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            totals.to_excel(book, sheet_name="periods", index=False)
            series.to_excel(book, sheet_name="series", index=False)

    write_atomically(path, write)
