"""Calibration on 2021 and validation against published figures (``corridor calibrate``,
``corridor validate-model``).

The free parameters (:data:`FREE_PARAMETERS`) are few, and each has a published counterpart to
check it against:

* ``share_time_critical`` and ``share_standard``: the shares of the container shipper segments
  (``segments.csv``; economy makes up the rest);
* ``share_time_critical_east`` and ``share_standard_east``: the same for the boxes bound east
  (Europe's and Turkey's exports to Asia): another mix of goods than Asia's exports, whose
  eastbound rail volume the published series gives apart;
* ``through_charge_usd``: what a China-Europe block train charges per TEU on top of the published
  per-km transit rates and border fees (wagon and platform hire, terminals, the operator's
  margin), levied at the China-Kazakhstan crossings every Chinese rail box passes; the
  published through rates of 2021 (``targets.csv``, use ``check``) bound it;
* ``caspian_delay_h``: the delay a shipper expects on the Caspian crossing beyond its timetable
  (missed sailings, storms, paperwork); the published door-to-door times bound it.

:func:`calibrate` searches a fixed grid of these for the least error over the 2021 targets
marked ``fit`` (squared log errors, and a penalty for each figure outside its published band:
:data:`OUTSIDE_PENALTY`) (rail volumes each way over the 1520 mm transit, Trans-Caspian boxes,
the through rate, the rail transit through Kazakhstan, ...): one block of parameters at a time
(:data:`SEARCH_BLOCKS`) over its crossed grids with the others held, round after round until no
block moves (block coordinate descent), in a fixed order with ties kept first, so the same inputs always give the same parameters.
``corridor calibrate --write`` stores them in ``calibration/parameters.csv`` with the figures
they were fitted to; :func:`corridor.load_network` lays them over the published tables.

The 2022 figures are never fitted: :func:`validation_table` replays ``sanctions-2022`` with the
fitted parameters unchanged and says which published figures the model lands in and which it
misses; figures marked ``check`` in 2021 were not fitted either. Each year after 2022 has one
parameter of its own, the sanctions risk shippers priced that year, fitted to one named figure of
the year (:func:`fit_risk_year`, ``calibration/risk-years.csv``); the year's other figures are
checks of it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.analysis.risk_years import (
    RISK_GRID_DAYS,
    RiskFit,
    load_risk_years,
    priced_as_days,
    risk_days_in,
    with_risk_days,
)
from corridor.analysis.yearly import assign_span, day_pieces, market_network_on
from corridor.errors import DataError, Problem
from corridor.flow import Assignment, Demand, assign, combine_assignments, demand_from_frame
from corridor.network import (
    PARAMETERS_FILE,
    Network,
    apply_parameters,
    builtin_dataset_path,
    group_members,
    network_on,
    year_span,
)
from corridor.routing import shortest_route
from corridor.scenario import Scenario, load_scenario

__all__ = [
    "FREE_PARAMETERS",
    "Calibration",
    "calibrate",
    "fit_error",
    "fit_risk_year",
    "load_targets",
    "measures",
    "parameter_table",
    "validation_statistics",
    "validation_table",
    "write_parameters",
]

FREE_PARAMETERS: dict[str, tuple[str, str, str, str, tuple[float, ...]]] = {
    # name: (kind, target, commodity, segment, grid)
    "share_time_critical": ("segment_share", "", "container", "time_critical", (0.005, 0.01, 0.02, 0.03, 0.04, 0.05)),
    "share_standard": ("segment_share", "", "container", "standard", (0.05, 0.1, 0.2, 0.3)),
    "share_time_critical_east": ("segment_share", "eastbound", "container", "time_critical", (0.005, 0.01, 0.02, 0.03)),
    "share_standard_east": ("segment_share", "eastbound", "container", "standard", (0.05, 0.1, 0.15, 0.2, 0.3)),
    "through_charge_usd": ("extra_charge_usd", "kz_cn_border", "container", "", (0.0, 750.0, 1500.0, 2250.0, 3000.0)),
    "caspian_delay_h": ("extra_dwell_h", "caspian_crossing", "", "", (0.0, 72.0, 168.0, 336.0)),
}
"""The free parameters: what each sets, and the values the grid search tries."""

SEARCH_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("share_time_critical", "share_standard"),
    ("share_time_critical_east", "share_standard_east"),
    ("through_charge_usd",),
    ("caspian_delay_h",),
)
"""The parameters searched together: a direction's two shares trade off against each other (more
time-critical boxes, fewer standard ones), so their grids are crossed; the blocks take turns."""


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """The published figures the model is fitted to (``use`` = fit) or checked against (check).

    Examples
    --------
    >>> t = load_targets()
    >>> sorted(set(t["use"]))
    ['check', 'fit']
    """
    file = builtin_dataset_path() / "calibration" / "targets.csv" if path is None else Path(path)
    return pd.read_csv(file, keep_default_na=False)


@dataclass(frozen=True)
class Calibration:
    """The fitted parameters, and each 2021 target's published value beside the model's."""

    parameters: dict[str, float]
    error: float  # squared log errors over the fit targets, plus a penalty per target outside its band (fit_error)
    table: pd.DataFrame  # figure, year, measure, value, low, high, unit, use, source, model, inside
    tried: int = 0
    equilibrium: bool = True  # fitted under the per-segment equilibrium


def parameter_table(values: dict[str, float], fitted_to: str = "") -> pd.DataFrame:
    """Parameters by name as rows of ``calibration/parameters.csv``.

    Examples
    --------
    >>> parameter_table({"caspian_delay_h": 72.0})[["kind", "target", "value"]].values.tolist()
    [['extra_dwell_h', 'caspian_crossing', 72.0]]
    """
    rows = []
    for name, value in values.items():
        kind, target, commodity, segment, _ = FREE_PARAMETERS[name]
        rows.append({"parameter": name, "kind": kind, "target": target, "commodity": commodity, "segment": segment,
                     "value": float(value), "fitted_to": fitted_to, "source": "", "note": ""})  # fmt: skip
    return pd.DataFrame(rows)


def measures(network: Network, result: Assignment) -> dict[str, float]:
    """The model's value of each measure ``targets.csv`` names, from one assignment (yearly rates)."""
    f = result.flows
    box = f[f["commodity"] == "container"]
    by_origin = result.flows_by_origin
    own = _own_trade_origins(network)
    boxes = by_origin[(by_origin["commodity"] == "container") & ~by_origin["origin"].isin(own)]
    brest = boxes[boxes["link"] == "bx_brest_malaszewicze"]  # China-Europe transit, as the ERAI series counts
    _, caspian = group_members(network, "caspian_crossing")
    across = box[box["link"].isin(caspian)]
    at_baku = across[(across["from"] == "baku_alat_port") | (across["to"] == "baku_alat_port")]
    turkmen = ["turkmenbashi_port"]  # the TITR's counts leave out the Turkmen direction (R8; R88)
    titr = across[~(across["from"].isin(turkmen) | across["to"].isin(turkmen))]
    kazakh_ports = ["aktau_port", "kuryk_port"]
    at_kz_ports = across[across["from"].isin(kazakh_ports) | across["to"].isin(kazakh_ports)]
    crude = f[f["commodity"] == "crude_oil"]
    aktau_tankers = crude[crude["link"].isin(["cs_aktau_sangachal_tanker", "cs_aktau_makhachkala_tanker"])]
    from_aktau = aktau_tankers[aktau_tankers["from"] == "aktau_port"].groupby("link")["flow_per_year"].sum()
    to_baku = float(from_aktau.get("cs_aktau_sangachal_tanker", 0.0))
    to_makhachkala = float(from_aktau.get("cs_aktau_makhachkala_tanker", 0.0))
    rail = shortest_route(network, "xian_port", "duisburg", commodity="container", avoid=["sea"])
    waits = dict(zip(zip(box["link"], box["from"], box["to"], strict=True), box["wait_h"], strict=True))
    mc = shortest_route(network, "xian_port", "poti_port", commodity="container", by="time", avoid=["RU"])
    mc_wait = sum(waits.get((lk, a, b), 0.0) for lk, a, b in zip(mc.links, mc.nodes[:-1], mc.nodes[1:], strict=True))
    into_cpc = result.flows_by_origin[result.flows_by_origin["to"] == "cpc_marine_terminal"]
    kazakh = set(network.nodes.loc[network.nodes["country"] == "KZ", "id"])
    transit = boxes[boxes["link"].isin(caspian)]  # China's and Europe's boxes
    return {
        "rail_west": float(brest.loc[brest["from"] == "brest", "flow_per_year"].sum()),
        "rail_east": float(brest.loc[brest["from"] == "malaszewicze", "flow_per_year"].sum()),
        "rail_both": float(brest["flow_per_year"].sum()),
        "kz_cer_transit": float(brest["flow_per_year"].sum() + transit["flow_per_year"].sum()),
        "caspian_teu": float(titr["flow_per_year"].sum()),
        "aktau_kuryk_teu": float(at_kz_ports["flow_per_year"].sum()),
        "aktau_crude_t": float(aktau_tankers.loc[aktau_tankers["from"] == "aktau_port", "flow_per_year"].sum()),
        "aktau_baku_crude_t": to_baku,
        "aktau_makhachkala_crude_t": to_makhachkala,
        "aktau_baku_crude_t_10m": to_baku * 10.0 / 12.0,
        "aktau_makhachkala_crude_t_10m": to_makhachkala * 10.0 / 12.0,
        "samara_t": float(crude.loc[crude["link"] == "ru_atyrau_samara", "flow_per_year"].sum()),
        "caspian_teu_11m": float(titr["flow_per_year"].sum()) * 11.0 / 12.0,
        "cpc_t": float(into_cpc["flow_per_year"].sum()),
        "cpc_kz_t": float(into_cpc.loc[into_cpc["origin"].isin(kazakh), "flow_per_year"].sum()),
        "baku_teu": float(at_baku["flow_per_year"].sum()),
        "rail_rate_xian_duisburg": 2.0 * rail.cost_usd,
        "mc_days": (mc.time_h + mc_wait) / 24.0,
    }


EU_END_OF_KAZAKH_TRADE = "lodz"
"""The node that stands for the EU end of Kazakhstan's own trade with the EU (``demand-*.csv``):
no China-Europe box leaves from it, so the boxes that do are Kazakhstan's imports, which the
China-Europe transit series (ERAI, KTZ's transit count) leave out."""


def _own_trade_origins(network: Network) -> set[str]:
    """Origins of the boxes that are the Caspian countries' own trade, not China-Europe transit: the
    nodes of those countries and the EU end of Kazakhstan's trade with the EU."""
    countries = ["KZ", "UZ", "TM", "AZ", "GE", "TR"]
    return set(network.nodes.loc[network.nodes["country"].isin(countries), "id"]) | {EU_END_OF_KAZAKH_TRADE}


OUTSIDE_PENALTY = 1.0
"""What a fit target outside its published band adds to the error, on top of its squared log
error: more than the squared log errors of a fit inside all its bands add up to, so a fit that
lands every figure in its band beats one nearer the centres that leaves one out."""


def fit_error(model: dict[str, float], targets: pd.DataFrame) -> float:
    """Squared log errors from each fit target's value, plus :data:`OUTSIDE_PENALTY` for each
    target the model falls outside the band of.

    Examples
    --------
    >>> rows = pd.DataFrame({"use": ["fit"], "measure": ["m"], "value": [100.0], "low": [90.0], "high": [110.0]})
    >>> round(fit_error({"m": 95.0}, rows), 4), round(fit_error({"m": 85.0}, rows), 4)
    (0.0026, 1.0258)
    """
    fit = targets[(targets["use"] == "fit")]
    total = 0.0
    for m, v, low, high in zip(fit["measure"], fit["value"], fit["low"], fit["high"], strict=True):
        total += float(np.log((model[m] + 1.0) / (float(v) + 1.0)) ** 2)
        total += 0.0 if float(low) <= model[m] <= float(high) else OUTSIDE_PENALTY
    return total


def _compare(model: dict[str, float], targets: pd.DataFrame) -> pd.DataFrame:
    columns = ["figure", "year", "measure", "group", "value", "low", "high", "unit", "use", "source", "if_missed"]
    out = targets[[c for c in columns if c in targets.columns]].copy()
    out["model"] = [model.get(m, np.nan) for m in out["measure"]]
    out["inside"] = (out["model"] >= out["low"].astype(float)) & (out["model"] <= out["high"].astype(float))
    return out


def calibrate(
    network: Network,
    demand: Demand,
    *,
    targets: pd.DataFrame | None = None,
    grid: dict[str, Sequence[float]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    equilibrium: bool = True,
) -> Calibration:
    """Fit the free parameters to the 2021 targets by a search over a fixed grid.

    Parameters
    ----------
    network
        The network with its published tables only (``load_network(calibrated=False)``); the
        fit runs on it as it stood in 2021 (:func:`corridor.network.network_on`).
    demand
        The 2021 demand, loaded on that network.
    targets
        ``load_targets()`` by default; rows of 2021 with use ``fit`` are fitted.
    grid
        Values to try per parameter (default: each one's grid in :data:`FREE_PARAMETERS`).
    progress
        Called with (done, total).
    equilibrium
        Fit under the per-segment equilibrium (as :func:`corridor.flow.assign` places demand by
        default, and as the shipped parameters were fitted); ``False``: the LP solved once.

    Returns
    -------
    Calibration
        The best parameters, their error and the 2021 comparison table. The search starts from
        the middle of each grid and goes through :data:`SEARCH_BLOCKS` in a fixed order, one block
        at a time over its crossed grids, until a round moves none; ties keep the value held, so the same inputs
        give the same parameters. ``tried`` counts the assignments solved.

    Examples
    --------
    >>> net = load_network(calibrated=False)
    >>> grid = {"share_time_critical": [0.02], "share_standard": [0.1], "share_time_critical_east": [0.02],
    ...         "share_standard_east": [0.15], "through_charge_usd": [1500.0], "caspian_delay_h": [0.0, 168.0]}
    >>> fit = calibrate(net, load_demand(net), grid=grid)
    >>> fit.parameters["caspian_delay_h"] in (0.0, 168.0), fit.tried
    (True, 2)
    """
    targets = load_targets() if targets is None else targets
    year = targets[targets["year"].astype(int) == 2021]
    network = network_on(network, dt.date(2021, 1, 1))  # 2021's network: no element or capacity changed within it
    axes = {name: [float(v) for v in (grid or {}).get(name, spec[4])] for name, spec in FREE_PARAMETERS.items()}
    seen: dict[tuple[float, ...], tuple[float, dict[str, float]]] = {}

    def score(params: dict[str, float]) -> float:
        key = tuple(params.values())
        if key not in seen:
            net, dem = _with(network, demand, params)
            model = measures(net, assign(net, dem, equilibrium=equilibrium))
            seen[key] = (fit_error(model, year), model)
            if progress is not None:
                progress(len(seen), sum(len(v) for v in axes.values()))
        return seen[key][0]

    held = {name: values[(len(values) - 1) // 2] for name, values in axes.items()}
    best = score(held)
    moved = True
    while moved:
        moved = False
        for block in SEARCH_BLOCKS:
            for values in itertools.product(*(axes[name] for name in block)):
                trial = {**held, **dict(zip(block, values, strict=True))}
                err = score(trial)
                if err < best - 1e-12:
                    best, held, moved = err, trial, True
    table = _compare(seen[tuple(held.values())][1], year)
    return Calibration(parameters=held, error=best, table=table, tried=len(seen), equilibrium=equilibrium)


def _with(network: Network, demand: Demand, params: dict[str, float]) -> tuple[Network, Demand]:
    """The network with these parameter values, and the demand split by its segment shares."""
    net = apply_parameters(network, parameter_table(params))
    keys = ["origin", "destination", "commodity", "source", "note"]
    raw = pd.DataFrame(demand.table.groupby(keys, as_index=False, sort=False)["quantity_per_year"].sum())
    return net, demand_from_frame(net, raw, name=demand.name)


def write_parameters(calibration: Calibration, path: str | Path | None = None) -> Path:
    """Write the fitted parameters to ``calibration/parameters.csv`` (of the built-in dataset by
    default), each with the targets it was fitted to and the error reached."""
    file = builtin_dataset_path() / PARAMETERS_FILE if path is None else Path(path)
    fit = calibration.table[calibration.table["use"] == "fit"]
    fitted_to = "; ".join(f"{f} {y} ({s})" for f, y, s in zip(fit["figure"], fit["year"], fit["source"], strict=True))
    table = parameter_table(calibration.parameters, fitted_to)
    table["source"] = "; ".join(dict.fromkeys(s for s in fit["source"]))
    table["note"] = (
        f"corridor calibrate{'' if calibration.equilibrium else ' --no-equilibrium'} "
        f"({'per-segment equilibrium' if calibration.equilibrium else 'LP solved once'}): block search over the grids in "
        f"{calibration.tried} assignments; squared log error with band penalties {calibration.error:.4f}"
    )
    file.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(file, index=False, lineterminator="\n")
    return file


def _replay_year(
    network: Network, demand: Demand, year: int, scenario: Scenario | None, *, equilibrium: bool = True
) -> Assignment:
    """A year's demand over the year's dated networks and sea markets; from the scenario's start, as it leaves them.

    A scenario that starts before the year runs all year with what still holds then (a risk held
    until further notice holds; the earlier year's tariff moves do not); days before it starts are
    the plain assignment.
    """
    from corridor.flow import build_assignment, read_assignment, solve_model
    from corridor.scenario import Horizon, scenario_effect

    first, last = year_span(year)
    if scenario is None or scenario.horizon is None or scenario.horizon.start > last:
        return assign_span(network, demand, first, last, equilibrium=equilibrium)
    start = max(first, scenario.horizon.start)
    chosen = scenario.model_copy(update={"horizon": Horizon(start=start, end=last)})
    parts: list[tuple[int, Assignment]] = []
    if start > first:
        before = assign_span(network, demand, first, start - dt.timedelta(days=1), equilibrium=equilibrium)
        parts.append(((start - first).days, before))
    for stretch in chosen.stretches(chosen.horizon):
        for a, b in day_pieces(network, stretch.start, stretch.end):
            day = market_network_on(network, a)
            effect = scenario_effect(day, chosen, demand.table, horizon=Horizon(start=a, end=b))
            model = build_assignment(day, demand, effect=effect)
            parts.append(((b - a).days + 1, read_assignment(model, solve_model(model, equilibrium=equilibrium))))
    return combine_assignments(parts)


def validation_table(
    network: Network,
    demand: Demand | None = None,
    *,
    targets: pd.DataFrame | None = None,
    scenario: str = "sanctions-2022",
    risk_days: Sequence[float] = (14.0, 42.0),
    risk_years: pd.DataFrame | None = None,
    equilibrium: bool = True,
) -> pd.DataFrame:
    """Every published figure beside the model's: the fitted year, and each later year replayed.

    Each year runs on its own demand (``demand-<year>.csv``; ``demand`` replaces the fitted
    year's) over its own dated networks (:mod:`corridor.network.history`). From the scenario's
    start (``sanctions-2022``, 1 March 2022) every later year runs as the scenario leaves the
    network, with the sanctions risk of its own year (``risk_years``, by default
    ``calibration/risk-years.csv``: :mod:`corridor.analysis.risk_years`); nothing else is refitted.
    The scenario's own risk has no published figure, so the rows of its first year are also given
    at each of ``risk_days`` (``variant``). ``sanctions_risk_days`` gives the hold-up each row's
    year was replayed with.
    ``why`` says, for a figure outside its band, what in the model's structure keeps it there.
    Demand is placed as :func:`corridor.flow.assign` places it: at the per-segment equilibrium,
    or with ``equilibrium=False`` by the LP solved once.

    Examples
    --------
    >>> fitted = load_targets().query("year == 2021")
    >>> table = validation_table(load_network(), targets=fitted)
    >>> sorted(set(table["year"])), bool(table.loc[table["measure"] == "caspian_teu", "inside"].item())
    ([2021], True)
    """
    from corridor.flow import load_demand

    targets = load_targets() if targets is None else targets
    history = load_risk_years() if risk_years is None else risk_years
    years = sorted({int(y) for y in targets["year"]})
    fit_year = min(int(y) for y, u in zip(targets["year"], targets["use"], strict=True) if u == "fit")
    base = load_scenario(scenario)
    given = _held_days(base)
    variants: list[tuple[str, Scenario]] = [("", base)]
    for days in risk_days:
        if given and float(days) not in given:
            variants.append((f"sanctions risk {days:g} days", with_risk_days(base, float(days))))
    assert base.horizon is not None
    first = base.horizon.start.year
    rows = []
    for year in years:
        placed = demand if (year == fit_year and demand is not None) else load_demand(network, year=year)
        mine = targets[targets["year"].astype(int) == year]
        mid = network_on(network, dt.date(year, 7, 1))
        for label, chosen in variants if year == first else variants[:1]:
            held = _year_scenario(chosen, year, first, history)
            result = _replay_year(network, placed, year, held, equilibrium=equilibrium)
            days = 0.0 if held is None else max(_held_days(held), default=0.0)
            rows.append(_compare(measures(mid, result), mine).assign(variant=label, sanctions_risk_days=days))
    table = pd.concat(rows, ignore_index=True)
    table["why"] = ["" if inside else str(why) for inside, why in zip(table["inside"], table["if_missed"], strict=True)]
    return table.drop(columns=["if_missed"])


def _held_days(scenario: Scenario) -> list[float]:
    """The expected delays the scenario's risks price (those it prices as days)."""
    return [e.expected_delay_days for e in scenario.events if priced_as_days(e)]


def _year_scenario(scenario: Scenario, year: int, first: int, history: pd.DataFrame) -> Scenario | None:
    """The scenario a year is replayed with: none before its first year, as given in it, and after it
    with the sanctions risk of the year (:func:`corridor.analysis.risk_years.risk_days_in`)."""
    if year < first:
        return None
    days = risk_days_in(history, year) if year > first else None
    return scenario if days is None else with_risk_days(scenario, days)


def fit_risk_year(
    network: Network,
    year: int,
    *,
    targets: pd.DataFrame | None = None,
    scenario: str = "sanctions-2022",
    grid: Sequence[float] = RISK_GRID_DAYS,
    step_days: float = 1.0,
    equilibrium: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> RiskFit:
    """Fit the year's sanctions risk (days of expected hold-up) to the year's one ``fit`` figure.

    The year is replayed as :func:`validation_table` replays it (its demand, dated networks, sea
    market and the scenario's other events) at each hold-up of ``grid``, then every ``step_days``
    between the best one's neighbours on the grid (shippers leave a route in steps as each segment's
    priced hold-up passes its other routes' costs, so the volume can fall by half within a few days);
    the hold-up with the least :func:`fit_error` wins (ties keep the first tried). One parameter, one
    figure: a year with no ``fit`` row, or more than one, is refused, and every other figure of the
    year stays a check.

    Raises
    ------
    DataError
        ``targets.csv`` gives the year no ``fit`` row or more than one.

    Examples
    --------
    >>> fit = fit_risk_year(load_network(), 2024, grid=[0.0])
    >>> fit.expected_delay_days, fit.figure
    (0.0, 'China to EU rail westbound 2024 (K1)')
    """
    from corridor.flow import load_demand

    targets = load_targets() if targets is None else targets
    mine = targets[(targets["year"].astype(int) == year) & (targets["use"] == "fit")]
    if len(mine) != 1:
        raise DataError([Problem("targets.csv", f"year {year} has {len(mine)} rows with use fit; expected exactly one "
                                 "(the figure the year's sanctions risk is fitted to)", field="use")])  # fmt: skip
    base = load_scenario(scenario)
    assert base.horizon is not None
    if year <= base.horizon.start.year:
        raise DataError([Problem("targets.csv", f"year {year} is not after {scenario}'s first year "
                                 f"{base.horizon.start.year}; expected a later year", field="year")])  # fmt: skip
    placed = load_demand(network, year=year)
    mid = network_on(network, dt.date(year, 7, 1))
    measure = str(mine["measure"].iloc[0])
    tried: list[dict[str, float]] = []

    def trial(days: float, total: int) -> None:
        result = _replay_year(network, placed, year, with_risk_days(base, days), equilibrium=equilibrium)
        model = measures(mid, result)
        tried.append({"expected_delay_days": days, "model": model[measure], "error": fit_error(model, mine)})
        if progress is not None:
            progress(len(tried), total)

    coarse = sorted(float(d) for d in grid)
    for days in coarse:
        trial(days, len(coarse))
    at = int(np.argmin([t["error"] for t in tried]))
    low, high = coarse[max(at - 1, 0)], coarse[min(at + 1, len(coarse) - 1)]
    first_step = np.ceil(low / step_days) * step_days if step_days > 0 else high + 1.0  # whole steps
    fine = [float(d) for d in np.arange(first_step, high + 1e-9, step_days)] if step_days > 0 else []
    fine = [d for d in fine if all(abs(d - c) > 1e-9 for c in coarse)]
    for days in fine:
        trial(days, len(coarse) + len(fine))
    table = pd.DataFrame(tried)
    best = table.iloc[int(np.argmin(table["error"].to_numpy()))]  # ties: the first tried
    row = mine.iloc[0]
    return RiskFit(
        year=year,
        expected_delay_days=float(best["expected_delay_days"]),
        figure=f"{row['figure']} {year} ({row['source']})",
        source=str(row["source"]),
        value=float(row["value"]),
        model=float(best["model"]),
        inside=float(row["low"]) <= float(best["model"]) <= float(row["high"]),
        tried=table,
    )


def validation_statistics(table: pd.DataFrame) -> dict[str, object]:
    """WAPE, signed bias and the share inside its band, per use (fit, check) and measure group.

    WAPE is the sum of absolute errors over the sum of published values (within a group, whose
    figures share a unit); bias is the signed sum over the same (positive: the model over).

    Examples
    --------
    >>> rows = pd.DataFrame({"use": ["fit", "fit"], "group": ["rail", "rail"], "value": [100.0, 100.0],
    ...                      "model": [110.0, 80.0], "inside": [True, False], "variant": ["", ""]})
    >>> validation_statistics(rows)["fit"]["groups"]["rail"]
    {'rows': 2, 'inside': 1, 'share_inside': 0.5, 'wape': 0.15, 'bias': -0.05}
    """
    main = table[table["variant"] == ""] if "variant" in table.columns else table
    out: dict[str, object] = {}
    for use in ("fit", "check"):
        part = main[main["use"] == use]
        groups = {}
        for group, rows in part.groupby("group", sort=True):
            value, model = rows["value"].astype(float), rows["model"].astype(float)
            scale = float(value.abs().sum())
            groups[str(group)] = {
                "rows": len(rows),
                "inside": int(rows["inside"].sum()),
                "share_inside": round(float(rows["inside"].mean()), 4),
                "wape": round(float((model - value).abs().sum()) / scale, 4) if scale else None,
                "bias": round(float((model - value).sum()) / scale, 4) if scale else None,
            }
        out[use] = {
            "rows": len(part),
            "inside": int(part["inside"].sum()),
            "share_inside": round(float(part["inside"].mean()), 4) if len(part) else None,
            "years": sorted({int(y) for y in part["year"]}) if "year" in part.columns else [],
            "groups": groups,
        }
    return out
