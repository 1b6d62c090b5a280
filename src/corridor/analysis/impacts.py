"""Impact of a scenario: the horizon replayed period by period against the same periods without it.

Each period (day, week or month) gets the capacity left by the events that overlap it (a
closure of 3 days in a 7-day week leaves 4/7) and its share of the year's demand. What cannot
move in a period waits at its origin as backlog, up to the origin's storage, and is offered
again in the next period, paying its value of time for the wait; what storage cannot hold is
stranded. Periods are solved in order (a planner's view: nobody knows next week's closures),
so the replay is myopic by design.

The impact compares the replay with a replay of the same periods without events: extra cost,
stranded volume, waiting unit-days, the time to clear the backlog, volume moved between
corridors, the binding bottlenecks ranked by their dual value, and each exporting country's
dependency on transit through every other country, before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from corridor.analysis.dependency import PATH_COLUMNS, assignment_paths, dependency_table
from corridor.analysis.storage import buffered_storage
from corridor.flow import Assignment, Demand, build_assignment, read_assignment, reference_loads, solve_model
from corridor.network import Network, day_networks, group_members
from corridor.records import json_records
from corridor.scenario import Horizon, Scenario, scenario_effect, with_investments

__all__ = ["Impact", "Period", "Replay", "impact", "impact_by_duration", "replay"]

Period = Literal["day", "week", "month"]

STRETCH_DAYS = 7
"""The longest stretch a replay solves as one: backlog can move again at least weekly."""


@dataclass(frozen=True, eq=False)
class Replay:
    """A horizon replayed stretch by stretch, reported per period.

    The horizon is solved in ``stretches`` (start, end, days) cut where an event starts or ends
    and at most :data:`STRETCH_DAYS` long, one assignment each, whatever the reporting period:
    so the answer does not depend on it. ``periods`` (start, end, days) are the user's reporting
    periods; ``volumes``: per period and pair, demand offered (with backlog), moved, backlog
    waiting at the period's end, stranded (in units, not per year).
    """

    scenario: str
    periods: pd.DataFrame
    volumes: pd.DataFrame
    assignments: tuple[Assignment, ...] = field(repr=False)
    stretches: pd.DataFrame
    transport_cost_usd: float
    waiting_cost_usd: float
    stranded_value_usd: float
    time_cost_usd: float = 0.0  # shippers' value of time in transit, queues and priced risk (segments)

    @property
    def total_cost_usd(self) -> float:
        return self.transport_cost_usd + self.time_cost_usd + self.waiting_cost_usd + self.stranded_value_usd

    def stranded(self) -> dict[str, float]:
        return {str(k): float(v) for k, v in self.volumes.groupby("commodity")["stranded"].sum().items()}

    def waiting_unit_days(self) -> dict[str, float]:
        """Units x days spent waiting: backlog at the end of a period waits through the next one."""
        wait = self.volumes.assign(unit_days=self.volumes["backlog"] * self.volumes["next_days"])
        return {str(k): float(v) for k, v in wait.groupby("commodity")["unit_days"].sum().items()}

    def link_loads(self) -> pd.DataFrame:
        """Per link: the volume carried over the horizon (units) and the highest utilisation reached."""
        frames = [
            r.flows.assign(volume=r.flows["flow_per_year"] * d / 365.0)[["link", "commodity", "volume", "utilisation"]]
            for r, d in zip(self.assignments, self.stretches["days"], strict=True)
            if not r.flows.empty
        ]
        if not frames:
            return pd.DataFrame(columns=["link", "commodity", "volume", "utilisation"])
        loads = pd.concat(frames, ignore_index=True)
        return loads.groupby(["link", "commodity"], as_index=False).agg(
            volume=("volume", "sum"), utilisation=("utilisation", "max")
        )

    def paths(self) -> pd.DataFrame:
        """Every stretch's flows split into paths (origin, commodity, links, volume in units moved)."""
        frames = [
            assignment_paths(result, scale=days / 365.0)
            for result, days in zip(self.assignments, self.stretches["days"], strict=True)
        ]
        frames = [f for f in frames if not f.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PATH_COLUMNS)

    def days_to_clear(self) -> float | None:
        """Days from the first period that leaves a backlog to the end of the last one; None if none."""
        per = self.volumes.groupby("period")["backlog"].sum()
        late = per[per > 1e-6]
        if late.empty:
            return 0.0
        if late.index.max() == per.index.max():
            return None  # not cleared within the horizon
        first, last = int(late.index.min()), int(late.index.max())
        days = self.periods.set_index("period")["days"]
        return float(days.loc[first : last + 1].sum())


@dataclass(frozen=True, eq=False)
class Impact:
    """A scenario against the same periods without it (see the module docstring)."""

    scenario: str
    baseline: Replay
    disrupted: Replay
    corridors: pd.DataFrame  # group, commodity, before, after, moved
    bottlenecks: pd.DataFrame  # element, kind, direction, dimension, shadow_price_usd (max), days binding
    dependency: pd.DataFrame  # exporter, transit country, commodity, share_volume/value before and after
    barrels_per_unit: tuple[str, float] | None = None  # (oil commodity, barrels per unit)
    warnings: tuple[str, ...] = ()  # events that act on nothing any cargo uses
    oil_price: dict[str, float] | None = None  # the scenario's oil block

    @property
    def delta_cost_usd(self) -> float:
        return self.disrupted.total_cost_usd - self.baseline.total_cost_usd

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The tables a run keeps: bottlenecks, corridors, dependency, volumes per period."""
        return [
            ("bottlenecks", self.bottlenecks),
            ("corridors", self.corridors),
            ("dependency", self.dependency),
            ("volumes", self.disrupted.volumes),
        ]

    def summary(self) -> dict[str, Any]:
        """The figures of a run without its tables."""
        return {k: v for k, v in self.to_dict().items() if k not in ("bottlenecks", "corridors", "dependency")}

    def oil(self) -> dict[str, Any] | None:
        """Crude as oil people count it: output cut (deferred) once storage is full, in t and
        bbl/d over the days it was cut, and the revenue deferred at the scenario's price."""
        if self.barrels_per_unit is None:
            return None
        commodity, bbl_per_t = self.barrels_per_unit
        vols = self.disrupted.volumes
        crude = vols[vols["commodity"] == commodity]
        shut = float(crude["stranded"].sum())
        stretches = self.disrupted.stretches
        cut_days = float(stretches.loc[stretches[f"stranded_{commodity}"] > 1e-6, "days"].sum())
        price = self.oil_price
        lost = shut * (price["lost_share"] if price else 0.0)
        return {
            "commodity": commodity,
            "output_cut_t": shut,
            "deferred_t": shut - lost,
            "lost_t": lost,
            "output_cut_bbl": shut * bbl_per_t,
            "days_cut": cut_days,
            "output_cut_bbl_per_day": shut * bbl_per_t / cut_days if cut_days else 0.0,
            "oil_price_usd_per_bbl": price["price_usd_per_bbl"] if price else None,
            "blend_discount_usd_per_bbl": price["blend_discount_usd_per_bbl"] if price else None,
            "revenue_deferred_usd": (
                round(shut * bbl_per_t * (price["price_usd_per_bbl"] - price["blend_discount_usd_per_bbl"]), 2)
                if price
                else None
            ),
        }

    def to_dict(self) -> dict[str, Any]:
        clear = self.disrupted.days_to_clear()
        return {
            "scenario": self.scenario,
            "delta_cost_usd": round(self.delta_cost_usd, 2),
            "delta_transport_cost_usd": round(self.disrupted.transport_cost_usd - self.baseline.transport_cost_usd, 2),
            "delta_time_cost_usd": round(self.disrupted.time_cost_usd - self.baseline.time_cost_usd, 2),
            "waiting_cost_usd": round(self.disrupted.waiting_cost_usd - self.baseline.waiting_cost_usd, 2),
            "stranded": self.disrupted.stranded(),
            "stranded_value_usd": round(self.disrupted.stranded_value_usd, 2),
            "waiting_unit_days": self.disrupted.waiting_unit_days(),
            "days_to_clear_backlog": clear,
            "oil": self.oil(),
            "warnings": list(self.warnings),
            "bottlenecks": json_records(self.bottlenecks),
            "corridors": json_records(self.corridors),
            "dependency": json_records(self.dependency),
        }


def _periods(horizon: Horizon, period: Period) -> list[tuple[dt.date, dt.date]]:
    out = []
    start = horizon.start
    while start <= horizon.end:
        if period == "day":
            end = start
        elif period == "week":
            end = start + dt.timedelta(days=6)
        else:
            following = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            end = following - dt.timedelta(days=1)
        end = min(end, horizon.end)
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def replay(
    network: Network,
    demand: Demand,
    scenario: Scenario,
    *,
    period: Period = "week",
    horizon: Horizon | None = None,
    storage: Mapping[str, float] | None = None,
    solver_options: Mapping[str, Any] | None = None,
    lp: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> Replay:
    """Replay a scenario's horizon period by period (see the module docstring).

    Parameters
    ----------
    network, demand
        The network and the demand per year.
    scenario
        The events to replay; an empty scenario gives the baseline.
    period
        ``day``, ``week`` or ``month``.
    horizon
        The dates to replay (default: the scenario's horizon).
    storage
        Per origin node id, how many units can wait there (tank farms, port yards); an origin
        without an entry keeps no backlog, so what it cannot move is stranded (for an oil field:
        its output is cut, deferred). Default: each node's ``storage_days`` of its output.
    solver_options, lp
        How each period's LP is solved (:func:`corridor.flow.solve_model`).
    progress
        Called with (stretches done, stretches) as the replay goes.

    Returns
    -------
    Replay
        One assignment per period, and per period and pair what was offered, moved, carried over
        as backlog and stranded.

    Raises
    ------
    ValueError
        Neither the scenario nor ``horizon`` gives the dates.

    Examples
    --------
    >>> net = load_network()
    >>> run = replay(net, load_demand(net), load_scenario("cpc-storm-2022"), period="week")
    >>> int(run.periods["days"].sum()), run.stranded()["crude_oil"] > 0
    (92, True)
    """
    horizon = horizon or scenario.horizon
    if horizon is None:
        raise ValueError(f"scenario {scenario.name!r} has no horizon; pass one")
    base = network
    network = with_investments(network, scenario)
    own = default_storage(network, demand) if storage is None else dict(storage)
    storage = buffered_storage(network, demand, scenario, own) if storage is None else own  # tanks, tanker queues
    on_day = day_networks(network)
    penalty = oil_penalty(network, scenario)
    table = demand.table
    backlog = np.zeros(len(table))
    vot = dict(zip(network.commodities["id"], network.commodities["value_of_time_usd_per_unit_day"], strict=True))
    pair_vot = table["commodity"].map(vot).to_numpy(float)
    quantity = table["quantity_per_year"].to_numpy(float)
    stretches = scenario.stretches(horizon, max_days=STRETCH_DAYS)
    rows, results = [], []
    reference: np.ndarray | None = None
    for stretch in stretches:
        network = on_day(stretch.start)  # each stretch on the network of its own dates
        scale = stretch.days / 365.0
        effect = scenario_effect(network, scenario, table, horizon=stretch)
        if effect.bare_derates(network):
            if reference is None:
                reference = reference_loads(base, demand, n_arcs=network.compiled.n_arcs)
            effect = replace(effect, reference_t=reference)
        # the LP works in rates per year: this stretch's demand and backlog as a yearly rate
        offered = quantity * effect.demand_factor * scale + backlog
        effect = replace(effect, demand_factor=offered / scale / quantity.clip(min=1e-12))
        model = build_assignment(network, demand, effect=effect, penalty=penalty)
        result = read_assignment(model, solve_model(model, lp=lp, solver_options=solver_options))
        results.append(result)
        left = result.unserved["unserved"].to_numpy(float) * scale
        kept = _store(left, table["origin"].to_numpy(), storage)
        rows.append(
            {
                "offered": offered,
                "moved": offered - left,
                "backlog": kept,
                "stranded": left - kept,
                "transport": result.transport_cost_usd * scale,
                "time": result.time_cost_usd * scale,
                "stranded_value": float((left - kept) @ model.penalty),
            }
        )
        backlog = kept
        if progress is not None:
            progress(len(rows), len(stretches))
    solved = pd.DataFrame(
        {"stretch": range(len(stretches)), "start": [h.start for h in stretches], "end": [h.end for h in stretches]}
    )
    solved["days"] = [h.days for h in stretches]
    commodity = table["commodity"].to_numpy()
    for name in dict.fromkeys(commodity):
        solved[f"stranded_{name}"] = [float(r["stranded"][commodity == name].sum()) for r in rows]
    periods = _periods(horizon, period)
    volumes = _by_period(table, stretches, rows, periods)
    # backlog waits from the end of one stretch through the next
    waiting = sum(float(r["backlog"] @ pair_vot) * nxt.days for r, nxt in zip(rows, stretches[1:], strict=False))
    return Replay(
        scenario=scenario.name,
        periods=pd.DataFrame(
            [{"period": p, "start": a, "end": b, "days": (b - a).days + 1} for p, (a, b) in enumerate(periods)]
        ),
        volumes=volumes,
        assignments=tuple(results),
        stretches=solved,
        transport_cost_usd=float(sum(r["transport"] for r in rows)),
        time_cost_usd=float(sum(r["time"] for r in rows)),
        waiting_cost_usd=waiting,
        stranded_value_usd=float(sum(r["stranded_value"] for r in rows)),
    )


def default_storage(network: Network, demand: Demand) -> dict[str, float]:
    """Units that can wait at each origin: its ``storage_days`` (nodes.csv) of the demand starting there."""
    if "storage_days" not in network.nodes.columns:
        return {}
    days = dict(zip(network.nodes["id"], network.nodes["storage_days"], strict=True))
    per_year = demand.table.groupby("origin")["quantity_per_year"].sum()
    return {
        str(o): float(days[o]) * float(q) / 365.0
        for o, q in per_year.items()
        if o in days and np.isfinite(days[o]) and days[o] > 0
    }


def oil_penalty(network: Network, scenario: Scenario) -> dict[str, float]:
    """USD per unit of each oil commodity (one with barrels) not delivered: the scenario's oil price
    less the blend discount, per barrel (empty without an ``oil`` block: the commodities' values)."""
    if scenario.oil is None:
        return {}
    netback = scenario.oil.price_usd_per_bbl - scenario.oil.blend_discount_usd_per_bbl
    barrels = dict(zip(network.commodities["id"], network.commodities["barrels_per_unit"], strict=True))
    return {str(c): netback * float(b) for c, b in barrels.items() if np.isfinite(b)}


def _by_period(
    table: pd.DataFrame,
    stretches: Sequence[Horizon],
    rows: list[dict[str, Any]],
    periods: list[tuple[dt.date, dt.date]],
) -> pd.DataFrame:
    """Per reporting period and pair: the stretches' volumes shared out by the days they overlap
    the period; the backlog is what waits at the period's end (interpolated within a stretch)."""
    frames = []
    for p, (first, last) in enumerate(periods):
        offered = np.zeros(len(table))
        moved = np.zeros(len(table))
        stranded = np.zeros(len(table))
        backlog = np.zeros(len(table))
        for stretch, row in zip(stretches, rows, strict=True):
            overlap = (min(last, stretch.end) - max(first, stretch.start)).days + 1
            if overlap <= 0:
                continue
            share = overlap / stretch.days
            offered += row["offered"] * share
            moved += row["moved"] * share
            stranded += row["stranded"] * share
            if stretch.start <= last <= stretch.end:
                backlog = row["backlog"] * ((last - stretch.start).days + 1) / stretch.days
        next_days = (periods[p + 1][1] - periods[p + 1][0]).days + 1 if p + 1 < len(periods) else 0
        frames.append(
            pd.DataFrame(
                {
                    "period": p,
                    "origin": table["origin"].to_numpy(),
                    "destination": table["destination"].to_numpy(),
                    "commodity": table["commodity"].to_numpy(),
                    "offered": offered,
                    "moved": moved,
                    "backlog": backlog,
                    "stranded": stranded,
                    "next_days": next_days,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _store(left: np.ndarray, origins: np.ndarray, storage: Mapping[str, float]) -> np.ndarray:
    """How much of what is left waits at each origin, shared among its pairs in proportion."""
    kept = np.zeros_like(left)
    for origin in np.unique(origins):
        mine = origins == origin
        total = left[mine].sum()
        room = float(storage.get(str(origin), 0.0))
        if total > 0 and room > 0:
            kept[mine] = left[mine] * min(1.0, room / total)
    return kept


def _corridor_volumes(network: Network, paths: pd.DataFrame) -> pd.DataFrame:
    """Volume of each commodity that used each group (a path counts once, whichever links it used)."""
    out = []
    for gid in network.groups["id"]:
        _, members = group_members(network, gid)
        if not members:
            continue
        members_set = set(members)
        uses = paths[[bool(links & members_set) for links in paths["links"]]]
        for commodity, part in uses.groupby("commodity"):
            out.append({"group": gid, "commodity": commodity, "volume": float(part["volume"].sum())})
    return pd.DataFrame(out, columns=["group", "commodity", "volume"])


def _bottlenecks(rep: Replay) -> pd.DataFrame:
    days = rep.stretches["days"].to_numpy(int)
    frames = [
        r.bottlenecks.assign(days_binding=int(days[p]))
        for p, r in enumerate(rep.assignments)
        if not r.bottlenecks.empty
    ]
    if not frames:
        return pd.DataFrame(columns=["element", "kind", "direction", "dimension", "shadow_price_usd", "days_binding"])
    all_ = pd.concat(frames, ignore_index=True)
    ranked = all_.groupby(["element", "kind", "direction", "dimension"], as_index=False).agg(
        shadow_price_usd=("shadow_price_usd", "max"), days_binding=("days_binding", "sum")
    )
    return ranked.sort_values("shadow_price_usd", ascending=False).reset_index(drop=True)


def impact(
    network: Network,
    demand: Demand,
    scenario: Scenario,
    *,
    period: Period = "week",
    storage: Mapping[str, float] | None = None,
    solver_options: Mapping[str, Any] | None = None,
    lp: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> Impact:
    """A scenario replayed period by period against the same periods without its events.

    Parameters
    ----------
    network, demand
        The network and the demand per year.
    scenario
        The disruptions (:func:`corridor.load_scenario`); its horizon sets the periods.
    period
        ``day``, ``week`` or ``month``: the length of each replayed period.
    storage
        Units that can wait at each origin node (tank farms, yards); what cannot wait is stranded.
    solver_options, lp
        How each period's LP is solved (:func:`corridor.flow.solve_model`).
    progress
        Called with (stretches done, stretches) over both replays (without and with the events).

    Returns
    -------
    Impact
        Extra cost, stranded volume, waiting, days to clear the backlog, volume moved between
        corridors, the binding bottlenecks ranked by dual value, and transit dependency before
        and after.

    Raises
    ------
    ValueError
        The scenario has no horizon.

    Examples
    --------
    >>> net = load_network()
    >>> result = impact(net, load_demand(net), load_scenario("cpc-court-2022"), period="month")
    >>> result.delta_cost_usd > 0, result.disrupted.stranded()["crude_oil"] > 1e6
    (True, True)
    """
    baseline_scenario = scenario.model_copy(update={"events": [], "name": "baseline"})
    kwargs: dict[str, Any] = {"period": period, "storage": storage, "solver_options": solver_options, "lp": lp}

    def half(offset: int) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        return lambda done, total: progress(offset * total + done, 2 * total)

    before = replay(network, demand, baseline_scenario, progress=half(0), **kwargs)  # without the new links too
    after = replay(network, demand, scenario, progress=half(1), **kwargs)
    network = with_investments(network, scenario)  # so that new links can be named in the results
    paths_before, paths_after = before.paths(), after.paths()
    a, b = _corridor_volumes(network, paths_before), _corridor_volumes(network, paths_after)
    corridors = a.merge(b, on=["group", "commodity"], how="outer", suffixes=("_before", "_after")).fillna(0.0)
    corridors = corridors.rename(columns={"volume_before": "before", "volume_after": "after"})
    corridors["moved"] = corridors["after"] - corridors["before"]
    dep_before, dep_after = dependency_table(network, paths_before), dependency_table(network, paths_after)
    keys = ["exporter", "transit", "commodity"]
    dependency = (
        dep_before[[*keys, "share"]]
        .merge(dep_after[[*keys, "share"]], on=keys, how="outer", suffixes=("_before", "_after"))
        .fillna(0.0)
    )
    return Impact(
        scenario=scenario.name,
        baseline=before,
        disrupted=after,
        corridors=corridors.sort_values(["commodity", "moved", "group"]).reset_index(drop=True),
        bottlenecks=_bottlenecks(after),
        dependency=dependency.sort_values(keys).reset_index(drop=True),
        barrels_per_unit=_oil_commodity(network, demand),
        warnings=idle_events(network, scenario, before),
        oil_price=None if scenario.oil is None else scenario.oil.model_dump(exclude={"source"}),
    )


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
                **{f"stranded_{k}": v for k, v in result.disrupted.stranded().items()},
            }
        )
    return pd.DataFrame(rows)
