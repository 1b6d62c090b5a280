"""Routing on the tiny network: the answers worked out on paper in tests/data/tiny/README.md."""

from __future__ import annotations

import math

import pytest

from corridor import (
    NoRouteError,
    RequestError,
    UnknownNodeError,
    k_shortest_routes,
    pareto_routes,
    shortest_route,
    shortest_routes,
)
from corridor.routing import MAX_K


def test_cheapest_route(tiny):
    r = shortest_route(tiny, "o", "e")
    assert r.links == ("oa", "ab", "bd_ferry", "de")
    assert r.nodes == ("o", "a", "b", "d", "e")
    assert r.cost_usd == pytest.approx(600)
    assert r.time_h == pytest.approx(74)
    assert r.time_days == pytest.approx(74 / 24)
    assert r.distance_km == pytest.approx(510)
    assert r.countries == ("CN", "KZ", "AZ", "DE")
    assert r.modes == ("border", "rail", "caspian_ferry")
    assert r.transfers == 3
    assert r.unit == "teu"
    assert r.sources == ("T1",)


def test_fastest_route(tiny):
    r = shortest_route(tiny, "o", "e", by="time")
    assert r.links == ("oa", "ab", "bc", "ce")
    assert r.time_h == pytest.approx(30)
    assert r.cost_usd == pytest.approx(650)
    assert r.transfers == 1


def test_generalized_cost(tiny):
    # value of time 48 USD/TEU/day = 2 USD/h: ferry 600 + 148 = 748, feeder 630 + 92 = 722, RU 650 + 60 = 710
    r = shortest_route(tiny, "o", "e", by="generalized")
    assert r.links == ("oa", "ab", "bc", "ce")
    assert r.generalized_cost_usd == pytest.approx(710)


def test_k_shortest_in_order(tiny):
    routes = k_shortest_routes(tiny, "o", "e", k=5)
    assert [r.cost_usd for r in routes] == pytest.approx([600, 630, 650])
    assert routes[1].links == ("oa", "ab", "bd_feeder", "de")


def test_pareto_front(tiny):
    front = pareto_routes(tiny, "o", "e")
    assert [(r.cost_usd, r.time_h) for r in front] == [(600, 74), (630, 46), (650, 30)]


def test_avoid_country(tiny):
    r = shortest_route(tiny, "o", "e", avoid=["RU"], by="time")
    assert "RU" not in r.countries
    assert r.links == ("oa", "ab", "bd_feeder", "de")


def test_avoid_mode_link_node_and_group(tiny):
    assert shortest_route(tiny, "o", "e", avoid=["caspian_ferry"]).links[2] == "bd_feeder"
    assert shortest_route(tiny, "o", "e", avoid=["bd_ferry"]).links[2] == "bd_feeder"
    assert shortest_route(tiny, "o", "e", avoid=["Delta port"]).links == ("oa", "ab", "bc", "ce")
    assert shortest_route(tiny, "o", "e", avoid=["caspian"]).links == ("oa", "ab", "bc", "ce")


def test_no_route_names_the_constraints_that_cut_it(tiny):
    with pytest.raises(NoRouteError) as info:
        shortest_route(tiny, "o", "e", avoid=["RU", "AZ"])
    assert info.value.cut_by == ("avoid RU", "avoid AZ")
    assert "cut by avoid RU, avoid AZ" in str(info.value)


def test_no_route_names_one_constraint(tiny):
    with pytest.raises(NoRouteError) as info:
        shortest_route(tiny, "o", "e", avoid=["KZ"])
    assert info.value.cut_by == ("avoid KZ",)


def test_no_route_without_constraints_says_so(tiny):
    with pytest.raises(NoRouteError) as info:
        shortest_route(tiny, "o", "p")  # p is only reached by pipeline, which containers may not use
    assert info.value.cut_by == ("commodity container",)
    assert "even without constraints" in str(info.value)


def test_pipeline_runs_one_way(tiny):
    forward = shortest_route(tiny, "a", "m", commodity="crude_oil")
    assert forward.links == ("ap", "pm")
    assert forward.cost_usd == pytest.approx(15)
    back = shortest_route(tiny, "p", "a", commodity="crude_oil")
    assert "ap" not in back.links
    assert back.cost_usd == pytest.approx(34)


def test_crude_avoiding_russia(tiny):
    r = shortest_route(tiny, "a", "m", commodity="crude_oil", avoid=["RU"])
    assert r.links == ("ab", "bd_ferry", "dm")
    assert r.cost_usd == pytest.approx(29)
    assert r.unit == "t"


def test_via_node_link_and_group(tiny):
    assert shortest_route(tiny, "o", "e", via=["c"]).links == ("oa", "ab", "bc", "ce")
    assert shortest_route(tiny, "o", "e", via=["bd_feeder"]).links == ("oa", "ab", "bd_feeder", "de")
    assert shortest_route(tiny, "o", "e", via=["caspian"]).links == ("oa", "ab", "bd_ferry", "de")


def test_via_in_order_that_would_loop(tiny):
    # o-a-b-c then c-b-d would pass b twice: no loopless route goes through c and then d
    with pytest.raises(NoRouteError) as info:
        shortest_route(tiny, "o", "e", via=["c", "d"])
    assert info.value.cut_by == ("via c", "via d")


def test_via_and_avoid_conflict(tiny):
    with pytest.raises(NoRouteError) as info:
        shortest_route(tiny, "o", "e", via=["c"], avoid=["RU"])
    assert set(info.value.cut_by) == {"avoid RU", "via c"}


def test_group_destination_picks_the_best_member(tiny):
    r = shortest_route(tiny, "a", "markets", commodity="crude_oil")
    assert r.destination == "markets"
    assert r.nodes[-1] == "m"


def test_capacity_and_bottleneck(tiny):
    r = shortest_route(tiny, "o", "e")
    assert r.capacity_per_year == pytest.approx(29_200)
    assert r.bottleneck == "ab"
    crude = shortest_route(tiny, "a", "m", commodity="crude_oil")
    assert crude.capacity_per_year == pytest.approx(10e6)
    assert crude.bottleneck == "ap"


def test_parallel_links_share_a_section(tiny):
    # from b to d the ferry (no published capacity) and the feeder run side by side; d allows 100,000 TEU/y
    r = shortest_route(tiny, "b", "d")
    assert r.capacity_per_year == pytest.approx(100_000)
    assert r.bottleneck == "d"


def test_legs_table(tiny):
    legs = shortest_route(tiny, "o", "e").legs()
    assert list(legs["link"]) == ["oa", "ab", "bd_ferry", "de"]
    assert legs["cost_usd"].sum() == pytest.approx(600)
    assert legs.loc[2, "dwell_h"] == 30


def test_to_dict_has_the_fields_users_need(tiny):
    d = shortest_route(tiny, "o", "e").to_dict(legs=True)
    for key in ("nodes", "cost_usd", "time_h", "distance_km", "countries", "modes", "sources", "legs"):
        assert key in d
    assert d["legs"][0]["from"] == "o"


def test_names_resolve(tiny):
    assert shortest_route(tiny, "Start", "Эхо").nodes == ("o", "a", "b", "d", "e")


def test_unknown_place_suggests(tiny):
    with pytest.raises(UnknownNodeError) as info:
        shortest_route(tiny, "Alpah", "e")
    assert str(info.value) == "unknown node 'Alpah'; did you mean 'Alpha' (a)?"


@pytest.mark.parametrize("k", [0, -1, MAX_K + 1, 10**9])
def test_k_out_of_range(tiny, k):
    with pytest.raises(RequestError, match=f"k is {k}; expected a whole number from 1 to {MAX_K}"):
        k_shortest_routes(tiny, "o", "e", k=k)


def test_unknown_commodity_and_criterion(tiny):
    with pytest.raises(RequestError, match="unknown commodity 'coal'; expected one of container, crude_oil"):
        shortest_route(tiny, "o", "e", commodity="coal")
    with pytest.raises(RequestError, match="by is 'speed'; expected one of cost, time, generalized"):
        shortest_route(tiny, "o", "e", by="speed")  # type: ignore[arg-type]


def test_batch_matches_single(tiny):
    pairs = [("o", "e"), ("a", "d"), ("e", "o"), ("o", "markets"), ("o", "p")]
    batch = shortest_routes(tiny, pairs)
    assert batch[-1] is None
    for (o, d), got in zip(pairs[:-1], batch[:-1], strict=True):
        one = shortest_route(tiny, o, d)
        assert got is not None
        assert got.links == one.links
        assert math.isclose(got.cost_usd, one.cost_usd)


def test_same_origin_and_destination(tiny):
    r = shortest_routes(tiny, [("a", "a")])[0]
    assert r is not None
    assert r.cost_usd == 0
    assert r.links == ()
    assert r.nodes == ("a",)
    assert r.countries == ("KZ",)


def test_via_group_passed_at_several_members_gives_each_route_once(tiny):
    groups = tiny.groups.copy()
    groups.loc[len(groups)] = {"id": "alpha_bravo", "name": "Alpha and Bravo", "members": ("a", "b"), "note": ""}
    net = tiny.replace(groups=groups)
    routes = k_shortest_routes(net, "o", "e", k=5, via=["alpha_bravo"])
    assert [r.cost_usd for r in routes] == pytest.approx([600, 630, 650])
    assert len({r.links for r in routes}) == 3


def test_batch_with_via_never_returns_a_loop(tiny):
    assert shortest_routes(tiny, [("o", "e")], via=["c", "d"]) == [None]
    (r,) = shortest_routes(tiny, [("o", "e")], via=["c"])
    assert r is not None and r.links == ("oa", "ab", "bc", "ce")


def test_avoid_accepts_one_string_and_numpy_k(tiny):
    import numpy as np

    assert "RU" not in shortest_route(tiny, "o", "e", avoid="RU", by="time").countries
    assert len(k_shortest_routes(tiny, "o", "e", k=np.int64(2))) == 2


def test_avoid_unknown_thing(tiny):
    with pytest.raises(UnknownNodeError, match="unknown country code, mode, link, place or group 'XX'"):
        shortest_route(tiny, "o", "e", avoid=["XX"])


def test_avoiding_the_origin_country(tiny):
    with pytest.raises(NoRouteError) as info:
        shortest_route(tiny, "a", "a", avoid=["KZ"])
    assert info.value.cut_by == ("avoid KZ",)


def test_two_via_items_whose_cheapest_walk_doubles_back(eurasia):
    """Via the BTK railway, then Kapikule: the cheapest walk returns to Istanbul for the sea, so
    hundreds of looping candidates come first; the loopless search must go on past them."""
    route = shortest_route(eurasia, "Xi'an", "Duisburg", via=["btk", "kapikule"])
    assert "kapikule" in route.nodes and "kars" in route.nodes
    assert len(route.nodes) == len(set(route.nodes))
