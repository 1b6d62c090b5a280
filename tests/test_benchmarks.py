"""The benchmarks still run against the library's current API (at toy sizes: no timing is checked)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))


def test_routing_benchmark_runs(capsys):
    import bench_routing

    bench_routing.main(["--nodes", "300", "--queries", "5", "--repeats", "1"])
    assert "networkx" in capsys.readouterr().out


@pytest.mark.parametrize("size", [["--nodes", "300", "--commodities", "4"]])
def test_assignment_benchmark_runs(capsys, size):
    import bench_assignment

    bench_assignment.main(size)
    assert capsys.readouterr().out.strip()
