"""``assign``, ``criticality`` and ``routes --segments`` with ``--samples``: ranges and drivers
in JSON, the "P50 (P10–P90)" table, a tornado chart, and bad requests refused."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import EXIT_CODES, DataError, RequestError

CARRIED = 80 * 365  # TEU a year through ab at 1 train pair a day (tests/data/tiny/README.md)


@pytest.fixture
def dataset(tiny_copy):
    """The tiny dataset with ab's capacity drawn from 1 to 2 train pairs a day, and 100,000 TEU o -> e."""
    (tiny_copy / "assumptions.csv").write_text(
        "table,element,field,value,low,high,distribution,reason,source\nlinks,ab,capacity,1,1,2,uniform,toy,T1\n",
        encoding="utf-8",
    )
    demand = tiny_copy / "demand.csv"
    demand.write_text(
        "origin,destination,commodity,quantity_per_year,source\no,e,container,100000,T1\n", encoding="utf-8"
    )
    return ["--data", str(tiny_copy), "--demand", str(demand)]


def run(*args):
    result = CliRunner().invoke(app, [*args])
    assert result.exit_code == 0, result.output
    return result


def test_assign_with_samples(dataset, tmp_path):
    answer = json.loads(
        run("assign", *dataset, "--samples", "4", "--seed", "3", "--executor", "serial", "--json").stdout
    )
    volume = answer["ranges"]["corridors.caspian.westbound.container.volume_per_year"]
    assert CARRIED <= volume["p10"] < volume["p50"] < volume["p90"] <= 2 * CARRIED
    assert answer["corridors"][0]["volume_per_year"] == pytest.approx(CARRIED)  # the point answer stays
    assert answer["drivers"]["bottlenecks.ab.a->b.train.rent_usd"][0]["assumption"] == "ab.capacity"
    again = json.loads(
        run("assign", *dataset, "--samples", "4", "--seed", "3", "--executor", "serial", "--json").stdout
    )
    assert again["ranges"] == answer["ranges"]
    chart = tmp_path / "tornado.svg"
    table = run("assign", *dataset, "--samples", "4", "--executor", "serial", "--tornado", str(chart))
    assert "P50 (P10–P90)" in table.stdout and "corridors.caspian.westbound" in table.stdout
    assert "ab.capacity" in chart.read_text(encoding="utf-8")


def test_criticality_with_samples(dataset):
    args = ["criticality", *dataset, "--samples", "3", "--executor", "serial", "--top", "3"]
    answer = json.loads(run(*args, "--json").stdout)
    assert answer["outcomes"] and answer["samples"] == 3
    first = answer["outcomes"][0]["closed"].split(", ")[0]  # a, ab, b: in series, one outcome
    cost = answer["ranges"][f"elements.{first}.extra_cost_usd"]
    assert cost["p10"] < cost["p50"] < cost["p90"]
    assert "P50 (P10–P90)" in run(*args).stdout


def test_routes_segments_with_samples(dataset):
    args = ["routes", "o", "e", "--segments", *dataset, "--samples", "3", "--executor", "serial"]
    answer = json.loads(run(*args, "--json").stdout)
    assert answer["rows"][0]["segment"] == "all"
    assert set(answer["ranges"]) >= {"all.transit_days", "all.generalized_usd"}
    table = run(*args).stdout
    assert "P50 (P10–P90)" in table
    assert "1.00 (1.00–1.00)" in table  # a share keeps its decimals


def test_impact_with_samples_draws_its_tornado(tiny_copy, tmp_path):
    (tiny_copy / "assumptions.csv").write_text(
        "table,element,field,value,low,high,distribution,reason,source\n"
        "scenario,dearer-pipeline#0,factor,1.5,1,2,uniform,toy,T1\n",
        encoding="utf-8",
    )
    scenario = tiny_copy / "dearer.yaml"
    scenario.write_text(
        "name: dearer-pipeline\nhorizon: {start: 2022-01-01, end: 2022-01-28}\nevents:\n"
        "  - {type: multiply_tariff, target: ap, factor: 1.5, start: 2022-01-01, days: 28, source: T1}\n",
        encoding="utf-8",
    )
    demand = tiny_copy / "crude.csv"
    demand.write_text(
        "origin,destination,commodity,quantity_per_year,source\na,m,crude_oil,36500,T1\no,e,container,10000,T1\n",
        encoding="utf-8",
    )
    chart = tmp_path / "drivers.svg"
    args = ["impact", str(scenario), "--data", str(tiny_copy), "--demand", str(demand), "--samples", "4"]
    result = run(*args, "--executor", "serial", "--tornado", str(chart))
    assert f"written to {chart}" in result.stdout
    assert "dearer-pipeline#0.factor" in chart.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assign", "--samples", "0"], "--samples is 0; expected 1 to 10,000"),
        (["assign", "--samples", "2", "--on", "2022-03-01"], "drop --on and --year"),
        (["criticality", "--samples", "2", "--n", "2"], "drop --n 2"),
        (["routes", "o", "e", "--samples", "2"], "add --segments"),
    ],
)
def test_bad_requests_are_refused(dataset, args, message):
    result = CliRunner().invoke(app, [*args, *dataset])
    assert result.exit_code == EXIT_CODES[RequestError], result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_bad_range_is_refused_with_file_row_and_field(dataset, tiny_copy):
    (tiny_copy / "assumptions.csv").write_text(
        "table,element,field,value,low,high,distribution,reason,source\nlinks,ab,capacity,3,1,2,uniform,toy,T1\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["assign", *dataset, "--samples", "2", "--executor", "serial"])
    assert result.exit_code == EXIT_CODES[DataError]
    assert "assumptions.csv row 2: value is 3; expected a number within low..high (1..2)" in result.output
