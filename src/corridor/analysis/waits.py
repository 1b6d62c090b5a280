"""Route times with the queues of a day (``routes --on DATE [--scenario S]``).

A route's own time counts typical dwell only. The queues of ``congestion.csv`` grow as elements
fill, and how full they are depends on the day: its network (:func:`corridor.network.network_on`),
its demand (the built-in year of the day where there is one) and the scenario as it stands then.
:func:`day_waits` places that day's demand and reads each link's wait; :func:`with_waits` adds
the waits a route meets to its time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from corridor.flow import Demand, assign
from corridor.network import Network, network_on
from corridor.routing import Route
from corridor.scenario import Scenario

__all__ = ["day_waits", "with_waits"]

Arc = tuple[str, str, str]  # link, from, to


def day_waits(
    network: Network, demand: Demand, day: dt.date, *, commodity: str, scenario: Scenario | None = None
) -> dict[Arc, float]:
    """Hours a unit of ``commodity`` waits on each link and direction in the assignment of ``day``.

    Examples
    --------
    >>> net = load_network()
    >>> waits = day_waits(net, load_demand(net), dt.date(2021, 6, 1), commodity="container")
    >>> all(h >= 0 for h in waits.values())
    True
    """
    chosen = None if scenario is None else scenario.on(day)
    result = assign(network_on(network, day), demand, scenario=chosen)
    f = result.flows[result.flows["commodity"] == commodity]
    return {
        (str(k), str(a), str(b)): float(w)
        for k, a, b, w in zip(f["link"], f["from"], f["to"], f["wait_h"], strict=True)
    }


def with_waits(routes: Sequence[Route], waits: Mapping[Arc, float]) -> list[Route]:
    """The routes with the waits they meet added to their time (``wait_h``, ``time_h``)."""
    out = []
    for route in routes:
        wait = sum(waits.get(arc, 0.0) for arc in zip(route.links, route.nodes[:-1], route.nodes[1:], strict=True))
        out.append(dataclasses.replace(route, wait_h=wait, time_h=route.time_h - route.wait_h + wait))
    return out
