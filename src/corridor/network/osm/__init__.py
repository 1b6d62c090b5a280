"""Import a national network from an OpenStreetMap extract into a dataset folder.

``import_osm`` streams a ``.osm.pbf`` file with pyosmium (:mod:`._read`), builds the graph and
contracts its chains (:mod:`._contract`), writes it as the tables of a dataset with the reference
tables of a base dataset (:mod:`._tables`) and, when asked, snaps it to that dataset's nodes
(:mod:`._join`). The folder is written beside its target and renamed into place once it loads
and validates, so a failed import leaves nothing behind.

Every imported number cites source ``F1`` (OpenStreetMap contributors, ODbL) and each link's note
names the OSM ways it was built from; speeds and tariffs OSM does not give are assumptions.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from corridor.errors import DataError, Problem, RequestError
from corridor.network.osm._contract import components, contract
from corridor.network.osm._join import join_nodes
from corridor.network.osm._read import BBox, Point, read_extract
from corridor.network.osm._tables import OSM_SOURCE, PIPELINE_COMMODITIES, graph_tables, reference_tables

__all__ = ["IMPORT_MODES", "OSM_SOURCE", "OsmImport", "import_osm", "parse_bbox"]

logger = logging.getLogger(__name__)

IMPORT_MODES = ("rail", "pipeline", "port", "ferry")
"""What an import can take from OSM (``port``: port areas tied to the nearest imported node)."""
JOINED_NODES_FILE = "joined_nodes.csv"
PORT_LINK_M = 2_000.0
"""A port area is tied to the nearest imported node within this distance by a transshipment link."""


@dataclass(frozen=True)
class OsmImport:
    """What an import wrote: counts to show the user, and what it left out and why."""

    out: Path
    lines: int
    way_nodes: int
    nodes: int
    links: int
    countries: tuple[str, ...]
    length_km: dict[str, float]
    components: int
    joined: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


def parse_bbox(text: str) -> BBox:
    """``W,S,E,N`` in degrees as a tuple.

    Examples
    --------
    >>> parse_bbox("9.47,47.05,9.64,47.27")
    (9.47, 47.05, 9.64, 47.27)
    """
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise RequestError(f"--bbox is {text!r}; expected W,S,E,N in degrees, e.g. 9.47,47.05,9.64,47.27") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise RequestError(
            f"--bbox is {text!r}; expected west < east within -180..180 and south < north within -90..90"
        )
    return west, south, east, north


def import_osm(
    path: str | Path,
    out: str | Path,
    *,
    bbox: BBox | None = None,
    modes: tuple[str, ...] = IMPORT_MODES,
    join: str | Path | None = None,
    join_distance_m: float = 5_000.0,
    station_snap_m: float = 300.0,
    tie_distance_m: float = 2_000.0,
    service_tracks: bool = False,
    country: str | None = None,
    location_index: str = "auto",
) -> OsmImport:
    """Import rail, pipelines, ports and ferries from an OSM extract into a new dataset folder.

    Parameters
    ----------
    path
        An ``.osm.pbf`` file (a Geofabrik country extract, say).
    out
        The dataset folder to write; it must not exist, or be empty.
    bbox
        Only what lies inside (west, south, east, north), degrees.
    modes
        Any of ``rail``, ``pipeline``, ``port``, ``ferry``.
    join
        A dataset folder to plug the import into: the output holds that dataset's tables, the
        imported ones, and ``joined_nodes.csv``: each imported node within ``join_distance_m`` of
        one of its nodes replaced by it. None: the tables of the built-in dataset give the
        reference data (modes, commodities, tariffs) and no node is joined.
    station_snap_m
        A station mapped beside the track stands for the nearest track node within this distance.
    tie_distance_m
        A part of the network that does not meet the longest part is tied to it by a
        transshipment link when its nearest node lies within this distance, else left out.
    service_tracks
        Also import sidings, yards, spurs and crossovers (``service=*``).
    country
        ISO code for imported nodes that no boundary relation in the file places.
    location_index
        Where node locations are kept while reading: ``memory``, ``disk`` (a file in a temporary
        folder, for national extracts on a small machine) or ``auto`` (disk above 300 MB of PBF).

    Returns
    -------
    OsmImport

    Raises
    ------
    RequestError
        ``out`` exists and is not empty; an unknown mode.
    DataError
        The file is not a whole PBF; the box lies outside it; nothing to import; nodes in no
        country; ``join`` has no node within the distance.

    Examples
    --------
    A railway of three nodes, written with pyosmium and imported (no boundary in the file, so
    ``country`` places it):

    >>> import tempfile, osmium
    >>> from osmium.osm.mutable import Node, Way
    >>> folder = Path(tempfile.mkdtemp())
    >>> writer = osmium.SimpleWriter(str(folder / "line.osm.pbf"))
    >>> for i in range(3):
    ...     writer.add_node(Node(id=i + 1, location=(10 + i / 100, 45.0)))
    >>> writer.add_way(Way(id=1, nodes=[1, 2, 3], tags={"railway": "rail", "gauge": "1435"}))
    >>> writer.close()
    >>> result = import_osm(folder / "line.osm.pbf", folder / "dataset", country="DE")
    >>> result.nodes, result.links, result.length_km
    (2, 1, {'rail': 1.573})
    >>> import shutil; shutil.rmtree(folder)
    """
    from corridor.network.tables import BUILTIN_DATASET, builtin_dataset_path

    path, out = Path(path), Path(out)
    try:
        import osmium  # noqa: F401 - checked here so a missing extra is a clear message
    except ImportError:
        raise RequestError("importing OpenStreetMap needs pyosmium: pip install 'corridor[osm]'") from None
    unknown = [m for m in modes if m not in IMPORT_MODES]
    if location_index not in {"auto", "memory", "disk"}:
        raise RequestError(f"--index is {location_index!r}; expected auto, memory or disk")
    if unknown or not modes:
        raise RequestError(f"--modes is {','.join(modes)!r}; expected some of {','.join(IMPORT_MODES)}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise RequestError(f"--out {out} exists and is not an empty folder; expected a new folder for the dataset")
    if not path.is_file():
        raise DataError([Problem(str(path), "is not a file; expected an OpenStreetMap extract (.osm.pbf)")])
    base_folder = builtin_dataset_path() if join is None else Path(join)
    base_name = BUILTIN_DATASET if join is None else base_folder.name
    # read raw, not loaded: the output is loaded and validated whole at the end
    base = {t: _read_raw(base_folder / f"{t}.csv", t) for t in ("sources", "units", "modes", "commodities", "tariffs")}
    extract = read_extract(
        path, modes=frozenset(modes), bbox=bbox, service_tracks=service_tracks, location_index=location_index
    )
    carried = set(base["commodities"]["id"])
    lines = []
    for line in extract.lines:
        substance = line.tags.get("substance", "")
        if line.mode == "pipeline" and PIPELINE_COMMODITIES.get(substance) not in carried:
            label = f"pipelines of {substance} (no commodity for it)"
            extract.skipped[label] = extract.skipped.get(label, 0) + 1
            continue
        lines.append(line)
    extract.lines[:] = lines
    if not lines:
        wanted = ", ".join(m for m in modes if m != "port")
        raise DataError(
            [
                Problem(
                    str(path),
                    f"has no {wanted} to import{' inside the bounding box' if bbox else ''} "
                    "(railway=rail|narrow_gauge, man_made=pipeline with a substance, route=ferry); "
                    "expected an extract that holds some",
                )
            ]
        )
    graph = contract(
        extract, station_snap_m=station_snap_m, tie_m=tie_distance_m, default_country=country, file=str(path)
    )
    nodes, links, _ = graph_tables(graph)
    if "port" in modes:
        nodes, links = _tie_ports(extract.points, nodes, links)
    used_modes = set(links["mode"])
    if join is None:  # only the reference rows that can apply to the imported links
        tariffs = base["tariffs"]
        imported_countries = {c for cell in links["countries"] for c in cell.split(";")}
        base["tariffs"] = tariffs[(tariffs["link"] == "") & tariffs["country"].isin({"", *imported_countries})]
    tables = reference_tables(base, used_modes, base_name)
    joined = pd.DataFrame()
    if join is not None:
        nodes, links, joined = join_nodes(
            nodes, links, _read_raw(base_folder / "nodes.csv", "nodes"), distance_m=join_distance_m, dataset=str(join)
        )
        nodes = pd.concat([_read_raw(base_folder / "nodes.csv", "nodes"), nodes], ignore_index=True)
        links = pd.concat([_read_raw(base_folder / "links.csv", "links"), links], ignore_index=True)
        for table in ("speeds", "groups", "segments", "congestion"):
            if (base_folder / f"{table}.csv").exists():
                tables[table] = _read_raw(base_folder / f"{table}.csv", table)
    tables["nodes"], tables["links"] = nodes, links
    summary = OsmImport(
        out=out,
        lines=len(extract.lines),
        way_nodes=sum(len(line.nodes) for line in extract.lines),
        nodes=len(graph.nodes),
        links=len(graph.links),
        countries=tuple(sorted({n.country for n in graph.nodes.values()})),
        length_km={m: round(sum(lk.length_km for lk in graph.links if lk.mode == m), 3) for m in sorted(used_modes)},
        components=components(graph.links),
        joined=len(joined),
        skipped=dict(extract.skipped),
    )
    _write(out, tables, joined, summary, path)
    return summary


def _read_raw(file: Path, table: str) -> pd.DataFrame:
    """A table as raw strings in the schema's columns (missing columns empty)."""
    from corridor.network.schema import schema_for

    if not file.is_file():
        raise DataError([Problem(str(file), f"is missing; expected the {table} table of a dataset folder")])
    frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    return frame.reindex(columns=list(schema_for(table).names), fill_value="")


def _tie_ports(points: list[Point], nodes: pd.DataFrame, links: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Port areas as port nodes, each tied by a transshipment link to the nearest imported node
    within :data:`PORT_LINK_M` (others are left out)."""
    import numpy as np
    from scipy.spatial import cKDTree

    from corridor.network.osm._geo import haversine_km, local_xy_km

    ports = [p for p in points if p.kind == "port"]
    if not ports or nodes.empty:
        return nodes, links
    lat, lon = nodes["lat"].astype(float).to_numpy(), nodes["lon"].astype(float).to_numpy()
    ref = float(np.mean(lat))
    _, nearest = cKDTree(local_xy_km(lon, lat, ref)).query(
        local_xy_km(np.array([p.lon for p in ports]), np.array([p.lat for p in ports]), ref)
    )
    new_nodes, new_links = [], []
    for port, j in zip(ports, nearest.tolist(), strict=True):
        km = float(haversine_km(np.array([port.lon]), np.array([port.lat]), lon[j : j + 1], lat[j : j + 1])[0])
        if km * 1000 > PORT_LINK_M:
            continue
        node_id, country = f"osm_port_{port.osm_id}", str(nodes["country"].iat[j])
        new_nodes.append(
            {
                "id": node_id,
                "name": port.tags.get("name", f"Port {port.osm_id}").replace(";", ","),
                "name_ru": port.tags.get("name:ru", ""),
                "country": country,
                "kind": "port",
                "lat": f"{port.lat:.7f}",
                "lon": f"{port.lon:.7f}",
                "position_source": f"{OSM_SOURCE}; assumption: the centre of the port area (way {port.osm_id})",
                "note": f"OpenStreetMap way {port.osm_id} (port area)",
            }
        )
        new_links.append(
            {
                "id": f"osm_port_{port.osm_id}_link",
                "from": node_id,
                "to": str(nodes["id"].iat[j]),
                "mode": "transshipment",
                "direction": "both",
                "length_km": f"{km:.3f}",
                "length_source": f"{OSM_SOURCE}; assumption: straight line from the port area's centre",
                "transit_time_h": "0",
                "transit_time_source": "assumption: handling time is not in OpenStreetMap",
                "countries": country,
                "note": "ties the port area to the nearest imported line",
            }
        )
    if not new_nodes:
        return nodes, links
    return (
        pd.concat([nodes, pd.DataFrame(new_nodes)], ignore_index=True).fillna(""),
        pd.concat([links, pd.DataFrame(new_links)], ignore_index=True).fillna(""),
    )


def _write(out: Path, tables: dict[str, pd.DataFrame], joined: pd.DataFrame, summary: OsmImport, source: Path) -> None:
    """Write the tables to a folder beside ``out``, check that it loads, then move it into place."""
    from corridor.network.schema import TABLES, schema_for
    from corridor.network.tables import load_network

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for table in TABLES:
            names = list(schema_for(table).names)
            frame = tables.get(table, pd.DataFrame(columns=names))
            frame.reindex(columns=names, fill_value="").fillna("").to_csv(tmp / f"{table}.csv", index=False)
        if not joined.empty:
            joined.to_csv(tmp / JOINED_NODES_FILE, index=False)
        (tmp / "README.md").write_text(_readme(summary, source), encoding="utf-8")
        load_network(tmp)
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _readme(summary: OsmImport, source: Path) -> str:
    skipped = "".join(f"- {count} {what}\n" for what, count in sorted(summary.skipped.items())) or "- nothing\n"
    lengths = ", ".join(f"{mode} {km:,.1f} km" for mode, km in summary.length_km.items())
    joined = (
        f"\n{summary.joined} imported nodes were joined to nodes of the base dataset "
        f"(`{JOINED_NODES_FILE}`: which, and how far apart).\n"
        if summary.joined
        else ""
    )
    return f"""# Network imported from OpenStreetMap

Imported by `corridor network import-osm` from `{source.name}`: {summary.nodes} nodes and
{summary.links} links ({lengths}) in {", ".join(summary.countries)}, in {summary.components}
connected part(s), contracted from {summary.lines} ways with {summary.way_nodes:,} nodes.
{joined}
## Attribution and licence

Data © OpenStreetMap contributors, available under the Open Database License (ODbL 1.0):
https://www.openstreetmap.org/copyright. This dataset is derived from it and is available under
the same licence. Every position and length cites source `{OSM_SOURCE}`; each link's note names
the OpenStreetMap ways it was built from.

## Assumptions

- Transit times are lengths over the ways' `maxspeed` tags (a line's top speed), or a mode's
  default speed where a way has none; both are marked in `transit_time_source`.
- Tariffs are not in OpenStreetMap: each imported mode takes the median of the base dataset's
  rates for its commodities (marked in `tariffs.csv`); replace them with the country's own.
- The modes, units and commodities are those of the base dataset.

## Left out

{skipped}"""
