"""The news monitor: articles into the results store, their events into incidents, alerts.

:func:`ingest` reads sources (:mod:`corridor.news._feeds`), keeps each new article in the
results store with the hash of its text and a MinHash signature, records exact copies and
near-duplicates (a copy is not read again; a translation shares few word shingles with its
original, so it is a second source), reads each new dated article with the reader
(:func:`corridor.news.draft_scenario`) and merges its events into incidents
(:mod:`corridor.news._incidents`). An article whose date nothing states is kept under review.
:func:`incidents_on` gives every incident's state on a date; :mod:`corridor.news._living` turns
them into the living scenario and alerts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from corridor.errors import RequestError
from corridor.news._feeds import RawArticle, SkippedArticle, read_sources
from corridor.news._incidents import (
    ArticleEvent,
    Incident,
    IncidentState,
    incident_state,
    merge_events,
    part_of,
)
from corridor.news._living import ALERT_SHARE, Alert, given_or_builtin, incident_alerts

if TYPE_CHECKING:
    from corridor.flow import Demand
    from corridor.network import Network

__all__ = [
    "NEAR_DUPLICATE_JACCARD",
    "IngestReport",
    "UnknownIncidentError",
    "articles_in",
    "incident_by_id",
    "incidents_on",
    "ingest",
    "ingest_articles",
]

NEAR_DUPLICATE_JACCARD = 0.8
"""Word-shingle similarity above which an article is a copy of one already kept: reposts with a
changed headline, a dropped menu line or a fixed typo share well over 80% of their 5-word
shingles; two outlets' own accounts of one event share under 30% (measured on the corpus)."""
SHINGLE_WORDS = 5
MINHASH_PERMUTATIONS = 64
"""Enough for a Jaccard estimate within about ±0.06 at 0.8 (1/sqrt(64) standard error bound)."""
MINHASH_SCHEME = "affine32"
"""datasketch's hashing scheme, named so that stored signatures are read back with the one that made them."""
_WORD = re.compile(r"\w+", re.UNICODE)
_CORRECTION = re.compile(
    r"\bcorrect(?:ed|ion)\b|\bmistaken(?:ly)?\b|\berroneous(?:ly)?\b"
    r"|\bnot\b[^.]{0,60}\bas (?:earlier|previously|initially) (?:reported|stated)"
    r"|ошибочн|по уточн[её]нн\w+ данн|а не[^.]{0,60}как (?:ранее|сообщалось|сообщали)",
    re.IGNORECASE,
)
"""Words by which an article says a date it gives corrects an earlier report ("corrected", "not
on Monday as earlier reported", "ошибочно", "по уточнённым данным", "а не ..., как сообщалось");
"earlier it was reported" alone introduces background, not a correction, and "исправлено" is as
often a repair as a correction."""


@dataclass
class IngestReport:
    """What one ingest did: counts, the incidents it opened and updated, alerts, skipped entries."""

    added: int = 0
    duplicates: int = 0
    known: int = 0
    under_review: int = 0
    incidents_opened: list[int] = field(default_factory=list)
    incidents_updated: list[int] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    skipped: list[SkippedArticle] = field(default_factory=list)
    duplicate_of: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "known": self.known,
            "under_review": self.under_review,
            "incidents_opened": len(self.incidents_opened),
            "incidents_updated": len(self.incidents_updated),
            "opened_ids": self.incidents_opened,
            "updated_ids": self.incidents_updated,
            "alerts": [a.to_dict() for a in self.alerts],
            "duplicate_of": self.duplicate_of,
            "skipped": [{"source": s.source, "origin": s.origin, "reason": s.reason} for s in self.skipped],
        }


def ingest(
    store: str | Path,
    sources: Iterable[str | Path],
    *,
    network: Network | None = None,
    alert_country: str | None = None,
    alert_share: float = ALERT_SHARE,
    demand: Demand | None = None,
) -> IngestReport:
    """Read sources into the store and merge their events into incidents.

    Parameters
    ----------
    store
        The results file (SQLite; made if absent).
    sources
        Files, folders, RSS/Atom feeds (file or URL) and web pages.
    network
        Whose assets events name (default: the built-in network).
    alert_country, alert_share
        With a country code: incidents opened or updated here whose impact cuts more than
        ``alert_share`` of that country's trade are returned as alerts.
    demand
        The demand an alert's impact places (default: the network's built-in demand).

    Raises
    ------
    RequestError
        A source that cannot be read (see :func:`corridor.news._feeds.read_sources`).
    """
    raw, skipped = read_sources(sources)
    report = ingest_articles(store, raw, network=network)
    report.skipped = skipped
    if alert_country is not None and (report.incidents_opened or report.incidents_updated):
        changed = set(report.incidents_opened) | set(report.incidents_updated)
        states = [s for s in incidents_on(store, on=None) if s.id in changed]
        report.alerts = incident_alerts(states, alert_country, share=alert_share, network=network, demand=demand)
    return report


def ingest_articles(
    store: str | Path, articles: Sequence[RawArticle], *, network: Network | None = None
) -> IngestReport:
    """Keep articles already read from their sources (see :func:`ingest`)."""
    from corridor.news import draft_scenario
    from corridor.news._text import detect_language
    from corridor.store import connect

    net = given_or_builtin(network)
    relation = part_of(net)
    report = IngestReport()
    with connect(store) as conn:
        seen = _Seen.load(conn)
        incidents = _load_incidents(conn)
        next_id = max((i.id for i in incidents), default=0) + 1
        opened: set[int] = set()
        updated: set[int] = set()
        for article in sorted(articles, key=_stream_order):
            body = article.text.strip()
            digest = text_hash(body)
            if (digest, article.source) in seen.by_hash_source:
                report.known += 1
                continue
            language = detect_language(body)
            signature = minhash(body)
            original = seen.by_hash.get(digest) or seen.near(signature)
            state = "duplicate" if original else ("read" if article.published else "review")
            with conn:
                article_id = _insert_article(conn, article, digest, language, state, original, signature)
                seen.add(article_id, digest, article.source, signature, state == "read")
                if state == "duplicate":
                    report.duplicates += 1
                    report.duplicate_of[article.source] = seen.sources[original or 0]
                    continue
                report.added += 1
                if state == "review":
                    report.under_review += 1
                    continue
                assert article.published is not None
                draft = draft_scenario(body, published=article.published, network=net)
                events = [
                    _article_event(article_id, article, language, e, draft.text)
                    for e in draft.events
                    if e.asset is not None and e.status in ("new", "ended", "background")
                ]
                _, new_ids, changed = merge_events(events, incidents, relation, next_id=next_id)
                next_id = max([next_id, *(i + 1 for i in new_ids)])
                opened |= new_ids
                updated |= changed - opened
                _save_events(conn, article_id, events, incidents, new_ids)
        report.incidents_opened = sorted(opened)
        report.incidents_updated = sorted(updated - opened)
    return report


def _stream_order(article: RawArticle) -> dt.date:
    """Articles are merged in the order they were published (undated ones last; the sort is stable)."""
    return article.published or dt.date.max


def text_hash(text: str) -> str:
    """SHA-256 of the text with runs of white space made one space (a re-wrapped copy is a copy).

    Examples
    --------
    >>> text_hash("CPC  stops\\nloading.") == text_hash("CPC stops loading.")
    True
    """
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def minhash(text: str) -> np.ndarray:
    """The MinHash signature (datasketch) of the text's lower-cased 5-word shingles."""
    from datasketch import MinHash

    tokens = [w.lower() for w in _WORD.findall(text)]
    shingles = {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(max(1, len(tokens) - SHINGLE_WORDS + 1))}
    sketch = MinHash(num_perm=MINHASH_PERMUTATIONS, seed=1, scheme=MINHASH_SCHEME)
    sketch.update_batch([s.encode("utf-8") for s in shingles])
    return np.asarray(sketch.hashvalues, dtype=np.uint64)


class _Seen:
    """What the store already holds: hashes, sources and an LSH index over read articles' signatures."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self.by_hash: dict[str, int] = {}
        self.by_hash_source: set[tuple[str, str]] = set()
        self.sources: dict[int, str] = {}
        self.signatures: dict[int, np.ndarray] = {}
        self.lsh = MinHashLSH(threshold=NEAR_DUPLICATE_JACCARD, num_perm=MINHASH_PERMUTATIONS)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> _Seen:
        seen = cls()
        for article_id, digest, source, state, blob in conn.execute(
            "SELECT id, text_hash, source, state, minhash FROM news_articles ORDER BY id"
        ):
            signature = None if blob is None else np.frombuffer(blob, dtype=np.uint64)
            seen.add(int(article_id), str(digest), str(source), signature, state != "duplicate")
        return seen

    def add(self, article_id: int, digest: str, source: str, signature: np.ndarray | None, original: bool) -> None:
        self.by_hash_source.add((digest, source))
        self.sources[article_id] = source
        if not original:
            return
        self.by_hash.setdefault(digest, article_id)
        if signature is not None:
            from datasketch import MinHash

            self.signatures[article_id] = signature
            self.lsh.insert(
                str(article_id), MinHash(num_perm=MINHASH_PERMUTATIONS, hashvalues=signature, scheme=MINHASH_SCHEME)
            )

    def near(self, signature: np.ndarray) -> int | None:
        from datasketch import MinHash

        found = self.lsh.query(MinHash(num_perm=MINHASH_PERMUTATIONS, hashvalues=signature, scheme=MINHASH_SCHEME))
        best, best_id = 0.0, None
        for key in found:
            other = self.signatures[int(key)]
            similarity = float(np.mean(other == signature))
            if similarity >= NEAR_DUPLICATE_JACCARD and similarity > best:
                best, best_id = similarity, int(key)
        return best_id


def _insert_article(
    conn: sqlite3.Connection,
    article: RawArticle,
    digest: str,
    language: str,
    state: str,
    original: int | None,
    signature: np.ndarray,
) -> int:
    cur = conn.execute(
        "INSERT INTO news_articles (text_hash, source, origin, title, published, dated_by, language, state, "
        "duplicate_of, minhash, text, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            digest,
            article.source,
            article.origin,
            article.title,
            None if article.published is None else article.published.isoformat(),
            article.dated_by,
            language,
            state,
            original,
            signature.tobytes(),
            article.text if state != "duplicate" else "",
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        ),
    )
    return int(cur.lastrowid or 0)


def outlet_of(source: str) -> str:
    """The outlet an article comes from: its address's host without ``www.`` (a file: its name).

    Examples
    --------
    >>> outlet_of("https://www.interfax.ru/business/1.html"), outlet_of("notes/a.md")
    ('interfax.ru', 'notes/a.md')
    """
    host = urlparse(source).netloc.lower()
    return host.removeprefix("www.") if host else source


def _article_event(article_id: int, article: RawArticle, language: str, e: Any, text: str) -> ArticleEvent:
    duration = e.duration_days[1] if isinstance(e.duration_days, tuple) else e.duration_days
    assert article.published is not None
    return ArticleEvent(
        article_id=article_id,
        outlet=outlet_of(article.source),
        language=language,
        published=article.published,
        asset=e.asset,
        action=e.action,
        status=e.status,
        fraction=e.fraction,
        start=e.start,
        end=e.end,
        duration_days=duration,
        until_further_notice=e.until_further_notice,
        confidence=e.confidence,
        evidence=dict(e.evidence),
        corrects=e.start is not None and corrects_date(text, e.spans.get("start")),
    )


def corrects_date(text: str, span: Sequence[int] | None) -> bool:
    """Whether the sentence holding a date (``span`` in ``text``) says it corrects an earlier report.

    Examples
    --------
    >>> text = "Earlier reports were wrong. The line closed on 3 May, not 5 May as earlier reported."
    >>> corrects_date(text, (47, 52)), corrects_date(text, (0, 7)), corrects_date(text, None)
    (True, False, False)
    """
    if span is None:
        return False
    from corridor.news._text import sentences

    at = int(span[0])
    return any(a <= at < b and _CORRECTION.search(text, a, b) for a, b in sentences(text))


def _load_incidents(conn: sqlite3.Connection) -> list[Incident]:
    incidents = {
        int(i): Incident(int(i), str(a), str(k))
        for i, a, k in conn.execute("SELECT id, asset, action_class FROM news_incidents ORDER BY id")
    }
    for incident_id, event in conn.execute(
        "SELECT incident_id, event FROM news_events WHERE incident_id IS NOT NULL ORDER BY id"
    ):
        incidents[int(incident_id)].events.append(ArticleEvent.from_dict(json.loads(event)))
    return list(incidents.values())


def _save_events(
    conn: sqlite3.Connection,
    article_id: int,
    events: Sequence[ArticleEvent],
    incidents: Sequence[Incident],
    new_ids: set[int],
) -> None:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    where: dict[int, int] = {}
    for incident in incidents:
        if incident.id in new_ids:
            conn.execute(
                "INSERT INTO news_incidents (id, asset, action_class, opened) VALUES (?, ?, ?, ?)",
                (incident.id, incident.asset, incident.klass, now),
            )
        for e in incident.events:
            if e.article_id == article_id:
                where[id(e)] = incident.id
    for e in events:
        conn.execute(
            "INSERT INTO news_events (article_id, incident_id, event) VALUES (?, ?, ?)",
            (article_id, where.get(id(e)), json.dumps(e.to_dict(), ensure_ascii=False)),
        )


def incidents_on(store: str | Path, *, on: dt.date | None) -> list[IncidentState]:
    """Every incident in the store and its state on ``on`` (None: as the articles tell it now)."""
    from corridor.store import connect

    if not Path(store).exists():
        return []
    with connect(store) as conn:
        incidents = _load_incidents(conn)
    return [incident_state(i, on=on) for i in incidents if i.events]


def incident_by_id(store: str | Path, incident_id: int, *, on: dt.date | None = None) -> IncidentState:
    """One incident's state on ``on``; an unknown id raises :class:`UnknownIncidentError`."""
    found = [s for s in incidents_on(store, on=on) if s.id == incident_id]
    if not found:
        raise UnknownIncidentError(incident_id)
    return found[0]


class UnknownIncidentError(RequestError):
    """No incident has this id (the web app answers 404)."""

    def __init__(self, incident_id: int) -> None:
        super().__init__(f"no incident {incident_id}; list them with 'corridor news incidents'")
        self.incident_id = incident_id


def articles_in(store: str | Path) -> list[dict[str, Any]]:
    """The stored articles (without their text): id, source, title, published, state, duplicate_of."""
    from corridor.store import connect

    if not Path(store).exists():
        return []
    with connect(store) as conn:
        rows = conn.execute(
            "SELECT id, source, title, published, dated_by, language, state, duplicate_of FROM news_articles ORDER BY id"
        ).fetchall()
    keys = ("id", "source", "title", "published", "dated_by", "language", "state", "duplicate_of")
    return [dict(zip(keys, row, strict=True)) for row in rows]
