"""Why each shipper segment of one origin-destination pair takes the routes it takes.

:func:`explain_pair` places the whole demand (so that capacities and queues bind as they do),
then, for one pair, splits each segment's flow into routes and gives each route's share of the
segment and its cost parts per unit: tariffs and premiums paid, transit time, waiting at queues,
and what the segment's value of time makes of them. A route is cheaper for a segment when its
``generalized_usd`` is lower; a capacity that binds (``bottlenecks``) can still hold a segment off
its cheapest route, which the parts then show as the difference it pays.

The costs are the assignment's own (:mod:`corridor.flow.equilibrium`): per unit, tariffs and
premiums, and the segment's value of time times the transit (with a scenario's expected delays)
and the waits on the queue curves at the loads. ``excess_usd`` is what a route costs beyond the
segment's cheapest route, a place on a capacity at its limit priced at its dual as the gap to
equilibrium prices it: 0 at an equilibrium.
The table's ``attrs["equilibrium"]`` holds the whole assignment's measured gap.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from corridor.analysis.dependency import _decompose
from corridor.flow import Demand, build_assignment, read_assignment, segment_book, solve_model
from corridor.flow.equilibrium import capacity_charges, column_waits, own_costs, wait_terms
from corridor.network import Network, place_nodes
from corridor.scenario import DEFAULT_HORIZON, Scenario, scenario_effect, with_investments

__all__ = ["EXPLAIN_COLUMNS", "explain_pair"]

EXPLAIN_COLUMNS = [
    "segment",
    "route",
    "share",
    "volume_per_year",
    "tariff_usd",
    "transit_days",
    "wait_days",
    "time_usd",
    "wait_usd",
    "generalized_usd",
    "excess_usd",
    "links",
]


def explain_pair(
    network: Network,
    demand: Demand,
    origin: str,
    destination: str,
    *,
    commodity: str = "container",
    scenario: Scenario | None = None,
    on: dt.date | None = None,
    equilibrium: bool = True,
) -> pd.DataFrame:
    """Each segment's routes for one pair, with shares and cost parts (see the module docstring).

    Parameters
    ----------
    network, demand
        The network and the demand placed on it; the pair must be in the demand.
    origin, destination
        The pair (ids, names or aliases).
    commodity
        The commodity of the pair.
    scenario, on
        Place the demand as the scenario leaves the network on that day (default: its first day).
    equilibrium
        Place it with every segment weighing the queues' waits at its own value of time (the
        default; :func:`corridor.flow.solve_model`), or with ``False`` as ``assign`` does by
        default (the LP once).

    Returns
    -------
    pandas.DataFrame
        segment, route (the places it passes that name it), share (of the segment's volume of the
        pair), volume_per_year, tariff_usd, transit_days, wait_days, time_usd, wait_usd,
        generalized_usd, excess_usd (per unit), links; ``attrs["equilibrium"]``: the assignment's
        gap to equilibrium (rounds, relative_gap, excess_usd, first_gap, seconds).

    Raises
    ------
    KeyError
        The pair is not in the demand.

    Examples
    --------
    >>> net = load_network()
    >>> table = explain_pair(net, load_demand(net), "Xi'an", "Duisburg")
    >>> sorted(set(table["segment"])) == ["economy", "standard", "time_critical"]
    True
    """
    o = network.name_index.resolve(origin)[1]
    d = network.name_index.resolve(destination)[1]
    table = demand.table
    mine = (table["origin"] == o) & (table["destination"] == d) & (table["commodity"] == commodity)
    if not mine.any():
        raise KeyError(f"the demand has no {commodity} from {o} to {d}")
    effect = None
    if scenario is not None:
        network = with_investments(network, scenario)
        horizon = scenario.horizon or DEFAULT_HORIZON
        day = on or horizon.start
        effect = scenario_effect(network, scenario, table, horizon=scenario.on(day).horizon)
    model = build_assignment(network, demand, effect=effect)
    solution = solve_model(model, equilibrium=equilibrium)
    result = read_assignment(model, solution)
    cn = network.compiled
    time_h = cn.time_h if effect is None else effect.time_h
    book = segment_book(network)
    ends = set(place_nodes(network, "group" if d in set(network.groups["id"]) else "node", d))
    # per flow column, at the segment's own value of time: what the assignment weighs
    terms = wait_terms(model)
    waits = model.queue_waits(solution.x)
    own = own_costs(model, terms, waits)
    waited = column_waits(model, terms, waits)
    cheapest = solution.equilibrium.cheapest_usd if solution.equilibrium is not None else np.zeros(0)
    # the gap prices a place on a full line at its dual: the excess compares routes on that footing
    charge = capacity_charges(model, solution.row_dual) if len(cheapest) else np.zeros(model.n_flow)
    arc_of = {
        (cn.link_ids[cn.arc_link[a]], cn.node_ids[cn.tail[a]], cn.node_ids[cn.head[a]]): a for a in range(cn.n_arcs)
    }
    rows = []
    for p in np.flatnonzero(mine.to_numpy()):
        segment = str(table["segment"].iloc[p])
        g = next(i for i, members in enumerate(model.group_pairs) if int(p) in members)
        cols = np.flatnonzero(model.flow_group == g)
        col_of = {int(a): int(c) for a, c in zip(model.flow_arc[cols], cols, strict=True)}
        s = int(model.group_segment[g])
        vot_h = float(book.table["value_of_time_usd_per_unit_day"].iloc[s]) / 24.0
        weighs = bool(book.table["weigh_time"].iloc[s])
        flows = result.flows_by_segment
        part = flows[(flows["origin"] == o) & (flows["commodity"] == commodity) & (flows["segment"] == segment)]
        paths = [x for x in _decompose(part, o) if x[2] in ends]
        total = sum(v for _, v, _ in paths)
        best = float(cheapest[p]) if len(cheapest) else np.nan
        for links, volume, _ in paths:
            nodes = _nodes_of(links, part, o)
            route = np.array(
                [col_of[arc_of[(lk, a, b)]] for lk, a, b in zip(links, nodes[:-1], nodes[1:], strict=True)]
            )
            tariff = float(model.money[route].sum())
            # the hours the LP values: transit and dwell, with a scenario's expected delays
            hours = (
                float((model.cost[route] - model.money[route]).sum() / vot_h)
                if weighs and vot_h > 0
                else float(time_h[model.flow_arc[route]].sum())
            )
            generalized = float(own[route].sum())
            rows.append(
                {
                    "segment": segment,
                    "route": _label(network, nodes),
                    "share": volume / total if total > 0 else 0.0,
                    "volume_per_year": volume,
                    "tariff_usd": tariff,
                    "transit_days": hours / 24.0,
                    "wait_days": float(waited[route].sum()) / 24.0,
                    "time_usd": float((model.cost[route] - model.money[route]).sum()),
                    "wait_usd": float((own[route] - model.cost[route]).sum()),
                    "generalized_usd": generalized,
                    "excess_usd": max(generalized + float(charge[route].sum()) - best, 0.0)
                    if np.isfinite(best)
                    else 0.0,
                    "links": list(links),
                }
            )
        if not paths:
            rows.append({"segment": segment, "route": "unserved", "share": 1.0, "volume_per_year": 0.0,
                         "tariff_usd": np.nan, "transit_days": np.nan, "wait_days": np.nan, "time_usd": np.nan,
                         "wait_usd": np.nan, "generalized_usd": np.nan, "excess_usd": np.nan,
                         "links": []})  # fmt: skip
    out = pd.DataFrame(rows, columns=EXPLAIN_COLUMNS)
    out = out.sort_values(["segment", "share"], ascending=[True, False]).reset_index(drop=True)
    out.attrs["equilibrium"] = result.equilibrium
    return out


def _nodes_of(links: list[str], flows: pd.DataFrame, origin: str) -> list[str]:
    """The node sequence of a path given by its links, walked from the origin."""
    nodes = [origin]
    for link in links:
        step = flows[(flows["link"] == link) & (flows["from"] == nodes[-1])]
        nodes.append(str(step["to"].iloc[0]))
    return nodes


def _label(network: Network, nodes: list[str]) -> str:
    """A short name for a route: the named places it passes (ports, borders, hubs), in order."""
    names = dict(zip(network.nodes["id"], network.nodes["name"], strict=True))
    kinds = dict(zip(network.nodes["id"], network.nodes["kind"], strict=True))
    keep = [n for n in nodes[1:-1] if kinds.get(n) in ("port", "border_crossing", "waypoint")]
    picked = [names[n].split(" (")[0] for n in keep[:4]]
    return " - ".join([names[nodes[0]].split(" (")[0], *picked, names[nodes[-1]].split(" (")[0]])
