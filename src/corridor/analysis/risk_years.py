"""The sanctions risk year by year: the hold-up shippers priced on the Northern route after 2022.

``sanctions-2022`` prices the risk of Russian and Belarusian rail (boxes held at the EU border,
insurers' and banks' exclusions, a carrier that stops mid-contract) as days of expected delay at
the Belarus-EU crossing, four weeks in 2022: an assumption, as no published figure prices it.
Shippers' view of that risk did not stay where it was in 2022: China-Europe rail fell by half in
2023 and came back near its 2021 record in 2024, while the sea rates of those years are already
in the model (``sea-rates.csv``). ``calibration/risk-years.csv`` gives each later year its own
hold-up, and :func:`corridor.analysis.calibrate.validation_table` replays each year with it.

No source gives that hold-up either, so each year's value is fitted openly: one parameter per year
against ONE named published figure of that year (the year's only row of ``targets.csv`` with use
``fit``; :func:`corridor.analysis.calibrate.fit_risk_year`). Every other figure of the year stays a
check of whether that one parameter explains it. A year after the table's last keeps the last
year's hold-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeGuard

import pandas as pd

from corridor.errors import DataError, Problem
from corridor.network import builtin_dataset_path, read_string_table
from corridor.scenario import RiskPremium, Scenario

__all__ = [
    "RISK_GRID_DAYS",
    "RISK_YEARS_FILE",
    "RiskFit",
    "load_risk_years",
    "priced_as_days",
    "risk_days_in",
    "with_risk_days",
    "write_risk_years",
]

RISK_YEARS_FILE = "calibration/risk-years.csv"
_COLUMNS = ("year", "expected_delay_days", "fitted_to", "source", "note")

RISK_GRID_DAYS: tuple[float, ...] = (0.0, 3.5, 7.0, 10.5, 14.0, 17.5, 21.0, 24.5, 28.0)
"""The hold-ups a year's fit tries first: none, then half weeks up to the four weeks of 2022 (then
whole days around the best of them: :func:`corridor.analysis.calibrate.fit_risk_year`)."""


def load_risk_years(path: str | Path | None = None) -> pd.DataFrame:
    """The fitted hold-up of each year after the scenario's first (the built-in table by default).

    Examples
    --------
    >>> table = load_risk_years()
    >>> sorted(table["year"])
    [2023, 2024]
    """
    file = builtin_dataset_path() / RISK_YEARS_FILE if path is None else Path(path)
    return _read(str(file)).copy()


@cache
def _read(file: str) -> pd.DataFrame:
    name = Path(file).name
    table = read_string_table(file, _COLUMNS)
    problems = []
    for number, row in enumerate(table.to_dict("records"), start=2):
        if not str(row["year"]).isdigit():
            problems.append(Problem(name, f"year is {row['year']!r}; expected a year such as 2023", row=number,
                                    field="year"))  # fmt: skip
        try:
            ok = 0.0 <= float(row["expected_delay_days"]) <= 365.0
        except ValueError:
            ok = False
        if not ok:
            problems.append(Problem(name, f"expected_delay_days is {row['expected_delay_days']!r}; expected a number "
                                    "of days from 0 to 365", row=number, field="expected_delay_days"))  # fmt: skip
        for col in ("fitted_to", "source"):
            if not str(row[col]).strip():
                problems.append(Problem(name, f"{col} is empty; expected the figure the value was fitted to and its "
                                        "source", row=number, field=col))  # fmt: skip
    if not problems and table["year"].duplicated().any():
        twice = sorted(set(table.loc[table["year"].duplicated(), "year"]))
        problems.append(Problem(name, f"year {', '.join(twice)} is given twice; expected one hold-up per year"))
    if problems:
        raise DataError(problems)
    table["year"] = table["year"].astype(int)
    table["expected_delay_days"] = table["expected_delay_days"].astype(float)
    return table.sort_values("year").reset_index(drop=True)


def risk_days_in(table: pd.DataFrame, year: int) -> float | None:
    """The hold-up of ``year``: its own row, else the last earlier year's; None before the table's first.

    Examples
    --------
    >>> table = pd.DataFrame({"year": [2023, 2024], "expected_delay_days": [21.0, 0.0]})
    >>> risk_days_in(table, 2022), risk_days_in(table, 2023), risk_days_in(table, 2030)
    (None, 21.0, 0.0)
    """
    earlier = table[table["year"].astype(int) <= year]
    if earlier.empty:
        return None
    return float(earlier.sort_values("year")["expected_delay_days"].iloc[-1])


def priced_as_days(event: object) -> TypeGuard[RiskPremium]:
    """Whether the event is a risk the scenario prices as expected delay (days of hold-up)."""
    return isinstance(event, RiskPremium) and event.expected_delay_days > 0


def with_risk_days(scenario: Scenario, days: float) -> Scenario:
    """The scenario with every risk it prices as expected delay set to ``days`` (its other events,
    and its premiums on the goods' value, as they are).

    Examples
    --------
    >>> from corridor.scenario import load_scenario
    >>> eased = with_risk_days(load_scenario("sanctions-2022"), 7.0)
    >>> [e.expected_delay_days for e in eased.events if isinstance(e, RiskPremium)]
    [7.0, 0.0]
    """
    events = [
        e.model_copy(update={"expected_delay_days": float(days)}) if priced_as_days(e) else e for e in scenario.events
    ]
    return scenario.model_copy(update={"events": events})


@dataclass(frozen=True)
class RiskFit:
    """One year's sanctions risk fitted to one published figure of that year."""

    year: int
    expected_delay_days: float
    figure: str  # the figure fitted to, with its year and source
    source: str  # the figure's source ids
    value: float  # its published value
    model: float  # the model's value at the fitted hold-up
    inside: bool
    tried: pd.DataFrame  # expected_delay_days, model, error: each hold-up tried


def write_risk_years(fits: Sequence[RiskFit], path: str | Path | None = None) -> Path:
    """Write the fitted hold-ups to ``calibration/risk-years.csv`` (of the built-in dataset by default)."""
    file = builtin_dataset_path() / RISK_YEARS_FILE if path is None else Path(path)
    rows = [
        {
            "year": f.year,
            "expected_delay_days": f.expected_delay_days,
            "fitted_to": f.figure,
            "source": f.source,
            "note": f"corridor calibrate --risk-years: {len(f.tried)} hold-ups tried "
            f"({', '.join(f'{d:g}' for d in sorted(f.tried['expected_delay_days']))} days); the model's "
            f"{f.model:,.0f} against the published {f.value:,.0f}",
        }
        for f in sorted(fits, key=lambda f: f.year)
    ]
    file.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(file, index=False, lineterminator="\n")
    _read.cache_clear()  # a later load_risk_years in this process reads what was just written
    return file
