"""Monte Carlo risk with the real HiGHS: reproducible, executor-independent, converging to a hand-computed mean."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import DataError
from corridor.flow import demand_from_frame, load_demand
from corridor.sweep import (
    SweepOptions,
    closable_elements,
    criticality,
    engine,
    hazards_from_frame,
    load_hazards,
    risk,
    sample_year,
)


def hazard_rows(*rows):
    columns = ["hazard", "element", "events_per_year", "events_per_year_source", "median_days", "p90_days",
               "days_source", "capacity_left", "capacity_left_source"]  # fmt: skip
    return pd.DataFrame([list(r) for r in rows], columns=columns)


def tiny_demand(tiny):
    frame = pd.DataFrame(
        [("a", "m", "crude_oil", 2_000_000.0, "T1"), ("o", "e", "container", 10_000.0, "T1")],
        columns=["origin", "destination", "commodity", "quantity_per_year", "source"],
    )
    return demand_from_frame(tiny, frame)


def expected_closed_days(rate: float, days: float) -> float:
    """Mean days a year an element is closed: Poisson starts, fixed length, a steady-state year.

    A day is open when no disruption started in the ``days`` days before it (wrapping round the
    year end), which has probability exp(-rate * days / 365).
    """
    return 365 * (1 - math.exp(-rate * days / 365))


def test_the_mean_converges_to_the_exact_expectation(tiny):
    demand = tiny_demand(tiny)
    rate, days = 3.0, 20.0
    hazards = hazards_from_frame(tiny, hazard_rows(("pipe", "ap", rate, "T1", days, days, "T1", 0.0, "T1")))
    ap = [e for e in closable_elements(tiny, kinds=["link"]) if e.id == "ap"]
    closed = criticality(tiny, demand, elements=ap).table.iloc[0]
    loss_closed, stranded_closed = float(closed["extra_cost_usd"]), float(closed["stranded_crude_oil"])
    assert loss_closed > 0 and stranded_closed > 0
    exact = loss_closed * expected_closed_days(rate, days) / 365
    result = risk(tiny, demand, years=4_000, hazards=hazards, options=SweepOptions(seed=7))
    mean, se = result.expected_annual_loss_usd, result.standard_error_usd
    assert abs(mean - exact) < 4 * se
    assert se < 0.05 * exact  # 4,000 years pin it within a few percent
    # the crude that cannot leave while the pipeline is shut (some goes by rail), in tonnes
    stranded = result.years["stranded_crude_oil"]
    exact_stranded = stranded_closed * expected_closed_days(rate, days) / 365
    assert abs(stranded.mean() - exact_stranded) < 4 * stranded.std() / math.sqrt(len(stranded))


def test_same_seed_same_years_different_seed_different(eurasia):
    demand = load_demand(eurasia)
    a = risk(eurasia, demand, years=300, options=SweepOptions(seed=11))
    b = risk(eurasia, demand, years=300, options=SweepOptions(seed=11))
    c = risk(eurasia, demand, years=300, options=SweepOptions(seed=12))
    pd.testing.assert_frame_equal(a.years, b.years)
    assert not a.years["loss_usd"].equals(c.years["loss_usd"])
    # the first 100 years of a longer run are the 100 years of a shorter one
    short = risk(eurasia, demand, years=100, options=SweepOptions(seed=11))
    pd.testing.assert_frame_equal(short.years, a.years.head(100))


def test_every_executor_gives_the_same_years(eurasia):
    demand = load_demand(eurasia)
    serial = risk(eurasia, demand, years=400, options=SweepOptions(seed=3))
    processes = risk(
        eurasia, demand, years=400, options=SweepOptions(seed=3, executor="processes", workers=2, always_spread=True)
    )
    dask = risk(
        eurasia, demand, years=400, options=SweepOptions(seed=3, executor="dask", workers=2, always_spread=True)
    )
    pd.testing.assert_frame_equal(serial.years, processes.years)
    pd.testing.assert_frame_equal(serial.years, dask.years)


def test_a_small_run_stays_serial_and_says_so(eurasia, monkeypatch):
    # a worker's start-up is pinned high so that a loaded machine (slower years) cannot tip the decision
    monkeypatch.setitem(engine.WORKER_START_S, "processes", 600.0)
    demand = load_demand(eurasia)
    serial = risk(eurasia, demand, years=300, options=SweepOptions(seed=3))
    asked = risk(eurasia, demand, years=300, options=SweepOptions(seed=3, executor="processes", workers=2))
    pd.testing.assert_frame_equal(serial.years, asked.years)
    assert serial.note == "" and asked.note.startswith("ran serially: about")
    assert asked.summary()["note"] == asked.note


def test_sampled_lengths_follow_the_lognormal(tiny):
    hazards = hazards_from_frame(tiny, hazard_rows(("h", "ab", 50.0, "T1", 2.0, 6.0, "T1", 0.0, "T1")))
    rng = np.random.default_rng(0)
    lengths = [end - start for _ in range(200) for start, end, _ in sample_year(hazards, rng) if end < 365]
    assert np.median(lengths) == pytest.approx(2.0, rel=0.1)
    assert np.quantile(lengths, 0.9) == pytest.approx(6.0, rel=0.15)


def test_cvar_is_the_mean_of_the_worst_years_even_with_ties():
    from corridor.sweep import Risk

    losses = np.zeros(1000)
    losses[:40] = 1e6  # 4% of years lose a million, the rest nothing
    years = pd.DataFrame({"year": range(1000), "events": 0, "disrupted_days": 0.0, "loss_usd": losses})
    result = Risk(scenario=None, years=years, seed=0, baseline_cost_usd=0.0, seconds=0.0, n_states=0)
    assert result.var("loss_usd", 0.95) == 0
    assert result.cvar("loss_usd", 0.95) == pytest.approx(0.8e6)  # the worst 50 years: 40 at 1e6, 10 at 0
    assert result.cvar("loss_usd", 0.99) == pytest.approx(1e6)
    curve = result.exceedance()
    assert list(curve["loss_usd"]) == [1e6, 0.0]
    assert list(curve["probability"]) == [0.04, 1.0]


def test_one_year_gives_json_without_nan(eurasia):
    data = risk(eurasia, load_demand(eurasia), years=1, options=SweepOptions(seed=1)).to_dict()
    assert data["standard_error_usd"] is None
    json.dumps(data, allow_nan=False)


def test_long_disruptions_wrap_round_the_year(tiny):
    hazards = hazards_from_frame(tiny, hazard_rows(("h", "ab", 1.0, "T1", 200.0, 200.0, "T1", 0.0, "T1")))
    rng = np.random.default_rng(3)
    covered = []
    for _ in range(300):
        pieces = sample_year(hazards, rng)
        covered.append(sum(end - start for start, end, _ in pieces))
        assert all(0 <= start < end <= 365 for start, end, _ in pieces)
    # each 200-day disruption keeps its full length whatever day it starts (about one a year);
    # cut at the year end they would average about 145 days
    assert np.mean(covered) == pytest.approx(200.0, rel=0.1)


def test_built_in_hazards_are_sourced(eurasia):
    hazards = load_hazards(eurasia)
    assert {"cpc_spm_area", "cpc_moorings", "caspian_crossing", "kz_cn_border"} <= {h.element for h in hazards}
    from corridor.network import builtin_dataset_path

    table = pd.read_csv(builtin_dataset_path() / "risks.csv", dtype=str)
    for col in ("events_per_year_source", "days_source", "capacity_left_source"):
        assert table[col].notna().all() and (table[col].str.strip() != "").all(), col


def test_bad_hazards_are_reported_with_row_and_field(tiny):
    frame = hazard_rows(
        ("ok", "ab", 1.0, "T1", 2.0, 3.0, "T1", 0.0, "T1"),
        ("ghost", "nowhere", 1.0, "T1", 2.0, 3.0, "T1", 0.0, "T1"),
        ("backwards", "ab", 1.0, "T1", 5.0, 3.0, "T1", 0.0, "T1"),
        ("negative", "ab", -1.0, "T1", 2.0, 3.0, "T1", 0.0, "T1"),
        ("too_much", "ab", 1.0, "T1", 2.0, 3.0, "T1", 1.5, "T1"),
        ("no_capacity", "bc", 1.0, "T1", 2.0, 3.0, "T1", 0.5, "T1"),
        ("unsourced", "ab", 1.0, "X9", 2.0, 3.0, "T1", 0.0, "T1"),
    )
    with pytest.raises(DataError) as err:
        hazards_from_frame(tiny, frame)
    text = str(err.value)
    assert "row 3: element is 'nowhere'" in text
    assert "row 4: p90_days is 3; expected at least median_days (5)" in text
    assert "row 5" in text and "events_per_year" in text
    assert "row 6" in text and "capacity_left" in text
    assert "row 7: capacity_left is 0.5 but bc has no published capacity" in text
    assert "row 8: events_per_year_source cites 'X9'" in text
    assert "row 2" not in text


def test_bad_requests(tiny):
    with pytest.raises(ValueError, match="at least 1"):
        risk(tiny, tiny_demand(tiny), years=0, options=SweepOptions(seed=1))
    with pytest.raises(ValueError, match="at most"):
        risk(tiny, tiny_demand(tiny), years=10**9, options=SweepOptions(seed=1))


def test_cli_risk(tmp_path):
    runner = CliRunner()
    plot = tmp_path / "loss.png"
    result = runner.invoke(
        app,
        ["risk", "--years", "300", "--seed", "4", "--executor", "serial", "--json", "--no-save", "--plot", str(plot)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["years"] == 300 and data["seed"] == 4
    assert data["expected_annual_loss_usd"] > 0 and data["standard_error_usd"] > 0
    assert data["cvar_95_usd"] >= data["var_95_usd"]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    parquet = tmp_path / "years.parquet"
    result = runner.invoke(
        app, ["risk", "--years", "200", "--seed", "4", "--executor", "serial", "--no-save", "--table", str(parquet)]
    )
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(parquet)) == 200
    text = runner.invoke(app, ["risk", "--years", "200", "--seed", "4", "--executor", "serial", "--no-save"])
    assert text.exit_code == 0, text.output
    assert "expected annual loss" in text.output and "standard error" in text.output
