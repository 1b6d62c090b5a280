"""Capacitated assignment: demand placed on the network by a min-cost multi-commodity flow LP.

Three stages, each callable and testable alone (PyPSA's create_model / solve_model / assign):

1. :func:`corridor.flow.build_assignment` writes the LP as sparse matrices;
2. :func:`corridor.flow.solve_model` hands it to HiGHS (dual simplex) through ``highspy``, whole
   or through the priced master (:mod:`corridor.flow.pricing`);
3. :func:`corridor.flow.read_assignment` turns the solution into tables.

:func:`assign` runs them, and skips the LP when the shortest route of every pair breaks no
capacity (then those routes are the optimum).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from corridor.flow.build import build_assignment
from corridor.flow.demand import Demand
from corridor.flow.model import Assignment, AssignmentModel, LPSolution
from corridor.flow.read import read_assignment
from corridor.flow.solve import solve_model
from corridor.network import Network
from corridor.routing import shortest_routes
from corridor.scenario import Scenario, scenario_effect, with_investments

__all__ = ["assign"]


def assign(
    network: Network,
    demand: Demand,
    *,
    scenario: Scenario | None = None,
    penalty: Mapping[str, float] | None = None,
    solver_options: Mapping[str, Any] | None = None,
    force_lp: bool = False,
    lp: str = "auto",
) -> Assignment:
    """Place demand on the network at least cost within capacities; say what cannot be carried.

    When every pair's cheapest route fits within every capacity, those routes are the optimum
    and no LP is solved (``method`` says which). Otherwise: build, solve, read back.

    Parameters
    ----------
    network, demand
        The network and the demand to place on it.
    scenario
        Disruptions and policies over its horizon, as yearly rates (:func:`corridor.load_scenario`).
    penalty
        USD per unserved unit of some commodities (default: the commodity's value).
    solver_options
        HiGHS options, passed through.
    force_lp
        Solve the LP even when shortest routes already fit.
    lp
        ``plain``, ``priced`` or ``auto`` (by size; see :func:`corridor.flow.solve_model`).

    Returns
    -------
    Assignment
        Flows per link, unserved volume per pair, the binding bottlenecks with their dual values.

    Raises
    ------
    InfeasibleError, SolverError
        When HiGHS finds no optimum (unserved demand is always allowed, so this means bad input).

    Examples
    --------
    >>> net = load_network()
    >>> result = assign(net, load_demand(net))
    >>> result.status, result.unserved_by_commodity()["container"]
    ('optimal', 0.0)
    """
    if scenario is not None:
        network = with_investments(network, scenario)
    effect = None if scenario is None else scenario_effect(network, scenario, demand.table)
    model = build_assignment(network, demand, effect=effect, penalty=penalty)
    if not force_lp and effect is None:
        quick = _uncongested(model)
        if quick is not None:
            return replace(read_assignment(model, quick), method="shortest routes (no capacity binds)")
    return read_assignment(model, solve_model(model, lp=lp, solver_options=solver_options))


def _uncongested(model: AssignmentModel) -> LPSolution | None:
    """The LP's solution from shortest routes alone, or None when one would break a capacity."""
    network = model.network
    cn = network.compiled
    table = model.demand.table
    x = np.zeros(model.shape[1])
    col_of = {(int(g), int(a)): i for i, (g, a) in enumerate(zip(model.flow_group, model.flow_arc, strict=True))}
    group_of_pair = {p: g for g, members in enumerate(model.group_pairs) for p in members}
    arc_of = {
        (cn.link_ids[link], cn.node_ids[tail], cn.node_ids[head]): arc
        for arc, (link, tail, head) in enumerate(zip(cn.arc_link, cn.tail, cn.head, strict=True))
    }
    for commodity, part in table.groupby("commodity", sort=False):
        routes = shortest_routes(
            network, list(zip(part["origin"], part["destination"], strict=True)), commodity=str(commodity)
        )
        for p, route in zip(part.index, routes, strict=True):
            if route is None or route.cost_usd >= model.penalty[p]:
                return None  # unserved or not worth carrying: let the LP weigh it
            g = group_of_pair[int(p)]
            for link, a, b in zip(route.links, route.nodes[:-1], route.nodes[1:], strict=True):
                x[col_of[(g, arc_of[(link, a, b)])]] += table.loc[p, "quantity_per_year"]
    load = model.capacity_load(x)
    if np.any(load > model.cap_limit * (1 + 1e-9)):
        return None
    return LPSolution(
        status="optimal",
        objective=float(model.cost[: model.n_flow] @ x[: model.n_flow]),
        x=x,
        row_dual=np.zeros(model.shape[0]),
        iterations=0,
        solve_seconds=0.0,
    )
