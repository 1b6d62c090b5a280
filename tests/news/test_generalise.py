"""Rules written for articles the reader had not seen (batch reader-7 of the corpus): each class
of error it made there, as a rule with its own test. Dates: a month's abbreviation ('Feb. 19')
ends no sentence, a wire's dateline ('27 ноя'), a state that holds now dated by the report that
tells it, a byline's date that dates nothing; status: a denied lifting ('not been lifted yet')
cancels nothing, the condition that ends a closure ('until the ship is refloated') is no
reopening."""

from __future__ import annotations

import datetime as dt

from corridor.news import draft_scenario


def new_events(text: str, published: dt.date):
    return [e for e in draft_scenario(text, published=published).events if e.status == "new"]


def only(text: str, published: dt.date):
    found = new_events(text, published)
    assert len(found) == 1, [
        (e.asset, e.action, e.start, e.status) for e in draft_scenario(text, published=published).events
    ]
    return found[0]


TUE = dt.date(2023, 2, 21)


def test_a_month_abbreviation_ends_no_sentence_and_its_day_dates_the_event():
    text = (
        "The CPC stopped loading crude at its terminal on Feb. 19 because of the storm, the consortium said on Tuesday."
    )
    event = only(text, TUE)
    assert (event.asset, event.action, event.start) == ("cpc", "close", dt.date(2023, 2, 19))


def test_a_wire_dateline_and_a_weekday_that_agree_date_a_state_told_now():
    text = (
        "МОСКВА, 27 ноя (Рейтер) - Из-за шторма остановлена отгрузка нефти из порта Новороссийск, "
        "сообщило в понедельник ТАСС."
    )
    event = only(text, dt.date(2023, 11, 27))
    assert (event.asset, event.action, event.start) == ("novorossiysk_port", "close", dt.date(2023, 11, 27))


def test_a_report_of_it_in_the_next_sentence_dates_an_action_told_in_the_past():
    text = (
        "Из-за ливней движение поездов Тбилиси — Батуми пришлось остановить. "
        "Об этом вечером 29 июня сообщила пресс-служба Грузинской железной дороги."
    )
    event = only(text, dt.date(2023, 6, 30))
    assert event.action == "close" and event.start == dt.date(2023, 6, 29)


def test_an_undated_state_keeps_an_open_day():
    event = only("Пролив Босфор закрыт для прохода судов из-за тумана, сообщает NTV.", dt.date(2022, 10, 27))
    assert (event.asset, event.action, event.start) == ("bosphorus", "close", None)


def test_a_byline_date_dates_the_report_not_the_event():
    text = (
        "Caspian Pipeline Consortium Suspends Oil Loading After Storm\n\n"
        "By Staff Report in Business on 1 December 2023\n\nThe storm damaged a hose."
    )
    event = only(text, dt.date(2023, 12, 1))
    assert (event.action, event.start) == ("close", None)


def test_a_lifting_denied_cancels_nothing():
    text = "The CPC stopped loading on 19 February, and the storm restrictions have not been lifted yet."
    event = only(text, TUE)
    assert (event.action, event.start, event.status) == ("close", dt.date(2023, 2, 19), "new")


def test_the_condition_that_ends_a_closure_is_no_reopening():
    text = "The Suez Canal Authority said Thursday it was suspending navigation through the Suez Canal until the Ever Given is refloated."
    events = draft_scenario(text, published=dt.date(2021, 3, 25)).events
    assert [(e.asset, e.action, e.status) for e in events] == [("suez_canal", "close", "new")]


# ------------------------------------------------------------------ actions and assets


def test_a_reopening_that_could_not_happen_is_a_closure_that_goes_on():
    event = only("Ferries between Aktau and Baku could not resume sailing because of the storm.", dt.date(2022, 5, 9))
    assert (event.action, event.start, event.status) == ("close", None, "new")
    event = only("Паромы из Курыка так и не смогли возобновить движение из-за шторма.", dt.date(2022, 5, 9))
    assert (event.asset, event.action) == ("kuryk_port", "close")


def test_a_carrier_that_suspends_its_passage_reroutes_round_the_sea():
    event = only("Maersk suspends Red Sea operations after Houthi attack on its merchant ship", dt.date(2023, 12, 31))
    assert (event.action, event.scope) == ("reroute_out", "Maersk")


def test_a_partly_closed_crossing_is_derated_by_a_share_the_text_does_not_give():
    event = only("The Alashankou-Dostyk crossing will be partly closed for construction work.", dt.date(2023, 3, 27))
    assert (event.asset, event.action, event.fraction) == ("bx_ala_dostyk", "derate", None)


def test_two_days_joined_by_and_are_a_range():
    for text in (
        "All southbound traffic from Moyynty station will be suspended on 26 and 27 September.",
        "Движение через станцию Мойынты будет закрыто 26 и 27 сентября.",
    ):
        event = only(text, dt.date(2024, 9, 20))
        assert (event.asset, event.start, event.end) == ("moyynty", dt.date(2024, 9, 26), dt.date(2024, 9, 27))


def test_an_earlier_report_of_a_halt_is_news_not_history():
    text = "Ранее Каспийский трубопроводный консорциум (КТК) сообщил, что на его терминале из-за шторма остановлена погрузка."
    assert only(text, dt.date(2023, 11, 27)).action == "close"
    assert not new_events("Ранее порт Новороссийск уже закрывали из-за шторма.", dt.date(2023, 11, 27))


def test_the_station_is_the_one_named_in_the_sentence_before():
    text = (
        "KTZ extended its ban on container traffic to Dostyk until the end of the month. "
        '"Given the construction on the Dostyk-Moyynty section and the repairs at Moyynty station, '
        'the ban was extended," KTZ says. '
        "On top of that, all southbound traffic from the station will be suspended on 26 and 27 September."
    )
    stations = [e.asset for e in new_events(text, dt.date(2024, 9, 20)) if e.action == "close"]
    assert stations == ["moyynty"]


# ------------------------------------------------------------------ more ways to write a day

WED = dt.date(2025, 11, 26)


def test_days_written_other_ways():
    cases = {
        "Отгрузка на терминале КТК приостановлена с 10-го ноября.": dt.date(2025, 11, 10),
        "Loading at the CPC terminal was halted overnight on Sunday.": dt.date(2025, 11, 23),
        "Отгрузка на терминале КТК приостановлена в минувшее воскресенье.": dt.date(2025, 11, 23),
        "Отгрузка на терминале КТК приостановлена в прошлую пятницу.": dt.date(2025, 11, 21),
    }
    for text, day in cases.items():
        assert only(text, WED).start == day, text


# ------------------------------------------------------------------ written on reader-8


def test_a_limited_reopening_keeps_its_day_and_is_no_derate():
    text = (
        "CPC resumed limited loadings from the remaining mooring on Monday and is running at just over half capacity."
    )
    found = new_events(text, dt.date(2025, 12, 2))
    assert [(e.asset, e.start) for e in found if e.action == "reopen"] == [("cpc", dt.date(2025, 12, 1))]
    assert not [e for e in found if e.evidence["action"] == "limited"]


def test_a_disruption_told_as_still_holding_is_not_ended_by_a_reopening_of_the_rest():
    text = (
        "The SPM-2 mooring stays offline after a naval drone attack on Saturday. "
        "CPC resumed loadings from the remaining mooring on Monday."
    )
    events = {(e.asset, e.action): e.status for e in draft_scenario(text, published=dt.date(2025, 12, 2)).events}
    assert events[("cpc_spm2", "close")] == "new" and events[("cpc", "reopen")] == "new"


def test_a_halt_already_told_before_is_history():
    text = "Движение судов через пролив Дарданеллы уже приостанавливали 8 августа из-за пожара."
    assert not new_events(text, dt.date(2025, 8, 11))
    assert not new_events("The Dardanelles had already been closed on 8 August.", dt.date(2025, 8, 11))


def test_a_capital_that_speaks_is_its_government_not_the_asset():
    text = (
        "Drone attack stops Druzhba pipeline: Moscow vows to resume oil supplies to Hungary soon\n\n"
        "A drone hit a metering station of the Druzhba pipeline, stopping oil supplies to Hungary."
    )
    assert not [e for e in new_events(text, dt.date(2025, 3, 11)) if e.asset == "moscow"]


def test_midnight_on_a_day_starts_the_next_one():
    for text in (
        "Poland will shut its border with Belarus, railway crossings included, from midnight on Thursday.",
        "Poland will close the Brest-Malaszewicze crossing on Thursday at midnight.",
    ):
        assert only(text, dt.date(2025, 9, 9)).start == dt.date(2025, 9, 12), text  # published on a Tuesday
    # told afterwards, the midnight that began the day
    text = "Poland closed its border crossings with Belarus, including Brest-Malaszewicze, from midnight on Friday."
    assert only(text, dt.date(2025, 9, 12)).start == dt.date(2025, 9, 12)


def test_by_morning_dates_the_article_day():
    text = "Пролив Босфор закрыли для прохода судов. Туман сгустился над Босфором к утру."
    assert only(text, dt.date(2022, 10, 27)).start == dt.date(2022, 10, 27)


def test_the_day_a_measure_takes_effect_told_right_after_it():
    text = "The Alashankou-Dostyk crossing will be partly closed for construction work. It takes effect on 1 April."
    event = only(text, dt.date(2023, 3, 27))
    assert (event.action, event.start) == ("derate", dt.date(2023, 4, 1))


def test_names_the_network_writes_in_brackets_are_found_as_articles_write_them():
    event = only("Погрузка нефти на комплексе «Шесхарис» остановлена после атаки 14 ноября.", dt.date(2025, 11, 14))
    assert (event.asset, event.action) == ("novorossiysk_port", "close")
    event = only("Порт Алят закрыт для входа и выхода судов из-за ветра 4 февраля.", dt.date(2026, 2, 4))
    assert (event.asset, event.action) == ("baku_alat_port", "close")


def test_a_condition_or_a_plan_told_after_an_action_qualifies_only_what_follows_it():
    cases = {
        "Loading at the CPC terminal was halted on Tuesday and may resume on Friday.": ("close", "new"),
        "The Bosphorus was closed on Tuesday after a tanker broke down, threatening delays for dozens of ships.": (
            "close",
            "new",
        ),
        "The CPC halted loading on Tuesday, which could cut Kazakh output.": ("close", "new"),
        "Отгрузка на терминале КТК приостановлена во вторник, возобновить ее планируют в пятницу.": ("close", "new"),
    }
    for text, (action, status) in cases.items():
        found = draft_scenario(text, published=dt.date(2025, 11, 26)).events
        assert (action, status) in [(e.action, e.status) for e in found], (text, found)
    # a condition that governs the action stays one
    assert draft_scenario("Loading at the CPC terminal will stop if the tanks fill up.", published=WED).events[
        0
    ].status == ("conditional")


def test_a_day_between_two_actions_goes_to_the_word_it_touches():
    text = "Отгрузка на терминале КТК приостановлена во вторник, возобновить ее планируют в пятницу."
    assert only(text, dt.date(2025, 11, 26)).start == dt.date(2025, 11, 25)


def test_reopenings_and_closures_written_as_states():
    cases = {
        "Движение судов через Босфор восстановлено.": ("bosphorus", "reopen"),
        "Навигация в Босфоре открыта.": ("bosphorus", "reopen"),
        "Пункт пропуска Тересполь — Брест вновь открыт для грузовых поездов.": ("bx_brest_malaszewicze", "reopen"),
        "КТК вернулся к штатной отгрузке нефти.": ("cpc", "reopen"),
        "CPC loadings normalised on Tuesday.": ("cpc", "reopen"),
        "Порт Актау не принимает суда из-за шторма.": ("aktau_port", "close"),
        "Суда не могут войти в порт Поти из-за шторма.": ("poti_port", "close"),
        "Ships could not enter the port of Poti because of the storm.": ("poti_port", "close"),
        "Погрузка танкеров в Новороссийске не ведется с воскресенья.": ("novorossiysk_port", "close"),
        "Паромы из Курыка в Алят не выходят с 12 января.": ("cs_kuryk_alat_ferry", "close"),
        "The Strait of Istanbul is open to transit again.": ("bosphorus", "reopen"),
        "Cargo trains are running again between Tbilisi and Batumi.": ("ge_tbilisi_batumi", "reopen"),
        "Запрет на погрузку зерна через Алтынколь снят.": ("altynkol", "reopen"),
        "Ограничения на прием контейнеров на Достык отменены.": ("dostyk", "reopen"),
    }
    for text, (asset, action) in cases.items():
        event = only(text, dt.date(2025, 11, 26))
        assert (event.asset, event.action) == (asset, action), text


def test_a_reroute_goes_to_the_place_after_to_even_past_a_generic_noun():
    cases = {
        "Часть казахстанской нефти перенаправлена с КТК на нефтепровод Атасу — Алашанькоу.": (
            "kz_atasu_alashankou",
            "reroute_in",
        ),
        "Грузы перенаправлены с Достыка на Алтынколь.": ("altynkol", "reroute_in"),
        "Казахстан перенаправил нефть из КТК.": ("cpc", "reroute_out"),
        "Freight to China will be sent through the Altynkol-Khorgos crossing instead.": ("altynkol", "reroute_in"),
    }
    left = {"Часть": ("cpc", "reroute_out"), "Грузы": ("dostyk", "reroute_out")}  # 'с КТК на ...': both ends
    for text, expected in cases.items():
        got = {(e.asset, e.action) for e in new_events(text, dt.date(2025, 11, 26))}
        assert got == {expected, *([left[text.split()[0]]] if text.split()[0] in left else [])}, text


# ------------------------------------------------------------------ written on reader-9


def test_a_second_or_third_day_of_a_halt_dates_its_start():
    cases = {
        "Уже второй день на терминале в Усть-Луге не грузят нефть.": dt.date(2024, 1, 21),
        "The port of Poti was closed for a third straight day.": dt.date(2024, 1, 20),
    }
    for text, day in cases.items():
        assert only(text, dt.date(2024, 1, 22)).start == day, text


def test_talks_on_a_resumption_are_no_resumption():
    for text in (
        "Talks are under way to restore passenger rail links between Georgia and Azerbaijan.",
        "Resumption of Baku-Tbilisi railway communication discussed",
        "Грузия и Азербайджан обсуждают возобновление движения поездов Баку — Тбилиси.",
    ):
        assert not new_events(text, dt.date(2021, 6, 7)), text


def test_an_aside_before_the_action_neither_conditions_nor_sizes_it():
    cases = {
        "The CPC pipeline, which could lose half its capacity, halted loading on Monday.": ("close", 1.0),
        "КТК, через который может идти до 80% экспорта, приостановил отгрузку в понедельник.": ("close", 1.0),
        "Turkey, fearing a spill, closed the Bosphorus on Monday.": ("close", 1.0),
    }
    for text, (action, fraction) in cases.items():
        event = only(text, dt.date(2025, 3, 31))
        assert (event.action, event.fraction, event.status) == (action, fraction, "new"), text
    assert draft_scenario("The Bosphorus could be closed on Monday.", published=WED).events[0].status == "conditional"


def test_until_the_end_of_a_month_ends_the_measure_and_zakroet_closes():
    june = dt.date(2024, 6, 3)
    for text in (
        "The ban on container trains to Dostyk was extended until the end of June.",
        "Запрет на прием контейнеров на Достык продлен до конца месяца.",
    ):
        event = only(text, june)
        assert (event.action, event.end) == ("transit_ban", dt.date(2024, 6, 30)), text
    event = only("Польша закроет границу с Беларусью с полуночи 12 июня.", june)
    assert (event.asset, event.action, event.start) == ("bx_brest_malaszewicze", "close", dt.date(2024, 6, 12))


def test_a_month_abbreviation_is_not_the_start_of_a_name():
    # 'from Novorossiisk' is no November (which made the halt two months old: background)
    text = "NOVOROSSIISK, Jan 15 (Reuters) - Russia suspended oil loadings from Novorossiisk, traders said on Monday."
    assert only(text, dt.date(2024, 1, 15)).status == "new"
    # 'from Jan. 12' is a day, not the month of January
    event = draft_scenario(
        "Loadings at Novorossiysk were halted from Jan. 12 to Jan. 14.", published=dt.date(2024, 1, 15)
    ).events[0]
    assert (event.start, event.end) == (dt.date(2024, 1, 12), dt.date(2024, 1, 14))


# ------------------------------------------------------------------ shares


def test_k_of_the_cpcs_three_moorings_derates_the_moorings():
    for text in (
        "Two of the three CPC moorings were halted.",
        "The CPC halted two of its three moorings.",
        "КТК остановил два из трех ВПУ.",
        "The CPC is loading oil at only one of its three moorings.",  # one working: two out
    ):
        event = only(text, dt.date(2024, 1, 15))
        assert (event.asset, event.action, round(event.fraction, 3)) == ("cpc_moorings", "derate", 0.667), text


def test_shares_written_as_capacity_or_as_a_fall_in_units():
    assert only("The port of Aktau is operating at half capacity.", dt.date(2024, 1, 15)).fraction == 0.5
    text = "Loadings at the CPC were reduced to 1 million barrels per day from 1.5 million."
    assert round(only(text, dt.date(2024, 1, 15)).fraction, 3) == 0.333


# ------------------------------------------------------------------ traps


def test_a_denial_or_a_demand_is_no_event():
    for text in (
        "The CPC denied reports that loadings had been suspended.",
        "КТК опроверг сообщения о приостановке отгрузки.",
        "Rosprirodnadzor demanded that the CPC suspend operations.",
        "Росприроднадзор потребовал приостановить работу терминала КТК.",
    ):
        assert not new_events(text, dt.date(2024, 1, 15)), text
    # a halt made on a demand is an event
    assert only("По требованию Росприроднадзора отгрузка на терминале КТК приостановлена.", dt.date(2024, 1, 15))


def test_one_unnumbered_mooring_out_is_a_third_of_the_moorings():
    for text in (
        "Беспилотники полностью вывели из строя причальное устройство терминала КТК.",
        "A naval drone damaged one of the CPC moorings.",
    ):
        event = only(text, dt.date(2025, 11, 29))
        assert (event.asset, event.action, round(event.fraction, 3)) == ("cpc_moorings", "derate", 0.333), text


def test_a_weekday_is_no_misspelt_place():
    assert not new_events(
        "The strait was closed for six hours on Sunday.", dt.date(2024, 1, 15)
    )  # not the Sunda Strait


def test_a_closure_whose_stated_length_has_run_out_is_over():
    event = draft_scenario(
        "On Jan. 5, the port of Poti was closed for two days.", published=dt.date(2024, 1, 15)
    ).events[0]
    assert (event.action, event.status) == ("close", "ended")


def test_a_day_before_a_comma_stays_with_the_verb_before_it():
    text = "The CPC resumed loadings on Monday, after halting them on Jan. 12 because of a storm."
    found = {e.action: e.start for e in draft_scenario(text, published=dt.date(2024, 1, 15)).events}
    assert found == {"reopen": dt.date(2024, 1, 15), "close": dt.date(2024, 1, 12)}


def test_a_denial_plan_or_talk_after_a_comma_leaves_the_action_before_it_alone():
    for text in (
        "The CPC halted loadings on Monday, denying that the terminal was damaged.",
        "КТК приостановил отгрузку в понедельник, опровергнув сообщения о повреждении терминала.",
        "Отгрузка на терминале КТК приостановлена в понедельник, ситуацию обсуждают в правительстве.",
        "Loadings at the CPC terminal were halted on Monday after Rosprirodnadzor demanded that the company fix violations.",
    ):
        assert only(text, dt.date(2024, 1, 15)).action == "close", text
    # a condition still reaches back past its comma
    text = "Отгрузку на терминале КТК возобновят, как только позволит погода."
    assert draft_scenario(text, published=dt.date(2024, 1, 15)).events[0].status == "conditional"
