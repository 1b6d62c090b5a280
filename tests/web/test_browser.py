"""The map page in a real browser: Debian's Chromium driven by Playwright, against a real server.

In CI (``CI=true``) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import shutil
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
def server(tmp_path_factory, serve_app):
    from corridor.web import create_app

    return serve_app(create_app(Settings(results_path=tmp_path_factory.mktemp("browser") / "results.sqlite")))


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


def test_run_a_builtin_scenarios_impact_every_figure_with_a_unit(page, server):
    _open(page, server + "/")
    assert page.get_by_test_id("legend").is_visible()
    page.get_by_test_id("scenario-select").select_option("cpc-court-2022")
    page.get_by_test_id("closed-list").locator("li").first.wait_for(timeout=20_000)
    page.get_by_test_id("run-impact").click()
    summary = page.get_by_test_id("impact-summary")
    summary.locator("table").wait_for(timeout=120_000)
    text = summary.inner_text()
    assert "million USD" in text and "crude oil stranded" in text and "bottleneck:" in text
    rows = summary.locator("tr")
    assert rows.count() >= 5
    for i in range(rows.count()):
        figure, value, unit = (rows.nth(i).locator("td").nth(j).inner_text().strip() for j in range(3))
        assert figure and value and unit, (figure, value, unit)
        assert value.strip("-").replace(",", "").replace(".", "") != "0" * len(value.replace(",", "").replace(".", ""))
    bottlenecks = [r for r in text.splitlines() if r.startswith("bottleneck:")]
    assert len(bottlenecks) == len(set(bottlenecks))  # each once
    assert "Jul 2022" in summary.locator("caption").inner_text()  # the period it covers
    assert (
        "utilisation" in page.get_by_test_id("legend").inner_text()
        or "capacity" in page.get_by_test_id("legend").inner_text()
    )
    assert page.locator("#map path[stroke='#e600a9']").count() >= 5  # the CPC's links drawn as closed
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


def test_docs_and_redoc_work_offline(page, server):
    page.goto(server + "/docs")
    page.locator(".opblock").first.wait_for(timeout=30_000)
    assert page.locator(".opblock").count() >= 10  # the API's operations listed
    assert "/api/routes" in page.locator("#swagger-ui").inner_text()
    page.goto(server + "/redoc")
    page.get_by_text("/api/routes").first.wait_for(timeout=30_000)
    assert page.foreign == [] and page.errors == []  # type: ignore[attr-defined]


def _routes(page):
    routes = page.get_by_test_id("route-list").get_by_test_id("route")
    routes.first.wait_for(timeout=30_000)
    return routes


def test_switching_scenarios_moves_the_date_into_the_new_horizon(page, server):
    _open(page, server + "/?origin=xian_port&destination=duisburg")
    _routes(page)
    page.get_by_test_id("scenario-select").select_option("cpc-storm-2022")
    page.wait_for_function("document.querySelector('#scenario-on').value.startsWith('2022-03')")
    page.get_by_test_id("scenario-select").select_option("cpc-court-2022")
    page.wait_for_function("document.querySelector('#scenario-on').value.startsWith('2022-07')")
    page.wait_for_function("new URL(location).searchParams.get('scenario') === 'cpc-court-2022'")
    day = page.get_by_test_id("scenario-on").input_value()
    assert "2022-07-01" <= day <= "2022-08-31"
    assert _routes(page).count() >= 1
    assert "outside" not in page.locator("#route-message").inner_text()
    assert page.errors == [] and page.foreign == []  # type: ignore[attr-defined]


def test_the_closed_list_follows_the_day(page, server):
    _open(page, server + "/?scenario=cpc-court-2022&on=2022-07-02")
    closed = page.get_by_test_id("closed-list")
    page.locator("#closed-none").wait_for(timeout=20_000)
    assert closed.locator("li").count() == 0
    assert page.locator("#map path[stroke='#e600a9']").count() == 0  # nothing drawn closed before the order
    page.locator("#day-next").click()  # the day stepper
    page.wait_for_function("document.querySelector('#scenario-on').value === '2022-07-03'")
    page.get_by_test_id("scenario-on").fill("2022-07-10")
    page.get_by_test_id("scenario-on").dispatch_event("change")
    closed.locator("li").first.wait_for(timeout=20_000)
    assert closed.locator("li").count() == 1
    assert "CPC" in closed.inner_text() and "5 Jul 2022" in closed.inner_text()
    assert page.locator("#map path[stroke='#e600a9']").count() >= 5
    assert "on=2022-07-10" in page.url
    assert page.errors == [] and page.foreign == []  # type: ignore[attr-defined]


def test_a_phone_sized_screen_shows_a_usable_map(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _open(page, server + "/")
    box = page.get_by_test_id("map").bounding_box()
    assert box is not None and box["width"] >= 300 and box["height"] >= 300
    panel = page.locator("#panel").bounding_box()
    assert panel is not None and panel["y"] >= box["y"] + box["height"] - 1  # the panel below the map
    context.close()


def test_a_scenario_saved_from_the_editor_is_applied(page, server):
    _open(page, server + "/")
    page.locator("#editor-box summary").click()
    editor = page.get_by_test_id("scenario-editor")
    editor.fill(
        "name: cut-from-editor\nhorizon: {start: 2022-07-01, end: 2022-08-31}\n"
        "events:\n  - {type: close, target: cpc, start: 2022-07-05, days: 30}\n"
    )
    page.get_by_test_id("save-scenario").click()
    page.wait_for_function("new URL(location).searchParams.get('scenario') === 'cut-from-editor'", timeout=20_000)
    closed = page.get_by_test_id("closed-list")
    closed.locator("li").first.wait_for(timeout=20_000)
    assert "CPC" in closed.inner_text()
    assert page.get_by_test_id("scenario-select").input_value() == "cut-from-editor"
    assert "on=2022-07-05" in page.url  # opened on the first day its events hold
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_test_id("save-scenario").click()  # the same name again: asked, and refused
    page.wait_for_function("document.querySelector('#scenario-problems').innerText.includes('Not saved')")
    assert asked and "already named" in asked[0]
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("save-scenario").click()  # asked again, and accepted
    page.wait_for_function(
        "document.querySelector('#scenario-problems').innerText.includes('saved as cut-from-editor')"
    )
    assert page.errors == [] and page.foreign == []  # type: ignore[attr-defined]


def test_an_existing_scenario_opens_in_the_editor_and_an_event_outside_the_horizon_is_refused(page, server):
    _open(page, server + "/")
    page.get_by_test_id("scenario-select").select_option("cpc-storm-2022")
    page.locator("#open-in-editor").click()
    editor = page.get_by_test_id("scenario-editor")
    page.wait_for_function("document.querySelector('#scenario-editor').value.includes('cpc_moorings')")
    assert editor.input_value().startswith("name: cpc-storm-2022")
    editor.fill("name: late\nhorizon: {start: 2022-07-01, end: 2022-07-31}\nevents:\n"
                "  - {type: close, target: cpc, start: 2023-01-01, days: 3}\n")  # fmt: skip
    page.wait_for_function("document.querySelector('#scenario-problems').innerText.includes('horizon')")
    assert "valid:" not in page.get_by_test_id("scenario-problems").inner_text()


def test_arrow_down_and_enter_pick_a_suggestion(page, server):
    _open(page, server + "/")
    origin = page.get_by_test_id("origin")
    origin.press_sequentially("Akta", delay=30)
    first = page.locator("#origin-suggestions [role=option]").first
    first.wait_for(timeout=10_000)
    label = first.get_attribute("data-label")
    assert origin.get_attribute("aria-expanded") == "true"
    origin.press("ArrowDown")
    assert first.get_attribute("aria-selected") == "true"
    origin.press("Enter")
    assert origin.input_value() == label
    assert page.locator("#origin-suggestions [role=option]").count() == 0
    origin.press_sequentially("x", delay=30)
    page.locator("#origin-suggestions [role=option]").first.wait_for(timeout=10_000)
    origin.press("Escape")
    assert page.locator("#origin-suggestions [role=option]").count() == 0


def test_an_unknown_place_is_answered_in_the_pages_terms(page, server):
    _open(page, server + "/?origin=Zzyzxville&destination=Duisburg")
    message = page.locator("#route-message")
    page.wait_for_function("document.querySelector('#route-message').innerText.length > 0")
    assert "Zzyzxville" in message.inner_text() and "corridor network" not in message.inner_text()


def test_the_three_xian_duisburg_routes_read_differently(page, server):
    _open(page, server + "/?origin=Xi%27an&destination=Duisburg")
    routes = _routes(page)
    assert routes.count() == 3
    texts = [routes.nth(i).inner_text() for i in range(3)]
    told = [t.split("\n", 1)[1] for t in texts]  # what is written besides cost, time and distance
    assert len(set(told)) == 3, told
    assert all("Borders:" in t and "Bottleneck:" in t for t in told)
    page.locator("#by").select_option("time")
    page.get_by_test_id("find-routes").click()
    page.wait_for_function("new URL(location).searchParams.get('by') === 'time'")
    days = [float(routes.nth(i).inner_text().split(" days")[0].split("·")[-1]) for i in range(routes.count())]
    assert days == sorted(days)  # sorted by the chosen criterion
    assert page.locator(".end-label").count() == 2  # origin and destination labelled on the map


def test_the_top_ten_names_places_and_shows_one_on_the_map(page, server):
    _open(page, server + "/")
    page.get_by_test_id("show-criticality").click()
    items = page.get_by_test_id("criticality-list").get_by_test_id("critical-item")
    items.first.wait_for(timeout=120_000)
    assert items.count() == 10
    assert "strands" in items.first.inner_text() and "_" not in items.first.locator("b").inner_text()
    # elements in series share a line: the canal, with the Red Sea and Bab-el-Mandeb beside it, by name
    first = items.first
    assert first.locator("b").inner_text() == "Suez Canal passage", first.inner_text()
    same = first.get_by_test_id("same-outcome").inner_text()
    assert "Red Sea" in same and "Bab-el-Mandeb" in same and "same outcome" in same and "_" not in same
    titles = [items.nth(i).get_attribute("title") or "" for i in range(10)]
    named = [t.split(", ")[0] for t in titles]
    assert len(set(named)) == 10 and "cpc" in named[:5], titles  # no repeats; the CPC group in the top five
    items.first.click()
    assert page.locator(f"#map path[stroke='{'#00b8d9'}']").count() >= 1


def test_a_news_draft_opens_in_the_editor_as_yaml(page, server):
    _open(page, server + "/")
    page.locator("#news-box summary").click()
    page.locator("#news-published").fill("2022-07-06")
    page.locator("#news-text").fill("Суд приостановил деятельность КТК на 30 суток.")
    page.locator("#news-draft").click()
    page.get_by_test_id("news-open-editor").wait_for(timeout=30_000)
    assert page.locator("#news-result table td").first.inner_text() == "cpc"
    page.get_by_test_id("news-open-editor").click()
    text = page.get_by_test_id("scenario-editor").input_value()
    assert "type: close" in text and "target: cpc" in text and text.lstrip().startswith("#")
    assert page.locator("#editor-box").get_attribute("open") is not None
    assert page.errors == [] and page.foreign == []  # type: ignore[attr-defined]


def test_the_period_series_is_charted_when_the_impact_has_one(page, server):
    """The impact's ``periods`` (one row per period, per corridor and direction, TEU and t apart)."""
    _open(page, server + "/")
    periods = [
        {"start": f"2022-07-{d:02d}", "end": f"2022-07-{d + 6:02d}", "corridor": c, "direction": "westbound",
         "teu": teu, "t": t}
        for d in (1, 8, 15, 22)
        for c, teu, t in (("middle_corridor", 100.0 + d, 0.0), ("cpc", 0.0, 5000.0 - 100 * d))
    ]  # fmt: skip
    result = {"scenario": "x", "summary": [{"figure": "cost of the disruption", "value": 1.5e9, "unit": "USD",
                                            "period": "01 Jul 2022 to 28 Jul 2022 (28 days)", "level": 0, "id": ""}],
              "periods": periods, "group_names": {"cpc": "CPC pipeline"}}  # fmt: skip
    page.evaluate("r => showImpact(r, 'ffffffffffff')", result)
    chart = page.locator("#impact-periods svg")
    assert chart.locator("polyline").count() == 2
    assert "CPC pipeline" in chart.inner_html() and "TEU" in chart.inner_html()
    assert page.get_by_test_id("impact-summary").locator("td.unit").inner_text() == "billion USD"


def test_an_impact_with_samples_shows_its_ranges_and_tornado(page, server):
    """A week's CPC closure, three draws of the assumptions: each ranged figure gets a "P50 (P10–P90)"
    row and the tornado draws the drivers of the chosen headline as bars."""
    import json
    import urllib.request

    brief = (
        "name: brief-cpc-page\nhorizon: {start: 2022-07-01, end: 2022-07-07}\n"
        "events:\n  - {type: close, target: cpc, start: 2022-07-01, days: 7}\n"
    )
    saved = urllib.request.Request(
        server + "/api/scenarios", data=json.dumps({"yaml": brief, "overwrite": True}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(saved, timeout=30) as answer:
        assert answer.status == 201
    _open(page, server + "/?scenario=brief-cpc-page")
    page.get_by_test_id("scenario-select").select_option("brief-cpc-page")
    page.get_by_test_id("impact-samples").fill("3")
    page.get_by_test_id("run-impact").click()
    tornado = page.get_by_test_id("tornado")
    tornado.wait_for(timeout=180_000)
    ranges = page.get_by_test_id("impact-range")
    assert ranges.count() >= 2  # the disruption's cost and the crude stranded, at least
    first = ranges.first.locator("td")
    assert first.nth(0).inner_text() == "P50 (P10–P90)"
    assert re.fullmatch(r"-?[\d,.]+ \(-?[\d,.]+–-?[\d,.]+\)", first.nth(1).inner_text()), first.nth(1).inner_text()
    assert page.get_by_test_id("tornado-figure").input_value() == "disruption_cost_usd"
    bars = tornado.locator("rect.driver")
    assert bars.count() >= 2
    widths = [float(bars.nth(i).get_attribute("width")) for i in range(bars.count())]
    assert widths == sorted(widths, reverse=True)  # largest share on top
    assert tornado.get_attribute("aria-label") == "what drives disruption_cost_usd"
    other = page.get_by_test_id("tornado-figure").locator("option").nth(1).get_attribute("value")
    page.get_by_test_id("tornado-figure").select_option(other)
    assert page.get_by_test_id("tornado").get_attribute("aria-label") == f"what drives {other}"
    assert page.get_by_test_id("tornado").locator("rect.driver").count() >= 1
    assert page.errors == [] and page.foreign == []  # type: ignore[attr-defined]
