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
