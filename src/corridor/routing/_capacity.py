"""A route's capacity: the most a year of one commodity that can follow it, every capacity counted.

The route runs through a chain of sections: each pair of places it passes, with every usable link
between them in the route's direction (the three CPC moorings together, the Aktau ferry and feeder
together). A unit of cargo crosses each section once, so the capacities it meets are those of the
links of each section, of each place it passes, and of each group whose links share one capacity
(one ferry fleet, the Caspian crossing as a whole), counted for each member link the cargo uses.

Without a shared capacity on the way the answer is the smallest section or place; with one, the
split between parallel links matters (the feeder may carry what the fleet cannot), so a small
maximum-flow LP, solved by HiGHS, gives it, and the capacities with a dual value other than zero
are the bottleneck.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_array

from corridor.errors import SolverError
from corridor.network import CompiledNetwork

__all__ = ["RouteCapacity", "route_capacity"]

DUAL_TOLERANCE = 1e-9
"""A dual value below this (per unit of capacity) is taken as zero: that capacity does not bind."""


@dataclass(frozen=True)
class RouteCapacity:
    """Units a year and what sets it: link ids (parallel ones joined by '+'), a node id or a group id.

    ``sources`` are those of the binding place or group (a link's are already among the route's).
    """

    per_year: float | None
    bottleneck: str | None
    sources: frozenset[str]


def route_capacity(
    cn: CompiledNetwork, c: int, arcs: np.ndarray, node_pos: np.ndarray, mask: np.ndarray
) -> RouteCapacity:
    """The capacity of a route of arcs ``arcs`` through nodes ``node_pos`` for commodity ``c``.

    ``mask`` [arc] says which links the commodity may use (parallel ones share a section).
    """
    # a route that passes the same section or place twice (``via`` can make it) loads it twice
    pairs, first, times = np.unique(cn.arc_pair[arcs], return_index=True, return_counts=True)
    order = np.argsort(first)
    sections = [np.flatnonzero((cn.arc_pair == pair) & mask) for pair in pairs[order]]
    route = _Passes(sections, times[order], node_pos, np.bincount(node_pos, minlength=cn.n_nodes)[node_pos])
    shared = _shared_on(cn, c, np.concatenate(sections) if sections else np.zeros(0, dtype=np.int64))
    if not shared:
        return _smallest(cn, c, route)
    return _max_flow(cn, c, route, shared)


@dataclass(frozen=True)
class _Passes:
    """A route as its distinct sections (the usable arcs of each) and places, each with the number
    of times the route passes it."""

    sections: list[np.ndarray]
    section_times: np.ndarray
    nodes: np.ndarray
    node_times: np.ndarray


@dataclass(frozen=True)
class _Shared:
    group: str
    arcs: np.ndarray  # member arcs, in one direction, among the route's sections
    per_year: float  # in units of the commodity
    sources: frozenset[str]


def _shared_on(cn: CompiledNetwork, c: int, arcs: np.ndarray) -> list[_Shared]:
    """The shared capacities (each direction apart) that count some of ``arcs`` for commodity ``c``."""
    out = []
    for shared in cn.shared:
        factor = float(cn.dimension_factor[shared.dimension][c])
        if not np.isfinite(factor) or factor <= 0:
            continue  # a fleet counted in TEU does not hold crude back
        for on in (shared.forward, shared.backward):
            hit = arcs[on[arcs]]
            if len(hit):
                out.append(_Shared(shared.group, hit, shared.native_per_year / factor, shared.sources))
    return out


def _smallest(cn: CompiledNetwork, c: int, route: _Passes) -> RouteCapacity:
    """Without shared capacities: the smallest section (its parallel links together) or place."""
    section_cap = np.array([cn.capacity[c, s].sum() for s in route.sections]) / route.section_times
    node_cap = cn.node_capacity[c, route.nodes] / route.node_times
    best_section = int(np.argmin(section_cap)) if len(section_cap) else -1
    best_node = int(np.argmin(node_cap)) if len(node_cap) else -1
    a = section_cap[best_section] if best_section >= 0 else np.inf
    n = node_cap[best_node] if best_node >= 0 else np.inf
    if not np.isfinite(min(a, n)):
        return RouteCapacity(None, None, frozenset())
    if a <= n:
        return RouteCapacity(float(a), _links(cn, route.sections[best_section]), frozenset())
    node = int(route.nodes[best_node])
    return RouteCapacity(float(n), cn.node_ids[node], cn.node_capacity_sources[node])


def _links(cn: CompiledNetwork, arcs: np.ndarray) -> str:
    return "+".join(cn.link_ids[cn.arc_link[a]] for a in arcs)


def _max_flow(cn: CompiledNetwork, c: int, route: _Passes, shared: list[_Shared]) -> RouteCapacity:
    """The most that can follow the route when shared capacities couple its links: an LP.

    Columns: the flow on each section's links, then the route's flow ``f``. Each section carries
    ``f`` (times the passes); a link at most its capacity, a place at most its own (once for each
    time the route passes it), a shared capacity at most its figure over its members.
    """
    sections = route.sections
    arcs = np.concatenate(sections)
    n = len(arcs)
    f = n  # the route's flow
    section_of = np.repeat(np.arange(len(sections)), [len(s) for s in sections])
    a_eq = coo_array(
        (
            np.r_[np.ones(n), -route.section_times.astype(float)],
            (np.r_[section_of, np.arange(len(sections))], np.r_[np.arange(n), np.full(len(sections), f)]),
        ),
        shape=(len(sections), n + 1),
    ).tocsr()
    rows_i: list[int] = []
    rows_j: list[int] = []
    for k, group in enumerate(shared):
        cols = np.flatnonzero(np.isin(arcs, group.arcs))
        rows_i += [k] * len(cols)
        rows_j += cols.tolist()
    a_ub = coo_array((np.ones(len(rows_i)), (rows_i, rows_j)), shape=(len(shared), n + 1)).tocsr()
    b_ub = np.array([group.per_year for group in shared])
    node_limit = cn.node_capacity[c, route.nodes] / route.node_times
    arc_limit = cn.capacity[c, arcs]
    f_limit = float(node_limit.min()) if len(node_limit) else np.inf
    bounds = [(0.0, None if not np.isfinite(u) else float(u)) for u in arc_limit]
    bounds.append((0.0, None if not np.isfinite(f_limit) else f_limit))
    cost = np.zeros(n + 1)
    cost[f] = -1.0
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=np.zeros(len(sections)), bounds=bounds, method="highs")
    if result.status == 3:  # nothing on the way has a figure
        return RouteCapacity(None, None, frozenset())
    if result.status != 0:
        raise SolverError(f"HiGHS could not find the route's capacity ({result.message})")
    binding: list[str] = []
    sources: set[str] = set()
    for row in np.flatnonzero(np.abs(result.ineqlin.marginals) > DUAL_TOLERANCE):
        group = shared[int(row)]
        if group.group not in binding:
            binding.append(group.group)
            sources |= group.sources
    upper = np.abs(result.upper.marginals) > DUAL_TOLERANCE
    for j in np.flatnonzero(upper[:n]):
        link = cn.link_ids[cn.arc_link[arcs[j]]]
        if link not in binding:
            binding.append(link)
    if upper[f]:
        node = int(route.nodes[int(np.argmin(node_limit))])
        binding.append(cn.node_ids[node])
        sources |= cn.node_capacity_sources[node]
    return RouteCapacity(max(float(-result.fun), 0.0) + 0.0, "+".join(binding) or None, frozenset(sources))
