"""A news draft as a scenario YAML: new events become scenario events, with a review list.

What the article leaves open is written as a stated default (the publication date for a
missing start, 'until further notice' for a missing end, half the capacity for a derate of
unknown size, the upper end of a range of days) and named in the event's ``review`` entry;
``corridor scenario validate`` refuses the draft, one message per field, until a person sets
each value or accepts it by deleting its review entry. Reopenings end the closure of the same
asset they follow; what has no scenario counterpart (reroutes, background and conditional
events) is kept as comments.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from corridor.news._model import NewsDraft, NewsEvent

__all__ = ["draft_scenario_yaml", "write_draft_scenario"]

_DEFAULT_SHARE = 0.5
_HORIZON_DAYS = 90


def draft_scenario_yaml(draft: NewsDraft, *, name: str | None = None) -> str:
    """The draft as scenario YAML text (see the module docstring for what is written).

    Examples
    --------
    >>> from corridor.news import draft_scenario
    >>> text = "Суд приостановил деятельность КТК с 6 июля на 30 суток."
    >>> print(draft_scenario_yaml(draft_scenario(text, published=dt.date(2022, 7, 6))))  # doctest: +ELLIPSIS
    # Drafted from a news article published 2022-07-06 (language: ru) by corridor news draft.
    ...
    events:
    - type: close
      target: cpc
      start: 2022-07-06
      days: 30
    ...
    """
    new = [e for e in draft.events if e.status == "new"]
    reopen = {e.asset: e.start for e in new if e.action == "reopen" and e.asset and e.start}
    events = [row for e in new if (row := _scenario_event(e, draft.published, reopen)) is not None]
    scenario: dict[str, Any] = {
        "name": name or f"news-{draft.published.isoformat()}",
        "description": f"Drafted from a news article published {draft.published.isoformat()}; review before use.",
        "source": f"news article published {draft.published.isoformat()}",
        "horizon": _horizon(events, draft.published),
        "events": events,
    }
    head = [
        f"# Drafted from a news article published {draft.published.isoformat()} (language: {draft.language}) "
        "by corridor news draft.",
        "# Each event's review list names what the article left open; 'corridor scenario validate' refuses the",
        "# draft until each value is set (delete its review entry) or accepted as written (delete the entry too).",
    ]
    kept = [e for e in draft.events if e not in new or _scenario_event(e, draft.published, reopen) is None]
    if kept:
        head.append("# Not scenario events (told by the article, kept for the reader):")
        head.extend(f"#   {_describe(e)}" for e in kept)
    body = yaml.dump(scenario, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(head) + "\n" + body


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors: a date used twice is written twice."""

    def ignore_aliases(self, data: Any) -> bool:  # noqa: ARG002 - PyYAML's signature
        return True


def write_draft_scenario(draft: NewsDraft, path: str | Path, *, name: str | None = None) -> Path:
    """Write :func:`draft_scenario_yaml` to ``path`` (beside it first, then moved into place)."""
    path = Path(path)
    text = draft_scenario_yaml(draft, name=name or path.name.removesuffix(".yaml").removesuffix(".yml") or None)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _scenario_event(e: NewsEvent, published: dt.date, reopen: dict[str, dt.date]) -> dict[str, Any] | None:
    kinds = {
        "close": "close",
        "derate": "derate",
        "tariff_change": "multiply_tariff",
        "capacity_increase": "add_capacity",
        "transit_ban": "bar_transit",
    }
    if e.action not in kinds:
        return None
    row: dict[str, Any] = {"type": kinds[e.action]}
    review: dict[str, str] = {}
    target = e.asset or e.evidence.get("asset", "unknown")
    if e.action == "transit_ban":
        row["countries"] = ["XX"]
        review["countries"] = f"the article names {target!r}; write the ISO codes of the countries barred"
    else:
        row["target"] = target
    if e.asset is None:
        review["target"] = f"{target!r} is not a node, link or group of the network; name one that is"
    if e.action == "derate":
        if e.fraction is None:
            row["capacity_share"] = _DEFAULT_SHARE
            review["capacity_share"] = f"the article gives no share; {_DEFAULT_SHARE} of capacity left is a default"
        else:
            row["capacity_share"] = round(1 - e.fraction, 4)
    elif e.action in ("tariff_change", "capacity_increase"):
        row["factor"] = 1.0 if e.fraction is None else round(1 + e.fraction, 4)
        if e.fraction is None:
            review["factor"] = "the article gives no size of the change; 1.0 (no change) is written"
    row["start"] = e.start or published
    if e.start is None:
        review["start"] = f"the article gives no start; the publication date {published.isoformat()} is written"
    if e.action in ("close", "derate", "transit_ban"):
        _end(row, review, e, reopen)
    row["source"] = "news article"
    shares = ""
    if e.action in ("close", "derate") and e.fraction is not None:
        shares = f"share lost {e.fraction:.3g}, share left {1 - e.fraction:.3g} (capacity_share); "
    row["note"] = shares + "; ".join(f"{k}: «{v}»" for k, v in e.evidence.items())
    if e.scope:
        review["scope"] = (
            f"the article limits this to {e.scope!r}; the event is written for the whole asset, narrow it or accept it"
        )
    if review:
        row["review"] = review
    return row


def _end(row: dict[str, Any], review: dict[str, str], e: NewsEvent, reopen: dict[str, dt.date]) -> None:
    again = reopen.get(e.asset or "")
    if e.end is not None:
        row["end"] = e.end
    elif isinstance(e.duration_days, tuple):
        row["days"] = e.duration_days[1]
        low, high = e.duration_days
        review["days"] = f"the article gives {low} to {high} days; the upper end, {high}, is written"
    elif e.duration_days is not None:
        row["days"] = e.duration_days
    elif again is not None and e.start is not None and again > e.start:
        row["end"] = again - dt.timedelta(days=1)
    else:
        row["until_further_notice"] = True
        told = "says until further notice" if e.until_further_notice else "gives no end"
        review["end"] = f"the article {told}; the event is written to last to the horizon's end"


def _horizon(events: list[dict[str, Any]], published: dt.date) -> dict[str, dt.date]:
    starts = [r["start"] for r in events] or [published]
    first = min(starts)
    last = first + dt.timedelta(days=_HORIZON_DAYS - 1)
    for r in events:
        if "end" in r:
            last = max(last, r["end"])
        if "days" in r:
            last = max(last, r["start"] + dt.timedelta(days=int(r["days"]) - 1))
    return {"start": first, "end": last}


def _describe(e: NewsEvent) -> str:
    parts = [e.status, e.action, e.asset or f"(not in the network: {e.evidence.get('asset', '?')})"]
    if e.start:
        parts.append(f"from {e.start.isoformat()}")
    quote = e.evidence.get("action", "")
    return " ".join(parts) + (f" - «{quote}»" if quote else "")
