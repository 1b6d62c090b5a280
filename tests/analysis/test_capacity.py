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
    # dry cargo from China and Kazakhstan to Turkey and Europe: the ferry fleet carries 6.2-6.6 Mt,
    # and the BTK line beyond Georgia (5 Mt/y) binds first
    assert westbound.loc["grain", "t_per_year"] == pytest.approx(5.8e6, rel=0.15)
    assert "tr_kartsakhi_kars" in westbound.loc["grain", "binding"]


def test_middle_corridor_is_end_to_end_each_commodity_its_own_way(eurasia):
    cap = corridor_capacity(eurasia, "middle_corridor")
    assert cap.end_to_end
    assert {"CN", "KZ"} <= set(cap.east) and {"TR", "DE"} <= set(cap.west)
    rows = cap.table.set_index(["direction", "commodity"])
    # crude crosses by tanker from Aktau to Sangachal (7.5 Mt/y), not on the rail ferries
    crude = rows.loc[("westbound", "crude_oil")]
    assert crude["units_per_year"] == pytest.approx(7.5e6)
    assert "cs_aktau_sangachal_tanker" in crude["binding"] and "ferries" not in crude["binding"]
    assert crude["through"] == "cs_aktau_sangachal_tanker"
    # no tanker brings crude east, and BTC runs one way: none, and never "-0"
    assert rows.loc[("eastbound", "crude_oil"), "units_per_year"] == 0.0
    assert str(rows.loc[("eastbound", "crude_oil"), "units_per_year"]) == "0.0"
    # boxes: the crossing's 25,000 TEU each way binds end to end as well
    assert rows.loc[("westbound", "container"), "units_per_year"] == pytest.approx(25_000)
    assert "caspian_crossing" in rows.loc[("westbound", "container"), "binding"]
    # the group alone is still there to ask for: the crossing and its ports
    alone = corridor_capacity(eurasia, "middle_corridor", end_to_end=False)
    assert not alone.end_to_end and "crude_oil" in set(alone.table["commodity"])


def test_capacity_command_prints_no_minus_zero():
    runner = CliRunner()
    for group in ("middle_corridor", "cpc"):
        result = runner.invoke(app, ["capacity", group])
        assert result.exit_code == 0, result.output
        assert "-0" not in result.output
    text = runner.invoke(app, ["capacity", "middle_corridor"]).output
    assert "end to end" in text and "cs_aktau_sangachal_tanker" in text


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
    assert data["t_per_year"] == pytest.approx(7.5e6)  # crude by tanker, the heaviest flow across
    assert data["end_to_end"] is True
    crossing = json.loads(CliRunner().invoke(app, ["capacity", "caspian_crossing", "--json"]).output)
    assert crossing["t_per_year"] == pytest.approx(95_000 * 69, rel=1e-6)  # coal gondolas of 69 t on the ferries
    alone = json.loads(CliRunner().invoke(app, ["capacity", "middle_corridor", "--alone", "--json"]).output)
    assert alone["end_to_end"] is False and alone["west"] == ["baku_alat_port"]
    bad = CliRunner().invoke(app, ["capacity", "nowhere"])
    assert bad.exit_code != 0 and "not a group" in bad.output and "Traceback" not in bad.output


def test_every_corridor_end_names_what_the_network_has(eurasia):
    """corridor_ends.csv: each row's group, crossing and countries are in the built-in network,
    and each corridor it lists is measured end to end."""
    import pandas as pd

    from corridor.network import builtin_dataset_path

    ends = pd.read_csv(builtin_dataset_path() / "corridor_ends.csv", dtype=str, keep_default_na=False)
    known = set(eurasia.links["id"]) | set(eurasia.groups["id"])
    countries = set(eurasia.nodes["country"])
    for row in ends.itertuples():
        assert row.group in set(eurasia.groups["id"])
        assert set(row.through.split(";")) <= known
        assert set(row.origins.split(";")) <= countries and set(row.destinations.split(";")) <= countries
    for group in set(ends["group"]):
        assert corridor_capacity(eurasia, group).end_to_end
