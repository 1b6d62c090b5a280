"""Which asset an action is about, beyond the nearest name: the station a generic noun points
back to, the mooring named by number, the pipeline whose pumping a station's outage cuts, the
main line whose trains stop, the system a reroute leaves; and what the network does not carry
(an office, a road checkpoint, passenger trains)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from corridor.news._assets import AssetIndex, Mention
from corridor.news._rules import ActionCue

# what a generic noun in a clause with no name of its own points back to ('the station', 'терминал')
_REFERENT_NOUNS: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (
        re.compile(r"\b(?:station|pump(?:ing)? station)\b|(?<![а-яё])(?:станци\w*|нпс)(?![а-яё])", re.I),
        ("pipeline_station", "junction", "border_crossing"),  # a pumping station, a rail station
    ),
    (re.compile(r"\bterminal\b|(?<![а-яё])терминал\w*", re.I), ("oil_terminal", "rail_terminal")),
    (re.compile(r"\b(?:port|harbou?r)\b|(?<![а-яё])порт\w*", re.I), ("port",)),
    (re.compile(r"\b(?:strait|straits)\b|(?<![а-яё])пролив\w*", re.I), ("waypoint",)),
    (re.compile(r"\bcanal\b|(?<![а-яё])канал\w*", re.I), ("waypoint",)),
    (re.compile(r"\b(?:field|oilfield)\b|(?<![а-яё])месторожден\w*", re.I), ("oil_field",)),
    (
        re.compile(r"\b(?:crossing|border)\b|(?<![а-яё])(?:переход\w*|границ\w*|стык\w*)", re.I),
        ("border_crossing", "link"),
    ),
]


def _referent(
    text: str, c0: int, at: int, seen: Sequence[Mention], index: AssetIndex, *, named_so: bool = False
) -> Mention | None:
    """'The station is out of service': the latest named asset of the kind the noun before the action
    names; with ``named_so``, only one named with that noun ('repairs at Moyynty station')."""
    if not seen:
        return None
    window = text[c0:at]
    for pattern, kinds in _REFERENT_NOUNS:
        if pattern.search(window):
            for m in reversed(seen):
                kind = m.kind if m.kind == "link" else index.node_kind.get(str(m.id), m.kind or "")
                if kind in kinds and (not named_so or pattern.search(text, max(0, m.start - 12), m.stop + 12)):
                    return m
    return None


_OFF_NETWORK = re.compile(
    r"\b(?:office|offices|headquarters|hotel|building|airport|refinery|plant|complex|road\s+(?:crossing|checkpoint)s?|checkpoints?"
    r"|(?:trade|business|shopping|cooperation)\s+(?:centre|center|zone)"
    r"|trucks?|lorr(?:y|ies)|passenger\s+(?:trains?|services?|traffic))\b"
    r"|(?<![а-яё])(?:офис\w*|здани\w*|гостиниц\w*|аэропорт\w*|нпз|завод\w*|комплекс\w*(?!\s+(?:[\w-]+\s+){0,2}(?:работ|мер|ремонт|услуг|мероприят))|автомобильн\w*|кпп|грузовик\w*|фур\w*"
    r"|пассажирск\w*|пригородн\w*|электрич\w*|центр\w*\s+(?:при)?граничного|мцпс)(?![а-яё])",
    re.IGNORECASE,
)

_FREIGHT = re.compile(
    r"\b(?:freight|cargo|goods|containers?|wagons?|oil|crude|tankers?|rail(?:way)?\s+crossings?|railway)\b"
    r"|(?<![а-яё])(?:грузов(?!ик)\w*|груз\b|грузы|товарн\w*|контейнер\w*|вагон\w*|нефт\w*|танкер\w*|железнодорожн\w*\s+(?:переход|пункт)\w*)",
    re.IGNORECASE,
)


def _off_network(text: str, c0: int, c1: int) -> bool:
    """The clause is about something the network does not carry: an office, a road checkpoint,
    passenger trains; unless it also names freight, cargo or a rail crossing."""
    off = _OFF_NETWORK.search(text, c0, c1)
    return off is not None and _FREIGHT.search(text, c0, c1) is None


_PASSENGER = re.compile(r"\bpassenger\w*|(?<![а-яё])(?:пассажирск|пригородн)\w*", re.IGNORECASE)


def _passenger_only(text: str, s0: int, s1: int) -> bool:
    """A sentence about passenger trains that says nothing of freight."""
    return _PASSENGER.search(text, s0, s1) is not None and _FREIGHT.search(text, s0, s1) is None


_ORDER = re.compile(
    r"\b(?:order|ruling|suspension|ban|decision|injunction)\b|(?<![а-яё])(?:постановлени|решени|запрет|приостановлени)\w*",
    re.IGNORECASE,
)

_CANCEL_WORD = re.compile(
    r"\b(?:overturn|revers|cancel|annul|rescind|quash|revok|set\s+aside)\w*|(?<![а-яё])(?:отмен|аннулир)\w*",
    re.IGNORECASE,
)

_PUMPING = re.compile(
    r"\b(?:pump\w*|flows?|throughput)\b|(?<![а-яё])(?:прокач\w*|перекач\w*|прокачк\w*)", re.IGNORECASE
)

_RAIL_TRAFFIC = re.compile(
    r"\b(?:rail(?:way)?\s+(?:traffic|services?|links?|connection)|trains?|train\s+traffic)\b"
    r"|\b(?:railway|rail\s+line|main\s+line|tracks?)\b"
    r"|(?<![а-яё])(?:железнодорожн\w*\s+(?:сообщени|движени)\w*|движени\w*\s+поезд\w*|поезд\w*|состав\w*|магистрал\w*|путь|пути|железн\w*\s+дорог\w*)",
    re.IGNORECASE,
)


_RAIL_SERVICES = re.compile(
    r"\b(?:railway|rail(?:way)?\s+(?:traffic|services?)|trains?)\b|(?<![а-яё])(?:железн\w*\s+дорог\w*|поезд\w*)",
    re.IGNORECASE,
)
_VESSEL_REACH = 300  # characters before the sentence: the paragraph that names the vessel 'the ship' stands for
_FERRY = re.compile(r"\b(?:ferry|ferries|ro-?pax|ro-?ro)\b|(?<![а-яё])паром\w*", re.IGNORECASE)
_PORT_WORD = re.compile(r"\b(?:port|harbou?r|terminal)\b|(?<![а-яё])(?:порт\w*|терминал\w*)", re.IGNORECASE)


def _whole_or_part(
    text: str,
    cue: ActionCue,
    clause: tuple[int, int],
    mention: Mention,
    index: AssetIndex,
    sentence: tuple[int, int] | None = None,
) -> Mention:
    """Move a mention to what the action is about: the mooring a reopening names by number, the
    pipeline whose pumping a station's outage cuts, the main line whose trains stop between two cities."""
    if mention.id is None:
        return mention
    ident = str(mention.id)
    if mention.kind == "group" and mention.unit is not None and cue.action == "reopen":
        member = _member(index, ident, mention.unit)
        if member is not None:
            return replace(mention, kind="link", id=member, unit=None)
    kind = index.node_kind.get(ident) if mention.kind == "node" else None
    if kind == "pipeline_station" and cue.action == "derate" and _PUMPING.search(text, clause[0], clause[1]):
        whole = _smallest_group(index, ident)
        if whole is not None:
            return replace(mention, kind="group", id=whole)
    start = (sentence or clause)[0]
    if (
        kind == "port"
        and cue.action == "capacity_increase"
        and _FERRY.search(text, max(0, start - _VESSEL_REACH), cue.stop)
    ):
        # 'The new ferry set off. The ship's first trip is to Kuryk': the ferry service gains, not the port
        ferries = [g for g, inside in index.within.items() if "ferr" in g and ident in inside]
        if ferries:
            return replace(mention, kind="group", id=min(ferries, key=lambda g: len(index.within[g])))
    rail_port = (
        kind == "port"
        and sentence is not None
        and _RAIL_SERVICES.search(text, *sentence) is not None
        and _PORT_WORD.search(text, max(0, mention.start - 30), mention.stop + 12) is None
    )  # 'services between Tbilisi and Batumi ... forced it to suspend operations': the town's line, not its port
    if (kind in ("junction", "city") and _RAIL_TRAFFIC.search(text, clause[0], clause[1])) or rail_port:
        line = min(
            (
                g
                for g, inside in index.within.items()
                if "main_line" in g
                and (ident in inside or (rail_port and index.siblings.get(ident, frozenset()) & inside))
            ),
            key=lambda g: len(index.within[g]),
            default=None,
        )
        if line is not None:
            return replace(mention, kind="group", id=line)
    return mention


def _smallest_group(index: AssetIndex, ident: str) -> str | None:
    groups = [g for g, inside in index.within.items() if ident in inside and g != ident]
    return min(groups, key=lambda g: len(index.within[g]), default=None)


def _largest_group(index: AssetIndex, ident: str) -> str | None:
    """The system a part belongs to, among groups that are not lists of world routes or markets."""
    own = index.within.get(ident)
    groups = [
        g for g, inside in index.within.items()
        if (ident in inside or g == ident or (own is not None and own <= inside))
        and g not in ("asia_europe_sea", "crude_markets", "middle_corridor", "northern_rail")
    ]  # fmt: skip
    return max(groups, key=lambda g: len(index.within[g]), default=None)


_ATTACK_BEFORE = re.compile(
    r"\b(?:attacks?|strikes?|damage)\s+on\s+(?:the\s+)?(?:\w+\s+){0,3}$|(?<![а-яё])(?:атак\w*|удар\w*)\s+на\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)

_FROM_BEFORE = re.compile(
    r"(?:\b(?:from|away\s+from|out\s+of)|(?<![а-яё])(?:из|от|с|со))\s+(?:the\s+)?"
    r"(?:(?!(?:to|via|through|into|onto|на|в|через|по)\s)\w+\s+){0,2}$",  # not past a 'to': 'с Достыка на Алтынколь'
    re.IGNORECASE,
)


# where a rerouted flow goes ('на российский маршрут КТК', 'to the BTC pipeline') and where it went before
# ('экспорт, который шёл по трубопроводу БТД', 'exports that went through the CPC')
_TO_BEFORE = re.compile(
    r"(?:\b(?:to|onto|into|towards)|(?<![а-яё])(?:на|в))\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?$", re.IGNORECASE
)
_WENT_BEFORE = re.compile(
    r"(?:\b(?:which|that)\s+(?:went|ran|flowed|was\s+shipped|were\s+shipped)\s+(?:through|via|along)"
    r"|(?<![а-яё])(?:ш[её]л|шла|шли|шедш\w*|идущ\w*|поставлял\w*|транспортировал\w*)\s+(?:по|через))"
    r"\s+(?:[\w-]+\s+){0,2}?$",
    re.IGNORECASE,
)


def other_end(
    text: str, action: str, mention: Mention, after: int, sentence: tuple[int, int], mentions: Sequence[Mention]
) -> tuple[str, Mention] | None:
    """The other end of a reroute told in one sentence: 'перенаправить экспорт, который шёл по БТД, на
    маршрут КТК' is away from the BTC and onto the CPC, two events; (its action, its mention) or None."""
    if action not in ("reroute_in", "reroute_out") or mention.id is None:
        return None
    s0 = sentence[0]
    for m in mentions:
        if m.id is None or m.id == mention.id or m.start < after:
            continue
        window = (max(s0, m.start - 40), m.start)
        if action == "reroute_out" and _TO_BEFORE.search(text, *window) and not _WENT_BEFORE.search(text, *window):
            return "reroute_in", m
        if action == "reroute_in" and (_FROM_BEFORE.search(text, *window) or _WENT_BEFORE.search(text, *window)):
            return "reroute_out", m
    return None


def _member(index: AssetIndex, group: str, unit: int | None) -> str | None:
    """The member link numbered ``unit`` ('cpc_moorings', 2 -> 'cpc_spm2')."""
    if unit is None:
        return None
    return next((m for m in index.members.get(group, ()) if m.endswith(str(unit))), None)


# a measure on part of what an asset carries: one carrier's ships, one country's shippers, one
# cargo, a daily quota; the event keeps it as its scope instead of a closure of the whole asset
_SCOPES: list[tuple[str, re.Pattern[str]]] = [
    (
        "quota",
        re.compile(
            r"\b(?:up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|only|to)\s+(?:\w+\s+){0,2}?(?:trains?|wagons?|railcars?|trucks?\s+)?(?:a|per)\s+day\b"
            r"|(?<![а-яё])(?:до|не\s+более|не\s+больше|только)\s+(?:\w+\s+){0,2}?(?:поезд\w*|состав\w*|вагон\w*)\s+в\s+сутки",
            re.I,
        ),
    ),
    (
        "shippers",
        re.compile(
            r"\b(?:shippers|consignors|exporters|trucks|vehicles|goods|cargo(?:es)?)\s+(?:from|of|registered\s+in)\s+(?:[A-Z][\w-]+(?:,\s+|\s+and\s+)?){1,6}"
            r"|\b(?:Belarusian|Russian|Kazakh|Chinese|Uzbek|Central\s+Asian)\s+(?:and\s+\w+\s+)?(?:shippers|trucks|vehicles|goods|cargo)\b"
            r"|(?<![а-яё])(?:грузоотправител\w*|отправител\w*|перевозчик\w*|фур\w*)\s+из\s+(?:[А-ЯЁ][\w-]+(?:,\s+|\s+и\s+)?){1,6}"
            r"|(?<![а-яё])(?:из|в)\s+стран\w*\s+Центральной\s+Азии"
        ),
    ),
    (
        "cargo",
        re.compile(
            r"\b(?:grain|coal|oil\s+products|fertili[sz]ers?|export\s+ferry)\b"
            r"|(?<![а-яё])(?:зерн\w*|угл[яеь]\w*|нефтепродукт\w*|удобрени\w*|экспортн\w*\s+паром\w*)",
            re.I,
        ),
    ),
    ("carrier", re.compile(r"\b(?:Maersk|MSC|Hapag-Lloyd|CMA\s+CGM|COSCO|Evergreen|ONE|ZIM|OOCL)\b")),
    (  # one class of ships: 'closed to large tankers', 'для судов длиной более 200 метров'
        "vessels",
        re.compile(
            r"\b(?:large|larger|big|deep-draught|deep-draft|laden|loaded)\s+(?:oil\s+|crude\s+)?(?:tankers|vessels|ships|carriers)\b"
            r"|\b(?:vessels|ships|tankers)\s+(?:longer|larger|wider|deeper|over|of\s+more)\s+(?:than\s+)?\d+"
            r"|(?<![а-яё])(?:крупн|больш|крупнотоннажн|гружен)\w*\s+(?:нефтеналивн\w*\s+)?(?:танкер|суд[аон]|судов)\w*"
            r"|(?<![а-яё])(?:суд\w*|танкер\w*)\s+длиной\s+(?:более|свыше|от|больше)",
            re.I,
        ),
    ),
]


def scope_of(text: str, clause: tuple[int, int], sentence: tuple[int, int]) -> tuple[str, str] | None:
    """(kind, words) of a partial scope in the clause (or, but for a cargo, its sentence)."""
    for kind, pattern in _SCOPES:
        m = pattern.search(text, *clause) or (
            pattern.search(text, *sentence) if kind not in ("cargo", "vessels") else None
        )
        if m is not None:
            return kind, text[m.start() : m.end()].strip(" ,")
    return None


_CARGO_FLOW = re.compile(
    r"\b(?:exports?|imports?|loading|acceptance|dispatch)\b|(?<![а-яё])(?:экспорт|импорт|ввоз|при[её]м|погрузк|отправк)\w*",
    re.IGNORECASE,
)


def at_border(index: AssetIndex, ident: str | None) -> bool:
    """A border crossing, or a link with one at an end (a rail border of the network)."""
    if ident is None:
        return False
    if index.node_kind.get(ident) == "border_crossing":
        return True
    return any(
        link == ident and any(index.node_kind.get(end) == "border_crossing" for end in ends)
        for ends, link in index.links_between.items()
    )


def refuses_cargo(text: str, clause: tuple[int, int]) -> bool:
    """'Exports from Khorgos are stopped', 'приостановлен прием грузов': one side refuses what
    the other sends, a ban on traffic rather than a closure of the crossing."""
    return _CARGO_FLOW.search(text, *clause) is not None


# what a railway dispatches to a port or a border: wagons, consignments, the carriage and clearance of cargo
_DISPATCH = re.compile(
    r"\b(?:wagons?|consignments?|carriage|freight\s+trains?|rail\s+shipments?)\b"
    r"|(?<![а-яё])(?:вагон\w*|(?:грузо)?перевозк\w*|оформлени\w*|переадрес\w*|отправк\w*)",
    re.IGNORECASE,
)


def bars_dispatch(text: str, clause: tuple[int, int]) -> bool:
    """'КТЖ продлила ограничения на экспортные перевозки грузов через порт Курык': a limit on what the
    railway carries to a port or a border, with no share, is a ban on that flow, not a lost share."""
    return _DISPATCH.search(text, *clause) is not None


# 'Moscow vows to resume supplies', 'Астана заявила': a capital or a company that speaks acts, it is not acted on
_ACTOR_AFTER = re.compile(
    r"\s*(?:\w+\s+)?(?:vows?|vowed|says|said|promis\w*|pledg\w*|warn\w*|insists?|denies|denied|claims?)\b"
    r"|\s*(?:\w+\s+)?(?:заяв\w*|пообещ\w*|обеща\w*|предупред\w*|настаива\w*|опроверг\w*)(?![а-яё])",
    re.IGNORECASE,
)


def speaks(text: str, mention: Mention) -> bool:
    """The mention is the subject of a verb of saying or promising: 'Moscow vows to resume'."""
    return _ACTOR_AFTER.match(text, mention.stop) is not None


def government(text: str, mention: Mention, index: AssetIndex) -> bool:
    """A city that speaks is its government ('Moscow vows to resume supplies'), never the asset acted on."""
    return index.node_kind.get(str(mention.id)) in ("junction", "city") and speaks(text, mention)


# an asset named for its parallel units: 'two of the CPC's three moorings' are two of cpc_moorings
_PARTS = {"cpc": "cpc_moorings", "cpc_marine_terminal": "cpc_moorings", "cpc_spm_area": "cpc_moorings"}
_MOORINGS = re.compile(
    r"\b(?:moorings?|mooring\s+points?|SPMs?)\b|(?<![а-яё])(?:ВПУ|причальн\w*\s+устройств\w*)(?![а-яё])", re.IGNORECASE
)
_ONE_MOORING = re.compile(  # one mooring, not numbered: a third of the moorings
    r"\bone\s+of\s+(?:its|the)\s+(?:[\w-]+\s+){0,2}?moorings\b|\b(?:a|one)\s+(?:single[- ]point\s+)?mooring(?:\s+point)?\b(?!s)"
    r"|(?<![а-яё])(?:одно\s+из\s+)?(?:выносное\s+)?причальное\s+устройство(?![а-яё])",
    re.IGNORECASE,
)
