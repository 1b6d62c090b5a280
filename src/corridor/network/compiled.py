"""Compile a network's tables once into index arrays for the algorithms.

Links become directed arcs (two per ``direction=both`` link, one per ``forward`` link). Every
per-arc quantity the algorithms need is a NumPy array indexed by arc; quantities that depend on
the commodity (may it use the arc, what it costs, how much fits) are 2-D arrays
``[commodity, arc]``. Parallel arcs (a ferry and a feeder between the same two ports) are kept
apart in an *expanded* graph where every arc after the first between the same ordered pair
passes through a virtual node, so that each graph edge stands for exactly one arc.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor.network.schema import split_source
from corridor.network.territory import link_territory, node_passages, waypoint_territory
from corridor.network.validate import allowed_commodities, commodity_factors, country_rows

if TYPE_CHECKING:
    from corridor.network.tables import Network

__all__ = ["CompiledNetwork", "SharedCapacity", "compile_network"]

IntArray = np.ndarray
FloatArray = np.ndarray


@dataclass(frozen=True, eq=False)
class SharedCapacity:
    """A capacity several links share in each direction (a group's ``capacity``): one ferry fleet
    serving several ports, counted once. ``forward`` and ``backward`` [arc] pick the member arcs
    running the way their link is written, and the other way."""

    group: str
    forward: np.ndarray
    backward: np.ndarray
    native_per_year: float
    dimension: str
    sources: frozenset[str]


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """Index arrays of one network. Built by :func:`compile_network`; read-only."""

    node_ids: tuple[str, ...]
    node_index: dict[str, int]
    node_country: IntArray  # [node] index into countries
    countries: tuple[str, ...]
    modes: tuple[str, ...]
    commodities: tuple[str, ...]
    commodity_units: tuple[str, ...]  # 'teu' or 't', per commodity
    # arcs
    tail: IntArray
    head: IntArray
    arc_link: IntArray  # [arc] row position in network.links
    arc_forward: np.ndarray  # [arc] True when the arc runs from -> to
    arc_mode: IntArray  # [arc] index into modes
    length_km: FloatArray
    transit_h: FloatArray
    dwell_h: FloatArray
    arc_in_country: np.ndarray  # [arc, country] bool: the arc crosses the country's territory
    # per commodity
    allowed: np.ndarray  # [commodity, arc] bool
    cost_usd: FloatArray  # [commodity, arc] USD per unit of the commodity
    capacity: FloatArray  # [commodity, arc] units of the commodity per year, inf when unknown
    node_capacity: FloatArray  # [commodity, node] units per year, inf when unknown
    arc_capacity_native: FloatArray  # [arc] capacity per year in its own dimension (t, TEU, trains, bbl); inf if none
    arc_capacity_dim: tuple[str, ...]  # [arc] that dimension, "" if none
    node_capacity_native: FloatArray  # [node] the same for nodes
    headed_cost_usd: dict[str, FloatArray]  # heading -> [commodity, arc] tariffs for cargo heading that way
    node_capacity_dim: tuple[str, ...]
    dimension_factor: dict[str, FloatArray]  # dimension -> [commodity] dimension units per commodity unit (nan: none)
    value_of_time_usd_per_h: FloatArray  # [commodity]
    # per link (row order of network.links), for reporting
    link_ids: tuple[str, ...]
    link_index: dict[str, int]
    link_countries: tuple[tuple[str, ...], ...]  # every country the link touches, as listed
    link_territory: tuple[tuple[str, ...], ...]  # the countries it crosses as territory (corridor.network.territory)
    node_strait: tuple[str, ...]  # [node] the strait or canal group it lies in, "" if none
    node_in_territory: (
        np.ndarray
    )  # [node] bool: the node lies in its country's territory (not a strait in transit passage, a cape)
    link_base_sources: tuple[frozenset[str], ...]  # length, capacity, transit, dwell, speed
    node_capacity_sources: tuple[frozenset[str], ...]
    arc_pair: IntArray  # [arc] index of its (tail, head) pair: parallel arcs share it
    n_pairs: int
    arc_kind: IntArray  # [arc] 0 line, 1 crossing, 2 transfer (from modes.csv kind)
    arc_gauge_change: np.ndarray  # [arc] the link changes gauge (gauge_mm 'a/b')
    # expanded graph: real nodes first, then one virtual node per extra parallel arc
    n_expanded: int
    edge_tail: IntArray
    edge_head: IntArray
    edge_arc: IntArray  # [edge] arc index, or -1 for the free hop out of a virtual node

    network: Network = field(repr=False)
    shared: tuple[SharedCapacity, ...] = ()  # capacities several links share (a ferry fleet)

    def link_sources(self, commodity: int) -> tuple[frozenset[str], ...]:
        """Per link, every source behind its figures for one commodity, tariffs included (computed once)."""
        cache = self._link_source_cache
        if commodity not in cache:
            tariffs = _tariff_sources(self.network, self.commodities[commodity])
            cache[commodity] = tuple(a | b for a, b in zip(self.link_base_sources, tariffs, strict=True))
        return cache[commodity]

    _link_source_cache: dict[int, tuple[frozenset[str], ...]] = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_arcs(self) -> int:
        return len(self.tail)

    @property
    def time_h(self) -> FloatArray:
        return np.asarray(self.transit_h + self.dwell_h, dtype=float)

    def country_arcs(self, countries: Iterable[str], *, with_nodes: bool = True) -> np.ndarray:
        """Arcs whose link crosses the territory of any of ``countries`` (``with_nodes``: or that start or
        end in one; a waypoint in a strait under transit passage or at sea is in none)."""
        idx = [self.countries.index(c) for c in countries if c in self.countries]
        arcs = self.arc_in_country[:, idx].any(axis=1)
        if with_nodes:
            inside = np.isin(self.node_country, idx) & self.node_in_territory
            arcs = arcs | inside[self.tail] | inside[self.head]
        return np.asarray(arcs, dtype=bool)

    def commodity_index(self, commodity: str) -> int:
        try:
            return self.commodities.index(commodity)
        except ValueError:
            from corridor.errors import RequestError

            raise RequestError(
                f"unknown commodity {commodity!r}; expected one of {', '.join(self.commodities)}"
            ) from None


def compile_network(network: Network) -> CompiledNetwork:
    """Compile a validated network to arrays (see the module docstring)."""
    nodes, links = network.nodes, network.links
    node_ids = tuple(str(n) for n in nodes["id"])
    node_index = {nid: i for i, nid in enumerate(node_ids)}
    countries = tuple(sorted(set(nodes["country"]) | {c for cs in links["countries"] for c in cs}))
    country_index = {c: i for i, c in enumerate(countries)}
    modes = tuple(str(m) for m in network.modes["id"])
    mode_index = {m: i for i, m in enumerate(modes)}
    commodities = tuple(str(c) for c in network.commodities["id"])

    link_from = np.array([node_index[a] for a in links["from"]], dtype=np.int32)
    link_to = np.array([node_index[b] for b in links["to"]], dtype=np.int32)
    both = (links["direction"] == "both").to_numpy()
    n_links = len(links)
    link_pos = np.arange(n_links, dtype=np.int32)
    arc_link = np.concatenate([link_pos, link_pos[both]])
    arc_forward = np.concatenate([np.ones(n_links, bool), np.zeros(int(both.sum()), bool)])
    tail = np.where(arc_forward, link_from[arc_link], link_to[arc_link]).astype(np.int32)
    head = np.where(arc_forward, link_to[arc_link], link_from[arc_link]).astype(np.int32)

    length = links["length_km"].to_numpy(float)
    transit = _transit_hours(network)
    dwell = links["dwell_h"].to_numpy(float)
    link_mode = np.array([mode_index[m] for m in links["mode"]], dtype=np.int32)

    territory = link_territory(network)
    in_country = np.zeros((n_links, len(countries)), dtype=bool)
    for i, cs in enumerate(territory):
        in_country[i, [country_index[c] for c in cs]] = True
    waypoints = waypoint_territory(network)
    straits = node_passages(network)

    factors = commodity_factors(network.commodities)
    com_modes = dict(zip(network.commodities["id"], network.commodities["modes"], strict=True))
    allowed = np.zeros((len(commodities), n_links), dtype=bool)
    inputs = _cost_inputs(network)
    commodity_index = {c: i for i, c in enumerate(commodities)}
    for i, (mode, listed) in enumerate(zip(links["mode"], links["commodities"], strict=True)):
        for com in allowed_commodities(mode, listed, com_modes):
            allowed[commodity_index[com], i] = True
    cost = (
        np.vstack([_link_costs(inputs, com, length) for com in commodities]) if commodities else np.zeros((0, n_links))
    )
    cost = np.where(allowed, cost, np.inf)
    arc_cost = cost[:, arc_link]
    headed_cost: dict[str, FloatArray] = {}
    if "heading" in network.tariffs.columns:
        for heading in ("westbound", "eastbound"):
            if (network.tariffs["heading"] == heading).any():
                per_link = np.vstack([_link_costs(inputs, com, length, heading) for com in commodities])
                headed_cost[heading] = np.where(allowed, per_link, np.inf)[:, arc_link]
    unit_dim = dict(zip(network.units["id"], network.units["dimension"], strict=True))
    unit_per_year = dict(zip(network.units["id"], network.units["per_year"], strict=True))
    vot = network.commodities["value_of_time_usd_per_unit_day"].to_numpy(float) / 24.0
    link_native, link_dim = _native_capacity(links, unit_dim, unit_per_year)
    node_native, node_dim = _native_capacity(nodes, unit_dim, unit_per_year)
    capacity = _capacity_matrix(link_native, link_dim, commodities, factors)
    node_capacity = _capacity_matrix(node_native, node_dim, commodities, factors)
    dimension_factor = {
        dim: np.array([factors[com].get(dim, np.nan) for com in commodities])
        for dim in ("t", "teu", "train", "wagon", "bbl")
    }

    n_nodes = len(node_ids)
    _, arc_pair = np.unique(tail.astype(np.int64) * len(node_ids) + head, return_inverse=True)
    n_expanded, edge_tail, edge_head, edge_arc = _expand_parallel(tail, head, n_nodes)

    mode_kind = dict(zip(network.modes["id"], network.modes["kind"], strict=True))
    kind_code = {"line": 0, "crossing": 1, "transfer": 2}
    link_kind = np.array([kind_code[mode_kind[m]] for m in links["mode"]], dtype=np.int8)
    gauge_change = links["gauge_mm"].str.contains("/", regex=False).to_numpy(bool)

    shared = _shared_capacities(network, arc_link, arc_forward, unit_dim, unit_per_year)
    return CompiledNetwork(
        shared=shared,
        node_ids=node_ids,
        node_index=node_index,
        node_country=np.array([country_index[c] for c in nodes["country"]], dtype=np.int32),
        countries=countries,
        modes=modes,
        commodities=commodities,
        commodity_units=tuple(str(u) for u in network.commodities["unit"]),
        tail=tail,
        head=head,
        arc_link=arc_link,
        arc_forward=arc_forward,
        arc_mode=link_mode[arc_link],
        length_km=length[arc_link],
        transit_h=transit[arc_link],
        dwell_h=dwell[arc_link],
        arc_in_country=in_country[arc_link],
        allowed=allowed[:, arc_link],
        cost_usd=arc_cost,
        headed_cost_usd=headed_cost,
        capacity=capacity[:, arc_link],
        node_capacity=node_capacity,
        arc_capacity_native=link_native[arc_link],
        arc_capacity_dim=tuple(link_dim[i] for i in arc_link),
        node_capacity_native=node_native,
        node_capacity_dim=node_dim,
        dimension_factor=dimension_factor,
        value_of_time_usd_per_h=vot,
        link_ids=tuple(str(x) for x in links["id"]),
        link_index={str(x): i for i, x in enumerate(links["id"])},
        link_countries=tuple(tuple(cs) for cs in links["countries"]),
        link_territory=territory,
        node_strait=tuple(straits.get(n, "") for n in node_ids),
        node_in_territory=np.array(
            [n not in waypoints or c in waypoints[n] for n, c in zip(node_ids, nodes["country"], strict=True)],
            dtype=bool,
        ),
        link_base_sources=_base_sources(network),
        node_capacity_sources=tuple(frozenset(split_source(s)[0]) for s in nodes["capacity_source"]),
        arc_pair=arc_pair.astype(np.int64),
        n_pairs=int(arc_pair.max()) + 1 if len(arc_pair) else 0,
        arc_kind=link_kind[arc_link],
        arc_gauge_change=gauge_change[arc_link],
        n_expanded=n_expanded,
        edge_tail=edge_tail,
        edge_head=edge_head,
        edge_arc=edge_arc,
        network=network,
    )


def _exploded_countries(links: pd.DataFrame) -> pd.DataFrame:
    """One row per (link, country it touches), with the link's mode and its share of the length."""
    counts = links["countries"].map(len).to_numpy()
    return pd.DataFrame(
        {
            "link": np.repeat(np.arange(len(links)), counts),
            "mode": np.repeat(links["mode"].to_numpy(), counts),
            "country": [c for cs in links["countries"] for c in cs],
            "share": np.repeat(1.0 / np.maximum(counts, 1), counts),
        }
    )


def _lookup(ex: pd.DataFrame, table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Values of ``columns`` for each (mode, country) row of ``ex``: the country's row, else the mode's."""
    specific = table[table["country"] != ""].set_index(["mode", "country"])[columns]
    general = table[table["country"] == ""].set_index("mode")[columns]
    out = ex.join(specific, on=["mode", "country"])
    fallback = ex[["mode"]].join(general, on="mode")
    for col in columns:
        out[col] = out[col].fillna(fallback[col])
    return out


def _transit_hours(network: Network) -> FloatArray:
    """Given transit times, else each country's share of the length at that country's speed."""
    links = network.links
    given = links["transit_time_h"].to_numpy(float)
    ex = _lookup(_exploded_countries(links), network.speeds, ["speed_km_per_day"])
    ex["days_per_km"] = ex["share"] / ex["speed_km_per_day"]
    days_per_km = ex.groupby("link")["days_per_km"].sum().reindex(range(len(links))).to_numpy()
    derived = links["length_km"].to_numpy(float) * days_per_km * 24.0
    return np.where(np.isnan(given), derived, given)


@dataclass(frozen=True)
class _CostInputs:
    """What every commodity's and heading's link costs read, taken out of the tables once per compile."""

    tariffs: list[
        tuple[str, str, str, str, str, float, float]
    ]  # commodity, mode, country, link, heading, per km, fixed
    headed: bool  # the tariffs have a heading column
    links: list[tuple[str, str, tuple[str, ...]]]  # id, mode, countries


def _cost_inputs(network: Network) -> _CostInputs:
    tariffs = network.tariffs
    headed = "heading" in tariffs.columns
    columns = [tariffs[c] for c in ("commodity", "mode", "country", "link")]
    headings = tariffs["heading"] if headed else [""] * len(tariffs)
    prices = zip(tariffs["usd_per_unit_km"], tariffs["usd_per_unit"], strict=True)
    rows = [
        (c, m, k, lk, h, float(km), float(fx))
        for (c, m, k, lk, h), (km, fx) in zip(zip(*columns, headings, strict=True), prices, strict=True)
    ]
    links = network.links
    return _CostInputs(rows, headed, list(zip(links["id"], links["mode"], links["countries"], strict=True)))


def _link_costs(inputs: _CostInputs, commodity: str, length: FloatArray, heading: str = "") -> FloatArray:
    """USD per unit of the commodity on each link: link row, else per-country rows, else the mode row
    (with a ``heading``: that heading's rows in place of the same rows without one).

    A link's per-country rows are shared by its length: each country's row (a field it leaves
    empty: the mode's) times its share, summed as pandas sums a group (compensated, leaving out
    unknown values; unknown when none is known). Plain loops over lists and dicts (``inputs``,
    :func:`_cost_inputs`, taken from the tables once per compile): compiling calls this per commodity and heading, and
    a replay compiles each dated network.
    """
    tariffs = [row for row in inputs.tariffs if row[0] == commodity]
    if inputs.headed:
        headed = [row for row in tariffs if row[4] == heading] if heading else []
        keys = {row[1:4] for row in headed}
        tariffs = [row for row in tariffs if row[4] == "" and row[1:4] not in keys] + headed
    own: dict[str, tuple[float, float]] = {}  # link: (per km, fixed)
    rates: dict[tuple[str, str], tuple[float, float]] = {}  # (mode, country or ""): (per km, fixed)
    for _, mode, country, link, _, per_km, fixed in tariffs:
        if link:
            own.setdefault(str(link), (per_km, fixed))
        else:
            rates.setdefault((str(mode), str(country)), (per_km, fixed))
    per_km_sum, fixed_sum = np.full(len(inputs.links), np.nan), np.full(len(inputs.links), np.nan)
    summed: dict[tuple[str, tuple[str, ...]], tuple[float, float]] = {}  # links of one mode and countries cost alike
    for pos, (_, mode, countries) in enumerate(inputs.links):
        if (mode, countries) not in summed:
            general = rates.get((str(mode), ""), (np.nan, np.nan))
            share = 1.0 / max(len(countries), 1)
            per_km_list, fixed_list = [], []
            for country in countries:
                specific = rates.get((str(mode), str(country)), (np.nan, np.nan))
                per_km_list.append((general[0] if np.isnan(specific[0]) else specific[0]) * share)
                fixed_list.append((general[1] if np.isnan(specific[1]) else specific[1]) * share)
            summed[(mode, countries)] = (_group_sum(per_km_list), _group_sum(fixed_list))
        per_km_sum[pos], fixed_sum[pos] = summed[(mode, countries)]
    cost = length * per_km_sum + fixed_sum
    for pos, (link, _, _) in enumerate(inputs.links):
        if str(link) in own:
            rate_km, rate_fixed = own[str(link)]
            cost[pos] = length[pos] * rate_km + rate_fixed
    return np.asarray(cost, dtype=float)


def _group_sum(values: list[float]) -> float:
    """The sum of the known values with Kahan's compensation, as pandas sums a group
    (``sum(min_count=1)``): NaN when none is known."""
    total, compensation, known = 0.0, 0.0, 0
    for value in values:
        if np.isnan(value):
            continue
        known += 1
        y = value - compensation
        t = total + y
        compensation = t - total - y
        if np.isnan(compensation):  # an infinite value: no compensation
            compensation = 0.0
        total = t
    return total if known else np.nan


def _native_capacity(
    table: pd.DataFrame, unit_dim: dict[str, str], unit_per_year: dict[str, float]
) -> tuple[FloatArray, tuple[str, ...]]:
    """Capacity per year in the dimension its unit counts (tonnes, TEU, trains, barrels)."""
    native = np.full(len(table), np.inf)
    dims = []
    for j, (value, unit) in enumerate(zip(table["capacity"], table["capacity_unit"], strict=True)):
        if np.isnan(value) or not unit:
            dims.append("")
            continue
        native[j] = value * unit_per_year[unit]
        dims.append(unit_dim[unit])
    return native, tuple(dims)


def _capacity_matrix(native: FloatArray, dims: tuple[str, ...], commodities: tuple[str, ...],
                     factors: dict[str, dict[str, float]]) -> FloatArray:  # fmt: skip
    """Capacity in units of each commodity per year; inf when unknown or not convertible."""
    out = np.full((len(commodities), len(native)), np.inf)
    for i, com in enumerate(commodities):
        for j, dim in enumerate(dims):
            if dim in factors[com]:
                out[i, j] = native[j] / factors[com][dim]
    return out


def _expand_parallel(tail: IntArray, head: IntArray, n_nodes: int) -> tuple[int, IntArray, IntArray, IntArray]:
    """Edges of the expanded graph: one per arc, parallel arcs routed through virtual nodes."""
    order = np.lexsort((head, tail))
    t, h = tail[order], head[order]
    repeat = np.zeros(len(order), dtype=bool)
    repeat[1:] = (t[1:] == t[:-1]) & (h[1:] == h[:-1])
    dup_arcs = order[repeat]
    plain = order[~repeat]
    virtual = n_nodes + np.arange(len(dup_arcs), dtype=np.int32)
    edge_tail = np.concatenate([tail[plain], tail[dup_arcs], virtual]).astype(np.int32)
    edge_head = np.concatenate([head[plain], virtual, head[dup_arcs]]).astype(np.int32)
    edge_arc = np.concatenate([plain, dup_arcs, np.full(len(dup_arcs), -1)]).astype(np.int32)
    return n_nodes + len(dup_arcs), edge_tail, edge_head, edge_arc


def _sources_by_key(table: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], frozenset[str]]:
    return {
        tuple(row[:-1]): frozenset(split_source(row[-1])[0])
        for row in table[[*keys, "source"]].itertuples(index=False, name=None)
    }


def _base_sources(network: Network) -> tuple[frozenset[str], ...]:
    """Per link, the sources of its length, capacity, times and (when derived) speeds."""
    links = network.links
    speed = _sources_by_key(network.speeds, ["mode", "country"])
    out = []
    columns = ["length_source", "capacity_source", "transit_time_source", "dwell_source"]
    for row, mode, countries, time in zip(
        links[columns].itertuples(index=False, name=None),
        links["mode"],
        links["countries"],
        links["transit_time_h"],
        strict=True,
    ):
        cited: set[str] = set()
        for cell in row:
            cited.update(split_source(cell)[0])
        if np.isnan(time):
            for key in country_rows(speed, mode, countries):
                cited.update(speed.get(key, frozenset()) if key else ())
        out.append(frozenset(cited))
    return tuple(out)


def _tariff_sources(network: Network, commodity: str) -> tuple[frozenset[str], ...]:
    """Per link, the sources of the tariff rows that price it for one commodity."""
    tariffs = network.tariffs[network.tariffs["commodity"] == commodity]
    by_link = _sources_by_key(tariffs[tariffs["link"] != ""], ["link"])
    by_mode = _sources_by_key(tariffs[tariffs["link"] == ""], ["mode", "country"])
    out = []
    for link, mode, countries in zip(
        network.links["id"], network.links["mode"], network.links["countries"], strict=True
    ):
        if (link,) in by_link:
            out.append(by_link[(link,)])
            continue
        cited: set[str] = set()
        for key in country_rows(by_mode, mode, countries):
            cited.update(by_mode.get(key, frozenset()) if key else ())
        out.append(frozenset(cited))
    return tuple(out)


def _shared_capacities(
    network: Network,
    arc_link: np.ndarray,
    arc_forward: np.ndarray,
    unit_dim: dict[str, str],
    unit_per_year: dict[str, float],
) -> tuple[SharedCapacity, ...]:
    """Each group with a capacity, as the arcs of its member links (nested groups flattened)."""
    groups = network.groups
    if "capacity" not in groups.columns:
        return ()
    members = dict(zip(groups["id"], groups["members"], strict=True))
    link_pos = {lid: i for i, lid in enumerate(network.links["id"])}
    out = []
    for gid, capacity, unit, source in zip(
        groups["id"], groups["capacity"], groups["capacity_unit"], groups["capacity_source"], strict=True
    ):
        if not np.isfinite(float(capacity)):
            continue
        links, stack, seen = [], [str(gid)], set()
        while stack:
            g = stack.pop()
            if g in seen:
                continue
            seen.add(g)
            for item in members[g]:
                if item in members:
                    stack.append(item)
                elif item in link_pos:
                    links.append(link_pos[item])
        on = np.isin(arc_link, links)
        out.append(
            SharedCapacity(
                group=str(gid),
                forward=on & arc_forward,
                backward=on & ~arc_forward,
                native_per_year=float(capacity) * float(unit_per_year[str(unit)]),
                dimension=unit_dim[str(unit)],
                sources=frozenset(split_source(str(source or ""))[0]),
            )
        )
    return tuple(out)
