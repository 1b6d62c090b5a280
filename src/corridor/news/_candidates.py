"""An article's event candidates and the passes over all of them: one event per asset and
action, the specific asset over its group, a title's event over the body's, the weaker word of
the same incident dropped, an event ended by the article's own reopening, a day shared between
two tellings of one incident."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from corridor.news._assets import AssetIndex, Mention
from corridor.news._model import ACTION_CLASS

__all__ = ["Candidate", "article_passes", "related"]


@dataclass
class Candidate:
    """An event being built: its fields, their evidence (quote, start) and what it rests on."""

    action: str
    mention: Mention | None
    status: str = "new"
    fraction: float | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    duration: int | tuple[int, int] | None = None
    open_end: bool = False
    evidence: dict[str, str] = field(default_factory=dict)
    from_topic: bool = False
    carried: bool = False
    scope: str | None = None
    at: int = 0
    sentence: int = -1
    headline: bool = False  # told only in a line without a full stop (a title, a subtitle)
    holds: bool = False  # told as still holding ('stays offline'): no reopening of another part ends it

    def fill_missing(self, other: Candidate, names: tuple[str, ...] = ("start", "end", "duration")) -> None:
        """Take from ``other``, a second telling of this event, each of ``names`` this one lacks,
        with its evidence, and its open end ('until further notice') when this one has no end."""
        for name in names:
            if getattr(self, name) is None and getattr(other, name) is not None:
                setattr(self, name, getattr(other, name))
                key = "duration_days" if name == "duration" else name
                self.evidence[key] = other.evidence.get(key, "")
        if other.open_end and not self.open_end and self.end is None and self.duration is None:
            self.open_end = True
            self.evidence["until_further_notice"] = other.evidence.get("until_further_notice", "")

    @property
    def key(self) -> str | None:
        if self.mention is None:
            return None
        return self.mention.id or self.evidence.get("asset", "").casefold()


def related(a: str | None, b: str | None, index: AssetIndex) -> bool:
    """The same asset, or one inside the other (a mooring and the moorings, the terminal and the CPC)."""
    if a is None or b is None:
        return False
    return a == b or a in index.within.get(b, frozenset()) or b in index.within.get(a, frozenset())


def _share_dates(events: list[Candidate], index: AssetIndex) -> None:
    """Told in two sentences about the same incident, one with the day and one without: an event
    without a start takes the start of a new event of the same kind on the same or a related asset."""
    for e in events:
        if e.start is not None or e.status != "new":
            continue
        twins = [
            o
            for o in events
            if o is not e
            and o.start is not None
            and o.status == "new"
            and o.action == e.action
            and related(o.key, e.key, index)
        ]
        if len({o.start for o in twins}) == 1:
            e.start = twins[0].start
            e.evidence["start"] = twins[0].evidence.get("start", "")
            e.carried = True


def _ended(events: list[Candidate], index: AssetIndex, published: dt.date) -> None:
    """A disruption the article also reports reopened, or whose stated end is already past, is over."""
    for e in events:
        if e.action not in ("close", "derate", "transit_ban") or e.status != "new" or e.holds:
            continue
        reopen = [
            o
            for o in events
            if o.action == "reopen" and o.status == "new" and related(o.key, e.key, index)
            and (o.key == e.key or e.at < o.at or o.key in index.within.get(str(e.key), frozenset()))
            and not (o.start is not None and e.start is not None and o.start < e.start)
        ]  # fmt: skip
        if reopen:
            e.status = "ended"
            days = [o.start for o in reopen if o.start is not None]
            if days:
                e.end = min(days)
                e.evidence.setdefault("end", next(o.evidence.get("start", "") for o in reopen if o.start == e.end))
        elif _over(e, published):
            e.status = "ended"


def _over(e: Candidate, published: dt.date) -> bool:
    """Its stated end, or its stated length from its start ('on Jan. 5 ... closed for two days'), is past."""
    if e.end is not None:
        return e.end < published
    length = e.duration if isinstance(e.duration, int) and not e.open_end else None
    return e.start is not None and length is not None and e.start + dt.timedelta(days=length) <= published


def _merge(found: list[Candidate]) -> list[Candidate]:
    """One event per asset, action and status; the later mentions fill what the first left out."""
    merged: list[Candidate] = []
    for candidate in found:
        twin = next((m for m in merged if _same(m, candidate)), None)
        if twin is None:
            merged.append(candidate)
            continue
        if twin.carried and candidate.start is not None and not candidate.carried:
            twin.start, twin.carried = candidate.start, False
            twin.evidence["start"] = candidate.evidence.get("start", "")
        twin.fill_missing(candidate, ("fraction", "start", "end", "duration"))
        if twin.from_topic and not candidate.from_topic:
            twin.from_topic = False
        twin.headline = twin.headline and candidate.headline
    return [replace(m) for m in merged]


def _specific(events: list[Candidate], index: AssetIndex) -> list[Candidate]:
    """Drop an event on a group when the article gives the same event on something inside it
    ('CPC suspended loading at its marine terminal': the terminal, not the whole consortium)."""
    keep = []
    for e in events:
        inside = index.within.get(str(e.key), frozenset())
        specific = [
            o
            for o in events
            if o is not e
            and o.key in inside
            and o.action == e.action
            and o.status == e.status
            and (o.sentence == e.sentence or e.start is None or (e.start == o.start and not o.carried))
        ]
        if specific:
            for o in (o for o in specific if o.sentence == e.sentence):  # the group's day holds for the part
                o.fill_missing(e)
            continue
        keep.append(e)
    return keep


def _headline_only(events: list[Candidate], index: AssetIndex) -> list[Candidate]:
    """Drop a new event told only in a title when the body tells the same kind of action on
    another asset: 'Export through the port of Novorossiysk fully stopped' over a text about the
    CPC terminal's mooring; a headline names the nearest well-known place, the body the asset."""
    body = [e for e in events if not e.headline and e.status == "new"]
    return [
        e
        for e in events
        if not (
            e.headline
            and e.status == "new"
            and any(
                ACTION_CLASS.get(o.action) == ACTION_CLASS.get(e.action) and not related(o.key, e.key, index)
                for o in body
            )
            and not any(related(o.key, e.key, index) for o in body)
        )
    ]


def _dominated(events: list[Candidate], index: AssetIndex) -> list[Candidate]:
    """Drop the least certain events: a new derate that gives neither a share nor a day, in an
    article that gives another new disruption (a closure, a ban, a sized or dated derate) on the
    same or a related asset ('the terminal stopped loading ... the system works under restrictions'):
    the same incident told with a weaker word, not a second event."""
    strong = [
        e
        for e in events
        if e.status == "new"
        and e.action in ("close", "transit_ban", "derate")
        and (e.action != "derate" or e.fraction is not None or e.start is not None)
    ]
    return [
        e
        for e in events
        if not (
            e.status == "new"
            and e.action == "derate"
            and e.fraction is None
            and e.start is None
            and any(related(o.key, e.key, index) for o in strong if o is not e)
        )
    ]


def _same(a: Candidate, b: Candidate) -> bool:
    if a.key is None or a.key != b.key or a.action != b.action or a.status != b.status:
        return False
    if a.start is not None and b.start is not None and a.start != b.start and not (a.carried or b.carried):
        return False
    return not (a.fraction is not None and b.fraction is not None and abs(a.fraction - b.fraction) > 0.05)


def article_passes(found: list[Candidate], index: AssetIndex, published: dt.date) -> list[Candidate]:
    """The events of an article after the passes over all of them, in the order they run."""
    events = _headline_only(_dominated(_specific(_merge(found), index), index), index)
    _ended(events, index, published)  # before sharing days: a closure that is over keeps its day to itself
    _share_dates(events, index)
    _ended(events, index, published)
    return events
