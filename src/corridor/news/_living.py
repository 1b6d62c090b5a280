"""The living scenario and alerts: incidents as a scenario the tool reads, and as costs.

:func:`living_scenario_yaml` writes the incidents that hold on a date as a scenario that
:func:`corridor.load_scenario` reads, with ``review`` entries where no article gives a value;
:func:`incident_alerts` runs each incident's own scenario through :func:`corridor.analysis.impact`
and keeps those that cut a country's trade by more than a stated share (a measured cut, not a
keyword).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corridor.errors import RequestError
from corridor.news._incidents import IncidentState

if TYPE_CHECKING:
    from corridor.flow import Demand
    from corridor.network import Network

__all__ = ["ALERT_SHARE", "OPEN_END_DAYS", "Alert", "incident_alerts", "living_scenario_yaml", "scenario_events"]

ALERT_SHARE = 0.05
"""Default: an incident is an alert when it cuts more than 5% of a country's trade (by value)
over its days."""
OPEN_END_DAYS = 30
"""An incident without a known end is costed for this many days (stated in the alert)."""
RECOVERY_DAYS = 30
"""Days after an incident's end its impact also runs, so that cargo held back in storage moves
again and is costed (a horizon ending with the incident counts held-back cargo as never moved,
and a short closure then looks cheaper than no closure)."""


@dataclass(frozen=True)
class Alert:
    """An incident that cuts a country's trade by more than the stated share, with the figures."""

    incident: int
    asset: str
    action: str
    country: str
    trade_cut_share: float
    days: int
    days_assumed: bool
    delta_cost_usd: float
    stranded_value_usd: float
    revenue_deferred_usd: float | None
    asset_name: str = ""  # the network's name of the asset ("CPC pipeline and marine terminal")

    def to_dict(self) -> dict[str, Any]:
        return {
            "incident": self.incident,
            "asset": self.asset,
            "asset_name": self.asset_name,
            "action": self.action,
            "country": self.country,
            "trade_cut_share": round(self.trade_cut_share, 4),
            "days": self.days,
            "days_assumed": self.days_assumed,
            "delta_cost_usd": round(self.delta_cost_usd, 2),
            "stranded_value_usd": round(self.stranded_value_usd, 2),
            "revenue_deferred_usd": self.revenue_deferred_usd,
        }

    def __str__(self) -> str:
        told = f" (open-ended: costed for {self.days} days)" if self.days_assumed else f" over {self.days} days"
        cost = f"{self.delta_cost_usd / 1e6:,.1f} M USD extra cost"
        if self.revenue_deferred_usd:
            cost += f", {self.revenue_deferred_usd / 1e6:,.1f} M USD crude revenue deferred"
        return (
            f"ALERT incident {self.incident}: {self.action} of {self._named} cuts {self.trade_cut_share:.1%} "
            f"of {self.country}'s trade{told}; {cost}"
        )

    @property
    def _named(self) -> str:
        return f"{self.asset_name} ({self.asset})" if self.asset_name and self.asset_name != self.asset else self.asset


def given_or_builtin(network: Network | None) -> Network:
    """The network given, else the built-in one (loaded only when none is given)."""
    if network is not None:
        return network
    from corridor.network import load_network

    return load_network()


# --- the living scenario -------------------------------------------------------------------

_SCENARIO_TYPES = {"close": "close", "derate": "derate", "transit_ban": "bar_transit"}
_DEFAULT_SHARE_LEFT = 0.5
_HORIZON_DAYS = 90


def scenario_events(
    states: Iterable[IncidentState], *, on: dt.date, review: bool = True
) -> tuple[list[dict[str, Any]], list[str]]:
    """The scenario events of incidents that hold on ``on`` (open, or announced by then to start
    later), and a comment line for each incident left out (ended, not yet reported, or with no
    scenario counterpart)."""
    events: list[dict[str, Any]] = []
    left: list[str] = []
    for s in states:
        announced = s.status == "not started" and s.first_reported <= on
        if not (s.status == "open" or announced) or s.action not in _SCENARIO_TYPES:
            left.append(f"incident {s.id}: {s.action} of {s.asset} ({s.status} on {on.isoformat()})")
            continue
        events.append(_scenario_event(s, review=review))
    return events, left


def _scenario_event(s: IncidentState, *, review: bool) -> dict[str, Any]:
    kind = _SCENARIO_TYPES[s.action]
    row: dict[str, Any] = {"type": kind}
    notes: dict[str, str] = {}
    if kind == "bar_transit":
        row["countries"] = ["XX"]
        notes["countries"] = f"the articles name {s.asset!r}; write the ISO codes of the countries barred"
    else:
        row["target"] = s.asset
    if kind == "derate":
        if s.fraction is None:
            row["capacity_share"] = _DEFAULT_SHARE_LEFT
            notes["capacity_share"] = f"no article gives the share lost; {_DEFAULT_SHARE_LEFT} left is a default"
        else:
            row["capacity_share"] = round(max(0.0, 1.0 - s.fraction), 4)
    row["start"] = s.start or s.first_reported
    if s.start is None:
        notes["start"] = f"no article gives the start; the first report's date {s.first_reported} is written"
    if s.end is not None:
        row["end"] = max(s.end, row["start"])
    else:
        row["until_further_notice"] = True
        said = "say until further notice" if s.until_further_notice else "give no end"
        notes["end"] = f"the articles {said}; the event is written to last to the horizon's end"
    row["source"] = f"news monitor incident {s.id} ({len(s.articles)} articles, sources: {', '.join(s.sources)})"
    quotes = [f"{q['outlet']} {q['published']}: «{q['quotes'].get('action', '')}»" for q in s.evidence[:4]]
    row["note"] = f"confidence {s.confidence:.2f}; " + "; ".join(quotes)
    if notes and review:
        row["review"] = notes
    elif notes:
        row["note"] += "; accepted as written: " + "; ".join(f"{k}: {v}" for k, v in notes.items())
    return row


def living_scenario_yaml(
    states: Sequence[IncidentState], *, on: dt.date, name: str | None = None, review: bool = True
) -> str:
    """The incidents that hold on ``on`` as a scenario YAML that :func:`corridor.load_scenario`
    reads: values no article gives are written as stated defaults and named in each event's
    ``review`` (``review=False``: accepted, kept as notes, so the scenario runs as written).

    Raises
    ------
    RequestError
        No incident holds on that date.
    """
    import yaml

    from corridor.news._scenario import _Dumper

    events, left = scenario_events(states, on=on, review=review)
    if not events:
        raise RequestError(
            f"no incident holds on {on.isoformat()} ({len(states)} incidents in the store); "
            "expected a date when one is open (see 'corridor news incidents --on DATE')"
        )
    first = min(r["start"] for r in events)
    last = max(first + dt.timedelta(days=_HORIZON_DAYS - 1), on)
    for r in events:
        last = max(last, r.get("end", last))
    scenario = {
        "name": name or f"news-monitor-{on.isoformat()}",
        "description": f"The living scenario: incidents the news monitor holds open on {on.isoformat()}.",
        "source": "corridor news monitor",
        "horizon": {"start": first, "end": last},
        "events": events,
    }
    head = [f"# The living scenario on {on.isoformat()}: {len(events)} incidents written by corridor news scenario."]
    if review:
        head.append("# Each review entry names a value no article gives; 'corridor scenario validate' refuses it until")
        head.append("# the value is set or accepted (delete the entry). --accept writes them accepted.")
    if left:
        head.append("# Incidents not written (ended on that date, or no scenario counterpart):")
        head.extend(f"#   {line}" for line in left)
    return "\n".join(head) + "\n" + yaml.dump(scenario, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def asset_name(network: Network, asset: str) -> str:
    """The network's English name of a node, link or group id (the id itself when it has none).

    Examples
    --------
    >>> from corridor.network import load_network
    >>> asset_name(load_network(), "cpc"), asset_name(load_network(), "no_such_thing")
    ('CPC pipeline and marine terminal', 'no_such_thing')
    """
    for table in (network.groups, network.nodes, network.links):
        hit = table.loc[table["id"] == asset, "name"]
        if len(hit) and isinstance(hit.iloc[0], str) and hit.iloc[0].strip():
            return hit.iloc[0].strip()
    return asset


# --- alerts --------------------------------------------------------------------------------


def incident_alerts(
    states: Iterable[IncidentState],
    country: str,
    *,
    share: float = ALERT_SHARE,
    network: Network | None = None,
    demand: Demand | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Alert]:
    """The incidents whose own scenario cuts more than ``share`` of ``country``'s trade (by value,
    exports and imports, on the incident's days) in an impact run on the network; the cost is the
    impact's over the incident and :data:`RECOVERY_DAYS` after it.

    An incident without a known end is costed for :data:`OPEN_END_DAYS` days (said in the alert).

    Raises
    ------
    RequestError
        ``country`` is not a country of the network, or ``share`` not in (0, 1).
    """
    from corridor.analysis import impact
    from corridor.flow import load_demand
    from corridor.scenario import scenario_from_yaml

    net = given_or_builtin(network)
    countries = set(net.nodes["country"])
    if country not in countries:
        raise RequestError(
            f"--alert is {country!r}; expected a country code of the network ({', '.join(sorted(countries))})"
        )
    if not 0 < share < 1:
        raise RequestError(f"--alert-share is {share}; expected a share between 0 and 1")
    demand = demand if demand is not None else load_demand(net)
    alerts: list[Alert] = []
    carried = _links_carrying(net, demand, country)
    for s in states:
        if s.action not in ("close", "derate"):
            continue
        if not _touches(net, s.asset, carried):
            continue  # the asset carries none of the country's trade: no impact run
        start = s.start or s.first_reported
        assumed = s.end is None
        end = s.end if s.end is not None and s.end >= start else start + dt.timedelta(days=OPEN_END_DAYS - 1)
        event = {**_scenario_event(s, review=False), "start": start, "end": end}
        event.pop("until_further_notice", None)
        horizon = {"start": start, "end": end + dt.timedelta(days=RECOVERY_DAYS)}
        text = _yaml({"name": f"incident-{s.id}", "horizon": horizon, "events": [event]})
        scenario = scenario_from_yaml(text, file=f"incident {s.id}", network=net)
        if progress is not None:
            progress(f"impact of incident {s.id} ({s.action} of {s.asset}, {start} to {end})")
        result = impact(net, demand, scenario, period="day")
        cut = _trade_cut_share(net, result, country, days=(end - start).days + 1)
        if cut > share:
            oil = result.oil()
            alerts.append(
                Alert(
                    incident=s.id,
                    asset=s.asset,
                    action=s.action,
                    country=country,
                    trade_cut_share=cut,
                    days=(end - start).days + 1,
                    days_assumed=assumed,
                    delta_cost_usd=result.delta_cost_usd,
                    stranded_value_usd=result.disrupted.stranded_value_usd,
                    revenue_deferred_usd=None if oil is None else oil.get("revenue_deferred_usd"),
                    asset_name=asset_name(net, s.asset),
                )
            )
    return alerts


def _links_carrying(network: Network, demand: Demand, country: str) -> frozenset[str]:
    """Links that carry some of a country's trade (from or to it) in the assignment without events:
    an incident on none of them is not run through an impact (a screen, not a measure: closing an
    element the country does not use can only reach it through congestion it moves elsewhere)."""
    from corridor.analysis.dependency import assignment_paths
    from corridor.flow import assign

    country_of = dict(zip(network.nodes["id"], network.nodes["country"], strict=True))
    paths = assignment_paths(assign(network, demand))
    mine = paths[(paths["origin"].map(country_of) == country) | (paths["destination"].map(country_of) == country)]
    return frozenset(str(link) for links in mine.loc[mine["volume"] > 0, "links"] for link in links)


def _touches(network: Network, asset: str, links: frozenset[str]) -> bool:
    from corridor.scenario import target_arcs

    try:
        arcs = target_arcs(network, asset)
    except (KeyError, ValueError):
        return True  # not an element target_arcs knows: let the impact decide
    link_ids = network.compiled.link_ids
    return any(str(link_ids[i]) in links for i in set(network.compiled.arc_link[arcs].tolist()))


def _yaml(data: dict[str, Any]) -> str:
    import yaml

    from corridor.news._scenario import _Dumper

    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def _trade_cut_share(network: Network, result: Any, country: str, *, days: int) -> float:
    """Share of a country's trade by value (pairs from or to it) not moved on the incident's days
    (the first ``days`` daily periods of the horizon)."""
    country_of = dict(zip(network.nodes["id"], network.nodes["country"], strict=True))
    value = dict(zip(network.commodities["id"], network.commodities["value_usd_per_unit"], strict=True))

    def moved(volumes: Any) -> float:
        volumes = volumes[volumes["period"] < days]
        mine = volumes[
            (volumes["origin"].map(country_of) == country) | (volumes["destination"].map(country_of) == country)
        ]
        return float((mine["moved"] * mine["commodity"].map(value).fillna(0.0)).sum())

    before = moved(result.baseline.volumes)
    if before <= 0:
        return 0.0
    return max(0.0, (before - moved(result.disrupted.volumes)) / before)
