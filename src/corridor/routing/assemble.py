"""Turn a path of arcs into a Route: totals, countries and straits in order, transfers, bottleneck, sources."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from corridor.network import CompiledNetwork
from corridor.routing.route import Route

__all__ = ["route_from_arcs"]


def route_from_arcs(
    cn: CompiledNetwork,
    arcs: np.ndarray,
    c: int,
    by: str,
    origin: str,
    destination: str,
    mask: np.ndarray,
    section_capacity: np.ndarray,
    start: int,
    *,
    cost: np.ndarray | None = None,
    time_h: np.ndarray | None = None,
) -> Route:
    """A Route from its arcs; ``mask`` and ``section_capacity`` say which parallel arcs share the load;
    ``cost`` [commodity, arc] and ``time_h`` [arc] are the tariffs and times in force (default: the network's)."""
    links = cn.arc_link[arcs]
    node_pos = np.concatenate([[start], cn.head[arcs]]).astype(int)
    nodes = tuple(cn.node_ids[i] for i in node_pos)
    cost_in_force = cn.cost_usd if cost is None else cost
    cost = cost_in_force[c, arcs]
    transit, dwell, dist = cn.transit_h[arcs], cn.dwell_h[arcs], cn.length_km[arcs]
    if time_h is not None:  # delays in force stretch the waits: the transit stays, the dwell takes the rest
        dwell = np.asarray(time_h, dtype=float)[arcs] - transit
    total_h = float(transit.sum() + dwell.sum())
    leg_modes = tuple(cn.modes[m] for m in cn.arc_mode[arcs])
    # countries crossed as territory: a strait in transit passage, a cape, the open sea are in none
    countries: list[str] = [cn.countries[cn.node_country[start]]] if cn.node_in_territory[start] else []
    for arc, link in zip(arcs, links, strict=True):
        seq = cn.link_territory[link] if cn.arc_forward[arc] else cn.link_territory[link][::-1]
        for country in seq:
            if not countries or country != countries[-1]:
                countries.append(country)
    straits = tuple(dict.fromkeys(s for s in (cn.node_strait[i] for i in node_pos) if s))
    per_link = cn.link_sources(c)
    sources: set[str] = set().union(*(per_link[link] for link in links))
    capacity, bottleneck = _bottleneck(cn, c, arcs, node_pos, mask, section_capacity)
    if bottleneck is not None and bottleneck in cn.node_index:
        sources |= cn.node_capacity_sources[cn.node_index[bottleneck]]
    total_cost = float(cost.sum())
    return Route(
        origin=origin,
        destination=destination,
        commodity=cn.commodities[c],
        unit=cn.commodity_units[c],
        by=by,
        nodes=nodes,
        links=tuple(cn.link_ids[i] for i in links),
        leg_modes=leg_modes,
        leg_distance_km=tuple(dist.tolist()),
        leg_transit_h=tuple(transit.tolist()),
        leg_dwell_h=tuple(dwell.tolist()),
        leg_cost_usd=tuple(cost.tolist()),
        cost_usd=total_cost,
        time_h=total_h,
        distance_km=float(dist.sum()),
        generalized_cost_usd=total_cost + float(cn.value_of_time_usd_per_h[c]) * total_h,
        countries=tuple(countries),
        straits=straits,
        modes=tuple(dict.fromkeys(leg_modes)),
        transfers=_transfers(cn, arcs),
        capacity_per_year=capacity,
        bottleneck=bottleneck,
        sources=tuple(sorted(sources, key=_natural_key)),
    )


def _bottleneck(
    cn: CompiledNetwork,
    c: int,
    arcs: np.ndarray,
    node_pos: np.ndarray,
    mask: np.ndarray,
    section_capacity: np.ndarray,
) -> tuple[float | None, str | None]:
    """Smallest capacity along the route and what sets it.

    A leg's capacity is that of every usable link between the same two places in the same
    direction (the three CPC moorings together, the Aktau ferry and feeder together); the
    bottleneck then names them all, joined by '+'.
    """
    arc_cap = section_capacity[cn.arc_pair[arcs]]
    node_cap = cn.node_capacity[c, node_pos]
    best_arc = int(np.argmin(arc_cap)) if len(arcs) else -1
    best_node = int(np.argmin(node_cap)) if len(node_pos) else -1
    a = arc_cap[best_arc] if best_arc >= 0 else np.inf
    n = node_cap[best_node] if best_node >= 0 else np.inf
    if not np.isfinite(min(a, n)):
        return None, None
    if a <= n:
        pair = cn.arc_pair[arcs[best_arc]]
        parallel = np.flatnonzero((cn.arc_pair == pair) & mask)
        return float(a), "+".join(cn.link_ids[cn.arc_link[x]] for x in parallel)
    return float(n), cn.node_ids[node_pos[best_node]]


def _transfers(cn: CompiledNetwork, arcs: np.ndarray) -> int:
    """Times cargo changes vehicle or gauge.

    A transfer leg (transshipment) or a crossing that changes gauge counts once; between two
    line legs with nothing counted in between, a change of mode counts once.
    """
    count = 0
    last_line_mode = -1
    for kind, mode, gauge in zip(cn.arc_kind[arcs], cn.arc_mode[arcs], cn.arc_gauge_change[arcs], strict=True):
        if kind == 2 or (kind == 1 and gauge):
            count += 1
            last_line_mode = -1
        elif kind == 0:
            if last_line_mode >= 0 and mode != last_line_mode:
                count += 1
            last_line_mode = int(mode)
    return count


def _natural_key(text: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))
