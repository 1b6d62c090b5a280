"""The news monitor measured: merging articles into incidents on the labelled corpus, and throughput.

Scores (``--part dev`` or ``--part test``): the whole corpus (benchmarks/news/corpus) is ingested
into a fresh results store in publication order, as a stream would bring it; then, against
benchmarks/news/incidents.yaml,

- pairwise precision and recall of article-to-incident merging: over pairs of articles, a pair
  is "together" when the two share an incident (the labelled ones, or the monitor's);
- the share of labelled incidents whose start and end the monitor gives right (the monitor's
  incident that shares most articles with it and names its asset or one it accepts).

A pair belongs to the development part when both articles are in it (split rule of
benchmarks/news/README.md, ``split_of`` in benchmarks/news.py), to the test part otherwise; an
incident likewise. The monitor reads the articles the labels cover (``articles:`` in
incidents.yaml), the development ones alone for ``--part dev``: the labels tell each incident as
those articles tell it, so an article added to the corpus after them (a later report of a
reopening) cannot make a right start or end wrong, and no test article shapes a development score
or what ``--explain`` prints. ``--whole-corpus`` reads every article of the corpus instead (how
scores were taken before 2026-12-07 23:30 UTC). ``--added BATCH`` scores the incidents a batch of labels opened
(``added:`` in incidents.yaml) and the pairs with an article of the batch (``batches:``) alone: a
yardstick no rule was written on. ``--gold-events`` (development part) merges the events the labels
read in each article (labels.yaml) instead of the reader's: what is still wrong is the monitor's
own doing. Every test-part score is logged in
benchmarks/news/monitor-test-log.md (``--part test --log``), whatever it shows.

Throughput (``--throughput N --copies K``): N articles made from the corpus's paragraphs (each a
new mix, so few are near-copies of another) plus K reposts of each (exact and near copies),
ingested in one call; prints articles per second and the store's size. The reader reads only the
N distinct ones: copies cost a hash and a MinHash lookup.

    python benchmarks/bench_monitor.py --part dev
    python benchmarks/bench_monitor.py --part dev --added monitor-2
    python benchmarks/bench_monitor.py --part dev --gold-events     # a perfect reader
    python benchmarks/bench_monitor.py --part dev --robustness      # one article perturbed at a time
    python benchmarks/bench_monitor.py --throughput 300
    python benchmarks/bench_monitor.py --throughput 1000 --copies 9   # 10,000 articles
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "news" / "corpus"
LABELS = HERE / "news" / "incidents.yaml"
TEST_LOG = HERE / "news" / "monitor-test-log.md"


def split_of(source: str) -> str:
    """'dev' or 'test' by the rule fixed in benchmarks/news/README.md (the same as benchmarks/news.py)."""
    return "dev" if hashlib.sha1(source.encode("utf-8")).hexdigest()[-1] in "0123456789" else "test"


def corpus_articles() -> dict[str, dict[str, Any]]:
    """Corpus id -> its front matter (source, published, ...)."""
    from corridor.news.monitor import parse_front_matter

    out = {}
    for path in sorted(CORPUS.glob("*.md")):
        head, _ = parse_front_matter(path.read_text(encoding="utf-8"), where=str(path))
        out[str(head["id"])] = head
    return out


def together(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    """Unordered pairs of articles that share a group."""
    pairs: set[tuple[str, str]] = set()
    for group in groups:
        members = sorted(set(group))
        pairs.update(itertools.combinations(members, 2))
    return pairs


def ratio(hit: int, total: int) -> float:
    return hit / total if total else 1.0


def run_monitor(store: Path, part: str = "test", *, whole_corpus: bool = False) -> tuple[list[Any], dict[int, str]]:
    """Ingest the articles the labels cover (the development ones alone for ``part`` dev; every
    article with ``whole_corpus``); the monitor's incidents and article id -> corpus id."""
    from corridor.news.monitor import articles_in, incidents_on, ingest

    heads = corpus_articles()
    covered = set(yaml.safe_load(LABELS.read_text(encoding="utf-8"))["articles"])
    read = [cid for cid in heads if whole_corpus or cid in covered]
    ingest(
        store, [CORPUS / f"{cid}.md" for cid in read if part == "test" or split_of(str(heads[cid]["source"])) == "dev"]
    )
    by_source = {str(h["source"]): cid for cid, h in heads.items()}
    ids = {int(a["id"]): by_source[str(a["source"])] for a in articles_in(store)}
    return incidents_on(store, on=None), ids


def read_labels(part: str = "dev") -> tuple[list[Any], dict[int, str]]:
    """The monitor's incidents when the reader is perfect: the development articles' events as
    labels.yaml reads them (with their ``end``, ``duration_days`` and ``until_further_notice``)
    merged in publication order. What is still wrong then is the monitor's own doing (merging,
    which start and end win), not the reader's. Development part only: the test labels stay locked."""
    from corridor.news._incident_state import ArticleEvent
    from corridor.news._monitor import outlet_of
    from corridor.news.monitor import incident_state, merge_events, part_of

    if part != "dev":
        raise SystemExit("--gold-events reads the development labels only")
    from corridor.network import load_network

    heads = corpus_articles()
    covered = set(yaml.safe_load(LABELS.read_text(encoding="utf-8"))["articles"])
    gold = yaml.safe_load((HERE / "news" / "labels.yaml").read_text(encoding="utf-8"))
    relation = part_of(load_network())
    read = [c for c in heads if c in covered and c in gold and split_of(str(heads[c]["source"])) == "dev"]
    read.sort(key=lambda c: _day(heads[c]["published"]) or dt.date.max)
    incidents: list[Any] = []
    ids: dict[int, str] = {}
    for article_id, cid in enumerate(read, start=1):
        ids[article_id] = cid
        head = heads[cid]
        published = _day(head["published"])
        assert published is not None
        events = [
            ArticleEvent(
                article_id,
                outlet_of(str(head["source"])),
                str(head.get("language", "")),
                published,
                str(e["asset"]),
                str(e["action"]),
                str(e.get("status", "new")),
                fraction=e.get("fraction"),
                start=_day(e.get("start")),
                end=_day(e.get("end")),
                duration_days=_upper(e.get("duration_days")),
                until_further_notice=bool(e.get("until_further_notice")),
            )
            for e in gold[cid].get("events") or []
            if e.get("asset") and e.get("status", "new") in ("new", "ended", "background")
        ]
        merge_events(events, incidents, relation, next_id=len(incidents) + 1)
    return [incident_state(i, on=None) for i in incidents], ids


def score(part: str, incidents: Sequence[Any], ids: Mapping[int, str], added: str | None = None) -> dict[str, Any]:
    from corridor.news._incidents import ACTION_CLASSES

    heads = corpus_articles()
    parts = {cid: split_of(str(h["source"])) for cid, h in heads.items()}
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    labelled, covered = labels["incidents"], set(labels["articles"])
    batch: set[str] = set()
    if added is not None:
        batch = set(labels.get("batches", {}).get(added, []))
        if not batch:
            raise SystemExit(f"no batch {added!r} in {LABELS.name} (batches: {sorted(labels.get('batches', {}))})")

    def in_part(members: Iterable[str]) -> bool:
        dev = all(parts[m] == "dev" for m in members)
        return dev if part == "dev" else not dev

    def scored_pair(pair: tuple[str, str]) -> bool:  # with a batch: the pairs with an article of it
        return in_part(pair) and (added is None or bool(batch & set(pair)))

    predicted_groups = [[ids[a] for a in s.articles if ids[a] in covered] for s in incidents]
    truth = {p for p in together(i["articles"] for i in labelled) if scored_pair(p)}
    found = {p for p in together(predicted_groups) if scored_pair(p)}
    right = 0
    wrong: list[str] = []
    if added is not None:
        labelled = [i for i in labelled if i.get("added") == added]
    scored = [i for i in labelled if in_part(i["articles"])]
    for label in scored:
        names = {label["asset"], *label.get("accept", [])}
        best, overlap = None, (0, False)
        for s, group in zip(incidents, predicted_groups, strict=True):
            # most shared articles; on a tie, the one of the label's class (an article may report a
            # derate and a ban on one crossing: two incidents)
            shared = (len(set(group) & set(label["articles"])), ACTION_CLASSES.get(s.action) == label.get("class"))
            if s.asset in names and shared[0] and shared > overlap:
                best, overlap = s, shared
        ok = best is not None and best.start == _day(label.get("start")) and best.end == _day(label.get("end"))
        right += ok
        if not ok:
            got = "no incident" if best is None else f"{best.asset} {best.start}..{best.end}"
            wrong.append(f"{label['id']}: expected {label.get('start')}..{label.get('end')}, got {got}")
    return {
        "part": part if added is None else f"{part}, batch {added}",
        "pairs_labelled": len(truth),
        "pairs_found": len(found),
        "pairwise_precision": round(ratio(len(truth & found), len(found)), 3),
        "pairwise_recall": round(ratio(len(truth & found), len(truth)), 3),
        "incidents_labelled": len(scored),
        "start_end_right": round(ratio(right, len(scored)), 3),
        "false_pairs": sorted(f"{a} + {b}" for a, b in found - truth) if part == "dev" else len(found - truth),
        "missed_pairs": sorted(f"{a} + {b}" for a, b in truth - found) if part == "dev" else len(truth - found),
        "wrong_start_end": wrong if part == "dev" else len(wrong),
    }


def _stored_incidents(store: Path) -> dict[int, Any]:
    """The store's incidents with their events, by id (what the states were composed from)."""
    from corridor.news._monitor import _load_incidents
    from corridor.store import connect

    with connect(store) as conn:
        return {i.id: i for i in _load_incidents(conn)}


def _development_labels() -> list[dict[str, Any]]:
    """The labelled incidents all of whose articles are in the development part."""
    heads = corpus_articles()
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["incidents"]
    return [i for i in labels if all(split_of(str(heads[a]["source"])) == "dev" for a in i["articles"])]


def explain(store: Path, incidents: Sequence[Any], ids: Mapping[int, str]) -> None:
    """Development part only: each labelled incident, the monitor's incident matched to it and the
    events of its articles as the reader gave them (what the start and end were composed from)."""
    raw, dev_labels = _stored_incidents(store), _development_labels()
    for label in dev_labels:
        names = {label["asset"], *label.get("accept", [])}
        print(f"== {label['id']}: {label.get('start')}..{label.get('end')} ({label['class']})")
        for s in incidents:
            members = {ids[a] for a in s.articles}
            if s.asset in names and members & set(label["articles"]):
                print(f"  monitor #{s.id} {s.asset} {s.action} {s.start}..{s.end} ({s.end_basis})")
                for e in raw[s.id].events:
                    print(
                        f"    {ids[e.article_id]}: {e.asset} {e.action} {e.status} start={e.start} end={e.end} "
                        f"days={e.duration_days} ufn={e.until_further_notice} quotes={dict(e.evidence)}"
                    )


PERTURBATIONS = ("drop", "earlier", "later", "undated", "dateline", "no end", "no reopening")
"""What one article of an incident suffers in :func:`robustness`: its events dropped (a merge
missed), its starts moved 2 days earlier or 3 days later or removed (a misread or missed date) or
set to its publication day (the dateline read as the start), its stated ends, numbers of days and
"until further notice" removed (an end not read), its reopening events removed (reopening words
not found)."""


def robustness(store: Path, incidents: Sequence[Any], ids: Mapping[int, str]) -> dict[str, Any]:
    """Development part only: for each labelled incident the monitor tells with two or more
    articles, each article in turn suffers each of :data:`PERTURBATIONS`; the share of the
    compositions so made whose start and end are still the label's."""
    import dataclasses

    from corridor.news._incident_state import incident_state

    raw = _stored_incidents(store)
    right, tried, missed = 0, 0, []
    for label in _development_labels():
        names = {label["asset"], *label.get("accept", [])}
        shared = [
            (len({ids[a] for a in s.articles} & set(label["articles"])), s) for s in incidents if s.asset in names
        ]
        best = max(shared, key=lambda pair: pair[0], default=(0, None))
        if not best[0] or len(best[1].articles) < 2:
            continue
        incident = raw[best[1].id]
        want = (_day(label.get("start")), _day(label.get("end")))
        for article in dict.fromkeys(e.article_id for e in incident.events):
            for how in PERTURBATIONS:
                events = [_perturbed(e, how) if e.article_id == article else e for e in incident.events]
                kept = [e for e in events if e is not None]
                state = incident_state(dataclasses.replace(incident, events=kept), on=None) if kept else None
                got = (None, None) if state is None else (state.start, state.end)
                tried += 1
                right += got == want
                if got != want:
                    missed.append(f"{label['id']}: {ids[article]} {how}: {got[0]}..{got[1]}")
    return {"perturbed": tried, "still_right": right, "share": round(ratio(right, tried), 3), "missed": missed}


def _perturbed(event: Any, how: str) -> Any:
    import dataclasses

    if how == "drop" or (how == "no reopening" and event.action == "reopen"):
        return None
    if how in ("earlier", "later", "undated") and event.start is not None and event.action != "reopen":
        moved = {"earlier": -2, "later": 3}.get(how)
        start = None if moved is None else event.start + dt.timedelta(days=moved)
        return dataclasses.replace(event, start=start)
    if how == "dateline" and event.action != "reopen":
        return dataclasses.replace(event, start=event.published)
    if how == "no end":
        return dataclasses.replace(event, end=None, duration_days=None, until_further_notice=False)
    return event


def log_test_score(result: Mapping[str, Any], note: str = "") -> None:
    """Append a test-part score to monitor-test-log.md with the commit it was taken on."""
    import subprocess

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False, cwd=HERE
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "src"], capture_output=True, text=True, check=False, cwd=HERE
    )
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    line = (
        f"| {when} | {commit}{'+changes' if dirty.stdout.strip() else ''}{' ' + note if note else ''} "
        f"| {result['pairwise_precision']:.3f} "
        f"| {result['pairwise_recall']:.3f} | {result['start_end_right']:.3f} | {result['pairs_labelled']} "
        f"| {result['incidents_labelled']} |\n"
    )
    with TEST_LOG.open("a", encoding="utf-8") as out:
        out.write(line)


def _upper(days: Any) -> int | None:
    """A number of days, the upper end of a range ('10-14 days' as the reader gives it)."""
    return int(days[-1]) if isinstance(days, list) else None if days is None else int(days)


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def synthetic_articles(n: int, copies: int = 1, seed: int = 7) -> list[Any]:
    """n articles mixed from the corpus's paragraphs, then ``copies`` reposts of each (half exact,
    half with a line added at the top: near-copies), dated within the corpus's years."""
    from corridor.news.monitor import RawArticle, parse_front_matter

    rng = random.Random(seed)
    bodies = []
    for path in sorted(CORPUS.glob("*.md")):
        head, body = parse_front_matter(path.read_text(encoding="utf-8"))
        paragraphs = [p for p in body.split("\n\n") if len(p) > 80]
        bodies.append((head, paragraphs))
    made = []
    for i in range(n):
        head, paragraphs = rng.choice(bodies)
        _, extra = rng.choice(bodies)
        chosen = rng.sample(paragraphs, k=min(len(paragraphs), 3)) + rng.sample(extra, k=min(len(extra), 2))
        published = dt.date.fromisoformat(str(head["published"])) + dt.timedelta(days=rng.randint(0, 400))
        made.append(RawArticle("\n\n".join(chosen), f"https://example.test/{i}", "synthetic", published))
    reposts = []
    for k in range(copies):
        for i, article in enumerate(made):
            text = article.text if (i + k) % 2 else f"Updated {k}. " + article.text
            reposts.append(RawArticle(text, f"https://copy{k}.test/{i}", "synthetic", article.published))
    return made + reposts


def throughput(n: int, copies: int) -> dict[str, Any]:
    from corridor.news.monitor import ingest_articles

    articles = synthetic_articles(n, copies)
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "results.sqlite"
        started, cpu = time.perf_counter(), time.process_time()
        report = ingest_articles(store, articles)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = store.stat().st_size
    return {
        "articles": len(articles),
        "distinct": n,
        "added": report.added,
        "duplicates": report.duplicates,
        "incidents": len(report.incidents_opened),
        "seconds": round(seconds, 1),
        "articles_per_s": round(len(articles) / seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "articles_per_cpu_s": round(len(articles) / cpu, 1),
        "distinct_read_per_cpu_s": round(n / cpu, 1),
        "store_bytes": size,
        "store_bytes_per_article": round(size / len(articles)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["dev", "test"], help="score merging on this part")
    parser.add_argument("--throughput", type=int, metavar="N", help="ingest N mixed articles and their copies")
    parser.add_argument(
        "--explain", action="store_true", help="with --part dev: the events each incident was composed from"
    )
    parser.add_argument(
        "--robustness", action="store_true", help="with --part dev: start and end when one article is perturbed"
    )
    parser.add_argument("--added", metavar="BATCH", help="with --part dev: score one batch of labels alone (monitor-2)")
    parser.add_argument(
        "--whole-corpus", action="store_true", help="read every corpus article, not only those the labels cover"
    )
    parser.add_argument(
        "--gold-events",
        action="store_true",
        help="with --part dev: merge the labelled events (labels.yaml) instead of the reader's",
    )
    parser.add_argument("--log", action="store_true", help="append a test-part score to news/monitor-test-log.md")
    parser.add_argument("--note", default="", help="what else the logged score ran with (another reader)")
    parser.add_argument("--copies", type=int, default=1, help="reposts of each mixed article (default 1)")
    args = parser.parse_args(argv)
    if args.added and args.part != "dev":
        parser.error("--added scores a batch of development labels (--part dev)")
    if args.robustness and args.part != "dev":
        parser.error("--robustness perturbs the development part only")
    if args.explain and args.part != "dev":
        parser.error("--explain shows the development part only (the locked test part prints totals)")
    if args.gold_events and args.part != "dev":
        parser.error("--gold-events reads the development labels only")
    if args.part and args.gold_events:
        incidents, ids = read_labels(args.part)
        print(json.dumps(score(args.part, incidents, ids, args.added), indent=2, ensure_ascii=False))
    elif args.part:
        with tempfile.TemporaryDirectory() as folder:
            incidents, ids = run_monitor(Path(folder) / "results.sqlite", args.part, whole_corpus=args.whole_corpus)
            if args.explain and args.part == "dev":
                explain(Path(folder) / "results.sqlite", incidents, ids)
            if args.robustness and args.part == "dev":
                print(json.dumps(robustness(Path(folder) / "results.sqlite", incidents, ids), indent=2))
        result = score(args.part, incidents, ids, args.added)
        if args.part == "test" and args.log:
            log_test_score(result, " ".join(filter(None, ["whole corpus" if args.whole_corpus else "", args.note])))
        print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.throughput:
        print(json.dumps(throughput(args.throughput, args.copies), indent=2))
    if not args.part and not args.throughput:
        parser.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
