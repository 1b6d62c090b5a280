"""The records a news draft is made of: events on named assets, with their evidence."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ACTIONS", "STATUSES", "NewsDraft", "NewsEvent"]

ACTIONS = (
    "close",
    "derate",
    "reopen",
    "tariff_change",
    "transit_ban",
    "capacity_increase",
    "reroute_in",
    "reroute_out",
)
STATUSES = ("new", "background", "conditional")


@dataclass(frozen=True)
class NewsEvent:
    """One event an article reports on one asset.

    ``fraction`` is the share of capacity taken out (1.0 for a closure); for a tariff change or
    a capacity increase, the relative change (0.15 for +15%). ``duration_days`` is a number of
    days or a (low, high) range. ``evidence`` maps each field that is not null to the exact words
    of the article that justify it. ``missing`` names the fields a scenario needs that the article
    does not give (they go to the draft's unknowns and to the scenario's review list).
    """

    asset: str | None
    asset_kind: str | None
    action: str
    fraction: float | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    duration_days: int | tuple[int, int] | None = None
    status: str = "new"
    confidence: float = 0.5
    evidence: Mapping[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    until_further_notice: bool = False

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"action is {self.action!r}; expected one of {', '.join(ACTIONS)}")
        if self.status not in STATUSES:
            raise ValueError(f"status is {self.status!r}; expected one of {', '.join(STATUSES)}")
        if self.fraction is not None and not math.isfinite(self.fraction):
            raise ValueError(f"fraction is {self.fraction!r}; expected a finite number or None")

    def to_dict(self) -> dict[str, Any]:
        """The event as plain JSON types (dates as ISO strings, a range as a list)."""
        duration: int | list[int] | None
        duration = list(self.duration_days) if isinstance(self.duration_days, tuple) else self.duration_days
        return {
            "asset": self.asset,
            "asset_kind": self.asset_kind,
            "action": self.action,
            "fraction": None if self.fraction is None else round(self.fraction, 3),
            "start": None if self.start is None else self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "duration_days": duration,
            "status": self.status,
            "confidence": round(self.confidence, 2),
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True)
class NewsDraft:
    """What :func:`corridor.news.draft_scenario` read from an article.

    Examples
    --------
    >>> draft = NewsDraft(published=dt.date(2022, 7, 6), language="en", events=(), unknowns=())
    >>> draft.to_json()
    '{"published": "2022-07-06", "language": "en", "events": [], "unknowns": []}'
    """

    published: dt.date
    language: str
    events: tuple[NewsEvent, ...]
    unknowns: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The draft as plain JSON types, in the issue's format."""
        return {
            "published": self.published.isoformat(),
            "language": self.language,
            "events": [e.to_dict() for e in self.events],
            "unknowns": list(self.unknowns),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """Strict JSON (no NaN), non-ASCII letters kept."""
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False, indent=indent)
