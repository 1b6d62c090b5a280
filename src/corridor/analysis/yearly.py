"""Assignments over a span of dated networks: a year (``assign --year``) or any stretch of days.

The network changes on the days of its history (:mod:`corridor.network.history`) and its sea
rates with the market of each month (:mod:`corridor.analysis.market`); an answer over a span is
put together from the stretches between those days, each assigned on the network of its own first
day and weighted by its days (:func:`corridor.flow.combine_assignments`), so a fleet that grew in
September counts for a third of the year, not all of it.
"""

from __future__ import annotations

import datetime as dt

from corridor.analysis.market import market_months, sea_market_on
from corridor.flow import Assignment, Demand, assign, combine_assignments, load_demand
from corridor.network import Network, network_changes, network_on, year_span
from corridor.scenario import Scenario

__all__ = ["assign_span", "assign_year", "day_pieces", "market_network_on"]


def day_pieces(network: Network, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The span cut wherever the network or the sea market changes (first and last day of each piece).

    Examples
    --------
    >>> pieces = day_pieces(load_network(), dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    >>> len(pieces), pieces[0]
    (12, (datetime.date(2023, 1, 1), datetime.date(2023, 1, 31)))
    """
    cuts = sorted(set(network_changes(network, start, end)) | set(market_months(start, end)))
    firsts = [start, *cuts]
    lasts = [d - dt.timedelta(days=1) for d in cuts] + [end]
    return list(zip(firsts, lasts, strict=True))


def market_network_on(network: Network, day: dt.date) -> Network:
    """The network of ``day`` with the sea rates of its month."""
    return sea_market_on(network_on(network, day), day)


def assign_span(
    network: Network,
    demand: Demand,
    start: dt.date,
    end: dt.date,
    *,
    scenario: Scenario | None = None,
    equilibrium: bool = True,
) -> Assignment:
    """Demand placed from ``start`` to ``end`` (both included), stretch by stretch on the network
    and sea market of each stretch's dates, in yearly rates weighted by days (``equilibrium``:
    as :func:`corridor.flow.assign`).

    Examples
    --------
    >>> net = load_network()
    >>> result = assign_span(net, load_demand(net), dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    >>> result.status
    'optimal'
    """
    parts: list[tuple[int, Assignment]] = []
    for first, last in day_pieces(network, start, end):
        day = market_network_on(network, first)
        parts.append(((last - first).days + 1, assign(day, demand, scenario=scenario, equilibrium=equilibrium)))
    return parts[0][1] if len(parts) == 1 else combine_assignments(parts)


def assign_year(
    network: Network,
    year: int,
    *,
    demand: Demand | None = None,
    scenario: Scenario | None = None,
    equilibrium: bool = True,
) -> tuple[Assignment, Demand]:
    """The demand of ``year`` (the built-in ``demand-<year>.csv`` unless given) placed over that
    year's networks; returns the assignment and the demand it placed.

    Examples
    --------
    >>> net = load_network()
    >>> result, demand = assign_year(net, 2022)
    >>> demand.name, result.status
    ('demand-2022.csv', 'optimal')
    """
    start, end = year_span(year)
    placed = load_demand(network, year=year) if demand is None else demand
    return assign_span(network, placed, start, end, scenario=scenario, equilibrium=equilibrium), placed
