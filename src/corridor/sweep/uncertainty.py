"""An impact with its uncertainty: the assumptions drawn, each draw replayed on the sweep engine.

The rows of a dataset's assumptions table (:mod:`corridor.network.assumptions`) that act on a run
(the network's tables, its calibration, the scenario's own events; not the hazards of
``corridor risk``) are drawn together as a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`,
seeded, so the same seed gives the same draws), each draw laid over the network and the scenario
and replayed with :func:`corridor.impact`. The draws are made here and only solved on the
workers, and each solve is deterministic, so the numbers do not depend on the executor.

Each headline figure of the point answer (``delta_cost_usd``, ``disruption_cost_usd`` where the
impact has it, stranded cargo per commodity, the volume through each corridor per commodity (and
direction, where the impact gives one), the top bottlenecks' shadow prices) gets its 10th, 50th
and 90th percentile over the draws, and the assumptions that drive its spread are ranked by
their share of its variance (squared Spearman rank correlations, scaled to sum to one: a
tornado's ranking, exact for a monotone answer with independent inputs).
"""

from __future__ import annotations

import functools
import gc
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from corridor.analysis.replay import ReplayCache
from corridor.errors import RequestError
from corridor.flow import Demand
from corridor.network import Network
from corridor.network.assumptions import apply_draw, draw_values
from corridor.sweep.engine import SweepOptions, sweep_map

logger = logging.getLogger(__name__)

__all__ = [
    "MAX_SAMPLES",
    "PERCENTILES",
    "Coverage",
    "Ranges",
    "active_assumptions",
    "impact_figures",
    "impact_ranges",
    "validation_ranges",
]

MAX_SAMPLES = 10_000
PERCENTILES = {"p10": 10.0, "p50": 50.0, "p90": 90.0}
TOP_BOTTLENECKS = 5
"""Bottlenecks given ranges: those with the highest median shadow price over the draws."""
TOP_DRIVERS = 5
"""Assumptions listed per figure, by their share of its variance."""
NO_SPREAD = 1e-9
"""Relative spread below which a figure counts as fixed (no drivers reported)."""


@dataclass(frozen=True, eq=False)
class Ranges:
    """The draws of a ranged impact and their answers.

    ``assumptions``: the rows drawn (with a ``name``, ``element.field``); ``draws``: one row per
    sample, one column per assumption name; ``figures``: one row per sample, one column per
    headline figure (dotted names as in the point answer's JSON, such as ``stranded.container``
    or ``corridors.northern_rail.container.after``).
    """

    scenario: str
    seed: int
    assumptions: pd.DataFrame
    draws: pd.DataFrame
    figures: pd.DataFrame
    note: str = ""

    def ranges(self) -> dict[str, dict[str, float]]:
        """Per figure: its P10, P50 and P90 over the draws."""
        out = {}
        for name in self.figures.columns:
            values = self.figures[name].to_numpy(float)
            out[str(name)] = {k: float(np.percentile(values, q)) for k, q in PERCENTILES.items()}
        return out

    def drivers(self, top: int = TOP_DRIVERS) -> dict[str, list[dict[str, float | str]]]:
        """Per figure that moves: the assumptions ranked by their share of its variance
        (``share``, summing to one over all assumptions) with the rank correlation ``rho``."""
        if len(self.draws) < 3 or self.draws.empty:
            return {}
        ranks = np.column_stack([stats.rankdata(self.draws[c]) for c in self.draws.columns])
        ranks = ranks - ranks.mean(axis=0)
        out: dict[str, list[dict[str, float | str]]] = {}
        for name in self.figures.columns:
            values = self.figures[name].to_numpy(float)
            if np.ptp(values) <= NO_SPREAD * max(1.0, float(np.abs(values).max())):
                continue
            r = stats.rankdata(values) - (len(values) + 1) / 2.0
            norms = np.sqrt((ranks**2).sum(axis=0) * (r**2).sum())
            rho = np.divide(ranks.T @ r, norms, out=np.zeros(ranks.shape[1]), where=norms > 0)
            squared = rho**2
            if squared.sum() <= 0:
                continue
            share = squared / squared.sum()
            order = np.argsort(-share, kind="stable")[:top]
            out[str(name)] = [
                {"assumption": str(self.draws.columns[j]), "rho": float(rho[j]), "share": float(share[j])}
                for j in order
            ]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": len(self.draws),
            "seed": self.seed,
            "note": self.note,
            "ranges": self.ranges(),
            "drivers": self.drivers(),
            "assumptions_drawn": list(self.draws.columns),
        }


def active_assumptions(table: pd.DataFrame, scenario_name: str) -> pd.DataFrame:
    """The rows a run of ``scenario_name`` draws: not the hazards, not other scenarios' events.

    Examples
    --------
    >>> from corridor.network.assumptions import load_assumptions
    >>> rows = active_assumptions(load_assumptions(), "cpc-storm-2022")
    >>> "risks" in set(rows["table"]), any(rows["element"].str.startswith("sanctions-2022#"))
    (False, False)
    """
    scenario_rows = table["table"] == "scenario"
    mine = table["element"].str.rpartition("#")[0] == scenario_name
    keep = (table["table"] != "risks") & (~scenario_rows | mine)
    out = table[keep].reset_index(drop=True)
    return out.assign(name=out["element"] + "." + out["field"])


def impact_figures(answer: Mapping[str, Any]) -> dict[str, float]:
    """The headline figures of an impact's JSON answer (:meth:`corridor.analysis.Impact.to_dict`),
    flat, by dotted name.

    Examples
    --------
    >>> impact_figures({"delta_cost_usd": 5.0, "stranded": {"container": 2.0},
    ...                 "corridors": [{"group": "g", "commodity": "container", "after": 7.0}],
    ...                 "bottlenecks": []})
    {'delta_cost_usd': 5.0, 'stranded.container': 2.0, 'corridors.g.container.after': 7.0}
    """
    out: dict[str, float] = {}
    for key in ("delta_cost_usd", "disruption_cost_usd", "market_cost_usd"):
        if isinstance(answer.get(key), int | float):
            out[key] = float(answer[key])
    for commodity, value in (answer.get("stranded") or {}).items():
        out[f"stranded.{commodity}"] = float(value)
    for row in answer.get("corridors") or []:
        parts = [str(row[k]) for k in ("group", "direction", "commodity") if row.get(k) not in (None, "")]
        out["corridors." + ".".join(parts) + ".after"] = float(row["after"])
    price = "rent_usd" if any("rent_usd" in r for r in answer.get("bottlenecks") or []) else "shadow_price_usd"
    for row in answer.get("bottlenecks") or []:
        parts = [str(row[k]) for k in ("element", "direction", "dimension") if row.get(k) not in (None, "")]
        name = "bottlenecks." + ".".join(parts) + f".{price}"
        out[name] = max(out.get(name, 0.0), float(row[price]))
    return out


class _DrawSolver:
    """A worker's state: the published network, its calibration, the demand and the scenario;
    each draw is laid over them and replayed, each stretch's LP warm-started from the basis of
    the same stretch with the assumptions at their values (replayed once per worker, first): a
    start fixed in advance, so the answers do not depend on which draws a worker solved before."""

    def __init__(
        self,
        network: Network,
        demand: Demand,
        scenario: Any,
        assumptions: pd.DataFrame,
        parameters: pd.DataFrame | None,
        impact_options: Mapping[str, Any],
    ) -> None:
        self.network, self.demand, self.scenario = network, demand, scenario
        self.assumptions, self.parameters, self.impact_options = assumptions, parameters, dict(impact_options)
        self._starts: dict[Any, Any] | None = None

    def _run(self, values: Sequence[float], cache: ReplayCache) -> dict[str, float]:
        from corridor.analysis import impact

        network, scenario = apply_draw(
            self.network, self.assumptions, values, parameters=self.parameters, scenario=self.scenario
        )
        answer = impact(network, self.demand, scenario, details=False, cache=cache, **self.impact_options)
        return impact_figures(answer.headline())

    def figures(self, values: Sequence[float]) -> dict[str, float]:
        if self._starts is None:
            point = ReplayCache(keep_bases=True, link_flows=False)
            self._run([float(v) for v in self.assumptions["value"]], point)
            self._starts = point.bases
            # what the process holds from here on (the network, its dated and compiled networks,
            # the bases) lives as long as the sweep: out of the collector's way, a draw's full
            # collections no longer walk it (about a tenth of a draw); sampled_ranges unfreezes
            gc.freeze()
        return self._run(values, ReplayCache(starts=self._starts, link_flows=False))  # the headline reads no link flows


def _one_blas_thread() -> AbstractContextManager[Any]:
    """BLAS on one thread while a batch of draws is solved, as on a Dask worker (which starts with
    ``OPENBLAS_NUM_THREADS=1``): a draw's products of a few thousand numbers gain nothing from more,
    and in a serial or process sweep on a busy machine the idle BLAS threads' spinning took about
    a third of a draw's CPU. The same arithmetic on every executor, too."""
    from threadpoolctl import threadpool_limits

    limits: AbstractContextManager[Any] = threadpool_limits(limits=1, user_api="blas")
    return limits


def _solve_draws(state: Any, draws: Sequence[tuple[int, tuple[float, ...]]]) -> list[dict[str, float]]:
    with _one_blas_thread():
        return [state.figures(values) for _, values in draws]


def impact_ranges(
    network: Network,
    demand: Demand,
    scenario: Any,
    *,
    samples: int,
    assumptions: pd.DataFrame,
    parameters: pd.DataFrame | None = None,
    period: str = "week",
    options: SweepOptions | None = None,
    seconds_each: float = 10.0,
) -> Ranges:
    """An impact's headline figures over ``samples`` Latin-hypercube draws of the assumptions.

    Parameters
    ----------
    network
        The published network: ``load_network(calibrated=False)`` when ``parameters`` are given
        (a draw replaces fitted parameters before they are laid over the tables), else the
        network as the point answer uses it.
    demand, scenario
        As for :func:`corridor.impact`.
    samples
        Draws (1 to :data:`MAX_SAMPLES`); ranges need a few dozen, drivers a hundred or more.
    assumptions
        The table of :func:`corridor.network.assumptions.load_assumptions`; the rows that act on
        this run are drawn (:func:`active_assumptions`).
    parameters
        The network's calibration (``calibration/parameters.csv``), or None.
    period
        Reporting period of each replay (the figures do not depend on it).
    options
        Executor, workers, the seed and progress (:class:`corridor.sweep.SweepOptions`, called
        with draws done and draws); the same seed gives the same numbers on every executor.
    seconds_each
        A guess of one draw's time (the point answer's), to size the batches.

    Returns
    -------
    Ranges

    Raises
    ------
    RequestError
        Samples out of range, or no assumption acts on the run.
    """
    impact_options = {"period": period, "lp": (options or SweepOptions()).lp}
    return sampled_ranges(
        scenario.name,
        assumptions,
        lambda rows: functools.partial(_DrawSolver, network, demand, scenario, rows, parameters, impact_options),
        samples=samples,
        options=options,
        seconds_each=seconds_each,
    )


def sampled_ranges(
    name: str,
    assumptions: pd.DataFrame,
    state_of: Callable[[pd.DataFrame], Callable[[], Any]],
    *,
    samples: int,
    options: SweepOptions | None,
    seconds_each: float,
) -> Ranges:
    """``samples`` Latin-hypercube draws of the rows acting on the run ``name`` (a scenario's, or
    '' for the network alone), each answered on the sweep engine by the worker state that
    ``state_of(rows)`` builds (an object whose ``figures(values)`` gives one draw's figures); the
    figures (missing ones as 0, the top bottlenecks kept) beside the draws."""
    options = options or SweepOptions()
    if not 1 <= samples <= MAX_SAMPLES:
        raise RequestError(f"samples is {samples}; expected 1 to {MAX_SAMPLES:,}")
    rows = active_assumptions(assumptions, name)
    if rows.empty:
        raise RequestError(f"no assumption of the table acts on {name or 'the network'!r}; expected at least one row")
    uniform = qmc.LatinHypercube(d=len(rows), rng=np.random.default_rng(options.seed)).random(samples)
    values = draw_values(rows, uniform)
    items = [(i, tuple(float(v) for v in values[i])) for i in range(samples)]
    done = [0]
    progress = options.progress

    def advance(k: int) -> None:
        done[0] += k
        if progress is not None:
            progress(done[0], samples)

    started = time.perf_counter()
    try:
        results = sweep_map(
            _solve_draws,
            state_of(rows),
            items,
            options=replace(options, progress=None),
            seconds_each=seconds_each,
            progress=advance,
        )
    finally:
        gc.unfreeze()  # a serial sweep's state froze in this process (see _DrawSolver.figures)
    logger.info("%d draws of %s in %.1f s on %s", samples, name, time.perf_counter() - started, options.executor)
    figures = _keep_top_bottlenecks(pd.DataFrame(results).fillna(0.0))
    draws = pd.DataFrame(values, columns=list(rows["name"]))
    return Ranges(scenario=name, seed=options.seed, assumptions=rows, draws=draws, figures=figures)


def _keep_top_bottlenecks(figures: pd.DataFrame, top: int = TOP_BOTTLENECKS) -> pd.DataFrame:
    """Every figure but the bottlenecks, and the ``top`` bottlenecks by their median over the draws."""
    neck = [c for c in figures.columns if str(c).startswith("bottlenecks.")]
    ranked = set(figures[neck].median().sort_values(ascending=False, kind="stable").index[:top])
    return figures[[c for c in figures.columns if c not in neck or c in ranked]]


HOLD_UP = "expected_delay_days"
"""The one scenario field a validation draw varies (through ``validation_table``'s ``risk_days``)."""


@dataclass(frozen=True, eq=False)
class Coverage:
    """Each published figure beside the model's P10-P90 over the draws (``table``: year, figure,
    unit, value, low, high, p10, p50, p90, covered), and the share covered."""

    table: pd.DataFrame
    samples: int
    seed: int

    @property
    def coverage(self) -> float:
        """Share of the published figures inside the model's P10-P90."""
        return float(self.table["covered"].mean()) if len(self.table) else 0.0

    def to_dict(self) -> dict[str, Any]:
        from corridor.records import json_records

        return {
            "samples": self.samples,
            "seed": self.seed,
            "coverage": self.coverage,
            "figures": json_records(self.table),
        }


class _ValidationSolver:
    """A worker's state for validation draws: the published network, its calibration, the demand."""

    def __init__(
        self, network: Network, demand: Demand | None, assumptions: pd.DataFrame, parameters: pd.DataFrame | None
    ) -> None:
        self.network, self.demand, self.assumptions, self.parameters = network, demand, assumptions, parameters

    def figures(self, values: Sequence[float]) -> dict[str, float]:
        from corridor.analysis.calibrate import validation_table

        network, _ = apply_draw(self.network, self.assumptions, values, parameters=self.parameters)
        names = list(self.assumptions["field"])
        days = [float(v) for v, f in zip(values, names, strict=True) if f == HOLD_UP]
        table = validation_table(network, self.demand, risk_days=days[:1])
        # the draw's hold-up replaces the shipped one in the years that have it as a variant
        variant = table[table["variant"] != ""]
        plain = table[table["variant"] == ""]
        plain = plain[~plain["year"].astype(int).isin(set(variant["year"].astype(int)))]
        rows = pd.concat([plain, variant])
        return {
            _key(y, m, f): float(v)
            for y, m, f, v in zip(rows["year"], rows["measure"], rows["figure"], rows["model"], strict=True)
        }


def _key(year: Any, measure: Any, figure: Any) -> str:
    return f"{int(year)}|{measure}|{figure}"


def _solve_validation(
    state: _ValidationSolver, draws: Sequence[tuple[int, tuple[float, ...]]]
) -> list[dict[str, float]]:
    with _one_blas_thread():
        return [state.figures(values) for _, values in draws]


def validation_ranges(
    network: Network,
    demand: Demand | None = None,
    *,
    samples: int,
    assumptions: pd.DataFrame,
    parameters: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    options: SweepOptions | None = None,
    seconds_each: float = 5.0,
) -> Coverage:
    """``validate-model`` over draws of the assumptions: each published figure beside the model's
    P10-P90, and the share of figures inside it (coverage).

    A draw acts on the network's tables and calibration and on the replayed scenario's hold-up
    (``sanctions-2022#0`` ``expected_delay_days``); the scenario's other events keep their values.
    ``demand`` replaces the fitted year's demand (default: each year's own, as
    :func:`corridor.analysis.calibrate.validation_table` uses).

    Raises
    ------
    RequestError
        Samples out of range.
    """
    from corridor.analysis.calibrate import load_targets

    options = options or SweepOptions()
    if not 1 <= samples <= MAX_SAMPLES:
        raise RequestError(f"samples is {samples}; expected 1 to {MAX_SAMPLES:,}")
    rows = active_assumptions(assumptions, "sanctions-2022")
    rows = rows[(rows["table"] != "scenario") | (rows["field"] == HOLD_UP)].reset_index(drop=True)
    uniform = qmc.LatinHypercube(d=max(1, len(rows)), rng=np.random.default_rng(options.seed)).random(samples)
    values = draw_values(rows, uniform[:, : len(rows)])
    items = [(i, tuple(float(v) for v in values[i])) for i in range(samples)]
    build = functools.partial(_ValidationSolver, network, demand, rows, parameters)
    results = sweep_map(
        _solve_validation, build, items, options=replace(options, progress=None), seconds_each=seconds_each
    )
    model = pd.DataFrame(results)
    targets = load_targets() if targets is None else targets
    out = targets[["year", "figure", "measure", "unit", "value", "low", "high", "source"]].copy()
    out["year"] = out["year"].astype(int)
    keys = [_key(y, m, f) for y, m, f in zip(out["year"], out["measure"], out["figure"], strict=True)]
    for name, q in PERCENTILES.items():
        out[name] = [float(np.percentile(model[k], q)) if k in model else np.nan for k in keys]
    value = out["value"].astype(float)
    out["covered"] = (out["p10"] <= value) & (value <= out["p90"])
    return Coverage(table=out.reset_index(drop=True), samples=samples, seed=options.seed)
