"""Calibration on 2021 and validation against published figures (``corridor calibrate``,
``corridor validate-model``).

The free parameters are few and each has a published counterpart to check it against:

* ``share:<segment>``: the shares of the container shipper segments (``segments.csv``);
* ``through_charge_usd``: what a China-Europe block train charges per TEU on top of the published
  per-km transit rates and border fees (wagon and platform hire, terminals, the operator's
  margin), charged at the China-Kazakhstan border crossings every Chinese rail box passes. The
  published rail through rates of 2021 (``targets.csv``, use ``check``) bound it.

:func:`calibrate` searches a fixed grid of these for the least squared log error over the 2021
targets marked ``fit`` (rail volumes both ways over the 1520 mm transit, Trans-Caspian boxes),
so the same inputs always give the same parameters. The 2022 figures are never fitted:
:func:`validation_table` replays ``sanctions-2022`` with the fitted parameters unchanged and
says which published figures the model lands in and which it misses.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.flow import Assignment, Demand, assign, combine_assignments, demand_from_frame
from corridor.network import Network, builtin_dataset_path, group_members
from corridor.routing import shortest_route

__all__ = [
    "CHARGE_LINKS",
    "Calibration",
    "calibrate",
    "load_targets",
    "measures",
    "validation_table",
    "with_parameters",
]

CHARGE_LINKS = ("bx_ala_dostyk", "bx_hor_altynkol")
"""The China-Kazakhstan rail crossings where the fitted through-service charge is levied."""
BORDER_FEE_USD = 178.0
"""The published border fee per TEU these links carry before calibration (CAREC, S8 in tariffs.csv)."""

GRID_SHARES = (0.01, 0.02, 0.03, 0.05, 0.08, 0.12)
GRID_STANDARD = (0.05, 0.1, 0.2, 0.3)
GRID_CHARGE = (0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0)


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
    error: float  # the sum of squared log errors over the fit targets
    table: pd.DataFrame  # figure, year, measure, value, low, high, model, inside, use


def with_parameters(network: Network, demand: Demand, parameters: dict[str, float]) -> tuple[Network, Demand]:
    """The network and demand as the parameters set them: segment shares and the through charge.

    Examples
    --------
    >>> net = load_network()
    >>> n2, d2 = with_parameters(net, load_demand(net), {"through_charge_usd": 100.0})
    >>> float(n2.tariffs.loc[n2.tariffs["link"] == "bx_ala_dostyk", "usd_per_unit"].iloc[0])
    278.0
    """
    tariffs = network.tariffs.copy()
    segments = network.segments.copy()
    if "through_charge_usd" in parameters:
        for link in CHARGE_LINKS:
            hit = (tariffs["commodity"] == "container") & (tariffs["link"] == link)
            tariffs.loc[hit, "usd_per_unit"] = BORDER_FEE_USD + parameters["through_charge_usd"]
    shares = {k.split(":", 1)[1]: v for k, v in parameters.items() if k.startswith("share:")}
    if shares:
        container = segments["commodity"] == "container"
        for segment, share in shares.items():
            segments.loc[container & (segments["segment"] == segment), "share"] = share
        rest = container & ~segments["segment"].isin(list(shares))
        segments.loc[rest, "share"] = max(0.0, 1.0 - sum(shares.values())) / max(int(rest.sum()), 1)
    network = network.replace(tariffs=tariffs, segments=segments)
    raw = demand.table.drop(columns=["segment"]).groupby(
        ["origin", "destination", "commodity", "source", "note"], as_index=False, sort=False
    )["quantity_per_year"].sum()
    return network, demand_from_frame(network, raw, name=demand.name)


def measures(network: Network, result: Assignment) -> dict[str, float]:
    """The model's value of each measure ``targets.csv`` names, from one assignment (yearly rates)."""
    f = result.flows
    box = f[f["commodity"] == "container"]
    brest = box[box["link"] == "bx_brest_malaszewicze"]
    _, caspian = group_members(network, "caspian_crossing")
    across = box[box["link"].isin(caspian)]
    at_baku = across[(across["from"] == "baku_alat_port") | (across["to"] == "baku_alat_port")]
    rail = shortest_route(network, "xian_port", "duisburg", commodity="container", avoid=["sea"])
    waits = dict(zip(zip(box["link"], box["from"], box["to"], strict=True), box["wait_h"], strict=True))
    mc = shortest_route(network, "xian_port", "poti_port", commodity="container", by="time", avoid=["RU"])
    mc_wait = sum(waits.get((lk, a, b), 0.0) for lk, a, b in zip(mc.links, mc.nodes[:-1], mc.nodes[1:], strict=True))
    return {
        "rail_west": float(brest.loc[brest["from"] == "brest", "flow_per_year"].sum()),
        "rail_east": float(brest.loc[brest["from"] == "malaszewicze", "flow_per_year"].sum()),
        "caspian_teu": float(across["flow_per_year"].sum()),
        "baku_teu": float(at_baku["flow_per_year"].sum()),
        "rail_rate_xian_duisburg": 2.0 * rail.cost_usd,
        "mc_days": (mc.time_h + mc_wait) / 24.0,
    }


def _error(model: dict[str, float], targets: pd.DataFrame) -> float:
    fit = targets[(targets["use"] == "fit")]
    return float(sum(np.log((model[m] + 1.0) / (v + 1.0)) ** 2 for m, v in zip(fit["measure"], fit["value"], strict=True)))


def _compare(model: dict[str, float], targets: pd.DataFrame) -> pd.DataFrame:
    out = targets[["figure", "year", "measure", "value", "low", "high", "unit", "use", "source"]].copy()
    out["model"] = [model.get(m, np.nan) for m in out["measure"]]
    out["inside"] = (out["model"] >= out["low"].astype(float)) & (out["model"] <= out["high"].astype(float))
    return out


def calibrate(
    network: Network,
    demand: Demand,
    *,
    targets: pd.DataFrame | None = None,
    grid: Sequence[Sequence[float]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration:
    """Fit the free parameters to the 2021 targets by a search over a fixed grid.

    Parameters
    ----------
    network, demand
        The network and the 2021 demand.
    targets
        ``load_targets()`` by default; rows of 2021 with use ``fit`` are fitted.
    grid
        Values to try for (time-critical share, standard share, through charge per TEU).
    progress
        Called with (done, total).

    Returns
    -------
    Calibration
        The best parameters, their error and the 2021 comparison table.

    Examples
    --------
    >>> net = load_network()
    >>> fit = calibrate(net, load_demand(net), grid=[(0.03,), (0.2,), (1000.0,)])
    >>> sorted(fit.parameters)
    ['share:standard', 'share:time_critical', 'through_charge_usd']
    """
    targets = load_targets() if targets is None else targets
    year = targets[targets["year"].astype(int) == 2021]
    axes = grid or (GRID_SHARES, GRID_STANDARD, GRID_CHARGE)
    combos = list(itertools.product(*axes))
    best: tuple[float, dict[str, float], dict[str, float]] | None = None
    for i, (tc, std, charge) in enumerate(combos):
        params = {"share:time_critical": float(tc), "share:standard": float(std), "through_charge_usd": float(charge)}
        net, dem = with_parameters(network, demand, params)
        model = measures(net, assign(net, dem))
        err = _error(model, year)
        if best is None or err < best[0] - 1e-12:
            best = (err, params, model)
        if progress is not None:
            progress(i + 1, len(combos))
    assert best is not None
    return Calibration(parameters=best[1], error=best[0], table=_compare(best[2], year))


def validation_table(
    network: Network,
    demand: Demand,
    *,
    targets: pd.DataFrame | None = None,
    scenario_2022: str = "sanctions-2022",
) -> pd.DataFrame:
    """Every published figure beside the model's: the 2021 assignment, and 2022 replayed unaided.

    The 2022 value of a yearly figure is the two months before the scenario at the 2021 rates
    plus the scenario's ten months, each stretch weighted by its days.

    Examples
    --------
    >>> net = load_network()
    >>> table = validation_table(net, load_demand(net))
    >>> sorted(set(table["year"]))
    [2021, 2022]
    """
    from corridor.scenario import load_scenario, scenario_effect
    from corridor.flow import build_assignment, read_assignment, solve_model

    targets = load_targets() if targets is None else targets
    base = assign(network, demand)
    rows = [_compare(measures(network, base), targets[targets["year"].astype(int) == 2021])]
    scenario = load_scenario(scenario_2022)
    horizon = scenario.horizon
    assert horizon is not None
    parts: list[tuple[int, Assignment]] = [((horizon.start - dt.date(horizon.start.year, 1, 1)).days, base)]
    for stretch in scenario.stretches(horizon):
        effect = scenario_effect(network, scenario, demand.table, horizon=stretch)
        model = build_assignment(network, demand, effect=effect)
        parts.append((stretch.days, read_assignment(model, solve_model(model))))
    year = combine_assignments([p for p in parts if p[0] > 0])
    rows.append(_compare(measures(network, year), targets[targets["year"].astype(int) == 2022]))
    return pd.concat(rows, ignore_index=True)
