"""Importing OpenStreetMap at national scale: a generated extract of at least 1,000,000 nodes.

The file looks like a country extract: a lattice of rail lines (a quarter of the nodes, a node
every ~170 m, split into ways of 50 nodes, a station every 200 nodes, the gauge changing at the
national boundary that runs down the middle, two boundary relations) and roads and their nodes
for the rest (``highway=*`` ways of 10 nodes: what an importer reads past). It is written with
pyosmium's writer (not timed), then imported by :func:`corridor.network.osm.import_osm` in a fresh
process, so the peak memory is the import's own.

Figures: ``input_nodes`` (OSM nodes in the file), ``nodes_per_second`` (input nodes / seconds of
the import: read, contract, write and validate the dataset), ``seconds``, ``cpu_seconds`` (CPU
time of the importing process, all its threads: on a busy machine the wall time can be several
times this), ``peak_memory_mb`` (peak
RSS of the importing process), ``links`` and ``way_nodes`` (what was imported).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

STEP = 0.002
"""Degrees between rail nodes (about 170 m at 45 degrees north)."""


def generate(path: Path, n_nodes: int, *, rail_share: float = 0.25, seed: int = 3) -> int:
    """Write the extract; the number of nodes written."""
    import osmium
    from osmium.osm.mutable import Node, Relation, Way

    rng = np.random.default_rng(seed)
    lines = max(2, int(np.sqrt(n_nodes * rail_share / 2) / 25))  # lines each way
    per_line = int(n_nodes * rail_share / (2 * lines))
    lon0, lat0 = 50.0, 40.0
    grid = np.round(np.linspace(per_line * 0.05, per_line * 0.95, lines)).astype(int)  # grid steps of the lines
    writer = osmium.SimpleWriter(str(path), overwrite=True)
    next_id = 1
    ways: list[tuple[list[int], dict[str, str]]] = []
    middle = lon0 + per_line * STEP / 2
    # horizontal lines own their nodes; vertical lines reuse them where they cross
    horizontal = np.arange(per_line) * STEP + lon0
    crossing_ids: dict[tuple[int, int], int] = {}
    for row, k in enumerate(grid):
        lat = lat0 + k * STEP
        ids = list(range(next_id, next_id + per_line))
        for i, nid in enumerate(ids):
            tags = {"railway": "station", "name": f"Station H{row}-{i}"} if i % 200 == 100 else {}
            writer.add_node(Node(id=nid, location=(horizontal[i], lat), tags=tags))
        for col, kc in enumerate(grid):
            crossing_ids[(row, col)] = ids[kc]
        next_id += per_line
        ways.extend(_split(ids, horizontal, middle))
    for col, kc in enumerate(grid):
        lon = lon0 + kc * STEP
        ids = []
        rows = {int(k): r for r, k in enumerate(grid)}
        for i in range(per_line):
            if i in rows:
                ids.append(crossing_ids[(rows[i], col)])
                continue
            writer.add_node(Node(id=next_id, location=(lon, lat0 + i * STEP)))
            ids.append(next_id)
            next_id += 1
        ways.extend(_split(ids, np.full(per_line, lon), middle))
    # the national boundary: a rectangle for KZ (west half), its east side shared with CN
    west, east, north, south = lon0 - 0.01, middle + STEP / 2, lat0 + per_line * STEP + 0.01, lat0 - 0.01
    corners = [(west, south), (east, south), (east, north), (west, north)]
    corner_ids = list(range(next_id, next_id + 4))
    for nid, loc in zip(corner_ids, corners, strict=True):
        writer.add_node(Node(id=nid, location=loc))
    next_id += 4
    # roads: the rest of the nodes, in ways of 10
    road_start = next_id
    n_roads = max(0, n_nodes - road_start + 1)
    lon = rng.uniform(lon0, lon0 + per_line * STEP, n_roads)
    lat = rng.uniform(lat0, lat0 + per_line * STEP, n_roads)
    for i in range(n_roads):
        writer.add_node(Node(id=road_start + i, location=(lon[i], lat[i])))
    next_id += n_roads
    way_id = 1
    for ids, tags in ways:
        writer.add_way(Way(id=way_id, nodes=ids, tags=tags))
        way_id += 1
    shared_side, rest = way_id, way_id + 1
    writer.add_way(Way(id=shared_side, nodes=[corner_ids[1], corner_ids[2]], tags={"boundary": "administrative"}))
    writer.add_way(Way(id=rest, nodes=[corner_ids[2], corner_ids[3], corner_ids[0], corner_ids[1]], tags={}))
    way_id += 2
    for start in range(road_start, road_start + n_roads - 9, 10):
        writer.add_way(Way(id=way_id, nodes=list(range(start, start + 10)), tags={"highway": "residential"}))
        way_id += 1
    level = {"type": "boundary", "boundary": "administrative", "admin_level": "2"}
    writer.add_relation(
        Relation(id=1, members=[("w", shared_side, "outer"), ("w", rest, "outer")], tags={**level, "ISO3166-1": "KZ"})
    )
    writer.add_relation(Relation(id=2, members=[("w", shared_side, "outer")], tags={**level, "ISO3166-1": "CN"}))
    writer.close()
    return next_id - 1


def _split(ids: list[int], lons: np.ndarray, middle: float) -> list[tuple[list[int], dict[str, str]]]:
    """A line as ways of 50 nodes (sharing their end nodes); 1520 mm east of the boundary."""
    out = []
    for start in range(0, len(ids) - 1, 49):
        chunk = ids[start : start + 50]
        if len(chunk) < 2:
            break
        gauge = "1520" if lons[min(start + 25, len(lons) - 1)] > middle else "1435"
        out.append((chunk, {"railway": "rail", "gauge": gauge, "usage": "main", "maxspeed": "80"}))
    return out


def child(file: str, out: str) -> None:
    import resource

    from corridor.network.osm import import_osm

    start, cpu = time.perf_counter(), time.process_time()
    result = import_osm(file, out, modes=("rail",))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_memory_mb": peak_mb, "links": result.links,
                      "nodes": result.nodes, "way_nodes": result.way_nodes, "countries": result.countries}))  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_200_000, help="OSM nodes in the generated file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return {}
    with tempfile.TemporaryDirectory(prefix="bench-osm-") as tmp:
        pbf = Path(tmp) / "country.osm.pbf"
        start = time.perf_counter()
        written = generate(pbf, args.nodes)
        print(f"generated {written:,} nodes ({pbf.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(pbf), str(Path(tmp) / "dataset")],
            check=True,
            capture_output=True,
            text=True,
        )
        child_out = json.loads(done.stdout.strip().splitlines()[-1])
    rate = written / child_out["seconds"]
    print(
        f"imported in {child_out['seconds']:.2f} s ({child_out['cpu_seconds']:.2f} s of CPU, all threads): "
        f"{rate:,.0f} input nodes/s, peak {child_out['peak_memory_mb']:.0f} MB; "
        f"{child_out['way_nodes']:,} rail way nodes -> {child_out['nodes']:,} nodes, {child_out['links']:,} links "
        f"in {', '.join(child_out['countries'])}"
    )
    return {
        "input_nodes": written,
        "nodes_per_second": round(rate),
        "seconds": round(child_out["seconds"], 2),
        "cpu_seconds": round(child_out["cpu_seconds"], 2),
        "peak_memory_mb": round(child_out["peak_memory_mb"]),
        "links": child_out["links"],
        "way_nodes": child_out["way_nodes"],
    }


if __name__ == "__main__":
    main()
