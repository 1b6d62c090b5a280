"""Monte Carlo risk: sampled years of disruptions, expected annual loss, exceedance curve, VaR and CVaR.

Hazards come from a sourced table (:mod:`corridor.sweep.hazards`): each disrupts one element,
starting as a Poisson process, lasting a lognormal number of days, leaving a share of capacity.

One sampled year is a timeline: the year is cut wherever a disruption starts or ends, and each
stretch is priced by the assignment LP with the elements disrupted during it (the worst share
where two disruptions of one element overlap), at the yearly rates of that state: the loss of a
stretch is (cost of the state - cost with nothing disrupted) x its days / 365, and so is the
stranded volume. Cargo that cannot move during a stretch counts as stranded (no backlog carried
over): where storage lets cargo wait this overstates the loss. States recur from year to year,
so each distinct state's LP is solved once (warm-started from the baseline basis).

A run goes in three steps: the years are sampled (on the workers, in batches sent back as
arrays); the states they meet that are not yet priced are priced, spread over the workers so
that none is solved twice; the years' losses are then added up here from the prices. Each
state's answer is the same whichever process solves it, so the table is the same on every
executor.

Year ``i`` of a run with seed ``s`` is drawn from its own generator (``numpy`` ``default_rng([s,
i])``), so a run's years are the same however they are split into tasks and wherever they run.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor.errors import RequestError
from corridor.flow import Demand, WarmSolver
from corridor.network import Network, commodity_units
from corridor.scenario import Scenario, with_investments
from corridor.sweep.engine import SweepOptions, sweep_session, worth_spreading
from corridor.sweep.hazards import Hazard, bind_hazards, load_hazards

__all__ = ["MAX_YEARS", "Risk", "YearPricer", "risk", "sample_year"]

logger = logging.getLogger(__name__)

MAX_YEARS = 10_000_000
TIMED_STATES = 8
"""States of the first sample priced here to time a state's LP; the rest are priced on the
workers. Pricing all of them here, some 100 of the built-in network's 475, was work no worker
could share: ``benchmarks/bench_sweeps.py`` measured Dask on 2 workers 1.67x faster than on 1
that way, 1.84x this way."""
"""The most years one run samples (split a larger run by seed)."""


def sample_year(hazards: Sequence[Hazard], rng: np.random.Generator) -> list[tuple[float, float, int]]:
    """The disruptions of one year: (start day, end day, hazard index).

    The year is a steady-state one: a disruption running past day 365 wraps round to the start
    (it stands for one that began the year before), and one longer than a year covers it all;
    cutting them at year end instead would undercount long disruptions.
    """
    out = []
    for h, hazard in enumerate(hazards):
        count = rng.poisson(hazard.events_per_year)
        if not count:
            continue
        starts = rng.uniform(0.0, 365.0, size=count)
        days = hazard.median_days * np.exp(hazard.sigma * rng.standard_normal(count))
        for start, length in zip(starts, days, strict=True):
            if length >= 365.0:
                out.append((0.0, 365.0, h))
            elif start + length > 365.0:
                out += [(float(start), 365.0, h), (0.0, float(start + length - 365.0), h)]
            else:
                out.append((float(start), float(start + length), h))
    return sorted(out)


def _stretches(
    events: Sequence[tuple[float, float, int]], hazards: Sequence[Hazard]
) -> list[tuple[float, tuple[tuple[int, float], ...]]]:
    """The year cut where disruptions start or end: (days, state) for each disrupted stretch.

    A state is ((hazard index, capacity left), ...) with, per element, only its worst hazard."""
    cuts = sorted({0.0, 365.0, *(s for s, _, _ in events), *(e for _, e, _ in events)})
    out = []
    for a, b in itertools.pairwise(cuts):
        if b - a <= 0:
            continue
        worst: dict[str, tuple[float, int]] = {}
        for start, end, h in events:
            if start <= a and end >= b:
                hazard = hazards[h]
                if hazard.element not in worst or hazard.capacity_left < worst[hazard.element][0]:
                    worst[hazard.element] = (hazard.capacity_left, h)
        if worst:
            out.append((b - a, tuple(sorted((h, share) for share, h in worst.values()))))
    return out


@dataclass(frozen=True, eq=False)
class Risk:
    """Sampled years and what they cost.

    ``years``: year, events, disrupted_days, loss_usd, stranded_<commodity> (units in the year).
    """

    scenario: str | None
    years: pd.DataFrame
    seed: int
    baseline_cost_usd: float
    seconds: float
    n_states: int  # LPs solved: the distinct disruption states the years met, each solved once
    units: dict[str, str] = field(default_factory=dict)
    note: str = ""  # how the run went where it differs from what was asked (ran serially: too little work)

    @property
    def expected_annual_loss_usd(self) -> float:
        return float(self.years["loss_usd"].mean())

    @property
    def standard_error_usd(self) -> float:
        """Standard error of the expected annual loss (sample standard deviation / sqrt(years))."""
        n = len(self.years)
        return float(self.years["loss_usd"].std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")

    def var(self, column: str = "loss_usd", level: float = 0.95) -> float:
        """Value at risk: the loss (or stranded volume) a year exceeds with probability 1 - level."""
        return float(np.quantile(self.years[column].to_numpy(float), level))

    def cvar(self, column: str = "loss_usd", level: float = 0.95) -> float:
        """Conditional value at risk: the mean of the worst (1 - level) share of the years (ties at
        the VaR are split, so many years with no loss do not dilute it)."""
        values = np.sort(self.years[column].to_numpy(float))[::-1]
        if not len(values):
            return math.nan
        tail = (1.0 - level) * len(values)
        whole = math.floor(tail)
        total = values[:whole].sum() + (tail - whole) * (values[whole] if whole < len(values) else 0.0)
        return float(total / tail) if tail > 0 else float(values[0])

    def exceedance(self) -> pd.DataFrame:
        """The loss exceedance curve: each distinct sampled loss, largest first, and the share of
        years whose loss reaches it."""
        losses = np.sort(self.years["loss_usd"].to_numpy(float))
        levels = np.unique(losses)[::-1]
        reached = (len(losses) - np.searchsorted(losses, levels, side="left")) / len(losses)
        return pd.DataFrame({"loss_usd": levels, "probability": reached})

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("years", self.years)]

    def summary(self) -> dict[str, Any]:
        return {k: v for k, v in self.to_dict().items() if k != "years"}

    def to_dict(self) -> dict[str, Any]:
        stranded = [c for c in self.years.columns if c.startswith("stranded_")]
        return {
            "years": len(self.years),
            "seed": self.seed,
            "scenario": self.scenario,
            "baseline_cost_usd": round(self.baseline_cost_usd, 2),
            "expected_annual_loss_usd": _number(self.expected_annual_loss_usd),
            "standard_error_usd": _number(self.standard_error_usd),  # null with one year
            "var_95_usd": _number(self.var("loss_usd", 0.95)),
            "cvar_95_usd": _number(self.cvar("loss_usd", 0.95)),
            "var_99_usd": _number(self.var("loss_usd", 0.99)),
            "cvar_99_usd": _number(self.cvar("loss_usd", 0.99)),
            "stranded": {
                c.removeprefix("stranded_"): {
                    "mean": _number(float(self.years[c].mean())),
                    "var_95": _number(self.var(c, 0.95)),
                    "cvar_95": _number(self.cvar(c, 0.95)),
                    "unit": self.units.get(c.removeprefix("stranded_"), ""),
                }
                for c in stranded
            },
            "states_solved": self.n_states,
            "note": self.note,
            "seconds": round(self.seconds, 3),
        }


def _number(value: float) -> float | None:
    """Rounded for JSON; None where it is not a number (a standard error of one year)."""
    return round(value, 2) if math.isfinite(value) else None


class YearPricer:
    """A process's baseline LP, its cache of priced disruption states, and the hazards a year is sampled from.

    States recur from year to year, so each is solved once per process (warm-started from the
    baseline basis) and cached; year ``i`` is drawn from ``default_rng([seed, i])``. The baseline
    LP is built when the first state is priced: a worker that only samples years never builds it.
    """

    def __init__(
        self,
        network: Network,
        demand: Demand,
        hazards: Sequence[Hazard],
        seed: int,
        *,
        scenario: Scenario | None = None,
        lp: str = "auto",
        solver_options: Mapping[str, Any] | None = None,
    ) -> None:
        self._solver_args = (network, demand, scenario, lp, solver_options)
        self.hazards = tuple(hazards)
        self.seed = seed
        self.n_pairs = len(demand.table)

    @functools.cached_property
    def solver(self) -> WarmSolver:
        network, demand, scenario, lp, solver_options = self._solver_args
        return WarmSolver(network, demand, scenario=scenario, lp=lp, solver_options=solver_options)

    def price_state(self, state: tuple[tuple[int, float], ...]) -> tuple[float, np.ndarray]:
        """(extra cost per year, extra unserved per pair per year) with the state's elements disrupted."""
        closed: set[int] = set()
        arc_share: dict[int, float] = {}
        node_share: dict[int, float] = {}
        for h, share in state:
            hazard = self.hazards[h]
            if share <= 0:
                closed.update(hazard.arcs)
                continue
            for arc in hazard.arcs:
                arc_share[arc] = min(share, arc_share.get(arc, 1.0))
            for node in hazard.nodes:
                node_share[node] = min(share, node_share.get(node, 1.0))
        arc_share = {a: s for a, s in arc_share.items() if a not in closed}
        outcome = self.solver.disrupted(sorted(closed), arc_share, node_share)
        base = self.solver.baseline
        return outcome.objective - base.objective, outcome.unserved - base.unserved

    def sample(self, years: Sequence[int]) -> _Samples:
        """These years' events and disrupted stretches (each stretch's state as a bit mask of hazards), unpriced."""
        events, disrupted, stretch_year, stretch_days, stretch_mask = [], [], [], [], []
        for i, year in enumerate(years):
            drawn = sample_year(self.hazards, np.random.default_rng([self.seed, year]))
            total = 0.0
            for days, state in _stretches(drawn, self.hazards):
                stretch_year.append(i)
                stretch_days.append(days)
                stretch_mask.append(sum(1 << h for h, _ in state))
                total += days
            # a disruption wrapped round the year end is two pieces; the one from day 0 is not a new event
            events.append(sum(1 for start, end, _ in drawn if start > 0.0 or end >= 365.0))
            disrupted.append(total)
        mask_type = np.int64 if len(self.hazards) < 63 else object
        return _Samples(
            np.asarray(years, dtype=np.int64),
            np.asarray(events, dtype=np.int64),
            np.asarray(disrupted, dtype=float),
            np.asarray(stretch_year, dtype=np.int64),
            np.asarray(stretch_days, dtype=float),
            np.asarray(stretch_mask, dtype=mask_type),
        )

    def state_of(self, mask: int) -> tuple[tuple[int, float], ...]:
        """The state a bit mask of hazards stands for: ((hazard, capacity left), ...)."""
        return tuple((h, self.hazards[h].capacity_left) for h in range(mask.bit_length()) if mask >> h & 1)


@dataclass(frozen=True)
class _Samples:
    """Sampled years as arrays (small to send back from a worker): per year its number, events
    and disrupted days; per disrupted stretch its year (position here), days and state's mask."""

    year: np.ndarray
    events: np.ndarray
    disrupted: np.ndarray
    stretch_year: np.ndarray
    stretch_days: np.ndarray
    stretch_mask: np.ndarray

    @staticmethod
    def join(parts: Sequence[_Samples]) -> _Samples:
        offsets = np.cumsum([0] + [len(p.year) for p in parts[:-1]])
        return _Samples(
            np.concatenate([p.year for p in parts]),
            np.concatenate([p.events for p in parts]),
            np.concatenate([p.disrupted for p in parts]),
            np.concatenate([p.stretch_year + o for p, o in zip(parts, offsets, strict=True)]),
            np.concatenate([p.stretch_days for p in parts]),
            np.concatenate([p.stretch_mask for p in parts]),
        )


def _sample_years(pricer: YearPricer, years: Sequence[int]) -> list[_Samples]:
    return [pricer.sample(years)]  # one packed result per batch (cheaper to send back than one per year)


def _price_states(pricer: YearPricer, masks: Sequence[int]) -> list[tuple[float, np.ndarray]]:
    return [pricer.price_state(pricer.state_of(mask)) for mask in masks]


def risk(
    network: Network,
    demand: Demand,
    *,
    years: int,
    hazards: Sequence[Hazard] | None = None,
    scenario: Scenario | None = None,
    options: SweepOptions | None = None,
) -> Risk:
    """Sample ``years`` years of disruptions from ``hazards`` and price them.

    The same seed (``options.seed``) gives the same years and the same numbers on every executor.

    Parameters
    ----------
    network, demand
        The network and the demand placed on it.
    years
        How many years to sample (1 to :data:`MAX_YEARS`).
    hazards
        What can happen (:func:`corridor.sweep.load_hazards`); default: the built-in table.
    scenario
        Price the years on the network a scenario leaves (an investment: added capacity, new
        links); the same seed then gives the same disruptions, so two runs compare year by year.
    options
        Seed, executor, workers, progress (:class:`SweepOptions`).

    Returns
    -------
    Risk
        Every sampled year with its loss and stranded volume; expected annual loss, VaR, CVaR.

    Raises
    ------
    RequestError
        ``years`` out of range; hazards on elements the network lacks.

    Examples
    --------
    >>> net = load_network()
    >>> result = risk(net, load_demand(net), years=200, options=SweepOptions(seed=1))
    >>> len(result.years), result.expected_annual_loss_usd > 0
    (200, True)
    """
    options = options or SweepOptions()
    if years < 1:
        raise RequestError(f"years is {years}; expected at least 1")
    if years > MAX_YEARS:
        raise RequestError(f"years is {years:,}; expected at most {MAX_YEARS:,} (split a larger run by seed)")
    start = time.perf_counter()
    if scenario is not None:
        network = with_investments(network, scenario)
    hazards = bind_hazards(hazards, network) if hazards is not None else load_hazards(network)
    build = functools.partial(
        YearPricer, network, demand, tuple(hazards), options.seed,
        scenario=scenario, lp=options.lp, solver_options=options.solver_options,
    )  # fmt: skip
    tick = time.perf_counter()
    local = build()
    local.solver  # noqa: B018 - the baseline LP, built and solved here to time what each worker pays
    build_s = time.perf_counter() - tick
    # a first sample here times a year's sampling and a state's LP, so the rest goes out in
    # ~100 ms tasks (or stays here when that is too little work to pay for starting workers)
    first = min(years, 200)
    tick = time.perf_counter()
    parts = [local.sample(range(first))]
    sample_s = (time.perf_counter() - tick) / first
    masks = sorted(set(parts[0].stretch_mask.tolist()))
    # a few of its states, spread over them, time a state's LP; the others go to the workers
    timed = masks[:: max(1, math.ceil(len(masks) / TIMED_STATES))]
    tick = time.perf_counter()
    prices = dict(zip(timed, _price_states(local, timed), strict=True))
    state_s = (time.perf_counter() - tick) / max(len(timed), 1)
    rest = range(first, years)
    # states met per year decline as the common ones recur: guess the new ones from the first sample's rate
    guess_states = len(masks) * math.log1p(len(rest) / first) if masks else 0.0
    work_s = len(rest) * sample_s + (guess_states + len(masks) - len(timed)) * state_s
    options, note = worth_spreading(options, work_s, build_s)
    done = [first]

    def advance(k: int) -> None:
        done[0] += k
        if options.progress:
            options.progress(min(done[0], years), years)

    advance(0)
    with sweep_session(build, options=options, local=local) as session:
        # 1. the years' disruption states (sampling only); 2. each state new to this process
        # priced once, the states spread over the workers; 3. the years' losses from the prices
        tick = time.perf_counter()
        # small batches (a dozen per worker) so that the workers finish together
        parts += session.map(_sample_years, rest, seconds_each=sample_s, per_worker=12)
        samples = _Samples.join(parts)
        advance(len(rest) // 2)
        new = sorted(set(samples.stretch_mask.tolist()) - set(prices))
        sampled = time.perf_counter()
        priced_new = session.map(_price_states, new, seconds_each=state_s, per_worker=12)
        prices.update(zip(new, priced_new, strict=True))
        advance(len(rest) - len(rest) // 2)
        priced = time.perf_counter()
    table = demand.table
    commodities = sorted(set(table["commodity"]))
    carries = np.array([[c == k for k in commodities] for c in table["commodity"]], dtype=float)
    loss, stranded = _losses(samples, prices, carries.reshape(len(table), len(commodities)))
    logger.debug(
        "risk: %d years sampled in %.2f s, %d new states priced in %.2f s, years priced in %.2f s",
        len(rest), sampled - tick, len(new), priced - sampled, time.perf_counter() - priced,
    )  # fmt: skip
    n_states = len(prices)
    frame = pd.DataFrame(
        {
            "year": samples.year,
            "events": samples.events,
            "disrupted_days": samples.disrupted,
            "loss_usd": np.maximum(loss, 0.0),  # solver noise below zero is no gain
        }
    )
    for k, c in enumerate(commodities):
        frame[f"stranded_{c}"] = np.maximum(stranded[:, k], 0.0)
    return Risk(
        scenario=None if scenario is None else scenario.name,
        years=frame,
        seed=options.seed,
        baseline_cost_usd=local.solver.baseline.objective,
        seconds=time.perf_counter() - start,
        n_states=n_states,
        units=commodity_units(network),
        note=note,
    )


def _losses(
    samples: _Samples, prices: Mapping[int, tuple[float, np.ndarray]], by_commodity: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """[year] loss in USD and [year, commodity] stranded units: each disrupted stretch at its
    state's yearly extra cost and unserved volume times its days / 365.

    ``by_commodity``: [pair, commodity] 1 where the pair carries the commodity."""
    from scipy.sparse import csr_array

    order = sorted(prices)
    index = {mask: i for i, mask in enumerate(order)}
    extra = np.array([prices[m][0] for m in order], dtype=float)
    unserved = np.array([prices[m][1] for m in order], dtype=float).reshape(len(order), by_commodity.shape[0])
    state = np.array([index[m] for m in samples.stretch_mask.tolist()], dtype=np.int64)
    # [year, state] share of the year spent in each state
    share = csr_array(
        (samples.stretch_days / 365.0, (samples.stretch_year, state)), shape=(len(samples.year), len(order))
    )
    return np.asarray(share @ extra, dtype=float), np.asarray(share @ (unserved @ by_commodity), dtype=float)
