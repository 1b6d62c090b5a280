"""GeoJSON for the map: country outlines, the network's links and nodes, routes."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from corridor.network import Network, link_lines, load_countries
from corridor.routing import Route

__all__ = ["network_geojson", "outlines_geojson", "route_feature"]


@cache
def outlines_geojson(step: int = 4) -> dict[str, Any]:
    """Every country outline as a GeoJSON FeatureCollection (every ``step``-th point kept: light enough
    for a page, fine enough at continental scale)."""
    features = []
    for country in load_countries():
        rings = []
        for ring in country.rings:
            thin = ring[::step] if len(ring) > 4 * step else ring
            if len(thin) < 4:
                continue
            closed = np.vstack([thin, thin[:1]]) if not np.array_equal(thin[0], thin[-1]) else thin
            rings.append([[round(float(x), 3), round(float(y), 3)] for x, y in closed])
        if rings:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": country.name, "numeric": country.numeric},
                    "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in rings]},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _line(points: np.ndarray) -> list[list[float]]:
    return [[round(float(x), 4), round(float(y), 4)] for x, y in points]


def network_geojson(network: Network, loads: dict[str, dict[str, float | None]] | None = None) -> dict[str, Any]:
    """Links (with mode, capacity and, when ``loads`` is given, volume and utilisation) and nodes."""
    lines = link_lines(network)
    modes = dict(zip(network.modes["id"], network.modes["color"], strict=True))
    features: list[dict[str, Any]] = []
    links = network.links
    for lid, mode, capacity, unit, countries in zip(
        links["id"], links["mode"], links["capacity"], links["capacity_unit"], links["countries"], strict=True
    ):
        cap = float(capacity) if np.isfinite(float(capacity)) else None
        use = (loads or {}).get(str(lid), {})
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "link",
                    "id": str(lid),
                    "mode": str(mode),
                    "color": modes.get(str(mode), "#555555"),
                    "capacity": cap,
                    "capacity_unit": str(unit or "") or None,
                    "countries": [str(c) for c in countries],
                    "volume": use.get("volume"),
                    "utilisation": use.get("utilisation"),
                },
                "geometry": {"type": "LineString", "coordinates": _line(lines[str(lid)])},
            }
        )
    nodes = network.nodes
    for nid, name, kind, lon, lat in zip(
        nodes["id"], nodes["name"], nodes["kind"], nodes["lon"], nodes["lat"], strict=True
    ):
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": "node", "id": str(nid), "name": str(name), "node_kind": str(kind)},
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def route_feature(
    network: Network, route: Route, rank: int, *, lines: dict[str, np.ndarray] | None = None
) -> dict[str, Any]:
    """One route as a GeoJSON Feature: a MultiLineString, one line per leg, with each leg's mode.

    ``lines`` is :func:`corridor.network.link_lines` of the network, when the caller has it already.
    """
    lines = link_lines(network) if lines is None else lines
    nodes = network.nodes
    where = {str(i): np.array([x, y], float) for i, x, y in zip(nodes["id"], nodes["lon"], nodes["lat"], strict=True)}
    legs = []
    for link, a in zip(route.links, route.nodes[:-1], strict=True):
        points = lines[link]
        start = where[a]
        if np.linalg.norm(points[0] - start) > np.linalg.norm(points[-1] - start):
            points = points[::-1]  # the link is drawn from its 'from' end; the route may run the other way
        legs.append(_line(points))
    return {
        "type": "Feature",
        "properties": {"rank": rank, "modes": list(route.leg_modes), "links": list(route.links)},
        "geometry": {"type": "MultiLineString", "coordinates": legs},
    }
