"""Which day an event has when its own clause gives none: the days a sentence gives for
something happening (not a report's day, not a deadline), the day of an incident told nearby,
and the connectives and demonstratives that tie a sentence to the one before."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from corridor.news._dates import DateCue, find_dates
from corridor.news._rules import find_actions

_INCIDENT = re.compile(
    r"\b(?:attack\w*|struck|strike|drones?|storm\w*|fire|fires|blaze|explosion|exploded|blast|damag\w*|ran\s+aground|grounded|wedged|landslide|mine"
    r"|accidents?|collision|broke\s+down|breakdown|avalanche)\b"
    r"|(?<![а-яё])(?:атак\w*|атаковал\w*|удар\w*|беспилот\w*|бпла|шторм\w*|пожар\w*|загорел\w*|возгоран\w*|взрыв\w*|поврежд\w*|оползн\w*|обрушил\w*|авари\w*|лавин\w*)",
    re.IGNORECASE,
)

_INCIDENT_VERB = re.compile(
    r"\b(?:attacked|struck|hit|caught\s+fire|exploded|ran\s+aground|carried\s+out\s+(?:a\s+)?\W?(?:\w+\s+)?strike)\b"
    r"|(?<![а-яё])(?:атаковал\w*|атакован\w*|ударил\w*|загорел\w*|взорвал\w*|повредил\w*|сош[её]л|сошли|обрушил\w*)",
    re.IGNORECASE,
)

_DEADLINE_BEFORE = re.compile(r"(?:\b(?:by|dated|of)|(?<![а-яё])(?:до|от|к))\s+$", re.IGNORECASE)


def _event_days(text: str, s0: int, s1: int, published: dt.date) -> list[DateCue]:
    """The days a sentence gives for something happening: not the day of a report (unless the
    sentence tells of an attack or a fire: 'drones attacked the station, the company said on
    Monday'), not a deadline ('by April 25') nor the date of a document ('a ruling dated July 5')."""
    incident = _INCIDENT_VERB.search(text, s0, s1) is not None
    return [
        c
        for c in find_dates(text, s0, s1, published)
        if c.kind in ("start", "point") and c.day is not None and c.day <= published
        and (incident or not _reported_on(text, c.start, c.stop))
        and not _DEADLINE_BEFORE.search(text[max(s0, c.start - 8) : c.start])
    ]  # fmt: skip


_INCIDENT_REACH = 6  # sentences: a short item tells the strike, its victims and visitors, then the outage


def _incident_day(
    text: str,
    n: int,
    spans: Sequence[tuple[int, int]],
    days: Sequence[Sequence[DateCue]],
    action: str | None = None,
) -> DateCue | None:
    """The day of the nearest incident told elsewhere (before first) when the sentence itself
    speaks of an incident ('loading, halted after the night's attacks, resumed'), or told in the
    sentence just before or after: 'Drones attacked the terminal on 29 November. One mooring was
    damaged.' A sentence that tells the same action itself ('On Thursday the strait was closed
    after another ship ran aground') dates its own event, not this one."""
    own = _INCIDENT.search(text, *spans[n]) is not None  # 'halted after the attack': the attack's day
    for k in sorted(range(len(spans)), key=lambda k: (abs(k - n), k > n)):
        if k == n or len({d.day for d in days[k]}) != 1 or (not own and abs(k - n) > 1):
            continue
        if action is not None and any(c.action == action for c in find_actions(text, *spans[k])):
            continue
        if _INCIDENT.search(text, *spans[k]):
            return days[k][0]
    # 'On February 17 drones struck the station. ... The station is out of service.': the one
    # incident day the article gives, told before, dates a disruption told later
    told = [
        k for k in range(n) if len({d.day for d in days[k]}) == 1 and _INCIDENT_VERB.search(text, *spans[k]) is not None
    ]
    later = [k for k in range(n + 1, len(spans)) if days[k] and _INCIDENT.search(text, *spans[k])]
    if told and not later and len({days[k][0].day for k in told}) == 1 and n - told[0] <= _INCIDENT_REACH:
        return days[told[0]][0]
    return None


_DEMONSTRATIVE = re.compile(r"\W*(?:this|these|that|those|этот|эта|это|эти|этого|этой)\b", re.IGNORECASE)

_CONNECTIVE = re.compile(
    r"\W*(?:after\s+that|then|as\s+a\s+result|because\s+of\s+this|following\s+this|after\s+this"
    r"|после\s+этого|затем|в\s+результате|из-за\s+этого)\b",
    re.IGNORECASE,
)

_REPORTING = re.compile(
    r"\b(?:said|says|reported|announced|told|stated|added|confirmed)\b"
    r"|(?<![а-яё])(?:сообщил\w*|заявил\w*|рассказал\w*|отметил\w*|сообщает|заявляет|подтвердил\w*)",
    re.IGNORECASE,
)

_DATELINE = re.compile(r"(?:^|\n)[^\S\n]*[A-ZА-ЯЁ][\w\-. ]{1,30},[^\S\n]*$")

_REPORTED_AFTER = re.compile(
    r"\s+(?:said|reported|announced|told|сообщил\w*|заявил\w*|сообщает|рассказал\w*|подтвердил\w*)\b",
    re.IGNORECASE,
)


def _reported_on(text: str, start: int, stop: int | None = None) -> bool:
    """A date right after a verb of saying, within a few words, or in a dateline ('MOSCOW, December 2.
    /TASS/', 'Москва. 11 июля. INTERFAX.RU'): it dates the report."""
    before = text[max(0, start - 40) : start]
    if _DATELINE.search(before) or re.search(r"(?:^|\n)[^\S\n]*[A-ZА-ЯЁ][\w\-]+\.[^\S\n]*$", before):
        return True
    if stop is not None and _REPORTED_AFTER.match(text, stop):  # 'КТК 4 марта сообщил, что ...'
        return True
    hits = list(_REPORTING.finditer(before))
    return bool(hits) and len(before[hits[-1].end() :].split()) <= 3
