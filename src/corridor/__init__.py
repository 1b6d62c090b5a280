"""corridor: trade-corridor routes, costs and disruptions, with the Eurasian network built in.

The library is plain functions over plain data: load a network, then ask for routes.

>>> import corridor
>>> net = corridor.load_network()
>>> route = corridor.shortest_route(net, "Xi'an", "Duisburg")
>>> route.countries[0], route.countries[-1]
('CN', 'DE')
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
    UnknownNodeError,
)

if TYPE_CHECKING:
    from corridor.assignment import Assignment, assign
    from corridor.compare import Option, Outcome, compare_routes
    from corridor.constraints import Constraints, resolve_constraints
    from corridor.demand import Demand, demand_from_frame, load_demand
    from corridor.network import Network, builtin_dataset_path, load_network, network_from_frames, validate_dataset
    from corridor.route import Route
    from corridor.routing import k_shortest_routes, pareto_routes, shortest_route, shortest_routes

# imported on first use, so that `corridor --help` and `import corridor.errors` stay quick
_HOME = {
    "assignment": ("Assignment", "assign"),
    "compare": ("Option", "Outcome", "compare_routes"),
    "constraints": ("Constraints", "resolve_constraints"),
    "demand": ("Demand", "demand_from_frame", "load_demand"),
    "network": ("Network", "builtin_dataset_path", "load_network", "network_from_frames", "validate_dataset"),
    "route": ("Route",),
    "routing": ("k_shortest_routes", "pareto_routes", "shortest_route", "shortest_routes"),
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
    "Assignment",
    "Constraints",
    "CorridorError",
    "DataError",
    "Demand",
    "InfeasibleError",
    "Network",
    "NoRouteError",
    "Option",
    "Outcome",
    "Problem",
    "RequestError",
    "Route",
    "ScenarioError",
    "SolverError",
    "UnknownNodeError",
    "assign",
    "builtin_dataset_path",
    "compare_routes",
    "demand_from_frame",
    "k_shortest_routes",
    "load_demand",
    "load_network",
    "network_from_frames",
    "pareto_routes",
    "resolve_constraints",
    "shortest_route",
    "shortest_routes",
    "validate_dataset",
]


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
