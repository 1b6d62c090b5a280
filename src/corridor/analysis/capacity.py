"""The end-to-end capacity of a corridor (a group of nodes and links), by maximum flow.

Cargo enters the group on one side and leaves on the other; every capacity it meets on the way
counts in its own unit (tonnes, TEU, trains, wagons, barrels) through the commodity's sourced
conversions, and a capacity several links share (one ferry fleet serving several ports) counts
once. The maximum flow is an LP solved by HiGHS; the capacities whose dual value is not zero form
the binding cut, named in the result.

The sides are the group's boundary nodes (ends of its links that touch the rest of the network)
split by country into east and west (the countries' mean longitudes either side of the middle),
or named by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import coo_array

from corridor.errors import RequestError, SolverError
from corridor.network import Network, group_members
from corridor.records import json_records

__all__ = ["CorridorCapacity", "corridor_capacity"]


@dataclass(frozen=True, eq=False)
class CorridorCapacity:
    """A corridor's capacity per commodity and direction.

    ``table``: direction, commodity, unit, units_per_year, t_per_year, binding (the capacities
    that make the cut). ``t_per_year`` and ``teu_per_year`` are the headline figures: the most
    tonnes any commodity can move across it in a year westbound (the tonnage capacity: boxes weigh
    less per wagon than crude, so the heaviest load sets it), and the most TEU.
    """

    group: str
    east: tuple[str, ...]
    west: tuple[str, ...]
    table: pd.DataFrame = field(repr=False)

    def _best(self, column: str, commodity: str | None = None) -> float | None:
        rows = self.table[self.table["direction"] == "westbound"]
        if commodity is not None:
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
            "east": list(self.east),
            "west": list(self.west),
            "t_per_year": self.t_per_year,
            "teu_per_year": self.teu_per_year,
            "table": json_records(self.table),
        }


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
) -> CorridorCapacity:
    """The end-to-end capacity of a corridor group, by maximum flow, each way and per commodity.

    Parameters
    ----------
    network
        The network.
    group
        A group id (``middle_corridor``, ``caspian_crossing``, ``cpc``).
    east, west
        Node ids where cargo enters and leaves (default: the group's boundary nodes, split by
        country into east and west).

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
    >>> 5.0e6 < cap.t_per_year < 6.6e6, cap.teu_per_year > 0
    (True, True)
    """
    if group not in set(network.groups["id"]):
        raise RequestError(f"{group!r} is not a group; expected one of {', '.join(sorted(network.groups['id']))}")
    default_east, default_west, positions = _sides(network, group)
    east_ids = list(east) if east else default_east
    west_ids = list(west) if west else default_west
    cn = network.compiled
    for name in (*east_ids, *west_ids):
        if name not in cn.node_index:
            raise RequestError(f"side node {name!r} is not a node of the network")
    member = np.isin(cn.arc_link, positions)
    rows = []
    for c, commodity in enumerate(cn.commodities):
        arcs = np.flatnonzero(member & cn.allowed[c])
        if not len(arcs):
            continue
        for direction, sources, sinks in (("westbound", east_ids, west_ids), ("eastbound", west_ids, east_ids)):
            flow, binding = _max_flow(network, c, arcs, sources, sinks)
            rows.append(
                {
                    "direction": direction,
                    "commodity": commodity,
                    "unit": cn.commodity_units[c],
                    "units_per_year": flow,
                    "t_per_year": flow * float(cn.dimension_factor["t"][c]),
                    "binding": ", ".join(binding),
                }
            )
    return CorridorCapacity(group=group, east=tuple(east_ids), west=tuple(west_ids), table=pd.DataFrame(rows))


def _max_flow(
    network: Network, c: int, arcs: np.ndarray, sources: Sequence[str], sinks: Sequence[str]
) -> tuple[float, list[str]]:
    """Most units of commodity ``c`` a year from ``sources`` to ``sinks`` over ``arcs``, and the
    capacities that bind (a dual value other than zero)."""
    cn = network.compiled
    nodes = np.unique(np.concatenate([cn.tail[arcs], cn.head[arcs]]))
    src = [cn.node_index[s] for s in sources]
    snk = [cn.node_index[s] for s in sinks]
    n_arc = len(arcs)
    # columns: one per arc, then one "out" column per sink (what leaves the corridor there)
    row_of = {int(v): i for i, v in enumerate(nodes)}
    cols = n_arc + len(snk)
    i_eq, j_eq, v_eq = [], [], []
    for j, a in enumerate(arcs):
        i_eq += [row_of[int(cn.tail[a])], row_of[int(cn.head[a])]]
        j_eq += [j, j]
        v_eq += [-1.0, 1.0]  # inflow minus outflow
    for k, t in enumerate(snk):
        if t in row_of:
            i_eq.append(row_of[t])
            j_eq.append(n_arc + k)
            v_eq.append(-1.0)
    balance = np.zeros(len(nodes))
    free = [row_of[s] for s in src if s in row_of]  # sources may send any amount: no balance row
    keep = np.setdiff1d(np.arange(len(nodes)), free)
    a_eq = coo_array((v_eq, (i_eq, j_eq)), shape=(len(nodes), cols)).tocsr()[keep]
    limits: list[float] = []
    labels: list[str] = []
    rows_i: list[int] = []
    rows_j: list[int] = []
    rows_v: list[float] = []

    def cap_row(selected: np.ndarray, factor: np.ndarray, limit: float, label: str) -> None:
        if not len(selected) or not np.isfinite(limit):
            return
        rows_i.extend([len(limits)] * len(selected))
        rows_j.extend(selected.tolist())
        rows_v.extend(factor.tolist())
        limits.append(limit)
        labels.append(label)

    for j, a in enumerate(arcs):
        dim = cn.arc_capacity_dim[a]
        if dim and np.isfinite(cn.arc_capacity_native[a]):
            f = cn.dimension_factor[dim][c]
            cap_row(
                np.array([j]),
                np.array([f if np.isfinite(f) else 0.0]),
                float(cn.arc_capacity_native[a]),
                f"{cn.link_ids[cn.arc_link[a]]} ({cn.node_ids[cn.tail[a]]}->{cn.node_ids[cn.head[a]]})",
            )
    for v in nodes:
        dim = cn.node_capacity_dim[v]
        if dim and np.isfinite(cn.node_capacity_native[v]):
            entering = np.flatnonzero(cn.head[arcs] == v)
            if v in src:
                entering = np.flatnonzero(cn.tail[arcs] == v)
            cap_row(
                entering,
                np.full(len(entering), cn.dimension_factor[dim][c]),
                float(cn.node_capacity_native[v]),
                cn.node_ids[v],
            )
    for shared in cn.shared:
        f = cn.dimension_factor[shared.dimension][c]
        if not np.isfinite(f):
            continue
        for way, on in (("forward", shared.forward), ("backward", shared.backward)):
            sel = np.flatnonzero(on[arcs])
            cap_row(sel, np.full(len(sel), f), shared.native_per_year, f"{shared.group} (shared, {way})")
    a_ub = coo_array((rows_v, (rows_i, rows_j)), shape=(len(limits), cols)).tocsr() if limits else None
    cost = np.zeros(cols)
    cost[n_arc:] = -1.0  # maximise what leaves at the sinks
    result = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.asarray(limits) if limits else None,
        A_eq=a_eq,
        b_eq=balance[keep],
        bounds=(0, None),
        method="highs",
    )
    if result.status == 3:
        return float("inf"), ["no capacity figure on some path across it"]
    if result.status != 0:
        raise SolverError(f"HiGHS could not find the maximum flow ({result.message})")
    marginals = result.ineqlin.marginals if limits else np.zeros(0)
    binding = [labels[i] for i in np.flatnonzero(np.abs(marginals) > 1e-9)]
    return max(float(-result.fun), 0.0), binding
