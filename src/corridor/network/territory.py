"""Countries crossed as territory, and the straits a route passes.

A link's ``countries`` lists every country it touches, its ends included. A sea leg that ends at
a waypoint (a strait, a cape) touches the waypoint's country only in the sense that the map puts
the point there: ships passing the Strait of Malacca, Bab-el-Mandeb or Gibraltar do so under
transit passage, which no coastal state may stop, and the Cape and the open sea are nobody's
territory. What counts is territory: a canal (the Suez Canal: Egypt) or a strait that is a
country's own waters (the Turkish Straits: Turkey).

The groups say which is which: a group of kind ``strait``, ``canal`` or ``sea_area`` names the
countries whose territory ships cross there in its ``territory`` column (empty for an
international passage). A waypoint no such group holds is nobody's territory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corridor.network.places import group_members

if TYPE_CHECKING:
    from corridor.network.tables import Network

__all__ = ["PASSAGE_KINDS", "STRAIT_KINDS", "link_territory", "node_passages", "waypoint_territory"]

PASSAGE_KINDS = frozenset({"strait", "canal", "sea_area"})
"""Group kinds that describe the waters ships pass (and whose ``territory`` counts)."""

STRAIT_KINDS = frozenset({"strait", "canal"})
"""Group kinds a route lists among its ``straits``."""


def _items(network: Network, group: str) -> list[str]:
    """The node and link ids of a group, nested groups flattened."""
    nodes, links = group_members(network, group)
    return [*nodes, *links]


def _passage_groups(network: Network) -> list[tuple[str, str, tuple[str, ...], list[str]]]:
    """(group id, kind, territory, member ids) of every strait, canal and sea-area group."""
    groups = network.groups
    if "kind" not in groups.columns or groups.empty:
        return []
    territory = groups["territory"] if "territory" in groups.columns else [()] * len(groups)
    return [
        (str(g), str(kind), tuple(t or ()), _items(network, str(g)))
        for g, kind, t in zip(groups["id"], groups["kind"], territory, strict=True)
        if kind in PASSAGE_KINDS
    ]


def node_passages(network: Network) -> dict[str, str]:
    """The strait or canal group each node of one lies in, by node id (the first group listed wins).

    Examples
    --------
    >>> passages = node_passages(load_network())
    >>> passages["suez_canal"], passages["bosphorus"], passages["singapore"]
    ('suez_canal_passage', 'turkish_straits', 'malacca_strait')
    """
    nodes = set(network.nodes["id"])
    out: dict[str, str] = {}
    for group, kind, _, items in _passage_groups(network):
        if kind in STRAIT_KINDS:
            for item in items:
                if item in nodes:
                    out.setdefault(item, group)
    return out


def waypoint_territory(network: Network) -> dict[str, frozenset[str]]:
    """For each waypoint node, the countries whose territory a ship passing it crosses (often none).

    Examples
    --------
    >>> territory = waypoint_territory(load_network())
    >>> sorted(territory["suez_canal"]), sorted(territory["singapore"]), sorted(territory["cape_good_hope"])
    (['EG'], [], [])
    """
    nodes = network.nodes
    waypoints = [str(n) for n, kind in zip(nodes["id"], nodes["kind"], strict=True) if kind == "waypoint"]
    held: dict[str, set[str]] = {w: set() for w in waypoints}
    for _, _, territory, items in _passage_groups(network):
        for item in items:
            if item in held:
                held[item] |= set(territory)
    return {w: frozenset(c) for w, c in held.items()}


def link_territory(network: Network) -> tuple[tuple[str, ...], ...]:
    """Per link (row order), the countries it crosses as territory, in path order.

    A link's listed countries, less those it touches only at a waypoint that is nobody's
    territory (a strait in transit passage, a cape, a point at sea); a country the other end lies
    in still counts.

    Examples
    --------
    >>> net = load_network()
    >>> crossed = dict(zip(net.links["id"], link_territory(net), strict=True))
    >>> crossed["sea_sin_bab"], crossed["sea_bab_suez"], crossed["sea_sha_sin"], crossed["bs_cpc_bosphorus"]
    ((), ('EG',), ('CN',), ('RU', 'TR'))
    """
    links = network.links
    territory = waypoint_territory(network)
    country = dict(zip(network.nodes["id"], network.nodes["country"], strict=True))
    out = []
    for a, b, countries in zip(links["from"], links["to"], links["countries"], strict=True):
        dropped, kept = set(), set()
        for end in (a, b):
            c = country[end]
            if end in territory and c not in territory[end]:
                dropped.add(c)
            else:
                kept.add(c)
        out.append(tuple(c for c in countries if c not in dropped - kept))
    return tuple(out)
