"""``corridor news draft``: an article in, a draft scenario out (parse, call the library, render)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from corridor.cli import _shell as sh
from corridor.errors import RequestError

news_app = typer.Typer(help="Read news articles into draft scenarios.", no_args_is_help=True)
sh.app.add_typer(news_app, name="news")


@news_app.command("draft")
def news_draft(
    article: Path = typer.Argument(
        ...,
        help="The article: a UTF-8 text file, a text with YAML front matter (published:, source:), or an HTML page.",
    ),
    published: str | None = typer.Option(
        None, "--published", help="Its publication date, YYYY-MM-DD (default: the front matter's or the page's)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    out: Path | None = typer.Option(None, "--out", help="Also write a scenario draft (YAML) to this file."),
    data: Path | None = sh.DATA_OPTION,
) -> None:
    """Events on named assets (action, share lost and left, dates, status, scope, evidence) and what the article leaves open."""
    from corridor.news import draft_scenario, load_article, write_draft_scenario

    day: dt.date | None = None
    if published is not None:
        try:
            day = dt.date.fromisoformat(published)
        except ValueError:
            raise sh.fail(RequestError(f"--published is {published!r}; expected a date as YYYY-MM-DD")) from None
    text = sh.guard(lambda: load_article(article))
    day = day or text.published
    if day is None:
        raise sh.fail(
            RequestError(
                f"{article}: no publication date; give --published YYYY-MM-DD or a 'published:' line in front matter"
            )
        )
    net = None if data is None else sh.load_network_or_exit(data)
    when = day
    draft = sh.guard(lambda: draft_scenario(text.text, published=when, network=net))
    if out is not None:
        write_draft_scenario(draft, out)
    if as_json:
        payload = draft.to_dict()
        if text.source:
            payload["source"] = text.source
        sh.emit_json(payload)
    else:
        _print_draft(draft)
    if out is not None:
        print(f"scenario draft written to {out}", file=sys.stderr if as_json else sys.stdout)


def _print_draft(draft: object) -> None:
    from rich.table import Table

    from corridor.cli._render import make_console
    from corridor.news import NewsDraft

    assert isinstance(draft, NewsDraft)
    console = make_console()
    table = Table(title=f"Events (article published {draft.published}, {draft.language})")
    columns = (
        "asset",
        "action",
        "share lost",
        "share left",
        "start",
        "end / days",
        "status",
        "scope",
        "conf.",
        "evidence",
    )
    for column in columns:
        table.add_column(column)
    for e in draft.events:
        span = e.end.isoformat() if e.end else ""
        if e.duration_days is not None:
            span = "-".join(map(str, e.duration_days)) if isinstance(e.duration_days, tuple) else str(e.duration_days)
            span += " days"
        elif e.until_further_notice:
            span = "until further notice"
        asset = e.asset or f"? {e.evidence.get('asset', '')}"
        lost = "" if e.fraction is None else f"{e.fraction:.3g}"
        if e.action in ("tariff_change", "capacity_increase") and e.fraction is not None:
            lost = f"{e.fraction:+.3g} (change)"
        left = "" if e.share_left is None else f"{e.share_left:.3g}"
        quote = " | ".join(f"{k}: {v}" for k, v in e.evidence.items() if k in ("asset", "action"))
        table.add_row(
            asset, e.action, lost, left, str(e.start or ""), span, e.status, e.scope or "", f"{e.confidence:.2f}", quote
        )
    console.print(table)
    console.print("share left is what the scenario draft writes as capacity_share", style="dim")
    if draft.unknowns:
        console.print("[bold]unknowns:[/]")
        for line in draft.unknowns:
            console.print(f"  - {line}", markup=False, highlight=False)
