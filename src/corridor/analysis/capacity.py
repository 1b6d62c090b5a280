"""The end-to-end capacity of a corridor (a group of nodes and links), by maximum flow.

Cargo enters the corridor at one end and leaves at the other; every capacity it meets on the way
counts in its own unit (tonnes, TEU, trains, wagons, barrels) through the commodity's sourced
conversions, and a capacity several links share (one ferry fleet serving several ports) counts
once. The maximum flow is an LP solved by HiGHS; the capacities whose dual value is not zero form
the binding cut, named in the result.

A corridor group listed in the dataset's ``corridor_ends.csv`` is measured end to end: from the
countries where its cargo starts to those where it ends, over the whole network, each unit crossing
the group's own element the way its commodity goes (containers and dry cargo on the Caspian ferries
and feeders, crude by tanker). Every other group is measured across its own links, from its boundary
nodes on one side to those on the other: its ends split by country into east and west (the
countries' mean longitudes either side of the middle), or named by the caller.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import coo_array

from corridor.errors import DataError, Problem, RequestError, SolverError
from corridor.network import CompiledNetwork, Network, builtin_dataset_path, country_codes, group_members
from corridor.records import json_records

__all__ = ["CorridorCapacity", "corridor_capacity", "links_capacity"]

DUAL_TOLERANCE = 1e-9
"""A dual value below this (per unit of capacity) is taken as zero: that capacity does not bind."""

ENDS_FILE = "corridor_ends.csv"
"""The built-in dataset's table of corridor ends: group, commodity (``*``: any other), origins and
destinations (countries, ';'-separated), through (the links or groups each unit crosses), note."""


@dataclass(frozen=True, eq=False)
class CorridorCapacity:
    """A corridor's capacity per commodity and direction.

    ``table``: direction, commodity, unit, units_per_year, t_per_year, binding (the capacities
    that make the cut), and for a corridor measured end to end origins, destinations and through
    (what each unit crosses). ``t_per_year`` and ``teu_per_year`` are the headline figures: the most
    tonnes any commodity can move across it in a year westbound (the tonnage capacity: boxes weigh
    less per wagon than crude, so the heaviest load sets it), and the most TEU. ``east`` and
    ``west`` are the side nodes, or for an end-to-end corridor the countries at its ends.
    """

    group: str
    east: tuple[str, ...]
    west: tuple[str, ...]
    table: pd.DataFrame = field(repr=False)
    end_to_end: bool = False

    def _best(self, column: str, commodity: str | None = None) -> float | None:
        rows = self.table[self.table["direction"] == "westbound"] if len(self.table) else self.table
        if commodity is not None and len(rows):
            rows = rows[rows["commodity"] == commodity]
        return None if rows.empty else float(rows[column].max())

    @property
    def t_per_year(self) -> float | None:
        return self._best("t_per_year")

    @property
    def teu_per_year(self) -> float | None:
        return self._best("units_per_year", "container")

    def summary(self) -> dict[str, Any]:
        """The headline figures without the table."""
        return {k: v for k, v in self.to_dict().items() if k != "table"}

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("capacity", self.table)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "end_to_end": self.end_to_end,
            "east": list(self.east),
            "west": list(self.west),
            "t_per_year": self.t_per_year,
            "teu_per_year": self.teu_per_year,
            "table": json_records(self.table),
        }


@dataclass(frozen=True)
class _Ends:
    """Where a commodity's cargo on a corridor starts and ends, and what each unit crosses."""

    origins: tuple[str, ...]  # countries
    destinations: tuple[str, ...]
    through: tuple[str, ...]  # link or group ids


def _corridor_ends(network: Network, group: str) -> dict[str, _Ends]:
    """The ends of ``group`` per commodity (``*``: any other) from the built-in table; empty when
    the table has none for it or names a link or group this network lacks."""
    path = builtin_dataset_path() / ENDS_FILE
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    known = set(network.links["id"]) | set(network.groups["id"])
    out: dict[str, _Ends] = {}
    problems = []
    for position, (_, row) in enumerate(table.iterrows()):
        if row["group"] != group:
            continue
        ends = _Ends(_split(row["origins"]), _split(row["destinations"]), _split(row["through"]))
        for name, value in zip(("origins", "destinations", "through"), dataclasses.astuple(ends), strict=True):
            if not value:
                problems.append(
                    Problem(str(path), f"{name} is empty; expected ids separated by ';'", position + 2, name)
                )
            unknown = [x for x in value if x not in country_codes()] if name != "through" else []
            if unknown:
                problems.append(
                    Problem(
                        str(path),
                        f"{name} has {', '.join(unknown)}; expected ISO 3166-1 alpha-2 country codes",
                        position + 2,
                        name,
                    )
                )
        if problems:
            continue
        if not set(ends.through) <= known:
            return {}  # another network that shares the group's name: measure the group alone
        out[str(row["commodity"])] = ends
    if problems:
        raise DataError(problems)
    return out


def _split(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in str(text).split(";") if item.strip())


def _sides(network: Network, group: str) -> tuple[list[str], list[str], list[int]]:
    """(east, west) boundary nodes of a group and the positions of its links."""
    nodes, links = group_members(network, group)
    if not links:
        raise RequestError(f"group {group!r} has no links; a capacity needs a path through it")
    table = network.links.set_index("id")
    inside_nodes = set(nodes)
    ends = {n for lk in links for n in (table.loc[lk, "from"], table.loc[lk, "to"])}
    member_links = set(links)
    outside = network.links[~network.links["id"].isin(member_links)]
    touching = set(outside["from"]) | set(outside["to"])
    boundary = sorted(str(n) for n in (ends | inside_nodes) & touching)
    geo = network.nodes.set_index("id")
    by_country = geo.loc[boundary].groupby("country")["lon"].mean()
    if len(by_country) < 2:
        raise RequestError(f"group {group!r} lies in one country; name its sides with origin and destination")
    middle = (by_country.max() + by_country.min()) / 2
    country = {n: str(geo.at[n, "country"]) for n in boundary}
    east = [n for n in boundary if by_country[country[n]] > middle]
    west = [n for n in boundary if by_country[country[n]] <= middle]
    positions = [network.compiled.link_index[x] for x in links]
    return east, west, positions


def corridor_capacity(
    network: Network,
    group: str,
    *,
    east: Sequence[str] | None = None,
    west: Sequence[str] | None = None,
    end_to_end: bool = True,
) -> CorridorCapacity:
    """The capacity of a corridor group, by maximum flow, each way and per commodity.

    Parameters
    ----------
    network
        The network.
    group
        A group id (``middle_corridor``, ``caspian_crossing``, ``cpc``).
    east, west
        Node ids where cargo enters and leaves the group's own links (default: the group's
        boundary nodes, split by country into east and west). Naming them measures the group
        alone.
    end_to_end
        For a corridor with ends in the dataset (``middle_corridor``): measure from the countries
        where its cargo starts to those where it ends, each commodity by its own way across
        (False: the group's own links alone).

    Returns
    -------
    CorridorCapacity
        Units and tonnes a year each commodity can move across it, westbound and eastbound,
        with the binding capacities named.

    Raises
    ------
    RequestError
        Not a group, a group without links, or sides that cannot be told apart.

    Examples
    --------
    >>> net = load_network()
    >>> cap = corridor_capacity(net, "middle_corridor")
    >>> cap.end_to_end, cap.teu_per_year
    (True, 25000.0)
    """
    if group not in set(network.groups["id"]):
        raise RequestError(f"{group!r} is not a group; expected one of {', '.join(sorted(network.groups['id']))}")
    ends = _corridor_ends(network, group) if end_to_end and not east and not west else {}
    if ends:
        return _end_to_end(network, group, ends)
    default_east, default_west, positions = _sides(network, group)
    east_ids = list(east) if east else default_east
    west_ids = list(west) if west else default_west
    cn = network.compiled
    for name in (*east_ids, *west_ids):
        if name not in cn.node_index:
            raise RequestError(f"side node {name!r} is not a node of the network")
    member = np.isin(cn.arc_link, positions)
    east_pos = np.array([cn.node_index[n] for n in east_ids], dtype=np.int64)
    west_pos = np.array([cn.node_index[n] for n in west_ids], dtype=np.int64)
    rows = []
    for c in range(len(cn.commodities)):
        arcs = np.flatnonzero(member & cn.allowed[c])
        if not len(arcs):
            continue
        columns = _Columns(arcs, cn.tail[arcs], cn.head[arcs])
        for direction, sources, sinks in (("westbound", east_pos, west_pos), ("eastbound", west_pos, east_pos)):
            flow, binding = _max_flow(cn, c, columns, sources, sinks, origins=sources)
            rows.append(_row(cn, c, direction, flow, binding))
    return CorridorCapacity(group=group, east=tuple(east_ids), west=tuple(west_ids), table=pd.DataFrame(rows))


def _row(cn: CompiledNetwork, c: int, direction: str, flow: float, binding: list[str]) -> dict[str, Any]:
    return {
        "direction": direction,
        "commodity": cn.commodities[c],
        "unit": cn.commodity_units[c],
        "units_per_year": flow,
        "t_per_year": flow * float(cn.dimension_factor["t"][c]),
        "binding": ", ".join(binding) if binding or flow > 0 else "no way across",
    }


def _end_to_end(network: Network, group: str, ends: dict[str, _Ends]) -> CorridorCapacity:
    """Each commodity from its origins to its destinations over the whole network, every unit
    crossing its ``through`` element in its own direction (westbound: towards the west): a network
    in two layers, before and after the crossing."""
    cn = network.compiled
    lon = network.nodes.set_index("id")["lon"].reindex(list(cn.node_ids)).to_numpy(dtype=float)
    westward = lon[cn.head] < lon[cn.tail]  # [arc] a crossing westbound cargo makes
    rows = []
    for c, commodity in enumerate(cn.commodities):
        way = ends.get(commodity, ends.get("*"))
        if way is None:
            continue
        through = _arcs_of(network, way.through)
        if not (through & cn.allowed[c]).any():
            continue  # the commodity cannot cross this way
        # a commodity with a way of its own does not cross by the others' (crude by tanker, not ferry)
        others = [x for other in ends.values() if other != way for x in other.through]
        usable = cn.allowed[c] & ~_arcs_of(network, others)
        origins, destinations = _country_nodes(cn, way.origins), _country_nodes(cn, way.destinations)
        for direction, start, end in (("westbound", origins, destinations), ("eastbound", destinations, origins)):
            ahead = westward if direction == "westbound" else ~westward
            columns = _layered(cn, np.flatnonzero(usable & ~(through & ~ahead)), through & ahead)
            flow, binding = _max_flow(cn, c, columns, start, end + cn.n_nodes, origins=start)
            row = _row(cn, c, direction, flow, binding)
            row["origins"] = ", ".join(way.origins if direction == "westbound" else way.destinations)
            row["destinations"] = ", ".join(way.destinations if direction == "westbound" else way.origins)
            row["through"] = ", ".join(way.through)
            rows.append(row)
    firsts = list(ends.values())
    east = tuple(dict.fromkeys(x for e in firsts for x in e.origins))
    west = tuple(dict.fromkeys(x for e in firsts for x in e.destinations))
    return CorridorCapacity(group=group, east=east, west=west, table=pd.DataFrame(rows), end_to_end=True)


def _arcs_of(network: Network, items: Iterable[str]) -> np.ndarray:
    """[arc] True on the arcs of the links named, or of the groups' links."""
    groups = set(network.groups["id"])
    links: list[str] = []
    for item in items:
        links.extend(group_members(network, item)[1] if item in groups else [item])
    cn = network.compiled
    return np.isin(cn.arc_link, [cn.link_index[x] for x in links])


def _country_nodes(cn: CompiledNetwork, countries: Sequence[str]) -> np.ndarray:
    idx = [cn.countries.index(x) for x in countries if x in cn.countries]
    return np.flatnonzero(np.isin(cn.node_country, idx))


@dataclass(frozen=True)
class _Columns:
    """The flow columns of a maximum-flow LP: each a network arc between two graph nodes
    (a network node, or in a layered graph node + layer x number of nodes)."""

    arc: np.ndarray
    tail: np.ndarray
    head: np.ndarray


def _layered(cn: CompiledNetwork, arcs: np.ndarray, through: np.ndarray) -> _Columns:
    """Columns of a network in two layers: every arc within each layer, and the ``through`` arcs
    from the first layer (before crossing) into the second (after it) as well."""
    n = cn.n_nodes
    crossing = arcs[through[arcs]]
    arc = np.concatenate([arcs, arcs, crossing])
    tail = np.concatenate([cn.tail[arcs], cn.tail[arcs] + n, cn.tail[crossing]])
    head = np.concatenate([cn.head[arcs], cn.head[arcs] + n, cn.head[crossing] + n])
    before = np.concatenate([~through[arcs], np.ones(len(arcs), dtype=bool), np.ones(len(crossing), dtype=bool)])
    return _Columns(arc[before], tail[before], head[before])


def links_capacity(
    network: Network, links: Iterable[str], origin: str, destination: str, *, commodity: str = "container"
) -> float:
    """The most of a commodity a year that can go from ``origin`` to ``destination`` over ``links``.

    Every capacity counts: each link's (each way), each place's, each capacity links share (a
    ferry fleet), in its own unit. A check on any route: it never carries more than its own links.

    Parameters
    ----------
    network
        The network.
    links
        Link ids; the commodity uses those it may, either way they run.
    origin, destination
        Node ids.
    commodity
        Commodity id.

    Returns
    -------
    float
        Units of the commodity a year; ``inf`` when some way between them has no capacity figure.

    Raises
    ------
    RequestError
        An unknown link, node or commodity.

    Examples
    --------
    >>> net = load_network()
    >>> links_capacity(net, ["cs_aktau_alat_ferry", "cs_aktau_alat_feeder"], "aktau_port", "baku_alat_port")
    25000.0
    """
    cn = network.compiled
    c = cn.commodity_index(commodity)
    names = list(links)
    unknown = [x for x in names if x not in cn.link_index]
    if unknown:
        raise RequestError(f"unknown links {', '.join(unknown)}; expected ids from links.csv")
    for node in (origin, destination):
        if node not in cn.node_index:
            raise RequestError(f"{node!r} is not a node of the network")
    arcs = np.flatnonzero(np.isin(cn.arc_link, [cn.link_index[x] for x in names]) & cn.allowed[c])
    start = np.array([cn.node_index[origin]])
    flow, _ = _max_flow(
        cn,
        c,
        _Columns(arcs, cn.tail[arcs], cn.head[arcs]),
        start,
        np.array([cn.node_index[destination]]),
        origins=start,
    )
    return flow


def _max_flow(
    cn: CompiledNetwork, c: int, columns: _Columns, sources: np.ndarray, sinks: np.ndarray, *, origins: np.ndarray
) -> tuple[float, list[str]]:
    """Most units of commodity ``c`` a year from graph nodes ``sources`` to ``sinks`` over the
    columns, and the capacities that bind (a dual value other than zero).

    A place's capacity counts what enters it, or at an origin of the cargo (``origins``, network
    nodes) what leaves it, in every layer together; so does a link's and a shared one's.
    """
    n_col = len(columns.arc)
    sinks = np.unique(sinks)
    keys = np.unique(np.concatenate([columns.tail, columns.head, sinks]))
    row_of = {int(v): i for i, v in enumerate(keys)}
    cols = n_col + len(sinks)
    i_eq = np.concatenate(
        [
            [row_of[int(v)] for v in columns.tail],
            [row_of[int(v)] for v in columns.head],
            [row_of[int(t)] for t in sinks],
        ]
    )
    j_eq = np.concatenate([np.arange(n_col), np.arange(n_col), n_col + np.arange(len(sinks))])
    v_eq = np.concatenate([-np.ones(n_col), np.ones(n_col), -np.ones(len(sinks))])  # inflow minus outflow
    free = [row_of[int(s)] for s in np.unique(sources) if int(s) in row_of]  # sources send any amount
    keep = np.setdiff1d(np.arange(len(keys)), free)
    a_eq = coo_array((v_eq, (i_eq.astype(np.int64), j_eq)), shape=(len(keys), cols)).tocsr()[keep]
    limits: list[float] = []
    labels: list[str] = []
    rows_i: list[int] = []
    rows_j: list[int] = []
    rows_v: list[float] = []

    def cap_row(selected: np.ndarray, factor: float, limit: float, label: str) -> None:
        if not len(selected) or not np.isfinite(limit) or not np.isfinite(factor):
            return  # no figure, or one in a unit this commodity is not counted in
        rows_i.extend([len(limits)] * len(selected))
        rows_j.extend(selected.tolist())
        rows_v.extend([factor] * len(selected))
        limits.append(limit)
        labels.append(label)

    for a in np.unique(columns.arc):
        dim = cn.arc_capacity_dim[a]
        if dim:
            cap_row(
                np.flatnonzero(columns.arc == a),
                float(cn.dimension_factor[dim][c]),
                float(cn.arc_capacity_native[a]),
                f"{cn.link_ids[cn.arc_link[a]]} ({cn.node_ids[cn.tail[a]]}->{cn.node_ids[cn.head[a]]})",
            )
    n = cn.n_nodes
    tail_node, head_node = columns.tail % n, columns.head % n
    is_origin = np.isin(np.arange(n), origins)
    for v in np.unique(np.concatenate([tail_node, head_node])):
        dim = cn.node_capacity_dim[v]
        if dim:
            counted = np.flatnonzero(tail_node == v) if is_origin[v] else np.flatnonzero(head_node == v)
            cap_row(counted, float(cn.dimension_factor[dim][c]), float(cn.node_capacity_native[v]), cn.node_ids[v])
    for shared in cn.shared:
        for way, on in (("forward", shared.forward), ("backward", shared.backward)):
            cap_row(
                np.flatnonzero(on[columns.arc]),
                float(cn.dimension_factor[shared.dimension][c]),
                shared.native_per_year,
                f"{shared.group} (shared, {way})",
            )
    a_ub = coo_array((rows_v, (rows_i, rows_j)), shape=(len(limits), cols)).tocsr() if limits else None
    cost = np.zeros(cols)
    cost[n_col:] = -1.0  # maximise what leaves at the sinks
    result = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.asarray(limits) if limits else None,
        A_eq=a_eq,
        b_eq=np.zeros(len(keep)),
        bounds=(0, None),
        method="highs",
    )
    if result.status == 3:
        return float("inf"), ["no capacity figure on some path across it"]
    if result.status != 0:
        raise SolverError(f"HiGHS could not find the maximum flow ({result.message})")
    marginals = result.ineqlin.marginals if limits else np.zeros(0)
    binding = [labels[i] for i in np.flatnonzero(np.abs(marginals) > DUAL_TOLERANCE)]
    return max(float(-result.fun), 0.0) + 0.0, binding  # + 0.0: never -0
