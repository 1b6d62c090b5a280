"""Score ``corridor news draft`` on the news corpus (benchmarks/news/corpus, labels.yaml).

The corpus is split once by the rule fixed in benchmarks/news/README.md: an article is in the
development part when the last hex digit of sha1(its source address) is 0-9, in the locked test
part when it is a-f. ``--part test`` scores the locked part: log every such score, with the commit,
in benchmarks/news/test-log.md (``--log`` appends the line).

Rules (also in benchmarks/README.md):

* An expected event is **found** when the draft has an event on its asset (the labelled id or one
  of ``accept``) with the same action. One draft event can find one expected event. A closure or
  reopening of one link of a group whose capacity is shared by n member links (one of the CPC's
  three moorings) may equally be drafted as a derate of the group by 1/n (or its reopening), and
  the other way round.
* A found event is **right** when, besides asset and action, its share is within 0.05 of the label
  (both null counts as equal), its start date equals the label's (both null equal: a date the
  article does not give must stay null), and its status (new, background, conditional, ended)
  matches.
* **Per field**: precision = right values among draft events that found an expected one, recall =
  right values among expected events.
* **Precision of events**: found draft events / all draft events with status ``new``.
* **Traps**: an article labelled with no events is hit when the draft has any event with status
  ``new``; a labelled trap (a fine, a denial, a condition, a forecast, history, an asset the
  network lacks) is hit when a ``new`` draft event that found no expected event has the trap's
  asset (or one of its ``accept``; a trap with no asset: an event on no asset) and action.
* **Speed**: the slowest article's draft time against one validate of a one-event scenario, both
  in this process with the network loaded.

Run: ``python benchmarks/news.py [--part dev|test|all|devset] [--batch NAME] [--json] [--verbose] [--log]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent / "news"
CORPUS = HERE / "corpus"
LABELS = HERE / "labels.yaml"
DEVSET = HERE / "devset.yaml"
TEST_LOG = HERE / "test-log.md"
FIELDS = ("asset", "action", "fraction", "start", "status")


def split_of(source: str) -> str:
    """'dev' or 'test' by the rule fixed in benchmarks/news/README.md.

    >>> split_of("https://interfax.com/newsroom/top-stories/97114/")
    'dev'
    """
    return "dev" if hashlib.sha1(source.encode("utf-8")).hexdigest()[-1] in "0123456789" else "test"


def load_corpus(part: str, batch: str | None = None) -> list[dict[str, Any]]:
    """The articles of one part (dev, test, all) with their labels; ``devset`` the old short set.

    ``batch`` keeps only the articles whose front matter says ``added: <batch>`` (a batch written
    after the rules it is measured against, e.g. ``reader-2``).
    """
    if part == "devset":
        arts = yaml.safe_load(DEVSET.read_text(encoding="utf-8"))["articles"]
        return [{**a, "traps": [], "body": a["text"]} for a in arts]
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    out = []
    for path in sorted(CORPUS.glob("*.md")):
        raw = path.read_text(encoding="utf-8")
        _, head, body = raw.split("---", 2)
        meta = yaml.safe_load(head)
        if part != "all" and split_of(str(meta["source"])) != part:
            continue
        if batch is not None and meta.get("added") != batch:
            continue
        label = labels[meta["id"]]
        out.append(
            {
                "id": meta["id"],
                "source": meta["source"],
                "published": meta["published"],
                "language": meta["language"],
                "body": body.lstrip("\n"),
                "events": label["events"],
                "traps": label.get("traps") or [],
            }
        )
    return out


def _same_fraction(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 0.05


def _same_start(a: Any, b: Any) -> bool:
    return (None if a is None else str(a)) == (None if b is None else str(b))


def _validate_seconds(network: Any) -> float:
    from corridor.scenario import load_scenario

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.yaml"
        small.write_text("name: small\nevents: [{type: close, target: cpc, days: 3, source: S1}]\n", encoding="utf-8")
        load_scenario(small, network)
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            load_scenario(small, network)
            best = min(best, time.perf_counter() - started)
    return best


def score(articles: list[dict[str, Any]], verbose: bool = False) -> dict[str, Any]:
    from corridor.network import load_network
    from corridor.news import draft_scenario

    network = load_network()
    members = {
        str(link): (str(gid), len(links))
        for gid, links in zip(network.groups["id"], network.groups["members"], strict=True)
        if all(m in set(network.links["id"]) for m in links)
        for link in links
    }
    right_fields = dict.fromkeys(FIELDS, 0)
    found_fields = dict.fromkeys(FIELDS, 0)
    expected_total = found_total = right_total = predicted_new = predicted_found = 0
    traps, traps_hit, slowest, slowest_id = 0, [], 0.0, ""
    rows = []
    started = time.perf_counter()  # the first draft loads the Russian lemmatiser and the entity tagger
    draft_scenario("Литва запретила транзит угля в Калининград.", published=dt.date(2022, 1, 1), network=network)
    draft_scenario("Lithuania banned coal transit to Kaliningrad.", published=dt.date(2022, 1, 1), network=network)
    cold = time.perf_counter() - started
    for art in articles:
        started = time.perf_counter()
        draft = draft_scenario(art["body"], published=dt.date.fromisoformat(str(art["published"])), network=network)
        took = time.perf_counter() - started
        if took > slowest:
            slowest, slowest_id = took, art["id"]
        events = draft.to_dict()["events"]
        new = [e for e in events if e["status"] == "new"]
        predicted_new += len(new)
        if not art["events"]:
            traps += 1
            if new:
                traps_hit.append(art["id"])
                if verbose:
                    print(f"  {art['id']}: trap hit by {[(e['asset'], e['action']) for e in new]}")
            rows.append((art["id"], "trap", "hit" if new else "ok"))
            continue
        used: set[int] = set()
        for label in art["events"]:
            expected_total += 1
            ids = {label["asset"], *(label.get("accept") or [])}
            match = next(
                (
                    i
                    for i, e in enumerate(events)
                    if i not in used and e["asset"] in ids and e["action"] == label["action"]
                ),
                None,
            )
            if match is None and label["asset"] in members and label["action"] in ("close", "reopen"):
                group, n = members[label["asset"]]
                action = "derate" if label["action"] == "close" else "reopen"
                match = next(
                    (
                        i
                        for i, e in enumerate(events)
                        if i not in used and e["asset"] == group and e["action"] == action
                    ),
                    None,
                )
                if match is not None and action == "derate":
                    label = {**label, "fraction": round(1 / n, 3)}  # noqa: PLW2901 - the equivalent label
            group_size = dict(members.values())
            if match is None and label["asset"] in group_size and label["action"] in ("derate", "reopen"):
                n = group_size[label["asset"]]
                if label["action"] == "reopen" or _same_fraction(label.get("fraction"), round(1 / n, 3)):
                    # the group derated by 1/n drafted as the closure of one of its n links (or its reopening)
                    action = "close" if label["action"] == "derate" else "reopen"
                    inside = {link for link, (g, _) in members.items() if g == label["asset"]}
                    match = next(
                        (
                            i
                            for i, e in enumerate(events)
                            if i not in used and e["asset"] in inside and e["action"] == action
                        ),
                        None,
                    )
                    if match is not None and action == "close":
                        label = {**label, "fraction": 1.0}  # noqa: PLW2901 - the equivalent label
            if match is None:
                rows.append((art["id"], f"{label['action']} {label['asset']}", "missed"))
                if verbose:
                    print(f"  {art['id']}: missed {label['action']} {label['asset']}; draft had "
                          f"{[(e['asset'], e['action'], e['status']) for e in events]}")  # fmt: skip
                continue
            used.add(match)
            got = events[match]
            found_total += 1
            if got["status"] == "new":
                predicted_found += 1
            checks = {
                "asset": True,
                "action": True,
                "fraction": _same_fraction(got["fraction"], label.get("fraction")),
                "start": _same_start(got["start"], label.get("start")),
                "status": got["status"] == label["status"],
            }
            for f, ok in checks.items():
                found_fields[f] += 1
                right_fields[f] += ok
            ok_all = all(checks.values())
            right_total += ok_all
            wrong = [f for f, ok in checks.items() if not ok]
            rows.append((art["id"], f"{label['action']} {label['asset']}", "right" if ok_all else f"wrong {wrong}"))
            if verbose and not ok_all:
                print(f"  {art['id']}: {label['action']} {label['asset']} {wrong}: draft {got['fraction']}, "
                      f"{got['start']}, {got['status']}; label {label.get('fraction')}, {label.get('start')}, "
                      f"{label['status']}")  # fmt: skip
        for trap in art["traps"]:
            traps += 1
            ids = {trap.get("asset"), *(trap.get("accept") or [])}
            hit = [
                e
                for i, e in enumerate(events)
                if i not in used and e["status"] == "new" and e["action"] == trap["action"] and e["asset"] in ids
            ]
            if hit:
                traps_hit.append(f"{art['id']} ({trap['kind']})")
                if verbose:
                    print(f"  {art['id']}: trap {trap['kind']} hit by {[(e['asset'], e['action']) for e in hit]}")
            rows.append((art["id"], f"trap {trap['kind']}"[:42], "hit" if hit else "ok"))
    per_field = {
        f: {
            "precision": round(right_fields[f] / found_fields[f], 3) if found_fields[f] else None,
            "recall": round(right_fields[f] / expected_total, 3) if expected_total else None,
        }
        for f in FIELDS
    }
    validate = _validate_seconds(network)
    return {
        "articles": len(articles),
        "expected_events": expected_total,
        "events_found": found_total,
        "events_right": right_total,
        "events_right_share": round(right_total / expected_total, 3) if expected_total else None,
        "event_precision": round(predicted_found / predicted_new, 3) if predicted_new else None,
        "per_field": per_field,
        "traps": traps,
        "traps_hit": traps_hit,
        "slowest_article_seconds": round(slowest, 3),
        "slowest_article": slowest_id,
        "one_event_validate_seconds": round(validate, 4),
        "first_draft_with_model_loading_seconds": round(cold, 2),
        "rows": rows,
    }


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("dev", "test", "all", "devset"), default="dev")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--log", action="store_true", help="append the score to test-log.md (with --part test)")
    parser.add_argument("--batch", help="only the articles added in this batch (front matter `added:`), e.g. reader-2")
    args = parser.parse_args(argv)
    if args.log and args.batch:
        sys.exit("--log scores the whole locked part: no --batch")
    result = score(load_corpus(args.part, args.batch), verbose=args.verbose)
    locked = args.part == "test"  # the locked part shows its totals only: no article, no trap by name
    if locked:
        result["traps_hit"] = [f"{len(result['traps_hit'])} hit"] if result["traps_hit"] else []
        result["slowest_article"] = "-"
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=2))
    else:
        for art, what, verdict in [] if locked else result["rows"]:
            print(f"{art:46} {what:42} {verdict}")
        print()
        print(f"part {args.part}: {result['articles']} articles; events right: {result['events_right']} of "
              f"{result['expected_events']} ({result['events_right_share']:.0%}); found {result['events_found']}; "
              f"precision of new events {result['event_precision']}")  # fmt: skip
        for f, v in result["per_field"].items():
            print(f"  {f:9} precision {v['precision']}  recall {v['recall']}")
        hit = int(result["traps_hit"][0].split()[0]) if locked and result["traps_hit"] else len(result["traps_hit"])
        print(
            f"traps: {result['traps'] - hit} of {result['traps']} avoided {'' if locked else result['traps_hit'] or ''}"
        )
        print(f"slowest article: {result['slowest_article_seconds']} s ({result['slowest_article']}); "
              f"one-event validate {result['one_event_validate_seconds']} s; first draft of the process (loads the "
              f"models) {result['first_draft_with_model_loading_seconds']} s")  # fmt: skip
    if args.log:
        if args.part != "test":
            sys.exit("--log is for the locked test part only (--part test)")
        pf = result["per_field"]
        line = (
            f"| {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M')} UTC | {_commit()} | "
            f"{result['events_right']}/{result['expected_events']} ({result['events_right_share']:.1%}) | "
            f"{result['event_precision']} | "
            + " | ".join(f"{pf[f]['precision']}/{pf[f]['recall']}" for f in ("fraction", "start", "status"))
            + f" | {result['traps_hit'][0].split()[0] if result['traps_hit'] else 0}/{result['traps']} | {result['slowest_article_seconds']} s |\n"
        )
        with TEST_LOG.open("a", encoding="utf-8") as fh:
            fh.write(line)
        print(f"logged to {TEST_LOG}")


if __name__ == "__main__":
    sys.exit(main())
