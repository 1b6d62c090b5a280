"""Ranges on the other answers: an assignment, a criticality ranking, a pair's segments.

The engine of :mod:`corridor.sweep.uncertainty` (a seeded Latin hypercube over the assumptions
that act on the run, each draw laid over the network and solved on the sweep engine, the
figures' P10/P50/P90 and the assumptions ranked by their share of each figure's variance)
applied to three more answers, each with its headline figures named as in its point answer:

* :func:`assign_ranges`: ``total_cost_usd``, ``unserved.<commodity>``, the volume through each
  corridor per direction (``corridors.<group>.<direction>.<commodity>.volume_per_year``, as
  :func:`assignment_corridors` counts it) and the top bottlenecks' rent
  (``bottlenecks.<element>.<direction>.<dimension>.rent_usd``);
* :func:`criticality_ranges`: for each closure of the point ranking it is given, its
  ``extra_cost_usd`` and stranded cargo (``elements.<closed>.stranded_<commodity>``, and the
  ``country_`` figures of a ranking for one country);
* :func:`segment_ranges`: for each shipper segment of one pair, the volume-weighted transit
  and waiting days and generalized cost per unit of its routes
  (``<segment>.transit_days``, ``<segment>.wait_days``, ``<segment>.generalized_usd``) and the
  share of each route (``<segment>.<route>.share``).

A figure a draw does not have (a corridor or bottleneck it leaves unused, a route it drops)
counts as 0 in that draw.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridor.analysis.dependency import assignment_paths
from corridor.errors import RequestError
from corridor.flow import Assignment, Demand
from corridor.network import Network, group_members
from corridor.network.assumptions import apply_draw
from corridor.sweep.elements import Element
from corridor.sweep.engine import SweepOptions
from corridor.sweep.uncertainty import Ranges, sampled_ranges

__all__ = [
    "RANGED_CLOSURES",
    "assign_ranges",
    "assignment_corridors",
    "assignment_figures",
    "criticality_figures",
    "criticality_ranges",
    "segment_figures",
    "segment_ranges",
]

RANGED_CLOSURES = 5
"""Closures of a criticality ranking given ranges by default: the costliest of the point answer
(each draw re-solves them, so the work grows with their number)."""

CORRIDOR_COLUMNS = ["group", "direction", "commodity", "unit", "volume_per_year"]


def assignment_corridors(network: Network, assignment: Assignment) -> pd.DataFrame:
    """The volume a year through each corridor (group), per direction and commodity.

    The assignment's flows are split into paths from each origin; a path counts once in every
    group whose links it uses (whichever of them), westbound where it delivers west of where it
    starts, else eastbound.

    Returns
    -------
    pandas.DataFrame
        group, direction, commodity, unit, volume_per_year; only rows that carry something.

    Examples
    --------
    >>> from corridor.flow import assign
    >>> net = load_network()
    >>> table = assignment_corridors(net, assign(net, load_demand(net)))
    >>> sorted(set(table["direction"]))
    ['eastbound', 'westbound']
    """
    paths = assignment_paths(assignment)
    members = [
        pd.DataFrame({"group": str(group_id), "link": links})
        for group_id in network.groups["id"]
        if (links := group_members(network, group_id)[1])
    ]
    if paths.empty or not members:
        return pd.DataFrame(columns=CORRIDOR_COLUMNS)
    lon = dict(zip(network.nodes["id"], network.nodes["lon"].astype(float), strict=True))
    west = paths["origin"].map(lon).to_numpy(float) > paths["destination"].map(lon).to_numpy(float)
    paths = paths.assign(direction=np.where(west, "westbound", "eastbound"), path=np.arange(len(paths)))
    by_link = paths[["path"]].assign(link=paths["links"].map(sorted)).explode("link")
    uses = by_link.merge(pd.concat(members, ignore_index=True), on="link")[["path", "group"]].drop_duplicates()
    table = uses.merge(paths[["path", "commodity", "direction", "volume"]], on="path")
    summed: pd.DataFrame = table.groupby(["group", "direction", "commodity"], as_index=False)[["volume"]].sum()
    summed = summed[summed["volume"] > 0].rename(columns={"volume": "volume_per_year"})
    units = dict(zip(network.commodities["id"], network.commodities["unit"], strict=True))
    summed["unit"] = summed["commodity"].map(units)
    ordered: pd.DataFrame = summed[CORRIDOR_COLUMNS].sort_values(["commodity", "group", "direction"])
    return ordered.reset_index(drop=True)


def assignment_figures(network: Network, assignment: Assignment) -> dict[str, float]:
    """The headline figures of an assignment, flat, by dotted name (see the module docstring)."""
    out = {"total_cost_usd": float(assignment.total_cost_usd)}
    for commodity, left in assignment.unserved_by_commodity().items():
        out[f"unserved.{commodity}"] = float(left)
    for row in assignment_corridors(network, assignment).to_dict("records"):
        out[f"corridors.{row['group']}.{row['direction']}.{row['commodity']}.volume_per_year"] = float(
            row["volume_per_year"]
        )
    for row in assignment.bottlenecks.to_dict("records"):
        parts = [str(row[k]) for k in ("element", "direction", "dimension") if row.get(k) not in (None, "")]
        name = "bottlenecks." + ".".join(parts) + ".rent_usd"
        out[name] = max(out.get(name, 0.0), float(row["rent_usd"]))
    return out


def criticality_figures(table: pd.DataFrame) -> dict[str, float]:
    """Each closure's extra cost and stranded cargo (and its country's part), by dotted name.

    Examples
    --------
    >>> criticality_figures(pd.DataFrame({"closed": ["cpc"], "extra_cost_usd": [2.0], "stranded_crude_oil": [3.0],
    ...                                   "countries_hit": ["KZ"]}))
    {'elements.cpc.extra_cost_usd': 2.0, 'elements.cpc.stranded_crude_oil': 3.0}
    """
    columns = [c for c in table.columns if c.endswith("extra_cost_usd") or "stranded_" in c]
    return {
        f"elements.{closed}.{column}": float(value)
        for closed, row in zip(table["closed"], table[columns].to_dict("records"), strict=True)
        for column, value in row.items()
    }


def segment_figures(table: pd.DataFrame) -> dict[str, float]:
    """Per segment of a pair (:func:`corridor.analysis.explain.explain_pair`): the volume-weighted
    transit days, waiting days and generalized cost per unit of its routes, and each route's share.

    Examples
    --------
    >>> rows = pd.DataFrame({"segment": ["s", "s"], "route": ["x", "y"], "share": [0.75, 0.25],
    ...                      "transit_days": [2.0, 6.0], "wait_days": [0.0, 0.0],
    ...                      "generalized_usd": [100.0, 140.0]})
    >>> segment_figures(rows)["s.transit_days"], segment_figures(rows)["s.y.share"]
    (3.0, 0.25)
    """
    out: dict[str, float] = {}
    for segment, part in table.groupby("segment", sort=True):
        served = part[part["generalized_usd"].notna()]
        weight = served["share"].to_numpy(float)
        if weight.sum() > 0:
            for column in ("transit_days", "wait_days", "generalized_usd"):
                out[f"{segment}.{column}"] = float(np.average(served[column].to_numpy(float), weights=weight))
        for route, share in zip(part["route"], part["share"], strict=True):
            out[f"{segment}.{route}.share"] = float(share)
    return out


class _AnswerDraws:
    """A worker's state: the published network, its calibration and the rows drawn; each draw
    is laid over the network (and the scenario) and answered by ``answer(network, scenario)``."""

    def __init__(
        self,
        network: Network,
        scenario: Any,
        assumptions: pd.DataFrame,
        parameters: pd.DataFrame | None,
        answer: Callable[[Network, Any], dict[str, float]],
    ) -> None:
        self.network, self.scenario, self.answer = network, scenario, answer
        self.assumptions, self.parameters = assumptions, parameters

    def figures(self, values: Sequence[float]) -> dict[str, float]:
        network, scenario = apply_draw(
            self.network, self.assumptions, values, parameters=self.parameters, scenario=self.scenario
        )
        return self.answer(network, scenario)


def _draw_ranges(
    network: Network,
    scenario: Any,
    answer: Callable[[Network, Any], dict[str, float]],
    *,
    samples: int,
    assumptions: pd.DataFrame,
    parameters: pd.DataFrame | None,
    options: SweepOptions | None,
    seconds_each: float,
) -> Ranges:
    """``samples`` draws of the rows acting on the run, each answered by ``answer`` on the sweep
    engine (:func:`corridor.sweep.uncertainty.sampled_ranges`)."""
    return sampled_ranges(
        "" if scenario is None else str(scenario.name),
        assumptions,
        lambda rows: functools.partial(_AnswerDraws, network, scenario, rows, parameters, answer),
        samples=samples,
        options=options,
        seconds_each=seconds_each,
    )


def _assign_answer(demand: Demand, equilibrium: bool, lp: str, network: Network, scenario: Any) -> dict[str, float]:
    from corridor.flow import assign

    result = assign(network, demand, scenario=scenario, equilibrium=equilibrium, lp=lp)
    return assignment_figures(network, result)


def assign_ranges(
    network: Network,
    demand: Demand,
    *,
    samples: int,
    assumptions: pd.DataFrame,
    scenario: Any = None,
    equilibrium: bool = False,
    parameters: pd.DataFrame | None = None,
    options: SweepOptions | None = None,
    seconds_each: float = 1.0,
) -> Ranges:
    """An assignment's headline figures over ``samples`` draws of the assumptions.

    Parameters
    ----------
    network
        The published network: ``load_network(calibrated=False)`` when ``parameters`` are given,
        else the network as the point answer uses it.
    demand, scenario, equilibrium
        As for :func:`corridor.assign`.
    samples, assumptions, parameters, options, seconds_each
        As for :func:`corridor.sweep.uncertainty.impact_ranges`.

    Returns
    -------
    Ranges
        Figures ``total_cost_usd``, ``unserved.<commodity>``, corridor volumes per direction and
        the top bottlenecks' rent (see the module docstring).

    Raises
    ------
    RequestError
        Samples out of range, or no assumption acts on the run.
    """
    lp = (options or SweepOptions()).lp
    answer = functools.partial(_assign_answer, demand, equilibrium, lp)
    return _draw_ranges(
        network, scenario, answer, samples=samples, assumptions=assumptions, parameters=parameters,
        options=options, seconds_each=seconds_each,
    )  # fmt: skip


def _criticality_answer(
    demand: Demand,
    closures: Sequence[Element],
    settings: dict[str, Any],
    network: Network,
    scenario: Any,
) -> dict[str, float]:
    from corridor.sweep.closures import criticality

    result = criticality(network, demand, elements=closures, scenario=scenario, **settings)
    return criticality_figures(result.table)


def criticality_ranges(
    network: Network,
    demand: Demand,
    *,
    closures: Sequence[Element],
    samples: int,
    assumptions: pd.DataFrame,
    scenario: Any = None,
    country: str | None = None,
    transit: bool = False,
    parameters: pd.DataFrame | None = None,
    options: SweepOptions | None = None,
    seconds_each: float = 1.0,
) -> Ranges:
    """Single closures' extra cost and stranded cargo over ``samples`` draws of the assumptions.

    Parameters
    ----------
    network, demand
        As for :func:`assign_ranges`.
    closures
        The elements to close, each alone: typically the costliest few of the point ranking
        (:data:`RANGED_CLOSURES`); every draw closes each of them.
    scenario, country, transit
        As for :func:`corridor.criticality`.
    samples, assumptions, parameters, options, seconds_each
        As for :func:`corridor.sweep.uncertainty.impact_ranges`.

    Returns
    -------
    Ranges
        Figures ``elements.<closed>.extra_cost_usd`` and ``elements.<closed>.stranded_<commodity>``
        (with ``country``, also the ``country_`` ones).

    Raises
    ------
    RequestError
        Samples out of range, no closure, or no assumption acts on the run.
    """
    if not closures:
        raise RequestError("no closure to give ranges to; expected at least one element")
    lp = (options or SweepOptions()).lp
    settings = {"country": country, "transit": transit, "options": SweepOptions(lp=lp)}
    answer = functools.partial(_criticality_answer, demand, tuple(closures), settings)
    return _draw_ranges(
        network, scenario, answer, samples=samples, assumptions=assumptions, parameters=parameters,
        options=options, seconds_each=seconds_each,
    )  # fmt: skip


def _segment_answer(
    demand: Demand, pair: tuple[str, str, str], on: dt.date | None, network: Network, scenario: Any
) -> dict[str, float]:
    from corridor.analysis.explain import explain_pair

    origin, destination, commodity = pair
    table = explain_pair(network, demand, origin, destination, commodity=commodity, scenario=scenario, on=on)
    return segment_figures(table)


def segment_ranges(
    network: Network,
    demand: Demand,
    origin: str,
    destination: str,
    *,
    samples: int,
    assumptions: pd.DataFrame,
    commodity: str = "container",
    scenario: Any = None,
    on: dt.date | None = None,
    parameters: pd.DataFrame | None = None,
    options: SweepOptions | None = None,
    seconds_each: float = 1.0,
) -> Ranges:
    """Each shipper segment's route times, generalized cost and route shares for one pair over
    ``samples`` draws of the assumptions.

    Parameters
    ----------
    network, demand
        As for :func:`assign_ranges`.
    origin, destination, commodity, scenario, on
        As for :func:`corridor.analysis.explain.explain_pair`.
    samples, assumptions, parameters, options, seconds_each
        As for :func:`corridor.sweep.uncertainty.impact_ranges`.

    Returns
    -------
    Ranges
        Figures ``<segment>.transit_days``, ``<segment>.wait_days``, ``<segment>.generalized_usd``
        and ``<segment>.<route>.share``.

    Raises
    ------
    RequestError
        Samples out of range, or no assumption acts on the run.
    """
    answer = functools.partial(_segment_answer, demand, (origin, destination, commodity), on)
    return _draw_ranges(
        network, scenario, answer, samples=samples, assumptions=assumptions, parameters=parameters,
        options=options, seconds_each=seconds_each,
    )  # fmt: skip
