"""Investment appraisal: which candidate buys the most resilience, and the most per dollar.

A candidate is a scenario of investments (``add_capacity``, ``add_link``, each with an optional
``cost_usd``), listed in a YAML file under ``candidates:``. Each is judged on three things:

* **expected annual loss.** The same sampled years of disruptions (same hazards, same seed) are
  priced on the network without and with the candidate (:func:`corridor.sweep.montecarlo`); the
  reduction is the mean of the year-by-year differences, with its standard error (common random
  numbers make it much tighter than the two losses' own errors);
* **expected annual cost** (undisrupted cost plus expected loss): more capacity can raise the loss
  (more cargo flows, so more is exposed) while lowering the total; both are reported;
* **transit dependency.** Each exporter's share of volume crossing each other country in the
  undisrupted assignment, without and with the candidate (:func:`corridor.analysis.transit_dependency`).

Where a cost is given, the reduction per million USD of it ranks the candidates (those without a
cost follow, by the reduction alone); a capital cost is
compared with a yearly loss, so the ratio reads as "years to pay back" inverted, not a full
cost-benefit analysis (no discounting, no operating costs).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from corridor.analysis import transit_dependency
from corridor.errors import ScenarioError
from corridor.flow import Demand, assign
from corridor.network import Network, builtin_dataset_path
from corridor.records import json_records
from corridor.scenario import (
    AddCapacity,
    AddLink,
    Scenario,
    StrictModel,
    check_scenario,
    parse_yaml_model,
    read_yaml_text,
    with_investments,
)
from corridor.sweep.engine import SweepOptions
from corridor.sweep.hazards import Hazard, load_hazards
from corridor.sweep.montecarlo import Risk, risk

__all__ = ["BUILTIN_CANDIDATES", "Appraisal", "appraise", "candidate_cost", "load_candidates"]

BUILTIN_CANDIDATES = "candidates.yaml"


class _CandidateFile(StrictModel):
    candidates: list[Scenario] = Field(min_length=1)


def load_candidates(path: str | Path | None = None, network: Network | None = None) -> list[Scenario]:
    """Candidate investments from a YAML file (``candidates:``, a list of scenarios).

    Parameters
    ----------
    path
        A YAML file; None loads the built-in candidates (each with a published cost).
    network
        When given, every name a candidate uses is checked against it.

    Returns
    -------
    list of Scenario
        Each made only of ``add_capacity`` and ``add_link`` events.

    Raises
    ------
    ScenarioError
        A missing file, YAML or a field that does not validate (with the file, the line and the
        field), a repeated name, an ``extends``, an event that is not an investment, a name the
        network lacks.

    Examples
    --------
    >>> [c.name for c in load_candidates()][:2]
    ['aktau-container-hub', 'kuryk-port-phase-1']
    """
    file = builtin_dataset_path() / BUILTIN_CANDIDATES if path is None else Path(path)
    if not file.is_file():
        raise ScenarioError(f"{file}: no such file; expected a YAML file with a 'candidates:' list")
    candidates = parse_yaml_model(read_yaml_text(file, "candidates file"), file.name, _CandidateFile).candidates
    seen: set[str] = set()
    problems = []
    for i, candidate in enumerate(candidates):
        if candidate.name in seen:
            problems.append(f"{file.name}: candidates.{i}.name: {candidate.name!r} is used twice")
        seen.add(candidate.name)
        if candidate.extends is not None:
            problems.append(f"{file.name}: candidates.{i}.extends: a candidate is judged alone; drop 'extends'")
        for j, event in enumerate(candidate.events):
            if not isinstance(event, AddCapacity | AddLink):
                problems.append(
                    f"{file.name}: candidates.{i}.events.{j}: type {event.type!r}; expected add_capacity or add_link"
                )
    if problems:
        raise ScenarioError("\n".join(problems))
    if network is not None:
        for candidate in candidates:
            check_scenario(candidate, network)
    return candidates


def candidate_cost(candidate: Scenario) -> float | None:
    """The sum of its events' costs, or None when none gives one."""
    costs = [e.cost_usd for e in candidate.events if isinstance(e, AddCapacity | AddLink) and e.cost_usd is not None]
    return float(sum(costs)) if costs else None


@dataclass(frozen=True, eq=False)
class Appraisal:
    """Candidates ranked by what they take off the expected annual loss.

    ``table``: candidate, cost_usd, expected_loss_usd, loss_reduction_usd (per year),
    reduction_se_usd, reduction_per_musd (per year, per million USD of cost),
    expected_cost_reduction_usd (undisrupted cost plus expected loss, per year),
    stranded_reduction_<commodity> (units per year), dependency_change (the largest change of an
    exporter's transit share). ``dependency``: candidate, exporter, transit, commodity, share_before,
    share_after.
    """

    table: pd.DataFrame
    dependency: pd.DataFrame
    baseline: Risk
    seconds: float

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        return [("appraisal", self.table), ("dependency", self.dependency)]

    def summary(self) -> dict[str, Any]:
        return {k: v for k, v in self.to_dict().items() if k not in ("candidates", "dependency")}

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "years": len(self.baseline.years),
            "scenario": self.baseline.scenario,
            "seed": self.baseline.seed,
            "expected_loss_without_usd": round(self.baseline.expected_annual_loss_usd, 2),
            "standard_error_usd": round(self.baseline.standard_error_usd, 2),
            "candidates": json_records(self.table),
            "dependency": json_records(self.dependency),
            "seconds": round(self.seconds, 3),
        }


def appraise(
    network: Network,
    demand: Demand,
    candidates: Sequence[Scenario],
    *,
    years: int,
    hazards: Sequence[Hazard] | None = None,
    scenario: Scenario | None = None,
    options: SweepOptions | None = None,
) -> Appraisal:
    """Price the same sampled years without and with each candidate; rank by loss reduction per dollar.

    Parameters
    ----------
    network, demand
        The network and the demand placed on it.
    candidates
        Investments, each a scenario of ``add_capacity`` / ``add_link`` events (:func:`load_candidates`).
    years
        Years sampled, the same for every candidate (common random numbers).
    hazards
        What can happen (:func:`corridor.sweep.load_hazards`); default: the built-in table.
    scenario
        The world the candidates are judged in (the sanctions of 2022, say): its events hold in
        every sampled year, without and with each candidate, over its horizon. Default: none.
    options
        Seed, executor, workers, progress (:class:`SweepOptions`), shared by every candidate's run.

    Returns
    -------
    Appraisal
        Candidates ranked by the expected annual loss they remove per million USD, with the change
        in each exporter's transit dependency.

    Raises
    ------
    RequestError
        ``years`` out of range; hazards on elements the network lacks.

    Examples
    --------
    >>> net = load_network()
    >>> fourth_mooring = [c for c in load_candidates(network=net) if c.name == "cpc-fourth-mooring"]
    >>> result = appraise(net, load_demand(net), fourth_mooring, years=100, options=SweepOptions(seed=1))
    >>> bool(result.table.loc[0, "loss_reduction_usd"] > 0)
    True
    """
    options = options or SweepOptions()
    start = time.perf_counter()
    hazards = list(hazards) if hazards is not None else load_hazards(network)
    total = years * (len(candidates) + 1)
    runs = [0]

    def step(done: int, _: int) -> None:
        if options.progress:
            options.progress(runs[0] * years + done, total)

    run_options = replace(options, progress=step)
    without = risk(network, demand, years=years, hazards=hazards, scenario=scenario, options=run_options)
    run_options = replace(run_options, on_start=None)  # the dashboard address was printed once
    world = with_investments(network, scenario) if scenario is not None else network
    plain = transit_dependency(world, assign(network, demand, scenario=scenario, solver_options=options.solver_options))
    rows, dependency = [], []
    for candidate in candidates:
        runs[0] += 1
        judged = _within(scenario, candidate)
        with_it = risk(network, demand, years=years, hazards=hazards, scenario=judged, options=run_options)
        gain = without.years["loss_usd"].to_numpy(float) - with_it.years["loss_usd"].to_numpy(float)
        cost = candidate_cost(candidate)
        row: dict[str, Any] = {
            "candidate": candidate.name,
            "cost_usd": cost,
            "expected_loss_usd": with_it.expected_annual_loss_usd,
            "loss_reduction_usd": float(gain.mean()),
            "reduction_se_usd": float(gain.std(ddof=1) / math.sqrt(len(gain))) if len(gain) > 1 else math.nan,
            "reduction_per_musd": float(gain.mean()) / (cost / 1e6) if cost else math.nan,
            # undisrupted cost plus expected loss: an investment that carries more cargo in normal
            # years can raise the loss (more cargo is exposed) and still lower the total
            "expected_cost_reduction_usd": (without.baseline_cost_usd + without.expected_annual_loss_usd)
            - (with_it.baseline_cost_usd + with_it.expected_annual_loss_usd),
        }
        for col in [c for c in without.years.columns if c.startswith("stranded_")]:
            row[col.replace("stranded_", "stranded_reduction_")] = float(
                (without.years[col] - with_it.years[col]).mean()
            )
        invested = with_investments(network, judged)
        after = transit_dependency(
            invested, assign(network, demand, scenario=judged, solver_options=options.solver_options)
        )
        change = _dependency_change(plain, after)
        change.insert(0, "candidate", candidate.name)
        dependency.append(change)
        row["dependency_change"] = _largest_change(change)
        rows.append(row)
    table = pd.DataFrame(rows)
    if not table.empty:
        key = table["reduction_per_musd"].fillna(-np.inf)
        table = table.assign(_key=key).sort_values(["_key", "loss_reduction_usd"], ascending=False).drop(columns="_key")
        table = table.reset_index(drop=True)
    columns = ["candidate", "exporter", "transit", "commodity", "share_before", "share_after"]
    return Appraisal(
        table=table,
        dependency=pd.concat(dependency, ignore_index=True) if dependency else pd.DataFrame(columns=columns),
        baseline=without,
        seconds=time.perf_counter() - start,
    )


def _within(scenario: Scenario | None, candidate: Scenario) -> Scenario:
    """A candidate's investments added to a scenario's events (its horizon and name kept apart)."""
    if scenario is None:
        return candidate
    return scenario.model_copy(
        update={"name": f"{candidate.name} under {scenario.name}", "events": [*scenario.events, *candidate.events]}
    )


def _dependency_change(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    keys = ["exporter", "transit", "commodity"]
    merged = before[[*keys, "share"]].merge(
        after[[*keys, "share"]], on=keys, how="outer", suffixes=("_before", "_after")
    )
    return merged.fillna(0.0).sort_values(keys).reset_index(drop=True)


def _largest_change(change: pd.DataFrame) -> str:
    if change.empty:
        return ""
    delta = (change["share_after"] - change["share_before"]).abs()
    if float(delta.max()) < 1e-6:
        return "none"
    row = change.iloc[int(np.argmax(delta.to_numpy()))]
    return (
        f"{row['exporter']} {row['commodity']} via {row['transit']}: "
        f"{float(row['share_before']):.0%} -> {float(row['share_after']):.0%}"
    )
