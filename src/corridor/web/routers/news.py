"""Draft a scenario from a news article (when the news reader is installed)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from corridor.web.context import Ctx

router = APIRouter(prefix="/api")

MAX_TEXT = 1_000_000
"""The longest article accepted, in characters (the body cap of the app)."""


@router.post("/news/draft")
def news_draft(
    ctx: Ctx,
    text: Annotated[str, Body(media_type="text/plain", max_length=MAX_TEXT)],
    published: Annotated[dt.date, Query()],
) -> dict[str, Any]:
    """An article (text) read into a draft scenario: dated events on named assets, with evidence,
    and the draft as scenario YAML (``yaml``) to open in the editor."""
    news = importlib.import_module("corridor.news")  # present only when the news reader is installed
    draft = news.draft_scenario(text, published=published, network=ctx.network())
    return {**dict(draft.to_dict()), "yaml": news.draft_scenario_yaml(draft)}
