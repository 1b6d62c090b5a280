"""Routing on compiled arrays against networkx and against a bare scipy Dijkstra, in one run.

A synthetic network of 10,000 nodes (about 28,000 links, 57,000 directed arcs) and 1,000 random
origin-destination queries. Each contender returns, per query, the path with its cost, time,
distance and countries (corridor's routes carry more: modes, transfers, capacity, sources).
Then the same against networkx on a national-scale network (``--large-nodes``, default 100,000
nodes, about 570,000 arcs) with fewer queries (``--large-queries``, default 200: networkx takes
about a second per query there on a busy machine); ``--large-nodes 0`` skips it.

Prints ratios (the machine is shared and noisy, so only ratios measured in the same run mean
anything):
- networkx time / corridor time                 (target >= 15, at both sizes)
- corridor time / bare dijkstra time            (target <= 1.5)
- corridor time / the bounded kernel it calls   (corridor's own overhead: graph, paths, details)
"""

from __future__ import annotations

import argparse
import itertools

import networkx as nx
import numpy as np
from scipy.sparse.csgraph import dijkstra

from corridor.network import synthetic_network
from corridor.routing import shortest_routes
from timing import best_of


def _networkx_graph(net):  # the same directed arcs and weights as corridor's compiled network
    cn = net.compiled
    c = 0
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(cn.n_nodes))
    for arc in range(cn.n_arcs):
        if cn.allowed[c, arc]:
            link = int(cn.arc_link[arc])
            g.add_edge(
                int(cn.tail[arc]),
                int(cn.head[arc]),
                key=arc,
                cost=float(cn.cost_usd[c, arc]),
                time=float(cn.transit_h[arc] + cn.dwell_h[arc]),
                km=float(cn.length_km[arc]),
                countries=cn.link_countries[link],
            )
    # collapse parallel arcs to the cheapest, as a router would
    simple = nx.DiGraph()
    for u, v, data in g.edges(data=True):
        if not simple.has_edge(u, v) or simple[u][v]["cost"] > data["cost"]:
            simple.add_edge(u, v, **data)
    return simple


def _networkx_routes(g, pairs):
    out = []
    for s, t in pairs:
        length, path = nx.single_source_dijkstra(g, s, target=t, weight="cost")
        edges = [g[u][v] for u, v in itertools.pairwise(path)]
        countries = []
        for e in edges:
            for c in e["countries"]:
                if not countries or countries[-1] != c:
                    countries.append(c)
        out.append((length, path, sum(e["time"] for e in edges), sum(e["km"] for e in edges), countries))
    return out


def _against_networkx(net, idx: np.ndarray, repeats: int) -> tuple[float, float, list]:
    """(corridor's time, networkx's time, corridor's routes) for these queries; every cost must agree."""
    cn = net.compiled
    pairs = [(cn.node_ids[a], cn.node_ids[b]) for a, b in idx]
    t_ours, routes = best_of(repeats, lambda: shortest_routes(net, pairs, commodity="c0"))
    g = _networkx_graph(net)
    t_nx, nx_routes = best_of(1, lambda: _networkx_routes(g, [tuple(p) for p in idx.tolist()]))
    worst = max(abs(r.cost_usd - n[0]) for r, n in zip(routes, nx_routes, strict=True))
    assert worst < 1e-6 * max(1.0, *(n[0] for n in nx_routes)), f"costs disagree with networkx by {worst}"
    return t_ours, t_nx, routes


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--large-nodes", type=int, default=100_000, help="the national-scale size (0 skips it)")
    parser.add_argument("--large-queries", type=int, default=200)
    args = parser.parse_args(argv)

    net = synthetic_network(args.nodes, seed=1)
    cn = net.compiled
    rng = np.random.default_rng(0)
    idx = rng.integers(0, cn.n_nodes, size=(args.queries, 2))
    t_ours, t_nx, _ = _against_networkx(net, idx, args.repeats)

    # bare kernel: the same query graph, one dijkstra call per batch of distinct origins
    from corridor.routing.routes import _prepare, _query_graph  # private on purpose: the kernel's input

    req = _prepare(net, "c0", "cost", [], [])
    graph, _ = _query_graph(req.cn, req.weight, req.mask, req.con, [])
    matrix = graph.csgraph()
    origins = np.unique(idx[:, 0])

    def bare():
        for start in range(0, len(origins), 256):
            dijkstra(matrix, indices=origins[start : start + 256], return_predecessors=True)

    t_bare, _ = best_of(args.repeats, bare)

    # the same kernel corridor runs for many pairs: one Dijkstra per origin, stopped at a landmark bound
    from corridor.routing.paths import LANDMARKS, _landmark_bounds  # private on purpose: the kernel itself

    graph_pairs = [(int(a), int(b)) for a, b in idx]

    def bounded():
        bound = _landmark_bounds(matrix, graph_pairs, LANDMARKS)
        limits: dict[int, float] = {}
        for (s, _), b in zip(graph_pairs, bound, strict=True):
            limits[s] = max(limits.get(s, 0.0), b)
        for s, b in limits.items():
            dijkstra(matrix, indices=s, return_predecessors=True, limit=b * (1 + 1e-9) + 1e-9)

    t_kernel, _ = best_of(args.repeats, bounded)

    print(f"routing: {args.nodes} nodes, {cn.n_arcs} arcs, {args.queries} queries with full route details")
    print(f"  corridor.shortest_routes   {t_ours:8.3f} s")
    print(f"  bare scipy dijkstra        {t_bare:8.3f} s   (full single-source runs, batched)")
    print(f"  bare bounded dijkstra      {t_kernel:8.3f} s   (the kernel corridor uses, without route details)")
    print(f"  networkx single_source     {t_nx:8.3f} s")
    print(f"  ratio networkx / corridor        {t_nx / t_ours:6.1f}x   (target >= 15)")
    print(f"  ratio corridor / bare dijkstra   {t_ours / t_bare:6.2f}x   (target <= 1.5)")
    print(f"  ratio corridor / bounded kernel  {t_ours / t_kernel:6.2f}x   (our overhead above the kernel)")
    figures = {"over_networkx": t_nx / t_ours, "over_csgraph": t_ours / t_bare, "over_kernel": t_ours / t_kernel}
    if args.large_nodes:
        large = synthetic_network(args.large_nodes, seed=1)
        big = np.random.default_rng(0).integers(0, large.compiled.n_nodes, size=(args.large_queries, 2))
        t_ours, t_nx, _ = _against_networkx(large, big, args.repeats)
        print(
            f"routing at {args.large_nodes:,} nodes ({large.compiled.n_arcs:,} arcs), {args.large_queries} queries: "
            f"corridor {t_ours:.2f} s, networkx {t_nx:.2f} s, ratio {t_nx / t_ours:.1f}x   (target >= 15)"
        )
        figures |= {"large_nodes": args.large_nodes, "large_over_networkx": t_nx / t_ours}
    return figures


if __name__ == "__main__":
    main()
