"""The OSM import benchmark still runs against the current API (a toy size: no timing checked)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("osmium", reason="the osm extra (pyosmium) is not installed")
sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))


def test_osm_benchmark_runs_and_imports_the_whole_lattice(capsys):
    import bench_osm

    figures = bench_osm.main(["--nodes", "20000"])
    assert "input nodes/s" in capsys.readouterr().out
    assert figures["input_nodes"] == 20_000 and figures["nodes_per_second"] > 0
    # 2 lines each way of 1,250 nodes, in ways of 50 that share their ends (26 ways a line): every
    # rail node is read; 4 crossings, 8 ends, 12 stations, 2 borders and 2 gauge changes stay
    assert figures["way_nodes"] == 4 * (1_250 + 25)
    assert figures["links"] == 28
