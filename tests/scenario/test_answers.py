"""Answers a user can trust: every closure bites, ports apart from straits, results that do not
depend on the reporting period, sanctions both ways, routes on a day of a scenario."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import analysis
from corridor.errors import NoRouteError
from corridor.flow import assign, load_demand
from corridor.routing import shortest_route
from corridor.scenario import Scenario, builtin_scenarios, load_scenario, route_state


def closing(target: str, *, start: str | None = None, days: int | None = None) -> Scenario:
    event: dict[str, object] = {"type": "close", "target": target}
    if start:
        event |= {"start": start, "days": days}
    return Scenario.model_validate({"name": f"close-{target}", "events": [event]})


@pytest.fixture(scope="module")
def base(eurasia):
    demand = load_demand(eurasia)
    result = assign(eurasia, demand, force_lp=True)
    return demand, result


def _elements(network) -> list[str]:
    links = network.links["id"].tolist()
    nodes = network.nodes["id"].tolist()
    groups = [g for g in network.groups["id"] if g not in ("crude_markets", "kazakh_oil_fields", "chinese_origins")]
    return links + nodes + groups + ["GE", "TR", "AZ"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_closing_any_element_never_helps(eurasia, base, data):
    """Closing anything (capacity figure or not) never lowers the optimal cost nor raises what is
    delivered. The cost is the LP's optimum, solved once (``objective_usd``): the assignment
    proper is a user equilibrium of segments that value time apart, not a cost minimum, and its
    reported cost (what shippers pay, each queue's wait at each segment's value of time) can fall
    when an element closes (solved once, closing Orenburg lowers it by 2 percent; at the
    equilibrium, closing Khorgos lowers it by 0.9 percent: its 240,000 time-critical TEU no
    longer wait 240 hours there, and take over room on full lines from cheaper boxes)."""
    demand, before = base
    target = data.draw(st.sampled_from(_elements(eurasia)))
    after = assign(eurasia, demand, scenario=closing(target), equilibrium=False)
    optimum = assign(eurasia, demand, force_lp=True, equilibrium=False)
    assert after.solver["objective_usd"] >= optimum.solver["objective_usd"] * (1 - 1e-9)
    assert after.unserved["served"].sum() <= before.unserved["served"].sum() * (1 + 1e-9)


@pytest.mark.parametrize("target", ["red_sea", "bx_brest_malaszewicze", "kz_mangyshlak_aktau", "bosphorus", "GE"])
def test_a_closure_on_the_best_route_moves_it(eurasia, target):
    """Uncapacitated elements too: the best route on the day of a closure never uses what is closed."""
    pairs = {
        "red_sea": ("singapore", "rotterdam_port", "container"),
        "bx_brest_malaszewicze": ("xian_port", "duisburg", "container"),
        "kz_mangyshlak_aktau": ("mangyshlak", "crude_markets", "crude_oil"),
        "bosphorus": ("cpc_marine_terminal", "crude_markets", "crude_oil"),
        "GE": ("baku_alat_rail", "istanbul", "container"),
    }
    origin, destination, commodity = pairs[target]
    before = shortest_route(eurasia, origin, destination, commodity=commodity, by="time")
    scenario = closing(target, start="2022-03-01", days=10)
    state = route_state(
        eurasia, scenario, dt.date(2022, 3, 5), commodity=commodity, origin=origin, destination=destination
    )
    try:
        after = shortest_route(eurasia, origin, destination, commodity=commodity, by="time", state=state)
    except NoRouteError as err:
        message = str(err)
        assert f"{target} (closed in close-{target})" in message
        return
    closed = set(eurasia.links["id"]) & {target} or set()
    assert before.links != after.links
    assert not closed & set(after.links)
    if target == "GE":
        assert "GE" not in after.countries
    # the day after the closure ends, the old route is back
    state = route_state(
        eurasia, scenario, dt.date(2022, 3, 20), commodity=commodity, origin=origin, destination=destination
    )
    assert (
        shortest_route(eurasia, origin, destination, commodity=commodity, by="time", state=state).links == before.links
    )


def test_red_sea_closure_goes_round_the_cape_with_the_published_delay(eurasia):
    """2024 diversions: the Cape adds at least 7 and typically 10-14 days (S55), more than 10 on average (S56)."""
    suez = shortest_route(eurasia, "singapore", "rotterdam_port")
    scenario = closing("red_sea", start="2024-01-01", days=90)
    state = route_state(
        eurasia, scenario, dt.date(2024, 2, 1), commodity="container", origin="singapore", destination="rotterdam_port"
    )
    cape = shortest_route(eurasia, "singapore", "rotterdam_port", state=state)
    assert "cape_good_hope" in cape.nodes and "suez_canal" in suez.nodes
    assert 10 <= cape.time_days - suez.time_days <= 14
    assert 6_000 <= cape.distance_km - suez.distance_km <= 7_000  # about 3,500 nm (facts: Singapore-Rotterdam)


def test_istanbul_port_is_not_the_bosphorus(eurasia):
    kw = {"commodity": "crude_oil"}
    state = route_state(
        eurasia,
        closing("istanbul_port"),
        dt.date(2022, 6, 1),
        origin="cpc_marine_terminal",
        destination="trieste_port",
        **kw,
    )
    route = shortest_route(eurasia, "cpc_marine_terminal", "trieste_port", state=state, **kw)
    assert "bosphorus" in route.nodes and "istanbul_port" not in route.nodes
    state = route_state(
        eurasia,
        closing("bosphorus"),
        dt.date(2022, 6, 1),
        origin="cpc_marine_terminal",
        destination="trieste_port",
        **kw,
    )
    with pytest.raises(NoRouteError, match="bosphorus"):
        shortest_route(eurasia, "cpc_marine_terminal", "trieste_port", state=state, **kw)


def test_handling_only_where_boxes_are_lifted(eurasia):
    """A Shanghai-Poti box pays handling at Shanghai, at Constanta (feeder to ship) and Poti, not at
    the ports its ship sails past (Piraeus, Istanbul)."""
    route = shortest_route(eurasia, "shanghai_rail", "poti_rail", avoid=["KZ", "RU"])
    legs = route.legs().set_index("link")
    handled = [link for link in route.links if link.endswith("_handling")]
    assert handled == ["shanghai_handling", "constanta_handling", "poti_handling"]
    assert legs.loc["med_dardanelles_piraeus", "cost_usd"] < 100  # line haul only (2021 rate, about 0.19 USD a TEU-km)
    assert "istanbul_port" not in route.nodes


def _period_cases() -> list[str]:
    """Every built-in scenario of a quarter or less, and sanctions-2022 for a year-long horizon with
    market events: the other year-long ones (combined, the strict ban, the investment) replay the
    same stretches and cost a minute each, which the ten-minute test run cannot spare."""
    short = [n for n in builtin_scenarios() if (h := load_scenario(n).horizon) is not None and h.days <= 92]
    return sorted({*short, "sanctions-2022"})


@pytest.mark.parametrize("name", _period_cases())
def test_the_period_is_only_how_results_are_read(eurasia, name):
    """Same stranded volume and extra cost whatever the reporting period (the time axis is cut at
    event dates, never at period ends)."""
    scenario = load_scenario(name, eurasia)
    demand = load_demand(eurasia)
    runs = {p: analysis.impact(eurasia, demand, scenario, period=p) for p in ("day", "week", "month")}
    week = runs["week"]
    for run in runs.values():
        assert run.delta_cost_usd == pytest.approx(week.delta_cost_usd, rel=0.01)
        for commodity, volume in week.disrupted.stranded().items():
            assert run.disrupted.stranded()[commodity] == pytest.approx(volume, rel=0.01, abs=1.0)
    # and the volumes per period add up to the same totals
    assert runs["day"].disrupted.volumes["moved"].sum() == pytest.approx(
        week.disrupted.volumes["moved"].sum(), rel=1e-9
    )


def test_sanctions_hold_both_ways_unless_a_direction_is_named(eurasia):
    kw = {"commodity": "container", "by": "time"}
    sanctions = load_scenario("sanctions-ban-2022", eurasia)
    on = dt.date(2022, 6, 1)
    for origin, destination in (("xian_port", "duisburg"), ("duisburg", "xian_port")):
        state = route_state(eurasia, sanctions, on, commodity="container", origin=origin, destination=destination)
        route = shortest_route(eurasia, origin, destination, state=state, **kw)
        assert not {"RU", "BY"} & set(route.countries)
    # cargo for Russia itself is not barred
    state = route_state(eurasia, sanctions, on, commodity="container", origin="xian_port", destination="moscow")
    assert "RU" in shortest_route(eurasia, "xian_port", "moscow", state=state, **kw).countries
    # a bar named westbound leaves eastbound boxes on the northern route
    event = sanctions.events[0].model_copy(update={"direction": "westbound"})
    westbound = sanctions.model_copy(update={"events": [event]})
    east = route_state(eurasia, westbound, on, commodity="container", origin="duisburg", destination="xian_port")
    west = route_state(eurasia, westbound, on, commodity="container", origin="xian_port", destination="duisburg")
    assert "RU" in shortest_route(eurasia, "duisburg", "xian_port", state=east, **kw).countries
    assert "RU" not in shortest_route(eurasia, "xian_port", "duisburg", state=west, **kw).countries


def test_a_derate_bites_without_a_capacity_figure(eurasia, base):
    """The Red Sea leg has no capacity figure: a derate to a quarter holds it to a quarter of its traffic."""
    demand, before = base
    scenario = Scenario.model_validate(
        {"name": "d", "events": [{"type": "derate", "target": "sea_sin_bab", "capacity_share": 0.25}]}
    )
    after = assign(eurasia, demand, scenario=scenario)
    flows = before.flows.groupby("link")["flow_per_year"].sum()
    flows_after = after.flows.groupby("link")["flow_per_year"].sum()
    assert flows["sea_sin_bab"] > 0
    assert flows_after.get("sea_sin_bab", 0.0) <= 0.25 * flows["sea_sin_bab"] * (1 + 1e-6)
    assert "derate" in set(after.bottlenecks["kind"])
