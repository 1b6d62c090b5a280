"""The contracted graph as the tables of a dataset: nodes and links with their sources, and the
reference tables (modes, units, commodities, tariffs) taken from a base dataset."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from corridor.network.osm._contract import Graph, GraphLink, GraphNode

__all__ = [
    "DEFAULT_SPEED_KMH",
    "OSM_SOURCE",
    "PIPELINE_COMMODITIES",
    "REFERENCE_MODE",
    "graph_tables",
    "reference_tables",
]

OSM_SOURCE = "F1"
"""The source id of every number read from OpenStreetMap."""
OSM_SOURCE_ROW = {
    "id": OSM_SOURCE,
    "title": "OpenStreetMap (data © OpenStreetMap contributors, Open Database License 1.0)",
    "publisher": "OpenStreetMap contributors",
    "date": "n.d.",
    "url": "https://www.openstreetmap.org/copyright",
}
DEFAULT_SPEED_KMH = {"rail": 60.0, "pipeline": 7.0, "ferry": 28.0}
"""Speeds where a way has no ``maxspeed`` tag (assumptions): a freight line's usual top speed;
crude in a trunk pipeline (about 2 m/s); a ferry at 15 knots."""
REFERENCE_MODE = {"rail": "rail", "pipeline": "pipeline", "ferry": "caspian_ferry", "transshipment": "transshipment"}
"""The base dataset's mode whose tariffs an imported mode borrows when the base has none of its own."""
FERRY_MODE_ROW = {
    "id": "ferry",
    "name": "Ferry",
    "kind": "line",
    "color": "#17a589",
    "description": "ferry routes imported from OpenStreetMap (route=ferry)",
}
PIPELINE_COMMODITIES = {"oil": "crude_oil", "crude_oil": "crude_oil", "crude": "crude_oil", "petroleum": "crude_oil"}
"""``substance=*`` values of pipelines and the commodity they carry; other substances are left out."""
KINDS = {
    "station": "rail_terminal",
    "border": "border_crossing",
    "border_control": "border_crossing",
    "junction": "junction",
    "port": "port",
    "pipeline_station": "pipeline_station",
}


def graph_tables(graph: Graph, *, prefix: str = "osm") -> tuple[pd.DataFrame, pd.DataFrame, dict[int, str]]:
    """Nodes and links (raw strings, in the schema's columns) and the node id of each graph key."""
    ids: dict[int, str] = {}
    taken: Counter[str] = Counter()
    node_rows = []
    for key in sorted(graph.nodes, key=lambda k: (k < 0, abs(k))):
        node = graph.nodes[key]
        ids[key] = f"{prefix}_border_{-key}" if key < 0 else f"{prefix}_{key}"
        name = _node_name(node)
        taken[name] += 1
        if taken[name] > 1:
            name = f"{name} ({taken[name]})"
        aliases = [a for a in (node.tags.get("name:en", ""), node.tags.get("uic_name", "")) if a and a != name]
        node_rows.append(
            {
                "id": ids[key],
                "name": name,
                "name_ru": node.tags.get("name:ru", ""),
                "aliases": ";".join(dict.fromkeys(a.replace(";", ",") for a in aliases)),
                "country": node.country,
                "kind": KINDS[node.kind],
                "lat": f"{node.lat:.7f}",
                "lon": f"{node.lon:.7f}",
                "position_source": OSM_SOURCE,
                "note": _node_note(node),
            }
        )
    link_rows = [_link_row(i, link, graph.nodes, ids, prefix) for i, link in enumerate(graph.links, start=1)]
    return pd.DataFrame(node_rows), pd.DataFrame(link_rows), ids


def _node_name(node: GraphNode) -> str:
    if node.tags.get("name"):
        return node.tags["name"].replace(";", ",")
    if node.kind == "border":
        return f"Border {'-'.join(node.border) or node.country} at {node.lat:.4f}, {node.lon:.4f}"
    label = {"junction": "Junction", "port": "Port", "pipeline_station": "Pipeline point"}.get(node.kind, "Node")
    return f"{label} {node.osm_id}"


def _node_note(node: GraphNode) -> str:
    if node.kind == "border":
        return f"where the line crosses the boundary of {' and '.join(node.border)} (OpenStreetMap boundary relations)"
    parts = [f"OpenStreetMap {node.element} {node.osm_id}"]
    if node.element == "way" or node.osm_id != node.key:
        parts.append(f"on the line at node {node.key}")
    for tag in ("railway", "operator", "uic_ref", "wikidata"):
        if node.tags.get(tag):
            parts.append(f"{tag}={node.tags[tag]}")
    return "; ".join(parts).replace("\n", " ")


def _link_row(i: int, link: GraphLink, nodes: dict[int, GraphNode], ids: dict[int, str], prefix: str) -> dict[str, str]:
    a, b = nodes[link.start], nodes[link.end]
    countries = [a.country] if a.country == b.country else [a.country, b.country]
    if link.mode == "transshipment":
        return {
            "id": f"{prefix}_transfer_{i}",
            "from": ids[link.start],
            "to": ids[link.end],
            "mode": "transshipment",
            "direction": "both",
            "length_km": f"{link.length_km:.3f}",
            "length_source": f"{OSM_SOURCE}; assumption: a straight line between the nearest nodes of two lines",
            "transit_time_h": "0",
            "transit_time_source": "assumption: handling time is not in OpenStreetMap",
            "countries": ";".join(countries),
            "note": "ties a line that does not meet the rest (a pipeline terminal, a ferry berth) to the nearest line",
        }
    default = DEFAULT_SPEED_KMH[link.mode]
    hours = link.hours_at_maxspeed + link.km_without_maxspeed / default
    if link.km_without_maxspeed == 0:
        time_source = (
            f"{OSM_SOURCE}; assumption: length over the maxspeed tags of its ways (a top speed; trains run slower)"
        )
    elif link.km_without_maxspeed >= link.length_km:
        time_source = f"assumption: no maxspeed tag on its ways; {default:g} km/h, the {link.mode} default"
    else:
        time_source = (
            f"{OSM_SOURCE}; assumption: length over the maxspeed tags of its ways, {default:g} km/h "
            f"(the {link.mode} default) where a way has none"
        )
    electrified = sorted(e for e in link.electrified if e)
    note = [f"OpenStreetMap ways {', '.join(map(str, link.way_ids))}"]
    if electrified:
        partly = "" in link.electrified
        note.append(f"electrified: {'/'.join(electrified)}{' (in part)' if partly else ''}")
    for tag in ("tracks", "usage", "substance", "maxspeed", "ref"):
        if link.tags.get(tag):
            note.append(f"{tag} {link.tags[tag]}")
    return {
        "id": f"{prefix}_{link.mode}_{i}",
        "from": ids[link.start],
        "to": ids[link.end],
        "mode": link.mode,
        "direction": "both",
        "name": link.tags.get("name", "").replace(";", ","),
        "length_km": f"{link.length_km:.3f}",
        "length_source": OSM_SOURCE,
        "transit_time_h": f"{max(hours, 0.0):.4f}",
        "transit_time_source": time_source,
        "countries": ";".join(countries),
        "commodities": PIPELINE_COMMODITIES.get(link.tags.get("substance", ""), "") if link.mode == "pipeline" else "",
        "gauge_mm": link.tags.get("gauge", "").replace(";", "/") if link.mode == "rail" else "",
        "operator": link.tags.get("operator", "").replace(";", ","),
        "note": "; ".join(note).replace("\n", " "),
    }


def reference_tables(base: dict[str, pd.DataFrame], modes: set[str], base_name: str) -> dict[str, pd.DataFrame]:
    """Modes, units, commodities, sources and tariffs for a dataset of ``modes`` built on ``base``
    (raw string tables): a ferry mode added when missing, and for each imported mode without a
    tariff of its own an any-country row at the median of the base's rates for its reference mode."""
    out = {name: frame.copy() for name, frame in base.items()}
    if "ferry" in modes and "ferry" not in set(out["modes"]["id"]):
        out["modes"] = pd.concat([out["modes"], pd.DataFrame([FERRY_MODE_ROW])], ignore_index=True)
    if OSM_SOURCE not in set(out["sources"]["id"]):
        out["sources"] = pd.concat([out["sources"], pd.DataFrame([OSM_SOURCE_ROW])], ignore_index=True)
    commodities = out["commodities"]
    tariffs = out["tariffs"]
    new_rows = []
    for index, row in commodities.iterrows():
        com_modes = [m for m in row["modes"].split(";") if m]
        for mode in sorted(modes):
            ref = REFERENCE_MODE[mode]
            if mode not in com_modes and ref in com_modes and mode != ref:
                com_modes.append(mode)
            if mode not in com_modes:
                continue
            own = tariffs[(tariffs["commodity"] == row["id"]) & (tariffs["mode"] == mode) & (tariffs["country"] == "")]
            if len(own[(own["link"] == "") & (own["heading"] == "")]):
                continue
            rates = tariffs[
                (tariffs["commodity"] == row["id"])
                & (tariffs["mode"] == ref)
                & (tariffs["link"] == "")
                & (tariffs["heading"] == "")
            ]
            if rates.empty:
                com_modes.remove(mode)  # no rate to borrow: the commodity cannot use the mode here
                continue
            cited = sorted(
                {s.strip() for cell in rates["source"] for s in cell.split("assumption:")[0].split(";") if s.strip()}
            )
            new_rows.append(
                {
                    "commodity": row["id"],
                    "mode": mode,
                    "usd_per_unit_km": _median(rates["usd_per_unit_km"]),
                    "usd_per_unit": _median(rates["usd_per_unit"]),
                    "source": "; ".join(
                        [
                            *cited,
                            f"assumption: the median of the {base_name} dataset's {ref} rates for {row['id']} "
                            "(OpenStreetMap has no tariffs); replace with the country's own",
                        ]
                    ),
                }
            )
        commodities.at[index, "modes"] = ";".join(com_modes)
    if new_rows:
        out["tariffs"] = pd.concat([tariffs, pd.DataFrame(new_rows)], ignore_index=True).fillna("")
    return out


def _median(column: pd.Series) -> str:
    values = [float(v) for v in column if v != ""]
    if not values:
        return ""
    value = float(pd.Series(values).median())
    return "" if math.isclose(value, 0.0) else f"{value:.6g}"
