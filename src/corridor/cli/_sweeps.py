"""Sweep commands: ``criticality``, ``risk``, ``invest``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import typer

from corridor.cli import _shell as sh
from corridor.errors import RequestError


@sh.app.command()
def criticality(
    n: int = typer.Option(1, "--n", help="1: close each element alone; 2: every pair together."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Measure against the network as this scenario leaves it (name or YAML)."
    ),
    on: str | None = typer.Option(
        None,
        "--on",
        help="The day, YYYY-MM-DD: its network, and the scenario's state (default: the day the most of its events hold).",
    ),
    year: int | None = sh.YEAR_OPTION,
    top_pairs: int | None = typer.Option(
        None, "--top-pairs", help="N-2 on large networks: pair only the K costliest closures with their backups."
    ),
    for_country: str | None = typer.Option(
        None, "--for", help="Rank by one country's trade (ISO code, e.g. KZ): its exports and imports."
    ),
    transit: bool = typer.Option(False, "--transit", help="With --for: count too the cargo crossing the country."),
    executor: str = sh.EXECUTOR_OPTION,
    scheduler: str | None = sh.SCHEDULER_OPTION,
    workers: int | None = sh.WORKERS_OPTION,
    kinds: list[str] = typer.Option(["link,node,group"], "--kinds", help="Element kinds: link, node, group."),
    top: int = typer.Option(10, "--top", help="Rows to print."),
    demand_file: Path | None = sh.DEMAND_OPTION,
    table_file: Path | None = typer.Option(
        None, "--table", help="Write the whole table, one row per element closed (.csv or .parquet)."
    ),
    ranking_file: Path | None = typer.Option(
        None,
        "--ranking",
        help="Write the ranking, one row per distinct outcome (.csv, or .xlsx with every closure on a second sheet).",
    ),
    plot: Path | None = typer.Option(None, "--plot", help="Write a ranked bar chart (.png, .svg or .html)."),
    samples: int | None = typer.Option(
        None, "--samples", help="Draws of the assumptions: ranges and drivers for the costliest closures."
    ),
    seed: int = typer.Option(1, "--seed", help="Random seed of the draws (with --samples)."),
    tornado: Path | None = sh.TORNADO_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = sh.DATA_OPTION,
    results: Path | None = sh.RESULTS_OPTION,
    save: bool = sh.SAVE_OPTION,
) -> None:
    """Single points of failure: close each line, port, border, pipeline, ferry line and sea chokepoint
    (or each pair) and rank the cost, for all trade or one country's."""
    from corridor.sweep import closable_elements
    from corridor.sweep import criticality as sweep

    if n not in (1, 2):
        raise sh.fail(RequestError(f"--n is {n}; expected 1 or 2"))
    if not 1 <= top <= 100_000:
        raise sh.fail(RequestError(f"--top is {top}; expected a number of rows from 1 to 100,000"))
    if top_pairs is not None and (n != 2 or not 1 <= top_pairs <= 100_000):
        raise sh.fail(RequestError(f"--top-pairs is {top_pairs}; expected a number >= 1, with --n 2"))
    if transit and for_country is None:
        raise sh.fail(RequestError("--transit counts the cargo crossing a country; give --for COUNTRY too"))
    if ranking_file is not None and ranking_file.suffix.lower() not in (".csv", ".xlsx"):
        raise sh.fail(RequestError(f"--ranking {ranking_file}: expected a .csv or .xlsx file name"))
    country = None if for_country is None else for_country.strip().upper()
    options = sh.sweep_options(executor, scheduler, workers, table_file, seed=seed)
    plot, tornado = sh.figure_path(plot), sh.figure_path(tornado)
    if samples is not None:
        from corridor.cli._ranged import check_samples

        check_samples(samples)
        if n != 1 or on is not None or year is not None:
            raise sh.fail(RequestError("--samples gives ranges to single closures on the published network; "
                                       "drop --n 2, --on and --year"))  # fmt: skip
    from corridor.scenario import load_scenario

    full, demand = sh.network_and_demand(data, demand_file, year)
    net, day = sh.network_of_day(full, on, year)
    chosen = None if scenario is None else sh.guard(lambda: load_scenario(scenario, net))
    if chosen is not None:
        chosen = _on_day(chosen, None if day is None else day.isoformat())
    chosen_kinds = sh.split(kinds)
    candidates = sh.guard(lambda: closable_elements(net, kinds=chosen_kinds, demand=demand))
    with sh.Progress("closures") as advance:
        result = sh.guard(
            lambda: sweep(
                net, demand, n=n, elements=candidates, scenario=chosen, top=top_pairs,
                country=country, transit=transit, options=replace(options, progress=advance),
            )
        )  # fmt: skip
    run_id = sh.keep_run(results, "criticality", net, demand, chosen, result) if save else None
    if table_file is not None:
        sh.write_table(result.table, table_file)
    if ranking_file is not None:
        _write_ranking(result, ranking_file)
    if plot is not None:
        from corridor.plot import plot_criticality

        plot_criticality(result.distinct(), plot)
    if samples is not None:
        from corridor.cli._ranged import ranged_criticality

        ranged_criticality(net, demand, chosen, result, samples=samples, options=options, top=top, data=data,
                           as_json=as_json, plot=tornado)  # fmt: skip
        if not as_json:
            sh.report_outputs((table_file, ranking_file, plot, tornado), run_id, results)
        return
    if as_json:
        sh.emit_json(result.to_dict(limit=top))
        return
    from corridor.cli._render import print_criticality

    print_criticality(result, top=top)
    sh.report_outputs((table_file, ranking_file, plot), run_id, results)


def _write_ranking(result: Any, path: Path) -> None:
    """The ranking (one row per distinct outcome, ``same_outcome`` naming the elements in series
    with the one in ``closed``) as CSV, or as an Excel workbook with every closure on a second
    sheet (``outcome`` and ``same_outcome_as`` tie it to its ranking row), written atomically."""
    import pandas as pd

    from corridor.store import write_atomically

    ranking = result.distinct().assign(rank=lambda t: range(1, len(t) + 1))
    ranking = ranking[["rank", *(c for c in ranking.columns if c != "rank")]]
    if path.suffix.lower() == ".csv":
        write_atomically(path, lambda tmp: ranking.to_csv(tmp, index=False))
        return

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            ranking.to_excel(book, sheet_name="ranking", index=False)
            result.table.to_excel(book, sheet_name="closures", index=False)

    write_atomically(path, write)


@sh.app.command()
def risk(
    years: int = typer.Option(..., "--years", help="Years to sample."),
    seed: int = typer.Option(..., "--seed", help="Random seed: the same seed gives the same years."),
    executor: str = sh.EXECUTOR_OPTION,
    scheduler: str | None = sh.SCHEDULER_OPTION,
    workers: int | None = sh.WORKERS_OPTION,
    hazards_file: Path | None = sh.HAZARDS_OPTION,
    demand_file: Path | None = sh.DEMAND_OPTION,
    table_file: Path | None = typer.Option(None, "--table", help="Write every sampled year (.csv or .parquet)."),
    plot: Path | None = typer.Option(None, "--plot", help="Write the loss exceedance curve (.png, .svg or .html)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = sh.DATA_OPTION,
    results: Path | None = sh.RESULTS_OPTION,
    save: bool = sh.SAVE_OPTION,
) -> None:
    """Sampled years of disruptions: expected annual loss, its standard error, VaR and CVaR."""
    from corridor.sweep import load_hazards
    from corridor.sweep import risk as sample

    options = sh.sweep_options(executor, scheduler, workers, table_file, seed=seed, years=years)
    plot = sh.figure_path(plot)
    net, demand = sh.network_and_demand(data, demand_file)
    hazards = sh.guard(lambda: load_hazards(net, hazards_file))
    with sh.Progress("years") as advance:
        result = sh.guard(
            lambda: sample(net, demand, years=years, hazards=hazards, options=replace(options, progress=advance))
        )
    run_id = sh.keep_run(results, "risk", net, demand, None, result) if save else None
    if table_file is not None:
        sh.write_table(result.years, table_file)
    if plot is not None:
        from corridor.plot import plot_exceedance

        plot_exceedance(result, plot)
    if as_json:
        sh.emit_json(result.to_dict())
        return
    from corridor.cli._render import print_risk

    print_risk(result)
    sh.report_outputs((table_file, plot), run_id, results)


@sh.app.command()
def invest(
    candidates_file: Path | None = typer.Argument(None, help="Candidates YAML (default: the built-in candidates)."),
    years: int = typer.Option(2000, "--years", help="Years to sample (the same years for every candidate)."),
    seed: int = typer.Option(1, "--seed", help="Random seed."),
    executor: str = sh.EXECUTOR_OPTION,
    scheduler: str | None = sh.SCHEDULER_OPTION,
    workers: int | None = sh.WORKERS_OPTION,
    hazards_file: Path | None = sh.HAZARDS_OPTION,
    scenario: str | None = typer.Option(
        None, "--scenario", help="Judge the candidates in this scenario's world (name or YAML): its events hold."
    ),
    demand_file: Path | None = sh.DEMAND_OPTION,
    on: str | None = typer.Option(None, "--on", help="On the network of that day, YYYY-MM-DD (capacity-history.csv)."),
    year: int | None = sh.YEAR_OPTION,
    table_file: Path | None = typer.Option(None, "--table", help="Write the ranking (.csv or .parquet)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = sh.DATA_OPTION,
    results: Path | None = sh.RESULTS_OPTION,
    save: bool = sh.SAVE_OPTION,
) -> None:
    """Rank candidate investments by the expected annual loss they remove (per dollar) and by transit dependency."""
    from corridor.scenario import load_scenario
    from corridor.sweep import appraise, load_candidates, load_hazards

    options = sh.sweep_options(executor, scheduler, workers, table_file, seed=seed, years=years)
    full, demand = sh.network_and_demand(data, demand_file, year)
    net, _ = sh.network_of_day(full, on, year)
    world = None if scenario is None else sh.guard(lambda: load_scenario(scenario, net))
    hazards = sh.guard(lambda: load_hazards(net, hazards_file))
    candidates = sh.guard(lambda: load_candidates(candidates_file, net))
    with sh.Progress("years") as advance:
        result = sh.guard(
            lambda: appraise(
                net, demand, candidates, years=years, hazards=hazards, scenario=world,
                options=replace(options, progress=advance),
            )
        )  # fmt: skip
    run_id = sh.keep_run(results, "invest", net, demand, world, result) if save else None
    if table_file is not None:
        sh.write_table(result.table, table_file)
    if as_json:
        sh.emit_json(result.to_dict())
        return
    from corridor.cli._render import print_appraisal

    print_appraisal(result)
    sh.report_outputs((table_file,), run_id, results)


def _on_day(chosen: Any, on: str | None) -> Any:
    """The scenario as on one day (every event fully on or off, so closures bite), said on stderr."""
    import datetime as dt

    from corridor.scenario import DEFAULT_HORIZON

    horizon = chosen.horizon or DEFAULT_HORIZON
    try:
        day = chosen.busiest_day() if on is None else dt.date.fromisoformat(on)
    except ValueError:
        raise sh.fail(RequestError(f"--on is {on!r}; expected a date as YYYY-MM-DD")) from None
    if not horizon.start <= day <= horizon.end:
        raise sh.fail(RequestError(f"--on is {day}; {chosen.name!r} runs from {horizon.start} to {horizon.end}"))
    sh.err_console.print(f"under {chosen.name} as on {day}")
    return chosen.on(day)
