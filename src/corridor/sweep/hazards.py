"""Hazards: the kinds of disruption a risk sweep samples, one element each, from a sourced table.

A hazard disrupts one element (a link, node or group): it starts as a Poisson process of
``events_per_year``, each disruption lasts a lognormal number of days (``median_days``,
``p90_days``) and leaves ``capacity_left`` of the element's published capacity (0 closes it).
The table's columns are described in ``data/schema/risks.csv``; the built-in table derives rates
and lengths from the dated events of 2022-2025, each figure sourced or marked as an assumption.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.errors import DataError, Problem, RequestError
from corridor.network import Network, RawTable, builtin_dataset_path, parse_rows, raw_table, schema_for, split_source
from corridor.sweep.elements import network_elements

__all__ = ["BUILTIN_RISKS", "Hazard", "bind_hazards", "hazards_from_frame", "load_hazards"]

BUILTIN_RISKS = "risks.csv"
_Z90 = 1.2815515655446004  # the standard normal's 90th percentile


@dataclass(frozen=True)
class Hazard:
    """One kind of disruption of one element."""

    name: str
    element: str
    events_per_year: float
    median_days: float
    p90_days: float
    capacity_left: float
    arcs: tuple[int, ...] = ()
    nodes: tuple[int, ...] = ()

    @property
    def sigma(self) -> float:
        """The lognormal's shape from its median and 90th percentile."""
        return max(math.log(self.p90_days / self.median_days), 0.0) / _Z90


def load_hazards(network: Network, path: str | Path | None = None) -> list[Hazard]:
    """Hazards from a CSV file; None loads the built-in table of the Eurasian network.

    Parameters
    ----------
    network
        The network whose elements the hazards disrupt.
    path
        A CSV file of hazards (``corridor network schema risks``); None for the built-in table.

    Returns
    -------
    list of Hazard
        Each bound to its element's arcs and nodes.

    Raises
    ------
    DataError
        With every problem at once (file, row, field): unknown elements, negative rates, a 90th
        percentile below the median, a share outside 0-1, a derate of an element with no
        published capacity (it would change nothing), unknown source ids.

    Examples
    --------
    >>> hazards = load_hazards(load_network())
    >>> any(h.element == "cpc_moorings" for h in hazards)
    True
    """
    file = builtin_dataset_path() / BUILTIN_RISKS if path is None else Path(path)
    return _build(network, raw_table(file, "risks"))


def hazards_from_frame(network: Network, frame: pd.DataFrame, *, name: str = "risks") -> list[Hazard]:
    """Check a hazard table built in code, with the same rules as a file."""
    return _build(network, raw_table(frame, "risks", name=name))


def _build(network: Network, raw: RawTable) -> list[Hazard]:
    numbers, problems = raw.numbers, raw.problems
    file = Path(raw.name)
    table = parse_rows(raw.rows, numbers, schema_for("risks"), problems, file=file.name)
    by_id = {e.id: e for e in network_elements(network)}
    capacitated = _capacitated_arcs(network)
    sources = set(network.sources["id"])
    hazards = []
    for row, number in zip(table.to_dict(orient="records"), numbers, strict=True):
        for col in ("events_per_year_source", "days_source", "capacity_left_source"):
            ids, _ = split_source(str(row[col]))
            for sid in ids:
                if sid not in sources:
                    problems.append(
                        Problem(
                            file.name, f"{col} cites {sid!r}, which is not an id in sources.csv", row=number, field=col
                        )
                    )
        element = by_id.get(str(row["element"]))
        if element is None:
            if row["element"]:
                problems.append(
                    Problem(
                        file.name,
                        f"element is {row['element']!r}; expected a link, node or group id of network {network.name!r}",
                        row=number,
                        field="element",
                    )
                )
            continue
        if row["p90_days"] < row["median_days"]:
            problems.append(
                Problem(
                    file.name,
                    f"p90_days is {row['p90_days']:g}; expected at least median_days ({row['median_days']:g})",
                    row=number,
                    field="p90_days",
                )
            )
        share = float(row["capacity_left"])
        if 0 < share < 1 and not capacitated[list(element.arcs)].any():
            problems.append(
                Problem(
                    file.name,
                    f"capacity_left is {share:g} but {element.id} has no published capacity to derate; "
                    "expected 0 (closed) or a capacity in the network",
                    row=number,
                    field="capacity_left",
                )
            )
        hazards.append(
            Hazard(
                name=str(row["hazard"]),
                element=element.id,
                events_per_year=float(row["events_per_year"]),
                median_days=float(row["median_days"]),
                p90_days=float(row["p90_days"]),
                capacity_left=share,
                arcs=element.arcs,
                nodes=element.nodes,
            )
        )
    if problems:
        raise DataError(problems)
    return hazards


def bind_hazards(hazards: Sequence[Hazard], network: Network) -> list[Hazard]:
    """The hazards with their elements' arcs and nodes looked up on this network (new links shift arcs).

    Raises
    ------
    RequestError
        A hazard on an element the network does not have.
    """
    by_id = {e.id: e for e in network_elements(network)}
    missing = sorted({h.element for h in hazards} - set(by_id))
    if missing:
        raise RequestError(f"hazards name elements the network does not have: {', '.join(missing)}")
    return [replace(h, arcs=by_id[h.element].arcs, nodes=by_id[h.element].nodes) for h in hazards]


def _capacitated_arcs(network: Network) -> np.ndarray:
    cn = network.compiled
    node_capped = np.isfinite(cn.node_capacity_native)
    return np.asarray(np.isfinite(cn.arc_capacity_native) | node_capped[cn.tail] | node_capped[cn.head], dtype=bool)
