"""The network of a day: elements that open and close, capacities that grow.

A dataset dates its elements with ``valid_from`` and ``valid_until`` (nodes, links, groups; empty
means always) and records how capacities changed in ``capacity-history.csv`` (element, first day,
capacity, unit, source): a fleet that grew, a terminal that opened, a line given a second track.
:func:`network_on` builds the network as it stood on one day: the elements that existed then
(a link needs both its ends; a group keeps its members of the day), each with the capacity of its
latest history row on or before that day (before its first row, the figure of its own table).

:func:`network_changes` lists the days on which the network changes within a span, and
:func:`dated_stretches` cuts a span at those days, so that an answer over a year (or a scenario's
horizon) is put together from stretches that each run on the network of their own dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from corridor.errors import RequestError
from corridor.network.tables import Network

__all__ = ["dated_stretches", "day_networks", "network_changes", "network_on", "parse_day", "year_span"]


def parse_day(text: str, option: str = "--on") -> dt.date:
    """A day given as YYYY-MM-DD, or a :class:`RequestError` naming the option.

    Examples
    --------
    >>> parse_day("2022-06-01")
    datetime.date(2022, 6, 1)
    """
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RequestError(f"{option} is {text!r}; expected a date as YYYY-MM-DD") from None


def year_span(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a calendar year (``--year``), checked.

    Examples
    --------
    >>> year_span(2023)
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    """
    if not 1900 <= year <= 2100:
        raise RequestError(f"--year is {year}; expected a year from 1900 to 2100")
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _holds(frame: pd.DataFrame, day: str) -> pd.Series:
    """Rows of a dated table that exist on ``day`` (ISO text compares as dates)."""
    keep = pd.Series(True, index=frame.index)
    if "valid_from" in frame.columns:
        start = frame["valid_from"].astype(str)
        keep &= (start == "") | (start <= day)
    if "valid_until" in frame.columns:
        end = frame["valid_until"].astype(str)
        keep &= (end == "") | (end >= day)
    return keep


def network_on(network: Network, day: dt.date) -> Network:
    """The network as it stood on ``day``: its elements of that day with that day's capacities.

    Parameters
    ----------
    network
        A network whose tables may carry ``valid_from``/``valid_until`` and a capacity history.
    day
        The day to build.

    Returns
    -------
    Network
        The same network when nothing is dated; else a new one, validated again, built once for
        all the days between two of its changes (:func:`network_changes`) and kept with it.

    Examples
    --------
    >>> net = load_network()
    >>> def cap(n):
    ...     return float(n.groups.set_index("id").loc["caspian_crossing", "capacity"])
    >>> cap(network_on(net, dt.date(2021, 6, 1))), cap(network_on(net, dt.date(2024, 6, 1)))
    (20000.0, 40000.0)
    """
    iso = day.isoformat()
    history = network.capacity_history
    dated = any(
        (frame[c].astype(str) != "").any()
        for frame in (network.nodes, network.links, network.groups)
        for c in ("valid_from", "valid_until")
        if c in frame.columns
    )
    if not dated and history.empty:
        return network
    state = sum(1 for d in network_changes(network, dt.date.min, dt.date.max) if d <= day)
    if state not in network._days:
        network._days[state] = _built_on(network, iso)
    return network._days[state]


def _built_on(network: Network, iso: str) -> Network:
    """The network of the day ``iso`` (YYYY-MM-DD), built and validated."""
    history = network.capacity_history
    nodes = network.nodes[_holds(network.nodes, iso)]
    kept_nodes = set(nodes["id"])
    links = network.links[
        _holds(network.links, iso) & network.links["from"].isin(kept_nodes) & network.links["to"].isin(kept_nodes)
    ]
    groups = _groups_on(network.groups[_holds(network.groups, iso)], kept_nodes | set(links["id"]))
    kept = kept_nodes | set(links["id"]) | set(groups["id"])
    tables: dict[str, pd.DataFrame] = {"nodes": nodes.copy(), "links": links.copy(), "groups": groups.copy()}
    rows = history[(history["from"].astype(str) <= iso) & history["element"].isin(kept)]
    latest = rows.sort_values("from", kind="stable").groupby("element", sort=False).tail(1)
    for element, capacity, unit, source in zip(
        latest["element"], latest["capacity"], latest["capacity_unit"], latest["capacity_source"], strict=True
    ):
        for name in ("links", "nodes", "groups"):
            frame = tables[name]
            where = frame.index[frame["id"] == element]
            if len(where):
                frame.at[where[0], "capacity"] = float(capacity)
                frame.at[where[0], "capacity_unit"] = str(unit)
                frame.at[where[0], "capacity_source"] = str(source)
                break
    tables["capacity_history"] = history[history["element"].isin(kept)]
    tariffs = network.tariffs
    tables["tariffs"] = tariffs[(tariffs["link"].astype(str) == "") | tariffs["link"].isin(kept)]
    congestion = network.congestion
    tables["congestion"] = congestion[congestion["element"].isin(kept)]
    return network.derive(**tables)


def _groups_on(groups: pd.DataFrame, elements: set[str]) -> pd.DataFrame:
    """Groups with the members that exist; a group left empty goes too (and from its parents)."""
    out = groups.copy()
    while True:
        ids = set(out["id"])
        members = [tuple(m for m in ms if m in elements or m in ids) for ms in out["members"]]
        out = out.assign(members=pd.Series(members, index=out.index, dtype=object))
        empty = out["members"].map(len) == 0
        if not empty.any():
            return out
        out = out[~empty]


def network_changes(network: Network, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days after ``start`` up to ``end`` on which the network of the day changes.

    Examples
    --------
    >>> net = load_network()
    >>> network_changes(net, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    [datetime.date(2022, 9, 1)]
    """
    days: set[dt.date] = {dt.date.fromisoformat(str(d)) for d in network.capacity_history["from"]}
    for frame in (network.nodes, network.links, network.groups):
        if "valid_from" in frame.columns:
            days |= {dt.date.fromisoformat(d) for d in frame["valid_from"].astype(str) if d}
        if "valid_until" in frame.columns:
            days |= {dt.date.fromisoformat(d) + dt.timedelta(days=1) for d in frame["valid_until"].astype(str) if d}
    return sorted(d for d in days if start < d <= end)


def dated_stretches(network: Network, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The span from ``start`` to ``end`` (both included) cut wherever the network changes.

    Examples
    --------
    >>> net = load_network()
    >>> [(a.isoformat(), b.isoformat()) for a, b in dated_stretches(net, dt.date(2024, 1, 1), dt.date(2024, 12, 31))]
    [('2024-01-01', '2024-05-19'), ('2024-05-20', '2024-12-16'), ('2024-12-17', '2024-12-31')]
    """
    cuts = network_changes(network, start, end)
    firsts = [start, *cuts]
    lasts = [d - dt.timedelta(days=1) for d in cuts] + [end]
    return list(zip(firsts, lasts, strict=True))


def day_networks(network: Network) -> Callable[[dt.date], Network]:
    """:func:`network_on` for many days, each distinct network built once (for replays).

    Examples
    --------
    >>> on_day = day_networks(load_network())
    >>> on_day(dt.date(2022, 3, 1)) is on_day(dt.date(2022, 8, 31))
    True
    >>> on_day(dt.date(2022, 8, 31)) is on_day(dt.date(2022, 9, 1))  # the Caspian feeders doubled
    False
    """
    built: dict[int, Network] = {}
    changes = network_changes(network, dt.date.min, dt.date.max)

    def on(day: dt.date) -> Network:
        state = sum(1 for d in changes if d <= day)
        if state not in built:
            built[state] = network_on(network, day)
        return built[state]

    return on
