"""corridor: trade-corridor routes, costs and disruptions, with the Eurasian network built in.

The library is plain functions over plain data: load a network, then ask for routes, place
demand on it, replay a scenario, sweep closures or sampled years.

>>> import corridor
>>> net = corridor.load_network()
>>> route = corridor.shortest_route(net, "Xi'an", "Duisburg")
>>> route.countries[0], route.countries[-1]
('CN', 'DE')

The packages, in the order they import each other: :mod:`corridor.network` (tables, schema,
compiled arrays, place names) <- :mod:`corridor.routing` <- :mod:`corridor.scenario` <-
:mod:`corridor.flow` (the capacitated assignment) <- :mod:`corridor.analysis` (impact, transit
dependency) <- :mod:`corridor.sweep` (criticality, risk, appraisal) <- :mod:`corridor.cli`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from corridor.errors import (
    CorridorError,
    DataError,
    InfeasibleError,
    NoRouteError,
    Problem,
    RequestError,
    ScenarioError,
    SolverError,
    StoreError,
    UnknownNodeError,
)

if TYPE_CHECKING:
    from corridor.analysis import (
        CorridorCapacity,
        Impact,
        Option,
        Outcome,
        compare_routes,
        corridor_capacity,
        impact,
        replay,
        transit_dependency,
    )
    from corridor.flow import Assignment, Demand, assign, demand_from_frame, load_demand
    from corridor.network import (
        Network,
        builtin_dataset_path,
        load_network,
        network_from_frames,
        network_on,
        synthetic_network,
        validate_dataset,
    )
    from corridor.routing import (
        Route,
        RouteOptions,
        k_shortest_routes,
        pareto_routes,
        resolve_route_options,
        shortest_route,
        shortest_routes,
    )
    from corridor.scenario import Scenario, builtin_scenarios, load_scenario
    from corridor.settings import Settings
    from corridor.sweep import (
        Appraisal,
        Criticality,
        Risk,
        SweepOptions,
        appraise,
        closable_elements,
        criticality,
        load_candidates,
        load_hazards,
        risk,
    )

# imported on first use, so that `corridor --help` and `import corridor.errors` stay quick
_HOME = {
    "network": (
        "Network",
        "builtin_dataset_path",
        "load_network",
        "network_from_frames",
        "network_on",
        "synthetic_network",
        "validate_dataset",
    ),
    "routing": (
        "Route",
        "RouteOptions",
        "k_shortest_routes",
        "pareto_routes",
        "resolve_route_options",
        "shortest_route",
        "shortest_routes",
    ),
    "scenario": ("Scenario", "builtin_scenarios", "load_scenario"),
    "flow": ("Assignment", "Demand", "assign", "demand_from_frame", "load_demand"),
    "analysis": (
        "CorridorCapacity",
        "Impact",
        "Option",
        "Outcome",
        "compare_routes",
        "corridor_capacity",
        "impact",
        "replay",
        "transit_dependency",
    ),
    "sweep": (
        "Appraisal",
        "Criticality",
        "Risk",
        "SweepOptions",
        "appraise",
        "closable_elements",
        "criticality",
        "load_candidates",
        "load_hazards",
        "risk",
    ),
    "settings": ("Settings",),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'corridor' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"corridor.{_MODULE_OF[name]}"), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "Appraisal",
    "Assignment",
    "CorridorCapacity",
    "CorridorError",
    "Criticality",
    "DataError",
    "Demand",
    "Impact",
    "InfeasibleError",
    "Network",
    "NoRouteError",
    "Option",
    "Outcome",
    "Problem",
    "RequestError",
    "Risk",
    "Route",
    "RouteOptions",
    "Scenario",
    "ScenarioError",
    "Settings",
    "SolverError",
    "StoreError",
    "SweepOptions",
    "UnknownNodeError",
    "appraise",
    "assign",
    "builtin_dataset_path",
    "builtin_scenarios",
    "closable_elements",
    "compare_routes",
    "corridor_capacity",
    "criticality",
    "demand_from_frame",
    "impact",
    "k_shortest_routes",
    "load_candidates",
    "load_demand",
    "load_hazards",
    "load_network",
    "load_scenario",
    "network_from_frames",
    "network_on",
    "pareto_routes",
    "replay",
    "resolve_route_options",
    "risk",
    "shortest_route",
    "shortest_routes",
    "synthetic_network",
    "transit_dependency",
    "validate_dataset",
]


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
