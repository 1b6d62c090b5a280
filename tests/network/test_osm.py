"""Importing OpenStreetMap (issue 27): small PBF files written with pyosmium for each topology
case and each kind of bad input, and the real Liechtenstein extract from ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import DataError, RequestError
from corridor.network import builtin_dataset_path, load_network

osmium = pytest.importorskip("osmium", reason="the osm extra (pyosmium) is not installed")

from corridor.network.osm import import_osm  # noqa: E402 - needs osmium

ROOT = Path(__file__).resolve().parents[2]
EXTRACT = Path("shared", "data", "osm", "liechtenstein-2022-07-24.osm.pbf")


def _shared_extract() -> Path:
    """``../shared/...`` beside the project's root; from a git worktree, beside its main checkout too."""
    roots = [ROOT]
    dot_git = ROOT / ".git"
    if dot_git.is_file():  # a worktree: "gitdir: <main>/.git/worktrees/<name>"
        gitdir = Path(dot_git.read_text(encoding="utf-8").partition("gitdir:")[2].strip())
        roots.append(gitdir.parents[2])
    return next((r.parent / EXTRACT for r in roots if (r.parent / EXTRACT).is_file()), ROOT.parent / EXTRACT)


LIECHTENSTEIN = _shared_extract()
RAIL = {"railway": "rail", "gauge": "1435", "operator": "Rail Co", "tracks": "1", "maxspeed": "100"}


def write_pbf(path: Path, nodes: dict, ways: list, relations: list = ()) -> Path:
    """A PBF file: nodes {id: (lon, lat) or (lon, lat, tags)}, ways [(id, [node ids], tags)],
    relations [(id, [(type, ref, role)], tags)]."""
    from osmium.osm.mutable import Node, Relation, Way

    writer = osmium.SimpleWriter(str(path), overwrite=True)
    try:
        for nid in sorted(nodes):
            lon, lat, *tags = nodes[nid]
            writer.add_node(Node(id=nid, location=(lon, lat), tags=tags[0] if tags else {}))
        for wid, refs, tags in sorted(ways, key=lambda w: w[0]):
            writer.add_way(Way(id=wid, nodes=refs, tags=tags))
        for rid, members, tags in relations:
            writer.add_relation(Relation(id=rid, members=members, tags=tags))
    finally:
        writer.close()
    return path


def line(first: int, count: int, lon0: float, lat0: float = 45.0, step: float = 0.01) -> dict:
    """``count`` nodes from ``first`` on, eastwards from (lon0, lat0)."""
    return {first + i: (lon0 + i * step, lat0) for i in range(count)}


def links_of(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "links.csv", dtype=str, keep_default_na=False)


def nodes_of(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "nodes.csv", dtype=str, keep_default_na=False)


def test_a_chain_of_ways_becomes_one_link_sourced_to_its_ways(tmp_path):
    nodes = line(1, 10, 10.0)
    ways = [(11, [1, 2, 3, 4], RAIL), (12, [4, 5, 6, 7], RAIL), (13, [7, 8, 9, 10], RAIL)]
    pbf = write_pbf(tmp_path / "chain.osm.pbf", nodes, ways)
    result = import_osm(pbf, tmp_path / "out", country="DE")
    links = links_of(tmp_path / "out")
    assert len(links) == 1 and result.nodes == 2
    assert "OpenStreetMap ways 11, 12, 13" in links["note"].iat[0]
    assert links["length_source"].iat[0] == "F1" and links["gauge_mm"].iat[0] == "1435"
    # 9 steps of 0.01 degree of longitude at 45 degrees north: 9 x 0.786 km
    assert float(links["length_km"].iat[0]) == pytest.approx(9 * 0.7862, rel=1e-3)
    assert float(links["transit_time_h"].iat[0]) == pytest.approx(float(links["length_km"].iat[0]) / 100, rel=1e-3)
    assert (
        "ODbL" in (tmp_path / "out" / "README.md").read_text()
        or "Open Database License" in (tmp_path / "out" / "README.md").read_text()
    )
    load_network(tmp_path / "out")


def test_ways_split_where_they_share_a_node_and_stations_stay(tmp_path):
    nodes = {**line(1, 5, 10.0), 21: (10.02, 44.98), 22: (10.02, 44.99), 23: (10.02, 45.01), 24: (10.02, 45.02)}
    nodes[4] = (10.03, 45.0, {"railway": "station", "name": "Midtown", "name:ru": "Мидтаун"})
    ways = [(11, [1, 2, 3, 4, 5], RAIL), (12, [21, 22, 3, 23, 24], RAIL)]  # crossing at node 3
    pbf = write_pbf(tmp_path / "x.osm.pbf", nodes, ways)
    import_osm(pbf, tmp_path / "out", country="DE")
    links, table = links_of(tmp_path / "out"), nodes_of(tmp_path / "out").set_index("id")
    # 1-3, 3-4 (station), 4-5, 21-3, 3-24
    assert len(links) == 5
    assert table.loc["osm_3", "kind"] == "junction"
    assert table.loc["osm_4", "name"] == "Midtown" and table.loc["osm_4", "name_ru"] == "Мидтаун"
    assert table.loc["osm_4", "kind"] == "rail_terminal"
    assert "osm_2" not in table.index  # a node inside a chain is contracted away


def test_a_station_mapped_as_an_area_or_beside_the_track_stands_for_the_nearest_track_node(tmp_path):
    nodes = {**line(1, 7, 10.0), 30: (10.0195, 45.0005), 31: (10.0205, 45.0005), 32: (10.0205, 45.001)}
    nodes[40] = (10.0405, 45.0008, {"railway": "station", "name": "Beside"})  # about 90 m off node 5
    nodes[41] = (10.06, 45.2, {"railway": "station", "name": "Far Away"})
    ways = [(11, list(range(1, 8)), RAIL), (12, [30, 31, 32, 30], {"railway": "station", "name": "Area"})]
    pbf = write_pbf(tmp_path / "areas.osm.pbf", nodes, ways)
    result = import_osm(pbf, tmp_path / "out", country="DE")
    table = nodes_of(tmp_path / "out").set_index("name")
    assert table.loc["Area", "id"] == "osm_3" and "OpenStreetMap way 12" in table.loc["Area", "note"]
    assert table.loc["Beside", "id"] == "osm_5"
    assert "Far Away" not in table.index
    assert result.skipped == {"stations farther than 300 m from a line": 1}


def test_node_locations_on_disk_give_the_same_dataset(tmp_path):
    pbf = write_pbf(
        tmp_path / "a.osm.pbf",
        line(1, 30, 10.0),
        [(11, list(range(1, 16)), RAIL), (12, list(range(15, 31)), {**RAIL, "tracks": "2"})],
    )
    import_osm(pbf, tmp_path / "memory", country="DE", location_index="memory")
    import_osm(pbf, tmp_path / "disk", country="DE", location_index="disk")
    for table in ("nodes.csv", "links.csv"):
        assert (tmp_path / "memory" / table).read_text() == (tmp_path / "disk" / table).read_text()
    with pytest.raises(RequestError, match="--index"):
        import_osm(pbf, tmp_path / "other", country="DE", location_index="ssd")


@pytest.mark.parametrize(("tag", "value"), [("gauge", "1520"), ("operator", "Other Rail"), ("tracks", "2")])
def test_a_change_of_gauge_operator_or_tracks_keeps_the_node(tmp_path, tag, value):
    nodes = line(1, 7, 10.0)
    ways = [(11, [1, 2, 3, 4], RAIL), (12, [4, 5, 6, 7], {**RAIL, tag: value})]
    pbf = write_pbf(tmp_path / "change.osm.pbf", nodes, ways)
    import_osm(pbf, tmp_path / "out", country="KZ")
    links = links_of(tmp_path / "out")
    assert len(links) == 2
    if tag == "gauge":
        assert sorted(links["gauge_mm"]) == ["1435", "1520"]


def test_a_change_of_speed_alone_does_not_keep_the_node(tmp_path):
    nodes = line(1, 7, 10.0)
    ways = [(11, [1, 2, 3, 4], RAIL), (12, [4, 5, 6, 7], {**RAIL, "maxspeed": "50"})]
    pbf = write_pbf(tmp_path / "speed.osm.pbf", nodes, ways)
    import_osm(pbf, tmp_path / "out", country="KZ")
    links = links_of(tmp_path / "out")
    km = float(links["length_km"].iat[0])
    assert len(links) == 1
    assert float(links["transit_time_h"].iat[0]) == pytest.approx(km / 2 / 100 + km / 2 / 50, rel=1e-3)


def test_parts_apart_are_tied_on_when_near_and_left_out_when_far(tmp_path):
    nodes = {**line(1, 5, 10.0), **line(11, 3, 10.0, 45.005), **line(21, 2, 12.0)}  # 11-13 about 560 m north
    ways = [
        (11, [1, 2, 3, 4, 5], RAIL),
        (12, [11, 12, 13], {"man_made": "pipeline", "substance": "crude_oil"}),
        (13, [21, 22], RAIL),
    ]
    result = import_osm(write_pbf(tmp_path / "parts.osm.pbf", nodes, ways), tmp_path / "out", country="KZ")
    links = links_of(tmp_path / "out").set_index("mode")
    assert result.skipped == {"links in parts farther than 2000 m from the rest": 1}
    assert float(links.loc["transshipment", "length_km"]) == pytest.approx(0.556, abs=0.01)
    assert {links.loc["transshipment", "from"], links.loc["transshipment", "to"]} == {"osm_11", "osm_1"}
    load_network(tmp_path / "out")


def test_sidings_are_left_out_unless_asked(tmp_path):
    nodes = {**line(1, 5, 10.0), 30: (10.02, 45.01), 31: (10.03, 45.01)}
    ways = [(11, [1, 2, 3, 4, 5], RAIL), (12, [3, 30, 31], {**RAIL, "service": "siding"})]
    pbf = write_pbf(tmp_path / "siding.osm.pbf", nodes, ways)
    assert import_osm(pbf, tmp_path / "main", country="KZ").links == 1
    assert import_osm(pbf, tmp_path / "all", country="KZ", service_tracks=True).links == 3


def test_pipelines_carry_the_commodity_of_their_substance_and_ferries_join_ports(tmp_path):
    nodes = {**line(1, 4, 50.0, 44.0), **line(11, 4, 50.0, 43.0), **line(21, 2, 50.5, 44.0, 0.5)}
    ways = [
        (101, [1, 2, 3, 4], {"man_made": "pipeline", "substance": "oil", "operator": "Pipe Co"}),
        (102, [11, 12, 13, 14], {"man_made": "pipeline", "substance": "gas"}),
        (103, [4, 21], {"route": "ferry", "name": "Sea Line"}),
        (104, [21, 22], {}),  # untagged: a ferry only as a member of a route=ferry relation
    ]
    ferry_route = [(7, [("w", 103, ""), ("w", 104, "")], {"type": "route", "route": "ferry"})]
    pbf = write_pbf(tmp_path / "pipe.osm.pbf", nodes, ways, ferry_route)
    result = import_osm(pbf, tmp_path / "out", country="KZ")
    links, table = links_of(tmp_path / "out"), nodes_of(tmp_path / "out")
    assert sorted(links["mode"]) == ["ferry", "pipeline"]
    assert "OpenStreetMap ways 103, 104" in links.loc[links["mode"] == "ferry", "note"].iat[0]
    assert links.loc[links["mode"] == "pipeline", "commodities"].iat[0] == "crude_oil"
    assert set(table["kind"]) == {"pipeline_station", "port"}
    assert result.skipped == {"pipelines of gas (no commodity for it)": 1}
    net = load_network(tmp_path / "out")
    assert "ferry" in set(net.modes["id"])


def border_file(tmp_path: Path) -> Path:
    """KZ (a square whose ways are all in the file) beside CN (only the shared side in the file,
    as in a country extract); a line from inside KZ across the shared side into CN, with a border
    control on it."""
    corners = {901: (9.0, 44.0), 902: (10.0, 44.0), 903: (10.0, 46.0), 904: (9.0, 46.0)}
    nodes = {**corners, **line(1, 6, 9.5, 45.0, 0.2)}  # 9.5 ... 10.5: crosses lon 10 between nodes 3 and 4
    nodes[2] = (9.7, 45.0, {"barrier": "border_control", "name": "Check"})
    ways = [
        (801, [902, 903], {}),  # the shared side, untagged as in many extracts
        (802, [903, 904, 901, 902], {"boundary": "administrative"}),
        (11, list(range(1, 7)), RAIL),
    ]
    level = {"boundary": "administrative", "admin_level": "2", "type": "boundary"}
    relations = [
        (1, [("w", 801, "outer"), ("w", 802, "outer")], {**level, "ISO3166-1": "KZ"}),
        (2, [("w", 801, "outer"), ("w", 899, "outer")], {**level, "ISO3166-1": "CN"}),
    ]
    return write_pbf(tmp_path / "border.osm.pbf", nodes, ways, relations)


def test_a_line_across_a_boundary_gets_a_border_node_and_both_countries(tmp_path):
    result = import_osm(border_file(tmp_path), tmp_path / "out")
    table = nodes_of(tmp_path / "out").set_index("id")
    links = links_of(tmp_path / "out")
    assert result.countries == ("CN", "KZ")
    border = table[table["kind"] == "border_crossing"]
    assert set(border.index) == {"osm_border_1", "osm_2"}  # the crossing and the border control
    assert float(table.loc["osm_border_1", "lon"]) == pytest.approx(10.0)
    assert table.loc["osm_1", "country"] == "KZ" and table.loc["osm_6", "country"] == "CN"
    # node 1 - control - border - node 6: the link to the border touches both countries
    assert sorted(";".join(sorted(c.split(";"))) for c in links["countries"]) == ["CN", "CN;KZ", "KZ"]


# --- bad input: a typed error, nothing written -------------------------------------------------


def nothing_written(tmp_path: Path, out: Path) -> None:
    assert not out.exists()
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")] == []


def test_truncated_file(tmp_path):
    pbf = write_pbf(tmp_path / "full.osm.pbf", line(1, 2000, 10.0, step=0.001), [(11, list(range(1, 2001)), RAIL)])
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(pbf.read_bytes()[: pbf.stat().st_size // 2])
    with pytest.raises(DataError, match="cannot be read as OpenStreetMap data"):
        import_osm(cut, tmp_path / "out", country="DE")
    nothing_written(tmp_path, tmp_path / "out")


def test_not_a_pbf(tmp_path):
    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"id,name\n1,not osm\n" * 50)
    with pytest.raises(DataError, match="cannot be read as OpenStreetMap data"):
        import_osm(junk, tmp_path / "out")
    nothing_written(tmp_path, tmp_path / "out")


def test_no_rail(tmp_path):
    pbf = write_pbf(tmp_path / "road.osm.pbf", line(1, 3, 10.0), [(11, [1, 2, 3], {"highway": "primary"})])
    with pytest.raises(DataError, match="has no rail, pipeline, ferry to import"):
        import_osm(pbf, tmp_path / "out", country="DE")
    nothing_written(tmp_path, tmp_path / "out")


def test_bbox_outside_the_file(tmp_path):
    pbf = write_pbf(tmp_path / "a.osm.pbf", line(1, 3, 10.0), [(11, [1, 2, 3], RAIL)])
    with pytest.raises(DataError, match="has no rail"):  # a file without a header box: nothing inside
        import_osm(pbf, tmp_path / "out", bbox=(100.0, 10.0, 101.0, 11.0), country="DE")
    nothing_written(tmp_path, tmp_path / "out")


def test_a_dataset_that_fails_validation_is_not_left_behind(tmp_path):
    pbf = write_pbf(tmp_path / "a.osm.pbf", line(1, 3, 10.0), [(11, [1, 2, 3], RAIL)])
    (tmp_path / "out").mkdir()  # an empty folder may be the target; it stays as it was
    with pytest.raises(DataError, match="ZZ"):  # no such ISO code: the written tables do not load
        import_osm(pbf, tmp_path / "out", country="ZZ")
    assert list((tmp_path / "out").iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_out_must_be_new(tmp_path):
    pbf = write_pbf(tmp_path / "a.osm.pbf", line(1, 3, 10.0), [(11, [1, 2, 3], RAIL)])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(RequestError, match="not an empty folder"):
        import_osm(pbf, tmp_path / "out", country="DE")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


def test_join_with_nothing_near(tmp_path):
    pbf = write_pbf(tmp_path / "a.osm.pbf", line(1, 3, 10.0), [(11, [1, 2, 3], RAIL)])
    with pytest.raises(DataError, match="no node lies within 5000 m"):
        import_osm(pbf, tmp_path / "out", country="DE", join=builtin_dataset_path())
    nothing_written(tmp_path, tmp_path / "out")


def test_nodes_in_no_country(tmp_path):
    pbf = write_pbf(tmp_path / "a.osm.pbf", line(1, 3, 10.0), [(11, [1, 2, 3], RAIL)])
    with pytest.raises(DataError, match="--country"):
        import_osm(pbf, tmp_path / "out")
    nothing_written(tmp_path, tmp_path / "out")


# --- joining ------------------------------------------------------------------------------------


def test_join_snaps_to_the_built_in_network_and_routes_through_it(tmp_path):
    # a line from 1 km east of Aktau (43.6 N, 51.2 E) to a new station 20 km further
    nodes = line(1, 5, 51.2125, 43.6, 0.06)
    nodes[5] = (*nodes[5], {"railway": "station", "name": "Testtown"})
    pbf = write_pbf(tmp_path / "kz.osm.pbf", nodes, [(11, [1, 2, 3, 4, 5], RAIL)])
    result = import_osm(pbf, tmp_path / "out", country="KZ", join=builtin_dataset_path(), join_distance_m=2000)
    joined = pd.read_csv(tmp_path / "out" / "joined_nodes.csv", dtype=str)
    assert result.joined == 1 and joined["osm_node"].tolist() == ["osm_1"]
    assert joined["node"].iat[0] == "aktau_rail"  # the port shares its position; a railway joins the rail yard
    assert float(joined["distance_m"].iat[0]) == pytest.approx(1006, abs=10)
    net = load_network(tmp_path / "out")
    assert len(net.nodes) == len(load_network().nodes) + 1  # Testtown; the line's start is Aktau's node
    out = CliRunner().invoke(app, ["routes", "Testtown", "Kuryk port", "--data", str(tmp_path / "out")])
    assert out.exit_code == 0, out.output
    assert "Testtown" in out.output


# --- the real extract ---------------------------------------------------------------------------


def liechtenstein() -> Path:
    if not LIECHTENSTEIN.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{LIECHTENSTEIN} is missing; CI always has ../shared/data/osm")
        pytest.skip(f"the Liechtenstein extract is not at {LIECHTENSTEIN} (it ships in ../shared, not in the repo)")
    return LIECHTENSTEIN


def test_liechtenstein(tmp_path):
    out = tmp_path / "li"
    runner = CliRunner()
    done = runner.invoke(app, ["network", "import-osm", str(liechtenstein()), "--out", str(out)])
    assert done.exit_code == 0, done.output
    shown = runner.invoke(app, ["network", "show", "--data", str(out)])
    assert shown.exit_code == 0, shown.output
    net = load_network(out)
    stations = set(net.nodes.loc[net.nodes["kind"] == "rail_terminal", "name"])
    assert {"Schaan-Vaduz", "Nendeln", "Forst Hilti"} <= stations
    rail = net.links[net.links["mode"] == "rail"]
    assert set(rail["gauge_mm"]) == {"1435"}
    assert 7 <= rail["length_km"].sum() <= 13
    assert len(rail) <= 12  # contracted: about 30 ways and 170 nodes in the file
    assert rail["note"].str.contains(r"OpenStreetMap ways \d+").all()
    assert (rail["length_source"] == "F1").all()
    assert {"LI", "AT", "CH"} <= set(net.nodes["country"])
    assert "Open Database License" in (out / "README.md").read_text()
    routed = runner.invoke(app, ["routes", "Schaan-Vaduz", "Nendeln", "--data", str(out), "--json"])
    assert routed.exit_code == 0, routed.output
    import json

    (route,) = json.loads(routed.output)
    assert route["modes"] == ["rail"] and 3 < route["distance_km"] < 6


def test_liechtenstein_bad_input_from_the_cli(tmp_path):
    pbf = liechtenstein()
    runner = CliRunner()
    outside = runner.invoke(
        app, ["network", "import-osm", str(pbf), "--out", str(tmp_path / "o"), "--bbox", "20,40,21,41"]
    )
    assert outside.exit_code == 3 and "outside the file's extent" in outside.output
    nowhere = runner.invoke(
        app, ["network", "import-osm", str(pbf), "--out", str(tmp_path / "o"), "--join", str(builtin_dataset_path())]
    )
    assert nowhere.exit_code == 3 and "no node lies within" in nowhere.output
    assert "Traceback" not in outside.output + nowhere.output
    nothing_written(tmp_path, tmp_path / "o")
