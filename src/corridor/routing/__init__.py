"""Routes: shortest, k-best and Pareto paths over the compiled network, with avoid/via options.

* :mod:`corridor.routing.routes`: the public searches (:func:`shortest_route`, :func:`k_shortest_routes`,
  :func:`pareto_routes`, :func:`shortest_routes`);
* :mod:`corridor.routing.options`: what a route must avoid and pass through, resolved from names;
* :mod:`corridor.routing.paths`: the graph algorithms on CSR arrays (Dijkstra, Yen, Pareto labels);
* :mod:`corridor.routing.assemble`: a path's arcs turned into a :class:`Route` record;
* :mod:`corridor.routing.route`: the :class:`Route` record.
"""

from corridor.routing.options import Avoid, RouteOptions, RouteState, Via, resolve_route_options
from corridor.routing.route import Route
from corridor.routing.routes import (
    BY_OPTIONS,
    MAX_K,
    By,
    k_shortest_routes,
    pareto_routes,
    shortest_route,
    shortest_routes,
)

__all__ = [
    "BY_OPTIONS",
    "MAX_K",
    "Avoid",
    "By",
    "Route",
    "RouteOptions",
    "RouteState",
    "Via",
    "k_shortest_routes",
    "pareto_routes",
    "resolve_route_options",
    "shortest_route",
    "shortest_routes",
]
