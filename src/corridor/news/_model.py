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
STATUSES = ("new", "background", "conditional", "ended")
ACTION_CLASS = {
    "close": "disruption",
    "derate": "disruption",
    "transit_ban": "disruption",
    "reroute_out": "disruption",
    "reopen": "recovery",
    "capacity_increase": "expansion",
    "reroute_in": "expansion",
    "tariff_change": "price",
}


@dataclass(frozen=True)
class NewsEvent:
    """One event an article reports on one asset.

    ``fraction`` is the share of capacity taken out (1.0 for a closure); for a tariff change or
    a capacity increase, the relative change (0.15 for +15%). ``duration_days`` is a number of
    days or a (low, high) range. ``evidence`` maps each field that is not null to the exact words
    of the article that justify it, and ``spans`` to where those words are in the cleaned text
    (``NewsDraft.text``). ``missing`` names the fields a scenario needs that the article does not
    give (they go to the draft's unknowns and to the scenario's review list).

    What lets articles about the same incident be joined: the normalised ``asset`` id and the
    groups it belongs to (``parents``), the action and its ``action_class`` (``disruption`` for
    close, derate, transit ban and rerouting away; ``recovery`` for a reopening; ``expansion``;
    ``price``), ``start``/``end``, ``scope`` (a partial measure: one carrier, one group of
    shippers, one cargo, a daily quota), and ``published``. Status ``ended`` is a disruption the
    article reports as already over (its reopening is a separate event). ``confidences`` gives
    a confidence per field; ``confidence`` is the event's.
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
    parents: tuple[str, ...] = ()
    scope: str | None = None
    published: dt.date | None = None
    spans: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    confidences: Mapping[str, float] = field(default_factory=dict)

    @property
    def action_class(self) -> str:
        """disruption, recovery, expansion or price: what merging articles into incidents compares."""
        return ACTION_CLASS[self.action]

    @property
    def share_left(self) -> float | None:
        """For a closure or a derate, the share of capacity left (1 - ``fraction``)."""
        if self.fraction is None or self.action not in ("close", "derate"):
            return None
        return 1.0 - self.fraction

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
            "until_further_notice": self.until_further_notice,
            "status": self.status,
            "confidence": round(self.confidence, 2),
            "confidences": {k: round(v, 2) for k, v in self.confidences.items()},
            "action_class": self.action_class,
            "parents": list(self.parents),
            "scope": self.scope,
            "published": None if self.published is None else self.published.isoformat(),
            "share_lost": None
            if self.fraction is None or self.action not in ("close", "derate")
            else round(self.fraction, 3),
            "share_left": None if self.share_left is None else round(self.share_left, 3),
            "evidence": dict(self.evidence),
            "spans": {k: list(v) for k, v in self.spans.items()},
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
    text: str = field(default="", repr=False)  # the cleaned text the evidence spans point into

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
