"""Analyses of assignments and routes: one function each.

* :mod:`corridor.analysis.replay`: a scenario's horizon replayed period by period (:func:`replay`);
* :mod:`corridor.analysis.impacts`: a scenario against the same periods without it, its disruption
  apart from the market (:func:`impact`);
* :mod:`corridor.analysis.dependency`: each exporter's transit dependency on other countries
  (:func:`transit_dependency`);
* :mod:`corridor.analysis.compare`: named route options side by side (:func:`compare_routes`);
* :mod:`corridor.analysis.capacity`: a corridor's end-to-end capacity by maximum flow
  (:func:`corridor_capacity`), and that of any chain of links (:func:`links_capacity`).
"""

from corridor.analysis.capacity import CorridorCapacity, corridor_capacity, links_capacity
from corridor.analysis.compare import Option, Outcome, compare_routes
from corridor.analysis.dependency import PATH_COLUMNS, assignment_paths, dependency_table, transit_dependency
from corridor.analysis.impacts import Impact, impact, impact_by_duration
from corridor.analysis.replay import Period, Replay, replay

__all__ = [
    "PATH_COLUMNS",
    "CorridorCapacity",
    "Impact",
    "Option",
    "Outcome",
    "Period",
    "Replay",
    "assignment_paths",
    "compare_routes",
    "corridor_capacity",
    "dependency_table",
    "impact",
    "impact_by_duration",
    "links_capacity",
    "replay",
    "transit_dependency",
]
