"""What every command shares: the Typer apps, common options, error handling, JSON output,
saving runs, progress bars and writing tables."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from corridor.errors import EXIT_CODES, CorridorError, RequestError

__all__ = [
    "DATA_OPTION",
    "DEMAND_OPTION",
    "EXECUTOR_OPTION",
    "HAZARDS_OPTION",
    "RESULTS_OPTION",
    "SAVE_OPTION",
    "SCHEDULER_OPTION",
    "TORNADO_OPTION",
    "WORKERS_OPTION",
    "Progress",
    "app",
    "emit_json",
    "err_console",
    "fail",
    "figure_path",
    "guard",
    "keep_run",
    "load_network_or_exit",
    "network_and_demand",
    "network_app",
    "network_of_day",
    "print_dashboard",
    "report_outputs",
    "results_app",
    "results_path",
    "scenario_app",
    "split",
    "sweep_options",
    "write_table",
]

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

DEBUG = {"on": False}


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="On an error, show the Python traceback too."),
) -> None:
    """Trade-corridor routes, costs and disruptions, with the Eurasian network built in."""
    DEBUG["on"] = debug


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
TORNADO_OPTION = typer.Option(
    None, "--tornado", help="With --samples: chart what drives the first figure that moves (.png, .svg or .html)."
)
EQUILIBRIUM_OPTION = typer.Option(
    True,
    "--equilibrium/--no-equilibrium",
    help="Every shipper segment on its cheapest open route at its own value of time (default), or the LP solved once.",
)
YEAR_OPTION = typer.Option(
    None,
    "--year",
    help="The network of 1 July of that year (capacity-history.csv) and its built-in demand, e.g. 2023; not with --on.",
)


def results_path(path: Path | None) -> Path:
    from corridor.settings import Settings

    return path if path is not None else Settings.from_env().results_path


def fail(err: CorridorError) -> typer.Exit:
    """Print an error and return the exit carrying its code."""
    code = next((c for kind, c in EXIT_CODES.items() if isinstance(err, kind)), 1)
    if DEBUG["on"]:
        import traceback

        traceback.print_exception(err, file=sys.stderr)
    err_console.print("[bold red]error:[/] ", end="")
    err_console.print(str(err), markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def guard(call: Callable[[], T]) -> T:
    """Run a library call; turn corridor's errors into a message and an exit code."""
    try:
        return call()
    except CorridorError as err:
        raise fail(err) from None


def figure_path(path: Path | None) -> Path | None:
    """A figure's file name checked before any work starts (.png, .svg or .html)."""
    if path is None:
        return None
    from corridor.plot import check_figure_path

    return guard(lambda: check_figure_path(path))


def split(values: Iterable[str]) -> list[str]:
    """Options given as 'RU,BY' or repeated: one flat list."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def keep_run(results: Path | None, kind: str, net: Any, demand: Any, scenario: Any, result: Any) -> int:
    """Keep a run in the results file (one transaction)."""
    from corridor.store import save_run

    return guard(
        lambda: save_run(
            results_path(results),
            kind=kind,
            network=net.name,
            summary=result.summary(),
            tables=result.tables(),
            scenario=None if scenario is None else scenario.name,
            scenario_yaml=None if scenario is None else scenario.model_dump_json(),
            demand=demand.name,
        )
    )


def network_and_demand(data: Path | None, demand_file: Path | None, year: int | None = None) -> tuple[Any, Any]:
    """The network (default: built in) and a demand on it (default: its 2021 baseline, or the
    built-in demand of ``year`` where there is one)."""
    from corridor.flow import load_demand
    from corridor.network import builtin_dataset_path

    net = load_network_or_exit(data)
    built_in = year is not None and (builtin_dataset_path() / f"demand-{year}.csv").is_file()
    if built_in and demand_file is None and data is None:
        return net, guard(lambda: load_demand(net, year=year))
    return net, guard(lambda: load_demand(net, demand_file))


def load_network_or_exit(path: Path | None) -> Any:
    """The network in ``path`` (default: the built-in one), or exit with its problems."""
    from corridor.network import load_network

    return guard(lambda: load_network(path))


def network_of_day(net: Any, on: str | None, year: int | None) -> tuple[Any, Any]:
    """The network as it stood on ``--on DATE`` (or 1 July of ``--year``), and that day (None: neither given)."""
    import datetime as dt

    from corridor.network import network_on, parse_day, year_span

    if on is not None and year is not None:
        raise fail(RequestError("give --on DATE or --year YEAR, not both"))
    if on is None and year is None:
        return net, None
    day = (
        guard(lambda: parse_day(on)) if on is not None else guard(lambda: year_span(int(year or 0)))[0].replace(month=7)
    )
    assert isinstance(day, dt.date)
    return guard(lambda: network_on(net, day)), day


def print_dashboard(link: str) -> None:
    err_console.print(f"Dask dashboard: {link}")


def sweep_options(
    executor: str,
    scheduler: str | None,
    workers: int | None,
    table_file: Path | None,
    *,
    seed: int = 0,
    years: int | None = None,
) -> Any:
    """The options every sweep command shares, checked before any work starts."""
    from corridor.sweep import EXECUTORS, MAX_YEARS, SweepOptions

    if years is not None and not 1 <= years <= MAX_YEARS:
        raise fail(RequestError(f"--years is {years}; expected 1 to {MAX_YEARS:,}"))
    if executor not in EXECUTORS:
        raise fail(RequestError(f"--executor is {executor!r}; expected one of {', '.join(EXECUTORS)}"))
    if scheduler is not None and executor != "dask":
        raise fail(RequestError("--scheduler needs --executor dask"))
    if table_file is not None and table_file.suffix not in (".csv", ".parquet"):
        raise fail(RequestError(f"--table {table_file}: expected a .csv or .parquet file name"))
    return guard(
        lambda: SweepOptions(
            executor=executor, workers=workers, scheduler=scheduler, seed=seed, on_start=print_dashboard
        )
    )


def report_outputs(paths: Iterable[Path | None], run_id: int | None, results: Path | None) -> None:
    for path in paths:
        if path is not None:
            print(f"written to {path}")
    if run_id is not None:
        print(f"saved as run {run_id} in {results_path(results)}")


def write_table(frame: Any, path: Path) -> None:
    """A table to CSV or Parquet, written atomically (:func:`corridor.store.write_atomically`)."""
    from corridor.store import write_atomically

    def write(tmp: Path) -> None:
        if path.suffix == ".parquet":
            try:
                frame.to_parquet(tmp, index=False)
            except ImportError as err:
                raise fail(
                    RequestError(f"--table {path}: Parquet needs pyarrow (pip install 'corridor[parquet]')")
                ) from err
        else:
            frame.to_csv(tmp, index=False)

    write_atomically(path, write)


class Progress:
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
