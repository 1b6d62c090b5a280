"""Crude as it moves: terminal tanks and tanker queues between a closure and a field cut back.

When a strait or a mooring closes, crude does not stop at the well. The terminal's tanks fill
first; beyond the moorings, loaded tankers wait at sea. Only when both are full does the pipeline
take less and a field cut its output. ``crude-buffers.csv`` (beside the dataset's tables) lists
these buffers: the node the crude passes (a terminal, a mooring area), how many days of the flow
through it they hold, and the elements whose closure they absorb (tanks: the moorings and
everything beyond; a tanker queue: only what lies beyond the moorings, since a ship must be
loaded to wait). Each buffer comes with its source.

:func:`buffered_storage` adds, for a scenario, the buffers its closures and derates fall behind to
the storage a replay keeps per origin (:func:`corridor.analysis.replay`): each origin gets the
buffer's days of its own flow through the buffer's node in the baseline assignment. For the
built-in CPC, a Turkish Straits closure meets 2 days of tanks and 12 of tanker queue: a 7-day
closure cuts no output, a 30-day one cuts about the last 16 days' worth (sources in the file).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from corridor.errors import DataError, Problem
from corridor.flow import Demand, assign
from corridor.network import BUILTIN_DATASET, Network, builtin_dataset_path, group_members, read_string_table
from corridor.scenario import Close, Derate, Scenario

__all__ = ["BUFFERS_FILE", "buffer_days", "buffered_storage", "load_buffers"]

BUFFERS_FILE = "crude-buffers.csv"
_COLUMNS = ("id", "kind", "node", "days", "covers", "source", "note")
_KINDS = ("tanks", "tankers")


def load_buffers(network: Network, path: str | Path | None = None) -> pd.DataFrame:
    """The buffers of ``crude-buffers.csv`` (the built-in one by default), every row checked.

    Raises
    ------
    DataError
        Naming the file, row, field, value and what was expected.

    Examples
    --------
    >>> load_buffers(load_network())["id"].tolist()
    ['cpc_tanks', 'cpc_tanker_queue']
    """
    file = builtin_dataset_path() / BUFFERS_FILE if path is None else Path(path)
    table = read_string_table(file, _COLUMNS)
    known = set(network.nodes["id"]) | set(network.links["id"]) | set(network.groups["id"])
    problems: list[Problem] = []
    days: list[float] = []
    for number, row in enumerate(table.to_dict("records"), start=2):

        def bad(field: str, message: str, number: int = number) -> None:
            problems.append(Problem(file.name, message, row=number, field=field))

        if row["kind"] not in _KINDS:
            bad("kind", f"kind is {row['kind']!r}; expected one of {', '.join(_KINDS)}")
        if row["node"] not in set(network.nodes["id"]):
            bad("node", f"node is {row['node']!r}; expected a node id of the network")
        try:
            value = float(row["days"])
        except ValueError:
            value = float("nan")
        if not 0 <= value <= 365:
            bad("days", f"days is {row['days']!r}; expected a number of days from 0 to 365")
        days.append(value)
        for item in (c.strip() for c in row["covers"].split(";") if c.strip()):
            if item not in known:
                bad("covers", f"covers names {item!r}; expected node, link or group ids of the network")
        if not row["source"].strip():
            bad("source", "source is empty; expected source ids and/or 'assumption: <reason>'")
    if problems:
        raise DataError(problems)
    table["days"] = days
    return table


def _elements(network: Network, ids: list[str]) -> set[str]:
    """Ids with each group replaced by its nodes and links."""
    groups = set(network.groups["id"])
    out: set[str] = set()
    for ident in ids:
        if ident in groups:
            nodes, links = group_members(network, ident)
            out |= set(nodes) | set(links)
        else:
            out.add(ident)
    return out


def _hit(network: Network, scenario: Scenario) -> set[str]:
    """The elements a scenario closes or derates, groups flattened."""
    return _elements(network, [e.target for e in scenario.events if isinstance(e, Close | Derate)])


def _applicable(network: Network, scenario: Scenario, buffers: pd.DataFrame) -> pd.DataFrame:
    hit = _hit(network, scenario)
    covers = [_elements(network, [c.strip() for c in text.split(";") if c.strip()]) for text in buffers["covers"]]
    return buffers[[bool(hit & c) for c in covers]]


def buffer_days(network: Network, scenario: Scenario, *, buffers: pd.DataFrame | None = None) -> dict[str, float]:
    """Days of flow each buffer node can hold behind the scenario's closures (empty: none applies).

    Examples
    --------
    >>> from corridor.scenario import Scenario
    >>> net = load_network()
    >>> straits = Scenario.model_validate({"name": "straits", "events": [
    ...     {"type": "close", "target": "bosphorus", "start": "2022-12-05", "days": 7}]})
    >>> buffer_days(net, straits)
    {'cpc_marine_terminal': 2.0, 'cpc_spm_area': 12.0}
    """
    table = load_buffers(network) if buffers is None else buffers
    applicable = _applicable(network, scenario, table)
    out: dict[str, float] = {}
    for node, days in zip(applicable["node"], applicable["days"], strict=True):
        out[str(node)] = out.get(str(node), 0.0) + float(days)
    return out


def buffered_storage(
    network: Network,
    demand: Demand,
    scenario: Scenario,
    storage: Mapping[str, float],
    *,
    buffers: pd.DataFrame | None = None,
) -> dict[str, float]:
    """``storage`` (units that can wait per origin) with the buffers the scenario's closures fall
    behind: each origin gets a buffer's days of its own baseline flow through the buffer's node.
    The built-in network's buffers are used by default; for another dataset pass ``buffers``
    (:func:`load_buffers` with its file), else no buffer is added.

    Examples
    --------
    >>> from corridor.scenario import Scenario
    >>> net = load_network()
    >>> straits = Scenario.model_validate({"name": "straits", "events": [
    ...     {"type": "close", "target": "bosphorus", "start": "2022-12-05", "days": 7}]})
    >>> extra = buffered_storage(net, load_demand(net), straits, {})
    >>> round(extra["tengiz"] / (26.5e6 / 365))  # days of Tengiz's output
    14
    """
    out = {str(k): float(v) for k, v in storage.items()}
    if buffers is None and network.name != BUILTIN_DATASET:
        return out  # another dataset's buffers are passed in (load_buffers(network, path))
    days = buffer_days(network, scenario, buffers=buffers)
    if not days:
        return out
    flows = assign(network, demand).flows_by_origin
    into = flows[flows["to"].isin(list(days))]
    per_origin = into.groupby(["origin", "to"], sort=False, as_index=False)["flow_per_year"].sum()
    for origin, node, flow in zip(per_origin["origin"], per_origin["to"], per_origin["flow_per_year"], strict=True):
        out[str(origin)] = out.get(str(origin), 0.0) + float(flow) * days[str(node)] / 365.0
    return out
