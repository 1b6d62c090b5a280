"""Sweeps: many scenarios at once on one engine, and the analyses written on it.

* :mod:`corridor.sweep.engine`: :class:`SweepOptions` and :func:`sweep_map`, the one engine
  (serial, local processes or Dask; the same answers in the same order);
* :mod:`corridor.sweep.executors`: the executors themselves;
* :mod:`corridor.sweep.elements`: what can close (links, nodes, groups);
* :mod:`corridor.sweep.closures`: N-1 / N-2 single points of failure (:func:`criticality`);
* :mod:`corridor.sweep.hazards` and :mod:`corridor.sweep.montecarlo`: Monte Carlo risk (:func:`risk`);
* :mod:`corridor.sweep.appraisal`: investment appraisal on the same sampled years (:func:`appraise`).
"""

from corridor.sweep._outcomes import outcome_members
from corridor.sweep.appraisal import BUILTIN_CANDIDATES, Appraisal, appraise, candidate_cost, load_candidates
from corridor.sweep.closures import Criticality, criticality
from corridor.sweep.elements import Element, bind_elements, closable_elements, network_elements
from corridor.sweep.engine import SweepOptions, sweep_map
from corridor.sweep.executors import EXECUTORS, default_workers
from corridor.sweep.hazards import BUILTIN_RISKS, Hazard, bind_hazards, hazards_from_frame, load_hazards
from corridor.sweep.montecarlo import MAX_YEARS, Risk, YearPricer, risk, sample_year

__all__ = [
    "BUILTIN_CANDIDATES",
    "BUILTIN_RISKS",
    "EXECUTORS",
    "MAX_YEARS",
    "Appraisal",
    "Criticality",
    "Element",
    "Hazard",
    "Risk",
    "SweepOptions",
    "YearPricer",
    "appraise",
    "bind_elements",
    "bind_hazards",
    "candidate_cost",
    "closable_elements",
    "criticality",
    "default_workers",
    "hazards_from_frame",
    "load_candidates",
    "load_hazards",
    "network_elements",
    "outcome_members",
    "risk",
    "sample_year",
    "sweep_map",
]
