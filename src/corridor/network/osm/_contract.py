"""From OSM ways to a graph a corridor network can use.

Ways are split where they share nodes and where they cross a national boundary (a border node is
put at the crossing); chains of degree-2 nodes are contracted into one link, except at stations,
junctions, borders, border controls and where an attribute changes (mode, gauge, operator, track
count). Countries come from the boundary relations in the file: a part of the graph between borders
takes the country whose complete boundary holds it, or the other side of a border it touches.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict, deque
from dataclasses import dataclass, field

import numpy as np

from corridor.errors import DataError, Problem
from corridor.network.osm._geo import crossings, haversine_km, local_xy_km, points_in_rings
from corridor.network.osm._read import Boundary, Extract, Line, Point

__all__ = ["Graph", "GraphLink", "GraphNode", "Positions", "contract"]

OSM_DIGITS = 7
"""OSM stores positions to 1e-7 degrees; a crossing point is rounded alike, so two ways over one
crossing meet at one node."""
VERTEX_T = 1e-6
"""A crossing this close to either end of a segment (as a share of it) is at that node."""
SIGNATURE_TAGS = ("gauge", "operator", "tracks")
"""Tags whose change keeps a node, so a link has one value of each (besides the mode)."""


@dataclass
class GraphNode:
    """A node kept after contraction."""

    key: int
    lon: float
    lat: float
    kind: str
    osm_id: int | None = None
    tags: dict[str, str] = field(default_factory=dict)
    element: str = "node"
    country: str = ""
    border: tuple[str, ...] = ()


@dataclass
class GraphLink:
    """A contracted chain: its ends, length, time at the ways' speeds and the ways it came from."""

    start: int
    end: int
    mode: str
    length_km: float
    hours_at_maxspeed: float
    km_without_maxspeed: float
    way_ids: list[int]
    tags: dict[str, str]
    electrified: set[str]


class Positions:
    """Where each node of the lines lies: sorted id and coordinate arrays (a dict of every node
    would cost a Python object per node), plus the few nodes added on the way (borders)."""

    def __init__(self, lines: list[Line]) -> None:
        ids = np.concatenate([ln.nodes for ln in lines]) if lines else np.zeros(0, np.int64)
        lonlat = np.concatenate([ln.lonlat for ln in lines]) if lines else np.zeros((0, 2))
        self.ids, first = np.unique(ids, return_index=True)
        self.lonlat = lonlat[first]
        self.added: dict[int, tuple[float, float]] = {}

    def __contains__(self, key: int) -> bool:
        if key in self.added:
            return True
        i = int(np.searchsorted(self.ids, key))
        return i < len(self.ids) and int(self.ids[i]) == key

    def __getitem__(self, key: int) -> tuple[float, float]:
        if key in self.added:
            return self.added[key]
        lon, lat = self.lonlat[int(np.searchsorted(self.ids, key))]
        return float(lon), float(lat)

    def __setitem__(self, key: int, point: tuple[float, float]) -> None:
        self.added[key] = point

    def all(self) -> tuple[np.ndarray, np.ndarray]:
        """Every node's id and (lon, lat)."""
        extra = np.fromiter(self.added, dtype=np.int64, count=len(self.added))
        extra_ll = np.array(list(self.added.values()), dtype=np.float64).reshape(-1, 2)
        return np.concatenate([self.ids, extra]), np.concatenate([self.lonlat, extra_ll])

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """(lon, lat) rows of many nodes."""
        return np.array([self[int(k)] for k in keys], dtype=np.float64).reshape(-1, 2)


@dataclass
class Graph:
    nodes: dict[int, GraphNode]
    links: list[GraphLink]
    skipped: dict[str, int]


def contract(extract: Extract, *, station_snap_m: float, tie_m: float, default_country: str | None, file: str) -> Graph:
    """The contracted graph of an extract, each node with its country.

    Raises
    ------
    DataError
        Nodes lie in no country the file's boundaries tell and no default country was given.
    """
    lines = list(extract.lines)
    positions = Positions(lines)
    border_nodes = _split_at_borders(lines, extract.boundaries, positions)
    ends = np.concatenate([np.concatenate([ln.nodes[:1], ln.nodes[-1:]]) for ln in lines])
    inner = np.concatenate([ln.nodes[1:-1] for ln in lines])
    ids, counts = np.unique(np.concatenate([ends, inner, inner]), return_counts=True)
    keep = set(ids[counts != 2].tolist())
    keep |= set(border_nodes)
    keep |= _signature_changes(lines)
    named = _snap_points(extract.points, positions, station_snap_m, extract.skipped)
    keep |= set(named)
    pieces = _cut(lines, keep)
    links = _tie_parts(_merge_chains(pieces, keep), positions, tie_m, extract.skipped)
    used = {n for link in links for n in (link.start, link.end)}
    nodes: dict[int, GraphNode] = {}
    for key in used:
        lon, lat = positions[key]
        point = named.get(key)
        if key in border_nodes:
            nodes[key] = GraphNode(key, lon, lat, "border", border=border_nodes[key])
        elif point is not None:
            nodes[key] = GraphNode(
                key, lon, lat, point.kind, osm_id=point.osm_id, tags=point.tags, element=point.element
            )
        else:
            nodes[key] = GraphNode(key, lon, lat, "junction", osm_id=key)
    _end_kinds(nodes, links)
    _countries(nodes, links, extract.boundaries, default_country, file)
    return Graph(nodes, links, extract.skipped)


def _signature(line: Line) -> tuple[str, ...]:
    return (line.mode, *(line.tags.get(tag, "") for tag in SIGNATURE_TAGS))


def _signature_changes(lines: list[Line]) -> set[int]:
    """Way ends where ways of different signatures meet."""
    seen: dict[int, tuple[str, ...]] = {}
    changes: set[int] = set()
    for line in lines:
        sig = _signature(line)
        for end in (int(line.nodes[0]), int(line.nodes[-1])):
            if seen.setdefault(end, sig) != sig:
                changes.add(end)
    return changes


def _split_at_borders(
    lines: list[Line], boundaries: list[Boundary], positions: Positions
) -> dict[int, tuple[str, ...]]:
    """Put a node where a line crosses a national boundary; the new nodes (negative keys) and the
    countries the boundary way separates."""
    countries_of_way: dict[int, set[str]] = defaultdict(set)
    geometry: dict[int, np.ndarray] = {}
    for boundary in boundaries:
        for way_id, (_, lonlat) in boundary.ways.items():
            countries_of_way[way_id].add(boundary.country)
            geometry[way_id] = lonlat
    if not geometry or not lines:
        return {}
    b_way = np.concatenate([np.full(len(g) - 1, w) for w, g in geometry.items()])
    b_seg = np.concatenate([np.hstack([g[:-1], g[1:]]) for g in geometry.values()])
    a_line = np.concatenate([np.full(len(ln.nodes) - 1, i) for i, ln in enumerate(lines)])
    a_pos = np.concatenate([np.arange(len(ln.nodes) - 1) for ln in lines])
    a_seg = np.concatenate([np.hstack([ln.lonlat[:-1], ln.lonlat[1:]]) for ln in lines])
    ia, ib, t = crossings(a_seg, b_seg)
    found: dict[int, list[tuple[int, float, tuple[str, ...]]]] = defaultdict(list)
    for seg, way_seg, along in zip(ia.tolist(), ib.tolist(), t.tolist(), strict=True):
        found[int(a_line[seg])].append((int(a_pos[seg]), along, tuple(sorted(countries_of_way[int(b_way[way_seg])]))))
    border: dict[int, tuple[str, ...]] = {}
    shared: dict[tuple[float, float], int] = {}
    for index, hits in found.items():
        line = lines[index]
        ids, lonlat = line.nodes.tolist(), line.lonlat.tolist()
        for pos, along, pair in sorted(hits, reverse=True):
            if along < VERTEX_T or along > 1 - VERTEX_T:  # the boundary passes through a node: it is the border
                border[ids[pos] if along < VERTEX_T else ids[pos + 1]] = pair
                continue
            (x1, y1), (x2, y2) = lonlat[pos], lonlat[pos + 1]
            point = (round(x1 + along * (x2 - x1), OSM_DIGITS), round(y1 + along * (y2 - y1), OSM_DIGITS))
            key = shared.setdefault(point, -(len(shared) + 1))  # two ways over one crossing share it
            border[key] = pair
            positions[key] = point
            ids.insert(pos + 1, key)
            lonlat.insert(pos + 1, list(point))
        lines[index] = Line(line.way_id, line.mode, np.array(ids, np.int64), np.array(lonlat), line.tags)
    return border


def _snap_points(points: list[Point], positions: Positions, snap_m: float, skipped: dict[str, int]) -> dict[int, Point]:
    """Stations and border controls on the line nodes they stand for: their own node when it is on
    a line, else the nearest line node within ``snap_m`` (a station mapped beside the track)."""
    named: dict[int, Point] = {}
    # only stations are looked for beside the line: a border control off it is a road's
    off_line = [p for p in points if p.kind == "station" and (p.element == "way" or p.osm_id not in positions)]
    for point in points:
        if point.element == "node" and point.osm_id in positions and point.kind != "port":
            named.setdefault(point.osm_id, point)
    if off_line and len(positions.ids):
        from scipy.spatial import cKDTree

        keys, lonlat = positions.all()
        ref = float(np.mean(lonlat[:, 1]))
        tree = cKDTree(local_xy_km(lonlat[:, 0], lonlat[:, 1], ref))
        query = np.array([(p.lon, p.lat) for p in off_line])
        dist, nearest = tree.query(local_xy_km(query[:, 0], query[:, 1], ref))
        for point, d, j in zip(off_line, dist.tolist(), nearest.tolist(), strict=True):
            key = int(keys[j])
            if d * 1000 <= snap_m and key not in named:
                named[key] = point
            else:
                label = f"stations farther than {snap_m:g} m from a line"
                skipped[label] = skipped.get(label, 0) + 1
    return named


def _cut(lines: list[Line], keep: set[int]) -> list[tuple[int, int, float, float, float, Line]]:
    """The pieces of the lines between kept nodes: (start, end, km, hours at maxspeed, km without
    one, line). Lengths and kept nodes are found for all lines at once."""
    ids = np.concatenate([ln.nodes for ln in lines])
    lonlat = np.concatenate([ln.lonlat for ln in lines])
    step_km = haversine_km(lonlat[:-1, 0], lonlat[:-1, 1], lonlat[1:, 0], lonlat[1:, 1])
    cum = np.concatenate([[0.0], np.cumsum(step_km)])  # steps between lines fall outside every piece
    kept = np.isin(ids, np.fromiter(keep, dtype=np.int64, count=len(keep)))
    out = []
    offset = 0
    for line in lines:
        n = len(line.nodes)
        cuts = [offset, *(np.flatnonzero(kept[offset + 1 : offset + n - 1]) + offset + 1).tolist(), offset + n - 1]
        speed = _maxspeed_kmh(line.tags.get("maxspeed", ""))
        for a, b in itertools.pairwise(cuts):
            length = float(cum[b] - cum[a])
            if speed is None:
                out.append((int(ids[a]), int(ids[b]), length, 0.0, length, line))
            else:
                out.append((int(ids[a]), int(ids[b]), length, length / speed, 0.0, line))
        offset += n
    return out


def _maxspeed_kmh(value: str) -> float | None:
    """``maxspeed`` in km/h: ``100``, ``60 mph``; None when absent or not a number."""
    number, _, unit = value.strip().partition(" ")
    try:
        speed = float(number)
    except ValueError:
        return None
    if speed <= 0 or math.isnan(speed):
        return None
    return speed * 1.609344 if unit.strip() == "mph" else speed


def _merge_chains(pieces: list[tuple[int, int, float, float, float, Line]], keep: set[int]) -> list[GraphLink]:
    """Join pieces end to end through nodes that are not kept (a way ending where the next begins)."""
    at: dict[int, list[int]] = defaultdict(list)
    for i, (a, b, *_rest) in enumerate(pieces):
        at[a].append(i)
        at[b].append(i)
    # a node not kept but met by other than two piece ends (a way's end alone) is a dead end: keep it
    keep = keep | {n for n, ps in at.items() if len(ps) != 2}
    used = [False] * len(pieces)
    links: list[GraphLink] = []

    def walk(start: int, first: int) -> GraphLink:
        node, index = start, first
        link = GraphLink(start, start, pieces[first][5].mode, 0.0, 0.0, 0.0, [], dict(pieces[first][5].tags), set())
        while True:
            used[index] = True
            a, b, km, hours, bare_km, line = pieces[index]
            node = b if a == node else a
            link.length_km += km
            link.hours_at_maxspeed += hours
            link.km_without_maxspeed += bare_km
            if not link.way_ids or link.way_ids[-1] != line.way_id:
                link.way_ids.append(line.way_id)
            link.electrified.add(line.tags.get("electrified", ""))
            for tag, value in list(link.tags.items()):
                if line.tags.get(tag) != value:
                    del link.tags[tag]  # a tag the ways disagree on says nothing about the link
            if node in keep:
                link.end = node
                return link
            index = next(p for p in at[node] if not used[p])

    for node in sorted(keep & set(at)):
        for index in at[node]:
            if not used[index]:
                links.append(walk(node, index))
    for index in range(len(pieces)):  # rings with no kept node: cut at their first node
        if not used[index]:
            start = pieces[index][0]
            keep.add(start)
            links.append(walk(start, index))
    return links


def _end_kinds(nodes: dict[int, GraphNode], links: list[GraphLink]) -> None:
    """Junction nodes at the end of a ferry become ports; of a pipeline only, pipeline stations."""
    modes: dict[int, set[str]] = defaultdict(set)
    for link in links:
        modes[link.start].add(link.mode)
        modes[link.end].add(link.mode)
    for key, node in nodes.items():
        if node.kind != "junction":
            continue
        if "ferry" in modes[key]:
            node.kind = "port"
        elif modes[key] == {"pipeline"}:
            node.kind = "pipeline_station"


def _countries(
    nodes: dict[int, GraphNode],
    links: list[GraphLink],
    boundaries: list[Boundary],
    default_country: str | None,
    file: str,
) -> None:
    """Each node's country: parts of the graph between borders take the country whose complete
    boundary holds them, or the other side of a border they touch; a border node takes a side."""
    parent = {key: key for key in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    touching: dict[int, list[int]] = defaultdict(list)  # border node -> the parts it touches
    for link in links:
        a, b = link.start, link.end
        if nodes[a].kind == "border" or nodes[b].kind == "border":
            continue
        parent[find(a)] = find(b)
    parts: dict[int, list[int]] = defaultdict(list)
    for key, node in nodes.items():
        if node.kind != "border":
            parts[find(key)].append(key)
    for link in links:
        for a, b in ((link.start, link.end), (link.end, link.start)):
            if nodes[a].kind == "border" and nodes[b].kind != "border":
                touching[a].append(find(b))
    label: dict[int, str] = {}
    rings = {b.country: r for b in boundaries if (r := _rings(b)) is not None}
    for root, members in parts.items():
        probe = nodes[members[0]]
        for country, country_rings in rings.items():
            if points_in_rings(np.array([probe.lon]), np.array([probe.lat]), country_rings)[0]:
                label[root] = country
                break
    changed = True
    while changed:
        changed = False
        for border, sides in touching.items():
            pair = nodes[border].border
            known = {label[s] for s in sides if s in label}
            for side in sides:
                if side in label:
                    continue
                other = [c for c in pair if c not in known]
                if len(other) == 1 and known & set(pair):
                    label[side] = other[0]
                    changed = True
    unknown = [root for root in parts if root not in label]
    if unknown and default_country is None:
        count = sum(len(parts[r]) for r in unknown)
        raise DataError(
            [
                Problem(
                    file,
                    f"{count} imported nodes lie in no country that the boundary relations in the file "
                    "(boundary=administrative, admin_level=2, ISO3166-1) tell; expected an extract with "
                    "its national boundaries, or pass --country XX for them",
                )
            ]
        )
    for root in unknown:
        label[root] = str(default_country)
    for root, members in parts.items():
        for key in members:
            nodes[key].country = label[root]
    for border, sides in touching.items():
        side_countries = [label[s] for s in sides]
        node = nodes[border]
        node.country = min(side_countries) if side_countries else (node.border[0] if node.border else "")


def _rings(boundary: Boundary) -> list[np.ndarray] | None:
    """The closed rings of a boundary whose ways are all in the file; None when any is missing."""
    if not boundary.way_ids or any(w not in boundary.ways for w in boundary.way_ids):
        return None
    unused = {w: boundary.ways[w] for w in dict.fromkeys(boundary.way_ids)}
    by_end: dict[int, list[int]] = defaultdict(list)
    for w, (ids, _) in unused.items():
        by_end[int(ids[0])].append(w)
        by_end[int(ids[-1])].append(w)
    rings: list[np.ndarray] = []
    while unused:
        w, (ids, lonlat) = unused.popitem()
        chain, first, last = [lonlat], int(ids[0]), int(ids[-1])
        while last != first:
            nxt = next((c for c in by_end[last] if c in unused), None)
            if nxt is None:
                return None
            ids2, ll2 = unused.pop(nxt)
            if int(ids2[0]) == last:
                chain.append(ll2[1:])
                last = int(ids2[-1])
            else:
                chain.append(ll2[::-1][1:])
                last = int(ids2[0])
        rings.append(np.concatenate(chain))
    return rings


def _parts(links: list[GraphLink]) -> list[set[int]]:
    """The node sets of the connected parts the links form."""
    adjacent: dict[int, list[int]] = defaultdict(list)
    for link in links:
        adjacent[link.start].append(link.end)
        adjacent[link.end].append(link.start)
    seen: set[int] = set()
    parts = []
    for start in adjacent:
        if start in seen:
            continue
        part = {start}
        queue = deque([start])
        while queue:
            for nxt in adjacent[queue.popleft()]:
                if nxt not in part:
                    part.add(nxt)
                    queue.append(nxt)
        seen |= part
        parts.append(part)
    return parts


def _tie_parts(links: list[GraphLink], positions: Positions, tie_m: float, skipped: dict[str, int]) -> list[GraphLink]:
    """One network: the longest connected part, and each other part whose nearest node lies within
    ``tie_m`` of it, tied on by a transshipment link (a pipeline terminal beside a railway, a ferry
    berth beside a station); the parts left over are counted as left out."""
    parts = _parts(links)
    if len(parts) <= 1:
        return links
    from scipy.spatial import cKDTree

    part_of = {node: i for i, part in enumerate(parts) for node in part}
    km = [0.0] * len(parts)
    for link in links:
        km[part_of[link.start]] += link.length_km
    order = sorted(range(len(parts)), key=lambda i: -km[i])
    main = [order[0]]
    main_nodes = np.array(sorted(parts[order[0]]), dtype=np.int64)
    ref = float(np.mean(positions.lookup(main_nodes)[:, 1]))

    def xy(keys: np.ndarray) -> np.ndarray:
        lonlat = positions.lookup(keys)
        return local_xy_km(lonlat[:, 0], lonlat[:, 1], ref)

    tree = cKDTree(xy(main_nodes))
    ties: list[GraphLink] = []
    for i in order[1:]:
        keys = np.array(sorted(parts[i]), dtype=np.int64)
        dist, nearest = tree.query(xy(keys))
        best = int(np.argmin(dist))
        a, b = int(keys[best]), int(main_nodes[nearest[best]])
        (lon_a, lat_a), (lon_b, lat_b) = positions[a], positions[b]
        length = float(haversine_km(np.array([lon_a]), np.array([lat_a]), np.array([lon_b]), np.array([lat_b]))[0])
        if length * 1000 > tie_m:
            continue
        ties.append(GraphLink(a, b, "transshipment", length, 0.0, 0.0, [], {}, set()))
        main.append(i)
        main_nodes = np.concatenate([main_nodes, keys])
        tree = cKDTree(xy(main_nodes))
    chosen = set(main)
    kept = [link for link in links if part_of[link.start] in chosen]
    if len(kept) < len(links):
        label = f"links in parts farther than {tie_m:g} m from the rest"
        skipped[label] = skipped.get(label, 0) + len(links) - len(kept)
    return kept + ties


def components(links: list[GraphLink]) -> int:
    """How many connected parts the links form."""
    return len(_parts(links))
