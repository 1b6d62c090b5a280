"""Commands on saved runs and scenarios: ``results list|show``, ``scenario list|validate``, and ``demo``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from corridor.cli import _shell as sh
from corridor.records import json_records


@sh.results_app.command("list")
def results_list(results: Path | None = sh.RESULTS_OPTION, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every saved run: id, kind, scenario, network, demand, when, status."""
    from corridor.store import list_runs

    runs = sh.guard(lambda: list_runs(sh.results_path(results)))
    if as_json:
        sh.emit_json(json_records(runs))
        return
    from corridor.cli._render import print_frame

    print_frame(runs, title=f"Runs in {sh.results_path(results)}")


@sh.results_app.command("show")
def results_show(
    run_id: int = typer.Argument(..., help="Run id (see 'corridor results list')."),
    results: Path | None = sh.RESULTS_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One saved run: its summary and its tables."""
    from corridor.store import load_run

    run = sh.guard(lambda: load_run(sh.results_path(results), run_id))
    if as_json:
        run["tables"] = {k: json_records(v) for k, v in run["tables"].items()}
        sh.emit_json(run)
        return
    from corridor.cli._render import print_frame

    head = {k: v for k, v in run.items() if k not in ("tables", "summary", "scenario_yaml")}
    print(", ".join(f"{k}: {v}" for k, v in head.items()))
    print(json.dumps(run["summary"], indent=2, default=str))
    for name, frame in run["tables"].items():
        print_frame(frame.head(20), title=f"{name} ({len(frame)} rows)")


@sh.scenario_app.command("list")
def scenario_list(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """The scenarios that ship with the built-in network."""
    from corridor.scenario import builtin_scenarios, load_scenario

    scenarios = [load_scenario(name) for name in sorted(builtin_scenarios())]
    if as_json:
        sh.emit_json([s.model_dump(mode="json") for s in scenarios])
        return
    from corridor.cli._render import print_scenarios

    print_scenarios(scenarios)


@sh.scenario_app.command("validate")
def scenario_validate(
    path: str = typer.Argument(..., help="Scenario YAML file (or a built-in name)."),
    data: Path | None = sh.DATA_OPTION,
) -> None:
    """Check a scenario: its YAML, every field, and every place, link and country it names."""
    from corridor.scenario import load_scenario

    net = sh.load_network_or_exit(data)
    loaded = sh.guard(lambda: load_scenario(path, net))
    print(f"valid: scenario {loaded.name!r} with {len(loaded.events)} events")


@sh.app.command()
def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Folder for the pictures."),
    data: Path | None = sh.DATA_OPTION,
) -> None:
    """The main job on the built-in network: corridors side by side, with and without Russia, and crude outlets."""
    from corridor.cli._demo import run_demo

    net = sh.load_network_or_exit(data)
    sh.guard(lambda: run_demo(net, out))
