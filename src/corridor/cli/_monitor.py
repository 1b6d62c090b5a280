"""``corridor news ingest | incidents | scenario | watch``: the news monitor (parse, call, render)."""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from pathlib import Path
from typing import Any

import typer

from corridor.cli import _shell as sh
from corridor.cli._news import news_app
from corridor.errors import RequestError

_ALERT_OPTION = typer.Option(None, "--alert", help="Country code: alert on incidents that cut its trade.")
_SHARE_OPTION = typer.Option(0.05, "--alert-share", help="Share of the country's trade (by value) an alert needs.")
_EVERY = re.compile(r"(?P<n>\d+(?:\.\d+)?)(?P<unit>[smh])")
_SECONDS = {"s": 1, "m": 60, "h": 3600}


def _day(value: str | None, option: str = "--on") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise sh.fail(RequestError(f"{option} is {value!r}; expected a date as YYYY-MM-DD")) from None


@news_app.command("ingest")
def news_ingest(
    sources: list[str] = typer.Argument(..., help="Files, folders, RSS/Atom feeds (file or URL) or web pages."),
    alert: str | None = _ALERT_OPTION,
    alert_share: float = _SHARE_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    data: Path | None = sh.DATA_OPTION,
    results: Path | None = sh.RESULTS_OPTION,
) -> None:
    """Keep new articles in the results store, merge their events into incidents, raise alerts."""
    from corridor.news.monitor import ingest

    net = None if data is None else sh.load_network_or_exit(data)
    report = sh.guard(
        lambda: ingest(sh.results_path(results), sources, network=net, alert_country=alert, alert_share=alert_share)
    )
    if as_json:
        sh.emit_json(report.to_dict())
        return
    summary = report.to_dict()
    print(
        f"added {summary['added']}, duplicates {summary['duplicates']}, already stored {summary['known']}, "
        f"under review (no date) {summary['under_review']}; incidents opened {summary['incidents_opened']}, "
        f"updated {summary['incidents_updated']}; alerts {len(report.alerts)}"
    )
    for source, original in report.duplicate_of.items():
        print(f"  duplicate: {source} (copy of {original})")
    for skipped in report.skipped:
        print(f"  skipped: {skipped.source}: {skipped.reason}", file=sys.stderr)
    for found in report.alerts:
        print(str(found))


@news_app.command("incidents")
def news_incidents(
    on: str | None = typer.Option(None, "--on", help="The state on this date, YYYY-MM-DD (default: today)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    results: Path | None = sh.RESULTS_OPTION,
) -> None:
    """Every incident: asset, action, share, start, end, status on the date, articles, sources, confidence."""
    from corridor.news.monitor import incidents_on

    day = _day(on) or dt.date.today()
    states = sh.guard(lambda: incidents_on(sh.results_path(results), on=day))
    if as_json:
        sh.emit_json({"on": day.isoformat(), "incidents": [s.to_dict() for s in states]})
        return
    _print_incidents(states, day)


def _print_incidents(states: list[Any], day: dt.date) -> None:
    from rich.table import Table

    from corridor.cli._render import make_console

    table = Table(title=f"Incidents on {day.isoformat()}")
    for column in (
        "id",
        "asset",
        "action",
        "share",
        "start",
        "end",
        "status",
        "articles",
        "sources",
        "conf.",
        "evidence",
    ):
        table.add_column(column)
    for s in states:
        quote = s.evidence[-1]["quotes"].get("action", "") if s.evidence else ""
        table.add_row(
            str(s.id),
            s.asset,
            s.action,
            "" if s.fraction is None else f"{s.fraction:.3g}",
            str(s.start or "?"),
            str(s.end or ("until further notice" if s.until_further_notice else "?")),
            s.status,
            str(len(s.articles)),
            str(len(s.sources)),
            f"{s.confidence:.2f}",
            quote[:60],
        )
    make_console().print(table)


@news_app.command("scenario")
def news_scenario(
    out: Path = typer.Option(..., "--out", help="Where to write the living scenario (YAML)."),
    on: str | None = typer.Option(None, "--on", help="The incidents that hold on this date (default: today)."),
    accept: bool = typer.Option(
        False, "--accept", help="Accept values no article gives (kept as notes) so that 'impact' runs it as written."
    ),
    results: Path | None = sh.RESULTS_OPTION,
) -> None:
    """The living scenario: the incidents holding on a date (with their known ends), for 'corridor impact'."""
    from corridor.news.monitor import incidents_on, living_scenario_yaml
    from corridor.store import write_atomically

    day = _day(on) or dt.date.today()
    states = sh.guard(lambda: incidents_on(sh.results_path(results), on=day))
    text = sh.guard(lambda: living_scenario_yaml(states, on=day, name=out.stem, review=not accept))
    write_atomically(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"living scenario on {day.isoformat()} written to {out}")


def parse_every(value: str) -> float:
    """'15m', '30s', '1h' as seconds."""
    found = _EVERY.fullmatch(value.strip())
    if found is None or float(found["n"]) <= 0:
        raise sh.fail(RequestError(f"--every is {value!r}; expected a positive number with s, m or h (15m)"))
    return float(found["n"]) * _SECONDS[found["unit"]]


@news_app.command("watch")
def news_watch(
    feeds: list[str] = typer.Argument(..., help="RSS/Atom feeds (file or URL), folders or pages to poll."),
    every: str = typer.Option("15m", "--every", help="How often to poll: 30s, 15m, 1h."),
    times: int = typer.Option(0, "--times", help="Stop after this many rounds (0: until Ctrl-C)."),
    alert: str | None = _ALERT_OPTION,
    alert_share: float = _SHARE_OPTION,
    data: Path | None = sh.DATA_OPTION,
    results: Path | None = sh.RESULTS_OPTION,
) -> None:
    """Ingest the feeds in a loop and print each round's news and alerts as they come."""
    from corridor.news.monitor import ingest

    pause = parse_every(every)
    net = None if data is None else sh.load_network_or_exit(data)
    store = sh.results_path(results)
    done = 0
    try:
        while True:
            stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            try:
                report = ingest(store, feeds, network=net, alert_country=alert, alert_share=alert_share)
            except RequestError as err:  # a feed down this round is tried again next round
                print(f"{stamp} error: {err}", file=sys.stderr, flush=True)
            else:
                summary = report.to_dict()
                print(
                    f"{stamp} added {summary['added']}, duplicates {summary['duplicates']}, "
                    f"incidents opened {summary['incidents_opened']}, updated {summary['incidents_updated']}",
                    flush=True,
                )
                for found in report.alerts:
                    print(f"{stamp} {found}", flush=True)
            done += 1
            if times and done >= times:
                return
            time.sleep(pause)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
