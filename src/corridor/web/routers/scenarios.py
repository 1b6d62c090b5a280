"""Scenarios: the list, one in detail (with its YAML), what it closes on a day, validation, saving."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from corridor.errors import RequestError, ScenarioError, StoreError
from corridor.web.context import NAME_PATTERN, Ctx, WebContext
from corridor.web.labels import closures_on, first_event_day, outside_horizon

router = APIRouter(prefix="/api")

MAX_YAML = 1_000_000
"""The longest scenario text accepted, in characters (the body cap of the app)."""


class SaveRequest(BaseModel):
    yaml: str = Field(max_length=MAX_YAML)
    overwrite: bool = Field(default=False, description="replace a saved scenario of the same name")


def _summary(ctx: WebContext, name: str, kind: str) -> dict[str, Any]:
    try:
        s = ctx.scenario(name)
    except ScenarioError as err:  # a saved scenario the network no longer accepts is listed, not hidden
        return {"name": name, "kind": kind, "description": f"(invalid: {err})", "horizon": None, "first_day": None}
    first = first_event_day(s)
    return {"name": name, "kind": kind, "description": s.description.strip(),
            "horizon": None if s.horizon is None else s.horizon.model_dump(mode="json"),
            "first_day": None if first is None else first.isoformat()}  # fmt: skip


@router.get("/scenarios")
def scenarios(ctx: Ctx) -> dict[str, Any]:
    """Built-in and saved scenarios, with their horizons and the first day their events hold."""
    from corridor.scenario import builtin_scenarios

    rows = [_summary(ctx, name, "built-in") for name in sorted(builtin_scenarios())]
    rows += [_summary(ctx, name, "saved") for name in ctx.saved()]
    return {"scenarios": rows}


@router.get("/scenarios/{name}")
def scenario_detail(ctx: Ctx, name: str) -> dict[str, Any]:
    """One scenario: its events in order (those it extends first), its YAML as written, the first
    day its events hold, and the links its closures and derates act on (``closed_links``)."""
    chosen = ctx.scenario(name)
    horizon = chosen.horizon
    links = sorted({link for day in _event_days(chosen) for row in closures_on(ctx.network(), chosen, day)
                    for link in row["links"]})  # fmt: skip
    first = first_event_day(chosen)
    return {**chosen.model_dump(mode="json"), "yaml": ctx.scenario_yaml(name), "closed_links": links,
            "first_day": None if first is None else first.isoformat(),
            "horizon": None if horizon is None else horizon.model_dump(mode="json")}  # fmt: skip


def _event_days(scenario: Any) -> list[dt.date]:
    """One day inside each stretch of the horizon (every event holds all of a stretch or none of it)."""
    if scenario.horizon is None:
        return []
    return [stretch.start for stretch in scenario.stretches()]


@router.get("/scenarios/{name}/closures")
def closures(ctx: Ctx, name: str, on: Annotated[dt.date, Query()]) -> dict[str, Any]:
    """What the scenario closes or derates (and which transit it bars) on day ``on``: one row per
    element with its name, its dates, the share of capacity left and the links it acts on."""
    chosen = ctx.scenario(name)
    horizon = chosen.horizon
    if horizon is not None and not horizon.start <= on <= horizon.end:
        raise RequestError(f"the date {on} is outside {chosen.name!r} ({horizon.start} to {horizon.end})")
    return {"scenario": chosen.name, "on": on.isoformat(), "items": closures_on(ctx.network(), chosen, on)}


def _checked(ctx: WebContext, text: str) -> Any:
    from corridor.scenario import scenario_from_yaml

    s = scenario_from_yaml(text, file="scenario", network=ctx.network(), known=ctx.saved())
    problems = outside_horizon(s)
    if problems:
        raise ScenarioError("\n".join(problems))
    return s


@router.post("/scenarios/validate")
def validate(ctx: Ctx, text: Annotated[str, Body(media_type="text/plain", max_length=MAX_YAML)]) -> dict[str, Any]:
    """Check a scenario (YAML or JSON text): ``valid`` and the problems, field by field (an event
    that holds on no day of the horizon is one)."""
    try:
        s = _checked(ctx, text)
    except ScenarioError as err:
        return {"valid": False, "problems": str(err).splitlines()}
    return {"valid": True, "problems": [], "name": s.name, "events": len(s.events), "exists": s.name in ctx.saved()}


@router.post("/scenarios", status_code=201)
def save(ctx: Ctx, request: SaveRequest) -> dict[str, Any]:
    """Keep a valid scenario in the results store under its own name; a saved one of that name is
    replaced only with ``overwrite`` (else 409)."""
    import re

    from corridor.scenario import builtin_scenarios
    from corridor.store import save_scenario

    s = _checked(ctx, request.yaml)
    if not re.match(NAME_PATTERN, s.name) or s.name in builtin_scenarios():
        raise RequestError(f"name {s.name[:80]!r}: expected a new name (letters, digits, '-', '_'), not a built-in one")
    if s.name in ctx.saved() and not request.overwrite:
        raise StoreError(f"a saved scenario is already named {s.name!r}; replace it, or choose another name")
    save_scenario(ctx.settings.results_path, s.name, request.yaml)
    first = first_event_day(s)
    return {"saved": s.name, "first_day": None if first is None else first.isoformat()}
