"""Turn a path of arcs into a Route: totals, countries and straits in order, transfers, capacity, sources."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from corridor.network import CompiledNetwork
from corridor.routing._capacity import route_capacity
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
    start: int,
    *,
    cost: np.ndarray | None = None,
    time_h: np.ndarray | None = None,
) -> Route:
    """A Route from its arcs; ``mask`` says which parallel arcs share the load;
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
    capacity = route_capacity(cn, c, arcs, node_pos, mask)
    sources |= capacity.sources
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
        capacity_per_year=capacity.per_year,
        bottleneck=capacity.bottleneck,
        sources=tuple(sorted(sources, key=_natural_key)),
    )


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
