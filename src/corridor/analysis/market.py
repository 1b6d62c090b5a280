"""The sea market by month: Asia-Europe container rates that move the head-haul and back-haul tariffs.

``tariffs.csv`` carries 2021's Asia-Europe sea rates as its ``heading`` rows (westbound head-haul,
eastbound back-haul). ``sea-rates.csv`` (beside the dataset's tables) gives, month by month, the
published Shanghai-Rotterdam and Rotterdam-Shanghai spot rates, with the 2021 rates they are taken
against (the row whose month is ``2021``). :func:`sea_market_on` scales the container tariffs'
``heading`` rows per km by the month's rate over 2021's, so a year's assignment meets the sea
market of each of its months (:func:`corridor.analysis.yearly.assign_span`). A month without a
row keeps 2021's rates; 2022's are the market conditions of the ``sanctions-2022`` scenario.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pandas as pd

from corridor.errors import DataError, Problem
from corridor.network import BUILTIN_DATASET, Network, builtin_dataset_path, read_string_table

__all__ = ["SEA_RATES_FILE", "load_sea_rates", "market_months", "sea_factors", "sea_market_on"]

SEA_RATES_FILE = "sea-rates.csv"
_COLUMNS = ("month", "westbound_usd_per_feu", "eastbound_usd_per_feu", "source")


def load_sea_rates(path: str | Path | None = None) -> pd.DataFrame:
    """The monthly sea rates (the built-in table by default), every row checked.

    Examples
    --------
    >>> rates = load_sea_rates()
    >>> rates.loc[rates["month"] == "2021", "westbound_usd_per_feu"].item()
    10000.0
    """
    file = builtin_dataset_path() / SEA_RATES_FILE if path is None else Path(path)
    return _read(str(file))


@cache
def _read(file: str) -> pd.DataFrame:
    name = Path(file).name
    table = read_string_table(file, _COLUMNS)
    problems = []
    for number, row in enumerate(table.to_dict("records"), start=2):
        month = str(row["month"])
        try:
            dt.date.fromisoformat(f"{month}-01" if len(month) == 7 else f"{month}-01-01")
        except ValueError:
            problems.append(Problem(name, f"month is {month!r}; expected YYYY-MM (or YYYY for the reference year)",
                                    row=number, field="month"))  # fmt: skip
        for col in _COLUMNS[1:3]:
            try:
                ok = float(row[col]) > 0
            except ValueError:
                ok = False
            if not ok:
                problems.append(Problem(name, f"{col} is {row[col]!r}; expected a number > 0", row=number, field=col))
        if not str(row["source"]).strip():
            problems.append(Problem(name, "source is empty; expected source ids", row=number, field="source"))
    references = table[table["month"].str.len() == 4]
    if len(references) != 1:
        problems.append(Problem(name, f"has {len(references)} reference rows (month YYYY); expected exactly one"))
    if problems:
        raise DataError(problems)
    for col in _COLUMNS[1:3]:
        table[col] = table[col].astype(float)
    return table


def sea_factors(day: dt.date, rates: pd.DataFrame | None = None) -> tuple[float, float] | None:
    """The month's westbound and eastbound rates over the reference year's, or None without a row.

    Examples
    --------
    >>> west, east = sea_factors(dt.date(2023, 6, 1))
    >>> round(west, 3), round(east, 3)
    (0.135, 0.368)
    """
    table = load_sea_rates() if rates is None else rates
    month = table[table["month"] == f"{day.year}-{day.month:02d}"]
    if month.empty:
        return None
    reference = table[table["month"].str.len() == 4].iloc[0]
    return (
        float(month["westbound_usd_per_feu"].iloc[0]) / float(reference["westbound_usd_per_feu"]),
        float(month["eastbound_usd_per_feu"].iloc[0]) / float(reference["eastbound_usd_per_feu"]),
    )


def market_months(start: dt.date, end: dt.date, rates: pd.DataFrame | None = None) -> list[dt.date]:
    """First days of months after ``start`` up to ``end`` where the sea market changes."""
    table = load_sea_rates() if rates is None else rates
    listed = set(table["month"])
    out = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        nxt = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if start < nxt <= end and ({f"{nxt.year}-{nxt.month:02d}", f"{day.year}-{day.month:02d}"} & listed):
            out.append(nxt)
        day = nxt
    return out


def sea_market_on(network: Network, day: dt.date, rates: pd.DataFrame | None = None) -> Network:
    """The network with its container head-haul and back-haul sea rates at the market of ``day``'s month.

    Only the built-in network follows the built-in table; another dataset passes its own ``rates``.

    Examples
    --------
    >>> net = load_network()
    >>> def west(n):
    ...     t = n.tariffs
    ...     return float(t.loc[(t["mode"] == "sea") & (t["heading"] == "westbound"), "usd_per_unit_km"].iloc[0])
    >>> round(west(sea_market_on(net, dt.date(2023, 6, 1))) / west(net), 3)
    0.135
    """
    if rates is None and network.name != BUILTIN_DATASET:
        return network
    factors = sea_factors(day, rates)
    if factors is None:
        return network
    tariffs = network.tariffs.copy()
    for heading, factor in zip(("westbound", "eastbound"), factors, strict=True):
        hit = (tariffs["commodity"] == "container") & (tariffs["heading"] == heading)
        tariffs.loc[hit, "usd_per_unit_km"] = tariffs.loc[hit, "usd_per_unit_km"] * factor
    return network.replace(tariffs=tariffs)
