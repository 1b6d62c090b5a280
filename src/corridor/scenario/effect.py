"""What a scenario does to the compiled network over a horizon, as arrays the assignment reads."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from corridor.network import Network, group_members, place_nodes
from corridor.scenario import model as ev

__all__ = ["ScenarioEffect", "scenario_effect"]


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


def _targets(network: Network, target: str) -> tuple[list[str], list[str]]:
    """(nodes, links) a target names."""
    if target in set(network.groups["id"]):
        return group_members(network, target)
    if target in set(network.links["id"]):
        return [], [target]
    return [target], []


def _arcs_touching(network: Network, nodes: Iterable[str], links: Iterable[str]) -> np.ndarray:
    cn = network.compiled
    node_idx = [cn.node_index[n] for n in nodes]
    link_idx = [cn.link_index[x] for x in links]
    return np.asarray(
        np.isin(cn.arc_link, link_idx) | np.isin(cn.tail, node_idx) | np.isin(cn.head, node_idx), dtype=bool
    )


def _pairs_matching(network: Network, demand_table: Any, event: ev.BarTransit) -> np.ndarray:
    """Demand pairs a bar limited to some commodities, destinations or origins applies to."""
    country = dict(zip(network.nodes["id"], network.nodes["country"], strict=True))
    group_ids = set(network.groups["id"])

    @functools.cache
    def countries_of(place: str) -> frozenset[str]:
        kind = "group" if place in group_ids else "node"
        return frozenset(country[n] for n in place_nodes(network, kind, place))

    hit = np.ones(len(demand_table), dtype=bool)
    for p, (o, d, c) in enumerate(
        zip(demand_table["origin"], demand_table["destination"], demand_table["commodity"], strict=True)
    ):
        if event.commodities and c not in event.commodities:
            hit[p] = False
        if event.destinations and not countries_of(str(d)) & set(event.destinations):
            hit[p] = False
        if event.origins and not countries_of(str(o)) & set(event.origins):
            hit[p] = False
    return hit


def scenario_effect(
    network: Network, scenario: ev.Scenario, demand_table: Any, *, horizon: ev.Horizon | None = None
) -> ScenarioEffect:
    """Turn a scenario's events into arrays over the compiled network (see ScenarioEffect)."""
    cn = network.compiled
    horizon = horizon or scenario.horizon or ev.Horizon(start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31))
    cap = np.ones(cn.n_arcs)
    node_cap = np.ones(cn.n_nodes)
    usable = cn.allowed.copy()
    cost = cn.cost_usd.copy()
    time_h = cn.time_h.copy()
    demand_factor = np.ones(len(demand_table))
    pair_barred: list[np.ndarray | None] = [None] * len(demand_table)
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
        elif isinstance(event, ev.BarTransit):
            arcs = cn.country_arcs(event.countries)
            rows = (
                [commodity_index[c] for c in event.commodities]
                if event.commodities
                else list(range(len(cn.commodities)))
            )
            if event.destinations or event.origins:
                if share >= 0.5:
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
            else:
                arcs = cn.country_arcs(event.countries or [], with_nodes=False)
            if isinstance(event, ev.RiskPremium) and event.modes:
                arcs &= np.isin(cn.arc_mode, [cn.modes.index(m) for m in event.modes if m in cn.modes])
            rows = [commodity_index[c] for c in (getattr(event, "commodities", None) or cn.commodities)]
            if isinstance(event, ev.MultiplyTime):
                before = time_h[arcs]
                time_h[arcs] = before * (1 - share + share * event.factor)
                delay_days = (time_h[arcs] - before) / 24.0
            for r in rows:
                if isinstance(event, ev.MultiplyTime):
                    cost[r, arcs] += delay_days * value_of_time[r]
                elif isinstance(event, ev.MultiplyTariff):
                    cost[r, arcs] *= 1 - share + share * event.factor
                elif isinstance(event, ev.RiskPremium):
                    cost[r, arcs] += share * event.share_of_value * values[r]
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
    )
