"""Stream an OpenStreetMap PBF file into plain arrays: the lines to import, the points on them, the
boundaries of countries.

Passes with pyosmium: the relations first (national boundaries and ferry routes name the ways
they are made of), then the nodes and ways, with the location of every node kept in a node-location
index (in memory, or on disk for large files) so a way's geometry comes with it; untagged nodes and
ways without a wanted key never reach Python (the index and the tag filters run in libosmium).
Last, only when some are missing, the untagged ways the relations name, placed from that index.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from corridor.errors import DataError, Problem

__all__ = ["BBox", "Boundary", "Extract", "Line", "Point", "read_extract"]

logger = logging.getLogger(__name__)

RAIL_KINDS = frozenset({"rail", "narrow_gauge"})
SERVICE_TRACKS = frozenset({"siding", "yard", "spur", "crossover"})
"""``service=*`` values of tracks left out unless asked: they serve one yard or customer, not a line."""
STATION_KINDS = frozenset({"station", "halt"})
WAY_KEYS = ("railway", "man_made", "route", "landuse", "industrial", "harbour")
"""Keys a way must have to be looked at (besides the ways national boundaries are made of)."""
PORT_TAGS = (("landuse", "port"), ("industrial", "port"), ("harbour", "yes"))
DISK_INDEX_BYTES = 300_000_000
"""Files larger than this keep node locations in a file on disk (sparse_file_array), not in memory."""

BBox = tuple[float, float, float, float]
"""West, south, east, north in degrees."""


@dataclass(frozen=True)
class Line:
    """One OSM way to import: its node ids and their positions, and the tags that matter."""

    way_id: int
    mode: str
    nodes: np.ndarray
    lonlat: np.ndarray
    tags: dict[str, str]


@dataclass(frozen=True)
class Point:
    """A tagged OSM node (a station, a border control) or the centre of a tagged area (a port)."""

    osm_id: int
    kind: str
    lon: float
    lat: float
    tags: dict[str, str]
    element: str = "node"


@dataclass
class Boundary:
    """A national boundary relation: its country code and the ways it is made of (those present)."""

    relation_id: int
    country: str
    name: str
    way_ids: list[int]
    ways: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


@dataclass
class Extract:
    """What an import needs from one file."""

    lines: list[Line]
    points: list[Point]
    boundaries: list[Boundary]
    file_box: BBox | None
    skipped: dict[str, int]


def read_extract(
    path: Path,
    *,
    modes: frozenset[str],
    bbox: BBox | None = None,
    service_tracks: bool = False,
    location_index: str = "auto",
) -> Extract:
    """Read the lines, points and boundaries an import needs from a PBF file.

    Raises
    ------
    DataError
        The file cannot be read as OSM data (truncated, not a PBF), or the bounding box lies
        outside the file's extent.
    """
    import osmium

    try:
        header_box = _header_box(path)
        if bbox is not None and header_box is not None and not _intersects(bbox, header_box):
            raise DataError(
                [
                    Problem(
                        str(path),
                        f"the bounding box {_fmt_box(bbox)} lies outside the file's extent {_fmt_box(header_box)}; "
                        "expected a box (W,S,E,N) that overlaps it",
                    )
                ]
            )
        boundaries, ferry_ways = _relations(path)
        boundaries_of_way: dict[int, list[Boundary]] = {}
        for boundary in boundaries.values():
            for way_id in boundary.way_ids:
                boundaries_of_way.setdefault(way_id, []).append(boundary)
        extract = Extract([], [], list(boundaries.values()), header_box, {})
        with tempfile.TemporaryDirectory(prefix="corridor-osm-") as tmp:
            tagged_nodes = osmium.filter.EmptyTagFilter()
            tagged_nodes.enable_for(osmium.osm.NODE)
            wanted_ways = osmium.filter.KeyFilter(*WAY_KEYS, "boundary")
            wanted_ways.enable_for(osmium.osm.WAY)
            on_disk = location_index == "disk" or (location_index == "auto" and path.stat().st_size > DISK_INDEX_BYTES)
            storage = f"sparse_file_array,{Path(tmp) / 'locations.idx'}" if on_disk else "flex_mem"
            processor = (
                osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
                .with_locations(storage)
                .with_filter(tagged_nodes)
                .with_filter(wanted_ways)
            )
            obj: Any
            for obj in processor:
                if obj.is_node():
                    point = _point(obj)
                    if point is not None and (bbox is None or _inside(bbox, point.lon, point.lat)):
                        extract.points.append(point)
                    continue
                if obj.id in boundaries_of_way:
                    geometry = _geometry(obj)
                    if geometry is not None:
                        for boundary in boundaries_of_way[obj.id]:
                            boundary.ways[obj.id] = geometry
                tags = dict(obj.tags)
                mode = _line_mode(tags, obj.id in ferry_ways, modes, service_tracks, extract.skipped)
                if mode is None:
                    if obj.is_closed() and tags.get("railway") in STATION_KINDS:
                        _add_area(extract, obj, tags, bbox, "station")
                    elif "port" in modes and obj.is_closed() and any(tags.get(k) == v for k, v in PORT_TAGS):
                        _add_area(extract, obj, tags, bbox, "port")
                    continue
                geometry = _geometry(obj)
                if geometry is None:
                    extract.skipped["ways without node locations"] = (
                        extract.skipped.get("ways without node locations", 0) + 1
                    )
                    continue
                for ids, lonlat in _clip(geometry, bbox):
                    extract.lines.append(Line(obj.id, mode, ids, lonlat, tags))
            missing = [w for w, owners in boundaries_of_way.items() if w not in owners[0].ways]
            seen_ferries = {line.way_id for line in extract.lines if line.mode == "ferry"}
            if "ferry" in modes:
                missing += [w for w in ferry_ways if w not in seen_ferries and w not in boundaries_of_way]
            for way_id, geometry in _untagged_ways(path, missing, processor.node_location_storage).items():
                for boundary in boundaries_of_way.get(way_id, []):
                    boundary.ways[way_id] = geometry
                if way_id in ferry_ways and "ferry" in modes:
                    for ids, lonlat in _clip(geometry, bbox):
                        extract.lines.append(Line(way_id, "ferry", ids, lonlat, {}))
    except DataError:
        raise
    except (RuntimeError, OSError, ValueError) as err:
        raise DataError(
            [Problem(str(path), f"cannot be read as OpenStreetMap data ({err}); expected an .osm.pbf file, whole")]
        ) from err
    return extract


def _header_box(path: Path) -> BBox | None:
    import osmium

    header = osmium.io.Reader(str(path), osmium.osm.NOTHING)
    try:
        box = header.header().box()
    finally:
        header.close()
    if not box.valid():
        return None
    return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)


def _relations(path: Path) -> tuple[dict[int, Boundary], set[int]]:
    """National boundaries (admin_level=2 with an ISO code) and the ways of ferry routes."""
    import osmium

    boundaries: dict[int, Boundary] = {}
    ferry_ways: set[int] = set()
    processor = osmium.FileProcessor(str(path), osmium.osm.RELATION).with_filter(
        osmium.filter.KeyFilter("boundary", "route")
    )
    rel: Any
    for rel in processor:
        tags = dict(rel.tags)
        ways = [m.ref for m in rel.members if m.type == "w"]
        if tags.get("route") == "ferry":
            ferry_ways.update(ways)
            continue
        code = tags.get("ISO3166-1:alpha2") or tags.get("ISO3166-1") or tags.get("country_code", "")
        if tags.get("boundary") == "administrative" and tags.get("admin_level") == "2" and len(code) == 2:
            boundaries[rel.id] = Boundary(
                rel.id, code.upper(), str(tags.get("name:en") or tags.get("name") or code), ways
            )
    return boundaries, ferry_ways


def _line_mode(
    tags: dict[str, str], in_ferry_route: bool, modes: frozenset[str], service_tracks: bool, skipped: dict[str, int]
) -> str | None:
    railway = tags.get("railway")
    if railway in RAIL_KINDS and "rail" in modes:
        if tags.get("service") in SERVICE_TRACKS and not service_tracks:
            skipped["service tracks (sidings, yards, spurs)"] = (
                skipped.get("service tracks (sidings, yards, spurs)", 0) + 1
            )
            return None
        return "rail"
    if tags.get("man_made") == "pipeline" and "pipeline" in modes:
        if not tags.get("substance"):
            skipped["pipelines without substance"] = skipped.get("pipelines without substance", 0) + 1
            return None
        return "pipeline"
    if (tags.get("route") == "ferry" or in_ferry_route) and "ferry" in modes:
        return "ferry"
    return None


def _point(node: object) -> Point | None:
    tags = dict(node.tags)  # type: ignore[attr-defined]
    if tags.get("railway") in STATION_KINDS:
        kind = "station"
    elif tags.get("barrier") == "border_control":
        kind = "border_control"
    else:
        return None
    loc = node.location  # type: ignore[attr-defined]
    return Point(node.id, kind, loc.lon, loc.lat, tags)  # type: ignore[attr-defined]


def _geometry(way: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Node ids and (lon, lat) rows of a way; None when a node has no location (a clipped extract)."""
    refs = way.nodes
    # the node list's own accessor: pyosmium's iterator wraps each item in two more Python calls
    get, data = refs._list.get, refs._pyosmium_data
    items = [get(data, i) for i in range(len(refs))]
    try:
        lonlat = np.array([(r.lon, r.lat) for r in items], dtype=np.float64)
    except Exception:  # libosmium raises InvalidLocationError (a RuntimeError) for a node it did not see
        return None
    ids = np.fromiter((r.ref for r in items), dtype=np.int64, count=len(items))
    return ids, lonlat


def _untagged_ways(path: Path, way_ids: list[int], locations: Any) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Ways that carry no tags (the main pass's tag filter skips them: the shared side of two
    countries, a ferry route's ways) read alone, their nodes placed from the main pass's index."""
    import osmium

    found: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if not way_ids or locations is None:
        return found
    way: Any
    for way in osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(osmium.filter.IdFilter(way_ids)):
        ids = [n.ref for n in way.nodes]
        try:
            lonlat = np.array([(loc.lon, loc.lat) for loc in (locations.get(i) for i in ids)], dtype=np.float64)
        except (KeyError, RuntimeError):
            continue
        found[way.id] = (np.array(ids, dtype=np.int64), lonlat)
    return found


def _add_area(extract: Extract, way: Any, tags: dict[str, str], bbox: BBox | None, kind: str) -> None:
    """A station or port mapped as an area, as a point at its centre."""
    geometry = _geometry(way)
    if geometry is None:
        return
    lon, lat = geometry[1].mean(axis=0)
    if bbox is None or _inside(bbox, lon, lat):
        extract.points.append(Point(way.id, kind, float(lon), float(lat), tags, element="way"))


def _clip(geometry: tuple[np.ndarray, np.ndarray], bbox: BBox | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The runs of at least two consecutive nodes inside the box (the whole way without a box)."""
    ids, lonlat = geometry
    if len(ids) < 2:
        return
    if bbox is None:
        yield ids, lonlat
        return
    inside = _inside(bbox, lonlat[:, 0], lonlat[:, 1])
    edges = np.flatnonzero(np.diff(np.concatenate([[0], inside.astype(np.int8), [0]])))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start >= 2:
            yield ids[start:stop], lonlat[start:stop]


def _inside(bbox: BBox, lon: Any, lat: Any) -> Any:
    """Whether points (arrays or single values) lie inside the box."""
    west, south, east, north = bbox
    return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


def _intersects(a: BBox, b: BBox) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _fmt_box(box: BBox) -> str:
    return ",".join(f"{v:g}" for v in box)
