"""The JSON API: one library call per endpoint, and nothing a request can do to the server's files."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from corridor.settings import Settings
from corridor.web import MAX_BODY, create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(results_path=tmp_path_factory.mktemp("web") / "results.sqlite")
    with TestClient(create_app(settings)) as c:
        yield c


def test_health_and_page(client):
    assert client.get("/api/health").json()["status"] == "ok"
    page = client.get("/")
    assert page.status_code == 200 and 'data-testid="map"' in page.text
    assert "https://" not in page.text and "http://" not in page.text  # every URL relative to the app
    assert client.get("/static/vendor/leaflet/LICENSE").status_code == 200


def test_places_autocomplete(client):
    places = client.get("/api/places", params={"q": "Акта"}).json()["places"]
    assert places[0]["id"] == "aktau_port"
    assert {p["id"] for p in client.get("/api/places", params={"q": "Kur"}).json()["places"]} >= {"kuryk_port"}


def test_routes_with_geometry(client):
    data = client.get("/api/routes", params={"origin": "Xi'an", "destination": "Duisburg", "k": 3}).json()
    assert len(data["routes"]) == 3
    first = data["routes"][0]
    assert first["countries"][0] == "CN" and first["countries"][-1] == "DE"
    assert first["geometry"]["type"] == "MultiLineString"
    assert len(first["geometry"]["coordinates"]) == len(first["links"])


def test_routes_under_a_scenario_on_a_day(client):
    params = {"origin": "duisburg", "destination": "xian_port", "by": "time", "scenario": "sanctions-ban-2022",
              "on": "2022-06-01"}  # fmt: skip
    data = client.get("/api/routes", params=params).json()
    assert not {"RU", "BY"} & set(data["routes"][0]["countries"])
    assert data["closed"] == ["RU, BY (transit barred in sanctions-ban-2022)"]


def test_an_unknown_place_is_named_with_suggestions(client):
    bad = client.get("/api/routes", params={"origin": "Zzyzxville", "destination": "Duisburg"})
    assert bad.status_code == 404 and "Zzyzxville" in bad.json()["detail"]
    near = client.get("/api/routes", params={"origin": "Atkau", "destination": "Duisburg"})
    assert near.status_code == 404 and "aktau_port" in near.json()["suggestions"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/scenarios/%2Fetc%2Fpasswd",
        "/api/scenarios/..%2F..%2Fpyproject.toml",
        "/api/scenarios/../../pyproject.toml",
        "/static/../../pyproject.toml",
        "/static/..%2F..%2Fpyproject.toml",
        "/etc/passwd",
        "/index.html/../../pyproject.toml",
    ],
)
def test_no_request_reads_a_server_file(client, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500
    assert "[project]" not in response.text and "root:" not in response.text


def test_a_path_as_scenario_is_refused(client):
    for name in ("/etc/passwd", "../../pyproject.toml"):
        response = client.get("/api/routes", params={"origin": "Xi'an", "destination": "Duisburg", "scenario": name})
        assert response.status_code == 422 and "[project]" not in response.text
        impact = client.post("/api/impact", json={"scenario": name})
        assert impact.status_code == 422
    extends = client.post("/api/scenarios/validate", content="name: x\nextends: /etc/passwd\nevents: []\n")
    assert extends.json()["valid"] is False and "expected the name of a scenario" in extends.json()["problems"][0]


def test_bodies_are_capped_and_the_server_goes_on(client):
    junk = b"x" * (2 * MAX_BODY)
    assert client.post("/api/scenarios/validate", content=junk).status_code == 413
    assert client.get("/api/health").status_code == 200


def test_validate_save_and_use_a_scenario(client):
    bad = client.post("/api/scenarios/validate", content="name: x\nhorizon: {start: 2022-13-01, end: 2022-12-31}\n")
    assert bad.json()["valid"] is False and "horizon.start" in bad.json()["problems"][0]
    text = "name: my-cut\nhorizon: {start: 2022-07-01, end: 2022-07-31}\nevents:\n  - {type: close, target: cpc}\n"
    assert client.post("/api/scenarios/validate", content=text).json()["valid"] is True
    assert client.post("/api/scenarios", json={"yaml": text}).status_code == 201
    assert "my-cut" in [s["name"] for s in client.get("/api/scenarios").json()["scenarios"]]
    detail = client.get("/api/scenarios/my-cut").json()
    assert detail["events"][0]["target"] == "cpc" and "cpc_tengiz_atyrau" in detail["closed_links"]
    assert client.get("/api/scenarios/sanctions-2022").json()["closed_links"] == []
    builtin = text.replace("my-cut", "cpc-court-2022")
    assert client.post("/api/scenarios", json={"yaml": builtin}).status_code == 422


def test_impact_job_and_exports(client):
    job = client.post("/api/impact", json={"scenario": "cpc-court-2022"}).json()["job"]
    for _ in range(240):
        state = client.get(f"/api/jobs/{job}").json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.25)
    assert state["state"] == "done", state
    result = state["result"]
    assert result["delta_cost_usd"] > 0 and result["stranded"]["crude_oil"] > 1e6
    book = client.get(f"/api/export/impact/{job}", params={"format": "xlsx"})
    assert book.status_code == 200 and book.content[:2] == b"PK"  # a zip: an .xlsx workbook
    assert "group,commodity" in client.get(f"/api/export/impact/{job}", params={"format": "csv"}).text
    assert client.get("/api/jobs/ffffffffffff").status_code == 404
    assert client.get("/api/jobs/doesnotexist").status_code == 404
    assert client.get("/api/export/impact/ffffffffffff").status_code == 404


def test_impact_on_top_of_a_base_scenario(client):
    body = {"scenario": "caspian-ports-nov-2022", "base": "sanctions-2022", "period": "month"}
    job = client.post("/api/impact", json=body).json()["job"]
    for _ in range(480):
        state = client.get(f"/api/jobs/{job}").json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.25)
    assert state["state"] == "done", state
    assert state["result"]["base"] == "sanctions-2022" and state["result"]["disruption_cost_usd"] > 0
    assert client.post("/api/impact", json={**body, "base": "../etc"}).status_code == 422
    assert client.post("/api/impact", json={**body, "base": "no-such-one"}).status_code in (404, 422)


def test_network_criticality_results_and_route_exports(client):
    features = client.get("/api/network", params={"use": True}).json()["features"]
    assert any(f["properties"].get("volume") for f in features if f["properties"]["kind"] == "link")
    answer = client.get("/api/criticality", params={"top": 3}).json()
    rows = answer["rows"]
    assert rows[0]["extra_cost_usd"] >= rows[-1]["extra_cost_usd"] > 0
    # elements in series are one row: the canal named, the sea area and the strait beside it
    assert rows[0]["closed"] == "suez_canal_passage" and rows[0]["closed_names"] == "Suez Canal passage"
    assert sorted(rows[0]["same_outcome"]) == ["bab_el_mandeb_strait", "red_sea"] and rows[0]["elements"] == 3
    assert "one cut set" in answer["ranking_rule"]
    assert "runs" in client.get("/api/results").json()
    params = {"origin": "Xi'an", "destination": "Duisburg"}
    geo = client.get("/api/export/routes", params=params).json()
    assert geo["type"] == "FeatureCollection" and geo["features"][0]["properties"]["cost_usd"] > 0
    assert client.get("/api/export/routes", params={**params, "format": "csv"}).text.startswith("origin,")


def test_fuzzed_from_the_openapi_schema_no_server_error(tmp_path):
    """Schemathesis draws requests for every endpoint from /openapi.json: none may answer 5xx."""
    import schemathesis

    app = create_app(Settings(results_path=tmp_path / "fuzz.sqlite"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    slow = ("/api/impact", "/api/criticality", "/api/jobs/{job_id}", "/api/export/impact/{job_id}")
    failures: list[tuple] = []
    calls: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in slow:
            continue

        _fuzz(operation, calls, failures)
    assert not failures, failures
    assert len(set(calls)) >= 10 and len(calls) >= 60  # the fuzz really ran every endpoint


def _fuzz(operation, calls: list[str], failures: list[tuple]) -> None:
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def check(case) -> None:
        response = case.call()
        calls.append(operation.path)
        if response.status_code >= 500:
            failures.append((operation.path, response.status_code, case.query, response.text[:200]))

    check()


def test_news_draft_endpoint(client):
    assert client.get("/api/health").json()["news"] is True
    text = "Суд приостановил деятельность КТК на 30 суток."
    draft = client.post("/api/news/draft", params={"published": "2022-07-06"}, content=text.encode("utf-8"),
                        headers={"content-type": "text/plain"}).json()  # fmt: skip
    assert draft["language"] == "ru" and draft["events"][0]["asset"] == "cpc"
    assert draft["events"][0]["duration_days"] == 30


def test_closures_on_a_day_name_the_element(client):
    before = client.get("/api/scenarios/cpc-court-2022/closures", params={"on": "2022-07-02"}).json()
    assert before["items"] == []
    during = client.get("/api/scenarios/cpc-court-2022/closures", params={"on": "2022-07-10"}).json()["items"]
    assert [(i["id"], i["capacity_share"], i["start"], i["end"]) for i in during] == [
        ("cpc", 0.0, "2022-07-05", "2022-08-03")
    ]
    assert "CPC" in during[0]["name"] and "cpc_tengiz_atyrau" in during[0]["links"]
    storm = client.get("/api/scenarios/cpc-storm-2022/closures", params={"on": "2022-04-10"}).json()["items"]
    assert [(i["id"], i["capacity_share"]) for i in storm] == [("cpc_moorings", 0.3333)]
    outside = client.get("/api/scenarios/cpc-court-2022/closures", params={"on": "2023-01-01"})
    assert outside.status_code == 422 and "outside" in outside.json()["detail"]


def test_a_scenario_opens_on_the_first_day_its_events_hold(client):
    detail = client.get("/api/scenarios/cpc-court-2022").json()
    assert detail["first_day"] == "2022-07-05" and detail["yaml"].startswith("name: cpc-court-2022")
    listed = {s["name"]: s for s in client.get("/api/scenarios").json()["scenarios"]}
    assert listed["cpc-storm-2022"]["first_day"] == "2022-03-22"
    routes = client.get("/api/routes", params={"origin": "tengiz", "destination": "crude_markets",
                                               "commodity": "crude_oil", "scenario": "cpc-court-2022"}).json()  # fmt: skip
    assert routes["on"] == "2022-07-05" and "cpc" in routes["closed"][0]


def test_an_event_outside_the_horizon_is_refused_and_a_name_is_not_overwritten_silently(client):
    late = "name: late\nhorizon: {start: 2022-07-01, end: 2022-07-31}\nevents:\n  - {type: close, target: cpc, start: 2023-01-01}\n"
    checked = client.post("/api/scenarios/validate", content=late).json()
    assert checked["valid"] is False and "horizon" in checked["problems"][0]
    assert client.post("/api/scenarios", json={"yaml": late}).status_code == 422
    text = "name: twice\nhorizon: {start: 2022-07-01, end: 2022-07-31}\nevents:\n  - {type: close, target: cpc}\n"
    assert client.post("/api/scenarios", json={"yaml": text}).status_code == 201
    assert client.post("/api/scenarios/validate", content=text).json()["exists"] is True
    again = client.post("/api/scenarios", json={"yaml": text})
    assert again.status_code == 409 and "already named 'twice'" in again.json()["detail"]
    assert client.post("/api/scenarios", json={"yaml": text, "overwrite": True}).status_code == 201


def test_routes_say_what_sets_them_apart(client):
    xian = client.get("/api/routes", params={"origin": "Xi'an", "destination": "Duisburg", "by": "time"}).json()
    routes = xian["routes"]
    told = [(tuple(r["borders"]), tuple(r["via"])) for r in routes]
    assert len(set(told)) == 3 and all(r["bottleneck_name"] for r in routes)
    assert [r["time_h"] for r in routes] == sorted(r["time_h"] for r in routes)
    assert routes[0]["origin_name"].startswith("Xi'an") and [r["group"] for r in routes] == [1, 2, 3]
    crude = client.get("/api/routes", params={"origin": "tengiz", "destination": "crude_markets",
                                              "commodity": "crude_oil"}).json()["routes"]  # fmt: skip
    assert [r["group"] for r in crude] == [1, 1, 1]  # the three moorings: near-duplicates
    assert len({tuple(r["differs_by"]) for r in crude}) == 3
    assert any("SPM-1" in part for part in crude[0]["differs_by"])


def test_unknown_place_speaks_of_the_page(client):
    bad = client.get("/api/routes", params={"origin": "Zzyzxville", "destination": "Duisburg"}).json()
    assert "corridor network show" not in bad["detail"] and "suggestions" in bad["detail"]


def test_docs_pages_are_served_from_the_package(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200 and "https://" not in page.text and "http://" not in page.text
        assert "Content-Security-Policy" in page.headers
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/vendor/redoc/redoc.standalone.js").status_code == 200
    assert client.get("/static/vendor/redoc/LICENSE").status_code == 200


BRIEF = (
    "name: brief-cpc\nhorizon: {start: 2022-07-01, end: 2022-07-07}\n"
    "events:\n  - {type: close, target: cpc, start: 2022-07-01, days: 7}\n"
)


def test_an_impact_with_samples_gives_ranges_and_drivers(client):
    assert client.post("/api/scenarios", json={"yaml": BRIEF, "overwrite": True}).status_code == 201
    job = client.post("/api/impact", json={"scenario": "brief-cpc", "samples": 3, "seed": 2}).json()["job"]
    for _ in range(480):
        state = client.get(f"/api/jobs/{job}").json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.25)
    assert state["state"] == "done", state
    result = state["result"]
    assert result["samples"] == 3 and result["seed"] == 2
    cost = result["ranges"]["disruption_cost_usd"]
    assert cost["p10"] <= cost["p50"] <= cost["p90"]
    first = result["summary"][0]
    assert first["figure"] == "cost of the disruption" and first["p50"] == cost["p50"]
    assert result["drivers"] and all(d[0]["share"] > 0 for d in result["drivers"].values())


@pytest.mark.parametrize("samples", [0, 201, 10**9])
def test_an_impact_with_too_many_samples_is_refused(client, samples):
    answer = client.post("/api/impact", json={"scenario": "cpc-court-2022", "samples": samples})
    assert answer.status_code == 422  # a RequestError, as every bad request the page can send
    assert f"samples is {samples}; the page runs 1 to 200 draws" in answer.json()["detail"]


def test_an_impact_with_samples_on_a_base_is_refused(client):
    body = {"scenario": "caspian-ports-nov-2022", "base": "sanctions-2022", "samples": 3}
    answer = client.post("/api/impact", json=body)
    assert answer.status_code == 422 and "drop one of them" in answer.json()["detail"]
