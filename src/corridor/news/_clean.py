"""An article as it comes (plain text, text with YAML front matter, an HTML page) to the text the
rules read: page furniture out, a paragraph printed twice kept once, a sentence cut off at the end
dropped.

Cleaning only drops whole lines and the unfinished tail of the last one, so every quote the
reader takes from the cleaned text is also an exact substring of the article as given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import yaml

from corridor.errors import RequestError

__all__ = ["Article", "clean_text", "html_to_text", "parse_article"]

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<head>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HTML = re.compile(r"\A\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
# lines a page wraps around an article: menus, share and subscribe buttons, tags, captions,
# 'read also' links to other stories (with their own dates), view counters, comment prompts
_FURNITURE = re.compile(
    r"^\s*(?:"
    r"(?:читайте|читать)\s+(?:также|тоже|по\s+теме|далее|полностью|inosmi|нас|в\b)|read\s+(?:also|more|next)|see\s+also|related\b"
    r"|also\s+read|more\s+on\s+this|latest(?:\s+news)?\b|most\s+read|recommended|больше\s+новостей|все\s+новости|новости\s+дня"
    r"|последние\s+новости|главное|другие\s+новости|по\s+теме|ещё\s+по\s+теме|еще\s+по\s+теме"
    r"|подпис\w+|subscribe|follow\s+us|поделит\w+|share\b|tweet\b|tell\s+a\s+friend|нашли\s+опечатку|если\s+вы\s+обнаружили"
    r"|теги?\s*:|tags?\s*:|фото\s*:|photo\s*:|image\s+source|images?\s*\||источник\s*:|source\s*:|©|\(c\)"
    r"|реклама\b|advertisement|комментари\w*\s*\(|все\s+комментарии|оставьте\s+ответ|leave\s+a\s+(?:reply|comment)"
    r"|watch\s+the\s+video|материал\s+дополняется|developing\s+story|original\s+author|автор\s*:|текст\s*:"
    r"|регистрация\s+пройдена|пожалуйста,\s+перейдите|система\s+orphus|the\s+full\s+post"
    r"|смотрите\s+также|см\.\s+также|you\s+may\s+also|more\s+news|popular\b|популярное|лента\s+новостей"
    r")",
    re.IGNORECASE,
)
_END_MARK = re.compile(r"[.!?…»\"”)](?:\s*)$")
_SENTENCE_END = re.compile(r"[.!?…](?:[»\"”)]+)?(?=\s|$)")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@dataclass(frozen=True)
class Article:
    """What a file held: the article's text and what its front matter or page said of it."""

    text: str
    published: dt.date | None = None
    source: str | None = None
    title: str | None = None
    kind: str = "text"  # text, front-matter or html


def parse_article(raw: str, *, name: str = "article") -> Article:
    """Split what a file holds into the article and its metadata: YAML front matter
    (``published:``, ``source:``, ``title:``) or an HTML page (read with trafilatura).

    Raises
    ------
    RequestError
        Front matter that is not YAML or whose ``published`` is not a date; an HTML page in which
        no article text is found.

    Examples
    --------
    >>> a = parse_article("---\\npublished: 2025-12-30\\nsource: https://example.org/a\\n---\\nКТК остановил отгрузку.")
    >>> a.published, a.source, a.text, a.kind
    (datetime.date(2025, 12, 30), 'https://example.org/a', 'КТК остановил отгрузку.', 'front-matter')
    """
    m = _FRONT.match(raw)
    if m is not None:
        try:
            meta = yaml.safe_load(m.group("head")) or {}
        except yaml.YAMLError as err:
            raise RequestError(
                f"{name}: its front matter is not YAML ({err}); expected 'published:', 'source:'"
            ) from None
        if not isinstance(meta, dict):
            raise RequestError(f"{name}: its front matter is {type(meta).__name__}; expected 'key: value' lines")
        published = _date(meta.get("published"), name)
        body = raw[m.end() :]
        return Article(body, published, _str(meta.get("source")), _str(meta.get("title")), "front-matter")
    if _HTML.match(raw) or ("<p" in raw[:5000].lower() and "</" in raw[:20000]):
        text, published, title, source = html_to_text(raw, name=name)
        return Article(text, published, source, title, "html")
    return Article(raw)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _date(value: object, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise RequestError(f"{name}: 'published' is {value!r}; expected a date as YYYY-MM-DD") from None


def html_to_text(html: str, *, name: str = "page") -> tuple[str, dt.date | None, str | None, str | None]:
    """The main text of an HTML page (trafilatura), with its date, title and address when the page gives them.

    Raises
    ------
    RequestError
        When the page holds no article text.
    """
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or len(_WORD.findall(text)) < 8:
        raise RequestError(f"{name}: no article text found in the HTML page; expected a page with a news article")
    meta = trafilatura.extract_metadata(html)
    published = None
    if meta is not None and meta.date:
        try:
            published = dt.date.fromisoformat(str(meta.date)[:10])
        except ValueError:
            published = None
    title = meta.title if meta is not None else None
    url = meta.url if meta is not None else None
    return text, published, title, url


def clean_text(text: str) -> str:
    """The article without page furniture, repeated paragraphs and an unfinished last sentence.

    A line is furniture when it starts as a menu, share, tag, caption or 'read also' line does, or
    when it is short (four words or fewer) and does not end a sentence. A paragraph seen before
    (same words) is dropped. When the text stops mid-sentence, the unfinished sentence goes.

    Examples
    --------
    >>> t = "Главная | Новости\\nКТК остановил отгрузку.\\n\\nКТК остановил отгрузку.\\nЧитайте также: Курс доллара\\nЭто было 5 ию"
    >>> clean_text(t)
    'КТК остановил отгрузку.'
    >>> clean_text("CPC halts loadings at its terminal\\n\\nFirst line of a paragraph that the page\\nwrapped in two.")
    'CPC halts loadings at its terminal\\n\\nFirst line of a paragraph that the page\\nwrapped in two.'
    """
    paragraphs: list[list[str]] = [[]]
    seen: set[str] = set()
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or _is_furniture(stripped):
            if paragraphs[-1]:
                paragraphs.append([])  # a blank or dropped line ends the paragraph
            continue
        key = " ".join(w.casefold() for w in _WORD.findall(stripped))
        if key in seen:
            continue
        seen.add(key)
        paragraphs[-1].append(stripped)
    kept = [p for p in paragraphs if p]
    while kept and not _END_MARK.search(kept[-1][-1]):
        last = kept[-1][-1]
        ends = list(_SENTENCE_END.finditer(last))
        if ends:  # keep the finished sentences of a paragraph cut off mid-sentence
            kept[-1][-1] = last[: ends[-1].end()]
            break
        kept[-1].pop()
        if not kept[-1]:
            kept.pop()
    return "\n\n".join("\n".join(p) for p in kept)


# a link to another story: a short line that ends with that story's date in brackets, 'Курс валют (12.03.2024)'
_LINK_DATE = re.compile(r"\((?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}\s+\w+\s+\d{4})(?:,?\s*\d{1,2}:\d\d)?\)\s*$")
_LINK_CHARS = 160


def _is_furniture(line: str) -> bool:
    if _FURNITURE.match(line) or (len(line) <= _LINK_CHARS and _LINK_DATE.search(line)):
        return True
    words = _WORD.findall(line)
    if len(words) <= 4 and not _END_MARK.search(line):
        return True
    # a line of separators and links: 'Главная | Новости | Экономика', 'News > Europe'
    return line.count("|") + line.count(">") + line.count("/") >= 2 and not _SENTENCE_END.search(line)
