"""The map page in a real browser: Debian's Chromium driven by Playwright, against a real server.

In CI (``CI=true``) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from urllib.parse import urlparse

import pytest

from corridor.settings import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _need_browser() -> None:
    if CHROMIUM is None:
        message = "no chromium on PATH (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from corridor.web import create_app

    app = create_app(Settings(results_path=tmp_path_factory.mktemp("browser") / "results.sqlite"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    started = time.perf_counter()
    while not srv.started:
        if time.perf_counter() - started > 20:
            raise RuntimeError("the server did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless=new"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.foreign = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
    host = urlparse(server).netloc
    page.on(
        "request",
        lambda r: (
            urlparse(r.url).scheme in ("http", "https")
            and urlparse(r.url).netloc != host
            and page.foreign.append(r.url)
        ),  # type: ignore[attr-defined]
    )
    yield page
    context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)


def test_the_map_draws_offline_with_no_console_error(page, server):
    _open(page, server + "/")
    box = page.get_by_test_id("map").bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 600
    assert page.locator("#map path.leaflet-interactive").count() > 100  # outlines and links drawn
    assert page.errors == []  # type: ignore[attr-defined]
    assert page.foreign == []  # type: ignore[attr-defined]


def test_find_routes_xian_to_duisburg(page, server):
    _open(page, server + "/")
    page.get_by_test_id("origin").fill("Xi'an")
    page.get_by_test_id("destination").fill("Duisburg")
    page.get_by_test_id("find-routes").click()
    routes = page.get_by_test_id("route-list").get_by_test_id("route")
    routes.first.wait_for(timeout=20_000)
    assert routes.count() == 3
    text = routes.first.inner_text()
    assert "USD/TEU" in text and "days" in text and "CN-" in text and "-DE" in text
    assert "origin=Xi%27an" in page.url or "origin=Xi'an" in page.url  # the view is in the URL
    assert page.errors == [] and page.foreign == []  # type: ignore[attr-defined]


def test_a_shared_url_reproduces_the_view(page, server):
    _open(page, server + "/?origin=duisburg&destination=xian_port&by=time&scenario=sanctions-ban-2022&on=2022-06-01")
    routes = page.get_by_test_id("route-list").get_by_test_id("route")
    routes.first.wait_for(timeout=20_000)
    assert "RU" not in routes.first.inner_text().split("(")[0]
    assert page.get_by_test_id("scenario-select").input_value() == "sanctions-ban-2022"


def test_run_a_builtin_scenarios_impact(page, server):
    _open(page, server + "/")
    page.get_by_test_id("scenario-select").select_option("cpc-court-2022")
    page.get_by_test_id("run-impact").click()
    summary = page.get_by_test_id("impact-summary")
    summary.locator("table").wait_for(timeout=120_000)
    text = summary.inner_text()
    assert "extra cost" in text and "M USD" in text and "stranded crude_oil" in text and "bottleneck 1" in text
    assert page.locator("#map path[stroke='#e74c3c']").count() >= 5  # the CPC's links drawn as closed
    assert page.errors == [] and page.foreign == []  # type: ignore[attr-defined]


def test_the_editor_flags_a_bad_date_as_you_type(page, server):
    _open(page, server + "/")
    page.locator("#editor-box summary").click()
    editor = page.get_by_test_id("scenario-editor")
    editor.fill("name: x\nhorizon: {start: 2022-13-45, end: 2022-12-31}\nevents: []\n")
    problems = page.get_by_test_id("scenario-problems")
    problems.locator("li").first.wait_for(timeout=10_000)
    page.wait_for_function("document.querySelector('#scenario-problems').innerText.includes('horizon.start')")
    assert "month value is outside" in problems.inner_text()


def test_screenshot_for_the_readme(page, server, tmp_path):
    """The README's picture, taken from the real page (written where the docs keep it when asked)."""
    _open(page, server + "/?origin=Xi%27an&destination=Duisburg&by=time")
    page.get_by_test_id("route-list").get_by_test_id("route").first.wait_for(timeout=20_000)
    target = os.environ.get("CORRIDOR_SCREENSHOT") or str(tmp_path / "page.png")
    page.screenshot(path=target)
    assert os.path.getsize(target) > 10_000
