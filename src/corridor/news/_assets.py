"""Link the places and assets an article names to node, link and group ids of the network.

The table of names is built from the network itself (ids aside: each node's and group's name,
Russian name, aliases, and a name without its parenthesis), so a node added to the dataset is
found in the news without a code change. A name matches when each of its words matches a word
of the text by one of its forms (lemmas for Russian: «Каспийского трубопроводного
консорциума» is «Каспийский трубопроводный консорциум»), words standing next to each other.
Single capitalised words the table lacks are compared with rapidfuzz ('Kurik' is 'Kuryk').
Two places joined by a dash ('Brest–Malaszewicze') are the link between them, when one exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corridor.network import Network, records
from corridor.news._text import Token, fold, words

__all__ = ["AssetIndex", "Mention", "build_asset_index", "entity_mentions", "find_mentions"]

# how strongly a mention stands for the thing an action is about (lower is stronger)
_KIND_RANK = {"group": 1, "link": 1}
_WEAK_NODE_KINDS = {"junction", "city"}
_GAP = re.compile(r"[\s\-‐‑–—'’«»\"„“”]*")
_DASH = re.compile(r"\s*[-‐‑–—]\s*")
_BETWEEN = re.compile(
    r"(?:\bbetween|\bfrom|(?<![а-яё])между|(?<![а-яё])из)\s+(?:the\s+)?(?:port\s+of\s+)?$", re.IGNORECASE
)
_AND = re.compile(r"\s+(?:and|to|и|в|до|на)\s+(?:the\s+)?", re.IGNORECASE)
# 'ВПУ-2', 'SPM 3', 'ВПУ № 1'; not the day of 'КТК 4 марта'
_UNIT_AFTER = re.compile(
    r"(?:\s*[-‐‑–]\s*|\s*(?:№|No\.?|#)\s*)(\d)\b"
    r"|\s+(\d)\b(?!\s*(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|jan|feb|mar|apr|may|jun|jul"
    r"|aug|sep|oct|nov|dec|day|дн|сут|час|hour|week|недел|month|месяц|тыс|млн|%|per|[.,]\d))",
    re.IGNORECASE,
)
_UNIT_BEFORE = re.compile(r"(?:№|No\.?|#)\s*(\d)\s*$")
_ORDINAL_BEFORE = re.compile(
    r"(?:\b(?P<en>first|second|third|fourth)|(?<![а-яё])(?P<ru>перв|втор|трет|четв[её]рт)\w*)\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "перв": 1,
    "втор": 2,
    "трет": 3,
    "четвёрт": 4,
    "четверт": 4,
}
_LOCATIVE = re.compile(
    r"(?:\bnear|\boff|\boutside|\bclose to|\bin the area of|\bв районе|\bпод|\bблиз|\bвблизи|\bнедалеко от|\bрядом с"
    r"|(?<![а-яё])(?:суд|court)\w*\s+(?:в|во|in)|(?<![а-яё])суд\w*\s+(?:[А-ЯЁ]\w+\s+)?|\bcourt\s+(?:of|in)\s+"
    r"|\bу берегов)\s*$",
    re.IGNORECASE,
)
_INFRA_EN = re.compile(
    r"\b(?:port|railway|railways|pipeline|terminal|canal|strait|border|crossing|station|line|bridge|tunnel|route)\b",
    re.IGNORECASE,
)
_INFRA_RU = frozenset(
    {"порт", "дорога", "трубопровод", "нефтепровод", "терминал", "канал", "пролив", "переход", "станция", "магистраль"}
)
_EN_ENTITY = re.compile(r"\b[A-Z][\w'’.-]*[\w](?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’-]*[\w])*")
_EN_PLACE_BEFORE = re.compile(r"\b(?:to|through|via|at|in|into|from|across|of|near|with)\s+(?:the\s+)?$", re.IGNORECASE)
_EN_NOT_ENTITY = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "the",
        "a",
        "an",
        "this",
        "that",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "on",
        "in",
        "at",
        "according",
        "however",
    ]
)


# Names the news uses that the network's tables do not carry: a station on a link the network
# models as a whole, the town across the border from a terminal, a border named by its two
# countries. Each is the place itself, not a guess: Terespol is the Polish station of the
# Brest-Malaszewicze crossing; Saryagash the Kazakh border station on the line to Tashkent.
_EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "malaszewicze": ("Terespol", "Тересполь"),
    "bx_brest_malaszewicze": (
        "border with Belarus",
        "Belarusian border",
        "Polish-Belarusian border",
        "Poland-Belarus border",
        "граница с Беларусью",
        "граница с Белоруссией",
        "граница Польши с Беларусью",
        "граница Польши с Белоруссией",
        "польско-белорусская граница",
        "белорусско-польская граница",
        "белорусско-польский переход",
    ),
    "kz_shu_tashkent": ("Saryagash", "Сарыагаш"),
    "cpc_marine_terminal": ("Yuzhnaya Ozereevka", "Южная Озереевка", "Южной Озереевке"),
    # the network's Russian names put these in brackets ('Новороссийск (Шесхарис)'), which no article writes
    "novorossiysk_port": ("Шесхарис",),
    "bosphorus": ("Strait of Istanbul", "Istanbul Strait", "Стамбульский пролив"),
    "dardanelles": ("Canakkale Strait", "Çanakkale Strait", "Strait of Canakkale"),
    "baku_alat_port": ("порт Алят", "Алят", "Бакинский порт", "Бакинский морской порт"),
}
# a name such as 'Dardanelles strait' or 'Dostyk station' is also written without its last word
_TYPE_WORDS = frozenset({"strait", "port", "station", "canal", "field", "terminal", "terminals", "pass"})


@dataclass(frozen=True)
class Mention:
    """A name in the article and what it stands for (``id`` None: a place the network lacks).

    ``unit`` is the number written with a name of parallel units ('SPM-2', 'ВПУ № 3').
    """

    start: int
    stop: int
    kind: str | None
    id: str | None
    rank: int
    unit: int | None = None

    def quote(self, text: str) -> str:
        return text[self.start : self.stop]


@dataclass(frozen=True)
class _Name:
    forms: tuple[frozenset[str], ...]
    hit: tuple[str, str]
    rank: int
    caps: bool  # a short abbreviation: matches written in capitals only


@dataclass(frozen=True)
class AssetIndex:
    """Names of the network's nodes and groups by the forms of their first word."""

    by_first: dict[str, tuple[_Name, ...]]
    single: dict[str, tuple[str, str]]  # one-word names of 5+ letters, for fuzzy matching
    node_kind: dict[str, str]
    links_between: dict[frozenset[str], str]
    group_size: dict[str, int]
    within: dict[str, frozenset[str]] = field(default_factory=dict)  # group -> ids inside it (ends of its links too)
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> its member ids, in order
    siblings: dict[str, frozenset[str]] = field(default_factory=dict)  # node -> nodes of the same place

    def rank_of(self, hit: tuple[str, str]) -> int:
        kind, ident = hit
        if kind == "node":
            return 3 if self.node_kind.get(ident) in _WEAK_NODE_KINDS else 1
        return _KIND_RANK.get(kind, 1)


def build_asset_index(network: Network) -> AssetIndex:
    """The name table of a network: every node's and group's names, Russian names and aliases.

    Examples
    --------
    >>> index = build_asset_index(load_network())
    >>> index.group_size["cpc_moorings"]
    3
    """
    names: list[_Name] = []
    parenthesis = re.compile(r"\s*\(([^)]*)\)")

    def add(text: str, hit: tuple[str, str], rank: int) -> None:
        tokens = words(text)
        if tokens:
            short = len(tokens) == 1 and len(tokens[0].text) <= 3
            names.append(_Name(tuple(t.forms for t in tokens), hit, rank, short and tokens[0].text.isupper()))

    def add_all(hit: tuple[str, str], texts: Iterable[str], aliases: Iterable[str]) -> None:
        for text in texts:
            if not text:
                continue
            add(text, hit, 0)
            if "(" in text:  # 'Актау (морской порт)' is 'Актау'; what the parenthesis holds is too loose a name
                add(parenthesis.sub("", text), hit, 1)
        for alias in aliases:
            add(alias, hit, 1)

    for node in records(network.nodes):
        add_all(("node", str(node.id)), (str(node.name), str(node.name_ru)), node.aliases)
        head, _, last = str(node.name).rpartition(" ")
        if last.lower() in _TYPE_WORDS and " " not in head and len(head) >= 5 and head[:1].isupper():
            add(head, ("node", str(node.id)), 1)
    kinds = {str(n): "node" for n in network.nodes["id"]} | {str(g): "group" for g in network.groups["id"]}
    kinds |= {str(k): "link" for k in network.links["id"]}
    for ident, extra in _EXTRA_NAMES.items():
        if ident in kinds:
            for alias in extra:
                add(alias, (kinds[ident], ident), 1)
    for group in records(network.groups):
        aliases = getattr(group, "aliases", ()) or ()
        add_all(("group", str(group.id)), (str(group.name), str(getattr(group, "name_ru", "") or "")), aliases)
    by_first: dict[str, list[_Name]] = {}
    single: dict[str, tuple[str, str]] = {}
    for name in names:
        for form in name.forms[0]:
            by_first.setdefault(form, []).append(name)
        if len(name.forms) == 1:
            for form in name.forms[0]:
                if len(form) >= 5:
                    single.setdefault(form, name.hit)
    links_between = {
        frozenset((str(a), str(b))): str(i)
        for i, a, b in zip(network.links["id"], network.links["from"], network.links["to"], strict=True)
        if a != b
    }
    return AssetIndex(
        by_first={k: tuple(v) for k, v in by_first.items()},
        single=single,
        node_kind=dict(zip(network.nodes["id"].astype(str), network.nodes["kind"].astype(str), strict=True)),
        links_between=links_between,
        group_size={str(g): len(m) for g, m in zip(network.groups["id"], network.groups["members"], strict=True)},
        within=_within(network),
        members={
            str(g): tuple(str(x) for x in m)
            for g, m in zip(network.groups["id"], network.groups["members"], strict=True)
        },
        siblings=_siblings(network),
    )


def _siblings(network: Network) -> dict[str, frozenset[str]]:
    """Nodes of one place ('batumi_port', 'batumi_rail'): ids that share the part before '_'."""
    by_place: dict[str, set[str]] = {}
    for ident in network.nodes["id"].astype(str):
        by_place.setdefault(ident.split("_")[0], set()).add(ident)
    return {i: frozenset(p) for p in by_place.values() for i in p}


def _within(network: Network) -> dict[str, frozenset[str]]:
    """Per group, every node, link and group inside it, with the ends of its links."""
    from corridor.network import group_members

    ends = dict(zip(network.links["id"], zip(network.links["from"], network.links["to"], strict=True), strict=True))
    members = dict(zip(network.groups["id"], network.groups["members"], strict=True))
    out = {}
    for gid in network.groups["id"]:
        nodes, links = group_members(network, str(gid))
        nested = {str(m) for m in members[gid] if m in members}
        out[str(gid)] = frozenset({*nodes, *links, *nested, *(n for lk in links for n in ends[lk])})
    return out


def find_mentions(text: str, index: AssetIndex, tokens: Sequence[Token] | None = None) -> list[Mention]:
    """Every name of the network in ``text``, longest first where names overlap, in text order.

    Examples
    --------
    >>> index = build_asset_index(load_network())
    >>> text = "Суд приостановил работу Каспийского трубопроводного консорциума и ВПУ-2"
    >>> [(text[m.start:m.stop], m.id, m.unit) for m in find_mentions(text, index)]
    [('Каспийского трубопроводного консорциума', 'cpc', None), ('ВПУ', 'cpc_moorings', 2)]
    """
    tokens = list(tokens if tokens is not None else words(text))
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        best: tuple[int, _Name] | None = None
        for form in tokens[i].forms:
            for name in index.by_first.get(form, ()):
                n = len(name.forms)
                if best is not None and n < best[0]:
                    continue
                if _matches(text, tokens, i, name):
                    rank = name.rank
                    if best is None or n > best[0] or (rank, name.hit) < (best[1].rank, best[1].hit):
                        best = (n, name)
        if best is not None:
            n, name = best
            start, stop = tokens[i].start, tokens[i + n - 1].stop
            found.append(_mention(text, index, start, stop, name.hit, name.rank))
            i += n
            continue
        fuzzy = _fuzzy(tokens[i], index)
        if fuzzy is not None:
            found.append(_mention(text, index, tokens[i].start, tokens[i].stop, fuzzy, 2))
        i += 1
    return [m for m in _join_pairs(text, index, found) if not _political(text, index, m)]


_TRANSPORT = re.compile(
    r"\b(?:port|railway|rail|train|trains|freight|cargo|containers?|pipeline|terminal|station|junction|line|border"
    r"|crossing|route|via|through|transit|wagons?)\b"
    r"|(?<![а-яё])(?:станци|вокзал|узл|узел|порт|терминал|железн|магистрал|перегон|переход|маршрут|поезд|контейнер"
    r"|груз|вагон|транзит|через)\w*",
    re.IGNORECASE,
)


def _political(text: str, index: AssetIndex, m: Mention) -> bool:
    """'Kazakhstan drifts away from Moscow': a city or junction named with no word of transport
    around it is the place (or its government), not the network's rail node."""
    if m.kind != "node" or index.node_kind.get(str(m.id)) not in _WEAK_NODE_KINDS:
        return False
    return _TRANSPORT.search(text, max(0, m.start - 50), min(len(text), m.stop + 50)) is None


def _matches(text: str, tokens: Sequence[Token], i: int, name: _Name) -> bool:
    n = len(name.forms)
    if i + n > len(tokens):
        return False
    for k, forms in enumerate(name.forms):
        token = tokens[i + k]
        if not forms & token.forms:
            return False
        if k and not _GAP.fullmatch(text, tokens[i + k - 1].stop, token.start):
            return False
    if name.caps and not tokens[i].text.isupper():
        return False
    return not (n == 1 and len(tokens[i].text) <= 3 and not tokens[i].text[:1].isupper())


# words a misspelt place name is never: 'Sunday' is one letter from the Sunda Strait
_CALENDAR = re.compile(
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|june|july|august|september|october"
    r"|november|december|понедельник\w*|вторник\w*|сред[аыу]|четверг\w*|пятниц\w*|суббот\w*|воскресень\w*",
    re.IGNORECASE,
)


def _fuzzy(token: Token, index: AssetIndex) -> tuple[str, str] | None:
    if not token.capitalized or len(token.text) < 5 or not index.single or _CALENDAR.fullmatch(token.text):
        return None
    from rapidfuzz import fuzz, process

    best = process.extractOne(fold(token.text), list(index.single), scorer=fuzz.ratio, score_cutoff=88)
    return None if best is None else index.single[best[0]]


def _mention(text: str, index: AssetIndex, start: int, stop: int, hit: tuple[str, str], rank: int) -> Mention:
    rank += index.rank_of(hit)
    if _LOCATIVE.search(text, max(0, start - 24), start):
        rank += 2  # 'the terminal near Novorossiysk': a place that locates something else
    unit = None
    if hit[0] == "group" and index.group_size.get(hit[1], 0) <= 4:  # numbered units: moorings, ferries
        after = _UNIT_AFTER.match(text, stop)
        before = _UNIT_BEFORE.search(text, max(0, start - 8), start)
        ordinal = _ORDINAL_BEFORE.search(text, max(0, start - 40), start)
        if after is not None:
            unit = int(after.group(1) or after.group(2))
        elif before is not None:
            unit = int(before.group(1))
        elif ordinal is not None:
            unit = _ORDINALS[(ordinal.group("en") or ordinal.group("ru")).lower()]
        if unit is not None and not 1 <= unit <= index.group_size[hit[1]]:
            unit = None
    return Mention(start, stop, hit[0], hit[1], rank, unit)


def _join_pairs(text: str, index: AssetIndex, found: list[Mention]) -> list[Mention]:
    """'Brest–Malaszewicze', 'Достык – Алашанькоу': two nodes joined by a dash are the link between them."""
    out: list[Mention] = []
    i = 0
    while i < len(found):
        a = found[i]
        if i + 1 < len(found) and a.kind == "node" and found[i + 1].kind == "node":
            b = found[i + 1]
            link = next(
                (
                    index.links_between[pair]
                    for x in index.siblings.get(str(a.id), frozenset({str(a.id)}))
                    for y in index.siblings.get(str(b.id), frozenset({str(b.id)}))
                    if (pair := frozenset((x, y))) in index.links_between
                ),
                None,
            )
            between = _BETWEEN.search(text, max(0, a.start - 12), a.start) and _AND.fullmatch(text, a.stop, b.start)
            if link is not None and (_DASH.fullmatch(text, a.stop, b.start) or between):
                out.append(Mention(a.start, b.stop, "link", link, 0))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def entity_mentions(text: str, start: int, stop: int, language: str, linked: Sequence[Mention]) -> list[Mention]:
    """Places and infrastructure named in ``text[start:stop]`` that the network lacks (``id`` None).

    English: capitalised words after 'to', 'through', 'via', 'at', ... or with a word such as
    'port', 'railway', 'pipeline'. Russian: natasha's LOC entities, and ORG ones with such a word.

    Examples
    --------
    >>> t = "Lithuania banned the transit of goods to Kaliningrad."
    >>> [t[m.start:m.stop] for m in entity_mentions(t, 0, len(t), "en", [])]
    ['Kaliningrad']
    """
    taken = [(m.start, m.stop) for m in linked]
    spans = _ru_entities(text, start, stop) if language == "ru" else _en_entities(text, start, stop)
    return [Mention(a, b, None, None, 4) for a, b in spans if not any(a < y and x < b for x, y in taken)]


def _en_entities(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    out = []
    for m in _EN_ENTITY.finditer(text, start, stop):
        phrase = m.group()
        if fold(phrase.split()[0]) in _EN_NOT_ENTITY:
            continue
        if _INFRA_EN.search(phrase) or _EN_PLACE_BEFORE.search(text, max(start, m.start() - 20), m.start()):
            out.append((m.start(), m.end()))
    return out


def _ru_entities(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    from corridor.news._ner import russian_entities

    out = []
    for kind, a, b in russian_entities(text[start:stop]):
        if kind == "LOC" or (kind == "ORG" and any(t.forms & _INFRA_RU for t in words(text, start + a, start + b))):
            out.append((start + a, start + b))
    return out
