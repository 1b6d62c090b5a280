"""Shared fixtures: the tiny hand-checked network and the built-in Eurasian one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corridor import load_network
from corridor.network import Network

TINY = Path(__file__).parent / "data" / "tiny"


@pytest.fixture(scope="session")
def tiny() -> Network:
    return load_network(TINY)


@pytest.fixture(scope="session")
def eurasia() -> Network:
    return load_network()


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny dataset, to break on purpose."""
    target = tmp_path / "tiny"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture(autouse=True)
def _results_in_tmp(tmp_path_factory, monkeypatch):
    """Runs saved by the CLI during tests go to a throwaway file, never the user's."""
    monkeypatch.setenv("CORRIDOR_RESULTS", str(tmp_path_factory.mktemp("results") / "results.sqlite"))


@pytest.fixture(scope="module")
def serve_app():
    """Serve a FastAPI app on a free loopback port in a thread: ``serve_app(app)`` gives its base
    URL; every server started is stopped when the module's tests end."""
    import socket
    import threading
    import time

    import uvicorn

    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        running.append((srv, thread))
        started = time.perf_counter()
        while not srv.started:
            if time.perf_counter() - started > 20:
                raise RuntimeError("the server did not start within 20 s")
            time.sleep(0.05)
        return f"http://127.0.0.1:{port}"

    yield start
    for srv, thread in running:
        srv.should_exit = True
        thread.join(timeout=10)
