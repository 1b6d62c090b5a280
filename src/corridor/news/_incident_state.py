"""An incident's state as all its articles tell it (:func:`incident_state`), and the records it is read from.

- the start: the start most first reports state (the articles published within
  :data:`RESTATED_DAYS` of the first one that dates it, or of the day an announcement gives; one
  vote per article), and on a tie one written as a calendar date, then the earliest, so that an article which dates the event before
  its own publication day wins over one that gives only that day while one article's misread date
  does not outvote the others; a date weeks before its article is a stray when another first
  report dates the event near its own day; a date after the first report came out is a misreading
  when that report dates the outage by then; a "closed since ..." restated days later does not
  move the start (it dates an incident no earlier report dated), unless the first reports gave
  only their own publication day (a dateline or "today" read as the start) and it dates the
  event within :data:`STRAY_START_DAYS` before; a later article that says it
  corrects the date replaces it; background mentions never set it;
- the end: the day before a reopening (the date most of its first reports give, or a
  correction, as for the start; while it is only announced, the latest announcement's: a
  postponed reopening moves it, and a later article's "until further notice" or other last
  day withdraws it; an outage an article tells as over on a day, not as a span, was
  reopened that day), else the latest article's stated end or stated number of days, counted
  from the incident's start (the one most first reports give: one article's misread start does
  not move the end), else from the article's own; a later "until further notice" replaces an
  earlier stated end;
- the share lost the latest article gives, the sources that are independent (different outlets;
  copies never reach here), and a confidence that grows with them.

Everything here is a pure function of the events: the store keeps them; merging them into
incidents is :mod:`corridor.news._incidents`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

__all__ = [
    "ACTION_CLASSES",
    "REOPENINGS",
    "RESTATED_DAYS",
    "STRAY_START_DAYS",
    "ArticleEvent",
    "Incident",
    "IncidentState",
    "action_class",
    "incident_state",
]

RESTATED_DAYS = 2
"""An article published more than this many days after the first one that dates an incident's
start (after the day it gives, for an announcement of a closure to come) restates it ("closed
since Monday", often reckoned loosely): its start fills a start no earlier report gave, never
moves one (a correction does). Two days: the next day's reports of an event that began in the
night still date it."""
STRAY_START_DAYS = 10
"""A start more than this many days before its own article's publication is a stray (history, a
"read also" line with another story's date) when another first report dates the event within
this many days of its own: the span a week of reports about one event takes."""

ActionClass = Literal["outage", "ban", "tariff", "capacity", "reroute"]
ACTION_CLASSES: Mapping[str, ActionClass] = {
    "close": "outage",
    "derate": "outage",
    "reopen": "outage",
    "transit_ban": "ban",
    "tariff_change": "tariff",
    "capacity_increase": "capacity",
    "reroute_in": "reroute",
    "reroute_out": "reroute",
}
REOPENINGS = frozenset({"reopen"})
"""Actions that end an incident (a reopening, a lifted order, resumed transits) rather than report one."""
Status = Literal["open", "ended", "not started"]


def action_class(action: str) -> ActionClass:
    """The class an action is merged under (a reopening belongs to the outage it ends).

    Examples
    --------
    >>> action_class("derate"), action_class("reopen"), action_class("transit_ban")
    ('outage', 'outage', 'ban')
    """
    return ACTION_CLASSES[action]


@dataclass(frozen=True)
class ArticleEvent:
    """One event of one article, with what merging needs (the reader's event, flattened).

    ``date`` is when it happened as far as the article says: its start, or the publication date
    when it gives none (``start_stated`` tells which).
    """

    article_id: int
    outlet: str
    language: str
    published: dt.date
    asset: str
    action: str
    status: str
    fraction: float | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    duration_days: int | None = None
    until_further_notice: bool = False
    confidence: float = 0.5
    evidence: Mapping[str, str] = field(default_factory=dict)
    corrects: bool = False  # the article says its start corrects what was reported before

    @property
    def date(self) -> dt.date:
        return self.start or self.published

    @property
    def klass(self) -> ActionClass:
        return action_class(self.action)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "language": self.language,
            "published": self.published.isoformat(),
            "asset": self.asset,
            "action": self.action,
            "status": self.status,
            "fraction": self.fraction,
            "start": None if self.start is None else self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "duration_days": self.duration_days,
            "until_further_notice": self.until_further_notice,
            "confidence": self.confidence,
            "evidence": dict(self.evidence),
            "corrects": self.corrects,
        }
        return out

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> ArticleEvent:
        def day(value: Any) -> dt.date | None:
            return None if value is None else dt.date.fromisoformat(str(value))

        published = day(row["published"])
        assert published is not None
        return cls(
            article_id=int(row["article_id"]),
            outlet=str(row["outlet"]),
            language=str(row["language"]),
            published=published,
            asset=str(row["asset"]),
            action=str(row["action"]),
            status=str(row["status"]),
            fraction=row.get("fraction"),
            start=day(row.get("start")),
            end=day(row.get("end")),
            duration_days=row.get("duration_days"),
            until_further_notice=bool(row.get("until_further_notice")),
            confidence=float(row.get("confidence", 0.5)),
            evidence=dict(row.get("evidence") or {}),
            corrects=bool(row.get("corrects")),
        )


@dataclass
class Incident:
    """An incident as merged so far: its id, the asset it opened on, its class, its events."""

    id: int
    asset: str
    klass: str
    events: list[ArticleEvent] = field(default_factory=list)


@dataclass(frozen=True)
class IncidentState:
    """An incident as the articles tell it, and its status on a date."""

    id: int
    asset: str
    action: str
    fraction: float | None
    start: dt.date | None
    start_basis: str | None  # first reports, correction, or None when no article dates it
    end: dt.date | None
    end_basis: str | None  # reopening, stated end, stated duration, or None while open-ended
    status: Status
    articles: tuple[int, ...]
    sources: tuple[str, ...]
    confidence: float
    until_further_notice: bool
    first_reported: dt.date
    evidence: tuple[dict[str, Any], ...]
    uncertain: tuple[str, ...]  # fields no article gives (start, end, fraction)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "asset": self.asset,
            "action": self.action,
            "fraction": None if self.fraction is None else round(self.fraction, 3),
            "start": None if self.start is None else self.start.isoformat(),
            "start_basis": self.start_basis,
            "end": None if self.end is None else self.end.isoformat(),
            "end_basis": self.end_basis,
            "status": self.status,
            "articles": list(self.articles),
            "sources": list(self.sources),
            "confidence": round(self.confidence, 2),
            "until_further_notice": self.until_further_notice,
            "first_reported": self.first_reported.isoformat(),
            "uncertain": list(self.uncertain),
            "evidence": list(self.evidence),
        }


def incident_state(incident: Incident, *, on: dt.date | None) -> IncidentState:
    """What the incident's articles say, and its status on ``on`` (today's knowledge, all articles).

    Examples
    --------
    >>> close = ArticleEvent(1, "a.ru", "ru", dt.date(2023, 11, 27), "cpc", "close", "new", 1.0, dt.date(2023, 11, 27))
    >>> reopen = ArticleEvent(2, "b.kz", "ru", dt.date(2023, 11, 30), "cpc", "reopen", "new", None, dt.date(2023, 11, 30))
    >>> inc = Incident(1, "cpc", "outage", [close, reopen])
    >>> [incident_state(inc, on=dt.date(2023, 11, day)).status for day in (28, 30)]
    ['open', 'ended']
    >>> incident_state(inc, on=None).end
    datetime.date(2023, 11, 29)
    """
    events = sorted(incident.events, key=lambda e: (e.published, e.article_id))
    out = [e for e in events if e.action not in REOPENINGS]
    told = [e for e in out if e.status in ("new", "ended")]  # background mentions only confirm
    ends = [e for e in events if e.action in REOPENINGS] + [_reopening(e) for e in told if _ended_on(e)]
    start, start_basis = _start(told)
    fraction, action = _share(told, incident)
    end, basis, open_ended = _end(told, ends, start)
    first_reported = min(e.published for e in events)
    if on is None:
        status: Status = "open" if end is None else "ended"
    elif start is not None and on < start:
        status = "not started"
    elif end is not None and on > end:
        status = "ended"
    else:
        status = "open"
    best: dict[str, float] = {}
    for e in events:
        best[e.outlet] = max(best.get(e.outlet, 0.0), e.confidence)
    doubt = 1.0
    for c in best.values():
        doubt *= 1.0 - c
    uncertain = [name for name, value in (("start", start), ("end", end)) if value is None]
    if action == "derate" and fraction is None:
        uncertain.append("fraction")
    return IncidentState(
        id=incident.id,
        asset=_asset(events, incident),
        action=action,
        fraction=fraction,
        start=start,
        start_basis=start_basis,
        end=end,
        end_basis=basis,
        status=status,
        articles=tuple(dict.fromkeys(e.article_id for e in events)),
        sources=tuple(sorted(best)),
        confidence=min(0.99, 1.0 - doubt),
        until_further_notice=open_ended,
        first_reported=first_reported,
        evidence=tuple(_evidence(e) for e in events),
        uncertain=tuple(uncertain),
    )


def _start(told: Sequence[ArticleEvent]) -> tuple[dt.date | None, str | None]:
    """The start most first reports state (the earliest on a tie), or the latest correction (see
    the module docstring).

    Examples
    --------
    >>> def said(published, start, corrects=False, article=1):
    ...     return ArticleEvent(article, "a.kz", "ru", published, "cpc", "close", "new", 1.0, start, corrects=corrects)
    >>> D = dt.date
    >>> _start([said(D(2025, 2, 18), D(2025, 2, 18)), said(D(2025, 2, 18), D(2025, 2, 17), article=2)])  # one dates it earlier
    (datetime.date(2025, 2, 17), 'first reports')
    >>> _start([said(D(2025, 2, 18), D(2025, 2, 17)), said(D(2025, 2, 25), D(2025, 2, 14))])  # "since" a week on
    (datetime.date(2025, 2, 17), 'first reports')
    >>> _start([said(D(2025, 2, 18), D(2025, 2, 17)), said(D(2025, 2, 25), D(2025, 2, 16), corrects=True)])
    (datetime.date(2025, 2, 16), 'correction')
    >>> _start([said(D(2025, 2, 18), D(2025, 2, 17)), said(D(2025, 2, 18), D(2024, 11, 2))])  # a stray old date
    (datetime.date(2025, 2, 17), 'first reports')
    >>> _start([said(D(2025, 2, 18), D(2025, 2, 17), article=a) for a in (1, 2)] + [said(D(2025, 2, 18), D(2025, 2, 15), article=3)])
    (datetime.date(2025, 2, 17), 'first reports')
    """
    stated, corrected = _dated(told)
    if not stated:
        return None, None
    if corrected is not None:
        return corrected, "correction"
    announced = stated[0].start
    assert announced is not None
    first = max(stated[0].published, announced) + dt.timedelta(days=RESTATED_DAYS)  # an announcement: from its day
    reports = [e for e in stated if e.published <= first]
    # a date weeks before its article, where another first report dates the event near its own
    # day, is a stray (history, a "read also" line): not a credible start
    near = [e for e in reports if _day(e.start) >= e.published - dt.timedelta(days=STRAY_START_DAYS)]
    reports = near or reports
    begun = _begun_by(told)
    if begun is not None:  # told as begun on that day: a later start is a misread date
        reports = [e for e in reports if _day(e.start) <= begun] or reports
    day = _most_told(reports)
    if all(e.start == e.published for e in reports):  # first reports dated only by their own day
        earlier = [
            e
            for e in stated
            if e.published > first and day - dt.timedelta(days=STRAY_START_DAYS) <= _day(e.start) < day
        ]
        if earlier:  # a later article that dates it before: the day a report came out is no start
            return _most_told(earlier), "first reports"
    return day, "first reports"


def _dated(events: Sequence[ArticleEvent]) -> tuple[list[ArticleEvent], dt.date | None]:
    """The events that give a day, in publication order, and the day the latest article that
    says it corrects an earlier report gives (None when none does): what the start and the
    reopening's day are both read from."""
    stated = sorted((e for e in events if e.start is not None), key=lambda e: e.published)
    corrections = [e.start for e in stated if e.corrects]
    return stated, corrections[-1] if corrections else None


def _most_told(reports: Sequence[ArticleEvent]) -> dt.date:
    """The day most of the reports' articles give as the start (one vote per article); on a tie
    the one an article writes as a calendar date ('25 ноября', 'November 29') over one reckoned
    from words ('накануне', 'on Monday': a weekday resolved in the wrong week), then the
    earliest: one article's misread date does not outvote the others, and of two that disagree
    the one that dates the event before its own publication day is the more specific.

    Examples
    --------
    >>> D = dt.date
    >>> def said(article, start, words=""):
    ...     return ArticleEvent(article, "a.kz", "ru", D(2025, 11, 30), "cpc", "close", "new", 1.0, start,
    ...                         evidence={"start": words})
    >>> _most_told([said(1, D(2025, 11, 29)), said(2, D(2025, 11, 29)), said(3, D(2025, 11, 25))])
    datetime.date(2025, 11, 29)
    >>> _most_told([said(1, D(2025, 11, 29)), said(2, D(2025, 11, 28))])
    datetime.date(2025, 11, 28)
    >>> _most_told([said(1, D(2025, 11, 29), "29 ноября"), said(2, D(2025, 11, 28), "в пятницу")])
    datetime.date(2025, 11, 29)
    """
    votes: dict[dt.date, set[int]] = {}
    written: set[dt.date] = set()
    for e in reports:
        votes.setdefault(_day(e.start), set()).add(e.article_id)
        if _CALENDAR_DATE.search(e.evidence.get("start", "")):
            written.add(_day(e.start))
    return max(votes, key=lambda day: (len(votes[day]), day in written, -day.toordinal()))


_NOT_A_MONTH = r"(?:hours?|minutes?|days?|am|pm|a\.m|p\.m|o'clock|час|минут|дн|сут)"
_CALENDAR_DATE = re.compile(
    rf"(?<![:\d])\d{{1,2}}(?:st|nd|rd|th)?\s+(?!{_NOT_A_MONTH})[^\W\d_]{{3,}}"
    rf"|\b[^\W\d_]{{3,}}\.?\s+\d{{1,2}}\b(?![:.]\d|\s*{_NOT_A_MONTH})"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
"""A day written as a calendar date ('25 ноября', 'November 29', '06.02.2024'), not a time of day
('from 01:20 local time') or words ('yesterday', 'в понедельник')."""


def _begun_by(told: Sequence[ArticleEvent]) -> dt.date | None:
    """The day the first report came out when it dates the outage no later than that day (it tells
    it as begun), else None (it announces it, or gives no date: an undated first report may be a
    warning merged by mistake, and does not overrule the dates of the reports after it).

    Examples
    --------
    >>> D = dt.date
    >>> def said(published, start):
    ...     return ArticleEvent(1, "a.kz", "ru", published, "cpc", "close", "new", 1.0, start)
    >>> _begun_by([said(D(2025, 9, 9), D(2025, 9, 8))]), _begun_by([said(D(2025, 9, 9), D(2025, 9, 12))])
    (datetime.date(2025, 9, 9), None)
    """
    if not told:
        return None
    day = min(e.published for e in told)
    first = [e for e in told if e.published == day]
    return day if any(e.start is not None and e.start <= day for e in first) else None


def _day(value: dt.date | None) -> dt.date:
    assert value is not None
    return value


def _asset(events: Sequence[ArticleEvent], incident: Incident) -> str:
    """The asset most of its articles name (the first named on a tie)."""
    counts: dict[str, int] = {}
    for e in events:
        if e.action not in REOPENINGS:
            counts[e.asset] = counts.get(e.asset, 0) + 1
    return max(counts, key=lambda a: counts[a]) if counts else incident.asset


def _share(out: Sequence[ArticleEvent], incident: Incident) -> tuple[float | None, str]:
    kinds = {"outage": "close", "ban": "transit_ban", "tariff": "tariff_change", "capacity": "capacity_increase"}
    fraction: float | None = None
    action = kinds.get(incident.klass, out[-1].action if out else "close")
    for e in out:  # the latest article that states a share wins (a changed share)
        if e.action == "close":
            fraction = 1.0
        elif e.fraction is not None or e.action == "derate":
            fraction = e.fraction  # a derate of unstated size after a closure: the share is unknown
    if incident.klass == "outage":  # only a reopening told: something was shut, its share unknown
        action = (
            "derate"
            if (fraction is not None and fraction < 1.0) or any(e.action == "derate" for e in out[-1:])
            else "close"
        )
    if incident.klass == "reroute" and out:
        action = out[-1].action
    return fraction, action


def _end(
    told: Sequence[ArticleEvent], ends: Sequence[ArticleEvent], start: dt.date | None
) -> tuple[dt.date | None, str | None, bool]:
    """The last day out: the day before a reopening, else what the latest article that says
    anything of the end says: a stated end, a number of days (from the incident's start, else its
    own, else its publication) or "until further notice" (no end).

    Examples
    --------
    >>> D = dt.date
    >>> paused = ArticleEvent(1, "a.com", "en", D(2023, 12, 31), "red_sea", "reroute_out", "new", duration_days=2)
    >>> _end([paused], [], None)
    (datetime.date(2024, 1, 1), 'stated duration', False)
    >>> extended = ArticleEvent(2, "b.com", "en", D(2024, 1, 2), "red_sea", "reroute_out", "new", until_further_notice=True)
    >>> _end([paused, extended], [], None)
    (None, None, True)
    """
    if ends and not _withdrawn(ends, told):
        last = _reopened(ends) - dt.timedelta(days=1)
        return (last if start is None else max(start, last)), "reopening", False
    by_article: dict[int, list[ArticleEvent]] = {}
    for e in told:
        by_article.setdefault(e.article_id, []).append(e)
    for said in reversed(list(by_article.values())):
        for e in said:
            if e.end is not None and (start is None or e.end >= start):
                return e.end, "stated end", False
        for e in said:
            if e.duration_days is not None:
                first = start or e.start or e.published
                return first + dt.timedelta(days=int(e.duration_days) - 1), "stated duration", False
        if any(e.until_further_notice for e in said):
            return None, None, True
    return None, None, False


def _withdrawn(ends: Sequence[ArticleEvent], told: Sequence[ArticleEvent]) -> bool:
    """Whether a reopening only announced (for a day after its article) was overtaken by a later
    article's word on the end: 'until further notice', or a last day out on or after the day the
    reopening was announced for (it was put off).

    Examples
    --------
    >>> D = dt.date
    >>> announced = ArticleEvent(1, "a.pl", "en", D(2025, 9, 20), "brest", "reopen", "new", start=D(2025, 9, 22))
    >>> put_off = ArticleEvent(2, "b.by", "en", D(2025, 9, 21), "brest", "close", "new", until_further_notice=True)
    >>> restated = ArticleEvent(3, "c.by", "en", D(2025, 9, 21), "brest", "close", "new", end=D(2025, 9, 21))
    >>> _withdrawn([announced], [put_off]), _withdrawn([announced], []), _withdrawn([announced], [restated])
    (True, False, False)
    """
    if any(e.start is None or e.start <= e.published for e in ends):
        return False  # told done
    latest = max(ends, key=lambda e: e.published)
    day = _day(latest.start)
    return any(
        e.published > latest.published and (e.until_further_notice or (e.end is not None and e.end >= day))
        for e in told
    )


def _ended_on(e: ArticleEvent) -> bool:
    """Whether an outage told as over gives the day it ended (service resumed 'on 30 June'), not
    the last day of a stated span ('from 22 to 24 November', 'until 24 November'): that day is a
    reopening, so the last day out is the day before, whether or not the reader found the
    reopening's own words.

    Examples
    --------
    >>> D = dt.date
    >>> def over(end_words):
    ...     return _ended_on(ArticleEvent(1, "a.ge", "en", D(2023, 6, 30), "ge_main_line", "close", "ended", 1.0,
    ...                      D(2023, 6, 29), D(2023, 6, 30), evidence={"start": "on Thursday", "end": end_words}))
    >>> over("30 Jun 2023"), over("from 29 to 30 June"), over("until 30 June"), over("по 30 июня")
    (True, False, False, False)
    """
    if e.status != "ended" or e.end is None:
        return False
    words = e.evidence.get("end", "")
    return words != e.evidence.get("start") and not _SPAN_END.search(words)


_SPAN_END = re.compile(
    r"\b(?:to|through|till|until|up\s+to)\b|(?<![а-яё])(?:по|до)(?![а-яё])|\d\s*[-–—]\s*\d", re.IGNORECASE
)
"""Words that make a date the last day of a stated span rather than the day an outage ended."""


def _reopening(e: ArticleEvent) -> ArticleEvent:
    """An outage told as over on a day, as the reopening of that day it implies."""
    return replace(e, action="reopen", start=e.end, end=None, duration_days=None, until_further_notice=False)


def _reopened(ends: Sequence[ArticleEvent]) -> dt.date:
    """The day of the reopening: the latest an article that says it corrects the date gives, else
    the day most of the first reports of it give, the earliest on a tie (a reopening reported as
    done, dated no later than its article), else the latest announced (a postponed reopening moves
    it), else the day the first article that tells of it came out; never after an article that
    tells the reopening as news without a date came out (it tells it done by then: 'traffic has
    resumed').

    Examples
    --------
    >>> D = dt.date
    >>> def said(published, start):
    ...     return ArticleEvent(1, "a.kz", "ru", published, "cpc", "reopen", "new", None, start)
    >>> _reopened([said(D(2025, 9, 20), D(2025, 9, 22)), said(D(2025, 9, 22), D(2025, 9, 25))])  # postponed
    datetime.date(2025, 9, 25)
    >>> _reopened([said(D(2025, 9, 22), D(2025, 9, 25)), said(D(2025, 9, 25), D(2025, 9, 25)), said(D(2025, 10, 2), D(2025, 9, 27))])
    datetime.date(2025, 9, 25)
    >>> _reopened([said(D(2025, 9, 24), None), said(D(2025, 9, 26), D(2025, 9, 25))])  # 'has reopened' on the 24th
    datetime.date(2025, 9, 24)
    """
    stated, corrected = _dated(ends)
    if corrected is not None:
        return corrected
    done = [e for e in stated if e.start is not None and e.start <= e.published]
    if done:
        first = done[0].published + dt.timedelta(days=RESTATED_DAYS)
        day = _most_told([e for e in done if e.published <= first])
    elif stated and stated[-1].start is not None:
        day = stated[-1].start
    else:
        return min(e.published for e in ends)
    told_done = [e.published for e in ends if e.start is None and e.status == "new"]
    return min([day, *told_done])


def _evidence(e: ArticleEvent) -> dict[str, Any]:
    return {
        "article_id": e.article_id,
        "outlet": e.outlet,
        "language": e.language,
        "published": e.published.isoformat(),
        "asset": e.asset,
        "action": e.action,
        "status": e.status,
        "quotes": dict(e.evidence),
    }
