"""Closures with the same outcome share a row of the ranking (elements in series: one cut set)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.flow import demand_from_frame
from corridor.network import load_network
from corridor.sweep import criticality

TINY = Path(__file__).parents[1] / "data" / "tiny"

NODE = "id,name,name_ru,aliases,country,kind,lat,lon,position_source,capacity,capacity_unit,capacity_source,note"
LINK = (
    "id,from,to,mode,direction,name,length_km,length_source,capacity,capacity_unit,capacity_source,"
    "transit_time_h,transit_time_source,dwell_h,dwell_source,countries,commodities,gauge_mm,operator,note"
)
COMMODITY = (
    "id,name,unit,modes,tonnes_per_unit,tonnes_source,teu_per_unit,teu_source,units_per_train,train_source,"
    "barrels_per_unit,barrels_source,value_usd_per_unit,value_source,value_of_time_usd_per_unit_day,"
    "value_of_time_source,note"
)


def _series_network(folder: Path) -> Path:
    """A network checked on paper, rail only, two goods alike in every figure (alpha, beta):

    * line one, a1 -> j1 -> b1 (CN to DE), with a line four times as long beside it: closing a1_j1,
      j1, j1_b1 or the group ``line_one`` holding them sends the cargo the long way, the same outcome;
    * three lines alike with no way round, a_k -> k_k -> b_k (k = 2, 3, 4): alpha from CN, beta
      from CN and alpha from KZ. Closing each strands a million tonnes at the same cost, but of
      other goods (2 and 3) or of another exporter (2 and 4): not the same outcome.

    A hub ``h`` joins them into one network by lines leading away from every place cargo goes.
    """
    shutil.copytree(TINY, folder)
    (folder / "commodities.csv").write_text(
        f"{COMMODITY}\n"
        + "".join(f"{c},{c} goods,t,rail,1,T1,,,3000,T1,,,500,T1,0.5,T1,\n" for c in ("alpha", "beta")),
        encoding="utf-8",
    )
    (folder / "tariffs.csv").write_text(
        "commodity,mode,country,link,usd_per_unit_km,usd_per_unit,source,note\n"
        "alpha,rail,,,0.05,0,T1,\nbeta,rail,,,0.05,0,T1,\n",
        encoding="utf-8",
    )
    (folder / "groups.csv").write_text("id,name,members,note\nline_one,Line one,a1_j1;j1;j1_b1,\n", encoding="utf-8")
    nodes, links = [NODE], [LINK]

    def node(ident: str, country: str, lat: float) -> None:
        nodes.append(f"{ident},{ident},,,{country},junction,{lat},75,T1,,,,")

    def link(ident: str, a: str, b: str, km: float, countries: str) -> None:
        links.append(f"{ident},{a},{b},rail,forward,,{km},T1,,,,,,,,{countries},,1520,,")

    for ident, country, lat in (("a1", "CN", 40), ("j1", "CN", 41), ("b1", "DE", 42), ("h", "CN", 39)):
        node(ident, country, lat)
    link("a1_j1", "a1", "j1", 100, "CN")
    link("j1_b1", "j1", "b1", 100, "CN;DE")
    link("a1_b1", "a1", "b1", 400, "CN;DE")
    link("h_a1", "h", "a1", 50, "CN")
    for k, country in ((2, "CN"), (3, "CN"), (4, "KZ")):
        for ident, lat in ((f"a{k}", 40), (f"k{k}", 41), (f"b{k}", 42), (f"s{k}", 43)):
            node(ident, "DE" if ident.startswith("b") else country, lat + 4 * k)
        link(f"a{k}_k{k}", f"a{k}", f"k{k}", 100, country)
        link(f"k{k}_b{k}", f"k{k}", f"b{k}", 100, f"{country};DE")
        link(f"a{k}_s{k}", f"a{k}", f"s{k}", 10, country)
        link(f"s{k}_h", f"s{k}", "h", 50, country if country == "CN" else f"{country};CN")
    (folder / "nodes.csv").write_text("\n".join(nodes) + "\n", encoding="utf-8")
    (folder / "links.csv").write_text("\n".join(links) + "\n", encoding="utf-8")
    rows = [("a1", "b1", "alpha"), ("a2", "b2", "alpha"), ("a3", "b3", "beta"), ("a4", "b4", "alpha")]
    demand = pd.DataFrame(
        [(*r, 1e6, "assumption: a test") for r in rows],
        columns=["origin", "destination", "commodity", "quantity_per_year", "source"],
    )
    demand.to_csv(folder / "test-demand.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    folder = _series_network(tmp_path_factory.mktemp("series") / "net")
    net = load_network(folder)
    return folder, net, demand_from_frame(net, pd.read_csv(folder / "test-demand.csv"))


def _rows(ranking: pd.DataFrame) -> dict[str, set[str]]:
    """Each ranking row's named element with the others that share it."""
    return {
        str(row.closed): {str(row.closed), *(c for c in str(row.same_outcome).split(", ") if c)}
        for row in ranking.itertuples()
    }


def test_elements_in_series_share_one_row_named_by_the_group(series):
    _, net, dem = series
    result = criticality(net, dem)
    rows = _rows(result.distinct())
    # the series: one row, named by the group that holds its parts
    assert rows["line_one"] == {"line_one", "a1_j1", "j1", "j1_b1"}
    # equal cost, other goods stranded, or another exporter hit: three rows (a line and the node after it in each)
    table = result.table.set_index("closed")
    cost = table.loc[["a2_k2", "a3_k3", "a4_k4"], "extra_cost_usd"]
    assert cost.max() - cost.min() <= 1e-9 * cost.max() and cost.min() > 0
    assert table.loc["a2_k2", "stranded_alpha"] == table.loc["a3_k3", "stranded_beta"] == 1e6
    assert table.loc["a2_k2", "countries_hit"] == "CN" and table.loc["a4_k4", "countries_hit"] == "KZ"
    assert {"a2_k2", "k2"} in rows.values() and {"a3_k3", "k3"} in rows.values() and {"a4_k4", "k4"} in rows.values()
    # nothing is lost: each element is on exactly one row, and the table keeps every element's own figures
    members = [m for row in rows.values() for m in row]
    assert sorted(members) == sorted(result.table["closed"]) and len(result.table) == len(members)
    assert table.loc["j1", "same_outcome_as"] == "line_one" and table.loc["line_one", "same_outcome_as"] == ""
    assert list(result.distinct()["elements"]) == [len(row) for row in rows.values()]
    assert "series" in result.ranking_rule and "exporters" in result.ranking_rule


def test_a_countrys_ranking_groups_by_the_outcome_for_its_trade(series):
    _, net, dem = series
    cn = _rows(criticality(net, dem, country="CN").distinct())
    # for China's trade: alpha and beta stranded are still two outcomes; Kazakh alpha costs China nothing
    assert {"a2_k2", "k2"} in cn.values() and {"a3_k3", "k3"} in cn.values()
    nothing = next(row for row in cn.values() if "a1_b1" in row)
    assert {"a4_k4", "k4"} <= nothing
    kz = criticality(net, dem, country="KZ", transit=True)
    assert {"a4_k4", "k4"} in _rows(kz.distinct()).values()
    assert "KZ's trade and the cargo crossing it" in kz.ranking_rule


def test_cli_names_the_row_and_those_with_the_same_outcome(series, tmp_path):
    folder, _, _ = series
    runner = CliRunner()
    args = ["criticality", "--data", str(folder), "--demand", str(folder / "test-demand.csv"), "--executor", "serial",
            "--no-save"]  # fmt: skip
    ranking = tmp_path / "ranking.xlsx"
    result = runner.invoke(app, [*args, "--json", "--top", "4", "--ranking", str(ranking)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["outcomes"]) == 4 and "one cut set" in data["ranking_rule"]
    line = next(o for o in data["outcomes"] if o["closed"] == "line_one")
    assert sorted(line["same_outcome"]) == ["a1_j1", "j1", "j1_b1"] and line["elements"] == 4
    # every element of the rows shown, each tied to its row
    rank = 1 + [o["closed"] for o in data["outcomes"]].index("line_one")
    assert {e["closed"] for e in data["elements"] if e["outcome"] == rank} == {"line_one", "a1_j1", "j1", "j1_b1"}
    sheets = pd.read_excel(ranking, sheet_name=None)
    assert list(sheets) == ["ranking", "closures"] and len(sheets["closures"]) == data["closures"]
    assert sheets["ranking"].set_index("closed").loc["line_one", "same_outcome"] == "a1_j1, j1, j1_b1"
    text = runner.invoke(app, [*args, "--top", "4"], env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.output
    assert "line_one (+ a1_j1, j1, j1_b1: same outcome)" in text.output
    bad = runner.invoke(app, [*args, "--ranking", str(tmp_path / "ranking.txt")])
    assert bad.exit_code != 0 and "expected a .csv or .xlsx" in bad.output and "Traceback" not in bad.output


def test_pairs_are_named_by_their_best_members_and_a_closure_alone_before_a_pair(series):
    _, net, dem = series
    rows = _rows(criticality(net, dem, n=2).distinct())
    # a series element with a line that strands alpha: one row, named by the group and the line
    pair = next(named for named, row in rows.items() if "a1_j1+a2_k2" in row)
    assert set(pair.split("+")) == {"line_one", "a2_k2"} and {"j1+k2", "j1_b1+a2_k2"} <= rows[pair]
    # closing the line with the hub, which carries nothing, is closing the line alone
    assert "line_one" in rows and any(set(m.split("+")) == {"line_one", "h"} for m in rows["line_one"])
