"""Snap an imported network to an existing dataset's nodes, so it plugs into that network."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.errors import DataError, Problem
from corridor.network.osm._geo import haversine_km, local_xy_km

__all__ = ["FITTING_KINDS", "join_nodes"]

FITTING_KINDS = {
    "rail": {"rail_terminal", "junction", "border_crossing", "city"},
    "pipeline": {"pipeline_station", "oil_terminal", "oil_field"},
    "ferry": {"port"},
    "transshipment": set(),
}
"""Kinds of base node each imported mode plugs into best; a tie-break among nodes at one place."""


def join_nodes(
    imported_nodes: pd.DataFrame,
    imported_links: pd.DataFrame,
    base_nodes: pd.DataFrame,
    *,
    distance_m: float,
    dataset: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Replace each imported node that lies within ``distance_m`` of a node of the base dataset by
    that node (each base node takes its nearest imported node, each imported node one base node).

    Returns the imported nodes left, the links with their ends renamed (and the base node's country
    added to a link's countries where it differs), and the table of joined nodes.

    Raises
    ------
    DataError
        No base node lies within the distance.
    """
    from scipy.spatial import cKDTree

    lat = imported_nodes["lat"].astype(float).to_numpy()
    lon = imported_nodes["lon"].astype(float).to_numpy()
    base_lat = base_nodes["lat"].astype(float).to_numpy()
    base_lon = base_nodes["lon"].astype(float).to_numpy()
    ref = float(np.mean(lat))
    tree = cKDTree(local_xy_km(lon, lat, ref))
    _, nearest = tree.query(local_xy_km(base_lon, base_lat, ref))
    metres = haversine_km(base_lon, base_lat, lon[nearest], lat[nearest]) * 1000.0
    modes: dict[str, set[str]] = {}
    for start, end, mode in zip(imported_links["from"], imported_links["to"], imported_links["mode"], strict=True):
        modes.setdefault(start, set()).add(mode)
        modes.setdefault(end, set()).add(mode)
    kinds = base_nodes["kind"].tolist()
    imported_ids = imported_nodes["id"].tolist()

    def rank(b: int, i: int) -> int:
        """0 when the base node is of a kind the imported node's lines serve (a rail terminal
        for a railway), so of two base nodes at one place the fitting one is joined."""
        fitting = set().union(*(FITTING_KINDS.get(m, set()) for m in modes.get(imported_ids[i], set())))
        return 0 if kinds[b] in fitting else 1

    pairs = sorted(
        (round(float(d)), rank(int(b), int(i)), int(b), int(i), float(d))
        for b, (i, d) in enumerate(zip(nearest.tolist(), metres.tolist(), strict=True))
    )
    joined: list[dict[str, str]] = []
    taken: set[int] = set()
    for _, _, b, i, d in pairs:
        if d > distance_m or i in taken:
            continue
        taken.add(i)
        joined.append(
            {
                "osm_node": str(imported_nodes["id"].iat[i]),
                "osm_name": str(imported_nodes["name"].iat[i]),
                "node": str(base_nodes["id"].iat[b]),
                "node_name": str(base_nodes["name"].iat[b]),
                "distance_m": f"{d:.1f}",
            }
        )
    if not joined:
        _, _, b, i, d = min(pairs)
        raise DataError(
            [
                Problem(
                    dataset,
                    f"no node lies within {distance_m:g} m of the imported network (the closest, "
                    f"{base_nodes['id'].iat[b]!r}, is {d / 1000:,.1f} km from "
                    f"{imported_nodes['id'].iat[i]!r}); expected a dataset the extract touches, "
                    "or a larger --join-distance",
                )
            ]
        )
    table = pd.DataFrame(joined)
    rename = dict(zip(table["osm_node"], table["node"], strict=True))
    country = dict(zip(base_nodes["id"], base_nodes["country"], strict=True))
    links = imported_links.copy()
    links["from"] = links["from"].map(lambda n: rename.get(n, n))
    links["to"] = links["to"].map(lambda n: rename.get(n, n))

    def fix(row: pd.Series) -> str:
        countries = row["countries"].split(";")
        start, end = country.get(row["from"]), country.get(row["to"])
        if start and countries[0] != start:
            countries.insert(0, start)
        if end and countries[-1] != end:
            countries.append(end)
        return ";".join(countries)

    links["countries"] = links.apply(fix, axis=1)
    nodes = imported_nodes[~imported_nodes["id"].isin(rename)].reset_index(drop=True)
    return nodes, links, table
