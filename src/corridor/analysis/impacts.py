"""Impact of a scenario: its horizon replayed (:mod:`corridor.analysis.replay`) against the same
periods without it, with the disruption's own cost apart from the market's.

A scenario's events are disruptions or market conditions (:data:`corridor.scenario.Category`).
Three replays of the same periods are compared: the reference (no events, or a base scenario's
events), the reference with the scenario's market conditions, and the whole scenario. The
disruption costs the whole scenario against the market run; the market costs the market run
against the reference; their sum is the total change. A base scenario's events hold in all
three, so a closure can be measured on top of, say, the sanctions of 2022.

The impact also gives the volume moved between corridors (groups that carry the same cargo on
the same paths in one row), the binding bottlenecks with their rent (dual x capacity x days, in
USD) and its change against the reference, ranked by that change, each exporting country's
transit dependency before and after, and the series per reporting period: per corridor and
direction (westbound, eastbound) the volume in TEU and in t apart, with each period's cost and
stranded cargo.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor.analysis.dependency import dependency_table
from corridor.analysis.replay import Period, Replay, ReplayCache, replay
from corridor.errors import ScenarioError
from corridor.flow import Demand
from corridor.flow.read import RENT_COLUMNS
from corridor.network import Network, group_members
from corridor.records import json_records
from corridor.scenario import Event, Scenario, with_investments

__all__ = ["Impact", "impact", "impact_by_duration"]

DIRECTIONS = ("westbound", "eastbound")
"""A path is westbound when it delivers west of where it starts (by longitude), else eastbound."""


@dataclass(frozen=True, eq=False)
class Impact:
    """A scenario against the same periods without it (see the module docstring).

    ``baseline``: the reference replay (no events, or the base scenario's); ``market``: the
    reference with the scenario's market conditions; ``disrupted``: the whole scenario.
    ``corridors``: group (the groups in ``same_as`` carry the same), commodity, unit, before,
    after, moved (units over the horizon). ``bottlenecks``: element, kind, direction, dimension,
    rent_usd (scarcity_rent_usd, dual x capacity, + queue_cost_usd, its queue's waits), rent_before_usd,
    rent_change_usd (USD over the horizon), shadow_price_usd (the highest dual, per unit of the dimension a
    year), usd_per_teu, usd_per_t, wait_h and wait_usd (a queue's longest wait and its price),
    days_binding; ranked by rent_change_usd. ``series``: per period, corridor and direction, volume_teu and volume_t
    (scenario and baseline). ``period_totals``: per period, cost and stranded cargo per direction.
    """

    scenario: str
    baseline: Replay
    disrupted: Replay
    corridors: pd.DataFrame
    bottlenecks: pd.DataFrame
    dependency: pd.DataFrame  # exporter, transit country, commodity, share before and after
    barrels_per_unit: tuple[str, float] | None = None  # (oil commodity, barrels per unit)
    warnings: tuple[str, ...] = ()  # events that act on nothing any cargo uses
    oil_price: dict[str, float] | None = None  # the scenario's oil block
    market: Replay | None = None  # None: the scenario has no market events (the market run is the baseline)
    base: str | None = None  # the base scenario whose events hold in every run
    market_events: int = 0
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    period_totals: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def reference(self) -> Replay:
        """The run the disruption is measured against: the baseline with the market events."""
        return self.market if self.market is not None else self.baseline

    @property
    def delta_cost_usd(self) -> float:
        return self.disrupted.total_cost_usd - self.baseline.total_cost_usd

    @property
    def disruption_cost_usd(self) -> float:
        """The whole scenario against the same scenario with only its market events."""
        return self.disrupted.total_cost_usd - self.reference.total_cost_usd

    @property
    def market_cost_usd(self) -> float:
        """The scenario's market events against the baseline (or the base scenario)."""
        return self.reference.total_cost_usd - self.baseline.total_cost_usd

    def cost_parts(self) -> dict[str, float]:
        """The total change split by what it is (USD over the horizon); the parts add up to it."""
        d, b = self.disrupted, self.baseline
        return {
            "transport": d.transport_cost_usd - b.transport_cost_usd,
            "time": d.time_cost_usd - b.time_cost_usd,
            "waiting": d.waiting_cost_usd - b.waiting_cost_usd,
            "lost_value": d.stranded_value_usd - b.stranded_value_usd,
            "carrying": d.carrying_cost_usd - b.carrying_cost_usd,
        }

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The tables a run keeps: bottlenecks, corridors, dependency, volumes and series per period."""
        return [
            ("bottlenecks", self.bottlenecks),
            ("corridors", self.corridors),
            ("dependency", self.dependency),
            ("volumes", self.disrupted.volumes),
            ("periods", self.period_totals),
            ("series", self.series),
        ]

    def summary(self) -> dict[str, Any]:
        """The figures of a run without its tables."""
        return {
            k: v for k, v in self.to_dict().items() if k not in ("bottlenecks", "corridors", "dependency", "periods")
        }

    def oil(self) -> dict[str, Any] | None:
        """Crude as oil people count it: output cut once storage is full, in t and bbl/d over the
        days it was cut; the part deferred (produced later) and the part lost, their value at the
        scenario's price, and the deferred part's carrying cost (the cost it adds)."""
        if self.barrels_per_unit is None:
            return None
        commodity, bbl_per_t = self.barrels_per_unit
        vols = self.disrupted.volumes
        crude = vols[vols["commodity"] == commodity]
        shut = float(crude["stranded"].sum())
        stretches = self.disrupted.stretches
        column = f"stranded_{commodity}"
        cut_days = float(stretches.loc[stretches[column] > 1e-6, "days"].sum()) if column in stretches else 0.0
        price = self.oil_price
        lost_share = price["lost_share"] if price else 0.0
        deferred_value = self.disrupted.deferred_value_usd - self.baseline.deferred_value_usd
        lost_value = self.disrupted.lost_crude_value_usd - self.baseline.lost_crude_value_usd
        return {
            "commodity": commodity,
            "output_cut_t": shut,
            "deferred_t": shut * (1.0 - lost_share),
            "lost_t": shut * lost_share,
            "output_cut_bbl": shut * bbl_per_t,
            "days_cut": cut_days,
            "output_cut_bbl_per_day": shut * bbl_per_t / cut_days if cut_days else 0.0,
            "oil_price_usd_per_bbl": price["price_usd_per_bbl"] if price else None,
            "blend_discount_usd_per_bbl": price["blend_discount_usd_per_bbl"] if price else None,
            "cost_of_capital_per_year": price["cost_of_capital_per_year"] if price else None,
            "deferral_days": price["deferral_days"] if price else None,
            "deferred_value_usd": round(deferred_value, 2),
            "lost_value_usd": round(lost_value, 2),
            "carrying_cost_usd": round(self.disrupted.carrying_cost_usd - self.baseline.carrying_cost_usd, 2),
            "deferred_freight_usd": round(self.disrupted.deferred_freight_usd - self.baseline.deferred_freight_usd, 2),
        }

    def headline(self) -> dict[str, Any]:
        """The figures a ranged answer draws, as :meth:`to_dict` gives them: the costs, stranded
        cargo, bottlenecks and corridors."""
        return {
            "disruption_cost_usd": round(self.disruption_cost_usd, 2),
            "market_cost_usd": round(self.market_cost_usd, 2),
            "delta_cost_usd": round(self.delta_cost_usd, 2),
            "stranded": self.disrupted.stranded(),
            "bottlenecks": json_records(self.bottlenecks),
            "corridors": json_records(self.corridors),
        }

    def to_dict(self) -> dict[str, Any]:
        clear = self.disrupted.days_to_clear()
        parts = self.cost_parts()
        queues = self.disrupted.queue_cost_usd - self.baseline.queue_cost_usd  # the time's part in queues
        head = self.headline()
        return {
            "scenario": self.scenario,
            "base": self.base,
            "disruption_cost_usd": head["disruption_cost_usd"],
            "market_cost_usd": head["market_cost_usd"],
            "market_events": self.market_events,
            "delta_cost_usd": head["delta_cost_usd"],
            "delta_transport_cost_usd": round(parts["transport"], 2),
            "delta_time_cost_usd": round(parts["time"], 2),
            "delta_transit_time_cost_usd": round(parts["time"] - queues, 2),
            "delta_queue_cost_usd": round(queues, 2),
            "waiting_cost_usd": round(parts["waiting"], 2),
            "delta_lost_value_usd": round(parts["lost_value"], 2),
            "delta_carrying_cost_usd": round(parts["carrying"], 2),
            "stranded": head["stranded"],
            "stranded_value_usd": round(self.disrupted.stranded_value_usd, 2),
            "waiting_unit_days": self.disrupted.waiting_unit_days(),
            "days_to_clear_backlog": clear,
            "oil": self.oil(),
            "warnings": list(self.warnings),
            "bottlenecks": head["bottlenecks"],
            "corridors": head["corridors"],
            "dependency": json_records(self.dependency),
            "periods": self.periods(),
        }

    def periods(self) -> list[dict[str, Any]]:
        """One record per reporting period: start, end, days, cost (scenario, baseline, change),
        stranded cargo, and per direction and per corridor and direction the volume in TEU and in
        t apart."""
        out = []
        for row in json_records(self.period_totals):
            p = row["period"]
            part = self.series[self.series["period"] == p]
            volume = part.groupby("direction")[["volume_teu", "volume_t"]].sum()
            volume = volume.reindex(list(DIRECTIONS), fill_value=0.0)  # a direction without cargo: 0
            row["directions"] = [
                {
                    "direction": d,
                    "volume_teu": float(volume.loc[d, "volume_teu"]),
                    "volume_t": float(volume.loc[d, "volume_t"]),
                    "stranded_teu": row.pop(f"stranded_teu_{d}"),
                    "stranded_t": row.pop(f"stranded_t_{d}"),
                }
                for d in DIRECTIONS
            ]
            row["corridors"] = json_records(part.drop(columns=["period", "start", "end"]))
            out.append(row)
        return out


def impact(
    network: Network,
    demand: Demand,
    scenario: Scenario,
    *,
    base: Scenario | None = None,
    period: Period = "week",
    storage: Mapping[str, float] | None = None,
    solver_options: Mapping[str, Any] | None = None,
    lp: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    details: bool = True,
    cache: ReplayCache | None = None,
) -> Impact:
    """A scenario replayed period by period against the same periods without its events.

    Parameters
    ----------
    network, demand
        The network and the demand per year.
    scenario
        The events (:func:`corridor.load_scenario`); its horizon sets the periods.
    base
        A scenario whose events hold in every run (the scenario is measured on top of it); its
        horizon and oil block serve when the scenario has none. Events the scenario shares with
        it (one that ``extends`` it) count once.
    period
        ``day``, ``week`` or ``month``: the reporting period (the answer does not depend on it).
    storage
        Units that can wait at each origin node (tank farms, yards); what cannot wait is stranded.
    solver_options, lp
        How each period's LP is solved (:func:`corridor.flow.solve_model`).
    progress
        Called with (stretches done, stretches) over all the replays.
    details
        False leaves out what :meth:`Impact.headline` does not report (transit dependency, the
        series and totals per period, the idle events' warnings: empty), for sweeps over draws.
    cache
        What the runs share (:class:`corridor.analysis.replay.ReplayCache`), to warm-start draws.

    Returns
    -------
    Impact
        The disruption's cost apart from the market's, stranded and deferred volume, waiting,
        days to clear the backlog, volume moved between corridors, the bottlenecks ranked by the
        change in their rent, transit dependency before and after, and the series per period.

    Raises
    ------
    ScenarioError
        Neither the scenario nor the base has a horizon.

    Examples
    --------
    >>> net = load_network()
    >>> result = impact(net, load_demand(net), load_scenario("cpc-court-2022"), period="month")
    >>> result.disruption_cost_usd > 0, result.disrupted.stranded()["crude_oil"] > 1e6
    (True, True)
    """
    held: list[Event] = list(base.events) if base is not None else []
    own = [e for e in scenario.events if e not in held]
    market = [e for e in own if e.kind == "market"]
    horizon = scenario.horizon or (base.horizon if base is not None else None)
    if horizon is None:
        raise ScenarioError(f"scenario {scenario.name!r} has no horizon; give it one (horizon: start, end)")
    oil = scenario.oil or (base.oil if base is not None else None)

    def run_of(events: list[Event], name: str) -> Scenario:
        return scenario.model_copy(update={"events": events, "name": name, "horizon": horizon, "oil": oil})

    plan = [run_of(held, base.name if base is not None else "baseline")]
    if market and len(market) < len(own):
        plan.append(run_of([*held, *market], f"{scenario.name} (market only)"))
    plan.append(run_of([*held, *own], scenario.name))
    kwargs: dict[str, Any] = {"period": period, "storage": storage, "solver_options": solver_options, "lp": lp}
    kwargs["cache"] = cache if cache is not None else ReplayCache()  # the runs share networks and stretches

    def part(offset: int) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(offset * total + done, len(plan) * total)

    runs = [replay(network, demand, s, progress=part(i), **kwargs) for i, s in enumerate(plan)]
    before, after = runs[0], runs[-1]
    middle = runs[1] if len(runs) == 3 else (after if market and len(market) == len(own) else None)
    network = with_investments(network, plan[-1])  # so that new links can be named in the results
    flows_before, flows_after = _corridor_flows(network, before), _corridor_flows(network, after)
    corridors, same = _corridor_table(network, flows_before, flows_after)
    keys = ["exporter", "transit", "commodity"]
    dependency = pd.DataFrame(columns=[*keys, "share_before", "share_after"])
    if details:
        dep_before, dep_after = dependency_table(network, before.paths()), dependency_table(network, after.paths())
        dependency = (
            dep_before[[*keys, "share"]]
            .merge(dep_after[[*keys, "share"]], on=keys, how="outer", suffixes=("_before", "_after"))
            .fillna(0.0)
        )
    return Impact(
        scenario=scenario.name,
        baseline=before,
        disrupted=after,
        market=middle,
        base=base.name if base is not None else None,
        market_events=len(market),
        corridors=corridors,
        bottlenecks=_bottlenecks(network, before, after),
        dependency=dependency.sort_values(keys).reset_index(drop=True),
        barrels_per_unit=_oil_commodity(network, demand),
        warnings=idle_events(network, plan[-1].model_copy(update={"events": own}), middle or before) if details else (),
        oil_price=None if oil is None else oil.model_dump(exclude={"source"}),
        series=_series(network, after, before, flows_after, flows_before, same) if details else pd.DataFrame(),
        period_totals=_period_totals(network, after, before) if details else pd.DataFrame(),
    )


def _bottlenecks(network: Network, before: Replay, after: Replay) -> pd.DataFrame:
    """Binding capacities under the scenario and in the reference, with their rent over the same
    days in both, ranked by the change in rent: what the scenario creates or tightens first."""
    keys = ["element", "kind", "direction", "dimension"]
    was = _parallel_as_groups(network, before.bottleneck_rents())
    was = was[[*keys, "rent_usd"]].rename(columns={"rent_usd": "rent_before_usd"})
    now = _parallel_as_groups(network, after.bottleneck_rents())
    table = now.merge(was, on=keys, how="outer")
    for col in (*RENT_COLUMNS, "rent_before_usd", "days_binding"):
        table[col] = table[col].fillna(0.0)
    table["days_binding"] = table["days_binding"].astype(int)
    table["rent_change_usd"] = table["rent_usd"] - table["rent_before_usd"]
    columns = [*keys, *RENT_COLUMNS, "rent_before_usd", "rent_change_usd", "shadow_price_usd", "usd_per_teu",
               "usd_per_t", "wait_h", "wait_usd", "days_binding"]  # fmt: skip
    table = table[columns].sort_values(["rent_change_usd", "rent_usd"], ascending=False, kind="stable")
    return table.reset_index(drop=True)


def _parallel_as_groups(network: Network, rents: pd.DataFrame) -> pd.DataFrame:
    """Every link of a group binding at the same dual on the same days (the three CPC moorings,
    side by side) is one bottleneck: the group's row, with their rents summed."""
    if rents.empty:
        return rents
    sizes: list[tuple[int, str, set[str]]] = []
    for group_id in network.groups["id"]:
        _, links = group_members(network, group_id)
        if len(links) > 1:
            sizes.append((len(links), str(group_id), set(links)))
    for _, gid, members in sorted(sizes, key=lambda row: (row[0], row[1])):
        mine = rents[(rents["kind"] == "link") & rents["element"].isin(members)]
        if set(mine["element"]) != members or len(mine) != len(members):
            continue
        price, days = mine["shadow_price_usd"].to_numpy(float), mine["days_binding"].to_numpy(int)
        if not (np.allclose(price, price[0], rtol=1e-6) and (days == days[0]).all()):
            continue
        directions, dimensions = sorted(set(mine["direction"])), sorted(set(mine["dimension"]))
        row = mine.iloc[0].to_dict() | {
            "element": gid,
            "kind": "group",
            "direction": directions[0] if len(directions) == 1 else "; ".join(directions),
            "dimension": "; ".join(dimensions),
            **{c: float(mine[c].sum()) for c in RENT_COLUMNS},
        }
        rents = pd.concat([rents.drop(index=mine.index), pd.DataFrame([row])], ignore_index=True)
    return rents


def _directions(network: Network, origins: pd.Series, destinations: pd.Series) -> np.ndarray:
    """westbound where the destination lies west of the origin, else eastbound."""
    lon = dict(zip(network.nodes["id"], network.nodes["lon"], strict=True))
    west = origins.map(lon).to_numpy(float) > destinations.map(lon).to_numpy(float)
    return np.where(west, DIRECTIONS[0], DIRECTIONS[1])


def _corridor_flows(network: Network, run: Replay) -> pd.DataFrame:
    """Per stretch, group, commodity and direction: the volume of the paths that used the group
    (a path counts once, whichever of its links it used), in units moved in that stretch."""
    members = [
        pd.DataFrame({"group": str(group_id), "link": member_links})
        for group_id in network.groups["id"]
        if (member_links := group_members(network, group_id)[1])
    ]
    columns = ["stretch", "group", "commodity", "direction", "volume"]
    paths = run.path_table()
    if not members or paths.empty:
        return pd.DataFrame(columns=columns)
    paths["direction"] = _directions(network, paths["origin"], paths["destination"])
    paths["path"] = np.arange(len(paths))
    by_link = paths[["path"]].assign(link=paths["links"].map(sorted)).explode("link")
    uses = by_link.merge(pd.concat(members, ignore_index=True), on="link")[["path", "group"]].drop_duplicates()
    table = uses.merge(paths[["path", "stretch", "commodity", "direction", "volume"]], on="path")
    out = table.groupby(["stretch", "group", "commodity", "direction"], as_index=False)[["volume"]].sum()
    return out[columns]


def _corridor_table(
    network: Network, before: pd.DataFrame, after: pd.DataFrame
) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    """Volume per group and commodity over the horizon, before and after. Groups that carry the
    same volume of a commodity before and after (one inside another, or in series on the same
    paths) share one row for it, under the group with the most members; the others are named in
    ``same_as``. Also returns the row each (group, commodity) is counted in."""
    units = dict(zip(network.commodities["id"], network.commodities["unit"], strict=True))
    a = before.groupby(["group", "commodity"], as_index=False)["volume"].sum()
    b = after.groupby(["group", "commodity"], as_index=False)["volume"].sum()
    table = a.merge(b, on=["group", "commodity"], how="outer", suffixes=("_before", "_after")).fillna(0.0)
    table = table.rename(columns={"volume_before": "before", "volume_after": "after"})
    size = {str(g): len(group_members(network, g)[1]) for g in network.groups["id"]}
    key = [
        (str(c), round(float(x)), round(float(y)))
        for c, x, y in zip(table["commodity"], table["before"], table["after"], strict=True)
    ]
    heads: dict[tuple[str, int, int], str] = {}
    for k, group in sorted(zip(key, table["group"], strict=True), key=lambda kg: (-size.get(kg[1], 0), kg[1])):
        heads.setdefault(k, str(group))
    same = {(str(g), k[0]): heads[k] for g, k in zip(table["group"], key, strict=True)}
    head = [heads[k] for k in key]
    table["same_as"] = [
        ", ".join(
            sorted(
                str(g)
                for g, h, kk in zip(table["group"], head, key, strict=True)
                if h == mine and kk == k and g != mine
            )
        )
        for mine, k in zip(table["group"], key, strict=True)
    ]
    table = table[table["group"].to_numpy() == np.array(head, dtype=object)].copy()
    table["unit"] = table["commodity"].map(units)
    table["moved"] = table["after"] - table["before"]
    columns = ["group", "commodity", "unit", "before", "after", "moved", "same_as"]
    return table[columns].sort_values(["commodity", "moved", "group"]).reset_index(drop=True), same


def _overlaps(run: Replay) -> list[list[tuple[int, float]]]:
    """Per reporting period: (stretch, share of the stretch's days within the period)."""
    out = []
    for first, last in zip(run.periods["start"], run.periods["end"], strict=True):
        mine = []
        for s, (start, end, days) in enumerate(
            zip(run.stretches["start"], run.stretches["end"], run.stretches["days"], strict=True)
        ):
            overlap = (min(last, end) - max(first, start)).days + 1
            if overlap > 0:
                mine.append((s, overlap / days))
        out.append(mine)
    return out


def _per_period(
    network: Network, run: Replay, flows: pd.DataFrame, same: Mapping[tuple[str, str], str]
) -> pd.DataFrame:
    """Per period, corridor (row name) and direction: volume in TEU (containers) and in t (every
    other commodity, by its tonnes per unit)."""
    columns = ["period", "corridor", "direction", "volume_teu", "volume_t"]
    if flows.empty:
        return pd.DataFrame(columns=columns)
    counted = [same.get((g, c), g) == g for g, c in zip(flows["group"], flows["commodity"], strict=True)]
    weights = pd.DataFrame(
        [(p, s, w) for p, shares in enumerate(_overlaps(run)) for s, w in shares], columns=["period", "stretch", "w"]
    )
    joined = flows[counted].merge(weights, on="stretch")
    joined["volume"] = joined["volume"] * joined["w"]
    units = dict(zip(network.commodities["id"], network.commodities["unit"], strict=True))
    tonnes = dict(zip(network.commodities["id"], network.commodities["tonnes_per_unit"], strict=True))
    teu = (joined["commodity"].map(units) == "teu").to_numpy(bool)
    joined["volume_teu"] = np.where(teu, joined["volume"], 0.0)
    joined["volume_t"] = np.where(teu, 0.0, joined["volume"] * joined["commodity"].map(tonnes).astype(float))
    out = joined.groupby(["period", "group", "direction"], as_index=False)[["volume_teu", "volume_t"]].sum()
    return out.rename(columns={"group": "corridor"})[columns]


def _series(
    network: Network,
    after: Replay,
    before: Replay,
    flows_after: pd.DataFrame,
    flows_before: pd.DataFrame,
    same: Mapping[tuple[str, str], str],
) -> pd.DataFrame:
    """Per period, corridor and direction: volume in TEU and in t, under the scenario and in the baseline."""
    now = _per_period(network, after, flows_after, same)
    was = _per_period(network, before, flows_before, same)
    keys = ["period", "corridor", "direction"]
    table = now.merge(was, on=keys, how="outer", suffixes=("", "_baseline")).fillna(0.0)
    periods = after.periods.set_index("period")
    table.insert(1, "start", table["period"].map(periods["start"]).astype(str))  # ISO dates: JSON, CSV, SQLite
    table.insert(2, "end", table["period"].map(periods["end"]).astype(str))
    return table.sort_values(keys).reset_index(drop=True)


def _period_totals(network: Network, after: Replay, before: Replay) -> pd.DataFrame:
    """Per reporting period: cost of the scenario and of the baseline (their stretches' costs
    shared out by days), its change, and stranded cargo per direction in TEU and in t."""
    cost_columns = ["transport_usd", "time_usd", "waiting_usd", "lost_value_usd", "carrying_usd"]

    def costs(run: Replay) -> list[float]:
        per_stretch = run.stretches[cost_columns].sum(axis=1).to_numpy(float)
        return [float(sum(per_stretch[s] * w for s, w in shares)) for shares in _overlaps(run)]

    table = after.periods.assign(start=after.periods["start"].astype(str), end=after.periods["end"].astype(str))
    table["cost_usd"] = costs(after)
    table["baseline_cost_usd"] = costs(before)
    table["delta_cost_usd"] = table["cost_usd"] - table["baseline_cost_usd"]
    vols = after.volumes
    units = dict(zip(network.commodities["id"], network.commodities["unit"], strict=True))
    vols = vols.assign(
        direction=_directions(network, vols["origin"], vols["destination"]),
        unit=vols["commodity"].map(units),
    )
    for d in DIRECTIONS:
        for unit, name in (("teu", "teu"), ("t", "t")):
            mine = vols[(vols["direction"] == d) & (vols["unit"] == unit)]
            per = mine.groupby("period")["stranded"].sum()
            table[f"stranded_{name}_{d}"] = table["period"].map(per).fillna(0.0).astype(float)
    return table


def idle_events(network: Network, scenario: Scenario, baseline: Replay) -> tuple[str, ...]:
    """A warning for each closure or derate whose elements carry nothing in the baseline while it
    holds: it changes nothing, and the user should know that rather than conclude the asset
    does not matter."""
    from corridor.scenario import Close, Derate, target_arcs

    cn = network.compiled
    out = []
    for i, event in enumerate(scenario.events):
        if not isinstance(event, Close | Derate):
            continue
        arcs = np.flatnonzero(target_arcs(network, event.target))
        links = {cn.link_ids[cn.arc_link[a]] for a in arcs}
        first, last = event.window(scenario.horizon) if scenario.horizon else (None, None)
        used = False
        for result, start, end in zip(
            baseline.assignments, baseline.stretches["start"], baseline.stretches["end"], strict=True
        ):
            if first is not None and (end < first or start > last):
                continue
            if set(result.flows.loc[result.flows["flow_per_year"] > 1e-6, "link"]) & links:
                used = True
                break
        if not used:
            out.append(
                f"event {i} ({event.type} {event.target}): no cargo uses {event.target} while it holds, "
                "so it changes nothing here"
            )
    return tuple(out)


def _oil_commodity(network: Network, demand: Demand) -> tuple[str, float] | None:
    """The first commodity in the demand that is counted in barrels too (crude), if any."""
    barrels = dict(zip(network.commodities["id"], network.commodities["barrels_per_unit"], strict=True))
    for commodity in dict.fromkeys(demand.table["commodity"]):
        if np.isfinite(barrels.get(commodity, np.nan)):
            return str(commodity), float(barrels[commodity])
    return None


def impact_by_duration(
    network: Network,
    demand: Demand,
    scenario: Scenario,
    durations: Sequence[float] = (7, 30, 90, 180),
    **kwargs: Any,
) -> pd.DataFrame:
    """For events whose end is unknown (until further notice): the impact if they last N days."""
    rows = []
    for days in durations:
        events = [
            e.model_copy(update={"until_further_notice": False, "days": float(days)}) if e.until_further_notice else e
            for e in scenario.events
        ]
        result = impact(network, demand, scenario.model_copy(update={"events": events}), **kwargs)
        rows.append(
            {
                "days": days,
                "delta_cost_usd": result.delta_cost_usd,
                "disruption_cost_usd": result.disruption_cost_usd,
                **{f"stranded_{k}": v for k, v in result.disrupted.stranded().items()},
            }
        )
    return pd.DataFrame(rows)
