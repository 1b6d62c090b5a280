"""What a sweep can close: every link, node and named group of a network, as arcs and nodes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from corridor.errors import RequestError
from corridor.flow import Demand
from corridor.network import Network, group_members

__all__ = ["Element", "bind_elements", "closable_elements"]


@dataclass(frozen=True)
class Element:
    """Something that can close: a link, a node (every arc touching it) or a named group of them."""

    kind: str
    id: str
    arcs: tuple[int, ...]
    nodes: tuple[int, ...] = ()  # nodes whose own capacity it holds (a node, a group's member nodes)


def closable_elements(
    network: Network, *, kinds: Iterable[str] = ("link", "node", "group"), demand: Demand | None = None
) -> list[Element]:
    """Every link, node and group of the network as an element a sweep can close.

    Parameters
    ----------
    network
        The network.
    kinds
        Which kinds: ``link``, ``node``, ``group``.
    demand
        When given, nodes where cargo starts or ends, and groups holding one, are left out:
        closing a field or a market strands its cargo by definition and says nothing about the
        network between them.

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
    >>> groups = closable_elements(net, kinds=["group"])
    >>> "caspian_crossing" in {e.id for e in groups}
    True
    """
    cn = network.compiled
    kinds = set(kinds)
    unknown = kinds - {"link", "node", "group"}
    if unknown:
        raise RequestError(f"unknown element kind(s) {sorted(unknown)}; expected link, node or group")
    ends = set() if demand is None else set(demand.table["origin"]) | set(demand.table["destination"])
    out = []
    if "link" in kinds:
        for link in network.links["id"]:
            out.append(Element("link", str(link), tuple(np.flatnonzero(cn.arc_link == cn.link_index[link]).tolist())))
    if "node" in kinds:
        for node in network.nodes["id"]:
            if node in ends:
                continue
            i = cn.node_index[node]
            arcs = tuple(np.flatnonzero((cn.tail == i) | (cn.head == i)).tolist())
            out.append(Element("node", str(node), arcs, (i,)))
    if "group" in kinds:
        for group in network.groups["id"]:
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
    known = {(e.kind, e.id): e for e in closable_elements(network, kinds=kinds)} if kinds else {}
    missing = sorted(f"{e.kind} {e.id}" for e in chosen if (e.kind, e.id) not in known)
    if missing:
        raise RequestError(f"elements not in network {network.name!r}: {', '.join(missing)}")
    return [known[(e.kind, e.id)] for e in chosen]
