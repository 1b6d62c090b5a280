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
        if not _INCIDENT.search(text, *spans[k]):
            continue  # the cheap test first: finding the sentence's actions is the dearest pass
        if action is None or not any(c.action == action for c in find_actions(text, *spans[k])):
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

_BYLINE = re.compile(
    r"[^\S\n]*(?:By\s+[A-Z]|Published|Updated|Posted|Created|Last\s+updated|Опубликовано|Обновлено|Дата\s+публикации)",
)

_START_WORD = re.compile(
    r"(?:\b(?:from|since|starting(?:\s+on)?|as\s+of|effective)|(?<![а-яё])(?:с|со|начиная\s+с))\s+(?=\d|$)",
    re.IGNORECASE,
)
_AGENCY_AFTER = re.compile(r"[^\S\n]*\([^()\n]{2,40}\)[^\S\n]*[-–—]")  # a wire's dateline: '(IANS) -', '(Рейтер) -'
_REPORTED_AFTER = re.compile(
    r"\s+(?:said|reported|announced|told|сообщил\w*|заявил\w*|сообщает|рассказал\w*|подтвердил\w*)\b",
    re.IGNORECASE,
)


def _reported_on(text: str, start: int, stop: int | None = None) -> bool:
    """A date right after a verb of saying, within a few words, or in a dateline ('MOSCOW, December 2.
    /TASS/', 'Москва. 11 июля. INTERFAX.RU'): it dates the report."""
    before = text[max(0, start - 40) : start]
    if _START_WORD.search(before) or _START_WORD.match(text, start):
        return False  # 'сообщила, что с 21 января вернёт рейсы': a day something starts from dates no report
    if _BYLINE.match(text, text.rfind("\n", 0, start) + 1):  # 'By Staff Report in Business on 1 December 2023'
        return True
    if _DATELINE.search(before) or re.search(r"(?:^|\n)[^\S\n]*[A-ZА-ЯЁ][\w\-]+\.[^\S\n]*$", before):
        return True
    if stop is not None and _REPORTED_AFTER.match(text, stop):  # 'КТК 4 марта сообщил, что ...'
        return True
    if stop is not None and _AGENCY_AFTER.match(text, stop):  # '5 August 2025 (Lloyd's List) - THE SCA has ...'
        return True
    hits = list(_REPORTING.finditer(before))
    return bool(hits) and len(before[hits[-1].end() :].split()) <= 3


# an action told as a state that holds now: 'has been stopped', 'is closed', 'остановлена', 'закрыт'
_PRESENT = re.compile(
    r"\b(?:has|have)\s+(?:now\s+)?been\s+\w+|\b(?:is|are|remains?)\s+(?:now\s+|still\s+)?(?:being\s+)?\w+(?:ed|ing|wn|ut|pt)\b"
    r"|(?<![а-яё])(?<!был\s)(?<!была\s)(?<!было\s)(?<!были\s)(?<!будет\s)(?<!будут\s)"
    r"(?:при)?(?:остановлен|закрыт|прекращен|ограничен|возобновлен|заблокирован|перекрыт|парализован)[аоы]?(?![а-яё])",
    re.IGNORECASE,
)
_NOW = re.compile(
    r"\b(?:now|currently|at\s+present|at\s+the\s+moment)\b|(?<![а-яё])(?:сейчас|в\s+настоящее\s+время|на\s+данный\s+момент)(?![а-яё])",
    re.IGNORECASE,
)
_PAST_REPORT = re.compile(
    r"\b(?:said|reported|announced|told|stated|added|confirmed)\b"
    r"|(?<![а-яё])(?:сообщил\w*|заявил\w*|рассказал\w*|отметил\w*|подтвердил\w*|передал\w*)(?![а-яё])",
    re.IGNORECASE,
)
# a report of a state that holds now, printed the day it is made or the next ('сообщило в понедельник'); an older
# report ('КТК 4 марта сообщил, что отгрузка приостановлена', printed on 6 March) says when it was told, not since when
_FRESH_DAYS = 1
# 'Об этом вечером 29 июня сообщила пресс-служба': a sentence that only dates the report of the one before
_THIS_REPORTED = re.compile(r"\W*(?:[\w-]+\s+){0,4}?(?:об\s+этом|this\s+was|it\s+was)\b", re.IGNORECASE)


def told_now(
    text: str, clause: tuple[int, int], n: int, spans: Sequence[tuple[int, int]], published: dt.date
) -> tuple[dt.date, str] | None:
    """The day of the report that tells an action as a state that holds now: 'Shipping has been
    stopped, the agency said on Saturday', 'МОСКВА, 27 ноя (Рейтер) - Отгрузка остановлена,
    сообщило в понедельник ТАСС' (every day the sentence gives dates the report, and they agree);
    with no day of its own, the day of a report of it told next to it ('Об этом вечером 29 июня
    сообщила пресс-служба. «Движение остановлено»'); an action told in the past, the day of
    the report in the sentence after it ('... пришлось остановить. Об этом 29 июня сообщила ...').
    An undated state with no such report keeps an open day, as the corpus's analysts leave it."""
    s0, s1 = spans[n]
    present = _PRESENT.search(text, *clause) or _NOW.search(text, *clause)
    said = [
        c
        for c in find_dates(text, s0, s1, published)
        if c.kind in ("point", "start") and c.day is not None and c.day <= published
    ]
    if present is not None and said:
        by_verb = [
            c
            for c in said
            if _reported_on(text, c.start, c.stop) and not _DATELINE.search(text[max(0, c.start - 40) : c.start])
        ]
        fresh = said[0].day >= published - dt.timedelta(days=_FRESH_DAYS)  # type: ignore[operator]
        if (
            by_verb
            and fresh
            and all(_reported_on(text, c.start, c.stop) for c in said)
            and len({c.day for c in said}) == 1
        ):
            return said[0].day, text[by_verb[0].start : by_verb[0].stop]  # type: ignore[return-value]
        return None
    if said:
        return None
    # an undated state takes the day of a report told next to it; an action in the past, of the one after it
    for k in (n - 1, n + 1) if present is not None else (n + 1,):
        if 0 <= k < len(spans) and _THIS_REPORTED.match(text, spans[k][0]) and _PAST_REPORT.search(text, *spans[k]):
            days = [c for c in find_dates(text, *spans[k], published) if c.kind in ("point", "start") and c.day]
            if len({c.day for c in days}) == 1 and days[0].day <= published:  # type: ignore[operator]
                return days[0].day, text[days[0].start : days[0].stop]  # type: ignore[return-value]
    return None  # else the corpus's analysts leave the day open, and so does the reader


# 'It takes effect on 1 April.', 'Ограничение вступает в силу с 1 марта.': the day a measure told just before begins
_TAKES_EFFECT = re.compile(
    r"\b(?:takes?|took|will\s+take)\s+effect\b|\b(?:comes?|came|will\s+come)\s+into\s+force\b|\bbecomes?\s+effective\b"
    r"|(?<![а-яё])(?:вступа\w*|вступит|вступил\w*)\s+в\s+силу|(?<![а-яё])(?:начн[её]т|будет)\s+действовать",
    re.IGNORECASE,
)


def effective_day(
    text: str, n: int, spans: Sequence[tuple[int, int]], published: dt.date
) -> tuple[dt.date, str] | None:
    """The one day a sentence right after gives for when 'it takes effect', past or to come."""
    if n + 1 >= len(spans) or _TAKES_EFFECT.search(text, *spans[n + 1]) is None:
        return None
    days = [c for c in find_dates(text, *spans[n + 1], published) if c.kind in ("point", "start") and c.day]
    if len({c.day for c in days}) != 1:
        return None
    return days[0].day, text[days[0].start : days[0].stop]  # type: ignore[return-value]
