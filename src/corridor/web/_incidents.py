"""The news monitor's API: incidents and their state on a date, stored articles, the living scenario.

``incidents_router(results_path)`` is an :class:`fastapi.APIRouter` the app includes: the
endpoints under ``/api`` and the timeline page at ``/incidents``. The living scenario is kept in the results store under a name, so that the app's own
``POST /api/impact`` runs it like any saved scenario. An unknown incident id answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

__all__ = ["LivingScenarioRequest", "incidents_router"]

_TIMELINE = Path(__file__).resolve().parent / "assets" / "incidents.html"


class LivingScenarioRequest(BaseModel):
    """Which day's living scenario to keep, and whether values no article gives are accepted."""

    on: dt.date
    accept: bool = Field(True, description="accept defaults (kept as notes) so that the scenario runs as written")


def incidents_router(results_path: Callable[[], Path]) -> APIRouter:
    """The monitor's endpoints over the results store ``results_path()`` names.

    Examples
    --------
    >>> router = incidents_router(lambda: Path("results.sqlite"))
    >>> sorted(r.path for r in router.routes)  # doctest: +NORMALIZE_WHITESPACE
    ['/api/incidents', '/api/incidents/scenario', '/api/incidents/{incident_id}', '/api/news/articles',
     '/incidents']
    """
    api = APIRouter(tags=["news monitor"])

    @api.get("/incidents", include_in_schema=False)
    def timeline() -> FileResponse:
        """The incidents timeline page (state on a date, evidence, impact of the living scenario)."""
        return FileResponse(_TIMELINE, media_type="text/html")

    @api.get("/api/incidents")
    def incidents(on: Annotated[dt.date | None, Query()] = None) -> dict[str, Any]:
        """Every incident and its state on ``on`` (default today): asset, action, share, start,
        end, status, articles, independent sources, confidence and evidence."""
        from corridor.news.monitor import incidents_on

        day = on or dt.date.today()
        return {"on": day.isoformat(), "incidents": [s.to_dict() for s in incidents_on(results_path(), on=day)]}

    @api.get("/api/incidents/{incident_id}")
    def incident(incident_id: str, on: Annotated[dt.date | None, Query()] = None) -> dict[str, Any]:
        """One incident's state on ``on``; 404 when no incident has this id."""
        from corridor.news.monitor import UnknownIncidentError, incident_by_id

        if not incident_id.isdigit() or len(incident_id) > 12:
            raise HTTPException(404, f"no incident {incident_id[:40]!r}; ids are whole numbers")
        try:
            return incident_by_id(results_path(), int(incident_id), on=on or dt.date.today()).to_dict()
        except UnknownIncidentError as err:
            raise HTTPException(404, str(err)) from None

    @api.post("/api/incidents/scenario", status_code=201)
    def living(request: LivingScenarioRequest) -> dict[str, Any]:
        """Keep the living scenario of ``on`` in the store (name ``news-monitor-YYYY-MM-DD``);
        run it with ``POST /api/impact``."""
        from corridor.news.monitor import incidents_on, living_scenario_yaml
        from corridor.store import save_scenario

        name = f"news-monitor-{request.on.isoformat()}"
        states = incidents_on(results_path(), on=request.on)
        text = living_scenario_yaml(states, on=request.on, name=name, review=not request.accept)
        save_scenario(results_path(), name, text)
        return {"name": name, "yaml": text}

    @api.get("/api/news/articles")
    def articles() -> dict[str, Any]:
        """The stored articles (without their text): source, title, date, state, copy of which."""
        from corridor.news.monitor import articles_in

        return {"articles": articles_in(results_path())}

    return api
