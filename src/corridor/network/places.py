"""Resolve what a user types ('Актау', 'Aktau', 'aktau_port', 'Malaszewicze') to node and group ids.

Names are compared after folding case, accents and punctuation, so 'Małaszewicze',
'Malaszewicze' and 'MALASZEWICZE' are one key. An unknown name gets the closest known names as
suggestions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor.errors import RequestError, UnknownNodeError
from corridor.network.schema import records

if TYPE_CHECKING:
    from corridor.network.tables import Network

__all__ = ["NameIndex", "build_name_index", "fold", "group_members", "link_lines", "place_nodes"]

_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "ı": "i", "ø": "o", "Ø": "o", "ß": "ss", "đ": "d", "Đ": "d"})
_NON_WORD = re.compile(r"[^\w]+")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def fold(text: str) -> str:
    """Compare-key of a name: no case, accents, punctuation or repeated spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text.casefold().replace("_", " ")).split())


@dataclass(frozen=True)
class NameIndex:
    """Folded names -> (kind, id); kind is 'node' or 'group'."""

    keys: dict[str, tuple[tuple[str, str], ...]]
    labels: dict[tuple[str, str], str]

    def resolve(self, name: str, *, kinds: tuple[str, ...] = ("node", "group")) -> tuple[str, str]:
        """The (kind, id) a name stands for; raises UnknownNodeError with suggestions.

        An exact id wins over everything folded; then the strongest folded match.
        """
        for kind in kinds:
            if (kind, name) in self.labels:
                return kind, name
        hits = tuple(hit for hit in self.keys.get(fold(name), ()) if hit[0] in kinds)
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            options = ", ".join(f"{self.labels[h]!r} ({h[1]})" for h in hits)
            raise RequestError(f"{name!r} is ambiguous; it could be {options}; use the id")
        raise UnknownNodeError(name, self.suggest(name, kinds=kinds))

    def suggest(self, name: str, *, kinds: tuple[str, ...] = ("node", "group"), n: int = 3) -> list[tuple[str, str]]:
        """Up to n (label, id) pairs whose names are closest to ``name``.

        Candidates come from difflib; they are ranked by edit distance counting a swap of two
        neighbouring letters as one edit ('Atkau' is one edit from 'Aktau'), and only the
        closest ones are kept.
        """
        typed = fold(name)
        candidates = [k for k, hits in self.keys.items() if any(h[0] in kinds for h in hits)]
        close = difflib.get_close_matches(typed, candidates, n=12, cutoff=0.6)
        if not close:
            return []
        distance = {key: _edit_distance(typed, key) for key in close}
        best = min(distance.values())
        out: list[tuple[str, str]] = []
        for key in sorted(close, key=lambda k: distance[k]):
            if distance[key] > best:
                break
            for hit in self.keys[key]:
                pair = (self.labels[hit], hit[1])
                if hit[0] in kinds and pair not in out:
                    out.append(pair)
        return out[:n]

    def complete(self, text: str, *, n: int = 10) -> list[tuple[str, str, str]]:
        """Up to n (label, kind, id) for names that start with ``text`` (folded), then the closest
        names to it: what an autocomplete box offers."""
        typed = fold(text)
        if not typed:
            return []
        out: list[tuple[str, str, str]] = []
        for key in sorted(k for k in self.keys if k.startswith(typed)):
            for hit in self.keys[key]:
                item = (self.labels[hit], hit[0], hit[1])
                if item not in out:
                    out.append(item)
        if len(out) < n:
            for label, ident in self.suggest(text, n=n):
                kind = "node" if ("node", ident) in self.labels else "group"
                if (label, kind, ident) not in out:
                    out.append((label, kind, ident))
        return out[:n]


def link_lines(network: Network) -> dict[str, np.ndarray]:
    """Each link's line on the map as an array of (lon, lat), through its shape points when it has them."""
    pos = {
        nid: (lon, lat)
        for nid, lon, lat in zip(network.nodes["id"], network.nodes["lon"], network.nodes["lat"], strict=True)
    }
    lines = {}
    for lid, a, b, shape in zip(
        network.links["id"], network.links["from"], network.links["to"], network.links["shape"], strict=True
    ):
        inner = [tuple(float(v) for v in point.split()) for point in shape]
        lines[lid] = np.array([pos[a], *inner, pos[b]])
    return lines


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def build_name_index(nodes: pd.DataFrame, groups: pd.DataFrame) -> NameIndex:
    """Index node ids, names, Russian names and aliases, and group ids and names.

    When one key fits several nodes, the strongest kind of match wins (id, then name, then
    alias, then a name without its parenthesis); a tie stays ambiguous.
    """
    ranked: dict[str, dict[tuple[str, str], int]] = {}
    labels: dict[tuple[str, str], str] = {}

    def add(text: str, hit: tuple[str, str], rank: int) -> None:
        key = fold(text)
        if key:
            current = ranked.setdefault(key, {})
            current[hit] = min(rank, current.get(hit, rank))

    for node in records(nodes):
        hit = ("node", str(node.id))
        labels[hit] = str(node.name)
        add(node.id, hit, 0)
        add(node.name, hit, 1)
        if node.name_ru:
            add(node.name_ru, hit, 1)
        for alias in node.aliases:
            add(alias, hit, 2)
        for text in (node.name, node.name_ru):
            if text and "(" in text:
                add(_PARENTHESES.sub("", text), hit, 3)
    for group in records(groups):
        hit = ("group", str(group.id))
        labels[hit] = str(group.name)
        add(group.id, hit, 0)
        add(group.name, hit, 1)
        name_ru = str(getattr(group, "name_ru", "") or "")
        if name_ru:
            add(name_ru, hit, 1)
        for alias in getattr(group, "aliases", ()) or ():
            add(alias, hit, 2)
        for text in (str(group.name), name_ru):
            if text and "(" in text:
                add(_PARENTHESES.sub("", text), hit, 3)
    keys: dict[str, tuple[tuple[str, str], ...]] = {}
    for key, hits in ranked.items():
        best = min(hits.values())
        keys[key] = tuple(sorted(h for h, r in hits.items() if r == best))
    return NameIndex(keys=keys, labels=labels)


def group_members(network: Network, group: str) -> tuple[list[str], list[str]]:
    """Node and link ids of a group, nested groups flattened (worked out once per network)."""
    nodes, links = network.kept(("group_members", group), lambda: _group_members(network, group))
    return list(nodes), list(links)


def _group_members(network: Network, group: str) -> tuple[list[str], list[str]]:
    members = dict(zip(network.groups["id"], network.groups["members"], strict=True))
    node_ids = set(network.nodes["id"])
    nodes: list[str] = []
    links: list[str] = []
    stack, seen = [group], set()
    while stack:
        g = stack.pop()
        if g in seen:
            continue
        seen.add(g)
        for item in members[g]:
            if item in members:
                stack.append(item)
            elif item in node_ids:
                nodes.append(item)
            else:
                links.append(item)
    return nodes, links


def place_nodes(network: Network, kind: str, ident: str) -> tuple[str, ...]:
    """The nodes a place stands for: itself, or a group's nodes and the ends of its links."""
    if kind == "node":
        return (ident,)
    nodes, links = group_members(network, ident)
    ends = network.links.set_index("id").loc[links, ["from", "to"]].to_numpy().ravel().tolist() if links else []
    return tuple(dict.fromkeys([*nodes, *ends]))
