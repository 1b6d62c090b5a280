"""Dates, durations and open ends in an article, read against its publication date.

Rules (each tested in tests/news/test_dates.py):

- absolute days: '6 July 2022', 'July 6', '6 июля', '6 июля 2022 года', '29.12.2025', '2025-12-29';
  a day without a year takes the year that puts it nearest the publication date;
- relative days: today/сегодня, yesterday/вчера, the day before yesterday/позавчера,
  tomorrow/завтра, a weekday ('on Monday', 'в понедельник': the last one on or before the
  publication date);
- a start when 'from', 'since', 'starting', 'as of', 'effective', 'с', 'со', 'начиная с' come
  before the day; an end after 'until', 'till', 'through', 'до', 'по';
- durations after 'for', 'на', 'сроком на', 'within', 'в течение', 'take', 'last', or before
  'suspension', 'closure', ...: '30 days', '30 суток', 'a month' (30 days), 'a week', '48 hours'
  (2 days), ranges kept as ranges ('one-and-a-half to two months', 'полтора-два месяца' ->
  [45, 60]);
- an open end: 'until further notice', 'indefinitely', 'до особого распоряжения', 'до
  нормализации погодной обстановки', ...;
- a month or a year alone ('in March 2022', 'в 2021 году') dates nothing but tells how old
  the event is (see ``DateCue.kind == 'period'``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from corridor.news._text import future_verb, words

__all__ = ["DateCue", "find_dates", "told_as_future"]

_EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_RU_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8, "сентябр": 9,
    "октябр": 10, "ноябр": 11, "декабр": 12,
}  # fmt: skip
_EN_MONTH = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![a-z])\.?"  # not the start of a word: 'from Novorossiisk'
)
_RU_MONTH = (
    r"(?P<rmon>январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[яй]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья]"
    r"|янв|февр?|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек)"  # a wire's dateline: 'МОСКВА, 27 ноя (Рейтер)'
)
_RU_MONTH_IN = r"(?P<rmon>январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)"

_DAY_PATTERNS = [
    re.compile(rf"\b{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}(?:,?\s+{_YEAR})?\b"),
    re.compile(rf"\b{_EN_MONTH}\s+{_DAY}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR}\b)?"),
    re.compile(
        rf"\b{_DAY}(?:-?(?:го|е|ое))?\s+{_RU_MONTH}(?:\s+{_YEAR}(?:\s*(?:года|году|г\.))?)?(?![а-яё])", re.IGNORECASE
    ),  # '1-го марта'
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<mnum>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b"),
]
_RANGES = [
    re.compile(
        rf"(?<![а-яё])(?:с|со)\s+(?P<d1>[0-3]?\d)\s+(?:по|до)\s+(?P<d2>[0-3]?\d)\s+{_RU_MONTH}(?:\s+{_YEAR})?",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?P<d1>[0-3]?\d)\s+и\s+(?P<d2>[0-3]?\d)\s+{_RU_MONTH}(?:\s+{_YEAR})?", re.IGNORECASE),
    re.compile(
        rf"\b(?:from\s+)?(?P<d1>[0-3]?\d)(?:\s*(?:to|-|–|until|through)\s*|\s+and\s+)(?P<d2>[0-3]?\d)\s+{_EN_MONTH}(?:,?\s+{_YEAR})?"
    ),
    re.compile(
        rf"\b(?:from\s+)?{_EN_MONTH}\s+(?P<d1>[0-3]?\d)\s*(?:to|-|–|until|through)\s*(?P<d2>[0-3]?\d)\b(?:,?\s+{_YEAR})?"
    ),
]
# 'from Thursday to Friday', 'в ночь с четверга на пятницу': a night that begins the second day
_NIGHT = re.compile(
    r"\bfrom\s+(?P<en1>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+to\s+(?P<en2>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|(?<![а-яё])в\s+ночь\s+(?:(?:с|со)\s+(?P<ru1>понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья)\s+)?на\s+(?P<ru2>понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)",
    re.IGNORECASE,
)
# 'at midnight', 'с полуночи': the publication day (an article published in the small hours)
_MIDNIGHT = re.compile(
    r"\b(?:from\s+|since\s+)?(?:at\s+)?midnight\b(?!\s+on)|(?<![а-яё])(?:с\s+полуночи|в\s+полночь)", re.IGNORECASE
)
# a time of day with no day ('at about 7:30 local time', 'в 19:56'): like midnight, the publication day
_CLOCK = re.compile(
    r"\b(?P<en>at|from|since)\s+(?:about\s+|around\s+|approximately\s+)?[0-2]?\d[:.][0-5]\d"
    r"(?:\s*(?:a\.?m\.?|p\.?m\.?|hours|in\s+the\s+(?:morning|evening|afternoon)|(?:local|Moscow|Istanbul)\s+time|GMT|UTC))*"
    r"|(?<![а-яё])(?P<ru>в|с|около|примерно\s+в)\s+[0-2]?\d[:.][0-5]\d(?:\s*(?:мск|по\s+московскому\s+времени|по\s+местному\s+времени))?",
    re.IGNORECASE,
)
_PERIOD_PATTERNS = [
    re.compile(rf"\b(?:in|since|from|by|until|of|early|late|mid)[\s-]+(?:{_EN_MONTH}\s+)?{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_EN_MONTH}\s+{_YEAR}\b"),
    re.compile(rf"(?<![а-яё])(?:в\s+)?{_RU_MONTH_IN}\s+{_YEAR}", re.IGNORECASE),
    re.compile(rf"(?<![а-яё])(?:в|с|до|по|на)\s+{_YEAR}(?:[-–]{{1,2}}\w+)?\s+(?:год|г\.)", re.IGNORECASE),
    re.compile(rf"(?<![а-яё]){_RU_MONTH}\s+{_YEAR}", re.IGNORECASE),
]
# a month named without a year ('in January', 'в январе'): the latest such month up to the publication
_MONTH_ALONE = [
    re.compile(rf"\b(?:in|since|from|early|late|mid|during)[\s-]+{_EN_MONTH}(?!\.?\s*\d)", re.IGNORECASE),
    re.compile(rf"(?<![а-яё])(?:в|с|до)\s+{_RU_MONTH_IN}(?!\.?\s*\d)", re.IGNORECASE),
    re.compile(
        rf"(?<![а-яё])(?:в|к)\s+(?:конце|начале|середине|концу|началу|середине)\s+{_RU_MONTH}(?!\.?\s*\d)",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:at\s+the\s+)?(?:end|beginning|start|middle)\s+of\s+{_EN_MONTH}(?!\.?\s*\d)", re.IGNORECASE),
    re.compile(
        r"(?<![а-яё])(?P<radj>январск|февральск|мартовск|апрельск|майск|июньск|июльск|августовск|сентябрьск"
        r"|октябрьск|ноябрьск|декабрьск)\w*",
        re.IGNORECASE,
    ),
]
_RELATIVE = re.compile(
    r"\b(?P<rel>the day before yesterday|yesterday|today|tonight|this morning|this evening|overnight(?!\s+(?:on|into|to)\s+\w+day)|tomorrow"
    r"|позавчера|вчера|сегодня|завтра|накануне|к\s+утру|под\s+утро|этим\s+утром|(?:этой\s+|минувшей\s+|прошлой\s+)?ночью(?!\s+\d)"
    r"|the day before(?! yesterday))\b",
    re.IGNORECASE,
)
_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RU_WEEKDAYS = ("понедельник", "вторник", "сред", "четверг", "пятниц", "суббот", "воскресень")
_WEEKDAY = re.compile(
    r"(?:\b(?:on\s+|since\s+|from\s+|until\s+|last\s+|this\s+)?(?P<en>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
    r"|(?:(?<![а-яё])(?:в|во|с|со|до|к)\s+(?:(?:минувш|прошл|эт|нынешн)\w+\s+)?(?P<ru>понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)"
    r"|(?<![а-яё])(?:понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья)(?![а-яё]))",
    re.IGNORECASE,
)
_FUTURE_BEFORE = re.compile(  # 'would' too: the future of reported speech ('said it would cut fees from Thursday')
    r"\b(?:will|shall|would(?!\s+have)|is\s+to|are\s+to|is\s+going\s+to|are\s+going\s+to)\b"
    r"|(?<![а-яё])(?:будет|будут|закроет|закроют|откроет|откроют|возобновит|возобновят|приостановит|приостановят|остановит|остановят)(?![а-яё])",
    re.IGNORECASE,
)
_START_BEFORE = re.compile(
    r"(?:\b(?:from|since|between|starting(?:\s+(?:on|from))?|as of|effective(?:\s+from)?|beginning(?:\s+on)?)"
    r"|(?<![а-яё])(?:с|со|начиная\s+с|с\s+момента))\s+(?:the\s+)?(?:(?:\d{1,2}[:.]\d\d|\d{4}\s*(?:GMT|UTC)|midnight)\s*(?:часов|ч\.|мск|GMT|UTC|local\s+time)?\s*(?:on\s+)?)?$",
    re.IGNORECASE,
)
_END_BEFORE = re.compile(
    r"(?:\b(?:until|till|through|to|ending(?:\s+on)?)|(?<![а-яё])(?:до|по))\s+(?:the\s+)?$", re.IGNORECASE
)
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45,
    "sixty": 60, "ninety": 90, "one-and-a-half": 1.5, "one and a half": 1.5, "a couple of": 2,
    "один": 1, "одни": 1, "одну": 1, "одного": 1, "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "трёх": 3,
    "четыре": 4, "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "семь": 7, "десять": 10, "десяти": 10,
    "пятнадцать": 15, "двадцать": 20, "тридцать": 30, "тридцати": 30, "девяносто": 90, "полтора": 1.5,
    "полторы": 1.5, "полутора": 1.5, "шести": 6, "семи": 7, "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9,
    "одиннадцать": 11, "двенадцать": 12, "четырнадцать": 14, "сорок": 40, "шестьдесят": 60,
}  # fmt: skip
_NUM = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + ")"
_UNIT = r"(?P<unit>days?|weeks?|months?|hours?|сут(?:ки|ок)|дн(?:я|ей)|день|недел[юиья]|месяц(?:а|ев)?|час(?:а|ов)?)"
_DURATION = re.compile(
    rf"(?<![\w-])(?P<lo>{_NUM})(?:\s*(?:to|-|–|—|или)\s*(?P<hi>{_NUM}))?[\s-]*{_UNIT}(?![а-яёa-z])",
    re.IGNORECASE,
)
_BARE_UNIT = re.compile(
    r"(?<![\w-])(?:a|an|one|на|one-?)\s*(?P<unit>day|week|month|сутки|неделю|месяц)\b", re.IGNORECASE
)
_DURATION_BEFORE = re.compile(
    r"(?:\b(?:for|within|in|over|lasting|last|lasts|take|takes|taking|need|needs|up to|of)"
    r"|(?<![а-яё])(?:на|сроком\s+на|в\s+течение|за|займет|займёт|продлится|около|до))\s+(?:the\s+)?(?:next\s+|about\s+|around\s+|ближайш\w+\s+)?$",
    re.IGNORECASE,
)
_DURATION_AFTER = re.compile(
    r"^[\s-]*(?:long\s+)?(?:suspension|closure|halt|shutdown|ban|stoppage|break|outage|pause|repair|приостанов|закрыт|остановк|запрет|ремонт)",
    re.IGNORECASE,
)
_MONTH_LONG = re.compile(r"\b(?P<unit>month|week|day)-long\b|(?<![а-яё])(?P<ru>месячн|недельн)\w*", re.IGNORECASE)
_OPEN_END = re.compile(
    r"\buntil further notice\b|\bindefinite(?:ly)?\b|\bfor an indefinite period\b|\bwith no (?:end|timeline|date) (?:date )?(?:set|given)\b"
    r"|\buntil (?:the )?(?:weather|conditions|storm)\b[\w\s]{0,30}?\b(?:improve|normali[sz]e|subside|end)s?\b"
    r"|(?<![а-яё])до\s+(?:особого\s+распоряжения|дальнейшего\s+уведомления|особого\s+уведомления|нормализации|улучшения|стабилизации|снятия|отмены|окончания|завершения|устранения)"
    r"|(?<![а-яё])на\s+неопредел[её]нный\s+срок|(?<![а-яё])бессрочно",
    re.IGNORECASE,
)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "h": 1 / 24, "с": 1, "н": 7, "ч": 1 / 24}


@dataclass(frozen=True)
class DateCue:
    """A date, duration or open end found in the text.

    ``kind``: 'start', 'end' or 'point' (a day, with ``day``); 'duration' (``days`` an int or a
    (low, high) range); 'open_end'; 'period' (a month or year alone, with ``day`` its first day
    and ``last`` its last).
    """

    kind: str
    start: int
    stop: int
    day: dt.date | None = None
    days: int | tuple[int, int] | None = None
    last: dt.date | None = None


def find_dates(text: str, start: int, stop: int, published: dt.date) -> list[DateCue]:
    """Every date cue in ``text[start:stop]``, in text order, overlaps resolved to the longest.

    Examples
    --------
    >>> t = "Суд приостановил работу КТК с 6 июля на 30 суток"
    >>> [(c.kind, c.day or c.days, t[c.start:c.stop]) for c in find_dates(t, 0, len(t), dt.date(2022, 7, 7))]
    [('start', datetime.date(2022, 7, 6), '6 июля'), ('duration', 30, '30 суток')]
    """
    cues: list[DateCue] = []
    for pattern in _DAY_PATTERNS:
        for m in pattern.finditer(text, start, stop):
            day = _day(m, published, future=told_as_future(text, max(start, m.start() - 80), m.start()))
            if day is not None:
                cues.append(DateCue(_role(text, m.start(), start), m.start(), m.end(), day=day))
    for m in (m for p in _RANGES for m in p.finditer(text, start, stop)):
        first, last = _range(m, published)
        if first is not None and last is not None:
            cues.append(DateCue("start", m.start(), m.end(), day=first, last=last))
    for m in _NIGHT.finditer(text, start, stop):
        name = (m.group("en2") or m.group("ru2")).lower()
        index = next((i for i, w in enumerate(_EN_WEEKDAYS) if name.startswith(w)), None)
        if index is None:
            index = next(i for i, w in enumerate(_RU_WEEKDAYS) if name.startswith(w))
        day = _weekday(index, published, future=told_as_future(text, max(start, m.start() - 120), m.start()))
        cues.append(DateCue("start", m.start(), m.end(), day=day))
    for m in _MIDNIGHT.finditer(text, start, stop):
        cues.append(DateCue("start", m.start(), m.end(), day=published))
    for m in _CLOCK.finditer(text, start, stop):
        head = (m.group("en") or m.group("ru") or "").lower()
        cues.append(DateCue("start" if head in ("from", "since", "с") else "point", m.start(), m.end(), day=published))
    for m in _RELATIVE.finditer(text, start, stop):
        word = m.group("rel").lower()
        shift = {
            "yesterday": -1,
            "вчера": -1,
            "the day before yesterday": -2,
            "позавчера": -2,
            "tomorrow": 1,
            "завтра": 1,
            "накануне": -1,
            "the day before": -1,
        }
        cues.append(
            DateCue(_role(text, m.start(), start), m.start(), m.end(), day=published + dt.timedelta(shift.get(word, 0)))
        )
    for m in _WEEKDAY.finditer(text, start, stop):
        name = (m.group("en") or m.group("ru") or m.group()).lower()
        index = next((i for i, w in enumerate(_EN_WEEKDAYS) if name.startswith(w)), None)
        if index is None:
            index = next(i for i, w in enumerate(_RU_WEEKDAYS) if name.startswith(w))
        day = _weekday(index, published, future=told_as_future(text, max(start, m.start() - 80), m.start()))
        cues.append(DateCue(_role(text, m.start(), start, m.group()), m.start(), m.end(), day=day))
    for pattern in _PERIOD_PATTERNS:
        for m in pattern.finditer(text, start, stop):
            first, last = _period(m)
            cues.append(DateCue("period", m.start(), m.end(), day=first, last=last))
    for pattern in _MONTH_ALONE:
        for m in pattern.finditer(text, start, stop):
            first, last = _month_alone(m, published)
            cues.append(DateCue("period", m.start(), m.end(), day=first, last=last))
    # 'on Thursday at midnight', 'в 00:00 мск 26 ноября': the day named gives the day, not the publication
    days = [c for c in cues if c.kind in ("start", "point", "end") and c.day is not None]
    cues = [
        c
        for c in cues
        if not (
            (_MIDNIGHT.fullmatch(text, c.start, c.stop) or _CLOCK.fullmatch(text, c.start, c.stop))
            and any(abs(o.start - c.stop) < 25 or abs(c.start - o.stop) < 25 for o in days if o is not c)
        )
    ]
    # 'will close from midnight on Thursday', 'on Thursday at midnight': announced, the midnight that ends the
    # day, so the next one; told afterwards ('closed from midnight on Friday'), the midnight that began it
    cues = [
        replace(c, day=c.day + dt.timedelta(days=1))
        if c.day is not None
        and c.day > published
        and c.kind in ("start", "point")
        and (_MIDNIGHT_ON.search(text, max(0, c.start - 20), c.start) or _AT_MIDNIGHT.match(text, c.stop))
        else c
        for c in cues
    ]
    for m in _UNTIL_MONTH_END.finditer(text, start, stop):  # 'until the end of June', 'до конца месяца'
        cues.append(DateCue("end", m.start(), m.end(), day=_month_end(m, published)))
    for m in _NTH_DAY.finditer(text, start, stop):  # 'уже второй день', 'for a third day': it began n - 1 days ago
        n = _ORDINALS[(m.group("ru") or m.group("en")).lower()[:4]]
        cues.append(DateCue("start", m.start(), m.end(), day=published - dt.timedelta(days=n - 1)))
    cues.extend(_durations(text, start, stop))
    cues.extend(DateCue("open_end", m.start(), m.end()) for m in _OPEN_END.finditer(text, start, stop))
    return _longest(cues)


_UNTIL_MONTH_END = re.compile(
    rf"\b(?:until|till|through|to)\s+the\s+end\s+of\s+(?:{_EN_MONTH}|the\s+month)"
    rf"|(?<![а-яё])до\s+конца\s+(?:{_RU_MONTH}|месяца|текущего\s+месяца)(?![а-яё])",
    re.IGNORECASE,
)


def _month_end(m: re.Match[str], published: dt.date) -> dt.date:
    """The last day of the month named (the next one on or after publication), or of the publication's."""
    month = _month(m.groupdict()) or published.month
    year = published.year + (month < published.month)
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


_NTH_DAY = re.compile(
    r"(?<![а-яё])(?:уже\s+|на\s+)?(?P<ru>втор|трет|четв[её]рт|пят)\w*\s+(?:день|сутки)\s*(?:подряд)?(?![а-яё])"
    r"|\bfor\s+(?:a|the)\s+(?P<en>second|third|fourth|fifth)\s+(?:straight\s+|consecutive\s+)?day\b",
    re.IGNORECASE,
)
_ORDINALS = {"втор": 2, "трет": 3, "четв": 4, "пят": 5, "seco": 2, "thir": 3, "four": 4, "fift": 5}


_MIDNIGHT_ON = re.compile(r"\bmidnight\s+(?:on\s+)?$", re.IGNORECASE)
_AT_MIDNIGHT = re.compile(r"\s+at\s+midnight\b", re.IGNORECASE)


def _range(m: re.Match[str], published: dt.date) -> tuple[dt.date | None, dt.date | None]:
    groups = m.groupdict()
    month = _month(groups)
    assert month is not None  # every range pattern names its month
    d1, d2 = int(groups["d1"]), int(groups["d2"])
    if d2 < d1:
        return None, None
    year = int(groups["year"]) if groups.get("year") else None
    if year is None:
        options = [y for y in (published.year - 1, published.year, published.year + 1) if _safe_date(y, month, d1)]
        year = min(options, key=lambda y: abs((dt.date(y, month, d1) - published).days))
    return _safe_date(year, month, d1), _safe_date(year, month, d2)


def _role(text: str, at: int, floor: int, matched: str = "") -> str:
    head = matched.lower().split()[0] if matched.strip() else ""
    if head in ("since", "from", "с", "со"):
        return "start"
    if head in ("until", "до"):
        return "end"
    before = text[max(floor, at - 24) : at]
    if _START_BEFORE.search(before):
        return "start"
    if _END_BEFORE.search(before):
        return "end"
    return "point"


def _day(m: re.Match[str], published: dt.date, *, future: bool = False) -> dt.date | None:
    """A day and month without a year: the nearest such day to publication; told as to come ('will
    raise tolls from January 1', 'повысит сборы с 1 января'), the first on or after publication."""
    groups = m.groupdict()
    month = _month(groups) or int(groups["mnum"])
    day = int(groups["day"])
    if groups.get("year"):
        return _safe_date(int(groups["year"]), month, day)
    options = [d for y in (published.year - 1, published.year, published.year + 1) if (d := _safe_date(y, month, day))]
    if future:
        options = [d for d in options if d >= published] or options
    return min(options, key=lambda d: (abs((d - published).days), d > published)) if options else None


def _weekday(index: int, published: dt.date, *, future: bool) -> dt.date:
    """The day a weekday names (Monday 0): told as to come ('will close the border on Thursday'),
    the first such day after publication; else ('on Monday', 'в понедельник') the last on or before it."""
    if future:
        return published + dt.timedelta(days=(index - published.weekday()) % 7 or 7)
    return published - dt.timedelta(days=(published.weekday() - index) % 7)


def told_as_future(text: str, start: int, stop: int) -> bool:
    """``text[start:stop]`` tells what is to come: 'will', 'is to', reported 'would', or a Russian
    verb in the future tense, whatever its lemma ('снизит', 'закроют', 'будет', 'заработают').

    >>> told_as_future("Администрация снизит сборы ", 0, 27), told_as_future("Администрация снизила сборы ", 0, 28)
    (True, False)
    """
    return _FUTURE_BEFORE.search(text, start, stop) is not None or any(
        future_verb(t.text) for t in words(text, start, stop)
    )


def _month(groups: Mapping[str, str | None]) -> int | None:
    """The month a date pattern names: English ('mon'), a Russian noun in any case or abbreviated
    ('rmon') or a Russian adjective ('radj', 'майские'); None when it names none (a number, 'the month').

    >>> _month({"mon": "Sept."}), _month({"rmon": "ноя"}), _month({"radj": "майских"}), _month({"mnum": "05"})
    (9, 11, 5, None)
    """
    if groups.get("mon"):
        key = str(groups["mon"]).lower()
        return _EN_MONTHS[key[:4] if key.startswith("sept") else key[:3]]
    if groups.get("rmon"):
        return _ru_month(str(groups["rmon"]))
    if groups.get("radj"):
        return _RU_ADJECTIVE_MONTHS.index(str(groups["radj"]).lower()[:4]) + 1
    return None


def _ru_month(word: str) -> int:
    """The month of a Russian month name in any case, or of its abbreviation ('ноя', 'сент')."""
    word = word.lower()
    if word.startswith("ма") and not word.startswith("мар"):
        return 5
    return next(n for stem, n in _RU_MONTHS.items() if stem != "ма" and stem[:3] == word[:3])


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_RU_ADJECTIVE_MONTHS = ["янва", "февр", "март", "апре", "майс", "июнь", "июль", "авгу", "сент", "октя", "нояб", "дека"]


def _month_alone(m: re.Match[str], published: dt.date) -> tuple[dt.date, dt.date]:
    """A month without a year: the latest one that began on or before the publication date."""
    month = _month(m.groupdict())
    assert month is not None  # every pattern of a month alone names its month
    year = published.year if month <= published.month else published.year - 1
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _period(m: re.Match[str]) -> tuple[dt.date, dt.date]:
    groups = m.groupdict()
    year = int(groups["year"])
    month = _month(groups)
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _number(word: str) -> float | None:
    word = word.lower().strip()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    try:
        return float(word.replace(",", "."))
    except ValueError:
        return None


def _unit_days(unit: str) -> float:
    unit = unit.lower()
    if unit.startswith(("day", "сут", "дн", "ден")):
        return 1
    if unit.startswith(("week", "недел")):
        return 7
    if unit.startswith(("month", "месяц")):
        return 30
    return 1 / 24


def _durations(text: str, start: int, stop: int) -> list[DateCue]:
    out = []
    for m in _DURATION.finditer(text, start, stop):
        before = text[max(start, m.start() - 30) : m.start()]
        after = text[m.end() : min(stop, m.end() + 20)]
        if not (_DURATION_BEFORE.search(before) or _DURATION_AFTER.match(after)):
            continue
        lo = _number(m.group("lo"))
        hi = _number(m.group("hi")) if m.group("hi") else None
        if lo is None:
            continue
        per = _unit_days(m.group("unit"))
        low = _whole_days(lo * per)
        if hi is not None and hi > lo:
            out.append(DateCue("duration", m.start(), m.end(), days=(low, _whole_days(hi * per))))
        else:
            out.append(DateCue("duration", m.start(), m.end(), days=low))
    for m in _BARE_UNIT.finditer(text, start, stop):
        before = text[max(start, m.start() - 30) : m.start()]
        if m.group().lower().startswith("на") or _DURATION_BEFORE.search(before):
            out.append(DateCue("duration", m.start(), m.end(), days=_whole_days(_unit_days(m.group("unit")))))
    for m in _MONTH_LONG.finditer(text, start, stop):
        unit = (m.group("unit") or m.group("ru") or "").lower()
        days = 30 if unit.startswith(("month", "месяч")) else 7 if unit.startswith(("week", "недел")) else 1
        out.append(DateCue("duration", m.start(), m.end(), days=days))
    return out


def _whole_days(days: float) -> int:
    whole = int(days)
    return max(1, whole + (days - whole > 1e-9))


def _longest(cues: list[DateCue]) -> list[DateCue]:
    kept: list[DateCue] = []
    for cue in sorted(cues, key=lambda c: (-(c.stop - c.start), c.start)):
        if not any(cue.start < k.stop and k.start < cue.stop for k in kept):
            kept.append(cue)
    return sorted(kept, key=lambda c: c.start)
