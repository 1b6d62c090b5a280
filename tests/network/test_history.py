"""The network of a day: dated elements and the capacity history."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corridor import DataError, load_network, shortest_route
from corridor.cli import app
from corridor.errors import EXIT_CODES, RequestError
from corridor.network import dated_stretches, network_changes, network_on

DAY = dt.date


def set_column(path: Path, column: str, values: dict[str, str]) -> None:
    """Add (or fill) a column of a CSV table, by row id."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0].keys())
    if column not in fields:
        fields.append(column)
    for row in rows:
        row[column] = values.get(row["id"], row.get(column, ""))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_history(folder: Path, lines: list[str]) -> None:
    header = "element,from,capacity,capacity_unit,capacity_source,note"
    (folder / "capacity-history.csv").write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")


def link_capacity(net, link: str) -> float:  # type: ignore[no-untyped-def]
    return float(net.links.set_index("id").loc[link, "capacity"])


def test_a_link_before_its_opening_is_not_there(tiny_copy: Path) -> None:
    set_column(tiny_copy / "links.csv", "valid_from", {"bd_ferry": "2022-03-01"})
    set_column(tiny_copy / "links.csv", "valid_source", {"bd_ferry": "T1"})
    net = load_network(tiny_copy)
    before, opening = network_on(net, DAY(2022, 2, 28)), network_on(net, DAY(2022, 3, 1))
    assert "bd_ferry" not in set(before.links["id"])
    assert "bd_ferry" in set(opening.links["id"])
    # the cheapest route of the day before goes another way; on the day it opens, the ferry is used
    assert "bd_ferry" not in shortest_route(before, "o", "e").links
    assert "bd_ferry" in shortest_route(opening, "o", "e").links


def test_a_closed_node_takes_its_links_and_group_members_with_it(tiny_copy: Path) -> None:
    set_column(tiny_copy / "nodes.csv", "valid_until", {"d": "2020-12-31"})
    set_column(tiny_copy / "nodes.csv", "valid_source", {"d": "T1"})
    net = load_network(tiny_copy)
    gone = network_on(net, DAY(2021, 1, 1))
    assert "d" not in set(gone.nodes["id"])
    assert not ({"bd_ferry", "bd_feeder", "de", "dm"} & set(gone.links["id"]))
    for members in gone.groups["members"]:
        assert "d" not in members and "de" not in members
    assert "d" in set(network_on(net, DAY(2020, 12, 31)).nodes["id"])


def test_a_capacity_changes_on_its_date(tiny_copy: Path) -> None:
    write_history(tiny_copy, ["ab,2023-05-01,3,train_pairs_per_day,T1,a second track"])
    net = load_network(tiny_copy)
    assert link_capacity(network_on(net, DAY(2023, 4, 30)), "ab") == 1.0  # links.csv's own figure
    assert link_capacity(network_on(net, DAY(2023, 5, 1)), "ab") == 3.0
    assert network_changes(net, DAY(2023, 1, 1), DAY(2023, 12, 31)) == [DAY(2023, 5, 1)]
    assert dated_stretches(net, DAY(2023, 1, 1), DAY(2023, 12, 31)) == [
        (DAY(2023, 1, 1), DAY(2023, 4, 30)),
        (DAY(2023, 5, 1), DAY(2023, 12, 31)),
    ]


def test_the_builtin_caspian_crossing_grows_on_its_sourced_date(eurasia) -> None:  # type: ignore[no-untyped-def]
    def crossing(day: dt.date) -> float:
        return float(network_on(eurasia, day).groups.set_index("id").loc["caspian_crossing", "capacity"])

    # the feeder fleet doubled in September 2022 (L1), not on 1 January with the year's plan
    assert crossing(DAY(2021, 6, 1)) == crossing(DAY(2022, 8, 31)) == 20_000.0
    assert crossing(DAY(2022, 9, 1)) == 40_000.0
    assert network_changes(eurasia, DAY(2022, 1, 1), DAY(2022, 12, 31)) == [DAY(2022, 9, 1)]
    assert crossing(DAY(2024, 12, 17)) == 50_000.0
    history = eurasia.capacity_history
    assert (history["capacity_source"].astype(str) != "").all()


def test_the_kuryk_ferry_port_is_not_there_before_it_opened(eurasia) -> None:  # type: ignore[no-untyped-def]
    before, opened = network_on(eurasia, DAY(2016, 12, 31)), network_on(eurasia, DAY(2017, 1, 1))
    gone = {"kuryk_port", "kuryk_rail"}
    assert not gone & set(before.nodes["id"])
    assert not {"cs_kuryk_alat_ferry", "kuryk_handling", "kz_mangyshlak_kuryk"} & set(before.links["id"])
    crossing = before.groups.set_index("id").loc["caspian_crossing", "members"]
    assert "cs_kuryk_alat_ferry" not in crossing and "cs_aktau_alat_ferry" in crossing
    assert gone <= set(opened.nodes["id"]) and "cs_kuryk_alat_ferry" in set(opened.links["id"])


def test_the_aktau_feeders_sail_from_2019_and_double_in_september_2022(eurasia) -> None:  # type: ignore[no-untyped-def]
    assert "cs_aktau_alat_feeder" not in set(network_on(eurasia, DAY(2019, 4, 15)).links["id"])
    feeders = [
        link_capacity(network_on(eurasia, d), "cs_aktau_alat_feeder")
        for d in (DAY(2019, 4, 16), DAY(2022, 8, 31), DAY(2022, 9, 1))
    ]
    assert feeders == [11_700.0, 44_500.0, 89_000.0]  # one weekly ship (R159), three (L1; L5), six (L1; R122)


def test_the_kuryk_port_grows_when_its_road_ferry_berths_open(eurasia) -> None:  # type: ignore[no-untyped-def]
    assert link_capacity(network_on(eurasia, DAY(2017, 12, 5)), "kuryk_handling") == 4.0  # rail ferries (L2)
    assert link_capacity(network_on(eurasia, DAY(2017, 12, 6)), "kuryk_handling") == 6.0  # and Ro-Ro (L3)


def test_a_bad_history_row_names_file_row_and_field(tiny_copy: Path) -> None:
    write_history(
        tiny_copy, ["ab,2023-13-01,3,train_pairs_per_day,T1,", "nowhere,2023-01-01,3,train_pairs_per_day,T1,"]
    )
    with pytest.raises(DataError) as info:
        load_network(tiny_copy)
    text = [str(p) for p in info.value.problems]
    assert any("capacity-history.csv" in t and "row 2" in t and "from" in t and "YYYY-MM-DD" in t for t in text)
    assert any("capacity-history.csv" in t and "row 3" in t and "nowhere" in t for t in text)


runner = CliRunner()


def teu(day: str) -> float:
    result = runner.invoke(app, ["capacity", "middle_corridor", "--on", day, "--json"])
    assert result.exit_code == 0, result.output
    return float(json.loads(result.output)["teu_per_year"])


def test_capacity_on_a_later_day_carries_more_containers() -> None:
    assert teu("2024-06-01") > teu("2021-06-01")
    assert teu("2022-09-01") > teu("2022-08-31")  # the feeder fleet doubled (L1)


@pytest.mark.parametrize(
    "args",
    [
        ["capacity", "middle_corridor", "--on", "2024-02-30"],
        ["capacity", "middle_corridor", "--on", "2024-06-01", "--year", "2024"],
        ["routes", "Xi'an", "Duisburg", "--year", "3000"],
    ],
)
def test_a_bad_day_is_refused(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_CODES[RequestError], result.output
    assert "Traceback" not in result.output
