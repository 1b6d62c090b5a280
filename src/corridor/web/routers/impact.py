"""A scenario's impact, run as a job and polled; the finished impact as Excel or CSV."""

from __future__ import annotations

import io
import re
import time
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from corridor.errors import RequestError
from corridor.web.context import NAME_PATTERN, Ctx, WebContext
from corridor.web.export import impact_summary, impact_tables
from corridor.web.jobs import JOB_ID, Job
from corridor.web.labels import Names

router = APIRouter(prefix="/api")

JobId = Annotated[str, Path(max_length=40)]

MAX_PAGE_SAMPLES = 200
"""Draws of the assumptions one request may ask for: a job holds the server's solver while it
runs (the command line runs more: ``corridor impact NAME --samples N``)."""


class ImpactRequest(BaseModel):
    scenario: str = Field(pattern=NAME_PATTERN, description="A built-in or saved scenario's name.")
    period: Literal["day", "week", "month"] = "week"
    base: str | None = Field(
        default=None,
        pattern=NAME_PATTERN,
        description="A scenario whose events hold in every run: the impact is measured on top of it.",
    )
    samples: int | None = Field(
        default=None,
        description=f"Draws of the assumptions (1 to {MAX_PAGE_SAMPLES}): ranges and drivers as with --samples.",
    )
    seed: int = Field(default=1, ge=0, le=2**31 - 1, description="Random seed of the draws.")


@router.post("/impact", status_code=202)
def start_impact(ctx: Ctx, request: ImpactRequest) -> dict[str, Any]:
    """Start a scenario's impact (as ``corridor impact --json``); poll ``/api/jobs/{id}``. The result
    adds what the page needs to read it: the horizon, each commodity's unit and element names."""
    from corridor.analysis import impact

    chosen = ctx.scenario(request.scenario)
    base = None if request.base is None else ctx.scenario(request.base)
    horizon = chosen.horizon or (base.horizon if base is not None else None)
    if horizon is None:
        raise RequestError(f"scenario {chosen.name!r} has no horizon; an impact needs one")
    samples = request.samples
    if samples is not None and not 1 <= samples <= MAX_PAGE_SAMPLES:
        raise RequestError(
            f"samples is {samples}; the page runs 1 to {MAX_PAGE_SAMPLES} draws of the assumptions "
            "(more with the command line: corridor impact NAME --samples N)"
        )
    if samples is not None and base is not None:
        raise RequestError("samples and base: the draws replay the scenario alone; drop one of them")
    point_share = 1.0 if samples is None else 0.1  # of the job's progress

    def work(report: Any) -> dict[str, Any]:
        started = time.perf_counter()
        result = impact(ctx.network(), ctx.demand(), chosen, base=base, period=request.period,
                        progress=lambda done, total: report(point_share * done / max(total, 1)))  # fmt: skip
        answer = result.to_dict()
        if samples is not None:
            ranged = _ranges(ctx, chosen, samples, request, time.perf_counter() - started, report, point_share)
            answer = {**answer, **ranged}
        return _readable(ctx, answer, horizon)

    return {"job": ctx.jobs.start("impact", work).id}


def _ranges(
    ctx: WebContext, chosen: Any, samples: int, request: ImpactRequest, seconds_each: float, report: Any, done: float
) -> dict[str, Any]:
    """The impact's ranges and drivers over ``samples`` draws of the built-in assumptions, run
    serially in the job's thread (``corridor impact --samples`` spreads them over workers)."""
    from corridor.network import load_network
    from corridor.network.assumptions import check_assumptions, dataset_parameters, load_assumptions
    from corridor.sweep import SweepOptions
    from corridor.sweep.uncertainty import impact_ranges

    table = ctx.kept("assumptions", load_assumptions)
    parameters = ctx.kept("parameters", dataset_parameters)
    published = ctx.kept("published network", lambda: load_network(calibrated=False))
    check_assumptions(published, table, parameters=parameters, scenarios={chosen.name: chosen})
    options = SweepOptions(seed=request.seed, progress=lambda k, total: report(done + (1.0 - done) * k / max(total, 1)))
    ranged = impact_ranges(
        published, ctx.demand(), chosen, samples=samples, assumptions=table, parameters=parameters,
        period=request.period, options=options, seconds_each=seconds_each,
    )  # fmt: skip
    return ranged.to_dict()


def _readable(ctx: WebContext, data: dict[str, Any], horizon: Any) -> dict[str, Any]:
    network = ctx.network()
    names = Names(network)
    units = {str(c): str(u) for c, u in zip(network.commodities["id"], network.commodities["unit"], strict=True)}
    for row in data.get("bottlenecks", []):
        row["name"] = names.of(str(row.get("element", "")))
    readable = {**data, "horizon": horizon.model_dump(mode="json"), "units": units,
                "group_names": {g: names.of(g) for g in names.group}}  # fmt: skip
    return {**readable, "summary": impact_summary(readable)}


def _job(ctx: WebContext, job_id: str) -> Job:
    found = ctx.jobs.get(job_id) if re.fullmatch(JOB_ID, job_id) else None
    if found is None:
        raise HTTPException(404, f"no job {job_id[:40]!r}: it never existed or was forgotten; start the run again")
    return found


@router.get("/jobs/{job_id}", responses={404: {"description": "no job of that id"}})
def job(ctx: Ctx, job_id: JobId) -> dict[str, Any]:
    """A job's state, progress and (when done) result."""
    return _job(ctx, job_id).public()


@router.get("/export/impact/{job_id}", responses={404: {"description": "no job of that id"}})
def export_impact(ctx: Ctx, job_id: JobId, format: Literal["xlsx", "csv"] = "xlsx") -> Response:
    """A finished impact: an Excel workbook with readable headers, units and rounded figures (a
    summary, bottlenecks, corridors, periods, dependency), or its corridors as CSV."""
    found = _job(ctx, job_id)
    if found.state != "done":
        raise RequestError(f"job {job_id} is {found.state}; the export needs a finished impact")
    tables = impact_tables(found.result, readable=format == "xlsx")
    if format == "csv":
        return Response(tables["corridors"].to_csv(index=False), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="impact-{job_id}.csv"'})  # fmt: skip
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as book:
        for name, table in tables.items():
            table.to_excel(book, sheet_name=name, index=False)
            sheet = book.sheets[name]
            for column in sheet.columns:
                width = max(len(str(cell.value or "")) for cell in column)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="impact-{job_id}.xlsx"'},
    )
