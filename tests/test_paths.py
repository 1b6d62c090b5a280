"""Oracles and properties: routes against networkx and brute force on random networks."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import NoRouteError, k_shortest_routes, pareto_routes, shortest_route, shortest_routes
from corridor._paths import BOUNDED_FROM
from corridor.network import Network
from corridor.synthetic import synthetic_network

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


def networks(min_nodes: int = 5, max_nodes: int = 40) -> st.SearchStrategy[Network]:
    return st.builds(
        lambda n, k, seed: synthetic_network(n, neighbours=k, seed=seed),
        st.integers(min_nodes, max_nodes),
        st.integers(1, 4),
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
        expected = nx.dijkstra_path_length(graph, o, d, weight="w")
        got = shortest_route(net, o, d, commodity="c0", by=by)
        value = got.cost_usd if by == "cost" else got.time_h
        assert value == pytest.approx(expected, rel=1e-9, abs=1e-9)
        # the path is a real path in the graph and its reported figures add up
        assert all(g.has_edge(u, v) for u, v in itertools.pairwise(got.nodes))
        assert got.cost_usd == pytest.approx(sum(got.leg_cost_usd))


@SETTINGS
@given(net=networks(5, 25), data=st.data())
def test_k_shortest_are_loopless_sorted_and_match_networkx(net, data):
    ids = list(net.nodes["id"])
    o = data.draw(st.sampled_from(ids))
    d = data.draw(st.sampled_from([i for i in ids if i != o]))
    k = data.draw(st.integers(1, 8))
    routes = k_shortest_routes(net, o, d, k=k, commodity="c0")
    costs = [r.cost_usd for r in routes]
    assert costs == sorted(costs)
    for r in routes:
        assert len(set(r.nodes)) == len(r.nodes), "a k-shortest route revisits a node"
    assert len({r.links for r in routes}) == len(routes)
    # networkx enumerates simple paths by weight: the same costs, in the same order
    g = to_networkx(net)
    expected = [
        nx.path_weight(g, p, weight="w") for p in itertools.islice(nx.shortest_simple_paths(g, o, d, weight="w"), k)
    ]
    assert costs == pytest.approx(expected, rel=1e-9)


def brute_force_front(g: nx.DiGraph, o: str, d: str) -> list[tuple[float, float]]:
    points = {
        (round(nx.path_weight(g, p, weight="c"), 9), round(nx.path_weight(g, p, weight="t"), 9))
        for p in nx.all_simple_paths(g, o, d)
    }
    return sorted(p for p in points if not any(q != p and q[0] <= p[0] and q[1] <= p[1] for q in points))


@SETTINGS
@given(net=networks(4, 12), data=st.data())
def test_pareto_front_matches_brute_force(net, data):
    ids = list(net.nodes["id"])
    o = data.draw(st.sampled_from(ids))
    d = data.draw(st.sampled_from([i for i in ids if i != o]))
    front = pareto_routes(net, o, d, commodity="c0")
    got = sorted((round(r.cost_usd, 9), round(r.time_h, 9)) for r in front)
    # parallel arcs make a few more (cost, time) pairs reachable than the collapsed graph shows
    cn = net.compiled
    if len(np.unique(cn.arc_pair)) == cn.n_arcs:
        assert got == brute_force_front(to_networkx(net), o, d)
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
    base = shortest_route(net, o, d, commodity="c0")
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
@given(net=networks(4, 10), data=st.data())
def test_pareto_front_through_a_via_node_matches_brute_force(net, data):
    ids = list(net.nodes["id"])
    o, v, d = (data.draw(st.sampled_from(ids)) for _ in range(3))
    if len({o, v, d}) < 3 or len(np.unique(net.compiled.arc_pair)) != net.compiled.n_arcs:
        return
    g = to_networkx(net)
    points = {
        (round(nx.path_weight(g, p, weight="c"), 9), round(nx.path_weight(g, p, weight="t"), 9))
        for p in nx.all_simple_paths(g, o, d)
        if v in p
    }
    expected = sorted(p for p in points if not any(q != p and q[0] <= p[0] and q[1] <= p[1] for q in points))
    try:
        front = pareto_routes(net, o, d, commodity="c0", via=[v])
    except NoRouteError:
        assert expected == []
        return
    assert sorted((round(r.cost_usd, 9), round(r.time_h, 9)) for r in front) == expected
    assert all(len(set(r.nodes)) == len(r.nodes) and v in r.nodes for r in front)


@SETTINGS
@given(net=networks(4, 12), data=st.data())
def test_k_shortest_through_a_via_node_are_the_cheapest_simple_paths(net, data):
    ids = list(net.nodes["id"])
    o, v, d = (data.draw(st.sampled_from(ids)) for _ in range(3))
    if len({o, v, d}) < 3 or len(np.unique(net.compiled.arc_pair)) != net.compiled.n_arcs:
        return
    g = to_networkx(net)
    costs = sorted(nx.path_weight(g, p, weight="c") for p in nx.all_simple_paths(g, o, d) if v in p)[:3]
    try:
        routes = k_shortest_routes(net, o, d, k=3, commodity="c0", via=[v])
    except NoRouteError:
        assert costs == []
        return
    assert [r.cost_usd for r in routes] == pytest.approx(costs, rel=1e-9)
