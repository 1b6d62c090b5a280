"""Monte Carlo risk: sampled years of disruptions, expected annual loss, exceedance curve, VaR and CVaR.

Hazards come from a CSV table (``data/schema/risks.csv``; the built-in one derives rates and
lengths from the dated events of 2022-2025, each figure sourced or marked as an assumption). A
hazard disrupts one element (a link, node or group): it starts as a Poisson process of
``events_per_year``, each disruption lasts a lognormal number of days (``median_days``,
``p90_days``) and leaves ``capacity_left`` of the element's published capacity (0 closes it).

One sampled year is a timeline: the year is cut wherever a disruption starts or ends, and each
stretch is priced by the assignment LP with the elements disrupted during it (the worst share
where two disruptions of one element overlap), at the yearly rates of that state: the loss of a
stretch is (cost of the state - cost with nothing disrupted) x its days / 365, and so is the
stranded volume. Cargo that cannot move during a stretch counts as stranded (no backlog carried
over): where storage lets cargo wait this overstates the loss. States recur from year to year,
so their LPs are solved once per process (warm-started from the baseline basis) and cached.

Year ``i`` of a run with seed ``s`` is drawn from its own generator (``numpy`` ``default_rng([s,
i])``), so a run's years are the same however they are split into tasks and wherever they run.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor._schema import parse_rows, read_csv_rows, rows_from_frame, schema_for, split_source
from corridor.criticality import _Solver, _units, elements
from corridor.demand import Demand
from corridor.errors import DataError, Problem, RequestError
from corridor.executors import batch, default_workers, drop_state, run_tasks, seed_state, worker_state
from corridor.network import Network, builtin_dataset_path
from corridor.scenario import Scenario, with_investments

__all__ = ["BUILTIN_RISKS", "Hazard", "Risk", "hazards_from_frame", "load_hazards", "risk", "sample_year"]

BUILTIN_RISKS = "risks.csv"
_Z90 = 1.2815515655446004  # the standard normal's 90th percentile


@dataclass(frozen=True)
class Hazard:
    """One kind of disruption of one element."""

    name: str
    element: str
    events_per_year: float
    median_days: float
    p90_days: float
    capacity_left: float
    arcs: tuple[int, ...] = ()
    nodes: tuple[int, ...] = ()

    @property
    def sigma(self) -> float:
        """The lognormal's shape from its median and 90th percentile."""
        return max(math.log(self.p90_days / self.median_days), 0.0) / _Z90


def load_hazards(network: Network, path: str | Path | None = None) -> list[Hazard]:
    """Hazards from a CSV file; None loads the built-in table of the Eurasian network.

    Every problem is reported at once, with file, row and field: unknown elements, negative
    rates, a 90th percentile below the median, a share outside 0-1, a derate of an element
    with no published capacity (it would change nothing), unknown source ids.
    """
    file = builtin_dataset_path() / BUILTIN_RISKS if path is None else Path(path)
    problems: list[Problem] = []
    read = read_csv_rows(file, schema_for("risks"), problems)
    if read is None:
        raise DataError(problems)
    return _build(network, *read, file.name, problems)


def hazards_from_frame(network: Network, frame: pd.DataFrame, *, name: str = "risks") -> list[Hazard]:
    """Check a hazard table built in code, with the same rules as a file."""
    rows, numbers = rows_from_frame(frame, schema_for("risks"))
    return _build(network, rows, numbers, name, [])


def _build(
    network: Network, rows: list[dict[str, str]], numbers: list[int], file_name: str, problems: list[Problem]
) -> list[Hazard]:
    file = Path(file_name)
    table = parse_rows(rows, numbers, schema_for("risks"), problems, file=file.name)
    by_id = {e.id: e for e in elements(network)}
    capacitated = _capacitated_arcs(network)
    sources = set(network.sources["id"])
    hazards = []
    for row, number in zip(table.to_dict(orient="records"), numbers, strict=True):
        for col in ("events_per_year_source", "days_source", "capacity_left_source"):
            ids, _ = split_source(str(row[col]))
            for sid in ids:
                if sid not in sources:
                    problems.append(
                        Problem(
                            file.name, f"{col} cites {sid!r}, which is not an id in sources.csv", row=number, field=col
                        )
                    )
        element = by_id.get(str(row["element"]))
        if element is None:
            if row["element"]:
                problems.append(
                    Problem(
                        file.name,
                        f"element is {row['element']!r}; expected a link, node or group id of network {network.name!r}",
                        row=number,
                        field="element",
                    )
                )
            continue
        if row["p90_days"] < row["median_days"]:
            problems.append(
                Problem(
                    file.name,
                    f"p90_days is {row['p90_days']:g}; expected at least median_days ({row['median_days']:g})",
                    row=number,
                    field="p90_days",
                )
            )
        share = float(row["capacity_left"])
        if 0 < share < 1 and not capacitated[list(element.arcs)].any():
            problems.append(
                Problem(
                    file.name,
                    f"capacity_left is {share:g} but {element.id} has no published capacity to derate; "
                    "expected 0 (closed) or a capacity in the network",
                    row=number,
                    field="capacity_left",
                )
            )
        hazards.append(
            Hazard(
                name=str(row["hazard"]),
                element=element.id,
                events_per_year=float(row["events_per_year"]),
                median_days=float(row["median_days"]),
                p90_days=float(row["p90_days"]),
                capacity_left=share,
                arcs=element.arcs,
                nodes=element.nodes,
            )
        )
    if problems:
        raise DataError(problems)
    return hazards


def _bind(hazards: Sequence[Hazard], network: Network) -> list[Hazard]:
    """The hazards with their elements' arcs and nodes looked up on this network (new links shift arcs)."""
    by_id = {e.id: e for e in elements(network)}
    missing = sorted({h.element for h in hazards} - set(by_id))
    if missing:
        raise RequestError(f"hazards name elements the network does not have: {', '.join(missing)}")
    return [replace(h, arcs=by_id[h.element].arcs, nodes=by_id[h.element].nodes) for h in hazards]


def _capacitated_arcs(network: Network) -> np.ndarray:
    cn = network.compiled
    node_capped = np.isfinite(cn.node_capacity_native)
    return np.asarray(np.isfinite(cn.arc_capacity_native) | node_capped[cn.tail] | node_capped[cn.head], dtype=bool)


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
    n_states: int  # LPs solved: distinct disruption states, counted in every process that met them
    units: dict[str, str] = field(default_factory=dict)

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
            "seconds": round(self.seconds, 3),
        }


def _number(value: float) -> float | None:
    """Rounded for JSON; None where it is not a number (a standard error of one year)."""
    return round(value, 2) if math.isfinite(value) else None


_Cache = dict[tuple[tuple[int, float], ...], tuple[float, np.ndarray]]


def _price_state(
    solver: _Solver, hazards: Sequence[Hazard], state: tuple[tuple[int, float], ...]
) -> tuple[float, np.ndarray]:
    """(extra cost per year, extra unserved per pair per year) with the state's elements disrupted."""
    closed: set[int] = set()
    arc_share: dict[int, float] = {}
    node_share: dict[int, float] = {}
    for h, share in state:
        hazard = hazards[h]
        if share <= 0:
            closed.update(hazard.arcs)
            continue
        for arc in hazard.arcs:
            arc_share[arc] = min(share, arc_share.get(arc, 1.0))
        for node in hazard.nodes:
            node_share[node] = min(share, node_share.get(node, 1.0))
    arc_share = {a: s for a, s in arc_share.items() if a not in closed}
    outcome = solver.disrupted(sorted(closed), arc_share, node_share)
    base = solver.baseline
    return outcome.objective - base.objective, outcome.unserved - base.unserved


def _run_years(
    shared: tuple[Any, ...], years: Sequence[int]
) -> tuple[list[tuple[int, int, float, float, np.ndarray]], int]:
    """Sample and price some years on this process's baseline LP.

    Returns (year, events, disrupted days, loss, stranded per pair) per year, and how many
    states this call had to solve (the others were cached in this process)."""
    token, network, demand, hazards, seed, solver_options, scenario = shared

    def build() -> tuple[_Solver, _Cache]:
        return _Solver(network, demand, solver_options, scenario), {}

    with worker_state(token, build) as (solver, cache):
        return _price_years(solver, cache, hazards, demand, seed, years)


def _price_years(
    solver: _Solver, cache: _Cache, hazards: Sequence[Hazard], demand: Demand, seed: int, years: Sequence[int]
) -> tuple[list[tuple[int, int, float, float, np.ndarray]], int]:
    out = []
    solved = 0
    for year in years:
        events = sample_year(hazards, np.random.default_rng([seed, year]))
        loss = 0.0
        stranded = np.zeros(len(demand.table))
        disrupted = 0.0
        for days, state in _stretches(events, hazards):
            if state not in cache:
                cache[state] = _price_state(solver, hazards, state)
                solved += 1
            extra, unserved = cache[state]
            loss += extra * days / 365.0
            stranded += unserved * days / 365.0
            disrupted += days
        # a disruption wrapped round the year end is two pieces; the one from day 0 is not a new event
        count = sum(1 for start, end, _ in events if start > 0.0 or end >= 365.0)
        out.append((year, count, disrupted, loss, stranded))
    return out, solved


def risk(
    network: Network,
    demand: Demand,
    *,
    years: int,
    seed: int,
    hazards: Sequence[Hazard] | None = None,
    scenario: Scenario | None = None,
    solver_options: Mapping[str, Any] | None = None,
    executor: str = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[str], None] | None = None,
) -> Risk:
    """Sample ``years`` years of disruptions from ``hazards`` (default: the built-in table) and price them.

    The same seed gives the same years and the same numbers on every executor. With
    ``scenario`` (an investment: added capacity, new links), the years are priced on the network
    it leaves; the same seed then gives the same disruptions, so two runs compare year by year.
    """
    if years < 1:
        raise RequestError(f"years is {years}; expected at least 1")
    if years > 10_000_000:
        raise RequestError(f"years is {years:,}; expected at most 10,000,000 (split a larger run by seed)")
    start = time.perf_counter()
    if scenario is not None:
        network = with_investments(network, scenario)
    hazards = _bind(hazards, network) if hazards is not None else load_hazards(network)
    solver = _Solver(network, demand, solver_options, scenario)
    token = f"{id(solver):x}-{time.monotonic_ns():x}"
    seed_state(token, (solver, {}))
    shared = (token, network, demand, tuple(hazards), int(seed), solver_options, scenario)
    workers_here = 1 if executor == "serial" else (workers or default_workers())
    done = [0]

    def advance(k: int) -> None:
        done[0] += k
        if progress:
            progress(done[0], years)

    try:
        # the first years run here: they price the common states, and the next ones, priced from
        # the cache, time a typical year so that the remaining ones go out in ~100 ms tasks
        first = min(years, 100 if executor == "serial" else 50)
        parts = [_run_years(shared, range(first))]
        probe = min(years, 2 * first)
        tick = time.perf_counter()
        parts.append(_run_years(shared, range(first, probe)))
        seconds_each = (time.perf_counter() - tick) / max(probe - first, 1)
        advance(probe)
        tasks = batch(list(range(probe, years)), seconds_each=seconds_each, workers=workers_here)
        sizes = iter([len(t) for t in tasks])
        parts += run_tasks(
            _run_years, shared, tasks, executor=executor, workers=workers, scheduler=scheduler,
            progress=lambda _k: advance(next(sizes)), on_start=on_start,
        )  # fmt: skip
    finally:
        drop_state(token)
    rows = [r for part, _ in parts for r in part]
    n_states = sum(solved for _, solved in parts)
    table = demand.table
    commodities = sorted(set(table["commodity"]))
    stranded = np.array([r[4] for r in rows]).reshape(len(rows), len(table))
    frame = pd.DataFrame(
        {
            "year": [r[0] for r in rows],
            "events": [r[1] for r in rows],
            "disrupted_days": [r[2] for r in rows],
            "loss_usd": [max(r[3], 0.0) for r in rows],  # solver noise below zero is no gain
        }
    )
    for c in commodities:
        frame[f"stranded_{c}"] = np.maximum(stranded[:, (table["commodity"] == c).to_numpy()].sum(axis=1), 0.0)
    return Risk(
        scenario=None if scenario is None else scenario.name,
        years=frame,
        seed=int(seed),
        baseline_cost_usd=solver.baseline.objective,
        seconds=time.perf_counter() - start,
        n_states=n_states,
        units=_units(network),
    )
