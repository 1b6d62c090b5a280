"""Incidents: the events many articles report on one asset and action, merged.

An article's event joins an incident when it names the same asset or a part and its whole (a
mooring of the CPC's terminal and the CPC), the same class of action (an outage: a closure or a
derate; a transit ban; a tariff change; a capacity increase; a reroute) and falls within
:data:`WINDOW_DAYS` of the incident's days (a ban or a detour with no end told: within
:data:`HELD_WINDOW_DAYS` after its last report; a report that moves a lapsed stated end on extends
it; within :data:`PART_WINDOW_DAYS` of its start when it names a part or the whole of the
incident's asset rather than an asset already in it). A reopening, a restored service or a lifted
order is not an incident of its own: it ends the outage it follows (of several that fit, the one
its own article tells of, then an outage before a ban before a detour, then the one that names its
asset; never, named as the whole or a part, one its articles keep out past its day). The two sides
of a border crossing and the crossing are one asset. A background mention (history told by a later
article) never opens an incident and confirms one only when its article comes out while the
incident is news (a Bosphorus article recalling the Suez blockage two months later does not join
it); a conditional statement (what could happen) is left out.

The state an incident's articles give (start, end, share, status on a date) is read by
:mod:`corridor.news._incident_state`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from corridor.network import Network, place_nodes
from corridor.news._incident_state import (
    ACTION_CLASSES,
    REOPENINGS,
    ArticleEvent,
    Incident,
    IncidentState,
    action_class,
    incident_state,
)

__all__ = [
    "ACTION_CLASSES",
    "WINDOW_DAYS",
    "ArticleEvent",
    "Incident",
    "IncidentState",
    "PartOf",
    "action_class",
    "incident_state",
    "match_incident",
    "merge_events",
    "part_of",
]

WINDOW_DAYS = 10
"""How far (days) an event's date may lie outside an incident's known days and still join it:
a week of reports about one storm, plus the days an article takes to be written and published."""
HELD_WINDOW_DAYS = 30
"""A ban or a detour holds until it is lifted: a report of one this many days after the last
report of it (and no end told) tells the same one, where a strait's fog or a storm is news for
a week (:data:`WINDOW_DAYS`). A month: the Kazakh crude sent round the CPC was reported again
three weeks on."""
_HELD = frozenset({"ban", "reroute"})
PART_WINDOW_DAYS = 3
"""An event on a part of an incident's asset (or on its whole) joins it only when it starts within
this many days of the incident: one cause hits a station and its pipeline on the same day, while
a mooring's repair and a court order on the whole consortium a week apart are two incidents."""
LATE_REPORT_DAYS = 2
"""An outage report without a start published this many days after a reopening is a new outage
(a report of the old one comes out within a day or two of it)."""
UNSTARTED_DAYS = 60
"""A reopening ends an outage that started at most this long before it (two months: a 30-day
court order and its appeal fit; a repair months long is reported again before it ends)."""
_ENDED_BY_REOPENING = frozenset({"outage", "ban", "reroute"})  # a reopening, a lifted order, resumed transits


@dataclass(frozen=True)
class PartOf:
    """Which assets are parts of which: a group holds its nodes, its links' ends and its links;
    a border crossing and the stations on its two sides are one asset (``crossings``)."""

    parts: Mapping[str, frozenset[str]]
    crossings: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def related(self, a: str, b: str) -> bool:
        """The same asset, or one a part of the other (siblings are not related), or both sides
        of one border crossing (a closure reported from Brest, its reopening from Małaszewicze).

        Examples
        --------
        >>> rel = PartOf({"cpc": frozenset({"cpc_spm1", "cpc_marine_terminal"})},
        ...              {"brest": frozenset({"bx_brest_malaszewicze", "malaszewicze"})})
        >>> rel.related("cpc", "cpc_spm1"), rel.related("cpc_spm1", "cpc_marine_terminal")
        (True, False)
        >>> rel.related("brest", "malaszewicze"), rel.related("malaszewicze", "brest")
        (True, True)
        """
        return (
            a == b
            or a in self.parts.get(b, frozenset())
            or b in self.parts.get(a, frozenset())
            or b in self.crossings.get(a, frozenset())
            or a in self.crossings.get(b, frozenset())
        )


def part_of(network: Network) -> PartOf:
    """The part-whole relation of a network's groups (nested groups flattened) and its border
    crossings (a ``border`` link with the stations at its two ends)."""
    from corridor.network import group_members

    members = {
        str(g): [str(m) for m in ms] for g, ms in zip(network.groups["id"], network.groups["members"], strict=True)
    }

    def nested(group: str, seen: frozenset[str]) -> set[str]:
        inner = {m for m in members[group] if m in members and m not in seen}
        return inner.union(*(nested(g, seen | inner) for g in inner)) if inner else set()

    parts: dict[str, frozenset[str]] = {}
    for group in members:
        _, links = group_members(network, group)
        parts[group] = frozenset({*place_nodes(network, "group", group), *links, *nested(group, frozenset({group}))})
    crossings: dict[str, set[str]] = {}
    border = network.links[network.links["mode"] == "border"]
    for link, ends in zip(border["id"], zip(border["from"], border["to"], strict=True), strict=True):
        sides = {str(link), *map(str, ends)}
        for asset in sides:
            crossings.setdefault(asset, set()).update(sides - {asset})
    return PartOf(parts, {asset: frozenset(others) for asset, others in crossings.items()})


class _Known(NamedTuple):
    """What merging reads of an incident so far (one :func:`incident_state` for all of it)."""

    asset: str  # the asset its articles name most
    start: dt.date | None  # as its articles state it, None when none does
    first: dt.date  # that start, else its earliest event's date
    end: dt.date | None
    reopened: bool  # its end is the day before a reopening (not a stated last day or span)
    reported: dt.date  # the latest day an outage (not a reopening) event of it is dated


def _known(incident: Incident) -> _Known:
    state = incident_state(incident, on=None)
    first = state.start or min(e.date for e in incident.events)
    told = [e.date for e in incident.events if e.action not in REOPENINGS]
    return _Known(state.asset, state.start, first, state.end, state.end_basis == "reopening", max([first, *told]))


def match_incident(event: ArticleEvent, incidents: Sequence[Incident], relation: PartOf) -> Incident | None:
    """The incident an event joins, or None when it opens a new one (see the module docstring).

    The latest-opened incident that fits wins, so a closure after a reopening starts afresh; a
    reopening goes to the one it most plausibly ends (:func:`_reopened_one`).
    """
    if event.action in REOPENINGS:
        return _reopened_one(event, incidents, relation)
    for incident in reversed(incidents):
        if incident.klass != event.klass or not relation.related(incident.asset, event.asset):
            continue
        known = _known(incident)
        first, last, seen = known.first, known.end, max(e.date for e in incident.events)
        if last is not None and _after_end(event, last, extendable=not known.reopened):
            continue
        if event.asset != incident.asset and not _asset_named(event.asset, incident):
            if abs((event.date - first).days) <= PART_WINDOW_DAYS:
                return incident
            continue
        held = HELD_WINDOW_DAYS if incident.klass in _HELD and last is None else WINDOW_DAYS
        upper = max(seen, last or seen) + dt.timedelta(days=held)
        if first - dt.timedelta(days=WINDOW_DAYS) <= event.date <= upper:
            return incident
    return None


_ENDED_FIRST = {"outage": 0, "ban": 1, "reroute": 2}
"""Which class a reopening ends first when several fit: reopening words tell of an outage first,
then of a lifted ban, last of flows coming back from a detour."""


def _reopened_one(event: ArticleEvent, incidents: Sequence[Incident], relation: PartOf) -> Incident | None:
    """The incident a reopening ends: of those it may end (the same asset, a part or the whole, or
    the other side of a crossing; an outage, a ban or a reroute that began no later than it and
    within :data:`UNSTARTED_DAYS` of its last report; not one an earlier reopening ended days
    away, nor, named as a part or the whole, one its articles keep out past its day), the one its
    own article tells of ('the ban on grain via Kuryk has been lifted' ends the ban, not the
    port's closure), then an outage before a ban before a reroute, then one that names its asset,
    then the latest opened.

    Examples
    --------
    >>> D = dt.date
    >>> def said(article, asset, action, start=None, end=None):
    ...     return ArticleEvent(article, "a.ru", "en", D(2022, 6, 29), asset, action, "new", start=start, end=end)
    >>> rel = PartOf({"cpc": frozenset({"cpc_spm1", "cpc_spm2"})})
    >>> spm2 = Incident(1, "cpc_spm2", "outage", [said(1, "cpc_spm2", "close")])
    >>> spm1 = Incident(2, "cpc_spm1", "outage", [said(1, "cpc_spm1", "close", end=D(2022, 7, 5))])
    >>> _reopened_one(said(2, "cpc", "reopen", start=D(2022, 7, 1)), [spm2, spm1], rel).id  # SPM-1 is out till 5 July
    1
    """
    fitting: list[tuple[tuple[bool, int, bool, int], Incident]] = []
    for order, incident in enumerate(incidents):
        if incident.klass not in _ENDED_BY_REOPENING or not any(
            relation.related(e.asset, event.asset) for e in incident.events
        ):
            continue  # (cheap: the state below is read only for incidents on a related asset)
        known = _known(incident)
        if not relation.related(known.asset, event.asset):
            continue  # the asset its articles name most: a mooring's reopening does not end another's outage
        stated, first, last = known.start, known.first, known.end
        if event.start is not None and stated is not None and stated > event.start:
            continue  # reopened before this outage began: it ends an earlier one
        reopened = any(e.action in REOPENINGS for e in incident.events)
        if reopened and last is not None and abs((event.date - last).days) > WINDOW_DAYS:
            continue  # ended by an earlier reopening: this one ends another outage
        named = _asset_named(event.asset, incident)
        if not named and not reopened and last is not None and last >= event.date:
            continue  # the whole reopened while its part stays out to a stated day (or the reverse)
        if (
            not first - dt.timedelta(days=WINDOW_DAYS)
            <= event.date
            <= known.reported + dt.timedelta(days=UNSTARTED_DAYS)
        ):
            continue
        mine = [e for e in incident.events if e.article_id == event.article_id]
        if any(e.asset != event.asset and e.status == "new" and e.action not in REOPENINGS for e in mine):
            continue  # its own article tells this part (or whole) out now: 'CPC resumed, SPM-2 is offline'
        told_here = bool(mine)
        fitting.append(((told_here, -_ENDED_FIRST[incident.klass], named, order), incident))
    return max(fitting, key=lambda pair: pair[0])[1] if fitting else None


def _asset_named(asset: str, incident: Incident) -> bool:
    return any(e.asset == asset for e in incident.events)


def _after_end(event: ArticleEvent, last: dt.date, *, extendable: bool) -> bool:
    """Whether an event tells of a new occurrence after an incident's last day out: it starts
    after it, or it is reported more than :data:`LATE_REPORT_DAYS` after it, unless (when the end
    was a stated last day, not a reopening) it moves that end on within :data:`WINDOW_DAYS`: a
    ban extended after it lapsed ('the ban has been extended until 10 February').

    Examples
    --------
    >>> D = dt.date
    >>> extended = ArticleEvent(2, "a.kz", "ru", D(2025, 1, 30), "altynkol", "transit_ban", "new", end=D(2025, 2, 10))
    >>> _after_end(extended, D(2025, 1, 25), extendable=True), _after_end(extended, D(2025, 1, 25), extendable=False)
    (False, True)
    """
    if event.start is not None:
        return event.start > last + dt.timedelta(days=1)
    later_end = event.until_further_notice or event.duration_days is not None or (event.end or last) > last
    if extendable and later_end and event.published <= last + dt.timedelta(days=WINDOW_DAYS):
        return False
    return event.published > last + dt.timedelta(days=LATE_REPORT_DAYS)


def _same_news_cycle(event: ArticleEvent, incident: Incident) -> bool:
    """A background mention confirms an incident only when its article comes out while the
    incident is news (within the window of its days), not when it recalls it weeks later."""
    known = _known(incident)
    seen = max(e.published for e in incident.events)
    upper = max(seen, known.end or seen) + dt.timedelta(days=WINDOW_DAYS)
    return known.first - dt.timedelta(days=WINDOW_DAYS) <= event.published <= upper


def may_open(event: ArticleEvent) -> bool:
    """Whether an event that joins no incident opens one: a new event (a reopening too: it tells
    of an outage that ended) or one the article reports as over (status ``ended``, a reader that
    gives it), never a background or conditional one."""
    return event.status in ("new", "ended")


def merge_events(
    events: Iterable[ArticleEvent], incidents: list[Incident], relation: PartOf, *, next_id: int
) -> tuple[list[Incident], set[int], set[int]]:
    """Merge events in order into ``incidents`` (changed in place; new ones appended).

    An article's reports of an outage on an asset it also tells reopened go first, so that an
    article telling a stoppage and its end ('loading, halted on 22 December by a storm, has
    resumed') ends its own stoppage rather than an older outage of the same asset.

    Returns the incidents, the ids opened and the ids updated (existing ones that gained an event).
    """
    opened: set[int] = set()
    updated: set[int] = set()
    order = {a: n for n, a in enumerate(dict.fromkeys(e.article_id for e in events))}
    reopened = {(e.article_id, e.asset) for e in events if e.action in REOPENINGS and e.status != "background"}

    def told_first(e: ArticleEvent) -> tuple[int, bool]:
        return order[e.article_id], e.action in REOPENINGS or (e.article_id, e.asset) not in reopened

    for event in sorted(events, key=told_first):
        if event.status not in ("new", "ended", "background"):
            continue  # what could happen is not a report of an incident
        found = match_incident(event, incidents, relation)
        if event.status == "background" and (found is None or not _same_news_cycle(event, found)):
            continue
        if found is None:
            if not may_open(event):
                continue
            found = Incident(next_id, event.asset, event.klass)
            next_id += 1
            incidents.append(found)
            opened.add(found.id)
        elif found.id not in opened:
            updated.add(found.id)
        found.events.append(event)
    return incidents, opened, updated
