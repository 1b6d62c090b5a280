"""The news monitor on the real results store (SQLite), the real reader and real feeds and pages
served by a local HTTP server started here (never the internet)."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import RequestError, ScenarioError
from corridor.news.monitor import incidents_on, ingest, living_scenario_yaml
from corridor.scenario import load_scenario

CLOSE_EN = (
    "The Caspian Pipeline Consortium suspended oil loading at its marine terminal near Novorossiysk "
    "on 27 November because of a storm. Tankers wait at anchor; shippers were told to hold crude in "
    "their tanks."
)
CLOSE_RU = (
    "КТК приостановил отгрузку нефти на морском терминале под Новороссийском 27 ноября из-за шторма. "
    "Танкеры ожидают на рейде, грузоотправители держат нефть в резервуарах."
)
REOPEN_EN = (
    "The Caspian Pipeline Consortium resumed oil loading at its marine terminal on 30 November after "
    "the storm passed, the company said in a statement; tankers are being moored again."
)


def article(folder: Path, name: str, text: str, published: str | None, source: str) -> Path:
    head = {"source": source, "title": name}
    if published:
        head["published"] = published
    path = folder / name
    path.write_text("---\n" + yaml.safe_dump(head) + "---\n" + text + "\n", encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "results.sqlite"


@pytest.fixture
def storm(tmp_path: Path) -> Path:
    """Three articles on one CPC storm (English, Russian, a reopening) and a repost of the first."""
    folder = tmp_path / "news"
    folder.mkdir()
    article(folder, "a-close.md", CLOSE_EN, "2023-11-27", "https://wire.example/cpc-storm")
    article(folder, "b-close-ru.md", CLOSE_RU, "2023-11-28", "https://vesti.example/ktk-shtorm")
    article(folder, "c-repost.md", CLOSE_EN.replace("storm.", "storm!"), "2023-11-27", "https://copy.example/x")
    article(folder, "d-reopen.md", REOPEN_EN, "2023-11-30", "https://wire.example/cpc-resumes")
    return folder


def test_a_folder_ingested_twice_adds_each_article_once(store: Path, storm: Path) -> None:
    first = ingest(store, [storm])
    assert (first.added, first.duplicates) == (3, 1)
    assert first.duplicate_of == {"https://copy.example/x": "https://wire.example/cpc-storm"}
    assert len(first.incidents_opened) == 1
    again = ingest(store, [storm])
    assert (again.added, again.duplicates, again.known) == (0, 0, 4)
    assert again.incidents_opened == again.incidents_updated == []


def test_a_translation_is_a_second_source_not_a_duplicate(store: Path, storm: Path) -> None:
    ingest(store, [storm])
    (incident,) = incidents_on(store, on=dt.date(2023, 11, 28))
    assert incident.asset == "cpc"
    assert len(incident.articles) == 3  # English, Russian, reopening; not the repost
    assert incident.sources == ("vesti.example", "wire.example")
    assert incident.confidence > max(e["quotes"] and 0.9 for e in incident.evidence[:1])
    assert {e["language"] for e in incident.evidence} == {"en", "ru"}


def test_an_incident_is_open_before_its_reopening_and_ended_after(store: Path, storm: Path) -> None:
    ingest(store, [storm])
    before = incidents_on(store, on=dt.date(2023, 11, 28))[0]
    after = incidents_on(store, on=dt.date(2023, 12, 1))[0]
    assert (before.status, after.status) == ("open", "ended")
    assert (before.start, before.end, before.end_basis) == (dt.date(2023, 11, 27), dt.date(2023, 11, 29), "reopening")
    assert incidents_on(store, on=dt.date(2023, 11, 20))[0].status == "not started"


def test_a_later_article_updates_the_incident(store: Path, storm: Path) -> None:
    (storm / "d-reopen.md").unlink()
    opened = ingest(store, [storm])
    assert incidents_on(store, on=dt.date(2023, 11, 29))[0].end is None
    later = storm.parent / "later"
    later.mkdir()
    article(later, "reopen.md", REOPEN_EN, "2023-11-30", "https://wire.example/cpc-resumes")
    report = ingest(store, [later])
    assert (report.incidents_opened, report.incidents_updated) == ([], opened.incidents_opened)
    assert incidents_on(store, on=dt.date(2023, 12, 5))[0].status == "ended"


@pytest.mark.parametrize(
    ("lead", "start", "basis"),
    [("", dt.date(2023, 11, 27), "first reports"), ("По уточненным данным, ", dt.date(2023, 11, 26), "correction")],
)
def test_a_date_restated_days_later_moves_the_start_only_as_a_correction(
    store: Path, tmp_path: Path, lead: str, start: dt.date, basis: str
) -> None:
    article(tmp_path, "a.md", CLOSE_RU, "2023-11-28", "https://vesti.example/ktk-shtorm")
    later = (
        "Каспийский трубопроводный консорциум остановил погрузку танкеров на терминале 26 ноября, когда усилился ветер."
    )
    article(tmp_path, "b.md", lead + later, "2023-12-02", "https://other.example/ktk")
    ingest(store, [tmp_path])
    (incident,) = incidents_on(store, on=None)
    assert (len(incident.articles), incident.start, incident.start_basis) == (2, start, basis)


def test_a_later_until_further_notice_undoes_a_stated_duration(store: Path, tmp_path: Path) -> None:
    paused = "Maersk suspended the passage of its vessels through the Bab el-Mandeb Strait for 48 hours after a container ship was hit by a missile."
    article(tmp_path, "a.md", paused, "2023-12-31", "https://wire.example/maersk")
    ingest(store, [tmp_path])
    (incident,) = incidents_on(store, on=None)
    assert (incident.end, incident.end_basis) == (dt.date(2024, 1, 1), "stated duration")
    extended = "Maersk said on Tuesday it will pause all transits through the Red Sea until further notice, after Houthi boats attacked one of its ships."
    article(tmp_path, "b.md", extended, "2024-01-02", "https://other.example/maersk")
    ingest(store, [tmp_path])
    (incident,) = incidents_on(store, on=None)
    assert (len(incident.articles), incident.end, incident.until_further_notice) == (2, None, True)


def test_an_article_without_a_date_is_kept_under_review(store: Path, tmp_path: Path) -> None:
    article(tmp_path, "undated.md", CLOSE_EN, None, "https://wire.example/undated")
    report = ingest(store, [tmp_path / "undated.md"])
    assert (report.added, report.under_review, report.incidents_opened) == (1, 1, [])


def test_the_living_scenario_validates_but_for_review_fields_and_impact_runs_it(
    store: Path, storm: Path, tmp_path: Path
) -> None:
    from corridor.network import load_network

    (storm / "d-reopen.md").unlink()
    ingest(store, [storm])
    states = incidents_on(store, on=dt.date(2023, 11, 28))
    out = tmp_path / "living.yaml"
    out.write_text(living_scenario_yaml(states, on=dt.date(2023, 11, 28)), encoding="utf-8")
    with pytest.raises(ScenarioError) as refused:
        load_scenario(out, load_network())
    assert all("needs review" in line for line in str(refused.value).splitlines())
    result = CliRunner().invoke(
        app, ["news", "scenario", "--on", "2023-11-28", "--accept", "--out", str(out), "--results", str(store)]
    )
    assert result.exit_code == 0, result.output
    scenario = load_scenario(out, load_network())
    assert [(e.type, e.target, e.start) for e in scenario.events] == [("close", "cpc", dt.date(2023, 11, 27))]
    ran = CliRunner().invoke(app, ["impact", str(out), "--period", "month", "--json", "--no-save"])
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout)["delta_cost_usd"] > 0


def test_no_incident_on_a_date_is_a_clear_refusal(store: Path, storm: Path) -> None:
    ingest(store, [storm])
    with pytest.raises(RequestError, match="no incident holds on 2020-01-01"):
        living_scenario_yaml(incidents_on(store, on=dt.date(2020, 1, 1)), on=dt.date(2020, 1, 1))


def test_a_cpc_closure_raises_an_alert_for_kazakhstan_with_its_cost(store: Path, storm: Path) -> None:
    result = CliRunner().invoke(app, ["news", "ingest", str(storm), "--alert", "KZ", "--json", "--results", str(store)])
    assert result.exit_code == 0, result.output
    (alert,) = json.loads(result.stdout)["alerts"]
    assert (alert["asset"], alert["country"], alert["days"]) == ("cpc", "KZ", 3)
    assert alert["trade_cut_share"] > 0.05
    assert alert["delta_cost_usd"] > 0
    assert alert["asset_name"] == "CPC pipeline and marine terminal"
    text = CliRunner().invoke(
        app, ["news", "ingest", str(storm), "--alert", "KZ", "--results", str(store.with_suffix(".2"))]
    )
    assert "close of CPC pipeline and marine terminal (cpc) cuts" in text.stdout
    assert f"{alert['delta_cost_usd'] / 1e6:,.1f} M USD extra cost" in text.stdout
    none = CliRunner().invoke(app, ["news", "ingest", str(storm), "--alert", "KZ", "--results", str(store)])
    assert "alerts 0" in none.stdout  # nothing new: nothing to alert on


def test_an_unknown_alert_country_is_refused(store: Path, storm: Path) -> None:
    result = CliRunner().invoke(app, ["news", "ingest", str(storm), "--alert", "ZZ", "--results", str(store)])
    assert result.exit_code == 2
    assert "--alert is 'ZZ'" in result.output


def test_incidents_command_shows_the_state_on_a_date(store: Path, storm: Path) -> None:
    ingest(store, [storm])
    result = CliRunner().invoke(app, ["news", "incidents", "--on", "2023-12-02", "--json", "--results", str(store)])
    assert result.exit_code == 0, result.output
    (incident,) = json.loads(result.stdout)["incidents"]
    assert {k: incident[k] for k in ("asset", "action", "fraction", "start", "end", "status")} == {
        "asset": "cpc",
        "action": "close",
        "fraction": 1.0,
        "start": "2023-11-27",
        "end": "2023-11-29",
        "status": "ended",
    }
    assert len(incident["articles"]) == 3 and len(incident["sources"]) == 2
    bad = CliRunner().invoke(app, ["news", "incidents", "--on", "28.11.2023", "--results", str(store)])
    assert bad.exit_code == 2 and "expected a date as YYYY-MM-DD" in bad.output


# --- feeds and pages over a local HTTP server ------------------------------------------------

PAGE = """<html><head><title>{title}</title><meta charset="{charset}"></head><body>
<nav>Home | News | Markets</nav><article><h1>{title}</h1><p>{text}</p>
<p>Analysts expect the loadings to stay irregular while the weather holds, the consortium added.</p>
</article><footer>Read also: another story</footer></body></html>"""


def rss(base: str, items: list[tuple[str, str | None]]) -> str:
    entries = "".join(
        f"<item><title>{path}</title><link>{base}/{path}</link>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "</item>"
        for path, date in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, tuple[int, str, bytes]]]]:
    """A local HTTP server: path -> (status, content type, body), filled by each test."""
    pages: dict[str, tuple[int, str, bytes]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, kind, body = pages.get(self.path, (404, "text/html", b"<html>not found</html>"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", pages
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_an_rss_feed_dates_its_pages_and_skips_a_dead_link(
    store: Path, server: tuple[str, dict[str, tuple[int, str, bytes]]]
) -> None:
    base, pages = server
    html = PAGE.format(title="CPC halts loading", text=CLOSE_EN, charset="utf-8").encode()
    ru = PAGE.format(title="КТК", text=CLOSE_RU, charset="windows-1251").encode("cp1251")
    pages["/cpc"] = (200, "text/html; charset=utf-8", html)
    pages["/ktk"] = (200, "text/html", ru)  # charset named only in the page
    feed = rss(
        base, [("cpc", "Mon, 27 Nov 2023 09:00:00 GMT"), ("ktk", "Tue, 28 Nov 2023 09:00:00 GMT"), ("gone", None)]
    )
    pages["/feed.xml"] = (200, "application/rss+xml", feed.encode())
    report = ingest(store, [f"{base}/feed.xml"])
    assert (report.added, report.under_review) == (2, 0)
    assert [s.source for s in report.skipped] == [f"{base}/gone"]
    assert "answered 404" in report.skipped[0].reason
    (incident,) = incidents_on(store, on=dt.date(2023, 11, 28))
    assert incident.asset == "cpc" and len(incident.sources) == 1  # one host: one outlet
    assert ingest(store, [f"{base}/feed.xml"]).added == 0


def test_bad_sources_are_refused_with_what_was_expected(
    store: Path, server: tuple[str, dict[str, tuple[int, str, bytes]]], tmp_path: Path
) -> None:
    base, pages = server
    pages["/notxml"] = (200, "application/rss+xml", b"<rss><channel><item>broken")
    pages["/latin"] = (200, "text/html", "<html><p>Caf\u00e9 \u00e0 Novorossiysk</p></html>".encode("latin-1"))
    with pytest.raises(RequestError, match="is not an RSS or Atom feed"):
        ingest(store, [f"{base}/notxml"])
    with pytest.raises(RequestError, match="answered 404"):
        ingest(store, [f"{base}/missing"])
    with pytest.raises(RequestError, match=r"byte \d+ \(0xe9\) is not utf-8"):
        ingest(store, [f"{base}/latin"])
    (tmp_path / "feed.xml").write_text("this is not xml at all", encoding="utf-8")
    result = CliRunner().invoke(app, ["news", "ingest", str(tmp_path / "feed.xml"), "--results", str(store)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "expected well-formed XML" in result.output or "not an RSS or Atom feed" in result.output


def test_watch_polls_a_feed_and_stops_after_the_rounds_asked(
    store: Path, server: tuple[str, dict[str, tuple[int, str, bytes]]]
) -> None:
    base, pages = server
    pages["/cpc"] = (200, "text/html", PAGE.format(title="CPC", text=CLOSE_EN, charset="utf-8").encode())
    pages["/feed.xml"] = (200, "application/rss+xml", rss(base, [("cpc", "Mon, 27 Nov 2023 09:00:00 GMT")]).encode())
    result = CliRunner().invoke(
        app, ["news", "watch", f"{base}/feed.xml", "--every", "1s", "--times", "2", "--results", str(store)]
    )
    assert result.exit_code == 0, result.output
    rounds = result.stdout.strip().splitlines()
    assert "added 1," in rounds[0] and "added 0," in rounds[1]
    bad = CliRunner().invoke(app, ["news", "watch", f"{base}/feed.xml", "--every", "soon", "--results", str(store)])
    assert bad.exit_code == 2 and "--every is 'soon'" in bad.output


def test_the_same_article_twice_in_one_call_and_an_exact_copy_elsewhere(store: Path, tmp_path: Path) -> None:
    one = article(tmp_path, "one.md", CLOSE_EN, "2023-11-27", "https://wire.example/one")
    copy = article(tmp_path, "copy.md", "  " + CLOSE_EN.replace(" ", "\n", 3), "2023-11-27", "https://other.example/c")
    report = ingest(store, [one, one, copy])
    assert (report.added, report.known, report.duplicates) == (1, 1, 1)
    assert report.duplicate_of == {"https://other.example/c": "https://wire.example/one"}


def test_a_web_page_file_is_read_without_its_menus(store: Path, tmp_path: Path) -> None:
    page = tmp_path / "cpc.html"
    page.write_text(PAGE.format(title="CPC halts loading", text=CLOSE_EN, charset="utf-8"), encoding="utf-8")
    report = ingest(store, [page])
    assert (report.added, report.under_review) == (1, 1)  # the page states no date: kept under review
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    with pytest.raises(RequestError, match="holds no article text"):
        ingest(store, [empty])


def test_an_incident_off_the_countrys_routes_is_no_alert(store: Path, tmp_path: Path) -> None:
    text = "Traffic through the Suez Canal was suspended on 23 March after a container ship ran aground."
    article(tmp_path, "suez.md", text, "2021-03-24", "https://wire.example/suez")
    report = ingest(store, [tmp_path / "suez.md"], alert_country="KZ")
    assert len(report.incidents_opened) == 1
    assert report.alerts == []
