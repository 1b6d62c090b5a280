"""Commands that fit and check the model against published figures: ``calibrate``, ``validate-model``."""

from __future__ import annotations

import functools
from pathlib import Path

import typer

from corridor.cli import _shell as sh


@sh.app.command()
def calibrate(
    write: bool = typer.Option(
        False, "--write", help="Write the fitted parameters to the dataset's calibration/parameters.csv."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    risk_years: bool = typer.Option(
        False, "--risk-years", help="Fit each later year's sanctions risk to its one fit figure (risk-years.csv)."
    ),
    equilibrium: bool = sh.EQUILIBRIUM_OPTION,
    data: Path | None = sh.DATA_OPTION,
) -> None:
    """Fit the free parameters (segment shares, rail through charge, Caspian delay) to the 2021 figures."""
    from corridor.analysis.calibrate import calibrate as run_calibration
    from corridor.analysis.calibrate import write_parameters
    from corridor.flow import load_demand
    from corridor.network import builtin_dataset_path, load_network

    folder = builtin_dataset_path() if data is None else data
    if risk_years:
        _calibrate_risk_years(folder, write=write, as_json=as_json, equilibrium=equilibrium)
        return
    net = sh.guard(lambda: load_network(folder, calibrated=False))
    demand = sh.guard(lambda: load_demand(net))
    with sh.Progress("calibrating on 2021") as advance:
        fit = sh.guard(lambda: run_calibration(net, demand, progress=advance, equilibrium=equilibrium))
    written = write_parameters(fit, folder / "calibration" / "parameters.csv") if write else None
    if as_json:
        from corridor.records import json_records

        sh.emit_json({"parameters": fit.parameters, "error": fit.error, "tried": fit.tried,
                      "targets": json_records(fit.table), "written": str(written) if written else None})  # fmt: skip
        return
    print(f"fitted in {fit.tried} assignments (squared log error with band penalties {fit.error:.4f}):")
    for name, value in fit.parameters.items():
        print(f"  {name} = {value:g}")
    _print_table(fit.table)
    if written is not None:
        print(f"written to {written}")


def _calibrate_risk_years(folder: Path, *, write: bool, as_json: bool, equilibrium: bool) -> None:
    """``calibrate --risk-years``: each year after the parameters' own with a fit figure gets its sanctions risk."""
    from corridor.analysis.calibrate import fit_risk_year, load_targets
    from corridor.analysis.risk_years import RISK_YEARS_FILE, write_risk_years
    from corridor.network import load_network

    net = sh.guard(lambda: load_network(folder))
    targets = load_targets()  # the built-in figures, as calibrate and validate-model read them
    fitted = sorted({int(y) for y, u in zip(targets["year"], targets["use"], strict=True) if u == "fit"})
    years = fitted[1:]  # the first is the parameters' year (calibrate without --risk-years)
    fits = []
    for year in years:
        with sh.Progress(f"fitting the {year} sanctions risk") as advance:
            run = functools.partial(
                fit_risk_year, net, year, targets=targets, progress=advance, equilibrium=equilibrium
            )
            fits.append(sh.guard(run))
    written = write_risk_years(fits, folder / RISK_YEARS_FILE) if write else None
    if as_json:
        sh.emit_json({"years": [{"year": f.year, "expected_delay_days": f.expected_delay_days, "figure": f.figure,
                                 "value": f.value, "model": f.model, "inside": f.inside} for f in fits],
                      "written": str(written) if written else None})  # fmt: skip
        return
    for f in fits:
        inside = "inside" if f.inside else "OUTSIDE"
        print(f"{f.year}: {f.expected_delay_days:g} days of expected hold-up; {f.figure}: model {f.model:,.0f}"
              f" against {f.value:,.0f} ({inside} its band)")  # fmt: skip
    if written is not None:
        print(f"written to {written}")


@sh.app.command("validate-model")
def validate_model(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output: rows and statistics."),
    data: Path | None = sh.DATA_OPTION,
    samples: int | None = typer.Option(None, "--samples", help="Draws of the assumptions: P10-P90 and coverage."),
    seed: int = typer.Option(1, "--seed", help="Random seed of the draws (with --samples)."),
    executor: str = sh.EXECUTOR_OPTION,
    workers: int | None = sh.WORKERS_OPTION,
    equilibrium: bool = sh.EQUILIBRIUM_OPTION,
) -> None:
    """Each published figure beside the model's: 2021 fitted, 2022-2024 replayed year by year with their sanctions risk."""
    from corridor.analysis.calibrate import validation_statistics, validation_table

    if samples is not None:
        from corridor.cli._uncertainty import ranged_validation

        ranged_validation(samples=samples, seed=seed, executor=executor, workers=workers, data=data, as_json=as_json)
        return
    net = sh.load_network_or_exit(data)
    risk_years = _dataset_risk_years(data)
    with sh.Progress("replaying the years"):
        table = sh.guard(lambda: validation_table(net, risk_years=risk_years, equilibrium=equilibrium))
    stats = validation_statistics(table)
    if as_json:
        from corridor.records import json_records

        sh.emit_json({"rows": json_records(table), "statistics": stats})
        return
    _print_table(table)
    for use, label in (("fit", "fitted"), ("check", "checked")):
        part = stats[use]
        assert isinstance(part, dict)
        print(
            f"{label}: {part['inside']} of {part['rows']} figures inside their published band (years {part['years']})"
        )
        for group, g in part["groups"].items():
            wape = "-" if g["wape"] is None else f"{g['wape']:.0%}"
            bias = "-" if g["bias"] is None else f"{g['bias']:+.0%}"
            print(f"  {group}: {g['inside']} of {g['rows']} inside, WAPE {wape}, bias {bias}")
    _print_risk_years(table, risk_years)
    missed = table[(table["variant"] == "") & (table["why"] != "")]
    if len(missed):
        print("why the misses (the model's structure):")
        for row in missed.itertuples():
            print(f"  {row.year} {row.figure}: {row.why}")


def _dataset_risk_years(data: Path | None):  # type: ignore[no-untyped-def]
    """A dataset folder's own fitted hold-ups (``calibrate --risk-years --data DIR --write`` writes
    them there), or None for the built-in table."""
    from corridor.analysis.risk_years import RISK_YEARS_FILE, load_risk_years

    file = None if data is None else Path(data) / RISK_YEARS_FILE
    return sh.guard(lambda: load_risk_years(file)) if file is not None and file.is_file() else None


def _print_risk_years(table, risk_years=None) -> None:  # type: ignore[no-untyped-def]
    """The sanctions risk each year was replayed with (risk-years.csv, as validation_table reads it)."""
    from corridor.analysis.risk_years import load_risk_years

    years = load_risk_years() if risk_years is None else risk_years
    fitted = years.set_index("year")["fitted_to"].to_dict()
    main = table[table["variant"] == ""]
    print("sanctions risk (expected hold-up at the Belarus-EU border) by year:")
    for year, days in main.groupby("year")["sanctions_risk_days"].first().items():
        origin = (
            f"fitted to {fitted[year]}" if year in fitted else ("none" if days == 0 else "the scenario's assumption")
        )
        print(f"  {year}: {days:g} days ({origin})")


def _print_table(table) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    out = Table(show_lines=False)
    for col in ("year", "figure", "use", "published", "range", "model", "inside", "source"):
        out.add_column(col)
    for row in table.itertuples():
        variant = getattr(row, "variant", "")
        out.add_row(
            str(row.year),
            f"{row.figure} ({variant})" if variant else str(row.figure),
            "fitted" if row.use == "fit" else "check",
            f"{float(row.value):,.0f} {row.unit}",
            f"{float(row.low):,.0f}-{float(row.high):,.0f}",
            f"{float(row.model):,.0f}",
            "yes" if row.inside else "NO",
            str(row.source),
        )
    from corridor.cli._render import make_console

    make_console().print(out)
