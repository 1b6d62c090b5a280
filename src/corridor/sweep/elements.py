"""What a sweep can close: infrastructure and sea chokepoints, as arcs and nodes.

An element is what fails or is shut in the world: a line, a port or terminal, a border, a
pipeline, a ferry line (links, nodes, asset groups), or a sea chokepoint (a strait, a canal, a
named sea area: groups of kind ``strait``, ``canal``, ``sea_area``). Two things are not:

* **open-sea legs**: a ``sea`` link with no capacity and no operator is a stretch of open water
  between two points, not a line anyone runs; the chokepoint it leads to is the element. A sea
  link with a fleet (a capacity) or an operator is a line and stays one.
* **waypoints** (a node of kind ``waypoint``): a point at sea; the strait or canal group holding
  it is the element, and a cape or a point in the open ocean is none.

Groups of kind ``rate`` (legs that share a freight rate, such as the Asia-Europe liner legs) are
no element either: nothing closes them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from corridor.errors import RequestError
from corridor.flow import Demand
from corridor.network import Network, group_members

__all__ = ["OPEN_SEA_MODES", "Element", "bind_elements", "closable_elements", "network_elements", "open_sea_legs"]

OPEN_SEA_MODES = frozenset({"sea"})
"""Modes whose links without a capacity or an operator are open water, not a line."""


@dataclass(frozen=True)
class Element:
    """Something that can close: a link, a node (every arc touching it) or a named group of them."""

    kind: str
    id: str
    arcs: tuple[int, ...]
    nodes: tuple[int, ...] = ()  # nodes whose own capacity it holds (a node, a group's member nodes)


def open_sea_legs(network: Network) -> frozenset[str]:
    """Ids of the links that are open water: a sea link with no capacity and no operator.

    Examples
    --------
    >>> legs = open_sea_legs(load_network())
    >>> "sea_sha_sin" in legs, "cs_aktau_alat_feeder" in legs, "cpc_spm1" in legs
    (True, False, False)
    """
    links = network.links
    sea = links["mode"].isin(OPEN_SEA_MODES) & links["capacity"].isna() & (links["operator"].fillna("") == "")
    return frozenset(str(x) for x in links.loc[sea, "id"])


def closable_elements(
    network: Network, *, kinds: Iterable[str] = ("link", "node", "group"), demand: Demand | None = None
) -> list[Element]:
    """The infrastructure and sea chokepoints of the network, as elements a sweep can close.

    Every link, node and group except open-sea legs, waypoints and rate groups (see the module
    docstring).

    Parameters
    ----------
    network
        The network.
    kinds
        Which kinds: ``link``, ``node``, ``group``.
    demand
        When given, nodes where cargo starts or ends, groups holding one, and a link that is the
        only one at such a node (its access: a field's own pipeline) are left out: closing a field
        or a market strands its cargo by definition and says nothing about the network between them.

    Returns
    -------
    list of Element
        Each with its kind, id, the arcs it shuts and the nodes whose capacity it holds.

    Raises
    ------
    RequestError
        An unknown kind.

    Examples
    --------
    >>> net = load_network()
    >>> ids = {e.id for e in closable_elements(net)}
    >>> "caspian_crossing" in ids, "malacca_strait" in ids, "sea_sha_sin" in ids, "asia_europe_sea" in ids
    (True, True, False, False)
    """
    ends = set() if demand is None else set(demand.table["origin"]) | set(demand.table["destination"])
    found = _elements(network, kinds, ends=ends, everything=False)
    access = _access_links(network, ends)
    return [e for e in found if not (e.kind == "link" and e.id in access)]


def _access_links(network: Network, ends: set[str]) -> set[str]:
    """Links that are the only link at a node where cargo starts or ends."""
    links = network.links
    at: dict[str, list[str]] = {}
    for link, a, b in zip(links["id"], links["from"], links["to"], strict=True):
        at.setdefault(str(a), []).append(str(link))
        at.setdefault(str(b), []).append(str(link))
    return {at[node][0] for node in ends if len(at.get(node, [])) == 1}


def network_elements(network: Network, *, kinds: Iterable[str] = ("link", "node", "group")) -> list[Element]:
    """Every link, node and group as an element, open-sea legs, waypoints and rate groups included:
    what a hazard or a user may name, though a sweep does not close it on its own.

    Examples
    --------
    >>> "bosphorus" in {e.id for e in network_elements(load_network(), kinds=["node"])}
    True
    """
    return _elements(network, kinds, ends=set(), everything=True)


def _elements(network: Network, kinds: Iterable[str], *, ends: set[str], everything: bool) -> list[Element]:
    """Elements of the kinds asked; ``everything``: open-sea legs, waypoints and rate groups too."""
    cn = network.compiled
    kinds = set(kinds)
    unknown = kinds - {"link", "node", "group"}
    if unknown:
        raise RequestError(f"unknown element kind(s) {sorted(unknown)}; expected link, node or group")
    open_sea = frozenset() if everything else open_sea_legs(network)
    waypoints = set() if everything else set(network.nodes.loc[network.nodes["kind"] == "waypoint", "id"])
    out = []
    if "link" in kinds:
        for link in network.links["id"]:
            if link in open_sea:
                continue
            out.append(Element("link", str(link), tuple(np.flatnonzero(cn.arc_link == cn.link_index[link]).tolist())))
    if "node" in kinds:
        for node in network.nodes["id"]:
            if node in ends or node in waypoints:
                continue
            i = cn.node_index[node]
            arcs = tuple(np.flatnonzero((cn.tail == i) | (cn.head == i)).tolist())
            out.append(Element("node", str(node), arcs, (i,)))
    if "group" in kinds:
        for group, kind in zip(network.groups["id"], network.groups["kind"], strict=True):
            if kind == "rate" and not everything:
                continue
            nodes, links = group_members(network, group)
            if group in ends or ends & set(nodes):
                continue
            node_idx = [cn.node_index[n] for n in nodes]
            link_idx = [cn.link_index[x] for x in links]
            hit = np.isin(cn.arc_link, link_idx) | np.isin(cn.tail, node_idx) | np.isin(cn.head, node_idx)
            out.append(Element("group", str(group), tuple(np.flatnonzero(hit).tolist()), tuple(node_idx)))
    return out


def bind_elements(chosen: Iterable[Element], network: Network) -> list[Element]:
    """The same elements with their arcs and nodes looked up on ``network`` by kind and id.

    A scenario's new links shift arc positions, so elements listed on one network are bound
    again to the network a sweep runs on.

    Raises
    ------
    RequestError
        An element the network does not have.
    """
    chosen = list(chosen)
    kinds = {e.kind for e in chosen}
    known = {(e.kind, e.id): e for e in network_elements(network, kinds=kinds)} if kinds else {}
    missing = sorted(f"{e.kind} {e.id}" for e in chosen if (e.kind, e.id) not in known)
    if missing:
        raise RequestError(f"elements not in network {network.name!r}: {', '.join(missing)}")
    return [known[(e.kind, e.id)] for e in chosen]
