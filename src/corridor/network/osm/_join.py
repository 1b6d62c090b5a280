"""Snap an imported network to an existing dataset's nodes, so it plugs into that network."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.errors import DataError, Problem
from corridor.network.osm._geo import haversine_km, local_xy_km

__all__ = ["join_nodes"]


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
    pairs = sorted(
        (float(d), int(b), int(i)) for b, (i, d) in enumerate(zip(nearest.tolist(), metres.tolist(), strict=True))
    )
    joined: list[dict[str, str]] = []
    taken: set[int] = set()
    for d, b, i in pairs:
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
        closest = min(pairs)
        raise DataError(
            [
                Problem(
                    dataset,
                    f"no node lies within {distance_m:g} m of the imported network (the closest, "
                    f"{base_nodes['id'].iat[closest[1]]!r}, is {closest[0] / 1000:,.1f} km from "
                    f"{imported_nodes['id'].iat[closest[2]]!r}); expected a dataset the extract touches, "
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
