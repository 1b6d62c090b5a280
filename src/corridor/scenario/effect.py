"""What a scenario does to the compiled network over a horizon, as arrays the assignment reads."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from corridor.network import Network, group_members, place_nodes
from corridor.routing import Avoid, RouteState
from corridor.scenario import model as ev

__all__ = ["ScenarioEffect", "route_state", "scenario_effect", "target_arcs"]


@dataclass(frozen=True, eq=False)
class ScenarioEffect:
    """What a scenario does to the compiled network over its horizon, as arrays.

    ``capacity_factor`` [arc] and ``node_capacity_factor`` [node]: share of the horizon's
    capacity left (a 30-day closure in a 120-day horizon leaves 0.75). ``usable`` [commodity,
    arc]: arcs barred for the whole horizon are False. ``cost_usd`` [commodity, arc]: tariffs
    with multipliers, premiums and the value of time of extra delay. ``time_h`` [arc]: transit
    and dwell hours with delays. ``demand_factor`` [pair]. ``partial_bars``: bars that hold
    for part of the horizon, applied as capacity shares of the arcs they cut.
    """

    capacity_factor: np.ndarray
    node_capacity_factor: np.ndarray
    usable: np.ndarray
    cost_usd: np.ndarray
    time_h: np.ndarray
    demand_factor: np.ndarray
    pair_barred: tuple[np.ndarray | None, ...] = ()  # [pair] arcs barred to that pair alone
    derated: tuple[tuple[str, np.ndarray, float], ...] = ()  # (target, [arc] mask, share left) held all the time
    reference_t: np.ndarray | None = None  # [arc] tonnes a year each arc carries without the scenario
    tariff_usd: np.ndarray | None = None
    premiums: tuple[tuple[tuple[int, ...], frozenset[str] | None, np.ndarray, float, float], ...] = ()

    def bare_derates(self, network: Network) -> list[tuple[str, np.ndarray, float]]:
        """Derates of arcs with no capacity figure: (target, [arc] mask, share left)."""
        bare = ~np.isfinite(network.compiled.arc_capacity_native)
        return [(t, m & bare, s) for t, m, s in self.derated if (m & bare).any()]


def _targets(network: Network, target: str) -> tuple[list[str], list[str]]:
    """(nodes, links) a target names: a group's members, a link, a node, or a country's nodes and
    the links that cross its territory."""
    if target in set(network.groups["id"]):
        return group_members(network, target)
    if target in set(network.links["id"]):
        return [], [target]
    if target in set(network.nodes["id"]):
        return [target], []
    cn = network.compiled  # a country's territory: not a strait in transit passage, a cape or the open sea
    nodes = [
        str(n)
        for i, n in enumerate(cn.node_ids)
        if cn.node_in_territory[i] and cn.countries[cn.node_country[i]] == target
    ]
    crossed = cn.link_territory
    links = [lid for lid, cs in zip(network.links["id"], crossed, strict=True) if target in cs]
    return nodes, links


def target_arcs(network: Network, target: str) -> np.ndarray:
    """[arc] bool: the arcs a closure of ``target`` shuts (its links, and every arc at its nodes)."""
    nodes, links = _targets(network, target)
    return _arcs_touching(network, nodes, links)


def _arcs_touching(network: Network, nodes: Iterable[str], links: Iterable[str]) -> np.ndarray:
    cn = network.compiled
    node_idx = [cn.node_index[n] for n in nodes]
    link_idx = [cn.link_index[x] for x in links]
    return np.asarray(
        np.isin(cn.arc_link, link_idx) | np.isin(cn.tail, node_idx) | np.isin(cn.head, node_idx), dtype=bool
    )


def _pairs_matching(network: Network, demand_table: Any, event: ev.BarTransit) -> np.ndarray:
    """Demand pairs a bar limited to some commodities, countries or a direction applies to."""
    nodes = network.nodes.set_index("id")
    group_ids = set(network.groups["id"])

    @functools.cache
    def place(name: str) -> tuple[frozenset[str], float]:
        members = list(place_nodes(network, "group" if name in group_ids else "node", name))
        return frozenset(nodes.loc[members, "country"]), float(nodes.loc[members, "lon"].mean())

    def listed(countries: frozenset[str], wanted: list[str] | None) -> bool:
        return wanted is None or bool(countries & set(wanted))

    hit = np.ones(len(demand_table), dtype=bool)
    for p, (o, d, c) in enumerate(
        zip(demand_table["origin"], demand_table["destination"], demand_table["commodity"], strict=True)
    ):
        (o_countries, o_lon), (d_countries, d_lon) = place(str(o)), place(str(d))
        forward = listed(o_countries, event.origins) and listed(d_countries, event.destinations)
        back = listed(d_countries, event.origins) and listed(o_countries, event.destinations)
        ok = forward or (back and event.direction != "one_way")
        if event.direction == "westbound":
            ok = ok and d_lon < o_lon
        elif event.direction == "eastbound":
            ok = ok and d_lon > o_lon
        hit[p] = ok and (not event.commodities or c in event.commodities)
    if event.segments is not None and "segment" in demand_table:
        hit &= np.isin(demand_table["segment"].to_numpy(), event.segments)
    return hit


def scenario_effect(
    network: Network, scenario: ev.Scenario, demand_table: Any, *, horizon: ev.Horizon | None = None
) -> ScenarioEffect:
    """Turn a scenario's events into arrays over the compiled network (see ScenarioEffect)."""
    cn = network.compiled
    horizon = horizon or scenario.horizon or ev.DEFAULT_HORIZON
    cap = np.ones(cn.n_arcs)
    node_cap = np.ones(cn.n_nodes)
    usable = cn.allowed.copy()
    cost = cn.cost_usd.copy()
    tariff = cn.cost_usd.copy()
    premiums: list[tuple[tuple[int, ...], frozenset[str] | None, np.ndarray, float, float]] = []
    time_h = cn.time_h.copy()
    demand_factor = np.ones(len(demand_table))
    pair_barred: list[np.ndarray | None] = [None] * len(demand_table)
    derated: list[tuple[str, np.ndarray, float]] = []
    values = network.commodities["value_usd_per_unit"].to_numpy(float)
    value_of_time = network.commodities["value_of_time_usd_per_unit_day"].to_numpy(float)
    commodity_index = {c: i for i, c in enumerate(cn.commodities)}
    for event in scenario.events:
        share = event.share_of(horizon)
        if isinstance(event, ev.AddLink):
            arcs = cn.arc_link == cn.link_index[str(event.link["id"])]
            if share <= 0:  # not open yet (or any more): nobody may use it
                usable[:, arcs] = False
            else:
                cap[arcs] *= share  # open for that share of the horizon (a link without capacity: all of it)
            continue
        if share <= 0:
            continue
        if isinstance(event, ev.Close | ev.Derate | ev.AddCapacity):
            nodes, links = _targets(network, event.target)
            left = (
                0.0
                if isinstance(event, ev.Close)
                else (event.capacity_share if isinstance(event, ev.Derate) else event.factor)
            )
            arcs = np.isin(cn.arc_link, [cn.link_index[x] for x in links])
            cap[arcs] *= 1 - share + share * left
            for n in nodes:
                node_cap[cn.node_index[n]] *= 1 - share + share * left
                if isinstance(event, ev.Close):  # a closed node closes the links at it
                    cap[(cn.tail == cn.node_index[n]) | (cn.head == cn.node_index[n])] *= 1 - share
            if isinstance(event, ev.Close) and share >= 1:
                # closed all the time: no arc left to use, whether or not it has a capacity figure
                usable[:, _arcs_touching(network, nodes, links)] = False
            elif isinstance(event, ev.Derate) and share >= 1:
                shut = _arcs_touching(network, nodes, links)
                derated.append((event.target, shut, event.capacity_share))
        elif isinstance(event, ev.BarTransit):
            arcs = cn.country_arcs(event.countries)
            rows = (
                [commodity_index[c] for c in event.commodities]
                if event.commodities
                else list(range(len(cn.commodities)))
            )
            if event.destinations or event.origins or event.segments or event.direction in ("westbound", "eastbound"):
                if share >= 0.5:  # within a stretch between event dates a bar holds all or nothing
                    hit = _pairs_matching(network, demand_table, event)
                    for p in np.flatnonzero(hit):
                        pair_barred[p] = arcs if pair_barred[p] is None else (pair_barred[p] | arcs)
            elif share >= 1:
                for r in rows:
                    usable[r, arcs] = False
            else:  # a bar for part of the horizon takes that share of the arcs' capacity
                cap[arcs] *= 1 - share
        elif isinstance(event, ev.MultiplyTariff | ev.MultiplyTime | ev.RiskPremium):
            if event.target:
                nodes, links = _targets(network, event.target)
                arcs = _arcs_touching(network, nodes, links)
            elif isinstance(event, ev.MultiplyTariff) and event.modes and not event.countries:
                arcs = np.isin(cn.arc_mode, [cn.modes.index(m) for m in event.modes if m in cn.modes])
            else:
                arcs = cn.country_arcs(event.countries or [], with_nodes=False)
            if isinstance(event, ev.MultiplyTariff) and event.modes:
                arcs &= np.isin(cn.arc_mode, [cn.modes.index(m) for m in event.modes if m in cn.modes])
            if isinstance(event, ev.RiskPremium) and event.modes:
                arcs &= np.isin(cn.arc_mode, [cn.modes.index(m) for m in event.modes if m in cn.modes])
            rows = [commodity_index[c] for c in (getattr(event, "commodities", None) or cn.commodities)]
            if isinstance(event, ev.MultiplyTime):
                before = time_h[arcs]
                time_h[arcs] = before * (1 - share + share * event.factor)
                delay_days = (time_h[arcs] - before) / 24.0
            if isinstance(event, ev.RiskPremium):
                segments = None if event.segments is None else frozenset(event.segments)
                premiums.append(
                    (
                        tuple(rows),
                        segments,
                        arcs.copy(),
                        share * event.share_of_value,
                        share * event.expected_delay_days,
                    )
                )
            for r in rows:
                if isinstance(event, ev.MultiplyTime):
                    cost[r, arcs] += delay_days * value_of_time[r]
                elif isinstance(event, ev.MultiplyTariff):
                    cost[r, arcs] *= 1 - share + share * event.factor
                    tariff[r, arcs] *= 1 - share + share * event.factor
                elif isinstance(event, ev.RiskPremium) and event.segments is None:
                    cost[r, arcs] += share * (
                        event.share_of_value * values[r] + event.expected_delay_days * value_of_time[r]
                    )
        elif isinstance(event, ev.ChangeDemand):
            match = np.ones(len(demand_table), dtype=bool)
            for col in ("origin", "destination", "commodity"):
                wanted = getattr(event, col)
                if wanted is not None:
                    match &= demand_table[col].to_numpy() == wanted
            demand_factor[match] *= 1 - share + share * event.factor
    return ScenarioEffect(
        capacity_factor=cap,
        node_capacity_factor=node_cap,
        usable=usable,
        cost_usd=cost,
        time_h=time_h,
        demand_factor=demand_factor,
        pair_barred=tuple(pair_barred),
        derated=tuple(derated),
        tariff_usd=tariff,
        premiums=tuple(premiums),
    )


def route_state(
    network: Network, scenario: ev.Scenario, on: Any, *, commodity: str, origin: str, destination: str
) -> RouteState:
    """The network as it stands on day ``on`` of a scenario, for routing one commodity between two
    places: closures and the bars that apply to that cargo as named things to avoid, and the
    tariffs and times then in force.

    Parameters
    ----------
    network
        The network (the scenario's new links are added when open on that day).
    scenario
        The scenario (:func:`corridor.load_scenario`).
    on
        The day (a :class:`datetime.date`).
    commodity, origin, destination
        The cargo routed: bars limited to some commodities, countries or a direction apply
        only to the cargo they name.

    Returns
    -------
    RouteState
        For the ``state`` argument of :func:`corridor.shortest_route` and the other routers.

    Examples
    --------
    >>> import datetime as dt
    >>> net = load_network()
    >>> s = route_state(net, load_scenario("sanctions-ban-2022"), dt.date(2022, 6, 1),
    ...                 commodity="container", origin="duisburg", destination="xian_port")
    >>> [a.label for a in s.avoid]
    ['RU, BY (transit barred in sanctions-ban-2022)']
    """
    day = ev.Horizon(start=on, end=on)
    table = pd.DataFrame({"origin": [origin], "destination": [destination], "commodity": [commodity]})
    effect = scenario_effect(network, scenario, table, horizon=day)
    avoid: list[Avoid] = []
    for event in scenario.events:
        if event.share_of(day) <= 0:
            continue
        if isinstance(event, ev.Close):
            nodes, links = _targets(network, event.target)
            avoid.append(Avoid(f"{event.target} (closed in {scenario.name})", nodes=tuple(nodes), links=tuple(links)))
        elif isinstance(event, ev.BarTransit):
            if event.commodities and commodity not in event.commodities:
                continue
            if (event.destinations or event.origins or event.direction != "both") and not _pairs_matching(
                network, table, event
            )[0]:
                continue
            label = f"{', '.join(event.countries)} (transit barred in {scenario.name})"
            avoid.append(Avoid(label, countries=tuple(event.countries)))
    return RouteState(
        label=f"{scenario.name} on {on}", avoid=tuple(avoid), cost_usd=effect.cost_usd, time_h=effect.time_h
    )
