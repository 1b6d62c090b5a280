"""Sweep commands: ``criticality``, ``risk``, ``invest``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer

from corridor.cli._shell import (
    DATA_OPTION,
    DEMAND_OPTION,
    EXECUTOR_OPTION,
    HAZARDS_OPTION,
    RESULTS_OPTION,
    SAVE_OPTION,
    SCHEDULER_OPTION,
    WORKERS_OPTION,
    Progress,
    app,
    emit_json,
    fail,
    guard,
    keep_run,
    network_and_demand,
    report_outputs,
    split,
    sweep_options,
    write_table,
)
from corridor.errors import RequestError


@app.command()
def criticality(
    n: int = typer.Option(1, "--n", help="1: close each element alone; 2: every pair together."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Measure against the network as this scenario leaves it (name or YAML)."
    ),
    top_pairs: int | None = typer.Option(
        None, "--top-pairs", help="N-2 on large networks: pair only the K costliest closures with their backups."
    ),
    executor: str = EXECUTOR_OPTION,
    scheduler: str | None = SCHEDULER_OPTION,
    workers: int | None = WORKERS_OPTION,
    kinds: list[str] = typer.Option(["link,node,group"], "--kinds", help="Element kinds: link, node, group."),
    top: int = typer.Option(10, "--top", help="Rows to print."),
    demand_file: Path | None = DEMAND_OPTION,
    table_file: Path | None = typer.Option(None, "--table", help="Write the whole table (.csv or .parquet)."),
    plot: Path | None = typer.Option(None, "--plot", help="Write a ranked bar chart (PNG)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = DATA_OPTION,
    results: Path | None = RESULTS_OPTION,
    save: bool = SAVE_OPTION,
) -> None:
    """Single points of failure: close each link, node and asset group (or each pair) and rank the cost."""
    from corridor.sweep import closable_elements
    from corridor.sweep import criticality as sweep

    if n not in (1, 2):
        raise fail(RequestError(f"--n is {n}; expected 1 or 2"))
    if top_pairs is not None and (n != 2 or top_pairs < 1):
        raise fail(RequestError(f"--top-pairs is {top_pairs}; expected a number >= 1, with --n 2"))
    options = sweep_options(executor, scheduler, workers, table_file)
    from corridor.scenario import load_scenario

    net, demand = network_and_demand(data, demand_file)
    chosen = None if scenario is None else guard(lambda: load_scenario(scenario, net))
    chosen_kinds = split(kinds)
    candidates = guard(lambda: closable_elements(net, kinds=chosen_kinds, demand=demand))
    with Progress("closures") as advance:
        result = guard(
            lambda: sweep(
                net, demand, n=n, elements=candidates, scenario=chosen, top=top_pairs,
                options=replace(options, progress=advance),
            )
        )  # fmt: skip
    run_id = keep_run(results, "criticality", net, demand, chosen, result) if save else None
    if table_file is not None:
        write_table(result.table, table_file)
    if plot is not None:
        from corridor.plot import plot_criticality

        plot_criticality(result.distinct(), plot)
    if as_json:
        emit_json(result.to_dict(limit=top))
        return
    from corridor.cli._render import print_criticality

    print_criticality(result, top=top)
    report_outputs((table_file, plot), run_id, results)


@app.command()
def risk(
    years: int = typer.Option(..., "--years", help="Years to sample."),
    seed: int = typer.Option(..., "--seed", help="Random seed: the same seed gives the same years."),
    executor: str = EXECUTOR_OPTION,
    scheduler: str | None = SCHEDULER_OPTION,
    workers: int | None = WORKERS_OPTION,
    hazards_file: Path | None = HAZARDS_OPTION,
    demand_file: Path | None = DEMAND_OPTION,
    table_file: Path | None = typer.Option(None, "--table", help="Write every sampled year (.csv or .parquet)."),
    plot: Path | None = typer.Option(None, "--plot", help="Write the loss exceedance curve (PNG)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = DATA_OPTION,
    results: Path | None = RESULTS_OPTION,
    save: bool = SAVE_OPTION,
) -> None:
    """Sampled years of disruptions: expected annual loss, its standard error, VaR and CVaR."""
    from corridor.sweep import load_hazards
    from corridor.sweep import risk as sample

    options = sweep_options(executor, scheduler, workers, table_file, seed=seed, years=years)
    net, demand = network_and_demand(data, demand_file)
    hazards = guard(lambda: load_hazards(net, hazards_file))
    with Progress("years") as advance:
        result = guard(
            lambda: sample(net, demand, years=years, hazards=hazards, options=replace(options, progress=advance))
        )
    run_id = keep_run(results, "risk", net, demand, None, result) if save else None
    if table_file is not None:
        write_table(result.years, table_file)
    if plot is not None:
        from corridor.plot import plot_exceedance

        plot_exceedance(result, plot)
    if as_json:
        emit_json(result.to_dict())
        return
    from corridor.cli._render import print_risk

    print_risk(result)
    report_outputs((table_file, plot), run_id, results)


@app.command()
def invest(
    candidates_file: Path | None = typer.Argument(None, help="Candidates YAML (default: the built-in candidates)."),
    years: int = typer.Option(2000, "--years", help="Years to sample (the same years for every candidate)."),
    seed: int = typer.Option(1, "--seed", help="Random seed."),
    executor: str = EXECUTOR_OPTION,
    scheduler: str | None = SCHEDULER_OPTION,
    workers: int | None = WORKERS_OPTION,
    hazards_file: Path | None = HAZARDS_OPTION,
    demand_file: Path | None = DEMAND_OPTION,
    table_file: Path | None = typer.Option(None, "--table", help="Write the ranking (.csv or .parquet)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = DATA_OPTION,
    results: Path | None = RESULTS_OPTION,
    save: bool = SAVE_OPTION,
) -> None:
    """Rank candidate investments by the expected annual loss they remove (per dollar) and by transit dependency."""
    from corridor.sweep import appraise, load_candidates, load_hazards

    options = sweep_options(executor, scheduler, workers, table_file, seed=seed, years=years)
    net, demand = network_and_demand(data, demand_file)
    hazards = guard(lambda: load_hazards(net, hazards_file))
    candidates = guard(lambda: load_candidates(candidates_file, net))
    with Progress("years") as advance:
        result = guard(
            lambda: appraise(
                net, demand, candidates, years=years, hazards=hazards, options=replace(options, progress=advance)
            )
        )
    run_id = keep_run(results, "invest", net, demand, None, result) if save else None
    if table_file is not None:
        write_table(result.table, table_file)
    if as_json:
        emit_json(result.to_dict())
        return
    from corridor.cli._render import print_appraisal

    print_appraisal(result)
    report_outputs((table_file,), run_id, results)
