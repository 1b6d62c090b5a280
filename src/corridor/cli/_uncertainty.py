"""``impact NAME --samples N``: the point answer with the ranges its assumptions give, and their drivers."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from corridor.cli import _shell as sh
from corridor.errors import RequestError


def ranged_impact(
    scenario: str,
    *,
    period: str,
    samples: int,
    seed: int,
    executor: str,
    workers: int | None,
    data: Path | None,
    demand_file: Path | None,
    as_json: bool,
    tornado: Path | None = None,
) -> None:
    """Run the point impact, then ``samples`` draws of the dataset's assumptions on the sweep
    engine; print (or emit as JSON) the point answer with ``ranges`` and ``drivers``."""
    from corridor.analysis import impact
    from corridor.network import load_network
    from corridor.network.assumptions import check_assumptions, dataset_parameters, load_assumptions
    from corridor.scenario import load_scenario
    from corridor.sweep.uncertainty import MAX_SAMPLES, impact_ranges

    if not 1 <= samples <= MAX_SAMPLES:
        raise sh.fail(RequestError(f"--samples is {samples}; expected 1 to {MAX_SAMPLES:,}"))
    options = sh.sweep_options(executor, None, workers, None, seed=seed)
    net, demand = sh.network_and_demand(data, demand_file)
    chosen = sh.guard(lambda: load_scenario(scenario, net))
    started = time.perf_counter()
    point = sh.guard(lambda: impact(net, demand, chosen, period=period))  # type: ignore[arg-type]
    seconds_each = time.perf_counter() - started
    for line in point.warnings:
        print(f"warning: {line}", file=sys.stderr)
    table = sh.guard(lambda: load_assumptions(data))
    parameters = sh.guard(lambda: dataset_parameters(data))
    published = sh.guard(lambda: load_network(data, calibrated=False)) if parameters is not None else net
    sh.guard(lambda: check_assumptions(published, table, parameters=parameters, scenarios={chosen.name: chosen}))
    with sh.Progress("draws") as advance:
        ranged = sh.guard(
            lambda: impact_ranges(
                published, demand, chosen, samples=samples, assumptions=table, parameters=parameters,
                period=period, options=replace(options, always_spread=True, progress=advance),
                seconds_each=seconds_each,
            )
        )  # fmt: skip
    answer = {**point.to_dict(), **ranged.to_dict()}
    if tornado is not None:
        from corridor.cli._ranged import tornado_plot

        tornado_plot(answer, tornado)
    if as_json:
        sh.emit_json(answer)
        return
    from corridor.cli._render import print_impact

    print_impact(net, point)
    print_ranges(answer)
    sh.report_outputs((tornado,), None, None)


def print_ranges(answer: dict[str, Any], *, top: int = 3) -> None:
    """The ranges as "P50 (P10-P90)" and each figure's top drivers, as a table."""
    from rich.table import Table

    from corridor.cli._render import console

    table = Table(
        title=f"Ranges over {answer['samples']} draws of the assumptions (seed {answer['seed']})",
        title_justify="left",
    )
    for col in ("figure", "P50 (P10–P90)", "driven by"):
        table.add_column(col, justify="right" if col.startswith("P50") else "left")
    drivers = answer["drivers"]
    for name, band in answer["ranges"].items():
        if name.startswith("corridors.") and abs(band["p90"]) < 1e-6:
            continue  # a corridor no draw uses
        ranked = ", ".join(f"{d['assumption']} {d['share']:.0%}" for d in drivers.get(name, [])[:top])
        digits = 0 if max(abs(band["p10"]), abs(band["p90"])) >= 100 else 2  # shares and days keep their decimals
        cells = f"{band['p50']:,.{digits}f} ({band['p10']:,.{digits}f}–{band['p90']:,.{digits}f})"
        table.add_row(name, cells, ranked or "fixed")
    console.print(table)


def checked_assumptions(path: Path | None) -> int:
    """Check a dataset folder's assumptions against its published tables, calibration, hazards and
    scenarios; exit with the problems, else the number of assumptions."""
    import pandas as pd

    from corridor.network import load_network
    from corridor.network.assumptions import check_assumptions, dataset_parameters, load_assumptions
    from corridor.network.tables import builtin_dataset_path
    from corridor.scenario import load_scenario

    folder = builtin_dataset_path() if path is None else path
    table = sh.guard(lambda: load_assumptions(folder))
    if table.empty:
        return 0
    published = sh.guard(lambda: load_network(path, calibrated=False))
    risks = pd.read_csv(folder / "risks.csv") if (folder / "risks.csv").is_file() else None
    scenarios = {}
    for file in sorted((folder / "scenarios").glob("*.yaml")):
        scenario = sh.guard(lambda file=file: load_scenario(file))  # type: ignore[misc]
        scenarios[scenario.name] = scenario
    parameters = sh.guard(lambda: dataset_parameters(folder))
    sh.guard(lambda: check_assumptions(published, table, parameters=parameters, risks=risks, scenarios=scenarios))
    return len(table)


def ranged_validation(
    *, samples: int, seed: int, executor: str, workers: int | None, data: Path | None, as_json: bool
) -> None:
    """``validate-model --samples N``: the point check, and each figure's P10-P90 over draws of
    the assumptions with the share of published figures inside it (coverage)."""
    from corridor.analysis.calibrate import validation_statistics, validation_table
    from corridor.network import load_network
    from corridor.network.assumptions import dataset_parameters, load_assumptions
    from corridor.records import json_records
    from corridor.sweep.uncertainty import MAX_SAMPLES, validation_ranges

    if not 1 <= samples <= MAX_SAMPLES:
        raise sh.fail(RequestError(f"--samples is {samples}; expected 1 to {MAX_SAMPLES:,}"))
    options = sh.sweep_options(executor, None, workers, None, seed=seed)
    net = sh.load_network_or_exit(data)
    started = time.perf_counter()
    point = sh.guard(lambda: validation_table(net))
    seconds_each = time.perf_counter() - started
    table = sh.guard(lambda: load_assumptions(data))
    parameters = sh.guard(lambda: dataset_parameters(data))
    published = sh.guard(lambda: load_network(data, calibrated=False)) if parameters is not None else net
    ranged = sh.guard(
        lambda: validation_ranges(
            published, None, samples=samples, assumptions=table, parameters=parameters,
            options=replace(options, always_spread=True), seconds_each=seconds_each,
        )
    )  # fmt: skip
    shipped = point[point["variant"] == ""]
    if as_json:
        sh.emit_json({"rows": json_records(point), "statistics": validation_statistics(point), **ranged.to_dict()})
        return
    from rich.table import Table

    from corridor.cli._render import console

    out = Table(title=f"Model P10-P90 over {samples} draws of the assumptions (seed {seed})", title_justify="left")
    for col in ("year", "figure", "published", "model P50 (P10–P90)", "covered"):
        out.add_column(col)
    for row in ranged.table.to_dict("records"):
        out.add_row(
            str(row["year"]),
            str(row["figure"]),
            f"{float(row['value']):,.0f} {row['unit']}",
            f"{row['p50']:,.0f} ({row['p10']:,.0f}–{row['p90']:,.0f})",
            "yes" if row["covered"] else "NO",
        )
    console.print(out)
    print(f"{int(shipped['inside'].sum())} of {len(shipped)} figures inside their published range (the point check)")
    print(f"coverage: {ranged.coverage:.0%} of the published figures inside the model's P10-P90")
