"""The incidents timeline in a real browser: Debian's Chromium driven by Playwright, against a real
server over a results store the monitor filled. In CI (``CI=true``) a missing browser fails."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from corridor.news.monitor import ingest
from corridor.settings import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTICLES = (
    ("close.md", "2023-11-27", "https://wire.example/close",
     "The Caspian Pipeline Consortium suspended oil loading at its marine terminal near Novorossiysk "
     "on 27 November because of a storm. Tankers wait at anchor."),
    ("close-ru.md", "2023-11-28", "https://vesti.example/ktk",
     "КТК приостановил отгрузку нефти на морском терминале под Новороссийском 27 ноября из-за шторма."),
    ("reopen.md", "2023-11-30", "https://wire.example/reopen",
     "The Caspian Pipeline Consortium resumed oil loading at its marine terminal on 30 November."),
)  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, serve_app: Any) -> str:
    from corridor.web import create_app

    folder = tmp_path_factory.mktemp("timeline")
    for name, day, source, text in ARTICLES:
        head = yaml.safe_dump({"published": day, "source": source})
        (folder / name).write_text(f"---\n{head}---\n{text}\n", encoding="utf-8")
    store = folder / "results.sqlite"
    ingest(store, [folder])
    return str(serve_app(create_app(Settings(results_path=store))))


@pytest.fixture
def page(server: str) -> Iterator[Any]:
    if CHROMIUM is None:
        message = "no chromium on PATH (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless=new"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        foreign: list[str] = []
        host = urlparse(server).netloc
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: urlparse(r.url).netloc not in ("", host) and foreign.append(r.url))
        page.errors, page.foreign = errors, foreign
        yield page
        browser.close()


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)


def test_the_timeline_shows_the_state_on_a_date_and_the_evidence(page: Any, server: str) -> None:
    _open(page, server + "/incidents?on=2023-11-28")
    rows = page.get_by_test_id("incident")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-status") == "open"
    assert "cpc" in rows.first.inner_text() and "2023-11-27" in rows.first.inner_text()
    page.get_by_test_id("on").fill("2023-12-05")
    page.get_by_test_id("on").dispatch_event("change")
    page.wait_for_selector("[data-testid=incident][data-status=ended]", timeout=10_000)
    assert "on=2023-12-05" in page.url  # the view is in the URL
    rows.first.click()
    page.wait_for_selector("[data-testid=evidence]", timeout=10_000)
    evidence = page.get_by_test_id("evidence")
    assert evidence.count() == 3
    assert "vesti.example (ru)" in page.get_by_test_id("incident-detail").inner_text()
    dates = page.get_by_test_id("incident-dates").inner_text()
    assert dates == "start 2023-11-27 (first reports) · end 2023-11-29 (reopening)"  # what each date rests on
    assert page.errors == [] and page.foreign == []


def test_the_map_page_links_to_the_timeline_and_back(page: Any, server: str) -> None:
    _open(page, server + "/")
    page.get_by_test_id("incidents-link").click()
    page.wait_for_selector("[data-testid=incident]", timeout=30_000)
    assert urlparse(page.url).path == "/incidents"
    page.get_by_test_id("map-link").click()
    page.wait_for_selector("#route-form", timeout=30_000)
    assert urlparse(page.url).path == "/"
    assert page.errors == [] and page.foreign == []


@pytest.mark.slow
def test_run_impact_of_the_living_scenario(page: Any, server: str) -> None:
    _open(page, server + "/incidents?on=2023-11-28")
    page.get_by_test_id("run-living-impact").click()
    page.wait_for_function(
        "document.querySelector('[data-testid=living-impact]').textContent.includes('M USD')", timeout=180_000
    )
    text = page.get_by_test_id("living-impact").inner_text()
    assert "news-monitor-2023-11-28" in text and "stranded crude_oil" in text
    assert page.errors == [] and page.foreign == []


def test_the_page_is_served_from_the_package(server: str) -> None:
    import urllib.request

    with urllib.request.urlopen(server + "/incidents", timeout=10) as answer:
        assert answer.status == 200 and b'data-testid="timeline"' in answer.read()
