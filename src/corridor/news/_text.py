"""Text helpers: language, sentences, clauses and word tokens with their places in the article.

Every span is a (start, stop) pair of character offsets into the article as given, so any
quote cut from it is an exact substring. Russian words get their lemmas from pymorphy3
(loaded once, on first use); English words a lower-case form and a form without a plural 's'.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Token", "clauses", "detect_language", "future_verb", "sentences", "word_forms", "words"]

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# where a sentence breaks into clauses whose status (new, negated, conditional) can differ
_CLAUSE_BREAK = re.compile(
    r";|:\s|\s[—–]\s(?!(?:[\w-]+\s?){1,3}(?:[.!?,;\n]|$))|,\s*(?:but|while|whereas|however|although|though|and|а|но|однако|хотя|тогда как|при этом|и)\s"
    r"|\s(?:but|however)\s",
    re.IGNORECASE,
)
_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "Ø": "O", "ß": "ss", "ё": "е", "Ё": "Е"})


@dataclass(frozen=True)
class Token:
    """A word of the article: its text, where it is, and the forms it may stand for."""

    text: str
    start: int
    stop: int
    forms: frozenset[str]

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


def detect_language(text: str) -> str:
    """'ru' when most letters are Cyrillic, else 'en'.

    Examples
    --------
    >>> detect_language("Суд приостановил работу КТК"), detect_language("CPC halts loadings")
    ('ru', 'en')
    """
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    return "ru" if cyrillic > latin else "en"


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (razdel), each a (start, stop) pair of offsets into ``text``.

    Examples
    --------
    >>> text = "КТК остановил отгрузку. Baku port is open."
    >>> [text[a:b] for a, b in sentences(text)]
    ['КТК остановил отгрузку.', 'Baku port is open.']
    >>> text = "A headline\\nA long line of a paragraph that the page has wrapped at its edge\\nends here."
    >>> [text[a:b] for a, b in sentences(text)]
    ['A headline', 'A long line of a paragraph that the page has wrapped at its edge\\nends here.']
    >>> text = "Loading stopped on Feb. 19 because of the storm. Capt. Smith said so."
    >>> [text[a:b] for a, b in sentences(text)]
    ['Loading stopped on Feb. 19 because of the storm.', 'Capt. Smith said so.']
    """
    from razdel import sentenize

    spans: list[tuple[int, int]] = []
    for unit0, unit1 in _units(text):
        for s in sentenize(text[unit0:unit1]):
            a, b = unit0 + s.start, unit0 + s.stop
            if spans and _continues(text, spans[-1], a):
                spans[-1] = (spans[-1][0], b)  # 'on Feb. 19', 'Capt. Smith': an abbreviation ends no sentence
            else:
                spans.append((a, b))
    return spans


# an abbreviation's full stop: a month before its day ('Feb. 19'), a title before a name ('Capt. Smith')
_MONTH_DOT = r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|(?<![а-яё])(?:янв|февр?|апр|авг|сент?|окт|нояб?|дек))\.$"
_TITLE_DOT = r"\b(?:Capt|Adm|Gen|Col|Lt|Mr|Mrs|Ms|Dr|Mt|No|Nos|approx|vs)\.$"
_ABBREVIATION_END = re.compile(rf"(?P<month>{_MONTH_DOT})|{_TITLE_DOT}", re.IGNORECASE)


def _continues(text: str, previous: tuple[int, int], at: int) -> bool:
    end = _ABBREVIATION_END.search(text, *previous)
    if end is None:
        return False
    return bool(re.match(r"\d" if end.group("month") else r"[\dA-ZА-ЯЁ]", text[at : at + 1]))


_LINE_END = re.compile(r"[.!?…:;»\"”)]\s*$")


def _units(text: str) -> list[tuple[int, int]]:
    """Runs of lines read as one text: a line that ends a sentence, or a short one (a headline),
    ends its run; a long line that does not is a paragraph the page wrapped."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for m in re.finditer(r"[^\n]+", text):
        if start is None:
            start = m.start()
        line = m.group()
        nxt = text[m.end() : m.end() + 2]
        wrapped = (
            len(line.strip()) >= 60 and not _LINE_END.search(line) and nxt[:1] == "\n" and nxt[1:2] not in ("\n", "")
        )
        if not wrapped:
            out.append((start, m.end()))
            start = None
    if start is not None:
        out.append((start, len(text)))
    return out


def clauses(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """The clauses of the sentence ``text[start:stop]``: split at ';', ' — ', ', but', ', а', ...

    Examples
    --------
    >>> s = "Loading stopped, but the pipeline works"
    >>> [s[a:b] for a, b in clauses(s, 0, len(s))]
    ['Loading stopped', 'but the pipeline works']
    """
    out: list[tuple[int, int]] = []
    at = start
    for m in _CLAUSE_BREAK.finditer(text, start, stop):
        out.append((at, m.start()))
        mark = m.group()
        if mark.startswith(","):
            at = m.start() + 1  # the conjunction opens the next clause
        elif mark.strip() in (";", ":", "—", "–"):
            at = m.end()
        else:
            at = m.start()
    out.append((at, stop))
    return [(a + _lead(text[a:b]), b) for a, b in out if text[a:b].strip()]


def _lead(part: str) -> int:
    return len(part) - len(part.lstrip())


def fold(text: str) -> str:
    """Lower case without accents ('Małaszewicze' -> 'malaszewicze', 'ё' -> 'е'; 'й' stays)."""
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS).replace("й", "\ue000").replace("Й", "\ue000"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().replace("\ue000", "й")


def words(text: str, start: int = 0, stop: int | None = None) -> list[Token]:
    """Word tokens of ``text[start:stop]``; hyphenated words split ('КТК-Р' is 'КТК', 'Р').

    Examples
    --------
    >>> [(t.text, sorted(t.forms)) for t in words("Каспийского консорциума")]
    [('Каспийского', ['каспийский', 'каспийского']), ('консорциума', ['консорциум', 'консорциума'])]
    """
    stop = len(text) if stop is None else stop
    return [Token(m.group(), m.start(), m.end(), word_forms(m.group())) for m in _WORD.finditer(text, start, stop)]


@functools.lru_cache(maxsize=65536)
def word_forms(word: str) -> frozenset[str]:
    """The forms a word may stand for: folded, its lemmas (Russian) or singular (English)."""
    folded = fold(word)
    forms = {folded}
    if _CYRILLIC.search(folded):
        forms.update(p.normal_form.replace("ё", "е") for p in _morph().parse(folded))
    elif len(folded) > 3 and folded.endswith("s") and not folded.endswith("ss"):
        forms.add(folded[:-1])
        if folded.endswith("ies"):
            forms.add(folded[:-3] + "y")
    return frozenset(forms)


@functools.lru_cache(maxsize=65536)
def future_verb(word: str) -> bool:
    """A Russian verb in the future tense in its likeliest reading ('закроют', 'снизит', 'будет'):
    a perfective verb's present form, which the stem lists of the rules cannot tell from the past.

    >>> future_verb("заработают"), future_verb("заработали"), future_verb("will"), future_verb("Напомним")
    (True, False, False, False)
    """
    folded = fold(word)
    if not _CYRILLIC.search(folded):
        return False
    tag = _morph().parse(folded)[0].tag
    return tag.POS == "VERB" and "futr" in tag and "3per" in tag  # not 'напомним', 'отметим': the writer's aside


@functools.cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def iter_matches(pattern: re.Pattern[str], text: str, start: int, stop: int) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` inside ``text[start:stop]`` (offsets into the whole text)."""
    yield from pattern.finditer(text, start, stop)
