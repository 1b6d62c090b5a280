"""Where articles come from: text files (with YAML front matter), folders, RSS/Atom feeds, web pages.

:func:`read_sources` turns what a user names on the command line into :class:`RawArticle`
records: the article's text, its publication date when something states it (the front matter,
the feed entry, the page's own metadata), its source address and title. Nothing is read twice
here and nothing is stored: that is :mod:`corridor.news._monitor`'s job.

A source named by the user that cannot be read (no such file, a feed that is not XML, a page
that answers 404, a page that is not UTF-8 and names no other charset) is refused with a
:class:`~corridor.errors.RequestError` naming it. An article a feed links to that cannot be
fetched is skipped with the reason, so one dead link does not stop a feed.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import yaml

from corridor.errors import RequestError

__all__ = ["FETCH_TIMEOUT_S", "RawArticle", "SkippedArticle", "parse_front_matter", "read_sources"]

FETCH_TIMEOUT_S = 20.0
"""How long one page or feed may take to answer before it is refused."""
MAX_PAGE_BYTES = 2_000_000
"""The largest page or file read as one article (the reader's own limit)."""
MIN_PAGE_TEXT_CHARS = 80
"""A page whose main text is shorter than one sentence of news (a menu, a headline) holds no article."""
_TEXT_SUFFIXES = frozenset({".md", ".txt", ".text"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})
_FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<head>.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
_XML_START = re.compile(rb"\A(\xef\xbb\xbf)?\s*<(\?xml|rss|feed|rdf:RDF)\b")
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class RawArticle:
    """One article as read, before the monitor looks at it.

    ``source`` is its address (the front matter's ``source``, the page's URL or the file's
    path); ``origin`` what the user named (the folder, the feed, the file); ``published`` is
    None when nothing states the date (the monitor puts such an article under review).
    """

    text: str
    source: str
    origin: str
    published: dt.date | None
    title: str = ""
    dated_by: str = ""  # front matter, feed, page, or "" when undated


@dataclass(frozen=True)
class SkippedArticle:
    """An article a feed names that could not be read, with the reason."""

    source: str
    origin: str
    reason: str


def read_sources(sources: Iterable[str | Path]) -> tuple[list[RawArticle], list[SkippedArticle]]:
    """Every article the sources hold, in the order named (a folder's files sorted by name).

    Parameters
    ----------
    sources
        Files (text with optional YAML front matter, HTML, RSS/Atom), folders of them, or
        ``http(s)://`` addresses of feeds or pages.

    Returns
    -------
    tuple
        The articles read, and the feed entries that could not be read (with the reason).

    Raises
    ------
    RequestError
        A source named here that cannot be read, naming it and what was expected.

    Examples
    --------
    >>> read_sources(["no-such-folder"])
    Traceback (most recent call last):
    ...
    corridor.errors.RequestError: no-such-folder: no such file or folder; expected an article, a folder, a feed or an http(s) address
    """
    articles: list[RawArticle] = []
    skipped: list[SkippedArticle] = []
    for source in sources:
        name = str(source)
        if re.match(r"https?://", name):
            body, headers = fetch(name)
            if _looks_like_feed(body, headers.get_content_type()):
                _feed(body, name, articles, skipped)
            else:
                articles.append(_page(body, headers, name, name))
            continue
        path = Path(name)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _ALL_SUFFIXES)
            for file in files:
                _file(file, name, articles, skipped)
        elif path.is_file():
            _file(path, name, articles, skipped)
        else:
            raise RequestError(
                f"{name}: no such file or folder; expected an article, a folder, a feed or an http(s) address"
            )
    return articles, skipped


_ALL_SUFFIXES = _TEXT_SUFFIXES | _HTML_SUFFIXES | _FEED_SUFFIXES


def fetch(url: str) -> tuple[bytes, Message]:
    """The body and headers of a page or feed; refused unless it answers 200 within the timeout."""
    request = urllib.request.Request(url, headers={"User-Agent": "corridor-news-monitor"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as answer:
            body = answer.read(MAX_PAGE_BYTES + 1)
            headers = answer.headers
    except urllib.error.HTTPError as err:
        raise RequestError(f"{url}: answered {err.code} {err.reason}; expected a page or feed (200)") from None
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise RequestError(f"{url}: could not be fetched ({reason}); expected a page or feed that answers") from None
    if len(body) > MAX_PAGE_BYTES:
        raise RequestError(f"{url}: is over {MAX_PAGE_BYTES:,} bytes; expected one article or feed")
    return body, headers


def parse_front_matter(text: str, *, where: str = "article") -> tuple[dict[str, Any], str]:
    """The YAML front matter of a text (``published``, ``source``, ``title``, ...) and the body.

    Examples
    --------
    >>> head, body = parse_front_matter("---\\npublished: 2022-07-06\\nsource: x\\n---\\nText.")
    >>> head["published"], body
    (datetime.date(2022, 7, 6), 'Text.')
    >>> parse_front_matter("No front matter.")
    ({}, 'No front matter.')
    """
    found = _FRONT.match(text)
    if found is None:
        return {}, text
    try:
        head = yaml.safe_load(found.group("head")) or {}
    except yaml.YAMLError as err:
        raise RequestError(f"{where}: its front matter is not YAML ({err}); expected key: value lines") from None
    if not isinstance(head, dict):
        raise RequestError(f"{where}: its front matter is {type(head).__name__}; expected key: value lines")
    return head, text[found.end() :]


def _file(path: Path, origin: str, articles: list[RawArticle], skipped: list[SkippedArticle]) -> None:
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise RequestError(f"{path}: is {size:,} bytes; expected an article of at most {MAX_PAGE_BYTES:,} bytes")
    body = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in _FEED_SUFFIXES or _XML_START.match(body):
        _feed(body, str(path), articles, skipped)
    elif suffix in _HTML_SUFFIXES:
        articles.append(_page(body, None, str(path), origin))
    else:
        text = _decode(body, "utf-8", str(path))
        if not text.strip():
            raise RequestError(f"{path}: is empty; expected the text of an article")
        articles.append(_text_article(text, str(path), origin))


def _text_article(text: str, where: str, origin: str) -> RawArticle:
    head, body = parse_front_matter(text, where=where)
    published = _date(head.get("published"), where, "published")
    return RawArticle(
        text=body,
        source=str(head.get("source") or where),
        origin=origin,
        published=published,
        title=str(head.get("title") or ""),
        dated_by="front matter" if published else "",
    )


def _date(value: Any, where: str, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RequestError(f"{where}: {field} is {value!r}; expected a date as YYYY-MM-DD") from None


def _decode(body: bytes, charset: str, where: str) -> str:
    try:
        return body.decode(charset if charset.lower() not in ("utf-8", "utf8") else "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as err:
        at = f"byte {err.start} (0x{body[err.start]:02x}) " if isinstance(err, UnicodeDecodeError) else ""
        raise RequestError(
            f"{where}: {at}is not {charset}; expected UTF-8 text or a page that names its charset"
        ) from None


def _looks_like_feed(body: bytes, content_type: str) -> bool:
    return bool(_XML_START.match(body)) or content_type in (
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
    )


def _charset(body: bytes, headers: Message | None) -> str:
    declared = headers.get_content_charset() if headers is not None else None
    if declared:
        return declared
    found = _META_CHARSET.search(body[:4096])
    return found.group(1).decode("ascii") if found else "utf-8"


def _page(body: bytes, headers: Message | None, source: str, origin: str) -> RawArticle:
    """A web page to text with trafilatura (menus, captions and boilerplate left out)."""
    import trafilatura

    html = _decode(body, _charset(body, headers), source)
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or len(text.strip()) < MIN_PAGE_TEXT_CHARS:
        raise RequestError(f"{source}: holds no article text trafilatura can find; expected a news page")
    meta = trafilatura.extract_metadata(html)
    published = None
    if meta is not None and meta.date:
        published = _date(meta.date, source, "date")
    title = meta.title if meta is not None and meta.title else ""
    return RawArticle(text, source, origin, published, title, "page" if published else "")


def _feed(body: bytes, where: str, articles: list[RawArticle], skipped: list[SkippedArticle]) -> None:
    import feedparser

    parsed = feedparser.parse(body)
    usable = [e for e in parsed.get("entries", []) if e.get("link") or e.get("summary") or e.get("content")]
    if parsed.get("bozo") and not usable:  # feedparser salvages what it can; nothing usable is a refusal
        reason = parsed.get("bozo_exception")
        raise RequestError(f"{where}: is not an RSS or Atom feed ({reason}); expected well-formed XML")
    if not parsed.get("version") and not parsed.get("entries"):
        raise RequestError(f"{where}: is XML but not an RSS or Atom feed; expected <rss> or <feed>")
    for entry in parsed.entries:
        for item in _entry(entry, where):
            if isinstance(item, RawArticle):
                articles.append(item)
            else:
                skipped.append(item)


def _entry(entry: Any, feed: str) -> Iterator[RawArticle | SkippedArticle]:
    link = str(entry.get("link") or "")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    feed_date = dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
    title = str(entry.get("title") or "")
    summary = _entry_text(entry)
    if link.startswith(("http://", "https://")):
        try:
            body, headers = fetch(link)
            page = _page(body, headers, link, feed)
        except RequestError as err:
            if not summary:
                yield SkippedArticle(link, feed, str(err))
                return
            page = RawArticle(summary, link, feed, None, title)
        published = feed_date or page.published
        yield RawArticle(page.text, link, feed, published, page.title or title, "feed" if feed_date else page.dated_by)
    elif summary:
        yield RawArticle(summary, link or f"{feed}#{title}", feed, feed_date, title, "feed" if feed_date else "")
    else:
        yield SkippedArticle(link or title or "?", feed, "the entry has no link and no text")


def _entry_text(entry: Any) -> str:
    import trafilatura

    parts = entry.get("content") or []
    html = parts[0].get("value", "") if parts else str(entry.get("summary") or "")
    if not html.strip():
        return ""
    if "<" not in html:
        return html.strip()
    text = trafilatura.extract(f"<html><body><article>{html}</article></body></html>") or ""
    return text.strip()
