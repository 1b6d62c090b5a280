"""Scenarios: named sets of disruptions and policies, written as YAML, applied to a network.

A scenario never edits the network: it is data that the assignment reads (a closure is a
capacity share of zero, not a deleted link). Events: close or derate a node, link or group for
a date range or N days; bar transit through countries (optionally for some commodities);
multiply tariffs or times; add a risk premium (a share of the cargo's value) on links in some
countries; change demand; add capacity. A scenario may extend another (``extends``).

Validation reports every problem with the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corridor.constraints import group_members, place_nodes
from corridor.errors import DataError, ScenarioError
from corridor.network import Network, builtin_dataset_path

__all__ = [
    "AddLink",
    "Scenario",
    "ScenarioEffect",
    "builtin_scenarios",
    "load_scenario",
    "scenario_effect",
    "with_investments",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Timed(_Strict):
    """When an event holds: from ``start`` to ``end`` (inclusive), or ``days`` from ``start``."""

    start: dt.date | None = None
    end: dt.date | None = None
    days: float | None = Field(default=None, gt=0)
    until_further_notice: bool = False
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _dates(self) -> _Timed:
        if self.end is not None and self.start is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.end is not None and self.days is not None:
            raise ValueError("give end or days, not both")
        if self.until_further_notice and (self.end is not None or self.days is not None):
            raise ValueError("an event until further notice has no end and no days")
        return self

    def window(self, horizon: Horizon) -> tuple[dt.date, dt.date]:
        """First and last day the event holds, clipped to the horizon (end inclusive)."""
        start = self.start or horizon.start
        if self.until_further_notice:
            end = horizon.end
        elif self.days is not None:
            end = start + dt.timedelta(days=self.days - 1)
        else:
            end = self.end or horizon.end
        return max(start, horizon.start), min(end, horizon.end)

    def share_of(self, horizon: Horizon) -> float:
        """Share of the horizon's days the event holds."""
        first, last = self.window(horizon)
        return max((last - first).days + 1, 0) / horizon.days


class Close(_Timed):
    type: Literal["close"]
    target: str


class Derate(_Timed):
    type: Literal["derate"]
    target: str
    capacity_share: float = Field(ge=0, le=1, description="share of capacity left while the event holds")


class BarTransit(_Timed):
    """No transit through ``countries``, for some ``commodities`` and for cargo going to (or
    coming from) some countries only (``destinations`` / ``origins``: EU-bound boxes, say).

    A bar limited to destinations or origins holds in a period when it covers at least half of it.
    """

    type: Literal["bar_transit"]
    countries: list[str] = Field(min_length=1)
    commodities: list[str] | None = None
    destinations: list[str] | None = None
    origins: list[str] | None = None


class MultiplyTariff(_Timed):
    type: Literal["multiply_tariff"]
    factor: float = Field(gt=0)
    target: str | None = None
    countries: list[str] | None = None
    commodities: list[str] | None = None


class MultiplyTime(_Timed):
    """Slower passage (queues at a border, a slow-down): transit and dwell times multiplied.

    The extra time costs each unit its commodity's value of time, so cargo may take a faster
    route and the impact counts the delay in money.
    """

    type: Literal["multiply_time"]
    factor: float = Field(gt=0)
    target: str | None = None
    countries: list[str] | None = None


class RiskPremium(_Timed):
    """A premium (war risk, insurance) charged on each link the cargo uses among those named.

    Name the links by ``target`` (a link or a group) or by ``countries`` (every link touching
    them, optionally only of some ``modes``); it is charged once per link passed.
    """

    type: Literal["risk_premium"]
    share_of_value: float = Field(ge=0, le=1, description="premium as a share of the cargo's value, per link passed")
    target: str | None = None
    countries: list[str] | None = None
    modes: list[str] | None = None
    commodities: list[str] | None = None

    @model_validator(mode="after")
    def _named(self) -> RiskPremium:
        if not self.target and not self.countries:
            raise ValueError("name the links: give target or countries")
        return self


class ChangeDemand(_Timed):
    type: Literal["demand"]
    factor: float = Field(ge=0)
    origin: str | None = None
    destination: str | None = None
    commodity: str | None = None


class AddCapacity(_Timed):
    type: Literal["add_capacity"]
    target: str
    factor: float = Field(gt=0, description="capacity multiplied by this (2 doubles it)")
    cost_usd: float | None = Field(default=None, ge=0, description="investment cost, for appraisal")


class AddLink(_Timed):
    """A new link (an investment: a ferry line, a rail spur), open while the event holds.

    ``link`` is a row of links.csv (id, from, to, mode, length_km, countries, and a source for
    every number); ``tariffs`` are rows of tariffs.csv for it when its mode's rows do not apply.
    """

    type: Literal["add_link"]
    link: dict[str, Any]
    tariffs: list[dict[str, Any]] = Field(default_factory=list)
    cost_usd: float | None = Field(default=None, ge=0, description="investment cost, for appraisal")


Event = Annotated[
    Close | Derate | BarTransit | MultiplyTariff | MultiplyTime | RiskPremium | ChangeDemand | AddCapacity | AddLink,
    Field(discriminator="type"),
]


class Horizon(_Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _order(self) -> Horizon:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Scenario(_Strict):
    """A named set of events over a horizon; ``extends`` names a scenario whose events come first."""

    name: str = Field(min_length=1)
    description: str = ""
    extends: str | None = None
    horizon: Horizon | None = None
    events: list[Event] = Field(default_factory=list)
    source: str | None = None


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The YAML line (1-based) of the node at a pydantic error location."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
            if match is None:
                continue  # a union tag such as 'derate', or a field that is missing: stay on this node
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            continue
        line = node.start_mark.line + 1
    return line


def _parse(text: str, file: str) -> Scenario:
    return parse_yaml_model(text, file, Scenario)


M = TypeVar("M", bound=BaseModel)


def parse_yaml_model(text: str, file: str, model: type[M]) -> M:
    """A YAML document validated by a pydantic model; every error names the file, the line and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{file} line {mark.line + 1}" if mark else file
        raise ScenarioError(f"{where}: not valid YAML ({getattr(err, 'problem', err)})") from err
    if not isinstance(data, dict):
        raise ScenarioError(f"{file}: expected a mapping with {', '.join(model.model_fields)} at the top")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        lines = []
        for e in err.errors():
            loc = tuple(e["loc"])
            line = _line_of(text, loc)
            path = ".".join(str(x) for x in loc if not (isinstance(x, str) and x in _EVENT_TAGS)) or "(top)"
            where = f"{file} line {line}" if line else file
            lines.append(f"{where}: {path}: {e['msg']}")
        raise ScenarioError("\n".join(lines)) from err


_EVENT_TAGS = {
    "close",
    "derate",
    "bar_transit",
    "multiply_tariff",
    "multiply_time",
    "risk_premium",
    "demand",
    "add_capacity",
    "add_link",
}


def builtin_scenarios() -> dict[str, Path]:
    """The scenarios that ship with the Eurasian network, by name."""
    folder = builtin_dataset_path() / "scenarios"
    return {p.name.removesuffix(".yaml"): p for p in folder.iterdir() if p.name.endswith(".yaml")}


def load_scenario(name_or_path: str | Path, network: Network | None = None) -> Scenario:
    """Load a scenario by built-in name or from a YAML file, with what it extends folded in.

    When ``network`` is given, every place, link, group, country and commodity it names is
    checked against it.

    Examples
    --------
    >>> s = load_scenario("cpc-storm-2022")
    >>> s.name, [e.type for e in s.events]
    ('cpc-storm-2022', ['derate', 'close'])
    """
    scenario = _load_chain(str(name_or_path), seen=())
    if network is not None:
        check_scenario(scenario, network)
    return scenario


def _load_chain(name_or_path: str, seen: tuple[str, ...]) -> Scenario:
    builtin = builtin_scenarios()
    path = builtin.get(name_or_path, Path(name_or_path))
    if not path.is_file():
        known = ", ".join(sorted(builtin))
        raise ScenarioError(f"no scenario {name_or_path!r}: not a built-in name ({known}) nor a file")
    scenario = _parse(path.read_text(encoding="utf-8"), path.name)
    if scenario.name in seen:
        chain = " -> ".join((*seen, scenario.name))
        raise ScenarioError(f"{path.name}: scenario {scenario.name!r} extends itself ({chain})")
    if scenario.extends is None:
        return scenario
    parent = _load_chain(scenario.extends, (*seen, scenario.name))
    return scenario.model_copy(
        update={
            "events": [*parent.events, *scenario.events],
            "horizon": scenario.horizon or parent.horizon,
            "extends": None,
        }
    )


def with_investments(network: Network, scenario: Scenario) -> Network:
    """The network with the scenario's new links (and their tariffs) added, validated like any dataset."""
    added = [e for e in scenario.events if isinstance(e, AddLink)]
    if not added:
        return network
    links = pd.concat([network.links, pd.DataFrame([_link_row(e.link) for e in added])], ignore_index=True)
    tariffs = network.tariffs
    extra = [row for e in added for row in e.tariffs]
    if extra:
        tariffs = pd.concat([tariffs, pd.DataFrame(extra)], ignore_index=True)
    try:
        return network.replace(links=links, tariffs=tariffs)
    except DataError as err:
        where = ", ".join(str(e.link.get("id", "?")) for e in added)
        lines = "\n".join(f"  {p}" for p in err.problems)
        raise ScenarioError(
            f"scenario {scenario.name!r}: the new links ({where}) do not fit the network:\n{lines}"
        ) from err


def _link_row(link: dict[str, Any]) -> dict[str, Any]:
    """A links.csv row from YAML: lists for list columns."""
    row = dict(link)
    for col in ("countries", "commodities", "shape"):
        if isinstance(row.get(col), str):
            row[col] = tuple(x.strip() for x in row[col].split(";") if x.strip())
        elif isinstance(row.get(col), list):
            row[col] = tuple(row[col])
    return row


def check_scenario(scenario: Scenario, network: Network) -> None:
    """Every name the scenario uses must exist in the network; all problems at once."""
    from corridor._schema import country_codes

    network = with_investments(network, scenario)
    links, nodes, groups = set(network.links["id"]), set(network.nodes["id"]), set(network.groups["id"])
    commodities = set(network.commodities["id"])
    problems = []
    for i, event in enumerate(scenario.events):
        where = f"scenario {scenario.name!r} events.{i} ({event.type})"
        for field_name in ("target", "origin", "destination"):
            value = getattr(event, field_name, None)
            if value is not None and value not in links | nodes | groups:
                problems.append(f"{where}: {field_name} {value!r} is not a node, link or group of the network")
        for country in getattr(event, "countries", None) or ():
            if country not in country_codes():
                problems.append(f"{where}: countries has {country!r}; expected ISO 3166-1 alpha-2 codes")
        listed = list(getattr(event, "commodities", None) or ())
        if getattr(event, "commodity", None):
            listed.append(event.commodity)  # type: ignore[union-attr]
        for commodity in listed:
            if commodity not in commodities:
                problems.append(f"{where}: commodity {commodity!r}; expected one of {', '.join(sorted(commodities))}")
    if problems:
        raise ScenarioError("\n".join(problems))


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


def _pairs_matching(network: Network, demand_table: Any, event: BarTransit) -> np.ndarray:
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
    network: Network, scenario: Scenario, demand_table: Any, *, horizon: Horizon | None = None
) -> ScenarioEffect:
    """Turn a scenario's events into arrays over the compiled network (see ScenarioEffect)."""
    cn = network.compiled
    horizon = horizon or scenario.horizon or Horizon(start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31))
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
        if isinstance(event, AddLink):
            arcs = cn.arc_link == cn.link_index[str(event.link["id"])]
            if share <= 0:  # not open yet (or any more): nobody may use it
                usable[:, arcs] = False
            else:
                cap[arcs] *= share  # open for that share of the horizon (a link without capacity: all of it)
            continue
        if share <= 0:
            continue
        if isinstance(event, Close | Derate | AddCapacity):
            nodes, links = _targets(network, event.target)
            left = (
                0.0
                if isinstance(event, Close)
                else (event.capacity_share if isinstance(event, Derate) else event.factor)
            )
            arcs = np.isin(cn.arc_link, [cn.link_index[x] for x in links])
            cap[arcs] *= 1 - share + share * left
            for n in nodes:
                node_cap[cn.node_index[n]] *= 1 - share + share * left
                if isinstance(event, Close):  # a closed node closes the links at it
                    cap[(cn.tail == cn.node_index[n]) | (cn.head == cn.node_index[n])] *= 1 - share
        elif isinstance(event, BarTransit):
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
        elif isinstance(event, MultiplyTariff | MultiplyTime | RiskPremium):
            if event.target:
                nodes, links = _targets(network, event.target)
                arcs = _arcs_touching(network, nodes, links)
            else:
                arcs = cn.country_arcs(event.countries or [], with_nodes=False)
            if isinstance(event, RiskPremium) and event.modes:
                arcs &= np.isin(cn.arc_mode, [cn.modes.index(m) for m in event.modes if m in cn.modes])
            rows = [commodity_index[c] for c in (getattr(event, "commodities", None) or cn.commodities)]
            if isinstance(event, MultiplyTime):
                before = time_h[arcs]
                time_h[arcs] = before * (1 - share + share * event.factor)
                delay_days = (time_h[arcs] - before) / 24.0
            for r in rows:
                if isinstance(event, MultiplyTime):
                    cost[r, arcs] += delay_days * value_of_time[r]
                elif isinstance(event, MultiplyTariff):
                    cost[r, arcs] *= 1 - share + share * event.factor
                elif isinstance(event, RiskPremium):
                    cost[r, arcs] += share * event.share_of_value * values[r]
        elif isinstance(event, ChangeDemand):
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
