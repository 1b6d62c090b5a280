"""Decode the country outlines that ship with the package (Natural Earth via world-atlas TopoJSON).

Only what the maps need: polygons as rings of (lon, lat). Nothing is downloaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["Country", "load_countries"]

WORLD_FILE = "countries-50m.json"


@dataclass(frozen=True)
class Country:
    """One country's outline: ISO 3166-1 numeric code, name, and rings of (lon, lat)."""

    numeric: str
    name: str
    rings: tuple[np.ndarray, ...]


def _decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    scale = np.asarray(topology["transform"]["scale"], dtype=float)
    translate = np.asarray(topology["transform"]["translate"], dtype=float)
    arcs = []
    for arc in topology["arcs"]:
        points = np.cumsum(np.asarray(arc, dtype=float), axis=0)  # delta-encoded, quantized
        arcs.append(points * scale + translate)
    return arcs


def _ring(indices: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    parts = []
    for k, i in enumerate(indices):
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(arc if k == 0 else arc[1:])  # consecutive arcs share their joining point
    ring = np.vstack(parts)
    # rings crossing the antimeridian (Fiji, Chukotka) continue past 180 instead of jumping back
    ring[:, 0] = np.unwrap(ring[:, 0], period=360.0)
    return ring


@cache
def load_countries() -> tuple[Country, ...]:
    """Every country outline in the shipped TopoJSON file."""
    text = resources.files("corridor").joinpath("data", "world", WORLD_FILE).read_text("utf-8")
    topology = json.loads(text)
    arcs = _decode_arcs(topology)
    out = []
    for geom in topology["objects"]["countries"]["geometries"]:
        polygons = geom.get("arcs", [])
        if geom["type"] == "Polygon":
            polygons = [polygons]
        elif geom["type"] != "MultiPolygon":
            continue
        rings = tuple(_ring(ring, arcs) for polygon in polygons for ring in polygon)
        out.append(
            Country(numeric=str(geom.get("id", "")), name=geom.get("properties", {}).get("name", ""), rings=rings)
        )
    return tuple(out)
