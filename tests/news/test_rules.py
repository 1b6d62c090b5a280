"""The news reader's rules, one by one: dates against the publication date, actions and shares,
the traps (fines, negations, conditions, old news, intentions), Russian inflection, evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor.news import draft_scenario
from corridor.news._dates import find_dates

WED = dt.date(2022, 3, 23)  # a Wednesday


def events(text: str, published: dt.date = WED, **kw):
    return draft_scenario(text, published=published, **kw).events


def one(text: str, published: dt.date = WED, **kw):
    found = [e for e in events(text, published, **kw) if e.status == "new"]
    assert len(found) == 1, [(e.asset, e.action, e.status) for e in events(text, published, **kw)]
    return found[0]


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Loading at the CPC terminal was halted today.", WED),
        ("Loading at the CPC terminal was halted yesterday.", WED - dt.timedelta(days=1)),
        ("Loading at the CPC terminal was halted on Wednesday.", WED),  # published on a Wednesday
        ("Loading at the CPC terminal was halted on Monday.", WED - dt.timedelta(days=2)),
        ("Отгрузка на терминале КТК остановлена вчера.", WED - dt.timedelta(days=1)),
        ("Отгрузка на терминале КТК остановлена сегодня.", WED),
        ("Отгрузка на терминале КТК прекращена с 6 марта.", dt.date(2022, 3, 6)),
        ("Loading at the CPC terminal has been suspended since 20 March.", dt.date(2022, 3, 20)),
    ],
)
def test_start_dates_are_read_against_the_publication_date(text, day):
    assert one(text).start == day


def test_durations_ranges_and_open_ends():
    assert one("Суд приостановил деятельность КТК на 30 суток.").duration_days == 30
    assert one("The CPC terminal will be closed for one and a half to two months.").duration_days == (45, 60)
    shut = one("Loading at the CPC terminal is suspended until further notice.")
    assert shut.end is None and shut.until_further_notice
    draft = draft_scenario("Loading at the CPC terminal is suspended until further notice.", published=WED)
    assert any("end" in u for u in draft.unknowns)


def test_a_month_without_a_year_is_the_latest_before_publication():
    (cue,) = [c for c in find_dates("в январе", 0, 8, dt.date(2026, 2, 27)) if c.kind == "period"]
    assert cue.day == dt.date(2026, 1, 1) and cue.last == dt.date(2026, 1, 31)
    (cue,) = [c for c in find_dates("in November", 0, 11, dt.date(2026, 2, 27)) if c.kind == "period"]
    assert cue.day == dt.date(2025, 11, 1)


def test_the_day_a_report_was_made_is_not_the_events_day():
    e = one("Суд приостановил деятельность КТК на 30 суток, сообщили в консорциуме во вторник.", dt.date(2022, 7, 5))
    assert e.start is None and e.duration_days == 30


def test_between_two_days_starts_at_the_first():
    e = events("Between 18 December and 7 January traffic through the Suez Canal fell by 60%.", dt.date(2024, 1, 9))[0]
    assert e.start == dt.date(2023, 12, 18) and e.fraction == pytest.approx(0.6)


def test_the_sentence_naming_the_asset_dates_the_next():
    text = "Drones attacked the Kropotkinskaya pumping station on Monday. Pumping was reduced by about 30%."
    e = one(text, dt.date(2025, 2, 17))
    # the pumping cut by the station's outage is the pipeline's, the station's parent group
    assert e.asset == "cpc" and e.start == dt.date(2025, 2, 17) and e.fraction == pytest.approx(0.3)


# ------------------------------------------------------------------ actions and shares


@pytest.mark.parametrize(
    ("text", "action", "fraction"),
    [
        ("Loading at the CPC terminal was halted entirely today.", "close", 1.0),
        ("The CPC terminal is working at a third of normal capacity today.", "derate", 0.667),
        ("Pumping through the CPC pipeline was reduced by 20% today.", "derate", 0.2),
        ("A storm damaged two of the three single point moorings of the CPC terminal today.", "derate", 0.667),
        ("Отгрузка через ВПУ-2 КТК сегодня прекращена.", "close", 1.0),  # the closure of one mooring
        ("CPC resumed loading at its marine terminal today.", "reopen", None),
        ("Egypt will raise Suez Canal transit fees by 15% from today.", "tariff_change", 0.15),
        ("Kazakhstan banned the transit of Russian coal through the Dostyk crossing today.", "transit_ban", None),
        (
            "The capacity of the Baku-Tbilisi-Kars railway will increase to five million tons from today.",
            "capacity_increase",
            None,
        ),
        ("Maersk will pause all transits through the Red Sea until further notice.", "reroute_out", None),
    ],
)
def test_actions_and_shares(text, action, fraction):
    e = one(text)
    assert e.action == action
    assert (e.fraction is None) if fraction is None else e.fraction == pytest.approx(fraction, abs=0.01)


# ------------------------------------------------------------------ traps


@pytest.mark.parametrize(
    "text",
    [
        "The court fined the Caspian Pipeline Consortium for environmental violations.",  # a fine
        "The storm did not affect loadings at the CPC terminal, which continued as normal.",  # a negation
        "Отгрузка на терминале КТК ведется в штатном режиме.",
        "If the storm continues, the CPC pipeline could be stopped once the tanks are full.",  # a condition
        "Трубопровод КТК может быть остановлен, если резервуары заполнятся.",
        "Analysts recalled that in March 2021 the Ever Given blocked the Suez Canal for six days.",  # old news
        "Президент поручил проработать новые маршруты экспорта нефти в обход КТК.",  # an intention
        "Kazakhstan plans to build a second line between Dostyk and Moyynty.",
        "Every year in November and December the port of Kuryk is closed about half of the time.",  # habitual
    ],
)
def test_traps_give_no_new_event(text):
    assert [e for e in events(text, dt.date(2024, 1, 8)) if e.status == "new"] == []


def test_a_cancelled_order_is_not_a_closure():
    text = "A court suspended the CPC for 30 days on Tuesday; on Monday a higher court overturned the order."
    assert not [e for e in events(text, dt.date(2022, 7, 11)) if e.action == "close" and e.status == "new"]


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    "name",
    ["КТК", "КТК-Р", "«Каспийского трубопроводного консорциума»", "Каспийскому трубопроводному консорциуму",
     "Caspian Pipeline Consortium", "CPC"],
)  # fmt: skip
def test_russian_inflection_and_abbreviations_link_the_cpc(name):
    e = one(
        f"Сегодня работа {name} полностью остановлена." if name[0] in "К«" else f"{name} halted all operations today."
    )
    assert e.asset in ("cpc", "cpc_marine_terminal")


def test_an_asset_the_network_lacks_is_named_and_listed_as_unknown_not_drafted():
    """A measure on a place the network lacks is not put on a corridor: no event, the name listed."""
    draft = draft_scenario("Lithuania halted rail transit to Kaliningrad today.", published=WED)
    assert [e for e in draft.events if e.status == "new"] == []
    assert any("Kaliningrad" in u and "not drafted" in u for u in draft.unknowns)


def test_evidence_is_an_exact_substring_and_present_for_every_field():
    text = ("Суд в Новороссийске приостановил деятельность КТК на 30 суток с 6 июля. "
            "A storm damaged two of the three single point moorings of the CPC terminal yesterday.")  # fmt: skip
    for e in events(text, dt.date(2022, 7, 7)):
        for field, quote in e.evidence.items():
            assert quote in text, (field, quote)
        for field in ("asset", "action", "fraction", "start"):
            if getattr(e, field) is not None:
                assert field in e.evidence, (e.asset, field)


def test_two_sentences_about_one_event_give_one_event():
    text = ("Loading at the CPC marine terminal was halted today. "
            "The halt of loadings at the CPC marine terminal will last 5 days.")  # fmt: skip
    found = [e for e in events(text) if e.status == "new" and e.action == "close"]
    assert len(found) == 1 and found[0].duration_days == 5


def test_nearly_stopped_is_a_derate_of_unknown_size():
    e = one("Container traffic through the Dostyk crossing has nearly stopped today.")
    assert e.action == "derate" and e.fraction is None


def test_a_city_named_as_a_government_is_not_its_rail_node():
    draft = draft_scenario("Kazakhstan is moving away from Moscow, officials in Astana said today.", published=WED)
    assert not [e for e in draft.events if e.asset in ("moscow", "astana")]


def test_promises_are_not_events():
    text = "Казахстан пообещал увеличить экспорт нефти в Европу через маршруты в обход России."
    assert [e for e in events(text) if e.status == "new"] == []


# ------------------------------------------------------------------ rules written against the reader-2 batch


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # a time of day with no day: the publication day, like 'at midnight'
        ("The ship ran aground at about 7:30 local time. Traffic on the Bosphorus was halted.", WED),
        ("Лавина сошла примерно в 19:56. Движение поездов между Тбилиси и Батуми остановлено.", WED),
        # a day named next to the time wins
        ("Отгрузка на терминале КТК возобновлена в 00:00 мск 21 марта.", dt.date(2022, 3, 21)),
    ],
)
def test_a_time_of_day_without_a_day_is_the_publication_day(text, day):
    assert one(text).start == day


def test_a_reopening_does_not_take_the_day_of_the_closure_told_before_it():
    text = (
        "КТК 14 марта остановил перевалку нефти на морском терминале из-за шторма. "
        "Сейчас отгрузка на терминале КТК возобновлена."
    )
    reopen = next(e for e in events(text) if e.action == "reopen")
    assert reopen.start is None


@pytest.mark.parametrize(
    "text",
    [
        "Container trains bound for China from Dostyk are banned altogether until November.",
        "Kazakhstan imposed a ban on container trains through Dostyk.",
        "КТЖ временно ограничила прием экспортного зерна в направлении порта Актау.",
    ],
)
def test_a_ban_on_one_kind_of_train_or_cargo_is_a_transit_ban(text):
    assert one(text).action == "transit_ban"


@pytest.mark.parametrize(
    "text",
    [
        "Maersk returns to the Red Sea with its India-US service.",
        "Maersk is putting a scheduled service back on the Red Sea route.",
    ],
)
def test_a_carrier_returning_to_a_route_reopens_it(text):
    assert one(text).action == "reopen"
    # returning to a state is not returning to a place
    assert not [e for e in events("The ministry said when the CPC will return to full capacity.") if e.status == "new"]


@pytest.mark.parametrize(
    "text",
    [
        "Drewry does not expect container lines to resume Suez Canal transits quickly.",
        "Container lines are expecting to resume Suez Canal transits in the spring.",
        "Ожидается возобновление движения судов через Суэцкий канал весной.",
    ],
)
def test_an_expectation_is_not_a_new_event(text):
    assert not [e for e in events(text) if e.status == "new"]


@pytest.mark.parametrize(
    "text",
    [
        "На работе терминала сказались последствия атаки, после которой было повреждено ВПУ-2 КТК.",
        "Loadings suffered from the aftermath of the attack that damaged SPM-2 of the CPC.",
    ],
)
def test_the_consequences_of_an_earlier_incident_are_background(text):
    assert not [e for e in events(text) if e.status == "new"]
    # consequences to be avoided are no incident told again
    text = "Чтобы свести к минимуму негативные последствия, Казахстан перенаправляет нефть в обход КТК."
    assert [e.status for e in events(text)] == ["new"]


def test_a_complex_of_repair_works_is_not_an_off_network_complex():
    text = "ВПУ-2 КТК выведено из эксплуатации до проведения полного комплекса ремонтно-восстановительных работ."
    assert one(text).asset == "cpc_spm2"
    text = "Газоперерабатывающий комплекс в порту Усть-Луга остановлен."
    assert not [e for e in events(text) if e.status == "new"]


def test_debris_falling_onto_a_terminal_is_not_a_drop_in_capacity():
    text = "Обломки беспилотников упали на терминал в порту Усть-Луга."
    assert not [e for e in events(text) if e.action == "derate"]
    assert one("Отгрузки через порт Усть-Луга упали на 20%.").fraction == pytest.approx(0.2)


def test_an_unsized_undated_derate_beside_a_closure_of_the_same_asset_is_dropped():
    text = (
        "КТК остановил погрузку нефти на морском терминале, танкеры отведены в районы ожидания. "
        "Резервуарные парки компании практически заполнены. "
        "Прием нефти от грузоотправителей КТК осуществляется в сниженных режимах."
    )
    new = [(e.asset, e.action) for e in events(text) if e.status == "new"]
    assert [action for _, action in new] == ["close"], new


def test_an_action_told_in_the_present_takes_the_day_of_the_report():
    sat = dt.date(2022, 9, 3)
    text = "Shipping through the Bosporus has been stopped after a ship broke down, the agency said on Saturday."
    assert one(text, sat).start == sat
    # a dateline is not the report's day
    text = "ANKARA, September 3. Shipping through the Bosporus has been stopped after a ship broke down."
    assert one(text, sat).start is None


def test_an_incident_day_is_not_borrowed_from_a_sentence_that_tells_another_closure():
    sat = dt.date(2022, 9, 3)
    text = (
        "Shipping through the Bosporus was stopped after the Briza ran aground. "
        "Two tugs were sent. "
        "On Thursday the Dardanelles were closed after the Lady Zehma ran aground."
    )
    bosporus = next(e for e in events(text, sat) if e.asset == "bosphorus")
    assert bosporus.start is None
    # the day of an incident told without an action of its own is still borrowed
    text = "Loading at the CPC terminal stopped after the attack. Drones struck the terminal on Thursday."
    assert one(text, sat).start == dt.date(2022, 9, 1)


def test_cut_visibility_is_not_a_cut_in_capacity():
    text = "Fog along the Bosphorus cut visibility at sea."
    assert not [e for e in events(text) if e.action == "derate"]


def test_the_strait_is_the_one_an_earlier_action_was_about_not_the_last_one_named():
    text = (
        "Thick fog has closed the Dardanelles Strait to transit ships. "
        "The fog also lay over the shores of the Bosphorus in the morning. "
        "Captains were warned, and the strait was declared closed to transit traffic."
    )
    assert [(e.asset, e.action) for e in events(text) if e.status == "new"] == [("dardanelles", "close")]


def test_exports_stopped_at_a_rail_border_are_a_ban_not_a_closure():
    text = "Exports from Khorgos, the Chinese dry port, are stopped until 26 March."
    assert one(text).action == "transit_ban"
    # a border closed to all traffic stays a closure
    assert one("Poland closed the Brest-Malaszewicze border crossing.").action == "close"


def test_the_halt_told_again_by_a_noun_is_the_same_event_and_dates_it():
    text = "Exports from Khorgos are stopped until 26 March. The halt began on 11 March."
    (only,) = [e for e in events(text) if e.status == "new"]
    assert only.action == "transit_ban" and only.start == dt.date(2022, 3, 11)


def test_a_headline_naming_a_nearby_port_yields_to_the_asset_the_body_names():
    text = (
        "Экспорт нефти через порт Новороссийска полностью остановлен\n"
        "29.11.2025\n"
        "Морские дроны атаковали выносное причальное устройство ВПУ-2 КТК, отгрузка на терминале КТК остановлена."
    )
    assets = {e.asset for e in events(text) if e.status == "new"}
    assert "novorossiysk_port" not in assets and assets


def test_a_place_after_an_asset_locates_it_and_a_harbour_master_orders():
    text = "Дроны атаковали терминал КТК в Новороссийске, отгрузка нефти остановлена."
    assert one(text).asset in ("cpc", "cpc_marine_terminal")
    text = "По распоряжению капитана морского порта Новороссийск операции на терминале КТК приостановлены."
    assert one(text).asset in ("cpc", "cpc_marine_terminal")


def test_a_port_town_in_a_sentence_about_rail_services_is_its_main_line():
    text = (
        "Georgian Railway said it was resuming its services to Batumi, "
        "after heavy rain forced it to suspend operations on Thursday."
    )
    closes = [e for e in events(text) if e.action == "close"]
    assert closes and all(e.asset != "batumi_port" for e in closes)
    assert one("The port of Batumi was closed to ships by the storm.").asset == "batumi_port"


def test_the_one_incident_day_told_before_dates_a_later_disruption():
    text = (
        "On 20 March seven drones struck the Kropotkinskaya station of the CPC. "
        "Nobody was hurt. "
        "The chief executive went to the site. "
        "The station is temporarily out of service."
    )
    close = next(e for e in events(text) if e.action == "close")
    assert close.start == dt.date(2022, 3, 20)


def test_an_attack_timed_to_disrupt_is_not_a_disruption():
    text = "The CPC said the strike was timed not only to disrupt the work of the Kropotkinskaya station."
    assert not [e for e in events(text) if e.status == "new"]


def test_a_closure_that_is_over_lends_its_day_to_no_other_closure():
    text = (
        "30 марта КТК возобновил погрузку нефти на танкеры. "
        "ВПУ-3 КТК вывели из эксплуатации. "
        "27 марта из-за шторма КТК приостанавливал налив нефти в танкеры."
    )
    spm3 = next(e for e in events(text) if e.asset == "cpc_spm3")
    assert spm3.status == "new" and spm3.start is None
