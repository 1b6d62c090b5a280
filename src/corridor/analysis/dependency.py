"""Transit dependency: how much of each exporting country's trade crosses each other country.

An assignment's flows are split into paths from each origin (:func:`assignment_paths`); a
path's volume counts for every country whose territory its links cross other than the
exporter's (:func:`dependency_table`): a canal or a territorial strait counts (Suez: Egypt), a
strait in transit passage (Malacca, Bab-el-Mandeb, Gibraltar), a cape and the open sea do not
(:mod:`corridor.network.territory`). :func:`transit_dependency` does both for one assignment;
:func:`corridor.analysis.impacts` does it for every period of a replay, before and after.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, TypeVar

import pandas as pd

from corridor.flow import Assignment
from corridor.network import Network

__all__ = ["PATH_COLUMNS", "assignment_paths", "decompose_paths", "dependency_table", "transit_dependency"]

PATH_COLUMNS = ["origin", "destination", "commodity", "links", "volume"]

K = TypeVar("K", bound=Hashable)


def transit_dependency(network: Network, assignment: Assignment) -> pd.DataFrame:
    """Share of each exporting country's volume (and value) that crosses each other country in one assignment.

    Parameters
    ----------
    network
        The network the assignment was made on (with any links a scenario added).
    assignment
        An :class:`~corridor.flow.Assignment` (:func:`corridor.assign`).

    Returns
    -------
    pandas.DataFrame
        One row per (exporter, transit country, commodity): volume (units per year), share of the
        exporter's volume of that commodity, value_usd.

    Examples
    --------
    >>> net = load_network()
    >>> table = transit_dependency(net, assign(net, load_demand(net)))
    >>> row = table[(table["exporter"] == "KZ") & (table["transit"] == "RU") & (table["commodity"] == "crude_oil")]
    >>> bool(row["share"].iloc[0] > 0.5)
    True
    """
    return dependency_table(network, assignment_paths(assignment))


def assignment_paths(assignment: Assignment, *, scale: float = 1.0) -> pd.DataFrame:
    """An assignment's flows split into paths from each origin, with ``scale`` times their yearly volume.

    Returns
    -------
    pandas.DataFrame
        origin, destination (the node where the path delivers), commodity, links (a frozenset of
        link ids), volume.
    """
    flows = assignment.flows_by_origin
    arcs = list(zip(flows["link"], flows["from"], flows["to"], flows["flow_per_year"].tolist(), strict=True))
    # each (origin, commodity)'s arcs in table order, the groups in key order (as a groupby gives them)
    groups: dict[tuple[Any, Any], list[int]] = {}
    for i, key in enumerate(zip(flows["origin"], flows["commodity"], strict=True)):
        groups.setdefault(key, []).append(i)
    rows = []
    for (origin, commodity), members in sorted(groups.items(), key=lambda item: item[0]):
        for links, rate, end in decompose_paths(str(origin), [arcs[i] for i in members]):
            rows.append({"origin": str(origin), "destination": end, "commodity": str(commodity),
                         "links": frozenset(links), "volume": rate * scale})  # fmt: skip
    return pd.DataFrame(rows, columns=PATH_COLUMNS)


def dependency_table(network: Network, paths: pd.DataFrame) -> pd.DataFrame:
    """Share of each exporting country's volume (and value) that crosses each other country.

    ``paths`` as :func:`assignment_paths` gives them. A path's volume counts for every country
    whose territory its links cross other than the exporter's and the importer's (where it is
    delivered): those are its transit countries.

    Returns
    -------
    pandas.DataFrame
        exporter, transit, commodity, volume, share (of the exporter's volume of that commodity),
        value_usd.
    """
    node_country = dict(zip(network.nodes["id"], network.nodes["country"], strict=True))
    link_countries = dict(zip(network.links["id"], network.compiled.link_territory, strict=True))
    values = dict(zip(network.commodities["id"], network.commodities["value_usd_per_unit"], strict=True))
    exported: dict[tuple[str, str], float] = {}
    crossing: dict[tuple[str, str, str], float] = {}
    for origin, destination, commodity, links, volume in zip(
        paths["origin"], paths["destination"], paths["commodity"], paths["links"], paths["volume"], strict=True
    ):
        exporter = node_country[origin]
        exported[(exporter, commodity)] = exported.get((exporter, commodity), 0.0) + volume
        ends = {exporter, node_country.get(destination, exporter)}
        for country in {c for link in links for c in link_countries[link]} - ends:
            crossing[(exporter, country, commodity)] = crossing.get((exporter, country, commodity), 0.0) + volume
    rows = [
        {
            "exporter": exporter,
            "transit": country,
            "commodity": commodity,
            "volume": volume,
            "share": volume / exported[(exporter, commodity)],
            "value_usd": volume * values[commodity],
        }
        for (exporter, country, commodity), volume in crossing.items()
        if exported.get((exporter, commodity), 0.0) > 0
    ]
    return pd.DataFrame(rows, columns=["exporter", "transit", "commodity", "volume", "share", "value_usd"])


def _decompose(flows: pd.DataFrame, origin: str) -> list[tuple[list[str], float, str]]:
    """Split one origin's link flows into paths (links, volume, end node) from the origin to where
    cargo is delivered."""
    arcs = zip(flows["link"], flows["from"], flows["to"], flows["flow_per_year"], strict=True)
    return decompose_paths(origin, arcs)


def decompose_paths(
    origin: Hashable, arcs: Iterable[tuple[K, Hashable, Hashable, float]], tolerance: float = 1e-9
) -> list[tuple[list[K], float, Any]]:
    """Split one origin's arc flows into paths from the origin to the nodes where cargo is delivered.

    Parameters
    ----------
    origin
        The node the cargo starts at.
    arcs
        (key, from node, to node, flow) per arc that carries the origin's cargo; flows on the
        same key add up. A node that receives more than it sends on is where cargo is delivered.
    tolerance
        Flow below which an arc carries nothing.

    Returns
    -------
    list of (keys, volume, end node)
        The arcs' keys in path order, the volume on the path, the node it delivers at. Cycles
        carry nothing anywhere and are cancelled.

    Examples
    --------
    >>> decompose_paths("o", [("a", "o", "x", 3.0), ("b", "x", "d", 2.0), ("c", "x", "e", 1.0)])
    [(['a', 'b'], 2.0, 'd'), (['a', 'c'], 1.0, 'e')]
    """
    remaining: dict[tuple[K, Hashable, Hashable], float] = {}
    for key, a, b, f in arcs:
        remaining[(key, a, b)] = remaining.get((key, a, b), 0.0) + float(f)
    balance: dict[Hashable, float] = {}
    for (_, a, b), f in remaining.items():
        balance[b] = balance.get(b, 0.0) + f
        balance[a] = balance.get(a, 0.0) - f
    delivered = {n: v for n, v in balance.items() if v > tolerance and n != origin}
    leaving: dict[Hashable, list[tuple[K, Hashable, Hashable]]] = {}  # the arcs out of each node
    for arc in remaining:
        leaving.setdefault(arc[1], []).append(arc)
    paths: list[tuple[list[K], float, Any]] = []
    for _ in range(4 * len(remaining) + 4):
        if sum(delivered.values()) <= tolerance:
            break
        node: Hashable = origin
        path: list[tuple[K, Hashable, Hashable]] = []
        seen = {origin}
        while delivered.get(node, 0.0) <= tolerance or node == origin:
            out = [(remaining[key], key) for key in leaving.get(node, ()) if remaining[key] > tolerance]
            if not out:
                break
            _, best = max(out)  # the largest flow; ties by key, as always
            path.append(best)
            node = best[2]
            if node in seen:  # a cycle carries nothing anywhere: cancel it
                loop = path[[k[1] for k in path].index(node) :]
                least = min(remaining[k] for k in loop)
                for k in loop:
                    remaining[k] -= least
                path = path[: len(path) - len(loop)]
                node = path[-1][2] if path else origin
                seen = {origin, *(k[2] for k in path)}  # the cancelled loop's nodes are free again
                continue
            seen.add(node)
        if not path or delivered.get(node, 0.0) <= tolerance:
            break
        volume = min([delivered[node], *(remaining[k] for k in path)])
        for k in path:
            remaining[k] -= volume
        delivered[node] -= volume
        paths.append(([k[0] for k in path], volume, node))
    return paths
