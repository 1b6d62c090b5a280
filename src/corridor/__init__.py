"""corridor: trade-corridor routes, costs and disruptions, with the Eurasian network built in.

The library is plain functions over plain data: load a network, then ask for routes.

>>> import corridor
>>> net = corridor.load_network()
>>> route = corridor.shortest_route(net, "Xi'an", "Duisburg")
>>> route.countries[0], route.countries[-1]
('CN', 'DE')
"""

from corridor.assignment import Assignment, assign
from corridor.compare import Option, Outcome, compare_routes
from corridor.constraints import Constraints, resolve_constraints
from corridor.demand import Demand, demand_from_frame, load_demand
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
from corridor.network import Network, builtin_dataset_path, load_network, network_from_frames, validate_dataset
from corridor.route import Route
from corridor.routing import k_shortest_routes, pareto_routes, shortest_route, shortest_routes

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
