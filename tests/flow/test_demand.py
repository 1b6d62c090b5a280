"""Demand input: the built-in 2021 baseline and clear errors for bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor import DataError
from corridor.errors import RequestError
from corridor.flow import load_demand

HEADER = "origin,destination,commodity,quantity_per_year,source,note\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "demand.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def problems(tiny, path: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_demand(tiny, path)
    return [str(p) for p in info.value.problems]


def test_builtin_baseline(eurasia):
    demand = load_demand(eurasia)
    # Kazakh crude exports in 2021: 67.6 Mt (R98), with the Russian barrels that share the CPC
    # (about 8.2 Mt, R120) and Azerbaijan's crude in BTC (about 26.8 Mt, H4); China-Europe boxes both
    # ways by any mode: about 13.3 + 5.0 million TEU (S73, S74), China-Turkey about 0.66 million (S82),
    # China-Central Asia by rail 0.25 million, Kazakhstan-Turkey boxes 11,000 + 10,100 TEU (M1),
    # Kazakhstan-EU boxes 12,900 + 25,200 (Z1) and Uzbekistan-Turkey boxes 6,200 + 15,600 (Z3; Z4)
    crude = demand.table[demand.table["commodity"] == "crude_oil"]
    kazakh = crude[~crude["origin"].isin(["kavkazskaya_ps", "sangachal_terminal"])]
    assert kazakh["quantity_per_year"].sum() == pytest.approx(67.6e6)
    assert demand.total("crude_oil") == pytest.approx(67.6e6 + 8.2e6 + 26.8e6)
    assert demand.total("container") == pytest.approx(13.3e6 + 5.0e6 + 0.658e6 + 0.25e6 + 21_100 + 38_100 + 21_800)
    assert demand.total("coal") == pytest.approx(19e6 + 1.9e6)  # to Russia and Belarus (S75)
    # every row is split among the container segments by their shares, which sum to one
    boxes = demand.table[demand.table["commodity"] == "container"]
    assert set(boxes["segment"]) == {"time_critical", "standard", "economy"}
    assert (demand.table["source"] != "").all()


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024])
def test_each_year_has_its_sourced_demand(eurasia, year):
    demand = load_demand(eurasia, year=year)
    assert demand.name == f"demand-{year}.csv"
    assert (demand.table["source"] != "").all()
    crude = demand.table[demand.table["commodity"] == "crude_oil"].set_index("destination")
    assert crude.loc["samara_oil", "quantity_per_year"] > 5e6  # Kazakh shippers' Transneft quota (R46; R39; H3)


def test_yearly_demand_follows_the_published_figures(eurasia):
    def total(year, origin):
        table = load_demand(eurasia, year=year).table
        return float(table.loc[table["origin"] == origin, "quantity_per_year"].sum())

    # Tengiz grew 26.5 -> 29.2 Mt from 2021 to 2022 (R98; R97); China-Europe rail boxes grew (R65; R174)
    assert total(2021, "tengiz") == pytest.approx(26.5e6)
    assert total(2022, "tengiz") == pytest.approx(29.2e6)
    assert total(2021, "xian_port") < total(2022, "xian_port") < total(2023, "xian_port")


def test_an_unknown_demand_year_is_refused(eurasia):
    with pytest.raises(RequestError, match="no built-in demand for 2019"):
        load_demand(eurasia, year=2019)


def test_names_resolve(tiny, tmp_path):
    demand = load_demand(tiny, write(tmp_path, "Start,Эхо,container,100,T1,\nAlpha,markets,crude_oil,5,T1,\n"))
    assert list(demand.table["origin"]) == ["o", "a"]
    assert list(demand.table["destination"]) == ["e", "markets"]


def test_bad_rows_are_all_reported(tiny, tmp_path):
    path = write(
        tmp_path,
        "Alpah,e,container,100,T1,\n"  # row 2: unknown node
        "o,e,coal,100,T1,\n"  # row 3: unknown commodity
        "o,e,container,-5,T1,\n"  # row 4: negative
        "a,d,container,10,,\n"  # row 5: no source
        "a,a,container,10,T1,\n",  # row 6: nowhere to go
    )
    found = problems(tiny, path)
    assert "demand.csv row 2: origin: unknown node 'Alpah'; did you mean 'Alpha' (a)?" in found
    assert any(
        p.startswith("demand.csv row 3: commodity is 'coal'; expected one of container, crude_oil") for p in found
    )
    assert "demand.csv row 4: quantity_per_year is -5; expected a number >= 0" in found
    assert any(p.startswith("demand.csv row 5: quantity_per_year is given but source is empty") for p in found)
    assert "demand.csv row 6: origin and destination are both 'a'" in found


def test_repeated_pair(tiny, tmp_path):
    found = problems(tiny, write(tmp_path, "o,e,container,1,T1,\no,e,container,2,T1,\n"))
    assert found == ["demand.csv row 3: repeats origin, destination, commodity and segment of row 2"]


def test_pair_that_can_never_be_served(tiny, tmp_path):
    found = problems(tiny, write(tmp_path, "o,p,container,1,T1,\n"))
    assert found == [
        "demand.csv row 2: no chain of links that container may use joins o to p; this demand can never be served"
    ]


def test_empty_and_missing_files(tiny, tmp_path):
    (tmp_path / "empty.csv").write_text("")
    assert problems(tiny, tmp_path / "empty.csv")[0].startswith("empty.csv: file is empty")
    assert problems(tiny, tmp_path / "nope.csv")[0].startswith("nope.csv: file is missing")


def test_kazakh_crude_committed_to_btc_from_march_2023(eurasia):
    def to_ceyhan(year):
        table = load_demand(eurasia, year=year).table
        mine = table[(table["origin"] == "mangyshlak") & (table["destination"] == "ceyhan_terminal")]
        return float(mine["quantity_per_year"].sum())

    def from_aktau(year):
        table = load_demand(eurasia, year=year).table
        return float(table.loc[table["origin"] == "mangyshlak", "quantity_per_year"].sum())

    # the KMG-SOCAR agreement of 2022, 1.5 Mt a year, delivered from March 2023 (T1; T2; T3),
    # KazTransOil planned 1.5 Mt for 2024 (T5; T6); Aktau's loadings stay the published totals
    assert to_ceyhan(2022) == 0.0
    assert to_ceyhan(2023) == pytest.approx(1.5e6 * 10 / 12)
    assert to_ceyhan(2024) == pytest.approx(1.5e6)
    assert from_aktau(2023) == pytest.approx(3.376e6)
    assert from_aktau(2024) == pytest.approx(3.72e6)


def test_the_trans_caspian_route_carries_dry_cargo_beside_crude_and_boxes(eurasia):
    def dry(year):
        table = load_demand(eurasia, year=year).table
        mine = table[(table["origin"] == "astana") & (table["destination"] == "baku")]
        return float(mine["quantity_per_year"].sum())

    # the route's tonnage (R88; R9; R11) less Aktau's crude to Baku (R37; H3) and its boxes at 10 t
    assert dry(2021) == 0.0  # the fitted year has none yet (a refit would have to go with it)
    assert dry(2022) == pytest.approx(1.5e6 - 0.25e6 - 33_600 * 10)
    assert dry(2022) < dry(2023) < dry(2024)
