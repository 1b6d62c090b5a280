"""From an article to events: per clause, an action word, the asset it is about, its share,
its dates and its status; then the same event told twice is merged into one.

The asset of an action is the name nearest to it in its clause (then its sentence), names of
places that only locate something else ('near Novorossiysk') and cities weighing less; an
action with no name of its own is about the asset of the sentence before ('the terminal'). A
place the network lacks gives an event with no asset, its name kept as evidence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from corridor.news._assets import AssetIndex, Mention, entity_mentions, find_mentions
from corridor.news._dates import DateCue, find_dates
from corridor.news._rules import (
    ActionCue,
    cancels,
    find_actions,
    find_fractions,
    is_background,
    is_conditional,
    is_intention,
    is_negated,
    unit_count,
)
from corridor.news._text import Token, clauses, sentences, words

__all__ = ["Candidate", "extract_events"]

DISRUPTIONS = frozenset({"close", "derate", "transit_ban", "reroute_out"})
_SIZED = frozenset({"derate", "tariff_change", "capacity_increase"})
_OLD_DAYS = 45  # an event that started more than this before publication is background
_ONLY_BEFORE = re.compile(
    r"(?:\b(?:only|just|solely)|(?<![а-яё])(?:только|лишь|исключительно))\s+(?:via\s+|through\s+|the\s+|через\s+)?$",
    re.IGNORECASE,
)
_NEARLY = re.compile(r"(?:\b(?:nearly|almost|all\s+but|virtually)|(?<![а-яё])(?:почти|практически))\s+$", re.IGNORECASE)
_OWNER_GAP = re.compile(r"\s*(?:-?\d\s*)?(?:of\s+(?:the\s+)?|at\s+(?:the\s+)?)?", re.IGNORECASE)
_VIA_BEFORE = re.compile(
    r"(?:\b(?:via|through|around|to|towards|onto|into)|(?<![а-яё])(?:через|на|в|по))\s+(?:the\s+)?$", re.IGNORECASE
)


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
    fuzzy: bool = False

    @property
    def key(self) -> str | None:
        if self.mention is None:
            return None
        return self.mention.id or self.evidence.get("asset", "").casefold()


def extract_events(text: str, published: dt.date, index: AssetIndex, language: str) -> list[Candidate]:
    """Every event the article reports, duplicates merged, in the order first told.

    Examples
    --------
    >>> from corridor.news._assets import build_asset_index
    >>> index = build_asset_index(load_network())
    >>> text = "Суд приостановил деятельность КТК с 6 июля на 30 суток."
    >>> [(e.action, e.mention.id, e.start, e.duration) for e in extract_events(text, dt.date(2022, 7, 6), index, "ru")]
    [('close', 'cpc', datetime.date(2022, 7, 6), 30)]
    """
    tokens = words(text)
    starts = [t.start for t in tokens]
    found: list[Candidate] = []
    cancelled: set[str] = set()
    topic: Mention | None = None
    previous: tuple[int, int, set[str]] | None = None
    for s0, s1 in sentences(text):
        sentence_tokens = tokens[bisect.bisect_left(starts, s0) : bisect.bisect_left(starts, s1)]
        mentions = find_mentions(text, index, sentence_tokens)
        parts = clauses(text, s0, s1)
        cues = find_actions(text, s0, s1)
        for c0, c1 in parts:  # 'a higher court overturned the order': what it names (or the topic) is cancelled
            if cancels(text, c0, c1) and not any(c0 <= c.start < c1 for c in cues):
                named = (
                    [m for m in mentions if c0 <= m.start < c1 and m.id is not None]
                    or [m for m in mentions if m.start < c0 and m.id is not None][-1:]
                    or ([topic] if topic else [])
                )
                cancelled.update(str(m.id) for m in named if m is not None and m.id is not None)
        for cue in cues:
            c0, c1 = next(((a, b) for a, b in parts if a <= cue.start < b), (s0, s1))
            candidate = _candidate(text, published, language, cue, (c0, c1), (s0, s1), mentions, cues, topic, index)
            if candidate is None:
                continue
            if candidate.status == "cancelled":
                if candidate.key:
                    cancelled.add(candidate.key)
                continue
            if candidate.start is None and previous is not None and candidate.key in previous[2]:
                _inherit_day(text, candidate, previous[0], previous[1], published)
            found.append(candidate)
        if mentions:
            topic = min(mentions, key=lambda m: (m.rank, m.start))
        previous = (s0, s1, {str(m.id) for m in mentions if m.id is not None})
    for candidate in found:
        if candidate.key in cancelled and candidate.action in ("close", "derate") and candidate.status == "new":
            candidate.status = "background"
            candidate.evidence.setdefault("status", "")
    return _specific(_merge(found), index)


def _candidate(
    text: str,
    published: dt.date,
    language: str,
    cue: ActionCue,
    clause: tuple[int, int],
    sentence: tuple[int, int],
    mentions: Sequence[Mention],
    cues: Sequence[ActionCue],
    topic: Mention | None,
    index: AssetIndex,
) -> Candidate | None:
    c0, c1 = clause
    in_clause = [m for m in mentions if c0 <= m.start < c1]
    if cue.action in ("close", "derate") and cancels(text, c0, cue.start):
        mention = _pick(text, cue, in_clause) or _pick(text, cue, list(mentions))
        return Candidate(cue.action, mention, status="cancelled")
    if is_intention(text, c0, c1):
        return None  # a plan or an intention is not an event
    if cue.action != "reopen" and is_negated(text, c0, c1, cue):
        return None
    candidate = Candidate(cue.action, None)
    candidate.evidence["action"] = text[cue.start : cue.stop]
    mention = _pick(text, cue, in_clause) or _pick(text, cue, list(mentions))
    if mention is None:
        unknown = entity_mentions(text, c0, c1, language, mentions)
        mention = _pick(text, cue, unknown)
    if mention is None and topic is not None:
        mention, candidate.from_topic = topic, True
    if mention is None:
        return None
    candidate.mention = mention
    candidate.fuzzy = mention.rank >= 2 and mention.id is not None and False
    candidate.evidence["asset"] = text[mention.start : mention.stop]
    _size(text, candidate, cue, (c0, c1), in_clause, index)
    if candidate.action == "close" and _NEARLY.search(text, max(c0, cue.start - 14), cue.start):
        # 'nearly stopped', 'почти остановился': less than a closure, by a share the text does not give
        candidate.action, candidate.fraction = "derate", None
        candidate.evidence.pop("fraction", None)
    _dates(text, candidate, cue, clause, sentence, cues, published)
    _status(text, candidate, (c0, c1), published)
    return candidate


def _pick(text: str, cue: ActionCue, candidates: Sequence[Mention]) -> Mention | None:
    """The mention the action is about: rank first, then nearness (for reroutes, the place after 'via')."""
    if not candidates:
        return None
    if cue.action in ("reroute_in", "reroute_out"):
        after = [m for m in candidates if m.start >= cue.stop]
        pointed = [m for m in after if _VIA_BEFORE.search(text, max(cue.stop, m.start - 12), m.start)]
        if pointed or after:
            return min(pointed or after, key=lambda m: (m.start - cue.stop) / 7 + 3 * m.rank)

    def modifies(m: Mention) -> bool:
        """'ВПУ-2 морского терминала', 'SPM-2 of the terminal': a name right after another names its owner."""
        return any(
            o is not m and _OWNER_GAP.fullmatch(text, o.stop, m.start) is not None
            for o in candidates
            if o.stop <= m.start
        )

    def score(m: Mention) -> float:
        gap = cue.start - m.stop if m.stop <= cue.start else m.start - cue.stop
        numbered = 3 if m.unit is not None else 0  # 'SPM-2', 'the third mooring': a unit beats the whole it belongs to
        return 3 * m.rank + max(gap, 0) / 7 - numbered + (6 if modifies(m) else 0)

    return min(candidates, key=score)


def _size(
    text: str,
    candidate: Candidate,
    cue: ActionCue,
    clause: tuple[int, int],
    in_clause: Sequence[Mention],
    index: AssetIndex,
) -> None:
    """The share: units of a group ('SPM-1 and SPM-2', 'two of three moorings'), a stated share, or 1 for a closure."""
    c0, c1 = clause
    mention = candidate.mention
    assert mention is not None
    units = index.group_size.get(str(mention.id)) if mention.kind == "group" else None
    if units and candidate.action in ("close", "derate"):
        named = [m for m in in_clause if m.id == mention.id and m.unit is not None]
        only = {m.unit for m in named if _ONLY_BEFORE.search(text, max(c0, m.start - 16), m.start)}
        out = {m.unit for m in named} - only
        count = unit_count(text, c0, c1)
        k: int | None = None
        quote: str | None = None
        if out:
            k = len(out)
            quoted = [m for m in named if m.unit in out]
            quote = text[min(m.start for m in quoted) : max(m.stop for m in quoted)]
        elif only:
            k = units - len(only)
            quoted = [m for m in named if m.unit in only]
            quote = text[max(c0, min(m.start for m in quoted) - 12) : max(m.stop for m in quoted)].lstrip()
        elif count is not None and count[1] == units:
            k, quote = count[0], text[count[2] : count[3]]
        if k is not None and quote is not None:
            if k >= units:
                candidate.action, candidate.fraction = "close", 1.0
            else:
                candidate.action, candidate.fraction = "derate", k / units
            candidate.evidence["fraction"] = quote
            return
    shares = find_fractions(text, c0, c1)
    if candidate.action in ("close", "derate") and shares:
        share = min(shares, key=lambda s: abs(s.start - cue.start))
        if share.fraction < 1:
            candidate.action = "derate"
        candidate.fraction = share.fraction
        candidate.evidence["fraction"] = text[share.start : share.stop]
    elif candidate.action in ("tariff_change", "capacity_increase"):
        pct = re.compile(
            r"(?:\bby\s+|(?<![а-яё])на\s+)?(?P<n>\d+(?:[.,]\d+)?)\s*(?:%|per\s*cent|percent|процент\w*)", re.IGNORECASE
        )
        m = min(pct.finditer(text, c0, c1), key=lambda m: abs(m.start() - cue.start), default=None)
        if m is not None:
            candidate.fraction = float(m.group("n").replace(",", ".")) / 100
            candidate.evidence["fraction"] = m.group()
    elif candidate.action == "close":
        candidate.fraction = 1.0
        candidate.evidence["fraction"] = text[cue.start : cue.stop]


def _dates(
    text: str,
    candidate: Candidate,
    cue: ActionCue,
    clause: tuple[int, int],
    sentence: tuple[int, int],
    cues: Sequence[ActionCue],
    published: dt.date,
) -> None:
    found = [c for c in find_dates(text, *clause, published) if c.kind != "period"]
    if not found:  # the sentence's dates, outside clauses that have actions of their own
        found = [
            c
            for c in find_dates(text, *sentence, published)
            if c.kind != "period" and not any(o is not cue and _same_clause(text, sentence, o, c) for o in cues)
        ]
    # a day that dates the report ('the consortium said on Tuesday', 'сообщили во вторник') is not the event's
    found = [c for c in found if not (c.kind == "point" and _reported_on(text, c.start))]
    starts = [c for c in found if c.kind == "start"] or [c for c in found if c.kind == "point"]
    if starts:
        chosen = min(starts, key=lambda c: abs(c.start - cue.start))
        candidate.start = chosen.day
        candidate.evidence["start"] = text[chosen.start : chosen.stop]
    ends = [c for c in found if c.kind == "end"]
    if ends and candidate.action != "reopen":
        chosen = min(ends, key=lambda c: abs(c.start - cue.start))
        if candidate.start is None or (chosen.day is not None and chosen.day >= candidate.start):
            candidate.end = chosen.day
            candidate.evidence["end"] = text[chosen.start : chosen.stop]
    durations = [c for c in found if c.kind == "duration"]
    if durations and candidate.action not in ("reopen", "tariff_change", "capacity_increase"):
        chosen = min(durations, key=lambda c: abs(c.start - cue.start))
        candidate.duration = chosen.days
        candidate.evidence["duration_days"] = text[chosen.start : chosen.stop]
    opens = [c for c in found if c.kind == "open_end"]
    if opens and candidate.end is None and candidate.duration is None and candidate.action != "reopen":
        candidate.open_end = True
        candidate.evidence["until_further_notice"] = text[opens[0].start : opens[0].stop]


def _same_clause(text: str, sentence: tuple[int, int], other: ActionCue, date: DateCue) -> bool:
    return any(a <= other.start < b and a <= date.start < b for a, b in clauses(text, *sentence))


def _inherit_day(text: str, candidate: Candidate, s0: int, s1: int, published: dt.date) -> None:
    """'Drones attacked the station on Monday. Pumping fell by 30%.': the sentence that introduced the
    asset dates what the next one says about it, when that one gives no day of its own."""
    days = [
        c for c in find_dates(text, s0, s1, published)
        if c.kind in ("start", "point") and c.day is not None and not _reported_on(text, c.start)
    ]  # fmt: skip
    if len(days) == 1:
        candidate.start = days[0].day
        candidate.evidence["start"] = text[days[0].start : days[0].stop]


_REPORTING = re.compile(
    r"\b(?:said|says|reported|announced|told|stated|added|confirmed)\b"
    r"|(?<![а-яё])(?:сообщил\w*|заявил\w*|рассказал\w*|отметил\w*|сообщает|заявляет|подтвердил\w*)",
    re.IGNORECASE,
)


def _reported_on(text: str, start: int) -> bool:
    """A date right after a verb of saying, within a few words: it dates the report."""
    before = text[max(0, start - 40) : start]
    hits = list(_REPORTING.finditer(before))
    return bool(hits) and len(before[hits[-1].end() :].split()) <= 3


def _status(text: str, candidate: Candidate, clause: tuple[int, int], published: dt.date) -> None:
    c0, c1 = clause
    if is_conditional(text, c0, c1):
        candidate.status = "conditional"
        return
    old = published - dt.timedelta(days=_OLD_DAYS)
    periods = [c for c in find_dates(text, c0, c1, published) if c.kind == "period"]
    dated_old = candidate.start is not None and candidate.start < old
    month_start = published.replace(day=1)
    period_old = candidate.start is None and any(
        p.last is not None and (p.last < old or p.last < month_start) for p in periods
    )  # a period over before the publication's month began: old news restated
    if dated_old or period_old or is_background(text, c0, c1):
        candidate.status = "background"


def _merge(found: list[Candidate]) -> list[Candidate]:
    """One event per asset, action and status; the later mentions fill what the first left out."""
    merged: list[Candidate] = []
    for candidate in found:
        twin = next((m for m in merged if _same(m, candidate)), None)
        if twin is None:
            merged.append(candidate)
            continue
        for name in ("fraction", "start", "end", "duration"):
            if getattr(twin, name) is None and getattr(candidate, name) is not None:
                setattr(twin, name, getattr(candidate, name))
                key = "duration_days" if name == "duration" else name
                twin.evidence[key] = candidate.evidence[key]
        if not twin.open_end and candidate.open_end and twin.end is None and twin.duration is None:
            twin.open_end = True
            twin.evidence["until_further_notice"] = candidate.evidence["until_further_notice"]
        if twin.from_topic and not candidate.from_topic:
            twin.from_topic = False
    return [replace(m) for m in merged]


def _specific(events: list[Candidate], index: AssetIndex) -> list[Candidate]:
    """Drop an event on a group when the article gives the same event on something inside it
    ('CPC suspended loading at its marine terminal': the terminal, not the whole consortium)."""
    keep = []
    for e in events:
        inside = index.within.get(str(e.key), frozenset())
        if any(o is not e and o.key in inside and o.action == e.action and o.status == e.status for o in events):
            continue
        keep.append(e)
    return keep


def _same(a: Candidate, b: Candidate) -> bool:
    if a.key is None or a.key != b.key or a.action != b.action or a.status != b.status:
        return False
    if a.start is not None and b.start is not None and a.start != b.start:
        return False
    return not (a.fraction is not None and b.fraction is not None and abs(a.fraction - b.fraction) > 0.05)


def sentence_tokens(tokens: Sequence[Token], start: int, stop: int) -> Sequence[Token]:
    """The tokens of one sentence (tokens sorted by start)."""
    starts = [t.start for t in tokens]
    return tokens[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, stop)]
