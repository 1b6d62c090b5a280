"""``assign``, ``criticality`` and ``routes --segments`` with ``--samples N``: the point answer
with the ranges its assumptions give (:mod:`corridor.sweep.ranged`), and their drivers."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from corridor.cli import _shell as sh
from corridor.errors import RequestError

ZERO = 1e-6
"""A figure whose P10, P50 and P90 are all below this is left out of the table (a corridor or a
cargo no draw moves)."""


def check_samples(samples: int) -> None:
    """Refuse a number of draws out of range before any work starts."""
    from corridor.sweep.uncertainty import MAX_SAMPLES

    if not 1 <= samples <= MAX_SAMPLES:
        raise sh.fail(RequestError(f"--samples is {samples}; expected 1 to {MAX_SAMPLES:,}"))


def draw_inputs(net: Any, data: Path | None, scenario: Any) -> tuple[Any, Any, Any]:
    """The dataset's assumptions (checked against the published network and the scenario), its
    calibration, and the published network the draws are laid over."""
    from corridor.network import load_network
    from corridor.network.assumptions import check_assumptions, dataset_parameters, load_assumptions

    table = sh.guard(lambda: load_assumptions(data))
    parameters = sh.guard(lambda: dataset_parameters(data))
    published = sh.guard(lambda: load_network(data, calibrated=False)) if parameters is not None else net
    scenarios = {} if scenario is None else {scenario.name: scenario}
    sh.guard(lambda: check_assumptions(published, table, parameters=parameters, scenarios=scenarios))
    return table, parameters, published


def print_answer_ranges(answer: dict[str, Any]) -> None:
    """The ranges table of :func:`corridor.cli._uncertainty.print_ranges`, without the figures
    that are 0 in every draw."""
    from corridor.cli._uncertainty import print_ranges

    kept = {k: v for k, v in answer["ranges"].items() if max(abs(x) for x in v.values()) >= ZERO}
    print_ranges({**answer, "ranges": kept})


def tornado_plot(answer: dict[str, Any], path: Path | None) -> None:
    """Write the tornado of the first figure that has drivers, when ``--plot`` asks for one."""
    if path is None:
        return
    from corridor.plot import plot_tornado

    drivers = answer.get("drivers") or {}
    if not drivers:
        raise sh.fail(RequestError("--plot: no figure moves over the draws, so there is no tornado to draw"))
    figure = next(iter(drivers))
    sh.guard(lambda: plot_tornado(drivers[figure], path, title=f"What drives {figure}"))


def ranged_assign(
    net: Any,
    demand: Any,
    chosen: Any,
    *,
    equilibrium: bool,
    samples: int,
    options: Any,
    data: Path | None,
    as_json: bool,
    plot: Path | None,
) -> None:
    """``assign --samples N``: the point assignment, then N draws of the assumptions."""
    from corridor.flow import assign
    from corridor.records import json_records
    from corridor.sweep.ranged import assign_ranges, assignment_corridors

    started = time.perf_counter()
    point = sh.guard(lambda: assign(net, demand, scenario=chosen, equilibrium=equilibrium))
    seconds_each = time.perf_counter() - started
    table, parameters, published = draw_inputs(net, data, chosen)
    with sh.Progress("draws") as advance:
        ranged = sh.guard(
            lambda: assign_ranges(
                published, demand, samples=samples, assumptions=table, scenario=chosen, equilibrium=equilibrium,
                parameters=parameters, options=replace(options, always_spread=True, progress=advance),
                seconds_each=seconds_each,
            )
        )  # fmt: skip
    answer = {**point.to_dict(), "corridors": json_records(assignment_corridors(net, point)), **ranged.to_dict()}
    tornado_plot(answer, plot)
    if as_json:
        sh.emit_json(answer)
        return
    from corridor.cli._render import print_assignment

    print_assignment(net, demand, point)
    print_answer_ranges(answer)
    sh.report_outputs((plot,), None, None)


def ranged_criticality(
    net: Any,
    demand: Any,
    chosen: Any,
    point: Any,
    *,
    samples: int,
    options: Any,
    top: int,
    data: Path | None,
    as_json: bool,
    plot: Path | None,
) -> None:
    """``criticality --samples N``: each of the costliest distinct closures of the point ranking
    (at most :data:`corridor.sweep.ranged.RANGED_CLOSURES`) re-closed on N draws of the
    assumptions; print (or emit as JSON) the ranking with ``ranges`` and ``drivers``."""
    from corridor.sweep import closable_elements
    from corridor.sweep.ranged import RANGED_CLOSURES, criticality_ranges

    firsts = [str(c).split(", ")[0] for c in point.distinct().head(min(top, RANGED_CLOSURES))["closed"]]
    by_id = {e.id: e for e in sh.guard(lambda: closable_elements(net, demand=demand))}
    closures = [by_id[i] for i in firsts if i in by_id]
    table, parameters, published = draw_inputs(net, data, chosen)
    with sh.Progress("draws") as advance:
        ranged = sh.guard(
            lambda: criticality_ranges(
                published, demand, closures=closures, samples=samples, assumptions=table, scenario=chosen,
                country=point.country, transit=point.transit, parameters=parameters,
                options=replace(options, always_spread=True, progress=advance),
                seconds_each=max(point.seconds / max(point.n_solved, 1), 0.05) * (len(closures) + 1),
            )
        )  # fmt: skip
    answer = {**point.to_dict(limit=top), **ranged.to_dict()}
    tornado_plot(answer, plot)
    if as_json:
        sh.emit_json(answer)
        return
    from corridor.cli._render import print_criticality

    print_criticality(point, top=top)
    print_answer_ranges(answer)


def ranged_segments(
    net: Any,
    demand: Any,
    pair: tuple[str, str, str],
    chosen: Any,
    day: dt.date | None,
    point: Any,
    *,
    samples: int,
    options: Any,
    data: Path | None,
    seconds_each: float,
) -> dict[str, Any]:
    """``routes --segments --samples N``: each segment's route times, generalized cost and route
    shares over N draws of the assumptions."""
    from corridor.records import json_records
    from corridor.sweep.ranged import segment_ranges

    origin, destination, commodity = pair
    table, parameters, published = draw_inputs(net, data, chosen)
    with sh.Progress("draws") as advance:
        ranged = sh.guard(
            lambda: segment_ranges(
                published, demand, origin, destination, samples=samples, assumptions=table, commodity=commodity,
                scenario=chosen, on=day, parameters=parameters,
                options=replace(options, always_spread=True, progress=advance), seconds_each=seconds_each,
            )
        )  # fmt: skip
    return {"rows": json_records(point), **ranged.to_dict()}
