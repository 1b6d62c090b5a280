"""The size of an event: how many units of a group it takes out ('SPM-1 and SPM-2', 'two of three
moorings'), a share the text states ('by 20%', 'a third of normal capacity'), 1 for a closure, and
a tariff's or a capacity's relative change, negative when it falls ('cut fees by 15 per cent')."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from corridor.news._assets import AssetIndex, Mention
from corridor.news._candidates import Candidate
from corridor.news._rules import ActionCue, find_fractions, in_aside, unit_count
from corridor.news._where import _MOORINGS, _ONE_MOORING, _PARTS, _member

__all__ = ["size_event"]

_ONLY_BEFORE = re.compile(
    r"(?:\b(?:only|just|solely)|(?<![а-яё])(?:только|лишь|исключительно))\s+(?:via\s+|through\s+|the\s+|через\s+)?$",
    re.IGNORECASE,
)
# a tariff that falls: 'cut fees', 'lower tolls', 'a discount on dues', 'снизить тарифы', 'скидка на проход'
_DOWN = re.compile(
    r"\b(?:cut|lower|reduc|decreas|fall|fell|drop|discount|rebate)|(?<![а-яё])(?:сни[зж]|сократ|сокращ|уменьш|скидк)",
    re.IGNORECASE,
)


def size_event(
    text: str,
    candidate: Candidate,
    cue: ActionCue,
    clause: tuple[int, int],
    in_clause: Sequence[Mention],
    index: AssetIndex,
) -> None:
    """The share: units of a group ('SPM-1 and SPM-2', 'two of three moorings'), a stated share, or 1 for a closure."""
    c0, c1 = clause
    mention = candidate.mention
    assert mention is not None
    parts = _PARTS.get(str(mention.id))
    if parts is not None and candidate.action in ("close", "derate") and _MOORINGS.search(text, c0, c1):
        count = unit_count(text, c0, c1)  # 'the CPC halted two of its three moorings': the moorings, by 2/3
        if count is not None and count[1] == index.group_size.get(parts):
            candidate.mention = mention = replace(mention, kind="group", id=parts)
        elif count is None and _ONE_MOORING.search(text, c0, c1):  # 'вывели из строя причальное устройство'
            candidate.mention = replace(mention, kind="group", id=parts)
            candidate.action, candidate.fraction = "derate", 1 / index.group_size[parts]
            candidate.evidence["fraction"] = text[slice(*_ONE_MOORING.search(text, c0, c1).span())]  # type: ignore[union-attr]
            return
    units = index.group_size.get(str(mention.id)) if mention.kind == "group" else None
    if units and candidate.action in ("close", "derate"):
        named = [m for m in in_clause if m.id == mention.id and m.unit is not None]
        only = {m.unit for m in named if _ONLY_BEFORE.search(text, max(c0, m.start - 16), m.start)}
        out = {m.unit for m in named} - only
        count = unit_count(text, c0, c1)
        k: int | None = None
        quote: str | None = None
        if out:
            k = len(out)
            quoted = [m for m in named if m.unit in out]
            quote = text[min(m.start for m in quoted) : max(m.stop for m in quoted)]
        elif only:
            k = units - len(only)
            quoted = [m for m in named if m.unit in only]
            quote = text[max(c0, min(m.start for m in quoted) - 12) : max(m.stop for m in quoted)].lstrip()
        elif count is not None and count[1] == units:  # 'only one of three moorings' loading: the other two are out
            k, quote = count[0], text[count[2] : count[3]]
            if re.match(r"(?:only|just)\b", text[cue.start : cue.stop], re.IGNORECASE):
                k = units - count[0]
        if k is not None and quote is not None:
            if k >= units:
                candidate.action, candidate.fraction = "close", 1.0
            elif k == 1 and len(out) == 1 and (member := _member(index, str(mention.id), next(iter(out)))):
                # 'SPM-2 was damaged': the closure of that mooring, one link of the group
                candidate.mention = replace(mention, kind="link", id=member, unit=None)
                candidate.action, candidate.fraction = "close", 1.0
            else:
                candidate.action, candidate.fraction = "derate", k / units
            candidate.evidence["fraction"] = quote
            return
    shares = [f for f in find_fractions(text, c0, c1) if not in_aside(text, c0, f.start, f.stop, cue)]
    if candidate.action in ("close", "derate") and shares:
        share = min(shares, key=lambda s: abs(s.start - cue.start))
        if share.fraction < 1:
            candidate.action = "derate"
        candidate.fraction = share.fraction
        candidate.evidence["fraction"] = text[share.start : share.stop]
    elif candidate.action in ("tariff_change", "capacity_increase"):
        pct = re.compile(
            r"(?:\bby\s+|(?<![а-яё])на\s+)?(?P<n>\d+(?:[.,]\d+)?)\s*(?:%|per\s*cent|percent|процент\w*)", re.IGNORECASE
        )
        m = min(pct.finditer(text, c0, c1), key=lambda m: abs(m.start() - cue.start), default=None)
        if m is not None:
            candidate.fraction = float(m.group("n").replace(",", ".")) / 100
            if candidate.action == "tariff_change" and _DOWN.search(text, cue.start, cue.stop):
                candidate.fraction = -candidate.fraction  # 'cut transit fees by 15 per cent': the fee falls
            candidate.evidence["fraction"] = m.group()
    elif candidate.action == "close":
        candidate.fraction = 1.0
        candidate.evidence["fraction"] = text[cue.start : cue.stop]
