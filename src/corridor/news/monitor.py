"""The news monitor: from a stream of articles to incidents, a living scenario and alerts.

``ingest(store, sources)`` reads files, folders, RSS/Atom feeds and web pages into the results
store (copies and near-copies recorded, not read twice), reads each new dated article with the
reader and merges its events into incidents: the same asset (or a part and its whole) and class
of action within a window of days, across articles and languages, a later article ending an
outage (a reopening, a lifted order, a stated duration), changing its share or correcting its
start. ``incidents_on(store, on=day)`` gives each incident's state on a day;
``living_scenario_yaml`` the incidents that hold on it as a scenario; ``incident_alerts`` the
incidents whose own impact cuts a country's trade by more than a share.

Examples
--------
>>> import datetime as dt, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.md").write_text(
...     "---\\npublished: 2022-07-06\\nsource: https://example.org/cpc\\n---\\n"
...     "Суд приостановил деятельность КТК на 30 суток с 6 июля.", encoding="utf-8")
>>> report = ingest(folder / "results.sqlite", [folder / "a.md"])
>>> report.added, report.duplicates, len(report.incidents_opened)
(1, 0, 1)
>>> (state,) = incidents_on(folder / "results.sqlite", on=dt.date(2022, 7, 10))
>>> state.asset, state.action, state.start, state.end, state.status
('cpc', 'close', datetime.date(2022, 7, 6), datetime.date(2022, 8, 4), 'open')
"""

from corridor.news._feeds import RawArticle, SkippedArticle, parse_front_matter, read_sources
from corridor.news._incidents import ArticleEvent, Incident, IncidentState, incident_state, merge_events, part_of
from corridor.news._living import ALERT_SHARE, Alert, incident_alerts, living_scenario_yaml
from corridor.news._monitor import (
    IngestReport,
    UnknownIncidentError,
    articles_in,
    incident_by_id,
    incidents_on,
    ingest,
    ingest_articles,
)

__all__ = [
    "ALERT_SHARE",
    "Alert",
    "ArticleEvent",
    "Incident",
    "IncidentState",
    "IngestReport",
    "RawArticle",
    "SkippedArticle",
    "UnknownIncidentError",
    "articles_in",
    "incident_alerts",
    "incident_by_id",
    "incident_state",
    "incidents_on",
    "ingest",
    "ingest_articles",
    "living_scenario_yaml",
    "merge_events",
    "parse_front_matter",
    "part_of",
    "read_sources",
]
