"""Oracles and properties: routes against networkx and brute force on random networks."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import NoRouteError, k_shortest_routes, pareto_routes, shortest_route, shortest_routes
from corridor.network import Network, synthetic_network
from corridor.routing.paths import BOUNDED_FROM

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def to_networkx(net: Network, commodity: str = "c0", weight: str = "cost") -> nx.DiGraph:
    """The compiled arcs as a networkx graph, parallel arcs collapsed to the lightest."""
    cn = net.compiled
    c = cn.commodity_index(commodity)
    g = nx.DiGraph()
    g.add_nodes_from(cn.node_ids)
    for arc in range(cn.n_arcs):
        if not cn.allowed[c, arc]:
            continue
        w = float(cn.cost_usd[c, arc]) if weight == "cost" else float(cn.time_h[arc])
        u, v = cn.node_ids[cn.tail[arc]], cn.node_ids[cn.head[arc]]
        if not g.has_edge(u, v) or g[u][v]["w"] > w:
            g.add_edge(u, v, w=w, t=float(cn.time_h[arc]), c=float(cn.cost_usd[c, arc]))
    return g


def to_multigraph(net: Network, commodity: str = "c0") -> nx.MultiDiGraph:
    """Every arc the commodity may use, parallel arcs kept, with cost and time."""
    cn = net.compiled
    c = cn.commodity_index(commodity)
    g = nx.MultiDiGraph()
    g.add_nodes_from(cn.node_ids)
    for arc in range(cn.n_arcs):
        if cn.allowed[c, arc]:
            u, v = cn.node_ids[cn.tail[arc]], cn.node_ids[cn.head[arc]]
            g.add_edge(u, v, key=arc, c=float(cn.cost_usd[c, arc]), t=float(cn.time_h[arc]))
    return g


def edge_path_points(g: nx.MultiDiGraph, o: str, d: str, through: str | None = None) -> list[tuple[float, float]]:
    """(cost, time) of every loopless path, parallel arcs told apart."""
    points = []
    for path in nx.all_simple_edge_paths(g, o, d):
        if through is not None and through not in {u for u, _, _ in path} | {d}:
            continue
        points.append((sum(g.edges[e]["c"] for e in path), sum(g.edges[e]["t"] for e in path)))
    return points


def front_of(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    rounded = {(round(a, 6), round(b, 6)) for a, b in points}
    return sorted(p for p in rounded if not any(q != p and q[0] <= p[0] and q[1] <= p[1] for q in rounded))


def networks(min_nodes: int = 5, max_nodes: int = 40) -> st.SearchStrategy[Network]:
    """Road-like synthetic networks, some with parallel links and one-way pipelines."""
    return st.builds(
        lambda n, k, par, one, seed: synthetic_network(
            n, neighbours=k, parallel_share=par, one_way_share=one, seed=seed
        ),
        st.integers(min_nodes, max_nodes),
        st.integers(1, 3),
        st.sampled_from([0.0, 0.3]),
        st.sampled_from([0.0, 0.2]),
        st.integers(0, 10_000),
    )


@SETTINGS
@given(net=networks(), data=st.data())
def test_shortest_route_matches_networkx(net, data):
    ids = list(net.nodes["id"])
    o, d = data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))
    g = to_networkx(net)
    for by, attr in (("cost", "cost"), ("time", "time")):
        graph = to_networkx(net, weight=attr)
        try:
            expected = nx.dijkstra_path_length(graph, o, d, weight="w")
        except nx.NetworkXNoPath:
            with pytest.raises(NoRouteError):
                shortest_route(net, o, d, commodity="c0", by=by)
            return
        got = shortest_route(net, o, d, commodity="c0", by=by)
        value = got.cost_usd if by == "cost" else got.time_h
        assert value == pytest.approx(expected, rel=1e-9, abs=1e-9)
        # the path is a real path in the graph and its reported figures add up
        assert all(g.has_edge(u, v) for u, v in itertools.pairwise(got.nodes))
        assert got.cost_usd == pytest.approx(sum(got.leg_cost_usd))


@SETTINGS
@given(net=networks(5, 8), data=st.data())
def test_k_shortest_are_loopless_sorted_and_match_brute_force(net, data):
    ids = list(net.nodes["id"])
    o = data.draw(st.sampled_from(ids))
    d = data.draw(st.sampled_from([i for i in ids if i != o]))
    k = data.draw(st.integers(1, 8))
    expected = sorted(c for c, _ in edge_path_points(to_multigraph(net), o, d))[:k]
    try:
        routes = k_shortest_routes(net, o, d, k=k, commodity="c0")
    except NoRouteError:
        assert expected == []
        return
    costs = [r.cost_usd for r in routes]
    assert costs == sorted(costs)
    for r in routes:
        assert len(set(r.nodes)) == len(r.nodes), "a k-shortest route revisits a node"
    assert len({r.links for r in routes}) == len(routes)
    assert costs == pytest.approx(expected, rel=1e-9)


@SETTINGS
@given(net=networks(4, 8), data=st.data())
def test_pareto_front_matches_brute_force(net, data):
    ids = list(net.nodes["id"])
    o = data.draw(st.sampled_from(ids))
    d = data.draw(st.sampled_from([i for i in ids if i != o]))
    expected = front_of(edge_path_points(to_multigraph(net), o, d))
    try:
        front = pareto_routes(net, o, d, commodity="c0")
    except NoRouteError:
        assert expected == []
        return
    assert sorted((round(r.cost_usd, 6), round(r.time_h, 6)) for r in front) == expected
    costs = [r.cost_usd for r in front]
    times = [r.time_h for r in front]
    assert costs == sorted(costs)
    assert all(a > b for a, b in itertools.pairwise(times))


@SETTINGS
@given(net=networks(), data=st.data())
def test_avoided_country_is_never_crossed(net, data):
    ids = list(net.nodes["id"])
    o, d = data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))
    country = data.draw(st.sampled_from(sorted(set(net.nodes["country"]))))
    try:
        r = shortest_route(net, o, d, commodity="c0", avoid=[country])
    except NoRouteError:
        return  # the message naming the cut is tested on the tiny network
    assert country not in r.countries
    links = net.links.set_index("id")
    assert all(country not in links.loc[link, "countries"] for link in r.links)


@SETTINGS
@given(net=networks(), data=st.data())
def test_closing_a_link_never_makes_the_best_route_cheaper(net, data):
    ids = list(net.nodes["id"])
    o, d = data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))
    closed = data.draw(st.sampled_from(list(net.links["id"])))
    try:
        base = shortest_route(net, o, d, commodity="c0")
    except NoRouteError:
        return
    try:
        after = shortest_route(net, o, d, commodity="c0", avoid=[closed])
    except NoRouteError:
        return
    assert after.cost_usd >= base.cost_usd - 1e-9
    assert closed not in after.links


def test_bounded_batch_matches_networkx():
    net = synthetic_network(600, seed=7)
    rng = np.random.default_rng(3)
    ids = net.compiled.node_ids
    pairs = [(ids[a], ids[b]) for a, b in rng.integers(0, len(ids), size=(BOUNDED_FROM + 72, 2))]
    routes = shortest_routes(net, pairs, commodity="c0")
    g = to_networkx(net)
    for (o, d), r in zip(pairs, routes, strict=True):
        assert r is not None
        assert r.cost_usd == pytest.approx(nx.dijkstra_path_length(g, o, d, weight="w"), rel=1e-9, abs=1e-9)


@SETTINGS
@given(net=networks(4, 8), data=st.data())
def test_pareto_front_through_a_via_node_matches_brute_force(net, data):
    ids = list(net.nodes["id"])
    o, v, d = (data.draw(st.sampled_from(ids)) for _ in range(3))
    if len({o, v, d}) < 3:
        return
    expected = front_of(edge_path_points(to_multigraph(net), o, d, through=v))
    try:
        front = pareto_routes(net, o, d, commodity="c0", via=[v])
    except NoRouteError:
        assert expected == []
        return
    assert sorted((round(r.cost_usd, 6), round(r.time_h, 6)) for r in front) == expected
    assert all(len(set(r.nodes)) == len(r.nodes) and v in r.nodes for r in front)


@SETTINGS
@given(net=networks(4, 8), data=st.data())
def test_k_shortest_through_a_via_node_are_the_cheapest_simple_paths(net, data):
    ids = list(net.nodes["id"])
    o, v, d = (data.draw(st.sampled_from(ids)) for _ in range(3))
    if len({o, v, d}) < 3:
        return
    costs = sorted(c for c, _ in edge_path_points(to_multigraph(net), o, d, through=v))[:3]
    try:
        routes = k_shortest_routes(net, o, d, k=3, commodity="c0", via=[v])
    except NoRouteError:
        assert costs == []
        return
    assert [r.cost_usd for r in routes] == pytest.approx(costs, rel=1e-9)
    batch = shortest_routes(net, [(o, d)], commodity="c0", via=[v])[0]
    assert batch is not None and batch.cost_usd == pytest.approx(costs[0], rel=1e-9)
    assert len(set(batch.nodes)) == len(batch.nodes)
