"""Ranged impacts: Latin-hypercube draws of the assumptions, replayed on the sweep engine."""

from __future__ import annotations

import gc
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import EXIT_CODES, DataError, RequestError
from corridor.flow import demand_from_frame
from corridor.scenario import Scenario
from corridor.sweep import SweepOptions
from corridor.sweep.uncertainty import impact_figures, impact_ranges

DAYS = 28
QUANTITY_T = 36_500  # crude a -> m: 2,800 t over the four weeks
PIPELINE_USD_PER_T = 10.0  # ap: 500 km x 0.02 USD/t-km (tests/data/tiny/README.md)
BOXES = 10_000  # containers o -> e a year, across the Caspian either way: untouched by the scenario


def toy(tiny):
    """Crude a -> m over the pipeline (15 USD/t; the rail way round costs 29), its tariff scaled
    by a factor f in 1..2: the route holds, so the extra cost is 2,800 t x 10 USD x (f - 1).
    Containers o -> e cross the Caspian with or without the scenario, so they add nothing to it."""
    rows = [("a", "m", "crude_oil", QUANTITY_T), ("o", "e", "container", BOXES)]
    frame = pd.DataFrame(rows, columns=["origin", "destination", "commodity", "quantity_per_year"])
    frame["source"] = "T1"
    scenario = Scenario.model_validate(
        {
            "name": "dearer-pipeline",
            "horizon": {"start": "2022-01-01", "end": "2022-01-28"},
            "events": [{"type": "multiply_tariff", "target": "ap", "factor": 1.5, "start": "2022-01-01", "days": DAYS}],
        }
    )
    rows = [
        ("scenario", "dearer-pipeline#0", "factor", 1.5, 1.0, 2.0, "uniform"),
        ("links", "bd_feeder", "dwell_h", 12.0, 6.0, 24.0, "triangular"),  # on no route of crude
        ("scenario", "another#0", "factor", 1.0, 0.5, 2.0, "uniform"),  # another scenario's: not drawn
    ]
    table = pd.DataFrame(rows, columns=["table", "element", "field", "value", "low", "high", "distribution"])
    table = table.assign(reason="toy", source="T1", row=range(2, 2 + len(rows)))
    return demand_from_frame(tiny, frame), scenario, table


def extra_cost(factor):
    return QUANTITY_T * DAYS / 365 * PIPELINE_USD_PER_T * (np.asarray(factor) - 1.0)


def test_percentiles_of_a_linear_answer(tiny):
    demand, scenario, table = toy(tiny)
    samples = 20
    ranged = impact_ranges(tiny, demand, scenario, samples=samples, assumptions=table, options=SweepOptions(seed=5))
    assert list(ranged.draws.columns) == ["dearer-pipeline#0.factor", "bd_feeder.dwell_h"]
    factor = ranged.draws["dearer-pipeline#0.factor"].to_numpy()
    # a Latin hypercube puts one draw in each twentieth of the band
    assert sorted(np.floor((factor - 1.0) * samples).astype(int)) == list(range(samples))
    got = ranged.ranges()["delta_cost_usd"]
    want = np.percentile(extra_cost(factor), [10, 50, 90])
    assert [got["p10"], got["p50"], got["p90"]] == pytest.approx(want, rel=1e-6)
    # and near the exact percentiles of 28,000 (f - 1) for f uniform on 1..2
    exact = extra_cost([1.1, 1.5, 1.9])
    assert [got["p10"], got["p50"], got["p90"]] == pytest.approx(exact, abs=28_000 / samples)
    assert got["p10"] < got["p50"] < got["p90"]
    (first, second) = ranged.drivers()["delta_cost_usd"][:2]
    assert first["assumption"] == "dearer-pipeline#0.factor"
    assert first["rho"] == pytest.approx(1.0) and first["share"] > 0.9
    assert second["share"] < 0.1


@pytest.mark.slow
def test_the_same_seed_gives_the_same_numbers_on_every_executor(tiny):
    demand, scenario, table = toy(tiny)

    def run(executor, seed=7):
        options = SweepOptions(seed=seed, executor=executor, workers=2, always_spread=True)
        return impact_ranges(tiny, demand, scenario, samples=6, assumptions=table, options=options, seconds_each=0.5)

    serial = run("serial")
    for other in (run("processes"), run("dask")):
        pd.testing.assert_frame_equal(serial.draws, other.draws)
        pd.testing.assert_frame_equal(serial.figures, other.figures)
        assert other.ranges() == serial.ranges()
    assert not np.allclose(run("serial", seed=8).draws.to_numpy(), serial.draws.to_numpy())


def test_a_serial_ranged_impact_leaves_nothing_frozen(tiny):
    demand, scenario, table = toy(tiny)
    impact_ranges(tiny, demand, scenario, samples=3, assumptions=table, options=SweepOptions(seed=2))
    assert gc.get_freeze_count() == 0


class BlasThreads:
    """A worker state whose figure is the number of threads BLAS may use while a draw is solved."""

    def figures(self, _values):
        from threadpoolctl import threadpool_info

        return {"blas_threads": float(max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"))}


def test_draws_use_blas_on_one_thread_as_on_a_dask_worker(tiny):
    """A draw's products are small: in a serial sweep, BLAS's idle threads only spun (about a third
    of a draw's CPU on a busy machine); draws run on one BLAS thread, as Dask's workers do, and
    the process gets its threads back afterwards."""
    from threadpoolctl import threadpool_info

    from corridor.sweep.uncertainty import sampled_ranges

    _, _, table = toy(tiny)
    before = [i["num_threads"] for i in threadpool_info()]
    ranged = sampled_ranges(
        "dearer-pipeline", table, lambda _rows: BlasThreads, samples=3, options=SweepOptions(seed=1), seconds_each=0.1
    )
    assert ranged.figures["blas_threads"].tolist() == [1.0, 1.0, 1.0]
    assert [i["num_threads"] for i in threadpool_info()] == before


def test_bad_requests(tiny):
    demand, scenario, table = toy(tiny)
    with pytest.raises(RequestError, match="samples is 0"):
        impact_ranges(tiny, demand, scenario, samples=0, assumptions=table)
    with pytest.raises(RequestError, match="no assumption"):
        impact_ranges(tiny, demand, scenario, samples=2, assumptions=table[table["element"] == "another#0"])


def test_headline_figures_of_an_answer():
    answer = {
        "delta_cost_usd": 1.0,
        "disruption_cost_usd": 2.0,
        "stranded": {"crude_oil": 3.0},
        "corridors": [{"group": "north", "direction": "westbound", "commodity": "container", "after": 4.0}],
        "bottlenecks": [
            {"element": "ab", "direction": "a->b", "dimension": "train", "shadow_price_usd": 5.0},
            {"element": "ab", "direction": "a->b", "dimension": "train", "shadow_price_usd": 6.0},
        ],
    }
    assert impact_figures(answer) == {
        "delta_cost_usd": 1.0,
        "disruption_cost_usd": 2.0,
        "stranded.crude_oil": 3.0,
        "corridors.north.westbound.container.after": 4.0,
        "bottlenecks.ab.a->b.train.shadow_price_usd": 6.0,
    }


def scenario_file(folder):
    path = folder / "dearer.yaml"
    path.write_text(
        "name: dearer-pipeline\n"
        "horizon: {start: 2022-01-01, end: 2022-01-28}\n"
        "events:\n"
        "  - {type: multiply_tariff, target: ap, factor: 1.5, start: 2022-01-01, days: 28, source: T1}\n",
        encoding="utf-8",
    )
    demand = folder / "demand.csv"
    demand.write_text(
        "origin,destination,commodity,quantity_per_year,source\na,m,crude_oil,36500,T1\no,e,container,10000,T1\n",
        encoding="utf-8",
    )
    return path, demand


def test_cli_impact_with_samples(tiny_copy):
    scenario, demand = scenario_file(tiny_copy)
    (tiny_copy / "assumptions.csv").write_text(
        "table,element,field,value,low,high,distribution,reason,source\n"
        "scenario,dearer-pipeline#0,factor,1.5,1,2,uniform,toy,T1\n",
        encoding="utf-8",
    )
    args = ["impact", str(scenario), "--data", str(tiny_copy), "--demand", str(demand), "--samples", "5"]
    result = CliRunner().invoke(app, [*args, "--seed", "2", "--executor", "serial", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    band = answer["ranges"]["delta_cost_usd"]
    assert band["p10"] < band["p50"] < band["p90"]
    assert answer["delta_cost_usd"] == pytest.approx(extra_cost(1.5))  # the point answer stays
    assert answer["drivers"]["delta_cost_usd"][0]["assumption"] == "dearer-pipeline#0.factor"
    table = CliRunner().invoke(app, [*args, "--executor", "serial"])
    assert table.exit_code == 0, table.output
    assert "P50 (P10–P90)" in table.stdout


def test_cli_refuses_samples_with_what_the_draws_would_leave_out(tiny_copy):
    scenario, demand = scenario_file(tiny_copy)
    args = ["impact", str(scenario), "--data", str(tiny_copy), "--demand", str(demand), "--samples", "5"]
    for more in (["--no-equilibrium"], ["--base", str(scenario)]):
        result = CliRunner().invoke(app, [*args, *more, "--executor", "serial"])
        assert result.exit_code == EXIT_CODES[RequestError], result.output
        assert "--samples draws the scenario alone at the equilibrium" in result.output
        assert "Traceback" not in result.output


def test_cli_refuses_a_bad_range_with_file_row_and_field(tiny_copy):
    scenario, demand = scenario_file(tiny_copy)
    (tiny_copy / "assumptions.csv").write_text(
        "table,element,field,value,low,high,distribution,reason,source\n"
        "scenario,dearer-pipeline#0,factor,2.5,1,2,uniform,toy,T1\n",
        encoding="utf-8",
    )
    args = ["impact", str(scenario), "--data", str(tiny_copy), "--demand", str(demand), "--samples", "5"]
    result = CliRunner().invoke(app, [*args, "--executor", "serial"])
    assert result.exit_code == EXIT_CODES[DataError]
    assert "assumptions.csv row 2: value is 2.5; expected a number within low..high (1..2)" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_validation_over_draws_gives_coverage():
    from corridor import load_network
    from corridor.analysis.calibrate import load_targets
    from corridor.network.assumptions import dataset_parameters, load_assumptions
    from corridor.sweep.uncertainty import validation_ranges

    published = load_network(calibrated=False)
    checked = validation_ranges(
        published,
        None,  # each year's own demand
        samples=3,
        assumptions=load_assumptions(),
        parameters=dataset_parameters(),
        options=SweepOptions(seed=2),
    )
    table = checked.table
    targets = load_targets()
    assert len(table) == len(targets) and set(table["year"]) == set(targets["year"].astype(int))
    assert table[["p10", "p50", "p90"]].notna().all().all()  # every published figure has the model's range
    assert ((table["p10"] <= table["p50"]) & (table["p50"] <= table["p90"])).all()
    west_2022 = table[(table["year"] == 2022) & (table["figure"] == "China to EU rail westbound")].iloc[0]
    assert west_2022["p10"] < west_2022["p90"]  # the hold-up and the fitted shares move it
    assert checked.coverage == pytest.approx(table["covered"].mean())
    assert 0.0 <= checked.to_dict()["coverage"] <= 1.0


def per_group_gap(model, x, terms, *, tolerance=1e-9, charge=None):
    """The gap to equilibrium as it was measured before the groups were searched together: one
    Dijkstra per group over its own open columns, one pair at a time, each group's flow split
    into paths from its origin (the heaviest column out of each node first, cycles cancelled).
    With ``charge`` every column is open and a place on a full capacity costs its charge."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import dijkstra

    from corridor.flow.equilibrium import FULL, own_costs

    cn, n, flow = model.network.compiled, model.network.compiled.n_nodes, x[: model.n_flow]
    cost = own_costs(model, terms, model.queue_waits(x))
    roomy = np.ones(model.n_flow, dtype=bool)
    if charge is not None:
        cost = cost + charge
    else:
        full = model.capacity_load(x) >= model.cap_limit * (1.0 - FULL) - tolerance
        roomy[terms.cap_place[full[terms.cap]]] = False
    cheapest = np.full(model.n_pairs, np.inf)
    delivered = x[model.delivery_col]
    bounds = np.searchsorted(model.flow_group, np.arange(len(model.group_origin) + 1))
    pair_bounds = np.searchsorted(model.delivery_pair, np.arange(model.n_pairs + 1))
    paid = excess = 0.0
    for g, members in enumerate(model.group_pairs):
        cols = np.arange(bounds[g], bounds[g + 1])
        origin = int(model.group_origin[g])
        weight = np.full((n, n), np.inf)
        tails, heads = cn.tail[model.flow_arc[cols]], cn.head[model.flow_arc[cols]]
        np.minimum.at(weight, (tails, heads), np.where(roomy[cols], cost[cols], np.inf))
        arcs = np.isfinite(weight) | np.isin(np.arange(n * n).reshape(n, n), tails * n + heads)
        graph = csr_array((weight[arcs] + 1e-12, np.nonzero(arcs)), shape=(n, n))
        dist = dijkstra(graph, indices=origin)
        best_at, volume_at = {}, {}
        for p in members:
            at = np.arange(pair_bounds[p], pair_bounds[p + 1])
            cheapest[p] = float(np.min(dist[model.delivery_node[at]]))
            for node, volume in zip(model.delivery_node[at], delivered[at], strict=True):
                if volume > tolerance:
                    best_at[int(node)] = min(best_at.get(int(node), np.inf), cheapest[p])
                    volume_at[int(node)] = volume_at.get(int(node), 0.0) + float(volume)
        remaining = {int(c): float(flow[c]) for c in cols[flow[cols] > tolerance]}
        leaving = {}
        for c in remaining:
            leaving.setdefault(int(cn.tail[model.flow_arc[c]]), []).append(c)
        left = dict(volume_at)
        for _ in range(4 * len(remaining) + 4):
            if sum(left.values()) <= tolerance:
                break
            node, path, seen = origin, [], [origin]
            while node == origin or left.get(node, 0.0) <= tolerance:
                out = [c for c in leaving.get(node, []) if remaining[c] > tolerance]
                if not out:
                    break
                c = max(out, key=remaining.__getitem__)
                node = int(cn.head[model.flow_arc[c]])
                path.append(c)
                if node in seen:  # a cycle: cancel it
                    loop = path[seen.index(node) :]
                    least = min(remaining[k] for k in loop)
                    for k in loop:
                        remaining[k] -= least
                    del path[seen.index(node) :]
                    del seen[seen.index(node) + 1 :]
                    continue
                seen.append(node)
            if not path or left.get(node, 0.0) <= tolerance:
                break
            volume = min(*(remaining[c] for c in path), left[node])
            for c in path:
                remaining[c] -= volume
            left[node] -= volume
            route = float(cost[np.asarray(path)].sum())
            paid += volume * route
            excess += volume * max(route - best_at[node], 0.0) if np.isfinite(best_at[node]) else 0.0
    return (excess / (paid - excess) if paid - excess > 0 else 0.0), excess, cheapest


@pytest.mark.slow
def test_draws_give_the_figures_of_the_gap_measured_group_by_group(monkeypatch):
    """Same seed, same draws of sanctions-2022: the figures with the gap searched for all groups
    at once are those with the gap measured one group at a time, within the equilibrium's own
    tolerance (the gap decides when the rounds stop and which round is returned)."""
    from corridor import load_network
    from corridor.flow import load_demand
    from corridor.flow.equilibrium import GAP_TOLERANCE
    from corridor.network.assumptions import dataset_parameters, load_assumptions
    from corridor.scenario import load_scenario

    def draws():
        return impact_ranges(
            load_network(calibrated=False),
            load_demand(load_network()),
            load_scenario("sanctions-2022"),
            samples=3,
            assumptions=load_assumptions(),
            parameters=dataset_parameters(),
            options=SweepOptions(seed=1),
        )

    shipped = draws()
    monkeypatch.setattr("corridor.flow.equilibrium.equilibrium_gap", per_group_gap)
    reference = draws()
    pd.testing.assert_frame_equal(shipped.draws, reference.draws)
    assert list(shipped.figures.columns) == list(reference.figures.columns)
    assert shipped.figures["disruption_cost_usd"].nunique() == 3  # the draws differ
    a, b = shipped.figures.to_numpy(float), reference.figures.to_numpy(float)
    assert np.all(np.abs(a - b) <= GAP_TOLERANCE * np.maximum(np.abs(b), 1.0))
