"""What the page shows people instead of ids: place names, what sets routes apart, and which
elements a scenario closes or derates on a given day."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from corridor.network import Network
from corridor.routing import Route

__all__ = ["Names", "closures_on", "describe_routes", "first_event_day", "outside_horizon"]

NEAR_SHARE = 0.005
"""Routes whose cost and time differ by less than this share, through the same countries, are
near-duplicates (three CPC moorings: the same pipeline, the same tanker, one buoy or another)."""
SORT_KEY = {"cost": "cost_usd", "time": "time_h", "generalized": "generalized_cost_usd"}
"""The route figure each choice of 'best by' sorts on."""
MAX_LABEL = 60
"""The longest label taken from a link's note."""
MAX_VIA = 4
"""Places named as what sets a route apart (more reads as a timetable, not a difference)."""


class Names:
    """Names of nodes, links and groups, for labels; the id stands in where there is no name."""

    def __init__(self, network: Network) -> None:
        nodes = network.nodes
        self.node = {str(i): str(n or i) for i, n in zip(nodes["id"], nodes["name"], strict=True)}
        self.group = {str(i): str(n or i) for i, n in zip(network.groups["id"], network.groups["name"], strict=True)}
        links = network.links
        pairs = Counter(frozenset((str(a), str(b))) for a, b in zip(links["from"], links["to"], strict=True))
        self.link = {}
        for i, n, a, b, note in zip(links["id"], links["name"], links["from"], links["to"], links["note"], strict=True):
            if n:
                self.link[str(i)] = str(n)
            elif pairs[frozenset((str(a), str(b)))] > 1:  # parallel links (three moorings): what the note calls it
                self.link[str(i)] = _first_clause(str(note or "")) or str(i)
            else:
                self.link[str(i)] = f"{self.node.get(str(a), a)} – {self.node.get(str(b), b)}"
        self.link_mode = {str(i): str(m) for i, m in zip(links["id"], links["mode"], strict=True)}

    def of(self, ident: str) -> str:
        """The name of a node, link or group id."""
        return self.group.get(ident) or self.node.get(ident) or self.link.get(ident) or ident


def _first_clause(note: str) -> str:
    """A note's opening words, up to its first bracket, semicolon or comma ("single point mooring SPM-1")."""
    return re.split(r"\s*[(;,]", note, maxsplit=1)[0].strip()[:MAX_LABEL]


def describe_routes(network: Network, routes: Sequence[Route], *, by: str) -> list[dict[str, Any]]:
    """Routes as the page lists them, sorted by ``by``: each with its border crossings, transfer
    points, the places only some routes pass (``via``), its bottleneck by name, and ``group``,
    the rank of the first route it nearly duplicates (itself when none)."""
    names = Names(network)
    ordered = sorted(routes, key=lambda r: float(getattr(r, SORT_KEY.get(by, "cost_usd"))))
    shared = set.intersection(*(set(r.nodes) for r in ordered)) if ordered else set()
    common = set.intersection(*(set(r.links) for r in ordered)) if ordered else set()
    out: list[dict[str, Any]] = []
    for rank, route in enumerate(ordered, start=1):
        borders = [names.link[link] for link in route.links if names.link_mode.get(link) == "border"]
        transfers = [names.link[link] for link in route.links if names.link_mode.get(link) == "transshipment"]
        crossed = {n for i, link in enumerate(route.links) if names.link_mode.get(link) in ("border", "transshipment")
                   for n in route.nodes[i : i + 2]}  # fmt: skip
        via = [names.node.get(n, n) for n in route.nodes if n not in shared and n not in crossed]
        group = next(
            (
                other["rank"]
                for other, earlier in zip(out, ordered, strict=False)
                if tuple(earlier.countries) == tuple(route.countries)
                and _near(earlier.cost_usd, route.cost_usd)
                and _near(earlier.time_h, route.time_h)
            ),
            rank,
        )
        out.append(
            {
                "rank": rank,
                "route": route,
                "origin_name": names.of(route.origin),
                "destination_name": names.of(route.destination),
                "borders": borders,
                "transfers_at": transfers,
                "via": via[:MAX_VIA],
                "differs_by": [names.link[link] for link in route.links if link not in common][:MAX_VIA],
                "bottleneck_name": None if route.bottleneck is None else names.of(route.bottleneck),
                "group": group,
            }
        )
    return out


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= NEAR_SHARE * max(abs(a), abs(b), 1e-9)


def first_event_day(scenario: Any) -> dt.date | None:
    """The first day, inside the scenario's horizon, on which any of its events holds."""
    horizon = scenario.horizon
    if horizon is None:
        return None
    days = [first for first, last in (e.window(horizon) for e in scenario.events) if first <= last]
    return min(days) if days else None


def outside_horizon(scenario: Any) -> list[str]:
    """One line per event that holds on no day of the scenario's horizon (a typo in a year, most often)."""
    horizon = scenario.horizon
    if horizon is None:
        return []
    problems = []
    for i, event in enumerate(scenario.events):
        first, last = event.window(horizon)
        if first > last:
            problems.append(
                f"events[{i}] ({event.type}): holds from {event.start or horizon.start} on no day of the horizon "
                f"{horizon.start} to {horizon.end}; expected dates inside it"
            )
    return problems


def closures_on(network: Network, scenario: Any, day: dt.date) -> list[dict[str, Any]]:
    """The elements closed or derated, and the countries barred, on ``day``: one row each, with
    its name, the dates it holds, the share of capacity left and the links it acts on."""
    import numpy as np

    from corridor.scenario import BarTransit, Close, Derate, Horizon, target_arcs

    names = Names(network)
    horizon = scenario.horizon or Horizon(start=day, end=day)
    one_day = Horizon(start=day, end=day)
    compiled = network.compiled
    rows: list[dict[str, Any]] = []
    for event in scenario.events:
        if not isinstance(event, Close | Derate | BarTransit) or event.share_of(one_day) <= 0:
            continue
        first, last = event.window(horizon)
        row: dict[str, Any] = {"type": event.type, "start": first.isoformat(), "end": last.isoformat()}
        if isinstance(event, BarTransit):
            row |= {"id": ",".join(event.countries), "name": f"transit barred: {', '.join(event.countries)}",
                    "capacity_share": None, "links": []}  # fmt: skip
        else:
            arcs = np.flatnonzero(target_arcs(network, event.target))
            links = sorted({str(compiled.link_ids[compiled.arc_link[a]]) for a in arcs})
            share = 0.0 if isinstance(event, Close) else float(event.capacity_share)
            row |= {"id": event.target, "name": names.of(event.target), "capacity_share": share, "links": links}
        rows.append(row)
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:  # one item per element: the tighter of two events on it that day wins
        kept = merged.get(row["id"])
        if kept is None or (row["capacity_share"] or 0.0) < (kept["capacity_share"] or 0.0):
            merged[row["id"]] = row
    return list(merged.values())
