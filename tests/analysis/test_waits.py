"""Route times with the queues of a day (``routes --on DATE``)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from corridor import load_scenario, shortest_route
from corridor.analysis.waits import day_waits, with_waits
from corridor.cli import app
from corridor.flow import load_demand


def test_a_route_meets_the_waits_of_its_links(eurasia) -> None:  # type: ignore[no-untyped-def]
    route = shortest_route(eurasia, "Xi'an", "Duisburg", via=["caspian_crossing"])
    arcs = list(zip(route.links, route.nodes[:-1], route.nodes[1:], strict=True))
    waits = {arcs[0]: 24.0, arcs[-1]: 12.0, ("elsewhere", "a", "b"): 1000.0}
    (waited,) = with_waits([route], waits)
    assert waited.wait_h == 36.0 and waited.wait_days == 1.5
    assert waited.time_h == pytest.approx(route.time_h + 36.0)
    assert waited.to_dict()["wait_days"] == 1.5
    # adding the waits again replaces them, never counts them twice
    (again,) = with_waits([waited], waits)
    assert again.time_h == pytest.approx(waited.time_h)


def test_the_sanctions_fill_the_caspian_on_a_day_of_2022(eurasia) -> None:  # type: ignore[no-untyped-def]
    demand = load_demand(eurasia, year=2022)
    day = dt.date(2022, 6, 1)
    plain = day_waits(eurasia, demand, day, commodity="container")
    sanctions = day_waits(eurasia, demand, day, commodity="container", scenario=load_scenario("sanctions-2022"))
    route = shortest_route(eurasia, "Xi'an", "Duisburg", via=["caspian_crossing"])
    (a,) = with_waits([route], plain)
    (b,) = with_waits([route], sanctions)
    assert b.wait_h > a.wait_h


def test_routes_on_a_day_report_its_waits() -> None:
    args = ["routes", "Xi'an", "Duisburg", "--via", "caspian_crossing", "--scenario", "sanctions-2022"]
    result = CliRunner().invoke(app, [*args, "--on", "2022-06-01", "--json"])
    assert result.exit_code == 0, result.output
    (route,) = json.loads(result.output)
    assert route["wait_days"] > 3  # the crossing's queue under the sanctions (the replay's own)
    undated = json.loads(CliRunner().invoke(app, [*args, "--json"]).output)[0]
    assert undated["wait_days"] == 0
    assert route["time_days"] == pytest.approx(undated["time_days"] + route["wait_days"], abs=0.02)
