"""A corridor's end-to-end capacity: each capacity in its own unit, shared ones counted once."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from corridor.analysis import corridor_capacity
from corridor.cli import app
from corridor.errors import RequestError
from corridor.flow import assign, demand_from_frame


def test_middle_corridor_lands_near_the_published_capacity(eurasia):
    """TITR's stated throughput capacity: 5.8 Mt/y (R88, May 2023; facts titr_cap_2022)."""
    cap = corridor_capacity(eurasia, "middle_corridor")
    westbound = cap.table[(cap.table["direction"] == "westbound")].set_index("commodity")
    # in tank cars of 60 t (S28) the ferry fleet's 95,000 wagons carry 5.7 Mt
    assert westbound.loc["crude_oil", "t_per_year"] == pytest.approx(5.8e6, rel=0.10)
    assert "caspian_rail_ferries" in westbound.loc["crude_oil", "binding"]  # the fleet binds, once
    # the heaviest wagon load (coal, 69 t a gondola) sets the corridor's tonnage
    assert cap.t_per_year == pytest.approx(95_000 * 69, rel=1e-6)


def test_one_fleet_is_counted_once(eurasia):
    """Wagons on the Aktau, Kuryk and Turkmenbashi lines share one fleet of 95,000 wagons a year."""
    import pandas as pd

    demand = demand_from_frame(
        eurasia,
        pd.DataFrame(
            {
                "origin": ["aktau_rail", "kuryk_rail", "turkmenbashi_rail"],
                "destination": ["baku_alat_rail"] * 3,
                "commodity": ["crude_oil"] * 3,
                "quantity_per_year": [4e6, 4e6, 4e6],
                "source": ["assumption: test"] * 3,
            }
        ),
    )
    result = assign(eurasia, demand, force_lp=True)
    ferries = result.flows[result.flows["link"].str.endswith("_ferry")]
    # 60 t a tank car (S28): never more than one fleet's 95,000 wagons, however many lines; the
    # queue for the fleet (congestion.csv) stops the oil short of full use, where waits cost more
    # than the crossing saves
    assert 0.8 * 95_000 * 60 <= ferries["flow_per_year"].sum() <= 95_000 * 60 * (1 + 1e-9)
    assert "caspian_rail_ferries" in set(result.bottlenecks["element"])


def test_capacity_refuses_what_is_not_a_group(eurasia):
    with pytest.raises(RequestError, match="not a group"):
        corridor_capacity(eurasia, "aktau_port")


def test_capacity_command_gives_tonnes_per_year():
    result = CliRunner().invoke(app, ["capacity", "middle_corridor", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["t_per_year"] == pytest.approx(95_000 * 69, rel=1e-6)  # coal gondolas of 69 t on the ferries
    bad = CliRunner().invoke(app, ["capacity", "nowhere"])
    assert bad.exit_code != 0 and "not a group" in bad.output and "Traceback" not in bad.output
