"""A scenario's horizon replayed period by period.

Each stretch of the horizon (cut where an event starts or ends, at most :data:`STRETCH_DAYS`
long) gets the capacity its events leave and its share of the year's demand. What cannot move
in a stretch waits at its origin as backlog, up to the origin's storage, and is offered again
in the next, paying its value of time for the wait; what storage cannot hold is stranded.
Stranded crude is output cut at the fields: deferred, not lost, so it costs its carrying cost
(its value times a cost of capital over the days it is deferred, :class:`corridor.scenario.Oil`)
unless the scenario's oil block says a share of it is lost. Stretches are solved in order (a
planner's view: nobody knows next week's closures), so the replay is myopic by design.

Many stretches pose the same LP (a closure that holds for weeks, with no backlog carried): a
:class:`ReplayCache` solves each distinct one once, and the replays of one impact share it, with
their dated networks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from corridor.analysis._stretches import ReplayCache
from corridor.analysis.dependency import PATH_COLUMNS, assignment_paths
from corridor.analysis.storage import buffered_storage
from corridor.errors import ScenarioError
from corridor.flow import Assignment, Demand
from corridor.flow.read import RENT_COLUMNS
from corridor.network import Network
from corridor.scenario import Horizon, Oil, Scenario, with_investments
from corridor.scenario.model import COST_OF_CAPITAL_PER_YEAR, DEFERRAL_DAYS

__all__ = ["STRETCH_DAYS", "Period", "Replay", "ReplayCache", "default_storage", "oil_penalty", "replay"]

Period = Literal["day", "week", "month"]

STRETCH_DAYS = 7
"""The longest stretch a replay solves as one: backlog can move again at least weekly."""


@dataclass(frozen=True, eq=False)
class Replay:
    """A horizon replayed stretch by stretch, reported per period.

    The horizon is solved in ``stretches`` (start, end, days) cut where an event starts or ends
    and at most :data:`STRETCH_DAYS` long, one assignment each, whatever the reporting period:
    so the answer does not depend on it. ``stretches`` also carries each stretch's costs in USD
    (transport_usd, time_usd and its part in queues queue_usd, waiting_usd, lost_value_usd,
    carrying_usd) and stranded units per commodity. ``periods`` (start, end, days) are the user's
    reporting periods; ``volumes``: per period and pair, demand offered (with backlog), moved,
    backlog waiting at the period's end, stranded (in units, not per year).

    Costs over the horizon: ``transport_cost_usd`` (tariffs and premiums), ``time_cost_usd``
    (shippers' value of time: ``transit_time_cost_usd`` in transit and ``queue_cost_usd`` waiting
    in queues, each segment at its own), ``waiting_cost_usd`` (backlog waiting at origins),
    ``stranded_value_usd`` (cargo lost: stranded cargo other than crude, and the lost share of
    cut crude output), ``carrying_cost_usd`` (deferred crude output's carrying cost);
    ``deferred_value_usd`` is the value of the deferred output, not a cost. Deferred output pays
    its freight when it is shipped: ``transport_cost_usd`` counts it (``deferred_freight_usd``, at
    what the same origin's crude paid per tonne in that stretch), so a cut is no saving.
    """

    scenario: str
    periods: pd.DataFrame
    volumes: pd.DataFrame
    assignments: tuple[Assignment, ...] = field(repr=False)
    stretches: pd.DataFrame
    transport_cost_usd: float
    waiting_cost_usd: float
    stranded_value_usd: float
    transit_time_cost_usd: float = 0.0  # shippers' value of time in transit and delays (segments)
    queue_cost_usd: float = 0.0  # and waiting in queues (the bottlenecks' queue_cost_usd)
    deferred_value_usd: float = 0.0
    carrying_cost_usd: float = 0.0
    deferred_freight_usd: float = 0.0
    lost_crude_value_usd: float = 0.0  # the part of stranded_value_usd that is crude never produced

    @property
    def time_cost_usd(self) -> float:
        """The shippers' time: in transit and in queues."""
        return self.transit_time_cost_usd + self.queue_cost_usd

    @property
    def total_cost_usd(self) -> float:
        return (
            self.transport_cost_usd
            + self.time_cost_usd
            + self.waiting_cost_usd
            + self.stranded_value_usd
            + self.carrying_cost_usd
        )

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

    @cached_property
    def _splits(self) -> dict[int, pd.DataFrame]:
        """Each distinct solution's flows split into paths (a year's volume), by its id: stretches
        that share a solution share its split, scaled to their own days."""
        split: dict[int, pd.DataFrame] = {}
        for result in self.assignments:
            if id(result) not in split:
                split[id(result)] = assignment_paths(result)
        return split

    @cached_property
    def _paths(self) -> tuple[pd.DataFrame, ...]:
        split = self._splits
        return tuple(
            split[id(result)].assign(volume=split[id(result)]["volume"] * (days / 365.0))
            for result, days in zip(self.assignments, self.stretches["days"], strict=True)
        )

    def path_table(self) -> pd.DataFrame:
        """:meth:`stretch_paths` in one table, with the ``stretch`` of each path (stretches
        without paths left out), built without a table per stretch."""
        split = self._splits
        found = [(s, split[id(r)], d) for s, (r, d) in enumerate(zip(self.assignments, self.stretches["days"],
                                                                         strict=True)) if not split[id(r)].empty]  # fmt: skip
        if not found:
            return pd.DataFrame(columns=[*PATH_COLUMNS, "stretch"])
        out, sizes = _stacked([frame for _, frame, _ in found])
        out["volume"] = out["volume"].to_numpy(float) * np.repeat([d / 365.0 for _, _, d in found], sizes)
        out["stretch"] = np.repeat(np.array([s for s, _, _ in found], dtype=np.int64), sizes)
        return out

    def stretch_paths(self) -> list[pd.DataFrame]:
        """Each stretch's flows split into paths (origin, destination, commodity, links, volume in
        units moved in that stretch); split once, then kept."""
        return list(self._paths)

    def paths(self) -> pd.DataFrame:
        """Every stretch's flows split into paths (origin, commodity, links, volume in units moved)."""
        frames = [f for f in self.stretch_paths() if not f.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PATH_COLUMNS)

    def bottleneck_rents(self) -> pd.DataFrame:
        """Each binding capacity over the horizon: rent_usd in USD over the days it binds, and its
        parts, scarcity_rent_usd (its dual times the capacity it binds) and queue_cost_usd (what
        its queue costs the cargo waiting in it), each stretch at its own; the highest dual (in its
        own unit, per TEU, per t), the longest queue (wait_h) and its highest price (wait_usd, per
        unit of load a year), days binding."""
        keys = ["element", "kind", "direction", "dimension"]
        found = [(r.bottlenecks, int(d)) for r, d in zip(self.assignments, self.stretches["days"], strict=True)]
        found = [(frame, d) for frame, d in found if not frame.empty]
        columns = [
            *keys,
            *RENT_COLUMNS,
            "shadow_price_usd",
            "usd_per_teu",
            "usd_per_t",
            "wait_h",
            "wait_usd",
            "days_binding",
        ]
        if not found:
            return pd.DataFrame(columns=columns)
        rows, sizes = _stacked([frame for frame, _ in found])
        days = np.repeat(np.array([d for _, d in found], dtype=np.int64), sizes)
        rows = rows.assign(days_binding=days, **{c: rows[c].to_numpy(float) * days / 365.0 for c in RENT_COLUMNS})
        return rows.groupby(keys, as_index=False).agg(
            **{c: (c, "sum") for c in RENT_COLUMNS},
            shadow_price_usd=("shadow_price_usd", "max"),
            usd_per_teu=("usd_per_teu", "max"),
            usd_per_t=("usd_per_t", "max"),
            wait_h=("wait_h", "max"),
            wait_usd=("wait_usd", "max"),
            days_binding=("days_binding", "sum"),
        )[columns]

    def days_to_clear(self) -> float | None:
        """Days from the first period that leaves a backlog to the end of the last one: 0.0
        without a backlog, None when it is not cleared within the horizon."""
        per = self.volumes.groupby("period")["backlog"].sum()
        late = per[per > 1e-6]
        if late.empty:
            return 0.0
        if late.index.max() == per.index.max():
            return None  # not cleared within the horizon
        first, last = int(late.index.min()), int(late.index.max())
        days = self.periods.set_index("period")["days"]
        return float(days.loc[first : last + 1].sum())


def _stacked(frames: Sequence[pd.DataFrame]) -> tuple[pd.DataFrame, np.ndarray]:
    """The stretches' tables one after another (a fresh index), and how many rows each gave;
    stretches that share a solution share its table: each distinct one is copied once, then taken."""
    first: dict[int, int] = {}  # where each distinct table starts in ``every``
    distinct: list[pd.DataFrame] = []
    for frame in frames:
        if id(frame) not in first:
            first[id(frame)] = sum(len(f) for f in distinct)
            distinct.append(frame)
    every = pd.concat(distinct, ignore_index=True)
    rows = np.concatenate([first[id(frame)] + np.arange(len(frame)) for frame in frames])
    return every.take(rows).reset_index(drop=True), np.array([len(frame) for frame in frames], dtype=np.int64)


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
    cache: ReplayCache | None = None,
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
    cache
        Shared by replays of the same network (an impact's runs): dated networks and stretch LPs
        it has met already are not built or solved again (default: one for this replay).

    Returns
    -------
    Replay
        One assignment per stretch, and per period and pair what was offered, moved, carried over
        as backlog and stranded; stranded crude is deferred output, costed at its carrying cost.

    Raises
    ------
    ScenarioError
        Neither the scenario nor ``horizon`` gives the dates.

    Examples
    --------
    >>> from corridor.analysis.replay import replay
    >>> net = load_network()
    >>> run = replay(net, load_demand(net), load_scenario("cpc-storm-2022"), period="week")
    >>> int(run.periods["days"].sum()), run.stranded()["crude_oil"] > 0
    (92, True)
    """
    horizon = horizon or scenario.horizon
    if horizon is None:
        raise ScenarioError(f"scenario {scenario.name!r} has no horizon; give it one (horizon: start, end)")
    base = network
    network = with_investments(network, scenario)
    own = default_storage(network, demand) if storage is None else dict(storage)
    storage = buffered_storage(network, demand, scenario, own) if storage is None else own  # tanks, tanker queues
    cache = cache if cache is not None else ReplayCache()
    on_day = cache.day_networks(network)
    penalty = oil_penalty(network, scenario)
    oil = _deferral(network, scenario)
    crude = oil.pairs(demand.table)  # the crude pairs, the same in every stretch
    table = demand.table
    backlog = np.zeros(len(table))
    vot = dict(zip(network.commodities["id"], network.commodities["value_of_time_usd_per_unit_day"], strict=True))
    pair_vot = table["commodity"].map(vot).to_numpy(float)
    quantity = table["quantity_per_year"].to_numpy(float)
    stretches = scenario.stretches(horizon, max_days=STRETCH_DAYS)
    rows, results = [], []
    for stretch in stretches:
        network = on_day(stretch.start)  # each stretch on the network of its own dates
        scale = stretch.days / 365.0
        effect = cache.effect(network, scenario, demand, stretch)
        if effect.bare_derates(network):
            effect = replace(effect, reference_t=cache.reference_loads(base, demand, network.compiled.n_arcs))
        # the LP works in rates per year: this stretch's demand and backlog as a yearly rate
        offered = quantity * effect.demand_factor * scale + backlog
        effect = replace(effect, demand_factor=offered / scale / quantity.clip(min=1e-12))
        answer = cache.solve(
            network, demand, effect, penalty, lp=lp, solver_options=solver_options, at=(scenario.name, stretch.start)
        )
        result = answer.result
        results.append(result)
        left = result.unserved["unserved"].to_numpy(float) * scale
        kept = _store(left, table["origin"].to_numpy(), storage)
        cut = (left - kept) * answer.penalty  # USD: the value of what is left behind, pair by pair
        deferred = float(cut[crude].sum()) * (1.0 - oil.lost_share)
        lost_crude = float(cut[crude].sum()) * oil.lost_share
        # deferred output is shipped later and pays its freight then: no saving
        later = float(((left - kept) * answer.freight)[crude].sum())
        later *= 1.0 - oil.lost_share
        rows.append(
            {
                "offered": offered,
                "moved": offered - left,
                "backlog": kept,
                "stranded": left - kept,
                "transport": result.transport_cost_usd * scale + later,
                "deferred_freight": later,
                "time": result.time_cost_usd * scale,
                "queue": result.waiting_cost_usd * scale,
                "lost_value": float(cut.sum()) - deferred,
                "deferred_value": deferred,
                "lost_crude_value": lost_crude,
                "carrying": oil.carrying_usd(deferred),
            }
        )
        backlog = kept
        if progress is not None:
            progress(len(rows), len(stretches))
    solved = pd.DataFrame(
        {"stretch": range(len(stretches)), "start": [h.start for h in stretches], "end": [h.end for h in stretches]}
    )
    solved["days"] = [h.days for h in stretches]
    # backlog waits from the end of one stretch through the next
    waits = [0.0] + [float(r["backlog"] @ pair_vot) * nxt.days for r, nxt in zip(rows, stretches[1:], strict=False)]
    solved["transport_usd"] = [r["transport"] for r in rows]
    solved["time_usd"] = [r["time"] for r in rows]
    solved["queue_usd"] = [r["queue"] for r in rows]
    solved["waiting_usd"] = waits
    solved["lost_value_usd"] = [r["lost_value"] for r in rows]
    solved["carrying_usd"] = [r["carrying"] for r in rows]
    commodity = table["commodity"].to_numpy()
    for name in dict.fromkeys(commodity):
        solved[f"stranded_{name}"] = [float(r["stranded"][commodity == name].sum()) for r in rows]
    periods = _periods(horizon, period)
    volumes = _by_period(table, stretches, rows, periods)
    return Replay(
        scenario=scenario.name,
        periods=pd.DataFrame(
            [{"period": p, "start": a, "end": b, "days": (b - a).days + 1} for p, (a, b) in enumerate(periods)]
        ),
        volumes=volumes,
        assignments=tuple(results),
        stretches=solved,
        transport_cost_usd=float(sum(r["transport"] for r in rows)),
        transit_time_cost_usd=float(sum(r["time"] - r["queue"] for r in rows)),
        queue_cost_usd=float(sum(r["queue"] for r in rows)),
        waiting_cost_usd=float(sum(waits)),
        stranded_value_usd=float(sum(r["lost_value"] for r in rows)),
        deferred_value_usd=float(sum(r["deferred_value"] for r in rows)),
        lost_crude_value_usd=float(sum(r["lost_crude_value"] for r in rows)),
        carrying_cost_usd=float(sum(r["carrying"] for r in rows)),
        deferred_freight_usd=float(sum(r["deferred_freight"] for r in rows)),
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
    n = len(table)
    columns: dict[str, list[np.ndarray]] = {"offered": [], "moved": [], "backlog": [], "stranded": []}
    next_days = []
    for p, (first, last) in enumerate(periods):
        offered = np.zeros(n)
        moved = np.zeros(n)
        stranded = np.zeros(n)
        backlog = np.zeros(n)
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
        for name, values in (("offered", offered), ("moved", moved), ("backlog", backlog), ("stranded", stranded)):
            columns[name].append(values)
        next_days.append((periods[p + 1][1] - periods[p + 1][0]).days + 1 if p + 1 < len(periods) else 0)
    count = len(
        periods
    )  # one frame of every period's rows, in period order (built at once: a frame per period is slow)
    return pd.DataFrame(
        {
            "period": np.repeat(np.arange(count, dtype=np.int64), n),
            "origin": np.tile(table["origin"].to_numpy(), count),
            "destination": np.tile(table["destination"].to_numpy(), count),
            "commodity": np.tile(table["commodity"].to_numpy(), count),
            **{name: np.concatenate(parts) if parts else np.zeros(0) for name, parts in columns.items()},
            "next_days": np.repeat(np.asarray(next_days, dtype=np.int64), n),
        }
    )


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


@dataclass(frozen=True)
class _Deferral:
    """How cut crude output is costed: which commodities are crude (counted in barrels), the
    share lost, and the carrying cost of the rest per USD of value and per barrel."""

    commodities: frozenset[str]
    lost_share: float
    carrying_share: float
    storage_usd_per_bbl: float  # over the whole deferral
    bbl_per_usd: float  # barrels per USD of value, for the storage

    def pairs(self, table: pd.DataFrame) -> np.ndarray:
        return np.asarray(table["commodity"].isin(self.commodities).to_numpy(), dtype=bool)

    def carrying_usd(self, deferred_value_usd: float) -> float:
        return deferred_value_usd * (self.carrying_share + self.storage_usd_per_bbl * self.bbl_per_usd)


def _deferral(network: Network, scenario: Scenario) -> _Deferral:
    """The scenario's oil block as a costing rule (without one: the defaults of :class:`Oil`
    and each crude's value in commodities.csv)."""
    barrels = dict(zip(network.commodities["id"], network.commodities["barrels_per_unit"], strict=True))
    crude = frozenset(str(c) for c, b in barrels.items() if np.isfinite(b))
    oil: Oil | None = scenario.oil
    if oil is None:
        share = COST_OF_CAPITAL_PER_YEAR * DEFERRAL_DAYS / 365.0
        return _Deferral(crude, 0.0, share, 0.0, 0.0)
    netback = oil.price_usd_per_bbl - oil.blend_discount_usd_per_bbl
    return _Deferral(
        crude, oil.lost_share, oil.carrying_share(), oil.storage_usd_per_bbl_day * oil.deferral_days, 1.0 / netback
    )
