"""The assumptions table: each range holds its value, has a width, and matches the number it qualifies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridor import load_network
from corridor.errors import DataError
from corridor.network.assumptions import (
    apply_draw,
    check_assumptions,
    dataset_parameters,
    draw_values,
    load_assumptions,
)
from corridor.network.tables import builtin_dataset_path
from corridor.scenario import builtin_scenarios, load_scenario

HEADER = "table,element,field,value,low,high,distribution,reason,source\n"


def write(tmp_path, *rows):
    path = tmp_path / "assumptions.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_builtin_ranges_hold_their_values_and_match_the_dataset():
    table = load_assumptions()
    assert (table["low"] < table["high"]).all()
    assert ((table["low"] <= table["value"]) & (table["value"] <= table["high"])).all()
    published = load_network(calibrated=False)
    scenarios = {name: load_scenario(name) for name in builtin_scenarios()}
    risks = pd.read_csv(builtin_dataset_path() / "risks.csv")
    check_assumptions(published, table, parameters=dataset_parameters(), risks=risks, scenarios=scenarios)
    hold_up = table[(table["element"] == "sanctions-2022#0") & (table["field"] == "expected_delay_days")]
    assert hold_up[["value", "low", "high"]].to_numpy().tolist() == [[28.0, 14.0, 42.0]]


def test_a_range_that_does_not_hold_its_value_is_refused_with_file_row_and_field(tmp_path):
    path = write(
        tmp_path,
        "links,ab,dwell_h,60,48,72,uniform,fine,T1",
        "links,bc,dwell_h,80,48,72,uniform,outside,T1",
    )
    with pytest.raises(DataError) as err:
        load_assumptions(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.field) == ("assumptions.csv", 3, "value")
    assert "80" in problem.message and "48..72" in problem.message


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("links,ab,dwell_h,60,72,48,uniform,reversed,T1", "high"),
        ("links,ab,dwell_h,60,60,60,uniform,no width,T1", "high"),
        ("links,ab,dwell_h,0,0,4,lognormal,zero,T1", "low"),
        ("links,ab,dwell_h,2,1,4,normal,unknown,T1", "distribution"),
        ("links,ab,dwell_h,2,1,4,uniform,,T1", "reason"),
    ],
)
def test_bad_bands_are_refused(tmp_path, row, field):
    with pytest.raises(DataError) as err:
        load_assumptions(write(tmp_path, row))
    assert [(p.row, p.field) for p in err.value.problems] == [(2, field)]


def test_one_band_per_number(tmp_path):
    path = write(tmp_path, "links,ab,dwell_h,60,48,72,uniform,one,T1", "links,ab,dwell_h,60,50,70,uniform,two,T1")
    with pytest.raises(DataError) as err:
        load_assumptions(path)
    assert [(p.row, p.field) for p in err.value.problems] == [(3, "field")]


def test_a_range_must_qualify_the_number_the_dataset_gives(tiny, tmp_path):
    table = load_assumptions(write(tmp_path, "links,oa,dwell_h,6,4,8,uniform,the border wait,T1"))
    with pytest.raises(DataError) as err:
        check_assumptions(tiny, table)
    (problem,) = err.value.problems
    assert (problem.row, problem.field) == (2, "value")
    assert "gives 5" in problem.message  # oa's dwell is 5 h
    missing = load_assumptions(write(tmp_path, "links,nowhere,dwell_h,6,4,8,uniform,no such link,T1"))
    with pytest.raises(DataError, match="nowhere"):
        check_assumptions(tiny, missing)
    unsourced = load_assumptions(write(tmp_path, "links,oa,dwell_h,5,4,8,uniform,the border wait,T1; X9"))
    with pytest.raises(DataError) as err:
        check_assumptions(tiny, unsourced)
    assert [(p.row, p.field) for p in err.value.problems] == [(2, "source")]


def test_a_folder_without_the_table_has_no_assumptions(tiny_copy):
    assert load_assumptions(tiny_copy).empty


def test_draws_follow_their_distributions():
    table = pd.DataFrame(
        {
            "value": [2.0, 2.0, 2.0],
            "low": [1.0, 1.0, 1.0],
            "high": [3.0, 3.0, 4.0],
            "distribution": ["uniform", "triangular", "lognormal"],
        }
    )
    u = np.array([[0.0, 0.0, 0.5], [0.5, 0.5, 0.0], [1.0, 1.0, 1.0]])
    values = draw_values(table, u)
    assert values[:, 0].tolist() == [1.0, 2.0, 3.0]
    assert values[:, 1].tolist() == pytest.approx([1.0, 2.0, 3.0])  # symmetric triangle: mode at the median
    assert values[0, 2] == pytest.approx(2.0, rel=0.05) and values[1, 2] == pytest.approx(1.0)
    assert values[2, 2] == pytest.approx(4.0)


def test_a_draw_is_laid_over_the_tables_the_calibration_and_the_scenario():
    table = load_assumptions()
    published = load_network(calibrated=False)
    sanctions = load_scenario("sanctions-2022")
    values = table["value"].to_numpy(float).copy()
    values[(table["field"] == "expected_delay_days").to_numpy()] = 40.0
    values[(table["element"] == "share_standard").to_numpy()] = 0.25
    values[(table["element"] == "bx_brest_malaszewicze") & (table["field"] == "dwell_h")] = 70.0
    net, scenario = apply_draw(published, table, values, parameters=dataset_parameters(), scenario=sanctions)
    assert scenario.events[0].expected_delay_days == 40.0
    assert sanctions.events[0].expected_delay_days == 28.0  # the scenario given is left alone
    shares = net.segments.set_index("segment")["share"]
    assert shares["standard"] == pytest.approx(0.25) and shares.sum() == pytest.approx(1.0)
    assert float(net.links.set_index("id").loc["bx_brest_malaszewicze", "dwell_h"]) == 70.0
    # the point values give the calibrated network back
    same, _ = apply_draw(published, table, table["value"], parameters=dataset_parameters(), scenario=sanctions)
    pd.testing.assert_frame_equal(same.segments, load_network().segments)


def test_network_show_lists_the_assumptions_and_validate_checks_them(tiny_copy):
    import json

    from typer.testing import CliRunner

    from corridor.cli import app
    from corridor.errors import EXIT_CODES

    shown = CliRunner().invoke(app, ["network", "show", "--json"])
    assert shown.exit_code == 0, shown.output
    listed = json.loads(shown.stdout)["assumptions"]
    hold_up = next(a for a in listed if a["field"] == "expected_delay_days")
    assert {k: hold_up[k] for k in ("element", "value", "low", "high", "distribution")} == {
        "element": "sanctions-2022#0",
        "value": 28.0,
        "low": 14.0,
        "high": 42.0,
        "distribution": "triangular",
    }
    assert hold_up["reason"] and hold_up["source"]
    (tiny_copy / "assumptions.csv").write_text(HEADER + "links,oa,dwell_h,6,4,8,uniform,the border wait,T1\n")
    refused = CliRunner().invoke(app, ["network", "validate", str(tiny_copy)])
    assert refused.exit_code == EXIT_CODES[DataError]
    assert "assumptions.csv row 2: value is 6 but links gives 5" in refused.output


def test_a_drawn_capacity_scales_the_elements_dated_capacities_too():
    """The crossing's band (15,000-40,000 TEU on its stated 25,000) must reach a day its capacity
    history sets (40,000 from September 2022): a run on that day sees the draw."""
    import datetime as dt

    from corridor.network.history import network_on

    table = load_assumptions()
    published = load_network(calibrated=False)
    row = ((table["table"] == "groups") & (table["element"] == "caspian_crossing")).to_numpy()
    values = table["value"].to_numpy(float).copy()
    values[row] = float(table.loc[row, "value"].iloc[0]) * 0.6
    drawn, _ = apply_draw(published, table, values)

    def crossing(net):  # type: ignore[no-untyped-def]
        groups = network_on(net, dt.date(2023, 6, 1)).groups.set_index("id")
        return float(groups.loc["caspian_crossing", "capacity"])

    assert crossing(drawn) == pytest.approx(0.6 * crossing(published))
    # the point value leaves the history as it is
    same, _ = apply_draw(published, table, table["value"])
    pd.testing.assert_frame_equal(same.capacity_history, published.capacity_history)
