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
    assert client.get("/api/jobs/ffffffffffff").status_code == 404  # an unknown id is not found


def test_network_criticality_results_and_route_exports(client):
    features = client.get("/api/network", params={"use": True}).json()["features"]
    assert any(f["properties"].get("volume") for f in features if f["properties"]["kind"] == "link")
    rows = client.get("/api/criticality", params={"top": 3}).json()["rows"]
    assert rows[0]["extra_cost_usd"] >= rows[-1]["extra_cost_usd"] > 0
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
