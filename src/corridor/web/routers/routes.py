"""Routes between two places, as the page lists them and as exports (GeoJSON, CSV)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from corridor.errors import RequestError
from corridor.network import link_lines
from corridor.web.context import Ctx, WebContext
from corridor.web.geo import route_feature
from corridor.web.labels import describe_routes, first_event_day

router = APIRouter(prefix="/api")

Place = Annotated[str, Query(min_length=1, max_length=100)]
By = Literal["cost", "time", "generalized"]


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _find(
    ctx: WebContext, origin: str, destination: str, *, commodity: str, by: By, k: int, avoid: str, via: str,
    scenario: str | None, on: dt.date | None,
) -> tuple[Any, list[dict[str, Any]], list[str], dt.date | None]:  # fmt: skip
    """The network used, the routes described, what was avoided and the day, under a scenario if named."""
    from corridor.routing import k_shortest_routes
    from corridor.scenario import DEFAULT_HORIZON, route_state, with_investments

    net, state, day = ctx.network(), None, None
    if scenario:
        chosen = ctx.scenario(scenario)
        horizon = chosen.horizon or DEFAULT_HORIZON
        day = on or first_event_day(chosen) or horizon.start
        if not horizon.start <= day <= horizon.end:
            raise RequestError(
                f"the date {day} is outside scenario {chosen.name!r}, which runs from {horizon.start} to "
                f"{horizon.end}; pick a date inside it"
            )
        net = with_investments(net, chosen)
        ends = [net.name_index.resolve(p)[1] for p in (origin, destination)]
        state = route_state(net, chosen, day, commodity=commodity, origin=ends[0], destination=ends[1])
    found = k_shortest_routes(
        net, origin, destination, k=k, commodity=commodity, by=by, avoid=_split(avoid), via=_split(via), state=state
    )
    closed = [] if state is None else [a.label for a in state.avoid]
    return net, describe_routes(net, found, by=by), closed, day


@router.get("/routes")
def routes(
    ctx: Ctx,
    origin: Place,
    destination: Place,
    commodity: Annotated[str, Query(max_length=40)] = "container",
    by: By = "cost",
    k: Annotated[int, Query(ge=1, le=10)] = 3,
    avoid: Annotated[str, Query(max_length=300)] = "",
    via: Annotated[str, Query(max_length=300)] = "",
    scenario: Annotated[str | None, Query(max_length=64)] = None,
    on: Annotated[dt.date | None, Query()] = None,
) -> dict[str, Any]:
    """Up to k best routes, sorted by ``by``, each with what sets it apart (border crossings,
    transfer points, the places only it passes, its bottleneck), near-duplicates grouped, and its
    GeoJSON; under a scenario on a day if named (default: the first day its events hold)."""
    net, described, closed, day = _find(ctx, origin, destination, commodity=commodity, by=by, k=k, avoid=avoid,
                                        via=via, scenario=scenario, on=on)  # fmt: skip
    lines = link_lines(net)
    rows = []
    for d in described:
        route = d.pop("route")
        rows.append({**route.to_dict(), **d, "leg_modes": list(route.leg_modes),
                     "geometry": route_feature(net, route, d["rank"], lines=lines)["geometry"]})  # fmt: skip
    return {"routes": rows, "closed": closed, "on": None if day is None else day.isoformat()}


@router.get("/export/routes")
def export_routes(
    ctx: Ctx,
    origin: Place,
    destination: Place,
    format: Literal["geojson", "csv"] = "geojson",
    commodity: Annotated[str, Query(max_length=40)] = "container",
    by: By = "cost",
    k: Annotated[int, Query(ge=1, le=10)] = 3,
    avoid: Annotated[str, Query(max_length=300)] = "",
    scenario: Annotated[str | None, Query(max_length=64)] = None,
    on: Annotated[dt.date | None, Query()] = None,
) -> Response:
    """The routes the page shows, as a GeoJSON FeatureCollection or a CSV table (one row per route)."""
    net, described, _, day = _find(ctx, origin, destination, commodity=commodity, by=by, k=k, avoid=avoid, via="",
                                   scenario=scenario, on=on)  # fmt: skip
    if format == "csv":
        table = pd.DataFrame([_csv_row(d, scenario, day) for d in described])
        return Response(table.to_csv(index=False), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="routes.csv"'})  # fmt: skip
    features, lines = [], link_lines(net)
    for d in described:
        route = d["route"]
        feature = route_feature(net, route, d["rank"], lines=lines)
        feature["properties"].update(
            cost_usd=route.cost_usd, time_days=round(route.time_days, 2), distance_km=route.distance_km,
            countries=list(route.countries), borders=d["borders"], via=d["via"], bottleneck=d["bottleneck_name"],
        )  # fmt: skip
        features.append(feature)
    return JSONResponse({"type": "FeatureCollection", "features": features},
                        headers={"Content-Disposition": 'attachment; filename="routes.geojson"'})  # fmt: skip


def _csv_row(d: dict[str, Any], scenario: str | None, day: dt.date | None) -> dict[str, Any]:
    route = d["route"]
    return {
        **route.to_dict(),
        "rank": d["rank"],
        "scenario": scenario or "",
        "on": "" if day is None else day.isoformat(),
        "countries": "-".join(route.countries),
        "straits": ";".join(route.straits),
        "modes": ";".join(route.modes),
        "borders": ";".join(d["borders"]),
        "via": ";".join(d["via"]),
        "bottleneck_name": d["bottleneck_name"] or "",
        "nodes": ";".join(route.nodes),
        "links": ";".join(route.links),
        "sources": ";".join(route.sources),
    }
