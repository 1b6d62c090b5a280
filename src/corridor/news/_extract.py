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
from dataclasses import replace

from corridor.news._assets import AssetIndex, Mention, entity_mentions, find_mentions
from corridor.news._candidates import Candidate, article_passes, related
from corridor.news._dates import DateCue, find_dates, told_as_future
from corridor.news._model import ACTION_CLASS
from corridor.news._rules import (
    ActionCue,
    cancels,
    find_actions,
    is_background,
    is_conditional,
    is_end_condition,
    is_intention,
    is_negated,
    is_unable,
    still_holds,
)
from corridor.news._share import size_event
from corridor.news._text import clauses, sentences, words
from corridor.news._when import (
    _CONNECTIVE,
    _DEMONSTRATIVE,
    _event_days,
    _incident_day,
    _reported_on,
    effective_day,
    told_now,
)
from corridor.news._where import (
    _ATTACK_BEFORE,
    _CANCEL_WORD,
    _FROM_BEFORE,
    _ORDER,
    _largest_group,
    _off_network,
    _passenger_only,
    _referent,
    _whole_or_part,
    at_border,
    bars_dispatch,
    government,
    other_end,
    refuses_cargo,
    scope_of,
    speaks,
)

__all__ = ["Candidate", "extract_events"]

DISRUPTIONS = frozenset({"close", "derate", "transit_ban", "reroute_out"})
_AND = re.compile(r"\s(?:and|и)\s", re.IGNORECASE)
_OLD_DAYS = 21  # an event that started more than three weeks before publication is background
# 'Напомним, отгрузку приостановили 19 февраля' (printed on the 21st): a recap of this week's halt, still news
_RECAP_DAYS = 3
_RECAP = re.compile(
    r"(?<![а-яё])(?:напомн\w*|ранее)(?![а-яё])|\b(?:as\s+a\s+reminder|recall\w*|earlier)\b", re.IGNORECASE
)
_NEARLY = re.compile(
    r"(?:\b(?:nearly|almost|all\s+but|virtually|partly|partially)|(?<![а-яё])(?:почти|практически|частично))\s+$",
    re.IGNORECASE,
)
_OWNER_GAP = re.compile(r"\s*(?:-?\d\s*)?\)?\s*(?:of\s+(?:the\s+)?|at\s+(?:the\s+)?)?", re.IGNORECASE)
_PLACE_GAP = re.compile(
    r"\s+(?:в|во|под|близ|in|at|near|outside)\s+(?:the\s+)?(?:port\s+(?:city\s+)?of\s+|порту\s+|городе\s+|районе\s+)?",
    re.IGNORECASE,
)
# 'по распоряжению капитана морского порта Новороссийск', 'the harbour master of Novorossiysk': who orders, not what stops
_AUTHORITY_BEFORE = re.compile(
    r"(?:(?<![а-яё])(?:капитан\w*|администраци\w*)\s+(?:морского\s+)?(?:порта\s+)?"
    r"|\b(?:harbou?r\s*master|port\s+captain|captain|port\s+authority|administration)\s+(?:of\s+)?(?:the\s+)?(?:port\s+of\s+)?)$",
    re.IGNORECASE,
)
_DAMAGE = re.compile(r"damag|(?<![а-яё])(?:поврежд|повреди)", re.IGNORECASE)
_HEADLINE = re.compile(r"[.!?…»\"”]\s*$")  # a line that ends a sentence is body text, not a title
_HEADLINE_CHARS = 200  # titles and subtitles of the corpus run to about 150 characters; body lines are longer
_VIA_BEFORE = re.compile(  # 'via the BTC', 'на нефтепровод Атасу — Алашанькоу': a generic noun may stand between
    r"(?:\b(?:via|through|around|to|towards|onto|into)|(?<![а-яё])(?:через|на|в|по))\s+(?:the\s+)?"
    r"(?:(?:pipeline|route|port|terminal|crossing|нефтепровод\w*|маршрут\w*|порт\w*|терминал\w*|переход\w*)\s+)?$",
    re.IGNORECASE,
)


def extract_events(
    text: str, published: dt.date, index: AssetIndex, language: str, unknown: list[str] | None = None
) -> list[Candidate]:
    """Every event the article reports on the network's assets, duplicates merged, new ones first.

    Events on places the network lacks are not drafted; their names go to ``unknown``.

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
    seen: list[Mention] = []  # every linked mention so far, for 'the station', 'терминал'
    spans = sentences(text)
    days = [_event_days(text, a, b, published) for a, b in spans]
    previous_ids: set[str] = set()
    for n, (s0, s1) in enumerate(spans):
        sentence_tokens = tokens[bisect.bisect_left(starts, s0) : bisect.bisect_left(starts, s1)]
        mentions = find_mentions(text, index, sentence_tokens)
        parts = clauses(text, s0, s1)
        cues = find_actions(text, s0, s1)
        for c0, c1 in parts:  # 'a higher court overturned the order': what it names (or the topic) is cancelled
            if cancels(text, c0, c1) and not any(c0 <= c.start < c1 and c.action == "reopen" for c in cues):
                named = (
                    [m for m in mentions if c0 <= m.start < c1 and m.id is not None]
                    or [m for m in mentions if m.start < c0 and m.id is not None][-1:]
                    or ([topic] if topic else [])
                )
                cancelled.update(str(m.id) for m in named if m is not None and m.id is not None)
                order = _ORDER.search(text, c0, c1)
                if order is not None and named and not is_conditional(text, c0, c1) and not is_intention(text, c0, c1):
                    # 'the court overturned the order suspending the CPC': the CPC reopens
                    cancel = _CANCEL_WORD.search(text, c0, c1)
                    at = cancel.start() if cancel is not None else order.start()
                    reopen = Candidate("reopen", named[0], at=at)
                    reopen.evidence["action"] = text[at : (cancel.end() if cancel is not None else order.end())]
                    reopen.evidence["asset"] = text[named[0].start : named[0].stop]
                    _dates(text, reopen, ActionCue("reopen", at, at + 1), (c0, c1), (s0, s1), cues, published)
                    _status(text, reopen, (c0, c1), published, (s0, s1))
                    found.append(reopen)
        for cue in cues:
            c0, c1 = next(((a, b) for a, b in parts if a <= cue.start < b), (s0, s1))
            # 'the strait was declared closed': the strait an earlier action was about, before one only named
            acted = [
                e.mention for e in found if e.mention is not None and e.mention.id is not None and e.status == "new"
            ]
            recent = [m for m in seen if m.start >= spans[max(0, n - 1)][0]]  # 'Moyynty station. ... the station'
            referent = (
                _referent(text, c0, cue.start, recent, index, named_so=True)
                or _referent(text, c0, cue.start, acted, index)
                or _referent(text, c0, cue.start, seen, index)
            )
            candidate = _candidate(
                text, published, language, cue, (c0, c1), (s0, s1), mentions, cues, topic, index, referent
            )
            if candidate is None:
                continue
            if candidate.action == "reroute_out" and any(
                o.action in ("close", "derate") and c0 <= o.start < c1 for o in cues if o is not cue
            ):
                continue  # 'pumping at reduced rates, bypassing the station': how flow goes on, not a reroute
            before = _told_before(text, cue, candidate, found, index)
            if before is not None:  # 'The halt began on 11 March': the event already told, now dated
                before.fill_missing(candidate)
                continue
            if candidate.status == "cancelled":
                if candidate.key:
                    cancelled.add(candidate.key)
                continue
            if _off_network(text, c0, c1) or _passenger_only(text, s0, s1):
                continue  # an office, a road checkpoint, passenger trains: not what the network carries
            if candidate.mention is not None and candidate.mention.id is None:
                if unknown is not None:
                    unknown.append(text[candidate.mention.start : candidate.mention.stop])
                continue
            if candidate.start is None and candidate.status == "new":  # its own sentence's report first
                told = told_now(text, (c0, c1), n, spans, published) or effective_day(text, n, spans, published)
                if told is not None:
                    candidate.start, candidate.evidence["start"] = told
            if candidate.start is None:
                _carry_day(text, candidate, n, spans, days, mentions, previous_ids)
            if (
                candidate.status == "new"
                and n > 0
                and _DEMONSTRATIVE.match(text, s0)
                and is_background(text, *spans[n - 1])
            ):
                candidate.status = "background"  # 'As a reminder, ... SPM-2 was hit. This mooring cannot work.'
            candidate.sentence = n
            line0 = text.rfind("\n", 0, cue.start) + 1
            line1 = text.find("\n", cue.start) % (len(text) + 1)
            candidate.headline = line1 - line0 < _HEADLINE_CHARS and _HEADLINE.search(text, line0, line1) is None
            found.append(candidate)
            end = candidate.mention and other_end(
                text, candidate.action, candidate.mention, cue.stop, (s0, s1), mentions
            )
            if end:  # 'с БТД на КТК': the flow leaves one asset and lands on another, an event for each
                twin = replace(candidate, action=end[0], mention=end[1], evidence=dict(candidate.evidence))
                twin.evidence["asset"] = text[end[1].start : end[1].stop]
                found.append(twin)
        linked = [m for m in mentions if m.id is not None and not government(text, m, index)]  # 'Moscow vows'
        previous_ids = {str(m.id) for m in linked}
        seen.extend(linked)
        topic = min(linked, key=lambda m: (m.rank, m.start)) if linked else None
    for candidate in found:
        if candidate.key in cancelled and candidate.action in ("close", "derate") and candidate.status == "new":
            candidate.status = "background"
            candidate.evidence.setdefault("status", "")
    events = article_passes(found, index, published)
    rank = {"new": 0, "ended": 1, "conditional": 2, "background": 3}
    return sorted(events, key=lambda e: rank.get(e.status, 4))


_ANAPHOR = re.compile(
    r"(?:\b(?:the|this|that|the\s+present|the\s+current)|(?<![а-яё])(?:эта|этот|это|данн\w+|нынешн\w+))\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_EVENT_NOUN = re.compile(
    r"(?:halt|suspension|closure|stoppage|shutdown|ban|restrictions?|приостановк\w*|остановк\w*|запрет\w*|ограничени\w*)$",
    re.IGNORECASE,
)


def _told_before(
    text: str, cue: ActionCue, candidate: Candidate, found: Sequence[Candidate], index: AssetIndex
) -> Candidate | None:
    """'Exports from Khorgos are stopped. The halt began on 11 March.': a noun with 'the' or
    'this' points back to the disruption already told on the same asset, it is no second event."""
    if candidate.action not in DISRUPTIONS or candidate.status != "new":
        return None
    if not _EVENT_NOUN.search(text[cue.start : cue.stop]) or not _ANAPHOR.search(
        text[max(0, cue.start - 24) : cue.start]
    ):
        return None
    earlier = [
        e for e in found if e.status == "new" and e.action in DISRUPTIONS and related(e.key, candidate.key, index)
    ]
    return earlier[-1] if earlier else None


def _carry_day(
    text: str,
    candidate: Candidate,
    n: int,
    spans: Sequence[tuple[int, int]],
    days: Sequence[Sequence[DateCue]],
    mentions: Sequence[Mention],
    previous_ids: set[str],
) -> None:
    """A day given in the sentence before ('Drones hit the station on Monday. Pumping fell.') or
    after ('Loading resumed. It restarted at 00:00 on 26 November.') dates an event whose own
    sentence gives none, when that sentence is about the same asset or says nothing of another."""
    key = candidate.key
    s0, _ = spans[n]
    own = any(m.id is not None and str(m.id) == key for m in mentions)

    def other_kind(k: int) -> bool:  # the day of a closure does not date the reopening told next to it
        a, b = spans[k]
        return any(ACTION_CLASS.get(c.action) != ACTION_CLASS.get(candidate.action) for c in find_actions(text, a, b))

    options: list[tuple[int, int]] = []
    if (
        n > 0
        and len({d.day for d in days[n - 1]}) == 1
        and ((key and key in previous_ids) or _CONNECTIVE.match(text, s0, s0 + 40))
        and not (candidate.action == "reopen" and other_kind(n - 1))
    ):
        options.append((n - 1, 0))
    if n + 1 < len(spans) and len({d.day for d in days[n + 1]}) == 1:
        a, b = spans[n + 1]
        if not other_kind(n + 1) and (own or candidate.from_topic) and not is_background(text, a, b):
            options.append((n + 1, 1))
    if not options:
        incident = (
            _incident_day(text, n, spans, days, candidate.action) if candidate.action in ("close", "derate") else None
        )
        if incident is not None and candidate.status == "new":
            candidate.start = incident.day
            candidate.evidence["start"] = text[incident.start : incident.stop]
            candidate.carried = True
        return
    k = options[0][0]
    day = days[k][0]
    candidate.start = day.day
    candidate.evidence["start"] = text[day.start : day.stop]
    candidate.carried = True


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
    referent: Mention | None = None,
) -> Candidate | None:
    c0, c1 = clause
    mentions = [m for m in mentions if not government(text, m, index)]
    in_clause = [m for m in mentions if c0 <= m.start < c1]
    if cue.action in ("close", "derate") and cancels(text, c0, cue.start):
        mention = _pick(text, cue, in_clause) or _pick(text, cue, list(mentions))
        return Candidate(cue.action, mention, status="cancelled")
    if is_intention(text, c0, c1, cue):
        return None  # a plan or an intention is not an event
    if cue.action != "reopen" and is_negated(text, c0, c1, cue):
        return None
    if cue.action == "reopen" and is_end_condition(text, sentence[0], cue):
        return None  # 'suspended until the ship is refloated': when the closure ends, not a reopening
    candidate = Candidate(cue.action, None, at=cue.start)
    candidate.evidence["action"] = text[cue.start : cue.stop]
    mention = _pick(text, cue, in_clause) or referent
    if mention is None and cue.action in DISRUPTIONS:
        # 'отгрузки через Каспий прекратились, и пришлось опереться на КТК': the route its own clause names,
        # though the network lacks it, and not an asset of the clause beside it
        routes = [
            m
            for m in entity_mentions(text, c0, c1, language, mentions)
            if _VIA_BEFORE.search(text, max(c0, m.start - 28), m.start)
        ]
        mention = _pick(text, cue, routes)
    mention = mention or _pick(text, cue, list(mentions))
    if mention is None:
        unknown = entity_mentions(text, c0, c1, language, mentions)
        if cue.action in ("reroute_in", "reroute_out") and topic is not None:
            unknown = [m for m in unknown if m.start > cue.stop]  # a name before a reroute is who reroutes
        mention = _pick(text, cue, unknown)
    if mention is None and topic is not None:
        mention, candidate.from_topic = topic, True
    if mention is None:
        return None
    candidate.evidence["asset"] = text[mention.start : mention.stop]
    mention = _whole_or_part(text, cue, (c0, c1), mention, index, sentence)
    candidate.mention = mention
    if cue.action == "reroute_in" and (
        _FROM_BEFORE.search(text, max(c0, mention.start - 24), mention.start)
        or candidate.from_topic
        or not any(
            _VIA_BEFORE.search(text, max(c0, m.start - 28), m.start)
            and not _ATTACK_BEFORE.search(text, max(c0, m.start - 40), m.start)
            for m in in_clause
            if m.start > cue.stop
        )
    ):
        # 'redirected from the CPC', 'exports were redirected after the attack on the CPC': away from it
        candidate.action = "reroute_out"
        if candidate.from_topic or mention.kind != "group":
            whole = _largest_group(index, str(mention.id))
            if whole is not None:
                candidate.mention = mention = replace(mention, kind="group", id=whole)
    size_event(text, candidate, cue, (c0, c1), in_clause, index)
    if candidate.action == "derate" and candidate.fraction is None and _DAMAGE.search(text, cue.start, cue.stop):
        # 'drone debris damaged the port's shore facilities': damage that the article ties to no lost
        # capacity (no share, no halt, no unit out of service) is no outage; a halt told with it is its own event
        return None
    if candidate.action == "close" and _NEARLY.search(text, max(c0, cue.start - 14), cue.start):
        # 'nearly stopped', 'почти остановился': less than a closure, by a share the text does not give
        candidate.action, candidate.fraction = "derate", None
        candidate.evidence.pop("fraction", None)
    if candidate.action == "close" and at_border(index, mention.id) and refuses_cargo(text, (sentence[0], c1)):
        # 'exports from Khorgos are stopped until 26 March': a ban on what crosses, as KTZ's bans are
        candidate.action, candidate.fraction = "transit_ban", None
        candidate.evidence.pop("fraction", None)
    if (
        candidate.action == "derate"
        and candidate.fraction is None
        and (at_border(index, mention.id) or index.node_kind.get(str(mention.id)) == "port")
        and bars_dispatch(text, (sentence[0], c1))
    ):  # 'ограничения на экспортные перевозки грузов через порт Курык': what the railway will not carry there
        candidate.action = "transit_ban"
    _dates(text, candidate, cue, clause, sentence, cues, published)
    _status(text, candidate, (c0, c1), published, sentence)
    if cue.action == "reopen" and is_unable(text, c0, cue):
        # 'vessels have not been able to resume traffic': the closure goes on ('could' says no condition)
        candidate.action, candidate.fraction, candidate.start = "close", 1.0, None
        candidate.status = "new" if candidate.status == "conditional" else candidate.status
    _scope(text, candidate, clause, sentence)
    candidate.holds = candidate.action in DISRUPTIONS and still_holds(text, c0, cue)
    return candidate


def _scope(text: str, candidate: Candidate, clause: tuple[int, int], sentence: tuple[int, int]) -> None:
    if candidate.action not in ("close", "derate", "transit_ban", "reroute_out", "reopen"):
        return
    found = scope_of(text, clause, sentence)
    if found is None:
        return
    kind, candidate.scope = found
    candidate.evidence["scope"] = candidate.scope
    if candidate.action == "close" and kind in ("quota", "shippers", "cargo", "vessels"):
        # a closure for some shippers or one cargo takes out a share the article does not give
        candidate.action, candidate.fraction = "derate", None
        candidate.evidence.pop("fraction", None)
    elif candidate.action == "close" and kind == "carrier":
        # 'Maersk suspends Red Sea operations': one line's ships go round, the sea stays open to others
        candidate.action, candidate.fraction = "reroute_out", None
        candidate.evidence.pop("fraction", None)


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
        """'ВПУ-2 морского терминала', 'SPM-2 of the terminal': a name right after another names its
        owner; 'терминала КТК в Новороссийске', 'the CPC terminal near Novorossiysk': its place."""
        return any(
            o is not m
            and (
                _OWNER_GAP.fullmatch(text, o.stop, m.start) is not None
                or _PLACE_GAP.fullmatch(text, o.stop, m.start) is not None
            )
            for o in candidates
            if o.stop <= m.start
        )

    def score(m: Mention) -> float:
        gap = cue.start - m.stop if m.stop <= cue.start else m.start - cue.stop
        numbered = 3 if m.unit is not None else 0  # 'SPM-2', 'the third mooring': a unit beats the whole it belongs to
        authority = _AUTHORITY_BEFORE.search(text, max(0, m.start - 40), m.start) is not None or speaks(text, m)
        return 3 * m.rank + max(gap, 0) / 7 - numbered + (6 if modifies(m) or authority else 0)

    return min(candidates, key=score)


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
    found = [c for c in found if not (c.kind in ("point", "start") and _reported_on(text, c.start, c.stop))]
    # 'loading, halted after the attacks, resumed at 00:00 on 26 November': the day is the nearer action's
    rivals = [
        o
        for o in cues
        if o is not cue
        and ACTION_CLASS.get(o.action) != ACTION_CLASS.get(cue.action)
        and clause[0] <= o.start < clause[1]
    ]

    def distance(o: ActionCue, c: DateCue) -> int:  # a start ('from ... on Wednesday') binds to the action before it
        at = o.start
        joined = at > c.stop and _AND.search(text, c.stop, at) is not None  # '... on Monday and is running at half'
        gap = c.start - o.stop if o.stop <= c.start else max(0, at - c.stop)  # from the nearer end of the word
        comma = "," in (
            text[o.stop : c.start] if o.stop <= c.start else text[c.stop : at]
        )  # 'on Monday, after halting'
        return gap + (1000 if (c.kind == "start" and at > c.start) or joined else 0) + (500 if comma else 0)

    found = [
        c for c in found
        if c.kind not in ("start", "point", "end") or not any(distance(o, c) < distance(cue, c) for o in rivals)
    ]  # fmt: skip
    starts = [c for c in found if c.kind == "start"] or [c for c in found if c.kind == "point"]
    if starts:
        chosen = min(starts, key=lambda c: abs(c.start - cue.start))
        candidate.start = chosen.day
        candidate.evidence["start"] = text[chosen.start : chosen.stop]
        if chosen.last is not None and candidate.action != "reopen":  # 'с 4 по 8 сентября'
            candidate.end = chosen.last
            candidate.evidence["end"] = text[chosen.start : chosen.stop]
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


def _status(
    text: str, candidate: Candidate, clause: tuple[int, int], published: dt.date, sentence: tuple[int, int]
) -> None:
    c0, c1 = clause
    cue = ActionCue(candidate.action, candidate.at, candidate.at + len(candidate.evidence.get("action", "")))
    if is_conditional(text, c0, c1, cue) or (
        told_as_future(text, c0, cue.start) and sentence[0] < c0 and is_conditional(text, sentence[0], c0)
    ):  # 'Forecasts say the wind will ease, and ships will then be allowed to move': the forecast's sequel
        candidate.status = "conditional"
        return
    old = published - dt.timedelta(days=_OLD_DAYS)
    told = find_dates(text, c0, c1, published)
    if not any(c.kind in ("start", "point", "end", "period") for c in told):
        # 'В марте 2022 года шторм повредил ВПУ, и отгрузка была остановлена': the sentence's period dates it
        told = [c for c in find_dates(text, *sentence, published) if c.start < c0]
    periods = [c for c in told if c.kind == "period"]
    dated_old = candidate.start is not None and candidate.start < old
    month_start = published.replace(day=1)
    period_old = candidate.start is None and any(
        p.last is not None and (p.last < old or p.last < month_start) for p in periods
    )  # a period over before the publication's month began: old news restated
    recent = candidate.start is not None and (published - candidate.start).days <= _RECAP_DAYS
    if dated_old or period_old or (is_background(text, c0, c1) and not (recent and _RECAP.search(text, c0, c1))):
        candidate.status = "background"
