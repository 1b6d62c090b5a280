"""Synthetic networks of any size, for benchmarks and property tests.

Nodes are scattered over a box, split into countries by a grid, and joined to their nearest
neighbours by rail, road or sea links, so the graph looks like a transport network (planar-ish,
connected, a few long links) rather than a random graph. Everything comes from one seed.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from corridor.network.tables import Network, network_from_frames

__all__ = ["SYNTHETIC_SOURCE", "synthetic_network", "synthetic_tables"]

SYNTHETIC_SOURCE = "SYN"
"""The source id every synthetic number cites."""
_COUNTRIES = ("KZ", "RU", "CN", "AZ", "GE", "TR", "PL", "DE", "BY", "UZ", "TM", "RO", "BG", "HU", "IR", "AF")


def synthetic_tables(
    n_nodes: int = 1_000,
    *,
    neighbours: int = 3,
    n_commodities: int = 2,
    n_countries: int = 9,
    parallel_share: float = 0.0,
    one_way_share: float = 0.0,
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """The tables of a synthetic network (see :func:`synthetic_network`).

    ``parallel_share`` of the links get a road twin between the same two places (parallel
    links); ``one_way_share`` of them become one-way pipelines.
    """
    if n_nodes < 2:
        raise ValueError(f"n_nodes is {n_nodes}; expected at least 2")
    rng = np.random.default_rng(seed)
    lon = rng.uniform(20.0, 120.0, n_nodes)
    lat = rng.uniform(25.0, 60.0, n_nodes)
    side = int(np.ceil(np.sqrt(n_countries)))
    cell = np.minimum((lon - 20.0) / 100.0 * side, side - 1).astype(int) + side * np.minimum(
        (lat - 25.0) / 35.0 * side, side - 1
    ).astype(int)
    codes = np.array(_COUNTRIES[: side * side] if side * side <= len(_COUNTRIES) else _COUNTRIES)
    country = codes[cell % len(codes)]
    ids = np.array([f"n{i}" for i in range(n_nodes)])
    nodes = pd.DataFrame(
        {
            "id": ids,
            "name": [f"Node {i}" for i in range(n_nodes)],
            "country": country,
            "kind": "junction",
            "lat": lat,
            "lon": lon,
            "position_source": SYNTHETIC_SOURCE,
        }
    )
    # nearest neighbours, plus a chain through every node so the network is connected
    from scipy.spatial import cKDTree

    xy = np.column_stack([lon * np.cos(np.radians(lat)), lat])
    _, nearest = cKDTree(xy).query(xy, k=min(neighbours, n_nodes - 1) + 1)
    pairs = {(min(i, int(j)), max(i, int(j))) for i in range(n_nodes) for j in nearest[i, 1:]}
    order = np.argsort(lon)
    pairs |= {(min(int(a), int(b)), max(int(a), int(b))) for a, b in itertools.pairwise(order)}
    a, b = np.array(sorted(pairs)).T
    modes = rng.choice(np.array(["rail", "road", "sea"]), size=len(a), p=[0.6, 0.3, 0.1])
    one_way = rng.random(len(a)) < one_way_share
    modes = np.where(one_way, "pipeline", modes)
    twins = np.flatnonzero(rng.random(len(a)) < parallel_share)
    a, b = np.concatenate([a, a[twins]]), np.concatenate([b, b[twins]])
    modes = np.concatenate([modes, np.full(len(twins), "road")])
    one_way = np.concatenate([one_way, np.zeros(len(twins), bool)])
    km = np.hypot(*(xy[a] - xy[b]).T) * 111.0 * 1.25 + 1.0
    km[len(km) - len(twins) :] *= 1.1  # roads wind a little more than the line they run beside
    link_countries = [c1 if c1 == c2 else f"{c1};{c2}" for c1, c2 in zip(country[a], country[b], strict=True)]
    capacity = rng.uniform(1.0, 20.0, len(a)).round(2)
    has_capacity = rng.random(len(a)) < 0.7
    links = pd.DataFrame(
        {
            "id": [f"l{i}" for i in range(len(a))],
            "from": ids[a],
            "to": ids[b],
            "mode": modes,
            "direction": np.where(one_way, "forward", "both"),
            "length_km": km.round(1),
            "length_source": SYNTHETIC_SOURCE,
            "capacity": np.where(has_capacity, capacity, np.nan),
            "capacity_unit": np.where(has_capacity, "mt_per_year", ""),
            "capacity_source": np.where(has_capacity, SYNTHETIC_SOURCE, ""),
            "dwell_h": rng.choice([0.0, 0.0, 2.0, 12.0], size=len(a)),
            "dwell_source": SYNTHETIC_SOURCE,
            "countries": link_countries,
        }
    )
    commodity_ids = [f"c{i}" for i in range(n_commodities)]
    commodities = pd.DataFrame(
        {
            "id": commodity_ids,
            "name": [f"Commodity {i}" for i in range(n_commodities)],
            "unit": "t",
            "modes": "rail;road;sea;pipeline",
            "tonnes_per_unit": 1.0,
            "tonnes_source": SYNTHETIC_SOURCE,
            "value_usd_per_unit": rng.uniform(200, 5000, n_commodities).round(0),
            "value_source": SYNTHETIC_SOURCE,
            "value_of_time_usd_per_unit_day": rng.uniform(0.1, 5.0, n_commodities).round(2),
            "value_of_time_source": SYNTHETIC_SOURCE,
        }
    )
    per_km = {"rail": 0.03, "road": 0.08, "sea": 0.01, "pipeline": 0.02}
    fixed = {"rail": 2.0, "road": 0.0, "sea": 8.0, "pipeline": 0.0}
    tariffs = pd.DataFrame(
        [
            {
                "commodity": c,
                "mode": m,
                "usd_per_unit_km": per_km[m] * (1 + 0.1 * i),
                "usd_per_unit": fixed[m],
                "source": SYNTHETIC_SOURCE,
            }
            for i, c in enumerate(commodity_ids)
            for m in per_km
        ]
    )
    modes_table = pd.DataFrame(
        {"id": ["rail", "road", "sea", "pipeline"], "name": ["Rail", "Road", "Sea", "Pipeline"], "kind": "line"},
    )
    speeds = pd.DataFrame(
        {
            "mode": ["rail", "road", "sea", "pipeline"],
            "speed_km_per_day": [800.0, 600.0, 500.0, 130.0],
            "source": SYNTHETIC_SOURCE,
        }
    )
    units = pd.DataFrame(
        {"id": ["mt_per_year"], "dimension": ["t"], "per_year": [1e6], "description": ["million tonnes per year"]}
    )
    sources = pd.DataFrame({"id": [SYNTHETIC_SOURCE], "title": [f"synthetic network, seed {seed}"]})
    groups = pd.DataFrame({"id": pd.Series(dtype=str), "name": pd.Series(dtype=str), "members": pd.Series(dtype=str)})
    return {
        "sources": sources,
        "units": units,
        "modes": modes_table,
        "commodities": commodities,
        "nodes": nodes,
        "links": links,
        "speeds": speeds,
        "tariffs": tariffs,
        "groups": groups,
    }


def synthetic_network(
    n_nodes: int = 1_000,
    *,
    neighbours: int = 3,
    n_commodities: int = 2,
    n_countries: int = 9,
    parallel_share: float = 0.0,
    one_way_share: float = 0.0,
    seed: int = 0,
) -> Network:
    """A valid synthetic network of ``n_nodes`` nodes (about ``neighbours`` links per node).

    Nodes are scattered over a box, split into countries by a grid and joined to their nearest
    neighbours, so the graph looks like a transport network; everything comes from ``seed``.

    Parameters
    ----------
    n_nodes
        How many nodes (at least 2).
    neighbours
        Links per node, to its nearest neighbours.
    n_commodities, n_countries
        How many commodities and countries.
    parallel_share
        Share of links that get a road twin between the same two places (parallel links).
    one_way_share
        Share of links that become one-way pipelines.
    seed
        The random seed: the same seed gives the same network.

    Returns
    -------
    Network
        Every number cites the source ``SYN``.

    Raises
    ------
    ValueError
        Fewer than 2 nodes.

    Examples
    --------
    >>> net = synthetic_network(200, seed=1)
    >>> len(net.nodes), len(net.links) > 200
    (200, True)
    """
    tables = synthetic_tables(
        n_nodes,
        neighbours=neighbours,
        n_commodities=n_commodities,
        n_countries=n_countries,
        parallel_share=parallel_share,
        one_way_share=one_way_share,
        seed=seed,
    )
    return network_from_frames(name=f"synthetic-{n_nodes}-{seed}", **tables)
