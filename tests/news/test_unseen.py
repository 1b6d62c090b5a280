"""Rules written while scoring batch reader-11 of the corpus (articles no rule had been written
on): each a general class, tested on sentences of our own. Damage tied to no lost capacity is
no outage; a tariff cut is a negative change; a weekday told in the future ('would', a Russian
perfective's future, whatever the verb) is the next such day; the 'would' of reported speech
with a stated start is a measure, not a condition."""

from __future__ import annotations

import datetime as dt

from corridor.news import draft_scenario

TUE = dt.date(2025, 5, 13)  # a Tuesday


def events(text: str, published: dt.date):
    return [
        (e.asset, e.action, e.fraction, e.start, e.status) for e in draft_scenario(text, published=published).events
    ]


def test_damage_with_no_lost_capacity_is_no_outage():
    text = "Ночью 14 ноября обломки беспилотников повредили береговые сооружения порта Новороссийск."
    assert events(text, dt.date(2025, 11, 14)) == []
    text = "Drone debris damaged shore facilities at the port of Novorossiysk on Friday."
    assert events(text, dt.date(2025, 11, 14)) == []


def test_damage_to_one_mooring_still_takes_it_out():
    text = "Атака повредила ВПУ-2 морского терминала КТК 29 ноября."
    assert ("cpc_spm2", "close", 1.0, dt.date(2025, 11, 29), "new") in events(text, dt.date(2025, 11, 29))


def test_a_tariff_cut_is_a_negative_change_and_a_rise_a_positive_one():
    cut = "The Suez Canal Authority cut transit fees by 15 per cent for large container ships on Tuesday."
    assert events(cut, TUE) == [("suez_canal", "tariff_change", -0.15, TUE, "new")]
    rise = "The Suez Canal Authority raised transit fees by 15 per cent on Tuesday."
    assert events(rise, TUE) == [("suez_canal", "tariff_change", 0.15, TUE, "new")]
    discount = "Администрация Суэцкого канала снизила сборы на 15% во вторник."
    assert events(discount, TUE) == [("suez_canal", "tariff_change", -0.15, TUE, "new")]


def test_a_weekday_told_in_a_russian_future_is_the_next_one():
    thursday = dt.date(2025, 5, 15)
    assert events("Администрация Суэцкого канала снизит сборы на 15% с четверга.", TUE)[0][3] == thursday
    assert events("Администрация Суэцкого канала снизила сборы на 15% в четверг.", TUE)[0][3] == dt.date(2025, 5, 8)


def test_a_measure_reported_with_would_and_a_start_is_news_not_a_condition():
    text = (
        "The Suez Canal Authority said on Tuesday it would cut transit fees by 15 per cent "
        "for large container ships from Thursday."
    )
    assert events(text, TUE) == [("suez_canal", "tariff_change", -0.15, dt.date(2025, 5, 15), "new")]


def test_a_pledge_reported_with_would_and_no_day_stays_a_condition():
    text = "Yemen's Houthis said on Sunday they would stop attacking ships in the Bab el-Mandeb."
    assert all(status != "new" for *_, status in events(text, dt.date(2025, 1, 20)))


def test_a_reopening_told_in_the_future_or_with_the_subject_first_is_a_reopening():
    day = dt.date(2025, 9, 25)
    for text in (
        "Пункт пропуска Брест откроют 25 сентября.",
        "Движение через переход Брест откроется 25 сентября.",
        "Железнодорожный пункт пропуска Брест снова заработает 25 сентября.",
    ):
        assert events(text, dt.date(2025, 9, 24)) == [("brest", "reopen", None, day, "new")], text


def test_a_new_ferrys_maiden_voyage_adds_to_the_ferry_service_not_the_port():
    text = "The new Ro-Pax ferry Azerbaijan has set off. The ship is making its maiden voyage to the port of Kuryk."
    assert events(text, dt.date(2021, 5, 7)) == [("caspian_rail_ferries", "capacity_increase", None, None, "new")]
    assert events("The first ship since the storm reached the port of Kuryk.", dt.date(2021, 5, 7)) == []


def test_a_cross_border_trade_centre_is_off_the_network():
    text = 'Международный центр приграничного сотрудничества "Хоргос" прекратит работу с 16 февраля по 1 марта.'
    assert events(text, dt.date(2026, 2, 2)) == []
    assert events("The Khorgos trade centre will close from 16 February.", dt.date(2026, 2, 2)) == []


def test_a_limit_on_what_the_railway_carries_to_a_port_is_a_ban_on_that_flow():
    text = "КТЖ продлила до 30 июня ограничения на экспортные перевозки грузов через порт Курык."
    assert [e[:2] for e in events(text, dt.date(2025, 6, 4))] == [("kuryk_port", "transit_ban")]
    text = "КТЖ запретила оформление любых грузов на экспорт через порт Курык с 22 по 28 апреля."
    assert [e[:2] for e in events(text, dt.date(2025, 4, 23))] == [("kuryk_port", "transit_ban")]
    # a port that loads less is still derated: the limit is on its own work, not on what is sent to it
    text = "Порт Курык ограничил погрузку судов из-за шторма."
    assert [e[:2] for e in events(text, dt.date(2025, 4, 23))] == [("kuryk_port", "derate")]


def test_a_service_returned_to_a_sea_from_a_day_reopens_it_on_that_day():
    day = dt.date(2026, 1, 21)
    text = "Maersk сообщила, что с 21 января вернёт регулярные рейсы через Красное море на одном из маршрутов."
    assert events(text, dt.date(2026, 1, 16)) == [("red_sea", "reopen", None, day, "new")]
    text = "Maersk said it would return its services to the Red Sea from 21 January."
    assert [(e[1], e[3]) for e in events(text, dt.date(2026, 1, 16))] == [("reopen", day)]
    assert events("Hapag-Lloyd заявил, что пока возвращать суда в Красное море не собирается.", day) == []


def test_a_measure_reported_with_would_and_its_length_is_news():
    text = (
        "The Suez Canal Authority said on May 13 it would give a 15% discount on transit fees "
        "to large containerships for 90 days."
    )
    assert events(text, dt.date(2025, 8, 5)) == [("suez_canal", "tariff_change", -0.15, None, "new")]


def test_a_wire_dateline_with_the_agency_in_brackets_dates_no_event():
    text = (
        "5 August 2025 (Lloyd's List) - The Suez Canal Authority has confirmed it is extending its scheme.\n"
        "The Suez Canal Authority cut transit fees by 15% for large containerships."
    )
    assert events(text, dt.date(2025, 8, 5)) == [("suez_canal", "tariff_change", -0.15, None, "new")]


WED = dt.date(2024, 3, 13)  # a Wednesday


def test_reopenings_told_as_a_permission_an_opening_or_the_end_of_a_halt():
    for text in (
        "Turkish authorities allowed ships to pass through the Bosphorus again on Wednesday.",
        "The Bosphorus was opened to traffic on Wednesday after the tanker was towed away.",
        "Проход судов через Босфор разрешен в среду.",
        "В среду власти разрешили проход судов через Босфор.",
    ):
        assert events(text, WED) == [("bosphorus", "reopen", None, WED, "new")], text
    text = "Egypt ended the suspension of traffic in the Suez Canal on Wednesday."
    assert events(text, WED) == [("suez_canal", "reopen", None, WED, "new")]
    assert events("В среду власти не разрешили проход судов через Босфор.", WED) == []


def test_halts_told_as_on_hold_or_as_ships_not_let_out():
    text = "Loadings at the CPC terminal were put on hold on Wednesday."
    assert events(text, WED) == [("cpc_marine_terminal", "close", 1.0, WED, "new")]
    text = "Порт Новороссийск в среду не выпускает суда из-за шторма."
    assert events(text, WED) == [("novorossiysk_port", "close", 1.0, WED, "new")]


def test_what_a_forecast_says_will_follow_is_conditional():
    text = (
        "Vessels in the Caspian have not been able to resume traffic at the port of Kuryk. Preliminary forecasts "
        "say the wind will ease on May 10, and ships will then be allowed to move from the port of Kuryk."
    )
    assert ("kuryk_port", "reopen") not in [e[:2] for e in events(text, dt.date(2022, 5, 9)) if e[4] == "new"]


def test_a_revenue_that_falls_is_no_lost_capacity():
    assert events("Suez Canal revenue fell 61 per cent in 2024.", WED) == []
    assert events("Доходы Суэцкого канала упали на 61% в 2024 году.", WED) == []


def test_last_night_and_the_night_before_a_weekday_date_the_event():
    assert events("Пролив Босфор закрыли ночью из-за тумана.", WED)[0][3] == WED
    assert events("В ночь на вторник Босфор закрыли из-за тумана.", WED)[0][3] == dt.date(2024, 3, 12)
    assert events("Ночью 12 марта Босфор закрыли из-за тумана.", WED)[0][3] == dt.date(2024, 3, 12)


def test_a_closure_for_one_class_of_ships_is_a_derate_with_that_scope():
    for text, scope in (
        ("The Bosphorus was closed to large tankers on Wednesday because of strong currents.", "large tankers"),
        ("Босфор закрыли для крупных танкеров в среду из-за сильного течения.", "крупных танкеров"),
        ("The Bosphorus was closed to vessels longer than 200 metres on Wednesday.", "vessels longer than 200"),
    ):
        assert [(e.action, e.fraction, e.scope) for e in draft_scenario(text, published=WED).events] == [
            ("derate", None, scope)
        ], text
    text = "The Bosphorus was closed to all shipping on Wednesday because of fog."
    assert events(text, WED) == [("bosphorus", "close", 1.0, WED, "new")]


def test_a_link_to_another_story_with_its_date_in_brackets_is_furniture():
    for tail in (
        "Смотрите также | КТК приостановил отгрузку (11.03.2024)",
        "Bosphorus traffic suspended by fog (12 March 2024)",
    ):
        text = f"Порт Актау перевалил 2 млн тонн в феврале.\n\n{tail}\n"
        assert events(text, WED) == [], tail


def test_a_past_month_that_opens_the_sentence_makes_its_later_clause_history():
    text = "В марте 2022 года шторм повредил два из трех ВПУ КТК, и отгрузка была остановлена на месяц."
    assert [e for e in events(text, WED) if e[4] == "new"] == []


def test_imports_stopped_at_a_border_crossing_are_a_ban_on_that_flow():
    text = "China suspended imports of Kazakh grain via Dostyk on Wednesday."
    assert [(e.asset, e.action, e.scope) for e in draft_scenario(text, published=WED).events] == [
        ("dostyk", "transit_ban", "grain")
    ]


def test_a_recap_of_this_weeks_halt_is_news_and_an_old_one_history():
    text = "Напомним, ранее отгрузку нефти на терминале КТК приостановили 19 февраля из-за штормов."
    assert events(text, dt.date(2023, 2, 21))[0][4] == "new"
    text = "Напомним, ранее отгрузку нефти на терминале КТК приостановили 9 февраля из-за штормов."
    assert events(text, dt.date(2023, 2, 21))[0][4] == "background"


def test_more_ways_to_say_a_reopening_or_a_halt():
    assert events("The Tengiz field came back on stream on Wednesday.", WED) == [("tengiz", "reopen", None, WED, "new")]
    for text in ("В среду Босфор вновь открыли для судоходства.", "В среду открыли Босфор для судоходства."):
        assert events(text, WED) == [("bosphorus", "reopen", None, WED, "new")], text
    text = "Суда не заходят в порт Актау в среду из-за шторма."
    assert events(text, WED) == [("aktau_port", "close", 1.0, WED, "new")]


def test_a_reroute_from_one_asset_onto_another_is_two_events():
    text = (
        "Казахстан решил перенаправить экспорт нефти, который шёл по трубопроводу Баку – Тбилиси – Джейхан, "
        "на российский маршрут Каспийского трубопроводного консорциума."
    )
    got = {(e[0], e[1]) for e in events(text, dt.date(2025, 8, 15))}
    assert got == {("btc", "reroute_out"), ("cpc", "reroute_in")}


def test_a_halt_on_a_route_the_network_lacks_borrows_no_asset_from_the_clause_beside_it():
    text = "Отгрузки через Каспий из обеих стран прекратились с конца июля, и Казахстану пришлось опереться на КТК."
    assert [e for e in events(text, dt.date(2025, 8, 15)) if e[1] == "close"] == []


def test_a_russian_condition_fear_or_admission_opening_the_sentence_makes_no_event():
    for text in (
        "В случае ухудшения погоды порт Актау приостановит работу.",
        "Если погода ухудшится, порт Актау приостановит работу.",
        "Эксперты опасаются, что Босфор закроют для танкеров.",
        "Минэнерго допускает, что прокачка по КТК будет снижена.",
        "По словам источника, КТК пока не получал уведомлений о приостановке.",
    ):
        assert [e for e in events(text, WED) if e[4] == "new"] == [], text


def test_a_day_without_a_year_told_in_the_future_is_the_next_one():
    new_year = dt.date(2025, 1, 1)
    for text in (
        "The Suez Canal Authority will raise transit tolls by 5% from January 1.",
        "Управление Суэцкого канала повысит транзитные сборы на 5% с 1 января.",
    ):
        assert events(text, WED) == [("suez_canal", "tariff_change", 0.05, new_year, "new")], text
    # the writer's 'напомним' (a first person) tells nothing to come
    text = "Напомним, отгрузку нефти на терминале КТК приостановили 9 марта."
    assert events(text, WED)[0][3] == dt.date(2024, 3, 9)
