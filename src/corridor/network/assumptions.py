"""Ranges of the numbers a dataset and its scenarios assume: what each could plausibly be.

A dataset folder may hold ``assumptions.csv`` (columns in ``data/schema/assumptions.csv``): one
row per uncertain number, naming where it lives (a network table, the calibration's
``parameters``, ``risks`` or a built-in scenario's event as ``NAME#INDEX``), its value as given,
the band ``low..high`` it could take, how draws spread over the band and why. The value must lie
inside the band and the band must have a width; :func:`check_assumptions` also holds each row
against the network and the scenarios, so a range cannot drift from the number it qualifies.

:func:`draw_values` turns uniform draws (a Latin hypercube) into values of every row, and
:func:`apply_draw` lays one draw over a network, its calibration and a scenario.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from corridor.errors import DataError, Problem
from corridor.network.parameters import PARAMETERS_FILE, apply_parameters, read_parameters
from corridor.network.schema import parse_rows, read_csv_rows, schema_for, split_source
from corridor.network.tables import Network, builtin_dataset_path

__all__ = [
    "ASSUMPTIONS_FILE",
    "DISTRIBUTIONS",
    "apply_draw",
    "assumption_records",
    "check_assumptions",
    "dataset_parameters",
    "draw_values",
    "load_assumptions",
]

ASSUMPTIONS_FILE = "assumptions.csv"
DISTRIBUTIONS = ("uniform", "triangular", "lognormal")

LOGNORMAL_Z = 1.6448536269514722
"""The standard normal's 95th percentile: a lognormal row's low and high sit at its 5th and 95th
percentiles (the wider side sets the spread), and draws are cut to low..high."""

_KEYS = {"nodes": "id", "links": "id", "groups": "id", "commodities": "id", "congestion": "element", "risks": "hazard"}
"""The column that names a row, per table that has one (segments: commodity/segment)."""


def load_assumptions(path: str | Path | None = None) -> pd.DataFrame:
    """The assumptions table of a dataset, each row checked on its own (value inside low..high).

    Parameters
    ----------
    path
        A CSV file, or a dataset folder holding ``assumptions.csv``; None for the built-in one.
        A folder without the file has no assumptions (an empty table).

    Returns
    -------
    pandas.DataFrame
        One row per assumption, with its spreadsheet ``row``.

    Raises
    ------
    DataError
        Every problem at once, naming file, row and field: a value outside its band, a band
        without width, a lognormal band that reaches zero, an unknown distribution, a second
        band for the same number.

    Examples
    --------
    >>> table = load_assumptions()
    >>> row = table[table["field"] == "expected_delay_days"].iloc[0]
    >>> row["element"], float(row["value"]), float(row["low"]), float(row["high"])
    ('sanctions-2022#0', 28.0, 14.0, 42.0)
    """
    target = builtin_dataset_path() if path is None else Path(path)
    if target.is_dir():
        target = target / ASSUMPTIONS_FILE
        if not target.is_file():
            return _empty()
    schema = schema_for("assumptions")
    problems: list[Problem] = []
    read = read_csv_rows(target, schema, problems)
    if read is None:
        raise DataError(problems)
    records, numbers = read
    table = parse_rows(records, numbers, schema, problems, file=target.name)
    table["row"] = list(numbers)
    seen: dict[tuple[str, str, str], int] = {}
    for rec in table.to_dict("records"):
        problems.extend(_band_problems(rec, target.name))
        key = (str(rec["table"]), str(rec["element"]), str(rec["field"]))
        if key in seen:
            message = f"{'/'.join(key)} has a band already at row {seen[key]}; expected one band per number"
            problems.append(Problem(target.name, message, row=int(rec["row"]), field="field"))
        seen.setdefault(key, int(rec["row"]))
    if problems:
        raise DataError(problems)
    return table.reset_index(drop=True)


def _empty() -> pd.DataFrame:
    columns = [*schema_for("assumptions").names, "row"]
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("value", "low", "high") else object) for c in columns})


def _band_problems(rec: Mapping[Any, Any], file: str) -> list[Problem]:
    value, low, high = float(rec["value"]), float(rec["low"]), float(rec["high"])
    row = int(rec["row"])
    if any(math.isnan(x) for x in (value, low, high)):
        return []  # already reported by the schema
    out = []
    if not low < high:
        out.append(Problem(file, f"high is {high:g}; expected a number above low ({low:g})", row=row, field="high"))
    elif not low <= value <= high:
        message = f"value is {value:g}; expected a number within low..high ({low:g}..{high:g})"
        out.append(Problem(file, message, row=row, field="value"))
    if rec["distribution"] == "lognormal" and low <= 0:
        message = f"low is {low:g}; expected a number > 0 for a lognormal band"
        out.append(Problem(file, message, row=row, field="low"))
    return out


def check_assumptions(
    network: Network,
    table: pd.DataFrame,
    *,
    parameters: pd.DataFrame | None = None,
    risks: pd.DataFrame | None = None,
    scenarios: Mapping[str, Any] | None = None,
    file: str = ASSUMPTIONS_FILE,
) -> None:
    """Hold each assumption against the network: its sources are listed, its element and field exist, and the
    value is the one the network (published tables, before calibration), its ``parameters``, its
    ``risks`` or the named scenario (``scenarios``: name -> :class:`corridor.scenario.Scenario`) give.

    Rows of a table or scenario not given are not checked.

    Raises
    ------
    DataError
        Naming file, row and field, the value in the table and the value found.

    Examples
    --------
    >>> from corridor.scenario import load_scenario
    >>> net = load_network(calibrated=False)
    >>> check_assumptions(net, load_assumptions(), scenarios={"sanctions-2022": load_scenario("sanctions-2022")})
    """
    problems = []
    known = set(network.sources["id"])
    for rec in table.to_dict("records"):
        unknown = [i for i in split_source(str(rec["source"]))[0] if i not in known]
        if unknown:
            message = f"source names {', '.join(unknown)}; expected ids listed in sources.csv"
            problems.append(Problem(file, message, row=int(rec["row"]), field="source"))
        try:
            found = _current_value(network, rec, parameters=parameters, risks=risks, scenarios=scenarios or {})
        except LookupError as err:
            problems.append(Problem(file, str(err.args[0]), row=int(rec["row"]), field="element"))
            continue
        if found is None:
            continue
        if not math.isclose(found, float(rec["value"]), rel_tol=1e-9, abs_tol=1e-12):
            message = (
                f"value is {rec['value']:g} but {rec['table']} gives {found:g} for {rec['element']} "
                f"{rec['field']}; expected the number the range qualifies"
            )
            problems.append(Problem(file, message, row=int(rec["row"]), field="value"))
    if problems:
        raise DataError(problems)


def _current_value(
    network: Network,
    rec: Mapping[Any, Any],
    *,
    parameters: pd.DataFrame | None,
    risks: pd.DataFrame | None,
    scenarios: Mapping[str, Any],
) -> float | None:
    """The number a row qualifies, or None when its table or scenario was not given."""
    table, element, field = str(rec["table"]), str(rec["element"]), str(rec["field"])
    if table == "scenario":
        name, index = _event_of(element)
        if name not in scenarios:
            return None
        events = scenarios[name].events
        if not 0 <= index < len(events):
            raise LookupError(f"element is {element!r}; {name} has {len(events)} events (0 to {len(events) - 1})")
        value = getattr(events[index], field, None)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise LookupError(f"element is {element!r}; its event has no number {field!r}")
        return float(value)
    if table == "parameters":
        if parameters is None:
            return None
        hit = parameters[parameters["parameter"] == element]
        if hit.empty:
            raise LookupError(f"element is {element!r}; expected a parameter of {PARAMETERS_FILE}")
        return float(hit["value"].iloc[0])
    frame = risks if table == "risks" else getattr(network, table)
    if frame is None:
        return None
    mask = _row_mask(frame, table, element)
    if not mask.any():
        raise LookupError(f"element is {element!r}; expected a row of {table}.csv")
    if field not in frame.columns:
        raise LookupError(f"field is {field!r}; {table}.csv has no such column")
    return float(frame.loc[mask, field].iloc[0])


def _event_of(element: str) -> tuple[str, int]:
    name, _, index = element.rpartition("#")
    if not name or not index.isdigit():
        raise LookupError(f"element is {element!r}; expected a scenario's event as NAME#INDEX")
    return name, int(index)


def _row_mask(frame: pd.DataFrame, table: str, element: str) -> pd.Series:
    if table == "segments":
        commodity, _, segment = element.partition("/")
        return (frame["commodity"] == commodity) & (frame["segment"] == segment)
    return frame[_KEYS[table]] == element


def _scale_history(
    tables: dict[str, pd.DataFrame], network: Network, element: str, stated: pd.Series, value: float
) -> None:
    """Scale an element's dated capacities (``capacity-history.csv``) by a drawn capacity's
    share of its stated one: the band says how far the capacity is known, whichever date it
    holds from, so a crossing drawn 20% under its table figure is 20% under each dated figure
    too (without this, a dated run would never see the draw)."""
    history = network.capacity_history
    if history.empty or stated.empty:
        return
    base = float(stated.iloc[0])
    if not base:
        return
    frame = tables.setdefault("capacity_history", history.copy())
    rows = frame["element"] == element
    if rows.any():
        frame.loc[rows, "capacity"] = frame.loc[rows, "capacity"].astype(float) * (value / base)


def assumption_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The assumptions as JSON-ready records (element, field, value, low, high, distribution, reason, source).

    Examples
    --------
    >>> assumption_records(load_assumptions())[0]["distribution"]
    'triangular'
    """
    keep = ["table", "element", "field", "value", "low", "high", "distribution", "reason", "source"]
    return [
        {str(k): (float(v) if k in ("value", "low", "high") else str(v)) for k, v in r.items()}
        for r in table[keep].to_dict("records")
    ]


def draw_values(table: pd.DataFrame, uniform: np.ndarray) -> np.ndarray:
    """Values of every assumption for each row of ``uniform`` (draws in [0, 1), one column per assumption).

    Examples
    --------
    >>> t = pd.DataFrame({"value": [2.0], "low": [1.0], "high": [3.0], "distribution": ["uniform"]})
    >>> draw_values(t, np.array([[0.0], [0.5]])).ravel().tolist()
    [1.0, 2.0]
    """
    out = np.empty_like(uniform, dtype=float)
    for j, rec in enumerate(table[["value", "low", "high", "distribution"]].to_dict("records")):
        value, low, high = float(rec["value"]), float(rec["low"]), float(rec["high"])
        u = uniform[:, j]
        if rec["distribution"] == "uniform":
            out[:, j] = low + u * (high - low)
        elif rec["distribution"] == "triangular":
            out[:, j] = stats.triang.ppf(u, (value - low) / (high - low), loc=low, scale=high - low)
        else:
            sigma = max(math.log(value / low), math.log(high / value)) / LOGNORMAL_Z
            dist = stats.lognorm(sigma, scale=value)
            first, last = dist.cdf(low), dist.cdf(high)
            out[:, j] = np.clip(dist.ppf(first + u * (last - first)), low, high)
    return out


def apply_draw(
    network: Network,
    table: pd.DataFrame,
    values: Sequence[float],
    *,
    parameters: pd.DataFrame | None = None,
    scenario: Any = None,
) -> tuple[Network, Any]:
    """The network and scenario with one draw of the assumptions laid over them.

    ``network`` is the published network (``load_network(calibrated=False)``) and ``parameters``
    its calibration: a drawn parameter replaces the fitted one before the calibration is laid
    over the tables. Rows of ``risks`` and of other scenarios are left alone. A drawn capacity
    scales the element's dated capacities by the same share of its stated figure.

    Returns
    -------
    tuple
        The network (calibrated when ``parameters`` is given) and the scenario (None stays None).
    """
    tables: dict[str, pd.DataFrame] = {}
    params = None if parameters is None else parameters.copy()
    events = None if scenario is None else list(scenario.events)
    for rec, value in zip(table.to_dict("records"), values, strict=True):
        kind, element, field = str(rec["table"]), str(rec["element"]), str(rec["field"])
        if kind == "scenario":
            name, index = _event_of(element)
            if events is not None and name == scenario.name:
                events[index] = events[index].model_copy(update={field: float(value)})
        elif kind == "parameters":
            if params is not None:
                params.loc[params["parameter"] == element, "value"] = float(value)
        elif kind != "risks":
            frame = tables.setdefault(kind, getattr(network, kind).copy())
            rows = _row_mask(frame, kind, element)
            if field == "capacity":
                _scale_history(tables, network, element, frame.loc[rows, field], float(value))
            frame.loc[rows, field] = float(value)
    if params is not None:  # the drawn tables under the calibration, checked once
        drawn = apply_parameters(network, params, tables=tables)
    else:
        drawn = network.derive(**tables) if tables else network
    if events is not None:
        scenario = scenario.model_copy(update={"events": events})
    return drawn, scenario


def dataset_parameters(path: str | Path | None = None) -> pd.DataFrame | None:
    """A dataset's calibration (``calibration/parameters.csv``), or None when it has none."""
    folder = builtin_dataset_path() if path is None else Path(path)
    file = folder / PARAMETERS_FILE
    return read_parameters(file) if file.is_file() else None
