"""Compare labelled route options side by side (Northern vs Middle Corridor vs Suez, CPC vs BTC...).

Each option is a request (its own ``via`` and ``avoid``); an option that the constraints cut
comes back with the reason instead of a route, so a table can show "no route" and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corridor.errors import NoRouteError
from corridor.network import Network
from corridor.routing import By, Route, shortest_route

__all__ = ["Option", "Outcome", "compare_routes"]


@dataclass(frozen=True)
class Option:
    """One labelled way to go: places to pass and things to avoid on top of the common ones."""

    label: str
    via: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """The best route for an option, or why there is none."""

    option: Option
    route: Route | None
    reason: str | None = None


def compare_routes(
    network: Network,
    origin: str,
    destination: str,
    options: Sequence[Option],
    *,
    commodity: str = "container",
    by: By = "cost",
    avoid: Iterable[str] = (),
) -> list[Outcome]:
    """The best route of each named option, with ``avoid`` applied to all of them.

    Parameters
    ----------
    network
        The network.
    origin, destination
        Places, as :func:`corridor.shortest_route` takes them.
    options
        Named alternatives, each with its own ``via`` and ``avoid`` (:class:`Option`).
    commodity, by
        As for :func:`corridor.shortest_route`.
    avoid
        What every option must avoid (e.g. ``["RU", "BY"]`` for a sanctions view).

    Returns
    -------
    list of Outcome
        One per option, in order: its best route, or None with the reason (the constraints that
        cut every route).

    Examples
    --------
    >>> net = load_network()
    >>> out = compare_routes(net, "Xi'an", "Duisburg", [Option("Northern", via=("northern_rail",))], avoid=["RU", "BY"])
    >>> out[0].route is None and "avoid RU" in out[0].reason
    True
    """
    common = list(avoid)
    outcomes = []
    for option in options:
        try:
            route = shortest_route(
                network,
                origin,
                destination,
                commodity=commodity,
                by=by,
                avoid=[*common, *option.avoid],
                via=option.via,
            )
        except NoRouteError as err:
            outcomes.append(Outcome(option, None, str(err)))
        else:
            outcomes.append(Outcome(option, route))
    return outcomes
