"""Closures with the same outcome, one row of a criticality ranking.

Elements in series (a pipeline's sections, its pump stations and terminal, the group they form; a
canal and the sea lane through it) fail together: closing any one of them shuts the same routes
and has the same outcome. Reliability analysis calls such a set one cut set; a ranking that lists
each of its elements on a row of its own repeats one failure five times and pushes the next ones
out of the top ten. Here they share a row, named by the element a planner names, with the others
listed as ``same_outcome``. Every element keeps its own row in the closure table, with the
ranking row it belongs to (``outcome``) and the element that row is named by (``same_outcome_as``).

Two closures have the same outcome when they cost the same, strand the same volume of each
commodity and hit the same exporters (a ranking for one country's trade: when they cost that
trade the same and strand the same of its cargo). Equal cost alone is not enough: two closures
can cost the same while stranding different cargo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["SAME_OUTCOME_RTOL", "naming_order", "outcome_members", "ranking", "ranking_rule", "same_outcomes"]

SAME_OUTCOME_RTOL = 1e-6
"""Two figures are the same when they differ by at most this share of the larger: the LP's answers
to the same problem reached from different closures agree to about 1e-9, and real differences
between closures are far above a millionth."""

NOTHING = 1e-3
"""A figure below this (USD, t or TEU per year) is compared as nothing: solver noise on a zero."""

ELEMENT_KINDS = ("group", "link", "node")
"""Which element names a shared row first: a named group before a line before a node."""

GROUP_KINDS = ("canal", "strait", "asset", "corridor", "sea_area")
"""Among groups: a canal or a strait (what ships pass and what closes) and an asset (a pipeline
system, a port pair) before a corridor, and a sea area (a stretch of water around a chokepoint)
last. Between two groups of one kind, the one with more arcs (the whole before its part)."""


def outcome_members(value: object) -> list[str]:
    """The elements a ranking row's ``same_outcome`` names (stored joined by ", "), as a list.

    >>> outcome_members("red_sea, bab_el_mandeb_strait"), outcome_members("")
    (['red_sea', 'bab_el_mandeb_strait'], [])
    """
    return [part for part in str(value or "").split(", ") if part]


def ranking_rule(country: str | None, transit: bool) -> str:
    """How the ranking's rows are formed, as the output states it.

    >>> "one cut set" in ranking_rule(None, False), "KZ's trade" in ranking_rule("KZ", False)
    (True, True)
    """
    if country is None:
        same = "the same extra cost, the same stranded volume of each commodity and the same exporters hit"
        figures = ""
    else:
        trade = f"{country}'s trade" + (" and the cargo crossing it" if transit else "")
        same = f"the same extra cost to {trade} and the same stranded volume of each commodity of it"
        figures = "; the row's other figures are those of the element it is named by"
    return (
        f"closures with the same outcome share a row (elements in series: one cut set): {same}, within a "
        f"relative {SAME_OUTCOME_RTOL:g}{figures}. A row is named by the element a planner names (a canal, strait "
        "or asset group before its parts, a group before a line, a line before a node); same_outcome lists "
        "the others, and the closure table keeps every element"
    )


def naming_order(
    elements: Sequence[tuple[str, str, int]], group_kinds: Mapping[str, str]
) -> dict[str, tuple[int, int, int, str]]:
    """A sort key per element id, smallest first: which element names a row it shares.

    ``elements``: (kind, id, number of arcs) of each element; ``group_kinds``: a group's kind by id.

    >>> order = naming_order([("group", "red_sea", 6), ("group", "suez_canal_passage", 2),
    ...                       ("link", "sea_sin_bab", 2)], {"red_sea": "sea_area", "suez_canal_passage": "canal"})
    >>> min(order, key=order.__getitem__)
    'suez_canal_passage'
    """
    last_element, last_group = len(ELEMENT_KINDS), len(GROUP_KINDS)
    out = {}
    for kind, ident, arcs in elements:
        rank = ELEMENT_KINDS.index(kind) if kind in ELEMENT_KINDS else last_element
        group = group_kinds.get(ident, "") if kind == "group" else ""
        out[ident] = (rank, GROUP_KINDS.index(group) if group in GROUP_KINDS else last_group, -arcs, ident)
    return out


def _naming_key(
    closed: str, naming: Mapping[str, tuple[int, int, int, str]]
) -> tuple[int, list[tuple[int, int, int, str]]]:
    """The naming key of a closure: fewer elements first (a closure alone before a pair it decides),
    then its members' keys, best first (a pair with the canal before a pair with the sea area)."""
    parts = closed.split("+")
    return len(parts), sorted(naming.get(p, (len(ELEMENT_KINDS), len(GROUP_KINDS), 0, p)) for p in parts)


def compared(table: pd.DataFrame, country: bool) -> list[str]:
    """The columns two closures must agree on to share a row, the ranking's measure first."""
    if country:
        return ["country_extra_cost_usd", *(c for c in table.columns if c.startswith("country_stranded_"))]
    return ["extra_cost_usd", *(c for c in table.columns if c.startswith("stranded_"))]


def same_outcomes(
    table: pd.DataFrame, *, country: bool, naming: Mapping[str, tuple[int, int, int, str]] | None = None
) -> tuple[list[int], list[str]]:
    """For each row of a closure table: the ranking row it belongs to (1 = costliest) and the
    element that row is named by ("" for that element itself).

    A closure joins the row of the first costlier-or-equal closure it agrees with on every
    compared figure (within :data:`SAME_OUTCOME_RTOL`, figures below :data:`NOTHING` as nothing)
    and, without ``country``, on the exporters hit; the row is named by the member that comes
    first in ``naming`` (:func:`naming_order`; default: by id).
    """
    n = len(table)
    if n == 0:
        return [], []
    columns = compared(table, country)
    values = table[columns].to_numpy(dtype=float)
    hit = [""] * n if country else [str(h) for h in table["countries_hit"]]
    floor = np.maximum(1e-9 * np.abs(values).max(axis=0), NOTHING)
    order = np.argsort(-values[:, 0], kind="stable")  # the measure, costliest first
    group_of = np.empty(n, dtype=np.int64)
    anchors: list[int] = []  # the first row of each shared row, in ranking order
    open_from = 0  # anchors before this one cost too much more to be joined again
    for i in order:
        v = values[i]
        while open_from < len(anchors) and not _same(values[anchors[open_from], :1], v[:1], floor[:1]):
            open_from += 1
        for g in range(open_from, len(anchors)):
            a = anchors[g]
            if hit[a] == hit[i] and _same(values[a], v, floor):
                group_of[i] = g
                break
        else:
            group_of[i] = len(anchors)
            anchors.append(int(i))
    closed = [str(c) for c in table["closed"]]
    members: dict[int, list[int]] = {}  # each shared row's members, in table order
    for i in range(n):
        members.setdefault(int(group_of[i]), []).append(i)
    named = {
        g: min((closed[i] for i in rows), key=lambda c: _naming_key(c, naming or {})) for g, rows in members.items()
    }
    # rows ranked by where their first member stands in the table
    rank = {g: r for r, g in enumerate(members, start=1)}
    return [rank[int(g)] for g in group_of], ["" if named[int(g)] == closed[i] else named[int(g)]
                                              for i, g in enumerate(group_of)]  # fmt: skip


def _same(a: np.ndarray, b: np.ndarray, floor: np.ndarray) -> bool:
    return bool((np.abs(a - b) <= SAME_OUTCOME_RTOL * np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)).all())


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome of a closure table that carries ``outcome`` and ``same_outcome_as``
    (:func:`same_outcomes`): ``closed`` the element it is named by, ``same_outcome`` the others
    (``, ``-joined, in table order), its figures and ``kind``, ``elements`` the count, ``solved``
    whether any member's LP was solved. The figures are those of the element the row is named by
    (the same as its members' on what :func:`same_outcomes` compares)."""
    numbers = [c for c in table.columns if c.endswith("_usd") or "stranded_" in c]
    columns = ["closed", "same_outcome", "kind", *numbers, "countries_hit", "elements", "solved"]
    if table.empty:
        return pd.DataFrame({c: pd.Series(dtype=int if c == "elements" else object) for c in columns})
    heads = table[table["same_outcome_as"] == ""].set_index("outcome").sort_index()
    others: dict[int, list[str]] = {}
    for closed, outcome, named in zip(table["closed"], table["outcome"], table["same_outcome_as"], strict=True):
        if named:
            others.setdefault(int(outcome), []).append(str(closed))
    members = table.groupby("outcome", sort=True)
    out = heads.reset_index()
    out["same_outcome"] = [", ".join(others.get(int(o), [])) for o in out["outcome"]]
    out["elements"] = out["outcome"].map(members.size())
    out["solved"] = out["outcome"].map(members["solved"].any())
    return out[columns]
