"""Merging events into incidents and reading their state: pure functions on hand-made events."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor.network import load_network
from corridor.news.monitor import ArticleEvent, Incident, incident_state, merge_events, part_of

D = dt.date


def event(article: int, published: D, asset: str, action: str, **kw: object) -> ArticleEvent:
    return ArticleEvent(article, kw.pop("outlet", f"outlet{article}.example"), "en", published, asset, action,
                        str(kw.pop("status", "new")), **kw)  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture(scope="module")
def relation():
    return part_of(load_network())


def test_a_part_and_its_whole_merge_but_two_parts_do_not(relation) -> None:
    assert relation.related("cpc_moorings", "cpc_spm2") and relation.related("cpc", "cpc_marine_terminal")
    assert not relation.related("cpc_spm1", "cpc_spm2")
    assert not relation.related("red_sea", "kazakh_oil_fields")  # a group without links is no one's part


def test_events_merge_within_the_window_and_a_later_closure_opens_a_new_incident(relation) -> None:
    events = [
        event(1, D(2025, 11, 29), "cpc_spm2", "close", fraction=1.0, start=D(2025, 11, 29)),
        event(2, D(2025, 12, 1), "cpc_moorings", "derate", fraction=0.333),
        event(3, D(2025, 12, 2), "cpc_spm1", "close", fraction=1.0),  # a sibling: its own incident
        event(4, D(2026, 2, 20), "cpc_spm2", "close", fraction=1.0, start=D(2026, 2, 20)),  # months later
        event(5, D(2025, 12, 3), "cpc_spm2", "close", status="conditional"),  # could happen: left out
    ]
    incidents, opened, updated = merge_events(events, [], relation, next_id=1)
    assert [sorted({e.article_id for e in i.events}) for i in incidents] == [[1, 2], [3], [4]]
    assert (opened, updated) == ({1, 2, 3}, set())


def test_a_later_article_changes_the_share_corrects_the_start_and_ends_the_outage(relation) -> None:
    events = [
        event(1, D(2022, 3, 23), "cpc_moorings", "derate", fraction=0.333, start=D(2022, 3, 23)),
        event(2, D(2022, 3, 25), "cpc_moorings", "derate", fraction=0.667, start=D(2022, 3, 22)),
        event(3, D(2022, 3, 26), "cpc_moorings", "derate", fraction=0.667, start=D(2022, 3, 22)),
        event(4, D(2022, 4, 20), "cpc_moorings", "reopen", start=D(2022, 4, 18)),
    ]
    (incident,), _, _ = merge_events(events, [], relation, next_id=1)
    state = incident_state(incident, on=D(2022, 4, 1))
    assert (state.action, state.fraction, state.start) == ("derate", 0.667, D(2022, 3, 22))
    assert (state.end, state.end_basis, state.status) == (D(2022, 4, 17), "reopening", "open")
    assert incident_state(incident, on=D(2022, 4, 18)).status == "ended"
    assert len(state.sources) == 4 and state.confidence > 0.9


def test_a_stated_duration_gives_the_end_and_a_lifted_order_overrides_it() -> None:
    order = event(1, D(2022, 7, 6), "cpc", "close", fraction=1.0, start=D(2022, 7, 6), duration_days=30)
    state = incident_state(Incident(1, "cpc", "outage", [order]), on=None)
    assert (state.end, state.end_basis) == (D(2022, 8, 4), "stated duration")
    lifted = event(2, D(2022, 7, 11), "cpc", "reopen")  # no date given: the day it was published
    state = incident_state(Incident(1, "cpc", "outage", [order, lifted]), on=None)
    assert (state.end, state.end_basis) == (D(2022, 7, 10), "reopening")


def test_sources_count_outlets_not_articles() -> None:
    same = [event(i, D(2023, 11, 27), "cpc", "close", outlet="wire.example", confidence=0.6) for i in (1, 2)]
    state = incident_state(Incident(1, "cpc", "outage", same), on=None)
    assert state.sources == ("wire.example",) and state.confidence == pytest.approx(0.6)


def test_a_part_joins_its_whole_only_when_one_cause_hits_both_at_once(relation) -> None:
    same_day = [
        event(1, D(2025, 2, 17), "kropotkinskaya_ps", "close", fraction=1.0, start=D(2025, 2, 17)),
        event(2, D(2025, 2, 18), "cpc", "derate", fraction=0.35, start=D(2025, 2, 17)),
    ]
    week_apart = [
        event(1, D(2022, 6, 29), "cpc_moorings", "derate", fraction=0.333, end=D(2022, 7, 5)),
        event(2, D(2022, 7, 6), "cpc", "close", fraction=1.0, start=D(2022, 7, 6), duration_days=30),
    ]
    assert len(merge_events(same_day, [], relation, next_id=1)[0]) == 1
    assert len(merge_events(week_apart, [], relation, next_id=1)[0]) == 2
