"""``corridor serve --workers 2``: two processes answer, and a job or a saved scenario made through
one is seen through the other (they share the store, not memory)."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

HOST = "127.0.0.1"


def _call(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)  # a new connection each time: any worker may take it
    try:
        data = None if body is None else json.dumps(body)
        conn.request(method, path, body=data, headers={"Content-Type": "application/json", "Connection": "close"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    script = shutil.which("corridor", path=os.path.dirname(sys.executable))
    base = [script] if script else [sys.executable, "-m", "corridor"]
    folder = tmp_path_factory.mktemp("workers")
    env = {**os.environ, "CORRIDOR_RESULTS": str(folder / "results.sqlite")}
    log = folder / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([*base, "serve", "--port", str(port), "--workers", "2"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=out)  # fmt: skip
    deadline = time.perf_counter() + 60
    while True:
        try:
            if _call(port, "GET", "/api/health")[0] == 200:
                break
        except OSError:
            pass
        if time.perf_counter() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError(f"the server did not start: {log.read_text()[-500:]}")
        time.sleep(0.2)
    yield port
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=20)


def test_two_processes_answer_and_share_jobs_and_scenarios(two_workers):
    port = two_workers
    seen = set()
    for _ in range(200):  # bounded: the kernel hands new connections to either process
        seen.add(_call(port, "GET", "/api/health")[1]["process"])
        if len(seen) == 2:
            break
    assert len(seen) == 2
    status, started = _call(port, "POST", "/api/impact", {"scenario": "cpc-court-2022"})
    assert status == 202
    for _ in range(40):
        status, job = _call(port, "GET", f"/api/jobs/{started['job']}")
        assert status == 200, job  # whichever process answers knows the job
    yaml = "name: shared-cut\nhorizon: {start: 2022-07-01, end: 2022-07-31}\nevents:\n  - {type: close, target: cpc}\n"
    assert _call(port, "POST", "/api/scenarios", {"yaml": yaml})[0] == 201
    for _ in range(10):
        status, detail = _call(port, "GET", "/api/scenarios/shared-cut/closures?on=2022-07-10")
        assert status == 200 and detail["items"][0]["id"] == "cpc"
    assert _call(port, "GET", "/api/jobs/doesnotexist")[0] == 404


@pytest.mark.parametrize(("args", "said"), [(["--workers", "0"], "--workers is 0"), (["--port", "0"], "--port is 0")])
def test_serve_refuses_out_of_range_options(args, said):
    from typer.testing import CliRunner

    from corridor.cli import app

    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output
