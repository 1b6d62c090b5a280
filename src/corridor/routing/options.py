"""What a route must avoid and pass through, resolved from what a user names to ids.

A user names countries (``RU``), modes (``caspian_ferry``), links, places (id, name, Russian
name, alias) or groups (``cpc``). Each named item stays one constraint, so that when no route is
left, the constraints that cut it can be named one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from corridor.errors import UnknownNodeError
from corridor.network import Network, country_codes, group_members

__all__ = ["Avoid", "RouteOptions", "RouteState", "Via", "resolve_route_options"]


@dataclass(frozen=True)
class Avoid:
    """One thing to avoid, as the user named it, and the ids it stands for."""

    label: str
    countries: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Via:
    """One place to pass: any of its nodes, or along any of its links."""

    label: str
    nodes: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class RouteState:
    """The network as it stands on one day of a scenario, for routing (built by
    :func:`corridor.scenario.route_state`): what is closed or barred, as named avoid items, and
    the tariffs and times then in force (``None``: the network's own)."""

    label: str
    avoid: tuple[Avoid, ...] = ()
    cost_usd: Any = None  # [commodity, arc] USD per unit
    time_h: Any = None  # [arc] hours


@dataclass(frozen=True)
class RouteOptions:
    """What a route must avoid and pass through, resolved to ids."""

    avoid: tuple[Avoid, ...] = ()
    via: tuple[Via, ...] = ()  # in the order to pass

    def _union(self, field: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x for item in self.avoid for x in getattr(item, field)))

    @property
    def avoid_countries(self) -> tuple[str, ...]:
        return self._union("countries")

    @property
    def avoid_modes(self) -> tuple[str, ...]:
        return self._union("modes")

    @property
    def avoid_nodes(self) -> tuple[str, ...]:
        return self._union("nodes")

    @property
    def avoid_links(self) -> tuple[str, ...]:
        return self._union("links")

    def relaxations(self) -> list[tuple[str, RouteOptions]]:
        """Each single constraint, with the constraints left when it is dropped."""
        out: list[tuple[str, RouteOptions]] = []
        for i, item in enumerate(self.avoid):
            out.append((f"avoid {item.label}", replace(self, avoid=self.avoid[:i] + self.avoid[i + 1 :])))
        for i, passage in enumerate(self.via):
            out.append((f"via {passage.label}", replace(self, via=self.via[:i] + self.via[i + 1 :])))
        return out

    def describe(self) -> str:
        parts = [f"avoid {item.label}" for item in self.avoid] + [f"via {item.label}" for item in self.via]
        return ", ".join(parts) or "no constraints"


def resolve_route_options(network: Network, *, avoid: Iterable[str] = (), via: Iterable[str] = ()) -> RouteOptions:
    """Turn what a user names into ids.

    Each ``avoid`` item is a country code (``"RU"``), a mode (``"caspian_ferry"``), a group
    (``"cpc"``), a link id or a place (id, name, Russian name or alias). Each ``via`` item is a
    place, a link or a group (any of its nodes, or along any of its links); a route passes the
    via items in the order given.

    Parameters
    ----------
    network
        The network the names belong to.
    avoid, via
        What the user named.

    Returns
    -------
    RouteOptions
        One :class:`Avoid` or :class:`Via` per item, so that each can be named when it cuts every route.

    Raises
    ------
    UnknownNodeError
        An item that is no country, mode, link, place or group; with the closest names.

    Examples
    --------
    >>> net = load_network()
    >>> c = resolve_route_options(net, avoid=["RU", "BY"], via=["Baku port"])
    >>> c.avoid_countries, c.via[0].nodes
    (('RU', 'BY'), ('baku_alat_port',))
    """
    if isinstance(avoid, str):
        avoid = [avoid]
    if isinstance(via, str):
        via = [via]
    mode_ids = set(network.modes["id"])
    link_ids = set(network.links["id"])
    items: list[Avoid] = []
    for raw in avoid:
        item = raw.strip()
        if not item:
            continue
        if len(item) == 2 and item.upper() in country_codes():
            items.append(Avoid(item.upper(), countries=(item.upper(),)))
        elif item in mode_ids:
            items.append(Avoid(f"mode {item}", modes=(item,)))
        elif item in link_ids:
            items.append(Avoid(f"link {item}", links=(item,)))
        else:
            try:
                kind, ident = network.name_index.resolve(item)
            except UnknownNodeError as err:
                raise UnknownNodeError(item, err.suggestions, what="country code, mode, link, place or group") from None
            if kind == "group":
                g_nodes, g_links = group_members(network, ident)
                items.append(Avoid(f"group {ident}", nodes=tuple(g_nodes), links=tuple(g_links)))
            else:
                items.append(Avoid(ident, nodes=(ident,)))
    via_items = []
    for raw in via:
        item = raw.strip()
        if not item:
            continue
        if item in link_ids:
            via_items.append(Via(item, links=(item,)))
            continue
        kind, ident = network.name_index.resolve(item)
        if kind == "group":
            g_nodes, g_links = group_members(network, ident)
            via_items.append(Via(ident, nodes=tuple(g_nodes), links=tuple(g_links)))
        else:
            via_items.append(Via(ident, nodes=(ident,)))
    return RouteOptions(avoid=tuple(items), via=tuple(via_items))
