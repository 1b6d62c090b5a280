"""Health, places, the network and its outlines, the criticality ranking, kept runs."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query

from corridor.network import group_members
from corridor.records import json_records
from corridor.web.context import Ctx, WebContext
from corridor.web.geo import network_geojson, outlines_geojson
from corridor.web.labels import Names

router = APIRouter(prefix="/api")


@router.get("/health")
def health() -> dict[str, Any]:
    """The server answers; ``news`` says whether articles can be drafted into scenarios, ``process``
    which of the server's processes answered (``corridor serve --workers``)."""
    return {"status": "ok", "news": importlib.util.find_spec("corridor.news") is not None, "process": os.getpid()}


@router.get("/places")
def places(ctx: Ctx, q: Annotated[str, Query(max_length=100)] = "") -> dict[str, Any]:
    """Names, Russian names and aliases that start like ``q`` (then the closest ones)."""
    hits = ctx.network().name_index.complete(q, n=10)
    return {"places": [{"label": label, "kind": kind, "id": ident} for label, kind, ident in hits]}


@router.get("/network")
def network_map(ctx: Ctx, use: bool = False) -> dict[str, Any]:
    """Nodes and links as GeoJSON, with capacity; with ``use``, each link's baseline volume and utilisation."""
    loads = ctx.kept("loads", lambda: _baseline_loads(ctx)) if use else None
    return network_geojson(ctx.network(), loads)


@router.get("/outlines")
def outlines() -> dict[str, Any]:
    """Country outlines (Natural Earth via world-atlas, shipped with the package) as GeoJSON."""
    return outlines_geojson()


@router.get("/criticality")
def criticality(
    ctx: Ctx,
    top: Annotated[int, Query(ge=1, le=500)] = 10,
    scenario: Annotated[str | None, Query(max_length=64)] = None,
    on: Annotated[dt.date | None, Query()] = None,
) -> dict[str, Any]:
    """Single points of failure (N-1), the top ones, with their places' names and what each
    closure strands; under a scenario, on its day ``on`` (default: its first day)."""
    key = ("criticality", scenario, on)
    data = ctx.kept(key, lambda: _criticality(ctx, scenario, on))
    return {**{k: v for k, v in data.items() if k != "rows"}, "rows": data["rows"][:top]}


@router.get("/results")
def results(ctx: Ctx) -> dict[str, Any]:
    """Runs kept in the results store."""
    from corridor.store import list_runs

    return {"runs": json_records(list_runs(ctx.settings.results_path))}


def _baseline_loads(ctx: WebContext) -> dict[str, dict[str, float | None]]:
    from corridor.flow import assign

    flows = assign(ctx.network(), ctx.demand()).flows
    out: dict[str, dict[str, float | None]] = {}
    for link, part in flows.groupby("link"):
        util = part["utilisation"].max()
        out[str(link)] = {
            "volume": float(part["flow_per_year"].sum()),
            "utilisation": None if pd.isna(util) else float(util),
        }
    return out


def _criticality(ctx: WebContext, scenario: str | None, on: dt.date | None) -> dict[str, Any]:
    from corridor.errors import RequestError
    from corridor.sweep import criticality, outcome_members
    from corridor.web.labels import first_event_day

    chosen = None
    if scenario:
        chosen = ctx.scenario(scenario)
        if chosen.horizon is not None:
            day = on or first_event_day(chosen) or chosen.horizon.start
            if not chosen.horizon.start <= day <= chosen.horizon.end:
                raise RequestError(
                    f"the date {day} is outside {chosen.name!r} ({chosen.horizon.start} to {chosen.horizon.end})"
                )
            chosen = chosen.on(day)
    result = criticality(ctx.network(), ctx.demand(), scenario=chosen)
    data = result.to_dict(limit=500)
    rows = json_records(result.distinct().head(500))
    network = ctx.network()
    names = Names(network)
    groups = set(network.groups["id"])
    for row in rows:
        # elements in series share a row: the one it is named by, then those with the same outcome
        same = outcome_members(row.get("same_outcome"))
        row["same_outcome"] = same
        closed = [str(row.get("closed", "")), *same]
        row["closed_names"] = names.of(closed[0])
        row["same_outcome_names"] = ", ".join(names.of(part) for part in same)
        # what the map draws: a group (a strait, a sea area, an asset) as its nodes and links
        parts: list[str] = []
        for part in closed:
            if part in groups:
                nodes, links = group_members(network, part)
                parts.extend([*links, *nodes])
            else:
                parts.append(part)
        row["closed_parts"] = parts
    return {**{k: v for k, v in data.items() if k not in ("closures", "elements", "outcomes")}, "rows": rows}
