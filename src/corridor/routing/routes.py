"""Routes on the compiled network: the best one, the k best, the cost-time Pareto set.

A route is priced per unit of a commodity (a TEU of containers, a tonne of crude) by cost (USD),
by time (hours) or by a generalized cost (USD plus the commodity's value of time times hours).
RouteOptions: avoid countries, modes or named assets (nodes, links, groups of them), and pass
through places in order (``via``). When the constraints leave no route, :class:`NoRouteError`
names the constraints that cut it; no constraint is ever dropped to find something.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from corridor.errors import NoRouteError, RequestError
from corridor.network import CompiledNetwork, Network, place_nodes
from corridor.routing.assemble import route_from_arcs
from corridor.routing.options import RouteOptions, RouteState, resolve_route_options
from corridor.routing.paths import Graph, build_graph, pareto_paths, shortest_paths, yen_paths
from corridor.routing.route import Route

MAX_REJECTED_WALKS = 5_000
"""How many walks through a via group that pass a place twice Yen's search examines before it
says the constraints leave no loopless route it could find. Each costs a Dijkstra per spur node;
with the sea alternatives (Sunda, Lombok, the Cape from Gibraltar) 20,000 took two minutes on a
via-plus-avoid query that has no loopless route at all, and the routes the tests and the README
ask for are found within the first few hundred."""

__all__ = [
    "BY_OPTIONS",
    "MAX_K",
    "By",
    "k_shortest_routes",
    "pareto_routes",
    "shortest_route",
    "shortest_routes",
]

By = Literal["cost", "time", "generalized"]
BY_OPTIONS: tuple[str, ...] = ("cost", "time", "generalized")
MAX_K = 100
"""Largest k a k-shortest request may ask for."""


# --------------------------------------------------------------------------- query graphs


def _arc_mask(cn: CompiledNetwork, c: int, con: RouteOptions) -> np.ndarray:
    """Arcs the commodity may use under the avoid constraints."""
    ok = cn.allowed[c].copy()
    if con.avoid_countries:
        ok &= ~cn.country_arcs(con.avoid_countries)
    if con.avoid_modes:
        midx = [cn.modes.index(m) for m in con.avoid_modes]
        ok &= ~np.isin(cn.arc_mode, midx)
    if con.avoid_links:
        lidx = [cn.link_index[x] for x in con.avoid_links if x in cn.link_index]
        ok &= ~np.isin(cn.arc_link, lidx)
    if con.avoid_nodes:
        nidx = [cn.node_index[n] for n in con.avoid_nodes]
        ok &= ~np.isin(cn.tail, nidx) & ~np.isin(cn.head, nidx)
    return np.asarray(ok, dtype=bool)


def _usable_nodes(cn: CompiledNetwork, con: RouteOptions) -> np.ndarray:
    """Nodes a route may touch: not avoided, and not in an avoided country."""
    usable = ~np.isin(cn.node_country, [cn.countries.index(x) for x in con.avoid_countries if x in cn.countries])
    usable[[cn.node_index[n] for n in con.avoid_nodes]] = False
    return np.asarray(usable, dtype=bool)


def _arc_weights(cn: CompiledNetwork, c: int, by: str, cost: np.ndarray, time_h: np.ndarray) -> np.ndarray:
    if by == "cost":
        return np.asarray(cost[c], dtype=float)
    if by == "time":
        return time_h
    if by == "generalized":
        return np.asarray(cost[c] + cn.value_of_time_usd_per_h[c] * time_h, dtype=float)
    raise RequestError(f"by is {by!r}; expected one of {', '.join(BY_OPTIONS)}")


@dataclass(frozen=True)
class _Endpoint:
    label: str  # node or group id, as reported in routes
    nodes: tuple[int, ...]


def _endpoint(network: Network, name: str) -> _Endpoint:
    kind, ident = network.name_index.resolve(name)
    cn = network.compiled
    return _Endpoint(ident, tuple(cn.node_index[n] for n in place_nodes(network, kind, ident)))


@dataclass(frozen=True, eq=False)
class _Request:
    """One routing request, resolved: commodity, weights, usable arcs, tariffs and times in force."""

    network: Network
    cn: CompiledNetwork
    c: int
    by: str
    weight: np.ndarray  # [arc]
    mask: np.ndarray  # [arc] usable by this commodity under the constraints
    con: RouteOptions
    cost: np.ndarray  # [commodity, arc] USD per unit in force
    time_h: np.ndarray  # [arc] hours in force

    def route(self, graph: Graph, path: Sequence[int], origin: str, destination: str, by: str | None = None) -> Route:
        tags = graph.tag[graph.edges_of(path)] if len(path) > 1 else np.zeros(0, dtype=np.int64)
        arcs = tags[tags >= 0]
        real = graph.node_real[np.asarray(path)]
        start = int(real[real >= 0][0])
        return route_from_arcs(
            self.cn,
            arcs,
            self.c,
            by or self.by,
            origin,
            destination,
            self.mask,
            start,
            cost=self.cost,
            time_h=self.time_h,
        )


def _query_graph(
    cn: CompiledNetwork,
    weight: np.ndarray,
    mask: np.ndarray,
    con: RouteOptions,
    endpoints: Sequence[tuple[_Endpoint, bool]],
) -> tuple[Graph, dict[tuple[str, bool], int]]:
    """Graph for one request; returns it and the graph node of each (endpoint, is_origin).

    An endpoint whose every node is avoided (it lies in an avoided country, or is itself avoided)
    maps to -1: no route can start or end there.
    """
    usable = _usable_nodes(cn, con)
    endpoints = [(_Endpoint(ep.label, tuple(n for n in ep.nodes if usable[n])), flag) for ep, flag in endpoints]
    arc_w = np.where(mask, weight, np.inf)
    edge_w = np.where(cn.edge_arc >= 0, arc_w[np.maximum(cn.edge_arc, 0)], 0.0)
    via_nodes = [np.array([cn.node_index[n] for n in item.nodes], dtype=np.int64) for item in con.via]
    via_edges = [_link_edges(cn, item.links) for item in con.via]
    supers: list[np.ndarray] = []
    outs: list[bool] = []
    keys: list[tuple[str, bool]] = []
    for ep, is_origin in endpoints:
        key = (ep.label, is_origin)
        if len(ep.nodes) > 1 and key not in keys:
            supers.append(np.array(ep.nodes))
            outs.append(is_origin)
            keys.append(key)
    graph = build_graph(
        cn.n_expanded,
        cn.edge_tail,
        cn.edge_head,
        edge_w,
        cn.edge_arc,
        cn.n_nodes,
        via_nodes=via_nodes,
        via_edges=via_edges,
        super_nodes=supers,
        super_out=outs,
    )
    last_layer = len(con.via) * cn.n_expanded
    where: dict[tuple[str, bool], int] = {}
    helper = (len(con.via) + 1) * cn.n_expanded
    for key in keys:
        where[key] = helper
        helper += 1
    for ep, is_origin in endpoints:
        key = (ep.label, is_origin)
        if key not in where:
            where[key] = ep.nodes[0] + (0 if is_origin else last_layer) if ep.nodes else -1
    return graph, where


def _link_edges(cn: CompiledNetwork, links: Sequence[str]) -> np.ndarray:
    """Edges of the expanded graph that enter a link's arcs (both directions)."""
    if not links:
        return np.zeros(0, dtype=np.int64)
    positions = [cn.link_index[x] for x in links]
    arcs = np.flatnonzero(np.isin(cn.arc_link, positions))
    return np.flatnonzero(np.isin(cn.edge_arc, arcs))


# --------------------------------------------------------------------------- public functions


def _prepare(
    network: Network,
    commodity: str,
    by: str,
    avoid: Iterable[str],
    via: Iterable[str],
    state: RouteState | None = None,
) -> _Request:
    if by not in BY_OPTIONS:
        raise RequestError(f"by is {by!r}; expected one of {', '.join(BY_OPTIONS)}")
    cn = network.compiled
    c = cn.commodity_index(commodity)
    con = resolve_route_options(network, avoid=avoid, via=via)
    cost, time_h = cn.cost_usd, cn.time_h
    if state is not None:
        con = RouteOptions(avoid=con.avoid + state.avoid, via=con.via)
        cost = cost if state.cost_usd is None else np.asarray(state.cost_usd, dtype=float)
        time_h = time_h if state.time_h is None else np.asarray(state.time_h, dtype=float)
    mask = _arc_mask(cn, c, con)
    return _Request(network, cn, c, by, _arc_weights(cn, c, by, cost, time_h), mask, con, cost, time_h)


def shortest_route(
    network: Network,
    origin: str,
    destination: str,
    *,
    commodity: str = "container",
    by: By = "cost",
    avoid: Iterable[str] = (),
    via: Iterable[str] = (),
    state: RouteState | None = None,
) -> Route:
    """The best route from origin to destination for one unit of a commodity.

    Parameters
    ----------
    network
        The network (see :func:`corridor.load_network`).
    origin, destination
        Node ids, names, Russian names, aliases, or a group id (the best of its members).
    commodity
        Commodity id (``container``, ``crude_oil``, ...).
    by
        ``"cost"`` (USD per unit), ``"time"`` (hours) or ``"generalized"`` (USD plus value
        of time x hours).
    avoid
        Countries (``"RU"``), modes, links, places or groups the route must not touch.
    via
        Places or groups the route must pass through, in order.
    state
        The network as it stands on a day of a scenario (:func:`corridor.scenario.route_state`):
        its closures and bars are avoided (and named when they cut every route), its tariffs
        and times used.

    Returns
    -------
    Route
        Its nodes, links, cost, time, distance, countries, modes, capacity and sources.

    Raises
    ------
    NoRouteError
        When no route satisfies the constraints; it names the constraints that cut it.
    UnknownNodeError
        When a place is unknown; it suggests the closest names.

    Examples
    --------
    >>> net = load_network()
    >>> r = shortest_route(net, "Xi'an", "Duisburg", avoid=["RU", "BY"])
    >>> "RU" in r.countries or "BY" in r.countries
    False
    """
    return k_shortest_routes(
        network, origin, destination, k=1, commodity=commodity, by=by, avoid=avoid, via=via, state=state
    )[0]


def shortest_routes(
    network: Network,
    pairs: Sequence[tuple[str, str]],
    *,
    commodity: str = "container",
    by: By = "cost",
    avoid: Iterable[str] = (),
    via: Iterable[str] = (),
    state: RouteState | None = None,
) -> list[Route | None]:
    """The best route for each (origin, destination) pair; None where none exists.

    The query graph is built once and each distinct origin costs one Dijkstra run, so many
    pairs are much cheaper than as many :func:`shortest_route` calls. Routes may revisit a
    node only when ``via`` forces it.

    Parameters
    ----------
    network
        The network (see :func:`corridor.load_network`).
    pairs
        (origin, destination) places, each as :func:`shortest_route` takes them.
    commodity, by, avoid, via, state
        As for :func:`shortest_route`, the same for every pair.

    Returns
    -------
    list of Route or None
        One entry per pair, in order; None where no route satisfies the constraints.

    Raises
    ------
    UnknownNodeError
        When a place is unknown; it suggests the closest names.

    Examples
    --------
    >>> net = load_network()
    >>> found = shortest_routes(net, [("Xi'an", "Duisburg"), ("Tengiz", "Augusta")], commodity="container")
    >>> found[0].countries[0], found[1] is None
    ('CN', True)
    """
    req = _prepare(network, commodity, by, avoid, via, state)
    cache: dict[str, _Endpoint] = {}

    def ep(name: str) -> _Endpoint:
        if name not in cache:
            cache[name] = _endpoint(network, name)
        return cache[name]

    ends = [(ep(o), ep(d)) for o, d in pairs]
    endpoints = [(e, flag) for o, d in ends for e, flag in ((o, True), (d, False))]
    graph, where = _query_graph(req.cn, req.weight, req.mask, req.con, endpoints)
    index_pairs = [(where[(o.label, True)], where[(d.label, False)]) for o, d in ends]
    usable = [i for i, (s, t) in enumerate(index_pairs) if s >= 0 and t >= 0]
    found: list[tuple[float, list[int]] | None] = [None] * len(pairs)
    for i, hit in zip(usable, shortest_paths(graph, [index_pairs[i] for i in usable]), strict=True):
        found[i] = hit
    if req.con.via:  # a shortest walk through via places may pass a place twice: search loopless routes
        simple = _simple_in(graph)
        for i, hit in enumerate(found):
            if hit is not None and not simple(hit[1]):
                best = yen_paths(graph, *index_pairs[i], 1, accept=simple).paths
                found[i] = best[0] if best else None
    return [
        None if hit is None else req.route(graph, hit[1], o.label, d.label)
        for hit, (o, d) in zip(found, ends, strict=True)
    ]


def _count(k: object) -> int:
    """k as an int (NumPy integers welcome), or a RequestError saying what is expected."""
    try:
        value = operator.index(k)  # type: ignore[arg-type]
    except TypeError:
        value = None
    if isinstance(k, bool) or value is None or not 1 <= value <= MAX_K:
        raise RequestError(f"k is {k!r}; expected a whole number from 1 to {MAX_K}")
    return value


def k_shortest_routes(
    network: Network,
    origin: str,
    destination: str,
    *,
    k: int = 3,
    commodity: str = "container",
    by: By = "cost",
    avoid: Iterable[str] = (),
    via: Iterable[str] = (),
    state: RouteState | None = None,
) -> list[Route]:
    """Up to k loopless routes, best first (Yen's algorithm on the compiled arrays).

    Parameters
    ----------
    network
        The network (see :func:`corridor.load_network`).
    origin, destination
        Node ids, names, Russian names, aliases, or a group id (the best of its members).
    k
        How many routes (1 to ``MAX_K``); fewer come back when fewer exist.
    commodity, by, avoid, via, state
        As for :func:`shortest_route`.

    Returns
    -------
    list of Route
        Best first by ``by``.

    Raises
    ------
    NoRouteError
        When no route satisfies the constraints; it names the constraints that cut it.
    UnknownNodeError
        When a place is unknown; it suggests the closest names.
    RequestError
        When ``k`` is out of range or ``by`` unknown.

    Examples
    --------
    >>> net = load_network()
    >>> routes = k_shortest_routes(net, "Xi'an", "Duisburg", k=3)
    >>> [r.cost_usd for r in routes] == sorted(r.cost_usd for r in routes)
    True
    """
    k = _count(k)
    req = _prepare(network, commodity, by, avoid, via, state)
    o, d = _endpoint(network, origin), _endpoint(network, destination)
    graph, where = _query_graph(req.cn, req.weight, req.mask, req.con, [(o, True), (d, False)])
    s, t = where[(o.label, True)], where[(d.label, False)]
    if s < 0 or t < 0 or shortest_paths(graph, [(s, t)])[0] is None:
        raise _no_route(network, req.c, o, d, req.con)
    simple = _simple_in(graph)
    taken: set[tuple[int, ...]] = set()

    def new_route(path: list[int]) -> bool:
        """Loopless, and not a route already found (a via group can be passed at several of its members)."""
        if not simple(path):
            return False
        tags = graph.tag[graph.edges_of(path)]
        arcs = tuple(int(a) for a in tags[tags >= 0])
        if arcs in taken:
            return False
        taken.add(arcs)
        return True

    found = yen_paths(graph, s, t, k, accept=new_route, max_rejected=MAX_REJECTED_WALKS + 100 * k)
    if not found.paths:
        raise _no_route(network, req.c, o, d, req.con, examined=found.examined if found.capped else None)
    return [req.route(graph, path, o.label, d.label) for _, path in found.paths]


def pareto_routes(
    network: Network,
    origin: str,
    destination: str,
    *,
    commodity: str = "container",
    avoid: Iterable[str] = (),
    via: Iterable[str] = (),
    max_labels: int = 200_000,
    state: RouteState | None = None,
) -> list[Route]:
    """Every route that no other beats on both cost and time, cheapest first.

    Parameters
    ----------
    network
        The network (see :func:`corridor.load_network`).
    origin, destination
        Node ids, names, Russian names, aliases, or a group id.
    commodity, avoid, via, state
        As for :func:`shortest_route`.
    max_labels
        A cap on the labels the search may hold (a guard against huge fronts on big networks).

    Returns
    -------
    list of Route
        The Pareto front, cheapest (and slowest) first.

    Raises
    ------
    NoRouteError
        When no route satisfies the constraints; it names the constraints that cut it.
    UnknownNodeError
        When a place is unknown; it suggests the closest names.

    Examples
    --------
    >>> net = load_network()
    >>> front = pareto_routes(net, "Xi'an", "Duisburg")
    >>> all(a.time_h > b.time_h for a, b in zip(front, front[1:]))
    True
    """
    req = _prepare(network, commodity, "cost", avoid, via, state)
    o, d = _endpoint(network, origin), _endpoint(network, destination)
    graph, where = _query_graph(req.cn, req.weight, req.mask, req.con, [(o, True), (d, False)])
    if where[(o.label, True)] < 0 or where[(d.label, False)] < 0:
        raise _no_route(network, req.c, o, d, req.con)
    time_arc = np.where(req.mask, req.time_h, np.inf)
    w_time = np.where(graph.tag >= 0, time_arc[np.maximum(graph.tag, 0)], 0.0)
    front = pareto_paths(
        graph,
        graph.weight,
        w_time,
        where[(o.label, True)],
        where[(d.label, False)],
        elementary=bool(req.con.via),
        max_labels=max_labels,
    )
    if not front:
        raise _no_route(network, req.c, o, d, req.con)
    return [req.route(graph, path, o.label, d.label, by="pareto") for _, _, path in front]


# --------------------------------------------------------------------------- diagnosis


def _route_exists(network: Network, c: int, o: _Endpoint, d: _Endpoint, con: RouteOptions) -> bool:
    """Whether a loopless route exists under the constraints (hops counted, not costs)."""
    cn = network.compiled
    mask = _arc_mask(cn, c, con)
    graph, where = _query_graph(cn, np.ones(cn.n_arcs), mask, con, [(o, True), (d, False)])
    s, t = where[(o.label, True)], where[(d.label, False)]
    if s < 0 or t < 0:
        return False
    if not con.via:  # without via, a shortest path is loopless
        return shortest_paths(graph, [(s, t)])[0] is not None
    # a diagnosis, not an answer: a smaller budget keeps an error message quick
    return bool(yen_paths(graph, s, t, 1, accept=_simple_in(graph), max_rejected=500).paths)


def _simple_in(graph: Graph) -> Callable[[list[int]], bool]:
    """A test that a path of the query graph visits no network node twice."""

    def simple(path: list[int]) -> bool:
        real = graph.node_real[path]
        real = real[real >= 0]
        real = real[np.r_[True, real[1:] != real[:-1]]]  # a via node is entered once, left once
        return len(np.unique(real)) == len(real)

    return simple


def _no_route(
    network: Network, c: int, o: _Endpoint, d: _Endpoint, con: RouteOptions, *, examined: int | None = None
) -> NoRouteError:
    """An error naming the constraints that cut every route: tried one at a time, then together.

    ``examined`` is set when the loopless search gave up after that many candidate paths.
    """
    cn = network.compiled
    commodity = cn.commodities[c]
    head = f"no route for {commodity} from {o.label} to {d.label}"
    if not _route_exists(network, c, o, d, RouteOptions()):
        modes = dict(zip(network.commodities["id"], network.commodities["modes"], strict=True))[commodity]
        return NoRouteError(
            f"{head}: no chain of links that {commodity} may use joins them, even without constraints "
            f"({commodity} may use {', '.join(modes)})",
            cut_by=(f"commodity {commodity}",),
        )
    cut = [label for label, rest in con.relaxations() if _route_exists(network, c, o, d, rest)]
    if cut:
        names = ", ".join(cut)
        return NoRouteError(
            f"{head} with {con.describe()}: cut by {names} (dropping {'it' if len(cut) == 1 else 'any one of them'} "
            f"gives a route)",
            cut_by=tuple(cut),
        )
    if con.via:
        which = "every way" if examined is None else f"each of the {examined} cheapest ways"
        return NoRouteError(
            f"{head} with {con.describe()}: {which} through the via places in that order passes some place "
            f"twice; change the order of via, drop one, or avoid the places it doubles back through",
            cut_by=tuple(f"via {item.label}" for item in con.via),
        )
    return NoRouteError(
        f"{head} with {con.describe()}: no single constraint cuts it; together they do",
        cut_by=tuple(label for label, _ in con.relaxations()),
    )
