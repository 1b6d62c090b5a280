"""Criticality sweeps with the real HiGHS: pruned and warm-started against brute force, on every executor."""

from __future__ import annotations

import json
import os
import threading
import time

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import RequestError
from corridor.flow import WarmSolver, load_demand, synthetic_demand
from corridor.network import synthetic_network
from corridor.sweep import SweepOptions, closable_elements, criticality, engine
from corridor.sweep.elements import open_sea_legs
from corridor.sweep.engine import worth_spreading
from corridor.sweep.executors import batch, run_tasks


def congested(n_nodes: int, seed: int, pairs: int = 4):
    """A small synthetic network whose pairs compete for capacity, so closures strand cargo."""
    net = synthetic_network(n_nodes, neighbours=2, n_commodities=2, parallel_share=0.2, seed=seed)
    return net, synthetic_demand(net, pairs, seed=seed, quantity=(5e6, 4e7))


def same_answers(fast, brute):
    a = fast.table.set_index("closed").sort_index()
    b = brute.table.set_index("closed").sort_index()
    assert list(a.index) == list(b.index)
    scale = max(1.0, abs(brute.baseline_cost_usd))
    assert np.abs(a["extra_cost_usd"] - b["extra_cost_usd"]).max() <= 1e-9 * scale
    stranded = [c for c in a.columns if c.startswith("stranded_")]
    assert np.abs(a[stranded].to_numpy() - b[stranded].to_numpy()).max() <= 1e-6 * scale


@pytest.mark.parametrize("seed", range(6))
def test_pruned_n1_equals_brute_force(seed):
    net, dem = congested(30, seed)
    fast = criticality(net, dem)
    brute = criticality(net, dem, brute=True)
    same_answers(fast, brute)
    assert brute.n_solved == len(brute.table)
    assert fast.n_solved < brute.n_solved  # idle elements were not solved
    assert (fast.table["extra_cost_usd"] > 0).any()  # closures do cost something here


@pytest.mark.parametrize("seed", range(4))
def test_priced_sweep_equals_brute_force(seed):
    """Closures solved on the priced master (routes priced in, then dropped again) give the whole LP's answers."""
    net, dem = congested(30, seed)
    priced = criticality(net, dem, options=SweepOptions(lp="priced"))
    brute = criticality(net, dem, brute=True, options=SweepOptions(lp="plain"))
    same_answers(priced, brute)
    assert (priced.table["extra_cost_usd"] > 0).any()
    # and the same pair sweep as the whole LP's
    only = closable_elements(net, kinds=["link"], demand=dem)[:10]
    same_answers(
        criticality(net, dem, n=2, elements=only, options=SweepOptions(lp="priced")),
        criticality(net, dem, n=2, elements=only, options=SweepOptions(lp="plain")),
    )


@pytest.mark.parametrize("seed", range(3))
def test_priced_derates_equal_the_whole_lp(seed):
    """A derate of capacities the priced master has not loaded yet still holds once routes enter."""

    net, dem = congested(30, seed)
    plain, priced = WarmSolver(net, dem, lp="plain"), WarmSolver(net, dem, lp="priced")
    assert priced.lp == "priced" and plain.lp == "plain"
    size = (priced.h.getNumRow(), priced.h.getNumCol())
    rng = np.random.default_rng(seed)
    plain._index_capacity_rows()
    arcs = sorted(plain._arc_row)
    for _ in range(5):
        shares = {int(a): float(rng.uniform(0.0, 0.6)) for a in rng.choice(arcs, 6, replace=False)}
        closed = [int(rng.integers(net.compiled.n_arcs))]
        a, b = plain.disrupted(closed, shares), priced.disrupted(closed, shares)
        assert b.objective == pytest.approx(a.objective, rel=1e-9)
        assert b.unserved == pytest.approx(a.unserved, abs=1e-6 * max(1.0, a.unserved.max()))
    # every change was dropped again: the master is as the baseline left it, and re-solving it
    # unchanged gives the baseline
    assert (priced.h.getNumRow(), priced.h.getNumCol()) == size
    assert (len(priced.priced.rows), len(priced.priced.cols)) == size
    none, nothing = np.zeros(0, np.int64), np.zeros(0)
    again = priced._changed(none, none, nothing, keep_flows=False)
    assert again.objective == pytest.approx(plain.baseline.objective, rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_pruned_n2_equals_brute_force(seed):
    net, dem = congested(14, seed, pairs=3)
    only = closable_elements(net, kinds=["link"], demand=dem)[:14]
    fast = criticality(net, dem, n=2, elements=only)
    brute = criticality(net, dem, n=2, elements=only, brute=True)
    same_answers(fast, brute)
    assert len(fast.table) == 14 + 14 * 13 // 2
    assert fast.n_solved < brute.n_solved


def test_closing_nothing_costs_nothing_and_never_helps():
    net, dem = congested(30, 1)
    result = criticality(net, dem)
    assert (result.table["extra_cost_usd"] >= 0).all()
    idle = result.table[~result.table["solved"]]
    assert (idle["extra_cost_usd"] == 0).all()


def test_eurasia_cpc_is_a_single_point_of_failure(eurasia):
    dem = load_demand(eurasia)
    result = criticality(eurasia, dem, elements=closable_elements(eurasia, kinds=["group"], demand=dem))
    table = result.table.set_index("closed")
    # every CPC barrel also sails through the Turkish Straits: both strand most of Kazakhstan's
    # 67.6 Mt of crude exports, more than any other closure, and the Russian barrels that share
    # the pipe (R120)
    by_crude = table.sort_values("stranded_crude_oil", ascending=False, kind="stable")
    assert set(by_crude.index[:2]) == {"turkish_straits", "cpc"}
    assert table.loc["cpc", "stranded_crude_oil"] > 30e6
    assert table.loc["turkish_straits", "stranded_crude_oil"] == table.loc["cpc", "stranded_crude_oil"]
    assert table.loc["cpc", "countries_hit"] == "KZ RU"


def test_endpoints_are_not_elements(eurasia):
    dem = load_demand(eurasia)
    ends = set(dem.table["origin"]) | set(dem.table["destination"])
    ids = {e.id for e in closable_elements(eurasia, demand=dem)}
    assert not ids & ends
    assert "crude_markets" not in ids  # a group holding end points
    assert "cpc_moorings" in ids


def test_bad_requests(eurasia):
    dem = load_demand(eurasia)
    with pytest.raises(ValueError, match="expected 1"):
        criticality(eurasia, dem, n=3)
    with pytest.raises(ValueError, match="unknown executor 'threads'"):
        SweepOptions(executor="threads")
    with pytest.raises(ValueError, match="unknown element kind"):
        closable_elements(eurasia, kinds=["port"])
    with pytest.raises(ValueError, match="without brute force"):
        criticality(eurasia, dem, n=2, top=3, brute=True)
    with pytest.raises(ValueError, match="with n=2"):
        criticality(eurasia, dem, n=1, top=3)


def test_n2_on_processes_equals_serial():
    net, dem = congested(14, 1, pairs=3)
    only = closable_elements(net, kinds=["link"], demand=dem)[:10]
    serial = criticality(net, dem, n=2, elements=only)
    processes = criticality(
        net, dem, n=2, elements=only, options=SweepOptions(executor="processes", workers=2, always_spread=True)
    )
    pd.testing.assert_frame_equal(serial.table, processes.table)
    assert serial.n_solved == processes.n_solved


def test_every_executor_gives_the_same_table(eurasia):
    dem = load_demand(eurasia)
    serial = criticality(eurasia, dem)
    processes = criticality(eurasia, dem, options=SweepOptions(executor="processes", workers=2, always_spread=True))
    links = []
    dask = criticality(
        eurasia, dem, options=SweepOptions(executor="dask", workers=2, on_start=links.append, always_spread=True)
    )
    pd.testing.assert_frame_equal(serial.table, processes.table)
    pd.testing.assert_frame_equal(serial.table, dask.table)
    assert links and links[0].startswith("http")


def test_workers_are_used_only_when_they_pay():
    asked = SweepOptions(executor="processes", workers=2)
    kept, note = worth_spreading(asked, work_s=60.0, build_s=2.0)  # 1.5 + 2 + 30 s < 54 s
    assert kept == asked and note == ""
    serial, note = worth_spreading(asked, work_s=6.0, build_s=2.0)  # 1.5 + 2 + 3 s > 5.4 s
    assert serial.executor == "serial"
    assert (
        note
        == "ran serially: about 6.0 s of work, which would take about 6.5 s on 2 processes workers (3.5 s to start each)"
    )
    assert worth_spreading(SweepOptions(executor="processes", workers=2, always_spread=True), 6.0, 2.0)[1] == ""


def test_too_little_work_for_workers_runs_serially_and_says_so(eurasia, monkeypatch):
    # a worker's start-up is pinned high so that a loaded machine (slower closures) cannot tip the decision
    monkeypatch.setitem(engine.WORKER_START_S, "processes", 600.0)
    dem = load_demand(eurasia)
    serial = criticality(eurasia, dem)
    asked = criticality(eurasia, dem, options=SweepOptions(executor="processes", workers=2))
    pd.testing.assert_frame_equal(serial.table, asked.table)
    assert serial.note == ""
    assert asked.note.startswith("ran serially: about") and "on 2 processes workers" in asked.note
    assert asked.to_dict()["note"] == asked.note


def test_batches_cover_every_item_once():
    items = list(range(103))
    for seconds in (1e-4, 0.02, 1.0):
        parts = batch(items, seconds_each=seconds, workers=2)
        assert [i for p in parts for i in p] == items
        assert len(parts) >= 2
    assert (
        len(batch(items, seconds_each=1e-4, workers=2)[0]) * 1e-4 >= 0.1
        or len(batch(items, seconds_each=1e-4, workers=2)) == 2
    )


def slow_square(shared, task):
    time.sleep(0.25)
    return [shared * x * x for x in task]


def test_a_worker_killed_mid_sweep_loses_and_doubles_nothing():
    """A real LocalCluster; one worker process is killed while tasks run; its tasks run again elsewhere."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with Client(cluster) as client:
            pids = client.run(os.getpid)
        done = []
        killed = threading.Event()

        def progress(k):
            done.append(k)
            if len(done) == 3 and not killed.is_set():
                killed.set()
                os.kill(next(iter(pids.values())), 9)

        tasks = [[i, i + 1] for i in range(16)]
        out = run_tasks(slow_square, 3, tasks, executor="dask", scheduler=cluster.scheduler_address, progress=progress)
    assert killed.is_set()
    assert out == [[3 * i * i, 3 * (i + 1) ** 2] for i in range(16)]
    assert len(done) == len(tasks)


def test_cli_criticality_json_and_files(tmp_path, eurasia):
    runner = CliRunner()
    table, plot = tmp_path / "crit.csv", tmp_path / "crit.png"
    result = runner.invoke(
        app,
        ["criticality", "--executor", "serial", "--kinds", "group", "--json", "--top", "3", "--no-save",
         "--table", str(table), "--plot", str(plot)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == 1 and len(data["outcomes"]) == 3
    assert data["outcomes"][0]["extra_cost_usd"] >= data["outcomes"][1]["extra_cost_usd"]
    assert {e["outcome"] for e in data["elements"]} == {1, 2, 3}  # every element of the three rows
    assert pd.read_csv(table).shape[0] == data["closures"]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = runner.invoke(app, ["criticality", "--n", "3"])
    assert bad.exit_code != 0 and "expected 1 or 2" in bad.output
    bad = runner.invoke(app, ["criticality", "--scheduler", "tcp://x:1"])
    assert bad.exit_code != 0 and "needs --executor dask" in bad.output
    bad = runner.invoke(app, ["criticality", "--kinds", "port", "--executor", "serial", "--no-save"])
    assert bad.exit_code != 0 and "unknown element kind" in bad.output and "Traceback" not in bad.output
    bad = runner.invoke(app, ["criticality", "--top-pairs", "5"])
    assert bad.exit_code != 0 and "with --n 2" in bad.output


def test_under_a_scenario_pruned_equals_brute_force(eurasia):
    from corridor.scenario import load_scenario

    dem = load_demand(eurasia)
    sanctions = load_scenario("sanctions-ban-2022", eurasia)
    fast = criticality(
        eurasia, dem, elements=closable_elements(eurasia, kinds=["group", "link"], demand=dem), scenario=sanctions
    )
    brute = criticality(
        eurasia,
        dem,
        elements=closable_elements(eurasia, kinds=["group", "link"], demand=dem),
        scenario=sanctions,
        brute=True,
    )
    same_answers(fast, brute)
    plain = criticality(eurasia, dem, elements=closable_elements(eurasia, kinds=["group"], demand=dem))
    assert fast.scenario == "sanctions-ban-2022"
    assert fast.baseline_cost_usd > plain.baseline_cost_usd  # barring Russia costs something


@pytest.mark.parametrize("seed", [2, 3])
def test_reduced_n2_is_a_subset_of_exact_n2_with_the_same_answers(seed):
    net, dem = congested(16, seed, pairs=3)
    only = closable_elements(net, kinds=["link"], demand=dem)[:16]
    exact = criticality(net, dem, n=2, elements=only).table.set_index("closed")
    reduced = criticality(net, dem, n=2, elements=only, top=3)
    table = reduced.table.set_index("closed")
    pairs = table[table["kind"] == "link+link"]
    assert 0 < len(pairs) < len(exact[exact["kind"] == "link+link"])
    assert np.allclose(pairs["extra_cost_usd"], exact.loc[pairs.index, "extra_cost_usd"], rtol=1e-9, atol=1e-6)
    # every pair of the three costliest single closures is there
    singles = exact[exact["kind"] == "link"].sort_values("extra_cost_usd", ascending=False).index[:3]
    for a, b in [(singles[0], singles[1]), (singles[0], singles[2]), (singles[1], singles[2])]:
        assert f"{a}+{b}" in pairs.index or f"{b}+{a}" in pairs.index
    assert "costliest closures" in reduced.method


def test_criticality_under_a_scenario_on_a_day(eurasia):
    """On a day of the CPC court order the CPC is already shut: closing it again costs nothing, and
    the outlets left (Atyrau-Samara, the Tengiz rail) become the single points of failure."""
    import datetime as dt

    from corridor.scenario import load_scenario

    court = load_scenario("cpc-court-2022", eurasia)
    assert court.busiest_day() == dt.date(2022, 7, 5)
    dem = load_demand(eurasia)
    result = criticality(eurasia, dem, scenario=court.on(dt.date(2022, 7, 10)),
                         elements=closable_elements(eurasia, kinds=["group", "link"], demand=dem))  # fmt: skip
    table = result.table.set_index("closed")
    assert table.loc["cpc", "extra_cost_usd"] == pytest.approx(0.0, abs=1.0)
    assert table.loc["ru_atyrau_samara", "stranded_crude_oil"] > 10e6
    runner = CliRunner()
    cli = runner.invoke(app, ["criticality", "--scenario", "cpc-court-2022", "--on", "2022-07-10", "--kinds", "group",
                              "--json", "--no-save", "--executor", "serial"])  # fmt: skip
    assert cli.exit_code == 0, cli.output
    bad = runner.invoke(app, ["criticality", "--scenario", "cpc-court-2022", "--on", "2021-01-01", "--no-save"])
    assert bad.exit_code == 2 and "runs from" in bad.output


_CHOSEN = ("cpc", "turkish_straits", "kz_cn_border", "caspian_crossing", "aktau_kuryk", "northern_rail",
           "malacca_strait", "bab_el_mandeb_strait", "suez_canal_passage", "btk")  # fmt: skip


@pytest.fixture(scope="module")
def chosen_for_kz(eurasia):
    """A small sweep, ranked for Kazakhstan's trade: a handful of groups, not the whole network."""
    dem = load_demand(eurasia)
    elements = [e for e in closable_elements(eurasia, kinds=["group"], demand=dem) if e.id in _CHOSEN]
    return criticality(eurasia, dem, elements=elements, country="KZ")


def test_extra_cost_is_transport_plus_stranded_value_by_the_stated_rule(chosen_for_kz):
    t = chosen_for_kz.table.set_index("closed")
    parts = t["extra_transport_usd"] + t["unserved_value_usd"]
    assert np.allclose(parts, t["extra_cost_usd"], rtol=1e-9, atol=1.0)
    # the CPC strands Kazakh crude: valued at what it is worth, less the pipeline and tanker fares it no longer pays
    assert t.loc["cpc", "unserved_value_usd"] > t.loc["cpc", "extra_cost_usd"] > 0
    assert "value per unit" in chosen_for_kz.stranded_rule
    data = chosen_for_kz.to_dict()
    assert data["stranded_rule"] == chosen_for_kz.stranded_rule and data["baseline_unserved_value_usd"] >= 0


def test_closing_malacca_adds_days_instead_of_stranding_asias_trade(chosen_for_kz):
    t = chosen_for_kz.table.set_index("closed")
    assert t.loc["malacca_strait", "stranded_container"] == 0.0
    assert 0 < t.loc["malacca_strait", "extra_cost_usd"] < t.loc["suez_canal_passage", "extra_cost_usd"]


def test_a_countrys_ranking_counts_its_own_trade(chosen_for_kz):
    t = chosen_for_kz.table
    assert chosen_for_kz.country == "KZ"
    assert list(t["country_extra_cost_usd"]) == sorted(t["country_extra_cost_usd"], reverse=True)
    rows = t.set_index("closed")
    # the CPC carries mostly Kazakh crude (and some Russian, loaded on the way): most of its cost is Kazakhstan's
    cpc = rows.loc["cpc"]
    assert 0.5 * cpc["extra_cost_usd"] < cpc["country_extra_cost_usd"] <= cpc["extra_cost_usd"] * (1 + 1e-9)
    assert 0 < cpc["country_stranded_crude_oil"] <= cpc["stranded_crude_oil"]
    # the Red Sea carries no Kazakh trade; its closure reaches Kazakhstan only through the rail
    # capacity Chinese boxes then take from its imports
    red_sea = rows.loc["bab_el_mandeb_strait"]
    assert (
        0 <= red_sea["country_extra_cost_usd"] < 0.1 * min(red_sea["extra_cost_usd"], rows.loc["cpc", "extra_cost_usd"])
    )
    top5 = [{row.closed, *row.same_outcome.split(", ")} for row in chosen_for_kz.distinct().head(5).itertuples()]
    assert any("cpc" in c for c in top5)
    assert any({"kz_cn_border", "caspian_crossing", "aktau_kuryk"} & c for c in top5)


def test_transit_adds_what_crosses_the_country(eurasia):
    dem = load_demand(eurasia)
    border = [e for e in closable_elements(eurasia, kinds=["group"], demand=dem) if e.id == "kz_cn_border"]
    own = criticality(eurasia, dem, elements=border, country="KZ").table.iloc[0]
    crossing = criticality(eurasia, dem, elements=border, country="KZ", transit=True).table.iloc[0]
    # Chinese boxes to Europe cross Kazakhstan: with them the border costs Kazakhstan's trade more
    assert crossing["country_extra_cost_usd"] > 2 * own["country_extra_cost_usd"] > 0


def test_country_requests_are_checked(eurasia):
    dem = load_demand(eurasia)
    with pytest.raises(RequestError, match="expected an ISO code"):
        criticality(eurasia, dem, elements=[], country="XX")
    with pytest.raises(RequestError, match="name the country"):
        criticality(eurasia, dem, elements=[], transit=True)
    runner = CliRunner()
    bad = runner.invoke(app, ["criticality", "--transit", "--no-save"])
    assert bad.exit_code != 0 and "--for" in bad.output and "Traceback" not in bad.output


@pytest.mark.slow
def test_cli_rankings_have_no_map_artefacts(eurasia):
    runner = CliRunner()
    result = runner.invoke(app, ["criticality", "--executor", "serial", "--json", "--no-save"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # the ranking: one row per outcome, the elements in series with the one named (Suez with the Red Sea
    # and Bab-el-Mandeb, the CPC group with its terminal and moorings) listed beside it, not below it
    top10 = [o["closed"] for o in data["outcomes"][:10]]
    shown = {c for o in data["outcomes"][:10] for c in [o["closed"], *o["same_outcome"]]}
    waypoints = set(eurasia.nodes.loc[eurasia.nodes["kind"] == "waypoint", "id"])
    assert not (open_sea_legs(eurasia) | waypoints | {"asia_europe_sea"}) & shown
    assert len(top10) == len(set(top10)) == 10 and sum(o["elements"] for o in data["outcomes"][:10]) == len(shown)
    top5 = top10[:5]
    assert any(c.startswith("cpc") for c in top5), top5
    assert "suez_canal_passage" in top5 and "cpc" in top5, top5  # the canal and the group a planner names
    assert "stranded_rule" in data and "one cut set" in data["ranking_rule"]
    result = runner.invoke(app, ["criticality", "--executor", "serial", "--for", "KZ", "--json", "--no-save"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    top5_kz = [{o["closed"], *o["same_outcome"]} for o in data["outcomes"][:5]]
    assert any("cpc" in o for o in top5_kz)
    assert any(
        {"kz_cn_border", "caspian_crossing", "aktau_kuryk", "bx_ala_dostyk", "bx_hor_altynkol"} & o for o in top5_kz
    )
    assert len({o["closed"] for o in data["outcomes"]}) == len(data["outcomes"])  # no repeats
