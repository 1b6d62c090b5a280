"""``draft_scenario``: an article in, a typed draft out; and reading an article file safely."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from corridor.errors import RequestError
from corridor.news._clean import Article, clean_text, parse_article
from corridor.news._extract import Candidate, extract_events
from corridor.news._model import NewsDraft, NewsEvent
from corridor.news._text import detect_language

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.news._assets import AssetIndex

__all__ = ["MAX_ARTICLE_BYTES", "draft_scenario", "load_article", "read_article"]

MAX_ARTICLE_BYTES = 2_000_000
_NOUNS = {
    "close": "closure",
    "derate": "derate",
    "reopen": "reopening",
    "tariff_change": "tariff change",
    "transit_ban": "transit ban",
    "capacity_increase": "capacity increase",
    "reroute_in": "rerouting onto",
    "reroute_out": "rerouting away from",
}
_NEEDS_END = frozenset({"close", "derate", "transit_ban", "reroute_out"})


def read_article(path: str | Path) -> str:
    """The text of an article file: UTF-8, not binary, not empty, at most 2 MB.

    Raises
    ------
    RequestError
        Naming the file and what was expected (missing, a folder, too large, binary, not UTF-8, empty).

    Examples
    --------
    >>> read_article("no-such-article.txt")
    Traceback (most recent call last):
    ...
    corridor.errors.RequestError: no-such-article.txt: no such file; expected a UTF-8 text file with the article
    """
    path = Path(path)
    if not path.exists():
        raise RequestError(f"{path}: no such file; expected a UTF-8 text file with the article")
    if not path.is_file():
        raise RequestError(f"{path}: is not a file; expected a UTF-8 text file with the article")
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise RequestError(
            f"{path}: is {size:,} bytes; expected an article of at most {MAX_ARTICLE_BYTES:,} bytes (one article per file)"
        )
    data = path.read_bytes()
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise RequestError(f"{path}: holds binary data (a NUL byte at {nul}); expected a UTF-8 text or HTML file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RequestError(
            f"{path}: byte {err.start} (0x{data[err.start]:02x}) is not UTF-8; expected a UTF-8 text file"
        ) from None
    if not text.strip():
        raise RequestError(f"{path}: is empty; expected the text of an article")
    return text


def load_article(path: str | Path) -> Article:
    """An article file read and split: plain text, text with YAML front matter (``published:``,
    ``source:``, ``title:``) or an HTML page (its main text found with trafilatura).

    Raises
    ------
    RequestError
        As :func:`read_article`; front matter that does not parse; an HTML page with no article.
    """
    article = parse_article(read_article(path), name=str(path))
    if not article.text.strip():
        raise RequestError(f"{path}: holds no article text after its front matter; expected the article below it")
    return article


def draft_scenario(text: str, *, published: dt.date, network: Network | None = None) -> NewsDraft:
    """Read a news article (Russian or English) into dated events on the network's assets.

    Parameters
    ----------
    text
        The article as plain text.
    published
        Its publication date: 'today', 'yesterday', 'on Monday', 'с 6 июля' are read against it.
    network
        Whose node, link and group ids the assets are linked to (default: the built-in network).

    Returns
    -------
    NewsDraft
        Events (asset, action, share, dates, status, confidence, evidence quoted from the
        article) and the unknowns a person must fill in before the draft is a scenario.

    Raises
    ------
    RequestError
        When the text is empty or ``published`` is not a date.

    Examples
    --------
    >>> draft = draft_scenario("Суд приостановил деятельность КТК на 30 суток.", published=dt.date(2022, 7, 6))
    >>> event = draft.events[0]
    >>> event.asset, event.action, event.fraction, event.duration_days, event.status
    ('cpc', 'close', 1.0, 30, 'new')
    >>> draft.unknowns
    ('start date of the closure of cpc',)
    """
    if not isinstance(published, dt.date):
        raise RequestError(f"published is {published!r}; expected a date (YYYY-MM-DD)")
    if not text or not text.strip():
        raise RequestError("the article is empty; expected its text")
    index = _index(network)
    text = clean_text(text) or text.strip()
    language = detect_language(text)
    events: list[NewsEvent] = []
    unknowns: list[str] = []
    unlinked: list[str] = []
    for candidate in extract_events(text, published, index, language, unlinked):
        event = _event(candidate, text, published, index)
        events.append(event)
        if event.status == "new":
            unknowns.extend(_unknown_lines(event, candidate))
    for name in dict.fromkeys(unlinked):
        unknowns.append(
            f"{name!r} is not a node, link or group of the network: what the article says of it is not drafted"
        )
    return NewsDraft(published=published, language=language, events=tuple(events), unknowns=tuple(unknowns), text=text)


def _index(network: Network | None) -> AssetIndex:
    if network is None:
        return _builtin_index()
    from corridor.news._assets import build_asset_index

    return build_asset_index(network)


@functools.cache
def _builtin_index() -> AssetIndex:
    from corridor.network import load_network
    from corridor.news._assets import build_asset_index

    return build_asset_index(load_network())


def _event(c: Candidate, text: str, published: dt.date, index: AssetIndex) -> NewsEvent:
    mention = c.mention
    assert mention is not None
    missing: list[str] = []
    if mention.id is None:
        missing.append("asset")
    if c.start is None and c.status == "new":
        missing.append("start")
    if c.action in _NEEDS_END and c.end is None and c.duration is None and c.status == "new":
        missing.append("end")
    if c.action in ("derate", "tariff_change", "capacity_increase") and c.fraction is None:
        missing.append("fraction")
    evidence = {k: v for k, v in c.evidence.items() if v}
    spans = {}
    for key, quote in evidence.items():
        at = text.find(quote)
        if at >= 0:
            spans[key] = (at, at + len(quote))
    confidences = _confidences(c)
    return NewsEvent(
        asset=mention.id,
        asset_kind=mention.kind,
        action=c.action,
        fraction=c.fraction,
        start=c.start,
        end=c.end,
        duration_days=c.duration,
        status=c.status,
        confidence=_confidence(c),
        evidence=evidence,
        missing=tuple(missing),
        until_further_notice=c.open_end,
        parents=_parents(mention.id, index),
        scope=c.scope,
        published=published,
        spans=spans,
        confidences=confidences,
    )


def _parents(asset: str | None, index: AssetIndex) -> tuple[str, ...]:
    """The groups an asset is inside, smallest first ('cpc_spm2' -> 'cpc_moorings', 'cpc')."""
    if asset is None:
        return ()
    groups = [g for g, inside in index.within.items() if asset in inside and g != asset]
    return tuple(sorted(groups, key=lambda g: len(index.within[g])))


def _confidences(c: Candidate) -> dict[str, float]:
    """How sure each field is: a name in the clause beats one carried from an earlier sentence; a
    day written in the clause beats one carried over; a share stated beats one assumed."""
    assert c.mention is not None
    asset = 0.9 if c.mention.rank <= 2 else 0.7 if c.mention.rank <= 4 else 0.5
    if c.from_topic:
        asset -= 0.25
    start = 0.0 if c.start is None else 0.6 if c.carried else 0.85
    fraction = 0.0 if c.fraction is None else 0.85 if "fraction" in c.evidence else 0.6
    status = 0.8 if c.evidence.get("status", None) is None else 0.65
    return {"asset": round(asset, 2), "action": 0.8, "fraction": fraction, "start": start, "status": status}


def _confidence(c: Candidate) -> float:
    score = 0.45
    score += 0.2 if c.mention is not None and c.mention.id is not None else 0.0
    score -= 0.15 if c.from_topic else 0.0
    score -= 0.05 * max(0, (c.mention.rank if c.mention else 0) - 2)
    score += 0.1 if c.start is not None else 0.0
    score -= 0.05 if c.carried else 0.0
    score += 0.05 if c.fraction is not None else 0.0
    score += 0.05 if c.end is not None or c.duration is not None else 0.0
    score += 0.1 if c.status == "new" else 0.0
    return min(0.95, max(0.05, score))


def _unknown_lines(event: NewsEvent, _c: Candidate) -> list[str]:
    what = f"the {_NOUNS[event.action]} of {event.asset or repr(event.evidence.get('asset', '?'))}"
    lines = []
    for name in event.missing:
        if name == "asset":
            lines.append(f"asset: {event.evidence.get('asset', '?')!r} is not a node, link or group of the network")
        elif name == "start":
            lines.append(f"start date of {what}")
        elif name == "end":
            suffix = " (until further notice)" if event.until_further_notice else ""
            lines.append(f"end date of {what}{suffix}")
        elif name == "fraction":
            noun = "share of capacity lost in" if event.action == "derate" else "size of"
            lines.append(f"{noun} {what}")
    return lines
