"""The benchmarks still run against the library's current API (at toy sizes: no timing is checked)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))


def test_routing_benchmark_runs(capsys):
    import bench_routing

    figures = bench_routing.main(
        ["--nodes", "300", "--queries", "5", "--repeats", "1", "--large-nodes", "600", "--large-queries", "5"]
    )
    assert "networkx" in capsys.readouterr().out
    assert figures["large_nodes"] == 600 and figures["large_over_networkx"] > 0


@pytest.mark.slow
def test_large_criticality_runs_on_processes_with_progress(capsys):
    import bench_criticality

    figures = bench_criticality.run_large(600, 3, 4, 2)
    assert figures["large_nodes"] == 600 and figures["large_closures"] == 4
    assert figures["large_progress_updates"] >= 2 and figures["large_worker_peak_mb"] > 0
    assert "progress moved" in capsys.readouterr().out


@pytest.mark.parametrize("size", [["--nodes", "300", "--commodities", "4"]])
def test_assignment_benchmark_runs(capsys, size):
    import bench_assignment

    figures = bench_assignment.main(size)
    assert capsys.readouterr().out.strip()
    assert figures["exact"] is True and figures["nodes"] == 300
    assert figures["priced_over_floor"] > 0 and figures["peak_memory_ratio"] > 0
    # what the segments' equilibrium costs on the built-in network, and the gap it reaches
    assert figures["equilibrium_over_lp"] > 0 and 0 <= figures["equilibrium_gap"] <= 1e-4


def test_all_or_nothing_floor_loads_each_route_once():
    import bench_assignment
    from corridor.flow import synthetic_demand
    from corridor.network import synthetic_network
    from corridor.routing import shortest_routes

    net = synthetic_network(200, n_commodities=1, seed=3)
    demand = synthetic_demand(net, 5, seed=4)
    load = bench_assignment.all_or_nothing(net, demand)
    table = demand.table
    routes = shortest_routes(net, list(zip(table["origin"], table["destination"], strict=True)), commodity="c0")
    # every unit is loaded once per link its cheapest route passes
    expected = sum(q * len(r.links) for q, r in zip(table["quantity_per_year"], routes, strict=True))
    assert load.sum() == pytest.approx(expected)


def test_size_sweep_prints_and_plots(tmp_path, capsys):
    import bench_assignment

    figures = bench_assignment.main(["--sizes", "150,300", "--commodities", "3", "--out", str(tmp_path)])
    assert [r["nodes"] for r in figures["sizes"]] == [150, 300]
    assert (tmp_path / "assignment_sizes.png").stat().st_size > 0
    assert "priced" in capsys.readouterr().out


def test_run_prints_one_json_object(capsys):
    import json

    import run

    run.main(["--json", "--only", "cold_start", "--quick"])
    report = json.loads(capsys.readouterr().out)  # the benchmark's own text went to stderr
    assert report["cold_start.over_imports"] > 0
    assert report["targets"] == {"cold_start.over_imports": "<= 3"}
    assert set(report["met"]) == {"cold_start.over_imports"} and report["quick"] is True
