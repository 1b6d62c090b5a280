"""Commands that place demand on the network: ``assign``, ``impact``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from corridor.cli import _shell as sh
from corridor.errors import RequestError


@sh.app.command()
def assign(
    scenario: str | None = typer.Option(None, "--scenario", help="Built-in scenario name or YAML file."),
    demand_file: Path | None = sh.DEMAND_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = sh.DATA_OPTION,
    results: Path | None = sh.RESULTS_OPTION,
    save: bool = sh.SAVE_OPTION,
) -> None:
    """Place demand on the network within capacities: flows, unserved volume, binding bottlenecks."""
    from corridor.flow import assign as run_assignment
    from corridor.scenario import load_scenario

    net, demand = sh.network_and_demand(data, demand_file)
    chosen = None if scenario is None else sh.guard(lambda: load_scenario(scenario, net))
    result = sh.guard(lambda: run_assignment(net, demand, scenario=chosen))
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
    period: str = typer.Option("week", "--period", help="Length of a period: day, week or month."),
    samples: int | None = typer.Option(None, "--samples", help="Draws of the assumptions: ranges and drivers."),
    seed: int = typer.Option(1, "--seed", help="Random seed of the draws (with --samples)."),
    executor: str = sh.EXECUTOR_OPTION,
    workers: int | None = sh.WORKERS_OPTION,
    demand_file: Path | None = sh.DEMAND_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = sh.DATA_OPTION,
    results: Path | None = sh.RESULTS_OPTION,
    save: bool = sh.SAVE_OPTION,
) -> None:
    """A scenario against the same periods without it: extra cost, stranded cargo, bottlenecks, dependency."""
    from corridor.analysis import impact as run_impact
    from corridor.scenario import load_scenario

    if period not in ("day", "week", "month"):
        raise sh.fail(RequestError(f"period is {period!r}; expected day, week or month"))
    if samples is not None:
        from corridor.cli._uncertainty import ranged_impact

        ranged_impact(scenario, period=period, samples=samples, seed=seed, executor=executor, workers=workers,
                      data=data, demand_file=demand_file, as_json=as_json)  # fmt: skip
        return
    net, demand = sh.network_and_demand(data, demand_file)
    chosen = sh.guard(lambda: load_scenario(scenario, net))
    result = sh.guard(lambda: run_impact(net, demand, chosen, period=period))  # type: ignore[arg-type]
    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    run_id = sh.keep_run(results, "impact", net, demand, chosen, result) if save else None
    if as_json:
        sh.emit_json(result.to_dict())
        return
    from corridor.cli._render import print_impact

    print_impact(net, result)
    if run_id is not None:
        print(f"saved as run {run_id} in {sh.results_path(results)}")
