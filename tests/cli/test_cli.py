"""The command line: each command, its JSON, its errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import EXIT_CODES, DataError, RequestError, ScenarioError, UnknownNodeError

runner = CliRunner()
TINY = str(Path(__file__).parents[1] / "data" / "tiny")


def run(*args: str):
    return runner.invoke(app, list(args))


def test_routes_table():
    result = run("routes", "Xi'an", "Duisburg", "-k", "2")
    assert result.exit_code == 0, result.output
    assert "USD/TEU" in result.output
    assert "sources:" in result.output


def test_routes_json_fields():
    result = run("routes", "Xi'an", "Duisburg", "--avoid", "RU,BY", "--json")
    assert result.exit_code == 0, result.output
    routes = json.loads(result.output)
    assert len(routes) == 1
    for key in ("nodes", "cost_usd", "time_h", "distance_km", "countries", "modes"):
        assert key in routes[0]
    assert "RU" not in routes[0]["countries"]


def test_routes_pareto_and_legs_json():
    result = run("routes", "o", "e", "--pareto", "--legs", "--json", "--data", TINY)
    routes = json.loads(result.output)
    assert [(r["cost_usd"], r["time_h"]) for r in routes] == [(600, 74), (630, 46), (650, 30)]
    assert routes[0]["legs"][0]["link"] == "oa"


def test_routes_crude_by_time_with_via():
    result = run("routes", "Tengiz", "crude_markets", "-c", "crude_oil", "--via", "btc", "--by", "time", "--json")
    assert result.exit_code == 0, result.output
    assert "btc_sangachal_ceyhan" in json.loads(result.output)[0]["links"]


def test_routes_map(tmp_path):
    target = tmp_path / "map.png"
    result = run("routes", "Xi'an", "Duisburg", "--map", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_place_exit_code_and_suggestion():
    result = run("routes", "Atkau", "Duisburg")
    assert result.exit_code == EXIT_CODES[UnknownNodeError]
    assert "unknown node 'Atkau'; did you mean 'Aktau port' (aktau_port)?" in result.output


def test_no_route_exit_code():
    result = run("routes", "o", "e", "--avoid", "RU", "--avoid", "AZ", "--data", TINY)
    assert result.exit_code == 5
    assert "cut by avoid RU, avoid AZ" in result.output


def test_huge_k():
    result = run("routes", "o", "e", "-k", "100000", "--data", TINY)
    assert result.exit_code == EXIT_CODES[RequestError]
    assert "k is 100000; expected a whole number from 1 to 100" in result.output


def test_network_show():
    result = run("network", "show")
    assert result.exit_code == 0
    assert "aktau_port" in result.output


def test_network_show_json_has_every_node_and_link_with_sources():
    result = run("network", "show", "--json", "--data", TINY)
    data = json.loads(result.output)
    assert len(data["nodes"]) == 8 and len(data["links"]) == 10
    assert data["links"][0]["length_source"] == "T1"
    assert data["links"][0]["countries"] == ["CN", "KZ"]
    assert data["sources"][0]["id"] == "T1"


def test_network_validate_ok():
    result = run("network", "validate", TINY)
    assert result.exit_code == 0
    assert "valid" in result.output


def test_network_validate_reports_every_problem_and_writes_nothing(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    for f in Path(TINY).glob("*.csv"):
        (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    links = folder / "links.csv"
    links.write_text(links.read_text().replace("ab,a,b,rail,both,,100,T1,1,", "ab,a,b,rail,both,,100,T1,-1,"))
    (folder / "nodes.csv").write_text("")
    before = sorted(p.name for p in folder.iterdir())
    result = run("network", "validate", str(folder))
    assert result.exit_code == EXIT_CODES[DataError]
    assert "nodes.csv: file is empty" in result.output
    assert sorted(p.name for p in folder.iterdir()) == before


def test_schema_docs():
    result = run("network", "schema", "links")
    assert result.exit_code == 0
    assert "capacity_unit" in result.output
    data = json.loads(run("network", "schema", "--json").output)
    assert {"nodes", "links", "commodities", "sources"} <= set(data)
    bad = run("network", "schema", "lnks")
    assert bad.exit_code == EXIT_CODES[RequestError]
    assert "unknown table 'lnks'" in bad.output


@pytest.mark.slow
def test_entry_point_end_to_end(tmp_path):
    """The installed package runs as a program, as a user would call it."""
    out = subprocess.run(
        [sys.executable, "-m", "corridor", "routes", "Xi'an", "Duisburg", "--by", "time", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    route = json.loads(out.stdout)[0]
    assert route["countries"][0] == "CN" and route["countries"][-1] == "DE"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_demo(tmp_path):
    result = run("demo", "--out", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    for title in ("Northern (Russia, Belarus)", "Middle Corridor (Caspian)", "Sea via Suez", "CPC to Novorossiysk"):
        assert title in result.output
    assert "no route" in result.output
    assert "5. Replaying 2022" in result.output
    for scenario in ("sanctions-2022", "cpc-storm-2022", "cpc-court-2022", "combined-2022", "invest-caspian"):
        assert scenario in result.output
    assert "6. Single points of failure" in result.output
    assert "cpc_moorings" in result.output
    pictures = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert pictures == [
        "containers-without-russia-belarus.png",
        "containers.png",
        "crude-outlets.png",
        "single-points-of-failure.png",
        "utilisation-combined-2022.png",
        "utilisation-cpc-court-2022.png",
    ]


def test_pareto_refuses_k_and_by():
    result = run("routes", "o", "e", "--pareto", "-k", "3", "--data", TINY)
    assert result.exit_code == EXIT_CODES[RequestError]
    assert "drop -k and --by" in result.output


def test_assign_json(tmp_path):
    path = tmp_path / "demand.csv"
    path.write_text(
        "origin,destination,commodity,quantity_per_year,source,note\no,e,container,20000,T1,\na,d,container,20000,T1,\n",
        encoding="utf-8",
    )
    result = run("assign", "--demand", str(path), "--json", "--data", TINY)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("status", "total_cost_usd", "unserved", "flows", "bottlenecks"):
        assert key in data
    assert data["unserved"]["container"] == pytest.approx(10_800)
    assert data["bottlenecks"][0]["element"] == "ab"


def test_assign_table_and_bad_demand(tmp_path):
    assert "Binding capacities" in run("assign", "--scenario", "cpc-court-2022").output
    path = tmp_path / "demand.csv"
    path.write_text("origin,destination,commodity,quantity_per_year,source,note\nAtkau,Duisburg,container,-1,R1,\n")
    result = run("assign", "--demand", str(path))
    assert result.exit_code == EXIT_CODES[DataError]
    assert "did you mean 'Aktau port' (aktau_port)?" in result.output
    assert "quantity_per_year is -1; expected a number >= 0" in result.output


def test_scenario_commands(tmp_path):
    listed = run("scenario", "list", "--json")
    assert {s["name"] for s in json.loads(listed.output)} >= {"sanctions-2022", "cpc-court-2022"}
    assert "valid: scenario 'cpc-storm-2022' with 2 events" in run("scenario", "validate", "cpc-storm-2022").output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nevents:\n  - type: close\n    target: nowhere\n", encoding="utf-8")
    result = run("scenario", "validate", str(bad))
    assert result.exit_code == EXIT_CODES[ScenarioError]
    assert "target 'nowhere' is not a node, link, group or country" in result.output


def test_assign_with_a_scenario():
    data = json.loads(run("assign", "--scenario", "cpc-court-2022", "--json").output)
    assert data["status"] == "optimal"
    assert {"ru_atyrau_samara", "kz_tengiz_beineu_rail"} <= {b["element"] for b in data["bottlenecks"]}


def test_impact_json_and_table():
    data = json.loads(run("impact", "cpc-court-2022", "--period", "month", "--json").output)
    for key in ("delta_cost_usd", "stranded", "bottlenecks", "corridors", "dependency"):
        assert key in data
    assert data["delta_cost_usd"] > 0
    assert "Volume moved between corridors" in run("impact", "cpc-court-2022").output
    bad = run("impact", "cpc-court-2022", "--period", "fortnight")
    assert bad.exit_code == EXIT_CODES[RequestError]


def test_impact_leads_with_the_disruption_and_exports_its_series(tmp_path):
    out = run("impact", "cpc-court-2022", "--period", "month", "--no-save", "--series", str(tmp_path / "s.csv"),
              "--plot", str(tmp_path / "s.png"))  # fmt: skip
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[2].lstrip("│┃ ").startswith("disruption cost")
    assert "crude output cut" in out.output  # deferred output and its carrying cost, on a line of their own
    import pandas as pd

    series = pd.read_csv(tmp_path / "s.csv")
    assert {"period", "corridor", "direction", "volume_teu", "volume_t", "delta_cost_usd"} <= set(series.columns)
    assert set(series["period"]) == {0, 1}
    assert (tmp_path / "s.png").stat().st_size > 1000
    book = run("impact", "cpc-court-2022", "--period", "month", "--no-save", "--json", "--series",
               str(tmp_path / "s.xlsx"))  # fmt: skip
    assert set(pd.read_excel(tmp_path / "s.xlsx", sheet_name=None)) == {"periods", "series"}
    data = json.loads(book.output)
    assert data["disruption_cost_usd"] > 0 and data["market_cost_usd"] == 0
    assert 0 < data["delta_cost_usd"] < 0.25 * data["oil"]["deferred_value_usd"]
    assert len(data["periods"]) == 2
    bad = run("impact", "cpc-court-2022", "--series", str(tmp_path / "s.txt"))
    assert bad.exit_code == EXIT_CODES[RequestError]


def test_impact_on_top_of_a_base_scenario():
    from corridor.scenario import builtin_scenarios

    file = str(builtin_scenarios()["caspian-ports-nov-2022"])  # Aktau and Kuryk shut 7-27 November 2022
    out = run("impact", file, "--base", "sanctions-2022", "--period", "month", "--json", "--no-save")
    data = json.loads(out.output)
    assert data["base"] == "sanctions-2022"
    assert data["disruption_cost_usd"] > 0
    assert data["delta_cost_usd"] == pytest.approx(data["disruption_cost_usd"] + data["market_cost_usd"], rel=0.01)
    assert run("impact", "cpc-court-2022", "--base", "no-such-scenario").exit_code == EXIT_CODES[ScenarioError]


def test_runs_are_saved_and_shown(tmp_path):
    db = tmp_path / "runs.sqlite"
    assert run("assign", "--data", TINY, "--demand", str(_tiny_demand(tmp_path)), "--results", str(db)).exit_code == 0
    assert run("impact", "cpc-court-2022", "--period", "month", "--results", str(db)).exit_code == 0
    listed = json.loads(run("results", "list", "--results", str(db), "--json").output)
    assert [r["kind"] for r in listed] == ["assign", "impact"]
    shown = json.loads(run("results", "show", "2", "--results", str(db), "--json").output)
    assert shown["scenario"] == "cpc-court-2022"
    assert "bottlenecks" in shown["tables"]
    assert (
        "saved as run" not in run("assign", "--no-save", "--data", TINY, "--demand", str(_tiny_demand(tmp_path))).output
    )
    missing = run("results", "show", "9", "--results", str(db))
    assert missing.exit_code != 0 and "no run 9" in missing.output


def _tiny_demand(tmp_path):
    path = tmp_path / "tiny-demand.csv"
    path.write_text("origin,destination,commodity,quantity_per_year,source,note\no,e,container,100,T1,\n")
    return path
