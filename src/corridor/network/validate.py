"""Checks that span tables: references, units, tariffs, speeds, connectivity.

Single-table checks (types, bounds, required cells) live in :mod:`corridor.network.schema`; these need
several tables at once. Every function appends to a list of problems and never raises, so that
a user sees every problem of a dataset in one pass.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from corridor.errors import Problem
from corridor.network.schema import TABLES, check_refs, check_source_ids, records, schema_for

__all__ = ["allowed_commodities", "check_dataset", "commodity_factors", "country_rows"]

Rows = Mapping[str, Sequence[int]]


def check_dataset(tables: Mapping[str, pd.DataFrame], rows: Rows, problems: list[Problem]) -> None:
    """Run every cross-table check on parsed tables (their row numbers in ``rows``)."""

    def known(table: str) -> Iterable[str]:
        frame = tables[table]
        return frame["id"] if "id" in frame.columns else ()

    source_ids = set(tables["sources"]["id"])
    for table in TABLES:
        schema = schema_for(table)
        check_refs(tables[table], rows[table], schema, known, problems)
        check_source_ids(tables[table], rows[table], schema, source_ids, problems)
    _check_links(tables, rows["links"], problems)
    _check_commodity_modes(tables, rows, problems)
    _check_capacity_units(tables, rows, problems)
    _check_node_capacity_units(tables, rows, problems)
    _check_ids_across_tables(tables, rows, problems)
    _check_speeds(tables, rows, problems)
    _check_tariffs(tables, rows, problems)
    _check_groups(tables["groups"], rows["groups"], problems)
    _check_connectivity(tables, rows, problems)
    _check_segments(tables, rows["segments"], problems)
    _check_congestion(tables, rows["congestion"], problems)


def _check_segments(tables: Mapping[str, pd.DataFrame], rows: Sequence[int], problems: list[Problem]) -> None:
    """Segments are unique within their commodity and their shares (and eastbound shares, where
    given) sum to 1."""
    segments = tables["segments"]
    keys = list(zip(segments["commodity"], segments["segment"], strict=True))
    _report_duplicates("segments.csv", keys, rows, "commodity and segment", problems)
    for commodity, part in segments.groupby("commodity", sort=False):
        first = rows[int(part.index[0])]
        eastbound = part["share_eastbound"] if "share_eastbound" in part.columns else pd.Series(dtype=float)
        totals = [("share", float(part["share"].sum()), "shares")]
        if eastbound.notna().any():
            totals.append(("share_eastbound", float(eastbound.fillna(part["share"]).sum()), "eastbound shares"))
        for field, total, what in totals:
            if commodity and abs(total - 1.0) > 1e-6:
                message = f"the {what} of {commodity!r} sum to {total:g}; expected 1"
                problems.append(Problem("segments.csv", message, row=first, field=field))


def _check_congestion(tables: Mapping[str, pd.DataFrame], rows: Sequence[int], problems: list[Problem]) -> None:
    """A queue sits on an element with a capacity figure (a link, a node or a group with its own)."""
    with_capacity = {
        str(i)
        for table in ("links", "nodes", "groups")
        if "capacity" in tables[table].columns
        for i, c in zip(tables[table]["id"], tables[table]["capacity"], strict=True)
        if np.isfinite(c)
    }
    known = {str(i) for table in ("links", "nodes", "groups") for i in tables[table]["id"]}
    seen: dict[str, int] = {}
    for row in zip(tables["congestion"]["element"], tables["congestion"]["wait_h_at_half"],
                   tables["congestion"]["max_wait_h"], rows, strict=True):  # fmt: skip
        element, half, longest, number = row
        if element in seen:
            problems.append(
                Problem("congestion.csv", f"repeats element {element!r} of row {seen[element]}", row=number)
            )
        seen.setdefault(element, number)
        if element not in known:
            problems.append(
                Problem(
                    "congestion.csv",
                    f"element is {element!r}; expected a link, node or group id",
                    row=number,
                    field="element",
                )
            )
        elif element not in with_capacity:
            problems.append(
                Problem(
                    "congestion.csv",
                    f"element {element!r} has no capacity figure; a queue needs one to measure use against",
                    row=number,
                    field="element",
                )
            )
        if np.isfinite(half) and np.isfinite(longest) and longest < half:
            problems.append(
                Problem(
                    "congestion.csv",
                    f"max_wait_h is {longest:g}, below wait_h_at_half {half:g}; expected at least that",
                    row=number,
                    field="max_wait_h",
                )
            )


def _check_links(tables: Mapping[str, pd.DataFrame], rows: Sequence[int], problems: list[Problem]) -> None:
    node_country = dict(zip(tables["nodes"]["id"], tables["nodes"]["country"], strict=True))
    links = tables["links"]
    for a, b, countries, row in zip(links["from"], links["to"], links["countries"], rows, strict=True):
        if a and a == b:
            problems.append(
                Problem("links.csv", f"from and to are both {a!r}; expected two different nodes", row=row, field="to")
            )
        if not countries:
            continue
        for end, position, at in ((a, 0, "first"), (b, -1, "last")):
            country = node_country.get(end)
            if country and countries[position] != country:
                problems.append(
                    Problem(
                        "links.csv",
                        f"countries is {';'.join(countries)!r} but node {end!r} lies in {country}; "
                        f"expected {country} {at} (countries run in path order from 'from' to 'to')",
                        row=row,
                        field="countries",
                    )
                )


def _commodity_modes(tables: Mapping[str, pd.DataFrame]) -> dict[str, tuple[str, ...]]:
    com = tables["commodities"]
    return dict(zip(com["id"], com["modes"], strict=True))


def allowed_commodities(link_mode: str, listed: tuple[str, ...], modes: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Commodities a link carries: those it lists (or all) whose modes include the link's mode."""
    candidates = listed or tuple(modes)
    return [c for c in candidates if link_mode in modes.get(c, ())]


def _check_commodity_modes(tables: Mapping[str, pd.DataFrame], rows: Rows, problems: list[Problem]) -> None:
    modes = _commodity_modes(tables)
    for link, row in zip(records(tables["links"]), rows["links"], strict=True):
        for com in link.commodities:
            if com in modes and link.mode not in modes[com]:
                problems.append(
                    Problem(
                        "links.csv",
                        f"commodities lists {com!r}, which cannot use mode {link.mode!r} "
                        f"(commodities.csv allows {com} on {', '.join(modes[com])}); remove it or change the mode",
                        row=row,
                        field="commodities",
                    )
                )


def commodity_factors(commodities: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per commodity, how many capacity units (per dimension) one unit of the commodity uses.

    A dimension missing from a commodity's dict cannot be converted: the commodity cannot use a
    link or node whose capacity is counted in it.
    """
    factors: dict[str, dict[str, float]] = {}
    for com in records(commodities):
        f: dict[str, float] = {"t": float(com.tonnes_per_unit)}
        if not np.isnan(com.teu_per_unit):
            f["teu"] = float(com.teu_per_unit)
        if not np.isnan(com.units_per_train):
            f["train"] = 1.0 / float(com.units_per_train)
        if not np.isnan(getattr(com, "units_per_wagon", np.nan)):
            f["wagon"] = 1.0 / float(com.units_per_wagon)
        if not np.isnan(com.barrels_per_unit):
            f["bbl"] = float(com.barrels_per_unit)
        factors[str(com.id)] = f
    return factors


def _check_capacity_units(tables: Mapping[str, pd.DataFrame], rows: Rows, problems: list[Problem]) -> None:
    units = dict(zip(tables["units"]["id"], tables["units"]["dimension"], strict=True))
    factors = commodity_factors(tables["commodities"])
    modes = _commodity_modes(tables)
    for link, row in zip(records(tables["links"]), rows["links"], strict=True):
        dim = units.get(link.capacity_unit)
        if not link.capacity_unit or dim is None or np.isnan(link.capacity):
            continue
        for com in allowed_commodities(link.mode, link.commodities, modes):
            if dim not in factors.get(com, {}):
                problems.append(
                    Problem(
                        "links.csv",
                        f"capacity is in {link.capacity_unit} ({dim}) but commodity {com!r} has no conversion to {dim}; "
                        f"add it in commodities.csv or restrict the link's commodities",
                        row=row,
                        field="capacity_unit",
                    )
                )


def _check_node_capacity_units(tables: Mapping[str, pd.DataFrame], rows: Rows, problems: list[Problem]) -> None:
    """A node's capacity must convert for every commodity that may use a link at the node."""
    units = dict(zip(tables["units"]["id"], tables["units"]["dimension"], strict=True))
    factors = commodity_factors(tables["commodities"])
    modes = _commodity_modes(tables)
    users: dict[str, set[str]] = {}
    for a, b, mode, listed in zip(
        tables["links"]["from"],
        tables["links"]["to"],
        tables["links"]["mode"],
        tables["links"]["commodities"],
        strict=True,
    ):
        for com in allowed_commodities(mode, listed, modes):
            users.setdefault(a, set()).add(com)
            users.setdefault(b, set()).add(com)
    nodes = tables["nodes"]
    for nid, cap, unit, row in zip(nodes["id"], nodes["capacity"], nodes["capacity_unit"], rows["nodes"], strict=True):
        dim = units.get(unit)
        if dim is None or np.isnan(cap):
            continue
        for com in sorted(users.get(nid, ())):
            if dim not in factors.get(com, {}):
                problems.append(
                    Problem(
                        "nodes.csv",
                        f"capacity is in {unit} ({dim}) but commodity {com!r}, which may pass this node, has no "
                        f"conversion to {dim}; add it in commodities.csv",
                        row=row,
                        field="capacity_unit",
                    )
                )


def country_rows(keys: Container[tuple[str, ...]], mode: str, countries: Iterable[str]) -> list[tuple[str, str] | None]:
    """For each country a link crosses, the (mode, country) row that applies to it.

    The rule every per-country table follows (speeds, tariffs): the country's own row, else the
    mode's row for any country (country ""), else None.
    """
    out: list[tuple[str, str] | None] = []
    for country in countries:
        if (mode, country) in keys:
            out.append((mode, country))
        elif (mode, "") in keys:
            out.append((mode, ""))
        else:
            out.append(None)
    return out


def _check_speeds(tables: Mapping[str, pd.DataFrame], rows: Rows, problems: list[Problem]) -> None:
    speeds = tables["speeds"]
    keys = list(zip(speeds["mode"], speeds["country"], strict=True))
    _report_duplicates("speeds.csv", keys, rows["speeds"], "mode and country", problems)
    have = set(keys)
    for link, row in zip(records(tables["links"]), rows["links"], strict=True):
        if not np.isnan(link.transit_time_h):
            continue
        used = country_rows(have, link.mode, link.countries)
        missing = [c for c, key in zip(link.countries, used, strict=True) if key is None]
        if missing:
            problems.append(
                Problem(
                    "links.csv",
                    f"transit_time_h is empty and speeds.csv has no speed for mode {link.mode!r} "
                    f"in {', '.join(missing) or 'any country'}; give transit_time_h or add a speed",
                    row=row,
                    field="transit_time_h",
                )
            )


def _check_tariffs(tables: Mapping[str, pd.DataFrame], rows: Rows, problems: list[Problem]) -> None:
    tariffs = tables["tariffs"]
    link_mode = dict(zip(tables["links"]["id"], tables["links"]["mode"], strict=True))
    keys = list(zip(tariffs["commodity"], tariffs["mode"], tariffs["country"], tariffs["link"], strict=True))
    headings = tariffs["heading"].tolist() if "heading" in tariffs.columns else [""] * len(tariffs)
    # a link row is one per commodity, link and heading, whatever else it names
    unique_keys = [
        (c, "", "", lk, h) if lk else (c, m, k, lk, h) for (c, m, k, lk), h in zip(keys, headings, strict=True)
    ]
    _report_duplicates("tariffs.csv", unique_keys, rows["tariffs"], "commodity, mode, country and link", problems)
    for (_, mode, country, link), row in zip(keys, rows["tariffs"], strict=True):
        if not mode and not link:
            problems.append(
                Problem("tariffs.csv", "mode and link are both empty; expected one of them", row=row, field="mode")
            )
        if link and (country or (mode and link in link_mode and mode != link_mode[link])):
            problems.append(
                Problem(
                    "tariffs.csv",
                    f"link {link!r} is given with a country or another mode; expected a link row to name only the link",
                    row=row,
                )
            )
    by_link = {(c, lk) for (c, _, _, lk), h in zip(keys, headings, strict=True) if lk and not h}
    by_mode: dict[str, set[tuple[str, str]]] = {}
    for (c, m, k, lk), h in zip(keys, headings, strict=True):
        if m and not lk and not h:
            by_mode.setdefault(c, set()).add((m, k))
    modes = _commodity_modes(tables)
    for link, row in zip(records(tables["links"]), rows["links"], strict=True):
        for com in allowed_commodities(link.mode, link.commodities, modes):
            if (com, link.id) in by_link:
                continue
            used = country_rows(by_mode.get(com, set()), link.mode, link.countries)
            missing = [c for c, key in zip(link.countries, used, strict=True) if key is None]
            if missing:
                problems.append(
                    Problem(
                        "links.csv",
                        f"no tariff for {com} on mode {link.mode!r} in {', '.join(missing) or 'any country'}; "
                        f"add a row to tariffs.csv (commodity {com}, mode {link.mode}) or restrict the link's commodities",
                        row=row,
                        field="commodities",
                    )
                )


def _check_ids_across_tables(tables: Mapping[str, pd.DataFrame], rows: Rows, problems: list[Problem]) -> None:
    """Node, link and group ids name places in avoid and via: each must mean one thing, whatever its case."""
    first: dict[str, tuple[str, str, int]] = {}
    for table in ("nodes", "links", "groups"):
        for ident, row in zip(tables[table]["id"], rows[table], strict=True):
            if not ident:
                continue
            key = ident.casefold()
            if key in first:
                other_table, other_id, other_row = first[key]
                if (other_table, other_id) == (table, ident):
                    continue  # an exact duplicate within one table is reported by its own check
                problems.append(
                    Problem(
                        f"{table}.csv",
                        f"id {ident!r} is also {other_table}.csv row {other_row} ({other_id!r}); expected ids that "
                        f"differ in more than case across nodes, links and groups",
                        row=row,
                        field="id",
                    )
                )
            else:
                first[key] = (table, ident, row)


def _check_groups(groups: pd.DataFrame, rows: Sequence[int], problems: list[Problem]) -> None:
    members = dict(zip(groups["id"], groups["members"], strict=True))
    row_of = dict(zip(groups["id"], rows, strict=True))
    for gid, direct in members.items():
        stack, seen = list(direct), set()
        while stack:
            item = stack.pop()
            if item == gid:
                problems.append(
                    Problem(
                        "groups.csv",
                        f"group {gid!r} contains itself; expected groups without cycles",
                        row=row_of[gid],
                        field="members",
                    )
                )
                break
            if item in members and item not in seen:
                seen.add(item)
                stack.extend(members[item])


def _check_connectivity(tables: Mapping[str, pd.DataFrame], rows: Rows, problems: list[Problem]) -> None:
    nodes, links = tables["nodes"], tables["links"]
    index: dict[str, int] = {}
    for i, nid in enumerate(nodes["id"]):
        index.setdefault(nid, i)  # a duplicate id is reported elsewhere; its later rows are skipped here
    pairs = [(index[a], index[b]) for a, b in zip(links["from"], links["to"], strict=True) if a in index and b in index]
    n = len(nodes)
    if n == 0:
        problems.append(Problem("nodes.csv", "has no nodes; expected at least two"))
        return
    if not pairs:
        problems.append(Problem("links.csv", "has no links between known nodes; expected at least one"))
        return
    tail, head = np.array(pairs).T
    graph = coo_array((np.ones(len(pairs)), (tail, head)), shape=(n, n)).tocsr()
    count, labels = connected_components(graph, directed=True, connection="weak")
    degree = np.bincount(tail, minlength=n) + np.bincount(head, minlength=n)
    main = np.bincount(labels).argmax()
    for i, (nid, row, lab, deg) in enumerate(zip(nodes["id"], rows["nodes"], labels, degree, strict=True)):
        if index[nid] != i:
            continue
        if deg == 0:
            problems.append(
                Problem(
                    "nodes.csv",
                    f"node {nid!r} has no links; expected every node on at least one link",
                    row=row,
                    field="id",
                )
            )
        elif count > 1 and lab != main:
            problems.append(
                Problem(
                    "nodes.csv",
                    f"node {nid!r} is cut off from the rest of the network (no chain of links reaches it); "
                    f"expected one connected network",
                    row=row,
                )
            )


def _report_duplicates(
    file: str, keys: Sequence[tuple[str, ...]], rows: Sequence[int], what: str, problems: list[Problem]
) -> None:
    first: dict[tuple[str, ...], int] = {}
    for key, row in zip(keys, rows, strict=True):
        if key in first:
            problems.append(
                Problem(file, f"repeats the {what} of row {first[key]}; expected one row per combination", row=row)
            )
        else:
            first[key] = row
