"""Capacitated assignment with the real HiGHS: hand-checked cases, networkx oracle, duals, properties."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.flow import assign, build_assignment, demand_from_frame, load_demand, read_assignment, solve_assignment
from corridor.network import synthetic_network

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALUE = 50_000.0  # value of a TEU in the tiny network: the price of leaving one behind


def demand(net, rows):
    frame = pd.DataFrame(rows, columns=["origin", "destination", "commodity", "quantity_per_year"])
    frame["source"] = "T1" if "T1" in set(net.sources["id"]) else "SYN"
    return demand_from_frame(net, frame)


def test_shared_bottleneck_by_hand(tiny):
    """o->e and a->d both need ab: 1 train pair a day x 80 TEU = 29,200 TEU a year each way.

    40,000 TEU want it. Serving a TEU of a->d saves 50,000 - 200 and one of o->e 50,000 - 600, so
    a->d goes first (20,000), o->e gets the remaining 9,200 and 10,800 TEU are left behind.
    """
    d = demand(tiny, [("o", "e", "container", 20_000), ("a", "d", "container", 20_000)])
    result = assign(tiny, d)
    assert result.method == "lp"
    unserved = result.unserved.set_index(["origin", "destination"])["unserved"]
    assert unserved[("o", "e")] == pytest.approx(10_800)
    assert unserved[("a", "d")] == pytest.approx(0, abs=1e-6)
    assert result.transport_cost_usd == pytest.approx(9_200 * 600 + 20_000 * 200)
    assert result.unserved_cost_usd == pytest.approx(10_800 * VALUE)
    top = result.bottlenecks.iloc[0]
    assert (top["element"], top["direction"], top["dimension"]) == ("ab", "a->b", "train")
    # one more train a year carries 80 more TEU of o->e, each saving 50,000 - 600
    assert top["shadow_price_usd"] == pytest.approx(80 * (VALUE - 600))
    assert top["utilisation"] == pytest.approx(1.0)


def test_bottlenecks_in_one_unit_rent(tiny):
    """ab binds at 365 trains a year (one a day each way): its rent is the dual times that, in USD a
    year, and its dual per TEU is what one more TEU of room saves (80 TEU a train). Rows worth
    nothing are not listed: ab's other direction is idle, d has room."""
    d = demand(tiny, [("o", "e", "container", 20_000), ("a", "d", "container", 20_000)])
    result = assign(tiny, d)
    top = result.bottlenecks.iloc[0]
    assert top["capacity"] == pytest.approx(365)
    assert top["rent_usd"] == pytest.approx(80 * (VALUE - 600) * 365)
    assert top["usd_per_teu"] == pytest.approx(VALUE - 600)
    assert (result.bottlenecks["rent_usd"] > 0).all()
    assert result.bottlenecks["rent_usd"].is_monotonic_decreasing


def test_dual_matches_a_finite_difference(tiny):
    d = demand(tiny, [("o", "e", "container", 20_000), ("a", "d", "container", 20_000)])
    base = assign(tiny, d)
    links = tiny.links.copy()
    links.loc[links["id"] == "ab", "capacity"] += 1 / 365  # one more train a year
    more = assign(tiny.replace(links=links), d)
    assert base.total_cost_usd - more.total_cost_usd == pytest.approx(base.bottlenecks.iloc[0]["shadow_price_usd"])


def test_no_capacity_binds_skips_the_lp(tiny):
    d = demand(tiny, [("o", "e", "container", 1_000), ("a", "m", "crude_oil", 1_000_000)])
    quick = assign(tiny, d)
    assert quick.method.startswith("shortest routes")
    full = assign(tiny, d, force_lp=True)
    assert full.method == "lp"
    assert quick.total_cost_usd == pytest.approx(full.total_cost_usd)
    assert quick.total_cost_usd == pytest.approx(1_000 * 600 + 1_000_000 * 15)
    assert quick.bottlenecks.empty


def test_node_capacity_binds(tiny):
    """Node d takes 1 Mt a year = 100,000 TEU of 10 t; the rest goes round through Russia."""
    d = demand(tiny, [("b", "e", "container", 150_000)])
    result = assign(tiny, d)
    through_d = result.flows[(result.flows["to"] == "d")]["flow_per_year"].sum()
    assert through_d == pytest.approx(100_000)
    assert result.unserved["unserved"].sum() == pytest.approx(0, abs=1e-6)
    assert result.transport_cost_usd == pytest.approx(100_000 * (100 + 350) + 50_000 * (200 + 300))
    top = result.bottlenecks.iloc[0]
    assert (top["element"], top["kind"]) == ("d", "node")
    # a tonne more of d's throughput moves 0.1 TEU off the Russian route (500) onto the ferry (450)
    assert top["shadow_price_usd"] == pytest.approx(0.1 * 50)


def test_group_destination_and_three_bottlenecks(tiny):
    """12 Mt of crude from a to either market (m or e).

    The pipeline takes 10 Mt (15 USD/t to m). The rest must leave a by rail on ab: one train a day
    each way of 3,000 t is 1.095 Mt a year. Of that, node d passes 1 Mt (29 USD/t by ferry to m);
    95,000 t go on by rail through Russia to e (30 USD/t); 905,000 t are left (value 500 USD/t).
    """
    d = demand(tiny, [("a", "markets", "crude_oil", 12_000_000)])
    result = assign(tiny, d)
    assert result.transport_cost_usd == pytest.approx(10e6 * 15 + 1e6 * 29 + 95_000 * 30)
    assert result.unserved["unserved"].sum() == pytest.approx(905_000)
    prices = result.bottlenecks.set_index("element")["shadow_price_usd"]
    assert prices["ab"] == pytest.approx(3_000 * (500 - 30))  # a train more: 3,000 t more reach e
    assert prices["ap"] == pytest.approx(500 - 15)  # a tonne more of pipeline: one tonne less left behind
    assert prices["d"] == pytest.approx(30 - 29)  # a tonne more through d: one tonne off the Russian rail


def test_stages_run_alone(tiny):
    d = demand(tiny, [("o", "e", "container", 20_000), ("a", "d", "container", 20_000)])
    model = build_assignment(tiny, d)
    rows, cols = model.shape
    assert rows == model.matrix.shape[0] and cols == len(model.cost)
    solution = solve_assignment(model)
    assert solution.status == "optimal"
    result = read_assignment(model, solution)
    assert result.total_cost_usd == pytest.approx(solution.objective)


def test_builtin_baseline(eurasia):
    result = assign(eurasia, load_demand(eurasia))
    assert result.status == "optimal"
    unserved = result.unserved_by_commodity()
    assert set(unserved) == {"container", "crude_oil", "grain", "coal", "metals"}
    assert all(v == pytest.approx(0, abs=1e-3) for v in unserved.values()), unserved
    crude = result.flows[result.flows["commodity"] == "crude_oil"]
    assert crude[crude["link"] == "cpc_tengiz_atyrau"]["flow_per_year"].sum() == pytest.approx(26.5e6)


def _networkx_min_cost(net, origin, destination, quantity, penalty_cents):
    """The same single-commodity problem for networkx's network simplex, in whole cents and tonnes.

    A direct edge from origin to destination prices what is left behind. Network simplex needs
    integers to terminate, so costs are in cents and capacities in whole tonnes.
    """
    cn = net.compiled
    g = nx.MultiDiGraph()
    for arc in range(cn.n_arcs):
        if cn.allowed[0, arc]:
            cap = cn.capacity[0, arc]
            attrs = {"weight": round(cn.cost_usd[0, arc] * 100)}
            if np.isfinite(cap):
                attrs["capacity"] = int(cap)
            g.add_edge(cn.node_ids[cn.tail[arc]], cn.node_ids[cn.head[arc]], **attrs)
    g.add_edge(origin, destination, weight=penalty_cents)  # unserved
    g.nodes[origin]["demand"] = -quantity
    g.nodes[destination]["demand"] = quantity
    cost, _ = nx.network_simplex(g)
    return cost


@SETTINGS
@given(
    n=st.integers(5, 25),
    seed=st.integers(0, 5_000),
    share=st.sampled_from([0.0, 0.3]),
    quantity=st.integers(1_000_000, 60_000_000),
    data=st.data(),
)
def test_single_commodity_matches_networkx(n, seed, share, quantity, data):
    net = synthetic_network(n, neighbours=2, n_commodities=1, parallel_share=share, seed=seed)
    ids = list(net.nodes["id"])
    o = data.draw(st.sampled_from(ids))
    d = data.draw(st.sampled_from([i for i in ids if i != o]))
    dem = demand(net, [(o, d, "c0", quantity)])
    model = build_assignment(net, dem)
    # the same data in whole cents and whole tonnes for both solvers
    cents = np.round(model.cost * 100)
    caps = model.row_upper.copy()
    caps[model.cap_rows] = np.floor(caps[model.cap_rows])
    model = replace(model, cost=cents / 100, row_upper=caps)
    result = read_assignment(model, solve_assignment(model))
    penalty_cents = int(cents[model.unserved_col[0]])
    expected = _networkx_min_cost(net, o, d, quantity, penalty_cents)
    assert round(result.total_cost_usd * 100) == pytest.approx(expected, rel=1e-9)


@SETTINGS
@given(n=st.integers(5, 20), seed=st.integers(0, 5_000), data=st.data())
def test_flows_are_conserved_within_capacity(n, seed, data):
    net = synthetic_network(n, neighbours=2, n_commodities=2, parallel_share=0.2, seed=seed)
    ids = list(net.nodes["id"])
    rows = []
    for c in ("c0", "c1"):
        for _ in range(2):
            o = data.draw(st.sampled_from(ids))
            d = data.draw(st.sampled_from([i for i in ids if i != o]))
            if (o, d, c) not in {(r[0], r[1], r[2]) for r in rows}:
                rows.append((o, d, c, data.draw(st.floats(1e6, 3e7))))
    result = assign(net, demand(net, rows), force_lp=True)
    assert (result.unserved["unserved"] >= -1e-9).all()
    assert (result.flows["utilisation"].dropna() <= 1 + 1e-7).all()
    assert (result.bottlenecks["shadow_price_usd"] >= -1e-6).all()
    for c, part in result.flows.groupby("commodity"):
        balance = (
            part.groupby("to")["flow_per_year"].sum().sub(part.groupby("from")["flow_per_year"].sum(), fill_value=0)
        )
        served = result.unserved[result.unserved["commodity"] == c]
        expected = (
            served.groupby("destination")["served"].sum().sub(served.groupby("origin")["served"].sum(), fill_value=0)
        )
        both = balance.sub(expected, fill_value=0)
        assert both.abs().max() <= 1e-6 * max(1.0, served["demand"].sum())


@SETTINGS
@given(n=st.integers(5, 20), seed=st.integers(0, 5_000), data=st.data())
def test_closing_an_arc_never_lowers_the_cost(n, seed, data):
    net = synthetic_network(n, neighbours=2, n_commodities=1, seed=seed)
    ids = list(net.nodes["id"])
    o = data.draw(st.sampled_from(ids))
    d = data.draw(st.sampled_from([i for i in ids if i != o]))
    dem = demand(net, [(o, d, "c0", data.draw(st.floats(1e6, 4e7)))])
    base = solve_assignment(build_assignment(net, dem)).objective
    usable = np.ones(net.compiled.n_arcs, dtype=bool)
    usable[data.draw(st.integers(0, net.compiled.n_arcs - 1))] = False
    closed = solve_assignment(build_assignment(net, dem, usable=usable)).objective
    assert closed >= base - 1e-6 * abs(base)


@SETTINGS
@given(n=st.integers(8, 40), seed=st.integers(0, 5_000), data=st.data())
def test_priced_lp_has_the_same_optimum(n, seed, data):
    """Column generation (start near shortest paths, price the rest in) ends at the full LP's optimum."""
    from corridor.flow import solve_priced

    net = synthetic_network(n, neighbours=2, n_commodities=3, parallel_share=0.2, seed=seed)
    ids = list(net.nodes["id"])
    rows = []
    for c in ("c0", "c1", "c2"):
        o = data.draw(st.sampled_from(ids))
        d = data.draw(st.sampled_from([i for i in ids if i != o]))
        rows.append((o, d, c, data.draw(st.floats(1e6, 4e7))))
    # a second destination from the first origin: two pairs share a group and its potentials
    o = rows[0][0]
    d = data.draw(st.sampled_from([i for i in ids if i not in (o, rows[0][1])]))
    rows.append((o, d, "c0", data.draw(st.floats(1e6, 4e7))))
    model = build_assignment(net, demand(net, rows))
    full = solve_assignment(model)
    priced = solve_priced(model, corridor=data.draw(st.sampled_from([0.0, 0.05, 0.5])))
    assert priced.objective == pytest.approx(full.objective, rel=1e-9)
    # reading back a priced solution gives the same tables' totals
    assert read_assignment(model, priced).total_cost_usd == pytest.approx(full.objective, rel=1e-9)
    # the answer is a certificate for the whole LP: x is feasible, the duals (including the
    # potentials of nodes the master never held) are feasible, and the two objectives meet
    scale = float(np.abs(model.cost).max())
    activity = model.matrix @ priced.x
    assert np.all(priced.x >= -1e-6)
    assert np.all(activity <= model.row_upper + 1e-6 * np.maximum(1, np.abs(model.row_upper)))
    assert np.all(activity >= model.row_lower - 1e-6 * np.maximum(1, np.abs(model.row_lower)))
    reduced = model.cost - model.matrix.T @ priced.row_dual
    assert reduced.min() >= -1e-7 * scale
    y = priced.row_dual
    bound = np.where(y > 0, model.row_lower, model.row_upper)
    dual_objective = float(np.where(y != 0, y * bound, 0.0).sum())
    assert dual_objective == pytest.approx(priced.objective, rel=1e-7)


def test_priced_lp_refuses_capped_flow_columns():
    """Pricing sees a column as open or shut; a capped one could hide a cheaper route, so it is refused."""
    from corridor.flow import PricedLP

    net = synthetic_network(20, neighbours=2, n_commodities=1, seed=3)
    ids = list(net.nodes["id"])
    model = build_assignment(net, demand(net, [(ids[0], ids[-1], "c0", 1e6)]))
    model.upper[0] = 5.0
    with pytest.raises(ValueError, match=r"open .* or shut"):
        PricedLP(model)
