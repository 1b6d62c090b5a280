"""Score ``corridor news draft`` on the labelled development set (benchmarks/news/devset.yaml).

Rules (also in benchmarks/README.md):

* An expected event is **found** when the draft has an event on its asset (the labelled id or one
  of ``accept``) with the same action. One draft event can find one expected event. A closure or
  reopening of one link of a group whose capacity is shared by n member links (one of the CPC's
  three moorings) may equally be drafted as a derate of the group by 1/n (or its reopening).
* A found event is **right** when, besides asset and action, its share is within 0.05 of the label
  (both null counts as equal), its start date equals the label's (both null equal: a date the
  article does not give must stay null), and its status (new, background, conditional) matches.
* **Per field**: precision = right values among draft events that found an expected one, recall =
  right values among expected events.
* **Precision of events**: found draft events / all draft events with status ``new``.
* **Traps**: an article labelled with no events (a fine, a negation, a condition, an old story
  restated, a statement of intent) is hit when the draft has any event with status ``new``.

Run: ``python benchmarks/news.py [--json] [--verbose]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import yaml

DEVSET = Path(__file__).parent / "news" / "devset.yaml"
FIELDS = ("asset", "action", "fraction", "start", "status")


def _same_fraction(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 0.05


def _same_start(a: Any, b: Any) -> bool:
    return (None if a is None else str(a)) == (None if b is None else str(b))


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
    traps, traps_hit, slowest = 0, [], 0.0
    rows = []
    for art in articles:
        started = time.perf_counter()
        draft = draft_scenario(art["text"], published=dt.date.fromisoformat(str(art["published"])), network=network)
        slowest = max(slowest, time.perf_counter() - started)
        events = [e.to_dict() if hasattr(e, "to_dict") else e for e in draft.to_dict()["events"]]
        new = [e for e in events if e["status"] == "new"]
        predicted_new += len(new)
        if not art["events"]:
            traps += 1
            if new:
                traps_hit.append(art["id"])
            rows.append((art["id"], "trap", "hit" if new else "ok"))
            continue
        used: set[int] = set()
        for label in art["events"]:
            expected_total += 1
            ids = {label["asset"], *label.get("accept", [])}
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
            if match is None:
                rows.append((art["id"], f"{label['action']} {label['asset']}", "missed"))
                if verbose:
                    print(f"  {art['id']}: missed; draft had {[(e['asset'], e['action']) for e in events]}")
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
                print(
                    f"  {art['id']}: {wrong}: draft {got['fraction']}, {got['start']}, {got['status']}; label {label}"
                )
    per_field = {
        f: {
            "precision": round(right_fields[f] / found_fields[f], 3) if found_fields[f] else None,
            "recall": round(right_fields[f] / expected_total, 3) if expected_total else None,
        }
        for f in FIELDS
    }
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
        "slowest_article_seconds": round(slowest, 2),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--devset", type=Path, default=DEVSET)
    args = parser.parse_args(argv)
    articles = yaml.safe_load(args.devset.read_text(encoding="utf-8"))["articles"]
    result = score(articles, verbose=args.verbose)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=2))
        return
    for art, what, verdict in result["rows"]:
        print(f"{art:34} {what:42} {verdict}")
    print()
    print(f"events right: {result['events_right']} of {result['expected_events']} ({result['events_right_share']:.0%}); "
          f"found {result['events_found']}; precision of new events {result['event_precision']}")  # fmt: skip
    for f, v in result["per_field"].items():
        print(f"  {f:9} precision {v['precision']}  recall {v['recall']}")
    print(
        f"traps: {result['traps'] - len(result['traps_hit'])} of {result['traps']} avoided {result['traps_hit'] or ''}"
    )
    print(f"slowest article: {result['slowest_article_seconds']} s")


if __name__ == "__main__":
    sys.exit(main())
