"""The monitor's web endpoints on a real results store: incidents on a date, 404 for unknown ids,
the living scenario kept and run by the app's own impact job."""

from __future__ import annotations

import time

import pytest
import yaml
from fastapi.testclient import TestClient

from corridor.news.monitor import ingest
from corridor.settings import Settings
from corridor.web import create_app

CLOSE = (
    "The Caspian Pipeline Consortium suspended oil loading at its marine terminal near Novorossiysk "
    "on 27 November because of a storm. Tankers wait at anchor."
)
REOPEN = "The Caspian Pipeline Consortium resumed oil loading at its marine terminal on 30 November."


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    folder = tmp_path_factory.mktemp("monitor")
    for name, text, day, source in (
        ("close.md", CLOSE, "2023-11-27", "https://wire.example/close"),
        ("reopen.md", REOPEN, "2023-11-30", "https://wire.example/reopen"),
    ):
        head = yaml.safe_dump({"published": day, "source": source})
        (folder / name).write_text(f"---\n{head}---\n{text}\n", encoding="utf-8")
    store = folder / "results.sqlite"
    ingest(store, [folder])
    with TestClient(create_app(Settings(results_path=store))) as c:
        yield c


def test_incidents_answer_their_state_on_a_date(client: TestClient) -> None:
    before = client.get("/api/incidents", params={"on": "2023-11-28"}).json()["incidents"]
    after = client.get("/api/incidents", params={"on": "2023-12-02"}).json()["incidents"]
    assert [(i["asset"], i["status"]) for i in before] == [("cpc", "open")]
    assert [(i["asset"], i["status"], i["end"]) for i in after] == [("cpc", "ended", "2023-11-29")]
    one = client.get(f"/api/incidents/{before[0]['id']}", params={"on": "2023-11-28"})
    assert one.status_code == 200 and len(one.json()["evidence"]) == 2


@pytest.mark.parametrize("ident", ["999", "doesnotexist", "1" * 40])
def test_an_unknown_incident_is_404(client: TestClient, ident: str) -> None:
    answer = client.get(f"/api/incidents/{ident}")
    assert answer.status_code == 404
    assert "no incident" in answer.json()["detail"]


def test_a_bad_date_is_422(client: TestClient) -> None:
    assert client.get("/api/incidents", params={"on": "28.11.2023"}).status_code == 422


def test_articles_are_listed_without_their_text(client: TestClient) -> None:
    articles = client.get("/api/news/articles").json()["articles"]
    assert [a["source"] for a in articles] == ["https://wire.example/close", "https://wire.example/reopen"]
    assert all("text" not in a for a in articles)


@pytest.mark.slow
def test_the_living_scenario_is_kept_and_runs_as_an_impact(client: TestClient) -> None:
    made = client.post("/api/incidents/scenario", json={"on": "2023-11-28"})
    assert made.status_code == 201, made.text
    name = made.json()["name"]
    assert name in {s["name"] for s in client.get("/api/scenarios").json()["scenarios"]}
    started = client.post("/api/impact", json={"scenario": name, "period": "month"})
    assert started.status_code == 202, started.text
    job = started.json()
    for _ in range(600):
        state = client.get(f"/api/jobs/{job['job']}").json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert state["state"] == "done", state
    assert state["result"]["delta_cost_usd"] > 0
    empty = client.post("/api/incidents/scenario", json={"on": "2020-01-01"})
    assert empty.status_code == 422 and "no incident holds" in empty.json()["detail"]


@pytest.mark.parametrize("ident", ["doesnotexist", "0123456789ab"])
def test_an_unknown_job_is_404(client: TestClient, ident: str) -> None:
    answer = client.get(f"/api/jobs/{ident}")
    assert answer.status_code == 404
    assert "no job" in answer.json()["detail"]
