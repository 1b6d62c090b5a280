"""The ``corridor`` command: parse input, call one library function, render the result."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from corridor._frames import json_records
from corridor.errors import EXIT_CODES, CorridorError, RequestError

__all__ = ["app", "main"]

app = typer.Typer(
    name="corridor",
    help="Trade-corridor routes, costs and disruptions, with the Eurasian network built in.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
network_app = typer.Typer(help="Show, check and document network datasets.", no_args_is_help=True)
app.add_typer(network_app, name="network")
scenario_app = typer.Typer(help="List and check scenarios (YAML).", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")
results_app = typer.Typer(help="Runs saved in the results file (SQLite).", no_args_is_help=True)
app.add_typer(results_app, name="results")

# not _render.make_console: importing _render loads pandas, and errors must print without it
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
T = TypeVar("T")

DATA_OPTION = typer.Option(None, "--data", help="Dataset folder (default: the built-in Eurasian network).")
RESULTS_OPTION = typer.Option(
    None, "--results", help="Results file (default: $CORRIDOR_RESULTS or ~/.local/share/corridor/results.sqlite)."
)
SAVE_OPTION = typer.Option(True, "--save/--no-save", help="Save the run to the results file.")
DEMAND_OPTION = typer.Option(None, "--demand", help="Demand CSV (default: the built-in 2021 baseline).")
HAZARDS_OPTION = typer.Option(None, "--hazards", help="Hazards CSV (default: the built-in table).")
EXECUTOR_OPTION = typer.Option("processes", "--executor", help="serial, processes (default) or dask.")
SCHEDULER_OPTION = typer.Option(None, "--scheduler", help="Dask scheduler address (a running cluster).")
WORKERS_OPTION = typer.Option(None, "--workers", help="Worker processes (default: one per core).")


def _results_path(path: Path | None) -> Path:
    from corridor.settings import Settings

    return path if path is not None else Settings.from_env().results_path


def _fail(err: CorridorError) -> typer.Exit:
    """Print an error and return the exit carrying its code."""
    code = next((c for kind, c in EXIT_CODES.items() if isinstance(err, kind)), 1)
    err_console.print("[bold red]error:[/] ", end="")
    err_console.print(str(err), markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _guard(call: Callable[[], T]) -> T:
    """Run a library call; turn corridor's errors into a message and an exit code."""
    try:
        return call()
    except CorridorError as err:
        raise _fail(err) from None


def _split(values: Iterable[str]) -> list[str]:
    """Options given as 'RU,BY' or repeated: one flat list."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def _save(results: Path | None, kind: str, net: Any, demand: Any, scenario: Any, result: Any) -> int:
    """Keep a run in the results file (one transaction)."""
    from corridor.store import save_run

    return _guard(
        lambda: save_run(
            _results_path(results),
            kind=kind,
            network=net.name,
            summary=result.summary(),
            tables=result.tables(),
            scenario=None if scenario is None else scenario.name,
            scenario_yaml=None if scenario is None else scenario.model_dump_json(),
            demand=demand.name,
        )
    )


def _network_and_demand(data: Path | None, demand_file: Path | None) -> tuple[Any, Any]:
    """The network (default: built in) and a demand on it (default: its 2021 baseline)."""
    from corridor.demand import load_demand

    net = _network(data)
    return net, _guard(lambda: load_demand(net, demand_file))


def _network(path: Path | None) -> Any:
    from corridor.network import load_network

    return _guard(lambda: load_network(path))


@app.command()
def routes(
    origin: str = typer.Argument(..., help="Where the cargo starts: a node id, name, Russian name, alias or group."),
    destination: str = typer.Argument(..., help="Where it goes (same forms as ORIGIN)."),
    commodity: str = typer.Option("container", "--commodity", "-c", help="Commodity id (container, crude_oil)."),
    by: str = typer.Option("cost", "--by", help="What to minimise: cost, time or generalized."),
    k: int = typer.Option(1, "-k", "--k", help="How many routes, best first (loopless)."),
    avoid: list[str] = typer.Option(
        [], "--avoid", help="Countries, modes, links, places or groups to avoid, e.g. RU,BY."
    ),
    via: list[str] = typer.Option([], "--via", help="Places or groups to pass through, in order."),
    pareto: bool = typer.Option(False, "--pareto", help="Every route no other beats on both cost and time."),
    legs: bool = typer.Option(False, "--legs", help="Show (or include in JSON) the figures of each link."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    map_png: Path | None = typer.Option(None, "--map", help="Also draw the routes on a map (PNG)."),
    data: Path | None = DATA_OPTION,
) -> None:
    """Best routes between two places, with cost, time, distance, countries and sources."""
    from corridor.constraints import resolve_constraints
    from corridor.routing import k_shortest_routes, pareto_routes

    net = _network(data)
    avoid_items, via_items = _split(avoid), _split(via)
    if pareto and (k != 1 or by != "cost"):
        raise _fail(RequestError("--pareto gives every route not beaten on both cost and time; drop -k and --by"))
    if pareto:
        found = _guard(
            lambda: pareto_routes(net, origin, destination, commodity=commodity, avoid=avoid_items, via=via_items)
        )
    else:
        found = _guard(
            lambda: k_shortest_routes(
                net,
                origin,
                destination,
                k=k,
                commodity=commodity,
                by=by,  # type: ignore[arg-type]
                avoid=avoid_items,
                via=via_items,
            )
        )
    if map_png is not None:
        from corridor.plot import plot_routes

        plot_routes(
            net,
            found,
            map_png,
            title=f"{origin} to {destination}",
            shade_countries=resolve_constraints(net, avoid=avoid_items).avoid_countries,
        )
    if as_json:
        _emit_json([r.to_dict(legs=legs) for r in found])
        return
    from corridor.cli._render import print_routes

    print_routes(net, found, legs=legs)
    if map_png is not None:
        print(f"map written to {map_png}")


@network_app.command("show")
def network_show(
    as_json: bool = typer.Option(False, "--json", help="Every node and link with its fields and sources."),
    data: Path | None = DATA_OPTION,
) -> None:
    """Summarise a network: nodes, links, modes, commodities and sources."""
    net = _network(data)
    if as_json:
        from corridor.cli._render import network_records

        _emit_json(network_records(net))
        return
    from corridor.cli._render import print_network

    print_network(net)


@network_app.command("validate")
def network_validate(path: Path = typer.Argument(..., help="Dataset folder to check.")) -> None:
    """Check a dataset folder and list every problem (file, row, field, what was expected)."""
    from corridor.network import load_network

    net = _guard(lambda: load_network(path))
    print(f"valid: {path} has {len(net.nodes)} nodes and {len(net.links)} links")


@network_app.command("schema")
def network_schema(
    table: str | None = typer.Argument(None, help="One table (nodes, links, ...); all when omitted."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Document the dataset format: every column of every table, from the schema files."""
    from corridor._schema import TABLES, schema_for

    if table is not None and table not in TABLES:
        raise _fail(RequestError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}"))
    tables = [table] if table else list(TABLES)
    if as_json:
        _emit_json({t: schema_for(t).to_frame().to_dict(orient="records") for t in tables})
        return
    from corridor.cli._render import print_schema

    for t in tables:
        print_schema(schema_for(t))


@app.command()
def assign(
    scenario: str | None = typer.Option(None, "--scenario", help="Built-in scenario name or YAML file."),
    demand_file: Path | None = DEMAND_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = DATA_OPTION,
    results: Path | None = RESULTS_OPTION,
    save: bool = SAVE_OPTION,
) -> None:
    """Place demand on the network within capacities: flows, unserved volume, binding bottlenecks."""
    from corridor.assignment import assign as run_assignment
    from corridor.scenario import load_scenario

    net, demand = _network_and_demand(data, demand_file)
    chosen = None if scenario is None else _guard(lambda: load_scenario(scenario, net))
    result = _guard(lambda: run_assignment(net, demand, scenario=chosen))
    run_id = _save(results, "assign", net, demand, chosen, result) if save else None
    if as_json:
        _emit_json(result.to_dict())
        return
    from corridor.cli._render import print_assignment

    print_assignment(net, demand, result)
    if run_id is not None:
        print(f"saved as run {run_id} in {_results_path(results)}")


@app.command()
def impact(
    scenario: str = typer.Argument(..., help="Built-in scenario name or YAML file."),
    period: str = typer.Option("week", "--period", help="Length of a period: day, week or month."),
    demand_file: Path | None = DEMAND_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = DATA_OPTION,
    results: Path | None = RESULTS_OPTION,
    save: bool = SAVE_OPTION,
) -> None:
    """A scenario against the same periods without it: extra cost, stranded cargo, bottlenecks, dependency."""
    from corridor.impact import impact as run_impact
    from corridor.scenario import load_scenario

    if period not in ("day", "week", "month"):
        raise _fail(RequestError(f"period is {period!r}; expected day, week or month"))
    net, demand = _network_and_demand(data, demand_file)
    chosen = _guard(lambda: load_scenario(scenario, net))
    result = _guard(lambda: run_impact(net, demand, chosen, period=period))  # type: ignore[arg-type]
    run_id = _save(results, "impact", net, demand, chosen, result) if save else None
    if as_json:
        _emit_json(result.to_dict())
        return
    from corridor.cli._render import print_impact

    print_impact(net, result)
    if run_id is not None:
        print(f"saved as run {run_id} in {_results_path(results)}")


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
    from corridor.criticality import criticality as sweep

    if n not in (1, 2):
        raise _fail(RequestError(f"--n is {n}; expected 1 or 2"))
    if top_pairs is not None and (n != 2 or top_pairs < 1):
        raise _fail(RequestError(f"--top-pairs is {top_pairs}; expected a number >= 1, with --n 2"))
    _check_sweep(executor, scheduler, table_file)
    from corridor.scenario import load_scenario

    net, demand = _network_and_demand(data, demand_file)
    chosen = None if scenario is None else _guard(lambda: load_scenario(scenario, net))
    chosen_kinds = _split(kinds)
    with _Progress("closures") as advance:
        result = _guard(
            lambda: sweep(
                net, demand, n=n, kinds=chosen_kinds, scenario=chosen, top=top_pairs, executor=executor, scheduler=scheduler,
                workers=workers,
                progress=advance, on_start=_print_dashboard,
            )
        )  # fmt: skip
    run_id = _save(results, "criticality", net, demand, chosen, result) if save else None
    if table_file is not None:
        _write_table(result.table, table_file)
    if plot is not None:
        from corridor.plot import plot_criticality

        plot_criticality(result.distinct(), plot)
    if as_json:
        _emit_json(result.to_dict(limit=top))
        return
    from corridor.cli._render import print_criticality

    print_criticality(result, top=top)
    _report_outputs((table_file, plot), run_id, results)


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
    from corridor.risk import load_hazards
    from corridor.risk import risk as sample

    _check_sweep(executor, scheduler, table_file, years=years)
    net, demand = _network_and_demand(data, demand_file)
    hazards = _guard(lambda: load_hazards(net, hazards_file))
    with _Progress("years") as advance:
        result = _guard(
            lambda: sample(
                net, demand, years=years, seed=seed, hazards=hazards, executor=executor, scheduler=scheduler,
                workers=workers, progress=advance, on_start=_print_dashboard,
            )
        )  # fmt: skip
    run_id = _save(results, "risk", net, demand, None, result) if save else None
    if table_file is not None:
        _write_table(result.years, table_file)
    if plot is not None:
        from corridor.plot import plot_exceedance

        plot_exceedance(result, plot)
    if as_json:
        _emit_json(result.to_dict())
        return
    from corridor.cli._render import print_risk

    print_risk(result)
    _report_outputs((table_file, plot), run_id, results)


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
    from corridor.invest import appraise, load_candidates
    from corridor.risk import load_hazards

    _check_sweep(executor, scheduler, table_file, years=years)
    net, demand = _network_and_demand(data, demand_file)
    hazards = _guard(lambda: load_hazards(net, hazards_file))
    candidates = _guard(lambda: load_candidates(candidates_file, net))
    with _Progress("years") as advance:
        result = _guard(
            lambda: appraise(
                net, demand, candidates, years=years, seed=seed, hazards=hazards, executor=executor,
                scheduler=scheduler, workers=workers, progress=advance,
                on_start=_print_dashboard,
            )
        )  # fmt: skip
    run_id = _save(results, "invest", net, demand, None, result) if save else None
    if table_file is not None:
        _write_table(result.table, table_file)
    if as_json:
        _emit_json(result.to_dict())
        return
    from corridor.cli._render import print_appraisal

    print_appraisal(result)
    _report_outputs((table_file,), run_id, results)


def _print_dashboard(link: str) -> None:
    err_console.print(f"Dask dashboard: {link}")


def _check_sweep(executor: str, scheduler: str | None, table_file: Path | None, *, years: int | None = None) -> None:
    """The options every sweep command shares, checked before any work starts."""
    from corridor.executors import EXECUTORS

    if years is not None and not 1 <= years <= 10_000_000:
        raise _fail(RequestError(f"--years is {years}; expected 1 to 10,000,000"))

    if executor not in EXECUTORS:
        raise _fail(RequestError(f"--executor is {executor!r}; expected one of {', '.join(EXECUTORS)}"))
    if scheduler is not None and executor != "dask":
        raise _fail(RequestError("--scheduler needs --executor dask"))
    if table_file is not None and table_file.suffix not in (".csv", ".parquet"):
        raise _fail(RequestError(f"--table {table_file}: expected a .csv or .parquet file name"))


def _report_outputs(paths: Iterable[Path | None], run_id: int | None, results: Path | None) -> None:
    for path in paths:
        if path is not None:
            print(f"written to {path}")
    if run_id is not None:
        print(f"saved as run {run_id} in {_results_path(results)}")


def _write_table(frame: Any, path: Path) -> None:
    """A table to CSV or Parquet, written beside the target and moved into place."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        if path.suffix == ".parquet":
            try:
                frame.to_parquet(tmp, index=False)
            except ImportError as err:
                raise _fail(
                    RequestError(f"--table {path}: Parquet needs pyarrow (pip install 'corridor[parquet]')")
                ) from err
        else:
            frame.to_csv(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class _Progress:
    """A Rich progress bar on stderr (hidden when stderr is not a terminal); yields ``advance(done, total)``."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> Callable[[int, int], None]:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn(f"[bold]{self.what}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=err_console, transient=True, disable=not sys.stderr.isatty(),
        )  # fmt: skip
        self.bar.__enter__()
        self.task = self.bar.add_task(self.what, total=None)

        def advance(done: int, total: int) -> None:
            self.bar.update(self.task, completed=done, total=total)

        return advance

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)


@results_app.command("list")
def results_list(results: Path | None = RESULTS_OPTION, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every saved run: id, kind, scenario, network, demand, when, status."""
    from corridor.store import list_runs

    runs = _guard(lambda: list_runs(_results_path(results)))
    if as_json:
        _emit_json(json_records(runs))
        return
    from corridor.cli._render import print_frame

    print_frame(runs, title=f"Runs in {_results_path(results)}")


@results_app.command("show")
def results_show(
    run_id: int = typer.Argument(..., help="Run id (see 'corridor results list')."),
    results: Path | None = RESULTS_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One saved run: its summary and its tables."""
    from corridor.store import load_run

    run = _guard(lambda: load_run(_results_path(results), run_id))
    if as_json:
        run["tables"] = {k: json_records(v) for k, v in run["tables"].items()}
        _emit_json(run)
        return
    from corridor.cli._render import print_frame

    head = {k: v for k, v in run.items() if k not in ("tables", "summary", "scenario_yaml")}
    print(", ".join(f"{k}: {v}" for k, v in head.items()))
    print(json.dumps(run["summary"], indent=2, default=str))
    for name, frame in run["tables"].items():
        print_frame(frame.head(20), title=f"{name} ({len(frame)} rows)")


@scenario_app.command("list")
def scenario_list(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """The scenarios that ship with the built-in network."""
    from corridor.scenario import builtin_scenarios, load_scenario

    scenarios = [load_scenario(name) for name in sorted(builtin_scenarios())]
    if as_json:
        _emit_json([s.model_dump(mode="json") for s in scenarios])
        return
    from corridor.cli._render import print_scenarios

    print_scenarios(scenarios)


@scenario_app.command("validate")
def scenario_validate(
    path: str = typer.Argument(..., help="Scenario YAML file (or a built-in name)."),
    data: Path | None = DATA_OPTION,
) -> None:
    """Check a scenario: its YAML, every field, and every place, link and country it names."""
    from corridor.scenario import load_scenario

    net = _network(data)
    loaded = _guard(lambda: load_scenario(path, net))
    print(f"valid: scenario {loaded.name!r} with {len(loaded.events)} events")


@app.command()
def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Folder for the pictures."),
    data: Path | None = DATA_OPTION,
) -> None:
    """The main job on the built-in network: corridors side by side, with and without Russia, and crude outlets."""
    from corridor.cli._demo import run_demo

    net = _network(data)
    _guard(lambda: run_demo(net, out))


def main() -> None:
    """Entry point of the ``corridor`` script."""
    app()
