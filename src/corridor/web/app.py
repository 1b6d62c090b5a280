"""The web app: a JSON API over the library and one offline map page.

Each endpoint is one library call. No request can name a file on the server: scenarios are
named (built-in or saved in the results store) and names must match :data:`NAME`; static files
come only from the package's asset folder; request bodies are capped at :data:`MAX_BODY` bytes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import io
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Body, FastAPI, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from corridor.errors import (
    CorridorError,
    DataError,
    NoRouteError,
    RequestError,
    ScenarioError,
    StoreError,
    UnknownNodeError,
)
from corridor.records import json_records
from corridor.settings import Settings
from corridor.web.geo import network_geojson, outlines_geojson, route_feature
from corridor.web.jobs import Jobs

__all__ = ["MAX_BODY", "NAME", "create_app"]

MAX_BODY = 1_000_000
"""The largest request body accepted, in bytes."""
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
"""What a scenario name may look like: never a path."""
ASSETS = Path(str(resources.files("corridor").joinpath("web", "assets")))
STATUS = {UnknownNodeError: 404, NoRouteError: 404, StoreError: 409, ScenarioError: 422, DataError: 422}


def _status(err: CorridorError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(err, kind)), 422)


class _Limit:
    """ASGI middleware: refuse a body over MAX_BODY with 413, whether or not it says its length."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await JSONResponse({"detail": f"request body over {MAX_BODY:,} bytes"}, status_code=413)(
                scope, receive, send
            )
            return
        seen = 0

        async def capped() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _TooLargeError
            return message

        try:
            await self.app(scope, capped, send)
        except _TooLargeError:
            await JSONResponse({"detail": f"request body over {MAX_BODY:,} bytes"}, status_code=413)(
                scope, receive, send
            )


class _TooLargeError(Exception):
    pass


class ImpactRequest(BaseModel):
    scenario: str = Field(pattern=NAME.pattern, description="A built-in or saved scenario's name.")
    period: str = Field(default="week", pattern="^(day|week|month)$")


class SaveRequest(BaseModel):
    yaml: str = Field(max_length=MAX_BODY)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The corridor web app (FastAPI): the JSON API under ``/api`` and the map page at ``/``.

    Parameters
    ----------
    settings
        Where the results store is (default: :meth:`corridor.settings.Settings.from_env`).

    Returns
    -------
    fastapi.FastAPI
        Serve it with uvicorn (``corridor serve``).

    Examples
    --------
    >>> paths = create_app().openapi()["paths"]
    >>> "/api/routes" in paths, sorted(paths["/api/scenarios"])
    (True, ['get', 'post'])
    """
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="corridor",
        version="0.1.0",
        description="Trade-corridor routes, scenarios and impacts over the Eurasian network.",
    )
    app.add_middleware(_Limit)
    jobs = Jobs()

    @app.exception_handler(CorridorError)
    async def _corridor_error(_: Request, err: CorridorError) -> JSONResponse:
        body: dict[str, Any] = {"detail": str(err)}
        if isinstance(err, UnknownNodeError):
            body["suggestions"] = [ident for _, ident in getattr(err, "suggestions", [])]
        return JSONResponse(body, status_code=_status(err))

    @cache
    def network() -> Any:
        from corridor.network import load_network

        return load_network()

    @cache
    def demand() -> Any:
        from corridor.flow import load_demand

        return load_demand(network())

    def scenario_named(name: str) -> Any:
        from corridor.scenario import builtin_scenarios, load_scenario, scenario_from_yaml
        from corridor.store import saved_scenarios

        if not NAME.match(name):
            raise RequestError(f"scenario {name[:80]!r}: expected a scenario name (letters, digits, '-', '_')")
        saved = saved_scenarios(settings.results_path)
        if name in builtin_scenarios():
            return load_scenario(name, network())
        if name in saved:
            return scenario_from_yaml(saved[name], file=name, network=network(), known=saved)
        known = ", ".join(sorted({*builtin_scenarios(), *saved}))
        raise RequestError(f"no scenario {name!r}; expected one of {known}")

    api = APIRouter(prefix="/api")

    @api.get("/health")
    def health() -> dict[str, Any]:
        """The server answers; ``news`` says whether articles can be drafted into scenarios."""
        return {"status": "ok", "news": importlib.util.find_spec("corridor.news") is not None}

    @api.get("/places")
    def places(q: Annotated[str, Query(max_length=100)] = "") -> dict[str, Any]:
        """Names, Russian names and aliases that start like ``q`` (then the closest ones)."""
        hits = network().name_index.complete(q, n=10)
        return {"places": [{"label": label, "kind": kind, "id": ident} for label, kind, ident in hits]}

    @api.get("/routes")
    def routes(
        origin: Annotated[str, Query(min_length=1, max_length=100)],
        destination: Annotated[str, Query(min_length=1, max_length=100)],
        commodity: Annotated[str, Query(max_length=40)] = "container",
        by: Annotated[str, Query(pattern="^(cost|time|generalized)$")] = "cost",
        k: Annotated[int, Query(ge=1, le=10)] = 3,
        avoid: Annotated[str, Query(max_length=300)] = "",
        via: Annotated[str, Query(max_length=300)] = "",
        scenario: Annotated[str | None, Query(max_length=64)] = None,
        on: Annotated[dt.date | None, Query()] = None,
    ) -> dict[str, Any]:
        """Up to k best routes, each with its figures and GeoJSON; under a scenario on a day if named."""
        from corridor.routing import k_shortest_routes
        from corridor.scenario import DEFAULT_HORIZON, route_state, with_investments

        net, state = network(), None
        if scenario:
            chosen = scenario_named(scenario)
            horizon = chosen.horizon or DEFAULT_HORIZON
            day = on or horizon.start
            if not horizon.start <= day <= horizon.end:
                raise RequestError(f"on is {day}; {chosen.name!r} runs from {horizon.start} to {horizon.end}")
            net = with_investments(net, chosen)
            ends = [net.name_index.resolve(p)[1] for p in (origin, destination)]
            state = route_state(net, chosen, day, commodity=commodity, origin=ends[0], destination=ends[1])
        found = k_shortest_routes(
            net, origin, destination, k=k, commodity=commodity, by=by,  # type: ignore[arg-type]
            avoid=_split(avoid), via=_split(via), state=state,
        )  # fmt: skip
        return {
            "routes": [
                {**r.to_dict(), "leg_modes": list(r.leg_modes), "geometry": route_feature(net, r, i)["geometry"]}
                for i, r in enumerate(found, start=1)
            ],
            "closed": [] if state is None else [a.label for a in state.avoid],
        }

    @api.get("/scenarios")
    def scenarios() -> dict[str, Any]:
        """Built-in and saved scenarios, with their horizons."""
        from corridor.scenario import builtin_scenarios, load_scenario
        from corridor.store import saved_scenarios

        rows = []
        for name in sorted(builtin_scenarios()):
            s = load_scenario(name)
            rows.append({"name": name, "kind": "built-in", "description": s.description.strip(),
                         "horizon": None if s.horizon is None else s.horizon.model_dump(mode="json")})  # fmt: skip
        for name in saved_scenarios(settings.results_path):
            rows.append({"name": name, "kind": "saved", "description": "", "horizon": None})
        return {"scenarios": rows}

    @api.get("/scenarios/{name}")
    def scenario_detail(name: str) -> dict[str, Any]:
        """One scenario, its events in order (those it extends first), and the links its closures
        and derates act on (``closed_links``, for the map)."""
        import numpy as np

        from corridor.scenario import Close, Derate, target_arcs

        chosen = scenario_named(name)
        cn = network().compiled
        touched = {
            cn.link_ids[cn.arc_link[a]]
            for e in chosen.events
            if isinstance(e, Close | Derate)
            for a in np.flatnonzero(target_arcs(network(), e.target))
        }
        return {**chosen.model_dump(mode="json"), "closed_links": sorted(touched)}

    @api.post("/scenarios/validate")
    def validate(text: Annotated[str, Body(media_type="text/plain", max_length=MAX_BODY)]) -> dict[str, Any]:
        """Check a scenario (YAML or JSON text): ``valid`` and the problems, field by field."""
        from corridor.scenario import scenario_from_yaml
        from corridor.store import saved_scenarios

        try:
            s = scenario_from_yaml(
                text, file="scenario", network=network(), known=saved_scenarios(settings.results_path)
            )
        except ScenarioError as err:
            return {"valid": False, "problems": str(err).splitlines()}
        return {"valid": True, "problems": [], "name": s.name, "events": len(s.events)}

    @api.post("/scenarios", status_code=201)
    def save(request: SaveRequest) -> dict[str, Any]:
        """Keep a valid scenario in the results store under its own name."""
        from corridor.scenario import builtin_scenarios, scenario_from_yaml
        from corridor.store import save_scenario, saved_scenarios

        saved = saved_scenarios(settings.results_path)
        s = scenario_from_yaml(request.yaml, file="scenario", network=network(), known=saved)
        if not NAME.match(s.name) or s.name in builtin_scenarios():
            raise RequestError(
                f"name {s.name[:80]!r}: expected a new name (letters, digits, '-', '_'), not a built-in one"
            )
        save_scenario(settings.results_path, s.name, request.yaml)
        return {"saved": s.name}

    @api.post("/impact", status_code=202)
    def start_impact(request: ImpactRequest) -> dict[str, Any]:
        """Start a scenario's impact (as ``corridor impact --json``); poll ``/api/jobs/{id}``."""
        from corridor.analysis import impact

        chosen = scenario_named(request.scenario)
        if chosen.horizon is None:
            raise RequestError(f"scenario {chosen.name!r} has no horizon; an impact needs one")

        def work(report: Any) -> dict[str, Any]:
            result = impact(network(), demand(), chosen, period=request.period,  # type: ignore[arg-type]
                            progress=lambda done, total: report(done / max(total, 1)))  # fmt: skip
            return result.to_dict()

        return {"job": jobs.start("impact", work).id}

    @api.get("/jobs/{job_id}")
    def job(job_id: str) -> dict[str, Any]:
        """A job's state, progress and (when done) result."""
        found = jobs.get(job_id) if re.fullmatch(r"[0-9a-f]{12}", job_id) else None
        if found is None:
            raise RequestError(f"no job {job_id[:40]!r}")
        return found.public()

    @api.get("/criticality")
    def criticality(top: Annotated[int, Query(ge=1, le=500)] = 10) -> dict[str, Any]:
        """Single points of failure on the built-in network (N-1), the top ones, with their places."""
        data = _criticality(network(), demand())
        return {**{k: v for k, v in data.items() if k != "rows"}, "rows": data["rows"][:top]}

    @api.get("/network")
    def network_map(use: bool = False) -> dict[str, Any]:
        """Nodes and links as GeoJSON, with capacity; with ``use``, each link's baseline volume and utilisation."""
        loads = _baseline_loads(network(), demand()) if use else None
        return network_geojson(network(), loads)

    @api.get("/outlines")
    def outlines() -> dict[str, Any]:
        """Country outlines (Natural Earth via world-atlas, shipped with the package) as GeoJSON."""
        return outlines_geojson()

    @api.get("/results")
    def results() -> dict[str, Any]:
        """Runs kept in the results store."""
        from corridor.store import list_runs

        return {"runs": json_records(list_runs(settings.results_path))}

    @api.get("/export/routes")
    def export_routes(
        origin: Annotated[str, Query(min_length=1, max_length=100)],
        destination: Annotated[str, Query(min_length=1, max_length=100)],
        format: Annotated[str, Query(pattern="^(geojson|csv)$")] = "geojson",
        commodity: Annotated[str, Query(max_length=40)] = "container",
        k: Annotated[int, Query(ge=1, le=10)] = 3,
    ) -> Response:
        """Routes as a GeoJSON FeatureCollection or a CSV table (one row per route)."""
        from corridor.routing import k_shortest_routes

        found = k_shortest_routes(network(), origin, destination, k=k, commodity=commodity)
        if format == "csv":
            table = pd.DataFrame([{**r.to_dict(), "countries": "-".join(r.countries), "straits": ";".join(r.straits),
                                   "modes": ";".join(r.modes),
                                   "nodes": ";".join(r.nodes), "links": ";".join(r.links),
                                   "sources": ";".join(r.sources)} for r in found])  # fmt: skip
            return Response(table.to_csv(index=False), media_type="text/csv",
                            headers={"Content-Disposition": 'attachment; filename="routes.csv"'})  # fmt: skip
        features = [route_feature(network(), r, i) for i, r in enumerate(found, start=1)]
        for feature, route in zip(features, found, strict=True):
            feature["properties"].update(cost_usd=route.cost_usd, time_days=route.time_days)
        return JSONResponse({"type": "FeatureCollection", "features": features})

    @api.get("/export/impact/{job_id}")
    def export_impact(job_id: str, format: Annotated[str, Query(pattern="^(xlsx|csv)$")] = "xlsx") -> Response:
        """A finished impact's tables: an Excel workbook (one sheet each) or its corridors as CSV."""
        found = jobs.get(job_id) if re.fullmatch(r"[0-9a-f]{12}", job_id) else None
        if found is None or found.state != "done":
            raise RequestError(f"no finished impact job {job_id[:40]!r}")
        data = found.result
        if format == "csv":
            return Response(pd.DataFrame(data["corridors"]).to_csv(index=False), media_type="text/csv")
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as book:
            summary = {k: v for k, v in data.items() if not isinstance(v, list | dict)}
            pd.DataFrame([summary]).to_excel(book, sheet_name="summary", index=False)
            for name in ("bottlenecks", "corridors", "dependency"):
                pd.DataFrame(data[name]).to_excel(book, sheet_name=name, index=False)
        return Response(
            buffer.getvalue(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="impact-{job_id}.xlsx"'},
        )

    if importlib.util.find_spec("corridor.news") is not None:

        @api.post("/news/draft")
        def news_draft(
            text: Annotated[str, Body(media_type="text/plain", max_length=MAX_BODY)],
            published: Annotated[dt.date, Query()],
        ) -> dict[str, Any]:
            """An article (text) read into a draft scenario: dated events on named assets, with evidence."""
            news = importlib.import_module("corridor.news")  # present only when the news reader is installed
            return dict(news.draft_scenario(text, published=published, network=network()).to_dict())

    app.include_router(api)
    app.mount("/static", StaticFiles(directory=ASSETS), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(ASSETS / "index.html", media_type="text/html")

    return app


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@cache
def _baseline_loads(network: Any, demand: Any) -> dict[str, dict[str, float | None]]:
    from corridor.flow import assign

    flows = assign(network, demand).flows
    out: dict[str, dict[str, float | None]] = {}
    for link, part in flows.groupby("link"):
        util = part["utilisation"].max()
        out[str(link)] = {
            "volume": float(part["flow_per_year"].sum()),
            "utilisation": None if pd.isna(util) else float(util),
        }
    return out


@cache
def _criticality(network: Any, demand: Any) -> dict[str, Any]:
    from corridor.sweep import criticality

    result = criticality(network, demand)
    data = result.to_dict(limit=500)
    rows = json_records(result.distinct().head(500))
    return {**{k: v for k, v in data.items() if k not in ("closures", "elements", "outcomes")}, "rows": rows}
