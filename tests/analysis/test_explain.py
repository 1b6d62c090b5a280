"""Why each shipper segment takes its routes (corridor.analysis.explain)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from corridor.analysis.explain import explain_pair
from corridor.cli import app
from corridor.flow import load_demand
from corridor.scenario import load_scenario


def mean_days(table, segment: str) -> float:
    part = table[table["segment"] == segment]
    return float(np.average(part["transit_days"] + part["wait_days"], weights=part["share"]))


@pytest.fixture(scope="module")
def sanctioned(eurasia):
    scenario = load_scenario("sanctions-2022", eurasia)
    return explain_pair(eurasia, load_demand(eurasia), "Xi'an", "Duisburg", scenario=scenario, on=dt.date(2022, 6, 1))


def test_time_critical_boxes_are_no_slower_than_economy_ones_under_sanctions(sanctioned):
    """Before, the LP valued their Caspian queue at the standard segment's rate: time-critical boxes
    waited 40 days (26.6 + 40.1 days, 146,442 USD) while economy boxes took the sea in 37."""
    assert mean_days(sanctioned, "time_critical") <= mean_days(sanctioned, "economy") + 1e-6
    assert mean_days(sanctioned, "time_critical") <= mean_days(sanctioned, "standard") + 1e-6
    critical = sanctioned[sanctioned["segment"] == "time_critical"]
    assert (critical["generalized_usd"] < 100_000).all()


def test_no_segment_pays_more_than_its_cheapest_route_with_room(sanctioned):
    """The table's costs are the assignment's: each route's generalized cost is its parts' sum, and
    none exceeds the segment's cheapest open route by more than a hundredth of a percent."""
    parts = sanctioned["tariff_usd"] + sanctioned["time_usd"] + sanctioned["wait_usd"]
    assert np.allclose(parts, sanctioned["generalized_usd"])
    assert (sanctioned["excess_usd"] <= 1e-4 * sanctioned["generalized_usd"]).all()
    gap = sanctioned.attrs["equilibrium"]
    assert 0.0 <= gap["relative_gap"] <= 1e-4 and gap["rounds"] >= 1


def test_cli_route_segments_reports_the_gap():
    runner = CliRunner()
    args = ["routes", "Xi'an", "Duisburg", "--segments", "--scenario", "sanctions-2022", "--on", "2022-06-01"]
    shown = runner.invoke(app, args, env={"COLUMNS": "220"})
    assert shown.exit_code == 0, shown.output
    assert "gap to equilibrium" in shown.output and "over cheapest" in shown.output
    rows = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert {r["segment"] for r in rows} == {"economy", "standard", "time_critical"}
    assert all("excess_usd" in r for r in rows)
