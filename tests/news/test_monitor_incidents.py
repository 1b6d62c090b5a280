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


def test_the_start_is_the_earliest_on_a_tie_of_first_reports_and_a_later_since_does_not_move_it() -> None:
    reports = [
        event(1, D(2025, 2, 17), "kropotkinskaya_ps", "close", start=D(2025, 2, 17)),  # the day it came out
        event(2, D(2025, 2, 18), "kropotkinskaya_ps", "close", start=D(2025, 2, 16)),  # "in the night to Monday"
        event(3, D(2025, 2, 26), "kropotkinskaya_ps", "close", start=D(2025, 2, 10)),  # "idle since last week"
        event(4, D(2025, 2, 19), "kropotkinskaya_ps", "close", status="background", start=D(2025, 1, 5)),
        event(5, D(2025, 2, 17), "kropotkinskaya_ps", "close", start=D(2024, 11, 2)),  # a stray "read also" date
    ]
    state = incident_state(Incident(1, "kropotkinskaya_ps", "outage", reports), on=None)
    assert (state.start, state.start_basis) == (D(2025, 2, 16), "first reports")


def test_a_restated_start_fills_one_no_earlier_report_gave_and_a_correction_replaces_it() -> None:
    undated = event(1, D(2025, 2, 17), "cpc", "close")
    restated = event(2, D(2025, 2, 26), "cpc", "close", start=D(2025, 2, 15))
    assert incident_state(Incident(1, "cpc", "outage", [undated, restated]), on=None).start == D(2025, 2, 15)
    first = event(1, D(2025, 2, 17), "cpc", "close", start=D(2025, 2, 17))
    corrected = event(2, D(2025, 2, 20), "cpc", "close", start=D(2025, 2, 18), corrects=True)
    state = incident_state(Incident(1, "cpc", "outage", [first, corrected]), on=D(2025, 2, 17))
    assert (state.start, state.start_basis, state.status) == (D(2025, 2, 18), "correction", "not started")


def test_background_mentions_neither_date_nor_end_an_incident() -> None:
    reported = event(1, D(2023, 11, 27), "cpc", "close", start=D(2023, 11, 27))
    history = event(2, D(2023, 11, 28), "cpc", "close", status="background", start=D(2022, 3, 22), duration_days=3)
    state = incident_state(Incident(1, "cpc", "outage", [reported, history]), on=None)
    assert (state.start, state.end, state.status) == (D(2023, 11, 27), None, "open")
    assert state.articles == (1, 2)  # it still confirms the incident


def test_the_end_comes_from_the_latest_article_that_speaks_of_it() -> None:
    paused = event(1, D(2023, 12, 31), "red_sea", "reroute_out", duration_days=2)  # "for 48 hours"
    state = incident_state(Incident(1, "red_sea", "reroute", [paused]), on=None)
    assert (state.end, state.end_basis) == (D(2024, 1, 1), "stated duration")
    extended = event(2, D(2024, 1, 2), "red_sea", "reroute_out", until_further_notice=True)
    silent = event(3, D(2024, 1, 3), "red_sea", "reroute_out")  # says nothing of the end
    state = incident_state(Incident(1, "red_sea", "reroute", [paused, extended, silent]), on=None)
    assert (state.end, state.end_basis, state.until_further_notice) == (None, None, True)
    until = event(4, D(2024, 1, 4), "red_sea", "reroute_out", end=D(2024, 1, 20))  # "until 20 January"
    state = incident_state(Incident(1, "red_sea", "reroute", [paused, extended, until]), on=D(2024, 1, 21))
    assert (state.end, state.end_basis, state.status) == (D(2024, 1, 20), "stated end", "ended")


def test_a_stated_number_of_days_counts_from_the_incidents_start_not_one_articles_misread_one() -> None:
    shut = [event(a, D(2026, 1, 20), "tengiz", "close", start=D(2026, 1, 18)) for a in (1, 2)]
    for_ten_days = event(3, D(2026, 1, 21), "tengiz", "close", start=D(2026, 1, 19), duration_days=10)
    state = incident_state(Incident(1, "tengiz", "outage", [*shut, for_ten_days]), on=None)
    assert (state.start, state.end) == (D(2026, 1, 18), D(2026, 1, 27))  # 18 January and nine days more
    undated = event(4, D(2026, 1, 21), "tengiz", "close", duration_days=10)  # no start anywhere: from its day
    assert incident_state(Incident(2, "tengiz", "outage", [undated]), on=None).end == D(2026, 1, 30)


def test_an_announced_closure_is_dated_by_the_reports_of_its_day() -> None:
    announced = event(
        1, D(2025, 9, 9), "bx_brest_malaszewicze", "close", start=D(2025, 9, 12)
    )  # "from midnight on 12 September"
    closed = event(
        2, D(2025, 9, 12), "bx_brest_malaszewicze", "close", start=D(2025, 9, 11)
    )  # "closed late on 11 September"
    state = incident_state(Incident(1, "bx_brest_malaszewicze", "outage", [announced, closed]), on=None)
    assert (state.start, state.start_basis) == (D(2025, 9, 11), "first reports")


def test_the_reopening_is_dated_by_its_first_reports_or_else_its_latest_announcement() -> None:
    closed = event(1, D(2025, 9, 12), "bx_brest_malaszewicze", "close", start=D(2025, 9, 12))
    announced = event(2, D(2025, 9, 20), "bx_brest_malaszewicze", "reopen", start=D(2025, 9, 22))
    postponed = event(3, D(2025, 9, 22), "bx_brest_malaszewicze", "reopen", start=D(2025, 9, 25))
    state = incident_state(Incident(1, "bx_brest_malaszewicze", "outage", [closed, announced, postponed]), on=None)
    assert (state.end, state.end_basis) == (D(2025, 9, 24), "reopening")
    reopened = event(4, D(2025, 9, 25), "bx_brest_malaszewicze", "reopen", start=D(2025, 9, 25))  # "reopened today"
    recalled = event(
        5, D(2025, 10, 3), "bx_brest_malaszewicze", "reopen", start=D(2025, 9, 27)
    )  # "since last Saturday"
    events = [closed, announced, postponed, reopened, recalled]
    assert incident_state(Incident(1, "bx_brest_malaszewicze", "outage", events), on=None).end == D(2025, 9, 24)
    corrected = event(6, D(2025, 10, 3), "bx_brest_malaszewicze", "reopen", start=D(2025, 9, 26), corrects=True)
    state = incident_state(Incident(1, "bx_brest_malaszewicze", "outage", [*events, corrected]), on=None)
    assert (state.end, state.end_basis) == (D(2025, 9, 25), "reopening")


def test_one_misread_start_does_not_outvote_the_first_reports() -> None:
    reports = [
        event(1, D(2025, 11, 29), "cpc_spm2", "close", start=D(2025, 11, 29)),
        event(2, D(2025, 11, 29), "cpc_spm2", "close", start=D(2025, 11, 29)),
        event(3, D(2025, 11, 30), "cpc_spm2", "close", start=D(2025, 11, 25)),  # the attack four days before
    ]
    state = incident_state(Incident(1, "cpc_spm2", "outage", reports), on=None)
    assert (state.start, state.start_basis) == (D(2025, 11, 29), "first reports")
    # told as begun on the 29th: two later dates ('until 2 December') cannot outvote it
    misread = [event(a, D(2025, 11, 30), "cpc_spm2", "close", start=D(2025, 12, 2)) for a in (4, 5)]
    assert incident_state(Incident(1, "cpc_spm2", "outage", [reports[0], *misread]), on=None).start == D(2025, 11, 29)


def test_an_article_telling_a_stoppage_and_its_reopening_ends_its_own_stoppage(relation) -> None:
    storm = [
        event(1, D(2023, 11, 27), "cpc", "close", fraction=1.0, start=D(2023, 11, 27)),
        event(2, D(2023, 12, 1), "cpc", "reopen", start=D(2023, 11, 30)),
        event(2, D(2023, 12, 1), "cpc_spm3", "close", fraction=1.0),  # a mooring out for repair, undated
    ]
    incidents, _, _ = merge_events(storm, [], relation, next_id=1)
    later = [  # 'loading, halted on 22 December by a storm, has resumed' (the reopening told first)
        event(3, D(2023, 12, 28), "cpc", "reopen"),
        event(3, D(2023, 12, 28), "cpc", "close", status="ended", fraction=1.0, start=D(2023, 12, 22)),
    ]
    incidents, opened, _ = merge_events(later, incidents, relation, next_id=3)
    assert [sorted({e.article_id for e in i.events}) for i in incidents] == [[1, 2], [2], [3]]
    assert opened == {3}
    state = incident_state(incidents[-1], on=None)
    assert (state.start, state.end, state.end_basis) == (D(2023, 12, 22), D(2023, 12, 27), "reopening")


def test_a_reopening_dated_before_an_outage_began_does_not_end_it(relation) -> None:
    events = [
        event(1, D(2022, 9, 3), "bosphorus", "close", fraction=1.0, start=D(2022, 9, 3)),
        event(1, D(2022, 9, 3), "bosphorus", "reopen", status="background", start=D(2022, 9, 2)),  # the last one's
    ]
    incidents, _, _ = merge_events(events, [], relation, next_id=1)
    state = incident_state(incidents[0], on=None)
    assert (state.start, state.end, state.status) == (D(2022, 9, 3), None, "open")


def test_one_misread_reopening_day_does_not_outvote_the_first_reports() -> None:
    closed = event(1, D(2023, 11, 27), "cpc", "close", start=D(2023, 11, 27))
    reopened = [event(a, D(2023, 11, 30), "cpc", "reopen", start=D(2023, 11, 30)) for a in (2, 3)]
    misread = event(4, D(2023, 12, 1), "cpc", "reopen", start=D(2023, 11, 28))  # the storm warning's day
    state = incident_state(Incident(1, "cpc", "outage", [closed, *reopened, misread]), on=None)
    assert (state.end, state.end_basis) == (D(2023, 11, 29), "reopening")


def test_an_outage_told_as_over_on_a_day_ends_the_day_before_without_a_reopening_event() -> None:
    over = event(1, D(2023, 6, 30), "ge_main_line", "close", status="ended", start=D(2023, 6, 29), end=D(2023, 6, 30),
                 evidence={"start": "on Thursday", "end": "30 Jun 2023"})  # "suspended on Thursday, resumed 30 Jun"  # fmt: skip
    state = incident_state(Incident(1, "ge_main_line", "outage", [over]), on=None)
    assert (state.end, state.end_basis) == (D(2023, 6, 29), "reopening")
    span = event(2, D(2025, 11, 25), "kz_shu_tashkent", "transit_ban", status="ended", start=D(2025, 11, 22),
                 end=D(2025, 11, 24), evidence={"start": "from November 22 to 24", "end": "from November 22 to 24"})  # fmt: skip
    state = incident_state(Incident(2, "kz_shu_tashkent", "ban", [span]), on=None)
    assert (state.end, state.end_basis) == (D(2025, 11, 24), "stated end")


def test_a_reopening_told_as_news_without_a_date_caps_a_later_date() -> None:
    closed = event(1, D(2023, 11, 27), "cpc", "close", start=D(2023, 11, 27))
    resumed = event(2, D(2023, 11, 30), "cpc", "reopen")  # "loading has resumed"
    later = event(3, D(2023, 12, 2), "cpc", "reopen", start=D(2023, 12, 1))  # a misread day, or a later phase
    state = incident_state(Incident(1, "cpc", "outage", [closed, resumed, later]), on=None)
    assert (state.end, state.end_basis) == (D(2023, 11, 29), "reopening")


def test_the_two_sides_of_a_border_crossing_are_one_asset(relation) -> None:
    assert relation.related("brest", "malaszewicze") and relation.related("bx_brest_malaszewicze", "brest")
    assert relation.related("dostyk", "alashankou") and not relation.related("dostyk", "altynkol")
    events = [
        event(1, D(2025, 9, 12), "brest", "close", fraction=1.0, start=D(2025, 9, 12)),
        event(2, D(2025, 9, 25), "malaszewicze", "reopen", start=D(2025, 9, 25)),  # told from the Polish side
    ]
    (incident,), _, _ = merge_events(events, [], relation, next_id=1)
    assert incident_state(incident, on=None).end == D(2025, 9, 24)


def test_a_reopening_of_the_whole_ends_the_part_that_came_back_not_the_one_out_to_a_stated_day(relation) -> None:
    events = [
        event(1, D(2022, 6, 29), "cpc_spm2", "close", fraction=1.0),
        event(1, D(2022, 6, 29), "cpc_spm1", "close", fraction=1.0, end=D(2022, 7, 5)),
        event(2, D(2022, 7, 1), "cpc", "reopen", start=D(2022, 7, 1)),  # 'CPC resumed loading'
    ]
    spm2, spm1 = merge_events(events, [], relation, next_id=1)[0]
    assert [incident_state(i, on=None).end for i in (spm2, spm1)] == [D(2022, 6, 30), D(2022, 7, 5)]


def test_a_reopening_ends_the_outage_before_the_detour_it_caused(relation) -> None:
    events = [
        event(1, D(2025, 11, 29), "cpc", "close", fraction=1.0, start=D(2025, 11, 29)),
        event(2, D(2025, 11, 29), "cpc", "reroute_out"),  # opened later: it used to take the reopening
        event(3, D(2025, 12, 2), "cpc", "reopen", start=D(2025, 12, 1)),
    ]
    outage, reroute = merge_events(events, [], relation, next_id=1)[0]
    assert incident_state(outage, on=None).end == D(2025, 11, 30)
    assert incident_state(reroute, on=None).end is None


def test_a_reopening_ends_an_outage_reported_for_months_within_two_months_of_its_last_report(relation) -> None:
    events = [event(1, D(2024, 1, 10), "cpc_spm3", "close", fraction=1.0, start=D(2024, 1, 10))]
    events += [event(n, D(2024, 1, 10) + dt.timedelta(days=9 * (n - 1)), "cpc_spm3", "close") for n in range(2, 12)]
    events.append(event(20, D(2024, 5, 1), "cpc_spm3", "reopen", start=D(2024, 5, 1)))
    (incident,), _, _ = merge_events(events, [], relation, next_id=1)
    assert incident_state(incident, on=None).end == D(2024, 4, 30)


def test_a_ban_or_a_detour_reported_again_weeks_later_is_the_same_one_a_closure_is_not(relation) -> None:
    events = [
        event(1, D(2025, 11, 29), "cpc", "reroute_out"),
        event(2, D(2025, 12, 23), "cpc", "reroute_out"),  # the crude still sent round the CPC
        event(3, D(2025, 11, 3), "bosphorus", "close", fraction=1.0),
        event(4, D(2025, 11, 25), "bosphorus", "close", fraction=1.0),  # another fog
    ]
    incidents, _, _ = merge_events(events, [], relation, next_id=1)
    assert [sorted({e.article_id for e in i.events}) for i in incidents] == [[1, 2], [3], [4]]


def test_a_reopening_ends_what_its_own_article_tells_of(relation) -> None:
    events = [
        event(1, D(2025, 11, 3), "kuryk_port", "transit_ban", start=D(2025, 11, 3)),
        event(1, D(2025, 11, 3), "kuryk_port", "close", fraction=1.0, start=D(2025, 11, 3)),
        event(2, D(2025, 11, 10), "kuryk_port", "transit_ban", status="ended"),  # 'the ban has been lifted'
        event(2, D(2025, 11, 10), "kuryk_port", "reopen", start=D(2025, 11, 10)),
        event(3, D(2025, 11, 29), "cpc_spm2", "close", fraction=1.0, start=D(2025, 11, 29)),
        event(4, D(2025, 12, 2), "cpc_spm2", "close", fraction=1.0, start=D(2025, 11, 29)),  # 'SPM-2 is offline'
        event(4, D(2025, 12, 2), "cpc", "reopen", start=D(2025, 12, 1)),  # 'CPC resumed loading on Monday'
    ]
    ban, port, spm2, _ = merge_events(events, [], relation, next_id=1)[0]  # the reopening alone: its own
    assert (ban.klass, port.klass) == ("ban", "outage")
    assert [incident_state(i, on=None).end for i in (ban, port, spm2)] == [D(2025, 11, 9), None, None]


def test_a_reopening_announced_then_put_off_until_further_notice_leaves_the_end_open() -> None:
    closed = event(1, D(2025, 9, 12), "brest", "close", fraction=1.0, start=D(2025, 9, 12))
    announced = event(2, D(2025, 9, 20), "brest", "reopen", start=D(2025, 9, 22))
    put_off = event(3, D(2025, 9, 21), "brest", "close", fraction=1.0, until_further_notice=True)
    state = incident_state(Incident(1, "brest", "outage", [closed, announced, put_off]), on=None)
    assert (state.end, state.until_further_notice) == (None, True)
    state = incident_state(Incident(1, "brest", "outage", [closed, announced]), on=None)
    assert (state.end, state.end_basis) == (D(2025, 9, 21), "reopening")


def test_a_later_article_dates_the_start_before_first_reports_dated_only_by_their_own_day() -> None:
    first = event(1, D(2024, 3, 10), "bosphorus", "close", fraction=1.0, start=D(2024, 3, 10))  # the dateline
    later = event(2, D(2024, 3, 14), "bosphorus", "close", fraction=1.0, start=D(2024, 3, 8))  # 'since Friday'
    assert incident_state(Incident(1, "bosphorus", "outage", [first, later]), on=None).start == D(2024, 3, 8)
    dated = event(1, D(2024, 3, 10), "bosphorus", "close", fraction=1.0, start=D(2024, 3, 9))  # 'on Saturday'
    assert incident_state(Incident(1, "bosphorus", "outage", [dated, later]), on=None).start == D(2024, 3, 9)


def test_on_a_tie_a_date_written_as_a_calendar_date_outvotes_one_reckoned_from_a_weekday() -> None:
    written = event(1, D(2025, 11, 30), "cpc", "close", fraction=1.0, start=D(2025, 11, 29),
                    evidence={"start": "29 ноября"})  # fmt: skip
    reckoned = event(2, D(2025, 11, 30), "cpc", "close", fraction=1.0, start=D(2025, 11, 28),
                     evidence={"start": "в пятницу"})  # fmt: skip
    assert incident_state(Incident(1, "cpc", "outage", [written, reckoned]), on=None).start == D(2025, 11, 29)
    timed = event(1, D(2025, 11, 30), "cpc", "close", fraction=1.0, start=D(2025, 11, 29),
                  evidence={"start": "from 01:20 local time"})  # fmt: skip  # a time of day, no date
    assert incident_state(Incident(1, "cpc", "outage", [timed, reckoned]), on=None).start == D(2025, 11, 28)


def test_a_ban_extended_after_it_lapsed_is_the_same_ban_a_closure_after_a_reopening_is_not(relation) -> None:
    events = [
        event(1, D(2025, 1, 20), "altynkol", "transit_ban", start=D(2025, 1, 20), end=D(2025, 1, 25)),
        event(2, D(2025, 1, 30), "altynkol", "transit_ban", end=D(2025, 2, 10)),  # 'extended until 10 February'
        event(3, D(2025, 3, 1), "cpc", "close", fraction=1.0, start=D(2025, 3, 1)),
        event(4, D(2025, 3, 3), "cpc", "reopen", start=D(2025, 3, 3)),
        event(5, D(2025, 3, 8), "cpc", "close", fraction=1.0, end=D(2025, 3, 12)),  # closed again, until the 12th
    ]
    ban, first, again = merge_events(events, [], relation, next_id=1)[0]
    assert sorted({e.article_id for e in ban.events}) == [1, 2]
    assert incident_state(ban, on=None).end == D(2025, 2, 10)
    assert [sorted({e.article_id for e in i.events}) for i in (first, again)] == [[3, 4], [5]]
