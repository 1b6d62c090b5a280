"""Loading and validating datasets: every problem reported at once, with file, row, field."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import DataError, load_network, network_from_frames, validate_dataset
from corridor.network import TABLES, schema_for


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (row 2 is the first data row, as in the error messages)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0].keys())
    rows[row - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_network(folder)
    return [str(p) for p in info.value.problems]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_tiny_network_loads(tiny):
    assert len(tiny.nodes) == 8
    assert len(tiny.links) == 10
    assert set(tiny.tables()) == set(TABLES)


def test_defaults_are_filled(tiny):
    links = tiny.links.set_index("id")
    assert links.loc["ab", "direction"] == "both"
    assert links.loc["ab", "dwell_h"] == 0.0
    assert links.loc["ap", "direction"] == "forward"


def test_negative_capacity_names_file_row_and_field(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 3, "capacity", "-3")
    assert problems_of(tiny_copy) == ["links.csv row 3: capacity is -3; expected a number >= 0"]


def test_every_problem_is_reported_at_once(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 3, "capacity", "-3")
    edit_csv(tiny_copy / "links.csv", 4, "to", "nowhere")
    edit_csv(tiny_copy / "links.csv", 5, "capacity_unit", "furlongs")
    edit_csv(tiny_copy / "nodes.csv", 2, "lat", "north")
    found = problems_of(tiny_copy)
    assert "links.csv row 3: capacity is -3; expected a number >= 0" in found
    assert "links.csv row 4: to refers to 'nowhere', which is not an id in nodes.csv" in found
    assert "links.csv row 5: capacity_unit refers to 'furlongs', which is not an id in units.csv" in found
    assert "nodes.csv row 2: lat is 'north'; expected a number from -90 to 90" in found


def test_unknown_unit_without_capacity_is_still_an_error(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 3, "capacity_unit", "bbl_per_fortnight")
    found = problems_of(tiny_copy)
    assert any("capacity_unit refers to 'bbl_per_fortnight'" in p for p in found)


def test_capacity_without_unit_or_source(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 4, "capacity", "5")
    found = problems_of(tiny_copy)
    assert (
        "links.csv row 4: capacity is given but capacity_unit is empty; expected capacity_unit for every capacity"
        in found
    )
    assert any("capacity is given but capacity_source is empty" in p for p in found)


def test_duplicate_ids(tiny_copy):
    edit_csv(tiny_copy / "nodes.csv", 3, "id", "o")
    found = problems_of(tiny_copy)
    assert any(p.startswith("nodes.csv row 3: id 'o' is a duplicate (first at row 2)") for p in found)


def test_malformed_csv_row(tiny_copy):
    path = tiny_copy / "links.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + ",extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems_of(tiny_copy)
    assert any(p.startswith("links.csv row 3: has 21 fields; expected 20") for p in found)


def test_empty_file(tiny_copy):
    (tiny_copy / "nodes.csv").write_text("", encoding="utf-8")
    found = problems_of(tiny_copy)
    assert found[0].startswith("nodes.csv: file is empty; expected a header row with columns id, name")


def test_missing_file(tiny_copy):
    (tiny_copy / "tariffs.csv").unlink()
    assert problems_of(tiny_copy)[0].startswith("tariffs.csv: file is missing")


def test_not_utf8(tiny_copy):
    (tiny_copy / "sources.csv").write_bytes("id,title\nT1,Caf\xe9\n".encode("latin-1"))
    assert problems_of(tiny_copy)[0].startswith("sources.csv: is not UTF-8 text")


def test_unknown_and_missing_columns(tiny_copy):
    path = tiny_copy / "speeds.csv"
    path.write_text("mode,contry,speed_km_per_day,source\nrail,,600,T1\n", encoding="utf-8")
    found = problems_of(tiny_copy)
    assert any("speeds.csv row 1: unknown column 'contry'" in p for p in found)


def test_missing_required_column(tiny_copy):
    (tiny_copy / "speeds.csv").write_text("mode,source\nrail,T1\n", encoding="utf-8")
    found = problems_of(tiny_copy)
    assert "speeds.csv row 1: required column 'speed_km_per_day' is missing from the header" in found


def test_source_that_is_not_listed(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 2, "length_source", "T9")
    assert "links.csv row 2: length_source cites 'T9', which is not an id in sources.csv" in problems_of(tiny_copy)


def test_assumption_needs_a_reason(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 2, "length_source", "assumption:")
    assert any("says 'assumption:' without a reason" in p for p in problems_of(tiny_copy))


def test_commodity_a_link_cannot_carry(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 9, "commodities", "container")  # ap is a pipeline
    found = problems_of(tiny_copy)
    assert any(
        p.startswith("links.csv row 9: commodities lists 'container', which cannot use mode 'pipeline'") for p in found
    )


def test_link_to_unknown_country_and_country_mismatch(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 3, "countries", "KZ;XX")
    edit_csv(tiny_copy / "links.csv", 4, "countries", "KZ")  # bc ends in RU
    found = problems_of(tiny_copy)
    assert any("links.csv row 3: countries has 'XX'; expected an ISO 3166-1 alpha-2 country code" in p for p in found)
    assert any(p.startswith("links.csv row 4: countries is 'KZ' but node 'c' lies in RU") for p in found)


def test_disconnected_node(tiny_copy):
    with (tiny_copy / "nodes.csv").open("a", encoding="utf-8") as f:
        f.write("x,Island,,,KZ,junction,45,60,T1,,,,\n")
    assert "nodes.csv row 10: node 'x' has no links; expected every node on at least one link" in problems_of(tiny_copy)


def test_cut_off_component(tiny_copy):
    with (tiny_copy / "nodes.csv").open("a", encoding="utf-8") as f:
        f.write("x,Island,,,KZ,junction,45,60,T1,,,,\ny,Islet,,,KZ,junction,45,61,T1,,,,\n")
    with (tiny_copy / "links.csv").open("a", encoding="utf-8") as f:
        f.write("xy,x,y,rail,both,,10,T1,,,,,,,,KZ,,1520,,\n")
    found = problems_of(tiny_copy)
    assert any("node 'x' is cut off from the rest of the network" in p for p in found)


def test_missing_tariff_and_speed(tiny_copy):
    rows = (tiny_copy / "tariffs.csv").read_text(encoding="utf-8").splitlines()
    (tiny_copy / "tariffs.csv").write_text("\n".join(r for r in rows if not r.startswith("container,rail")) + "\n")
    (tiny_copy / "speeds.csv").write_text("mode,country,speed_km_per_day,source,note\n", encoding="utf-8")
    found = problems_of(tiny_copy)
    assert any("no tariff for container on mode 'rail' in KZ" in p for p in found)
    assert any("transit_time_h is empty and speeds.csv has no speed for mode 'rail'" in p for p in found)


def test_group_cycle(tiny_copy):
    (tiny_copy / "groups.csv").write_text("id,name,members,note\ng1,One,g2;a,\ng2,Two,g1,\n", encoding="utf-8")
    found = problems_of(tiny_copy)
    assert "groups.csv row 2: group 'g1' contains itself; expected groups without cycles" in found


def test_validation_writes_nothing(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 3, "capacity", "-3")
    before = snapshot(tiny_copy)
    assert validate_dataset(tiny_copy)
    assert snapshot(tiny_copy) == before


def test_valid_dataset_has_no_problems(tiny_copy):
    assert validate_dataset(tiny_copy) == []


def test_not_a_folder(tmp_path):
    with pytest.raises(DataError, match="is not a folder"):
        load_network(tmp_path / "nope")


def test_frames_round_trip(tiny):
    again = network_from_frames(name="again", **tiny.tables())
    for table in TABLES:
        pd.testing.assert_frame_equal(again.tables()[table], tiny.tables()[table])


def test_replace_validates(tiny):
    links = tiny.links.copy()
    links.loc[0, "length_km"] = -1.0
    with pytest.raises(DataError, match=r"length_km is -1\.0; expected a number >= 0"):
        tiny.replace(links=links)


def test_unknown_columns_in_frames(tiny):
    tables = tiny.tables()
    tables["nodes"] = tables["nodes"].assign(colour="red")
    with pytest.raises(DataError, match="unknown columns \\['colour'\\]"):
        network_from_frames(**tables)


def test_schema_describes_every_column():
    for table in TABLES:
        schema = schema_for(table)
        assert schema.columns
        for col in schema.columns:
            assert col.description, f"{table}.{col.name} has no description"
            if col.dtype == "float" and col.name not in ("lat", "lon"):
                assert col.unit, f"{table}.{col.name} has no unit"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacity=st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False), row=st.integers(0, 9))
def test_never_accepts_a_negative_capacity(tiny, capacity, row):
    links = tiny.links.copy()
    links.loc[row, ["capacity", "capacity_unit", "capacity_source"]] = [capacity, "mt_per_year", "T1"]
    with pytest.raises(DataError) as info:
        tiny.replace(links=links)
    assert any(p.field == "capacity" and p.row == row + 2 for p in info.value.problems)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8),
    row=st.integers(0, 9),
    end=st.sampled_from(["from", "to"]),
)
def test_never_accepts_a_link_to_a_missing_node(tiny, name, row, end):
    if name in set(tiny.nodes["id"]):
        return
    links = tiny.links.copy()
    links.loc[row, end] = name
    with pytest.raises(DataError) as info:
        tiny.replace(links=links)
    assert any(p.field == end and name in p.message for p in info.value.problems)


def test_compiled_arrays(tiny):
    cn = tiny.compiled
    assert cn.n_nodes == 8
    # nine links both ways, one pipeline forward only
    assert cn.n_arcs == 19
    c = cn.commodity_index("container")
    ab = [a for a in range(cn.n_arcs) if cn.link_ids[cn.arc_link[a]] == "ab"]
    assert all(math.isclose(cn.capacity[c, a], 29_200) for a in ab)
    assert all(math.isclose(cn.transit_h[a], 4.0) for a in ab)
    crude = cn.commodity_index("crude_oil")
    feeder = [a for a in range(cn.n_arcs) if cn.link_ids[cn.arc_link[a]] == "bd_feeder"]
    assert not cn.allowed[crude, feeder].any()


def test_duplicate_link_tariff_rows(tiny_copy):
    with (tiny_copy / "tariffs.csv").open("a", encoding="utf-8") as f:
        f.write("container,,,ab,1,0,T1,\ncontainer,rail,,ab,2,0,T1,\n")
    found = problems_of(tiny_copy)
    assert any(
        p.startswith("tariffs.csv row 11: repeats the commodity, mode, country and link of row 10") for p in found
    )


def test_countries_must_run_in_path_order(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 4, "countries", "RU;KZ")  # bc runs from b (KZ) to c (RU)
    found = problems_of(tiny_copy)
    assert any(
        p.startswith("links.csv row 4: countries is 'RU;KZ' but node 'b' lies in KZ; expected KZ first") for p in found
    )


def test_ids_must_differ_across_tables_and_case(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 2, "id", "A")  # clashes with node 'a' once case is folded
    (tiny_copy / "groups.csv").write_text("id,name,members,note\nab,Clash,a,\n", encoding="utf-8")
    found = problems_of(tiny_copy)
    assert any(p.startswith("links.csv row 2: id 'A' is also nodes.csv row 3 ('a')") for p in found)
    assert any(p.startswith("groups.csv row 2: id 'ab' is also links.csv row 3 ('ab')") for p in found)


def test_node_capacity_unit_must_convert(tiny_copy):
    with (tiny_copy / "units.csv").open("a", encoding="utf-8") as f:
        f.write("bpd,bbl,365,barrels per day\n")
    edit_csv(tiny_copy / "nodes.csv", 6, "capacity_unit", "bpd")  # d carries containers, which have no barrels
    found = problems_of(tiny_copy)
    assert any(
        p.startswith("nodes.csv row 6: capacity is in bpd (bbl) but commodity 'container', which may pass this node")
        for p in found
    )


def test_unreadable_file_does_not_hide_the_others(tiny_copy):
    (tiny_copy / "nodes.csv").write_text("", encoding="utf-8")
    edit_csv(tiny_copy / "links.csv", 3, "capacity", "-1")
    found = problems_of(tiny_copy)
    assert found[0].startswith("nodes.csv: file is empty")
    assert "links.csv row 3: capacity is -1; expected a number >= 0" in found


def test_required_list_needs_an_item(tiny_copy):
    edit_csv(tiny_copy / "links.csv", 2, "countries", ";")
    assert any(
        p.startswith("links.csv row 2: countries is ';'; expected at least one item") for p in problems_of(tiny_copy)
    )
