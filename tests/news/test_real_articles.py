"""The rules added for full-length real articles, one class at a time, on short texts written in
the way the corpus articles are: reopenings in both languages, the asset that acts, partial
scope, dates without a year, weekdays, ranges, a day carried from another sentence, the status
'ended', and each trap class. Then the draft -> validate -> accept round trip from a file with
front matter."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import EXIT_CODES, ScenarioError
from corridor.news import draft_scenario
from corridor.scenario import load_scenario


def new(text: str, day: dt.date) -> list:
    return [e for e in draft_scenario(text, published=day).events if e.status == "new"]


def only(text: str, day: dt.date):
    (e,) = new(text, day)
    return e


# ------------------------------------------------------------------ reopening, resuming, lifting


@pytest.mark.parametrize(
    "text",
    [
        "КТК возобновил отгрузку нефти на морском терминале 11 апреля.",
        "Отгрузку нефти на морском терминале КТК снова начали 11 апреля.",
        "Погранслужба Польши 11 апреля открыла переход Тересполь – Брест, заработали и железнодорожные пункты.",
        "The Caspian Pipeline Consortium restarted loadings at its marine terminal on 11 April.",
        "The ban on vessel movements in the port of Novorossiysk was lifted on 11 April.",
        "SPM-3 was put back into service on 11 April.",
    ],
)
def test_reopening_verbs_in_both_languages(text):
    e = only(text, dt.date(2024, 4, 12))
    assert e.action == "reopen" and e.start == dt.date(2024, 4, 11)


def test_an_overturned_order_reopens_what_it_suspended():
    e = only(
        "The regional court overturned the order suspending the Caspian Pipeline Consortium and replaced it with a fine.",
        dt.date(2022, 7, 11),
    )
    assert (e.asset, e.action) == ("cpc", "reopen")


def test_a_reopening_ends_the_closure_the_article_also_reports():
    text = (
        "КТК 9 апреля приостановил отгрузку на морском терминале для планового обслуживания. "
        "После завершения работ 11 апреля отгрузка на морском терминале КТК возобновлена."
    )
    events = draft_scenario(text, published=dt.date(2024, 4, 11)).events
    closed = next(e for e in events if e.action == "close")
    assert closed.status == "ended" and closed.start == dt.date(2024, 4, 9) and closed.end == dt.date(2024, 4, 11)
    assert next(e for e in events if e.action == "reopen").status == "new"


def test_a_ban_whose_stated_end_has_passed_is_ended():
    e = next(
        e
        for e in draft_scenario(
            "Kazakhstan Temir Zholy banned all types of cargo through Saryagash from November 22 to 24.",
            published=dt.date(2025, 11, 25),
        ).events
    )
    assert (e.asset, e.action, e.status) == ("kz_shu_tashkent", "transit_ban", "ended")
    assert (e.start, e.end) == (dt.date(2025, 11, 22), dt.date(2025, 11, 24))


# ------------------------------------------------------------------ the asset that acts or is acted on


def test_the_generic_noun_points_back_to_the_station_not_the_pipeline_named_later():
    text = (
        "On February 17 seven drones struck the Kropotkinskaya pumping station. "
        "The station is temporarily out of service, and oil is being pumped through the Tengiz-Novorossiysk "
        "pipeline at reduced rates."
    )
    events = {(e.asset, e.action) for e in new(text, dt.date(2025, 2, 17))}
    assert ("kropotkinskaya_ps", "close") in events and ("cpc", "derate") in events


def test_a_mooring_named_by_number_is_that_link():
    e = only("29 ноября безэкипажный катер повредил ВПУ-2 морского терминала КТК.", dt.date(2025, 12, 1))
    assert (e.asset, e.action, e.fraction, e.start) == ("cpc_spm2", "close", 1.0, dt.date(2025, 11, 29))
    assert e.parents[:1] == ("cpc_moorings",) and "cpc" in e.parents


def test_the_court_city_is_not_the_asset_suspended():
    e = only(
        "Приморский районный суд Новороссийска постановил на 30 суток приостановить деятельность компании КТК-Р.",
        dt.date(2022, 7, 6),
    )
    assert (e.asset, e.action, e.duration_days) == ("cpc", "close", 30)


def test_oil_redirected_after_an_attack_on_the_cpc_is_rerouted_away_from_it():
    e = only(
        "Казахстан экстренно перенаправил экспортные объемы нефти на альтернативные маршруты после атаки на КТК.",
        dt.date(2025, 11, 29),
    )
    assert (e.asset, e.action) == ("cpc", "reroute_out")


def test_rail_traffic_between_two_cities_is_the_main_line():
    e = only("В Грузии восстановлено железнодорожное сообщение между Тбилиси и западом страны.", dt.date(2023, 7, 3))
    assert (e.asset, e.action) == ("ge_main_line", "reopen")


# ------------------------------------------------------------------ partial scope


@pytest.mark.parametrize(
    ("text", "asset", "action", "scope"),
    [
        (
            "Отправка поездов из стран Центральной Азии в порт Курык запрещена до 20 ноября.",
            "kuryk_port",
            "transit_ban",
            "Центральной Азии",
        ),
        ("KTZ limited grain container trains to Altynkol to three a day.", "altynkol", "derate", "a day"),
        (
            "Maersk paused all transits through the Bab el-Mandeb until further notice.",
            "bab_el_mandeb",
            "reroute_out",
            "Maersk",
        ),
    ],
)
def test_partial_scope_is_kept_as_scope(text, asset, action, scope):
    e = only(text, dt.date(2025, 11, 3))
    assert (e.asset, e.action) == (asset, action) and scope in (e.scope or "")
    assert e.fraction is None  # a share of the whole asset the article does not give


def test_the_scenario_draft_asks_to_review_a_scoped_event(tmp_path):
    from corridor.news import draft_scenario_yaml

    text = draft_scenario_yaml(
        draft_scenario("KTZ limited grain container trains to Altynkol to three a day.", published=dt.date(2025, 11, 3))
    )
    assert "scope:" in text and "whole asset" in text


# ------------------------------------------------------------------ dates


def test_a_day_and_month_without_a_year_take_the_publication_year_nearest():
    e = only("КТК 29 декабря приостановил перевалку нефти на морском терминале.", dt.date(2026, 1, 2))
    assert e.start == dt.date(2025, 12, 29)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("The CPC terminal stopped loading on Monday because of a storm.", dt.date(2023, 11, 27)),
        ("Суд в понедельник снял запрет на перевалку нефти КТК.", dt.date(2023, 11, 27)),
        ("Poland will close its border with Belarus on Thursday.", dt.date(2023, 11, 30)),  # told ahead: the next one
    ],
)
def test_weekdays_are_read_against_the_publication_day(text, day):
    assert only(text, dt.date(2023, 11, 28)).start == day


def test_a_night_from_one_day_to_the_next_starts_the_second():
    e = only(
        "Poland will close the rail crossing between Brest and Malaszewicze at midnight, from Thursday to Friday.",
        dt.date(2025, 9, 9),
    )
    assert e.start == dt.date(2025, 9, 12)


def test_a_range_gives_start_and_end():
    e = only("КТЖ с 4 по 8 сентября приостановит прием грузов назначением на станцию Достык.", dt.date(2023, 9, 2))
    assert (e.action, e.start, e.end) == ("transit_ban", dt.date(2023, 9, 4), dt.date(2023, 9, 8))


def test_until_further_notice_is_an_open_end():
    e = only(
        "КТК приостановил перевалку нефти на морском терминале до нормализации погодной обстановки.",
        dt.date(2025, 12, 30),
    )
    assert e.until_further_notice and e.end is None


def test_the_day_of_the_incident_dates_the_outage_told_in_the_next_sentence():
    text = "18 января на месторождении Тенгиз произошел пожар. «Тенгизшевройл» приостановил добычу на Тенгизе."
    assert only(text, dt.date(2026, 1, 21)).start == dt.date(2026, 1, 18)


def test_a_dateline_is_the_report_not_the_event():
    e = only(
        "MOSCOW, December 2. /TASS/. Loadings from SPM-2 of the CPC have been suspended indefinitely.",
        dt.date(2025, 12, 2),
    )
    assert e.start is None and e.until_further_notice


def test_each_field_has_a_confidence():
    e = only("КТК 29 декабря приостановил перевалку нефти на морском терминале.", dt.date(2025, 12, 30))
    assert set(e.confidences) >= {"asset", "action", "fraction", "start", "status"}
    assert all(0 <= v <= 1 for v in e.confidences.values()) and e.confidences["start"] > 0.5
    assert e.published == dt.date(2025, 12, 30) and e.action_class == "disruption"


# ------------------------------------------------------------------ traps


@pytest.mark.parametrize(
    "text",
    [
        # a fine
        "The court fined the Caspian Pipeline Consortium 200,000 roubles for documentary violations.",
        # a denial
        "Минэнерго Казахстана заявило, что отгрузка через «Шесхарис» шла в штатном режиме и ограничена не была.",
        # a condition
        "Если шторм усилится, паромные рейсы Алят - Курык могут быть задержаны.",
        # an intention, a plan
        "В 2026 году КТК планирует заменить ВПУ-1 и ВПУ-2 новыми выносными причалами.",
        "The new hub will allow the port of Aktau to cut delivery times by 20%.",
        # history restated
        "As a reminder, faults were found on SPM-3 and SPM-2 after bad weather on 21 and 22 March 2022.",
        "В прошлый раз объекты КТК попали под удар 25 ноября, тогда погрузку остановили на один день.",
        # a forecast
        "К концу недели КТК полностью заработает, сказал министр.",
        # an asset the network lacks
        "Работа административного офиса КТК в Новороссийске временно приостановлена.",
        "Автомобильные пункты пропуска Достык и Нур Жолы не будут работать 16 и 17 декабря.",
        # passenger trains only
        "Из-за непогоды 3 и 4 января отменены пассажирские поезда Грузинской железной дороги.",
        # a storm warning is not a condition, but 'will resume once the fog clears' is
        "Navigation in the Dardanelles will resume once the fog clears.",
    ],
)
def test_traps_give_no_new_event(text):
    assert new(text, dt.date(2025, 12, 15)) == []


def test_a_fine_that_replaces_a_suspension_is_no_closure():
    events = new(
        "The court replaced the suspension of the Caspian Pipeline Consortium with a fine of 200,000 roubles.",
        dt.date(2022, 7, 11),
    )
    assert [e for e in events if e.action == "close"] == []


def test_a_place_the_network_lacks_is_listed_not_drafted():
    draft = draft_scenario(
        "Lithuania stopped the transit of coal to Kaliningrad today.", published=dt.date(2022, 7, 11)
    )
    assert [e for e in draft.events if e.status == "new"] == []
    assert any("Kaliningrad" in u for u in draft.unknowns)


# ------------------------------------------------------------------ draft -> validate -> accept


ARTICLE = """---
published: 2025-12-02
source: https://tass.com/economy/2052441
---
TASS  Economy  December 2, 12:15

Shipments from CPC's SPM-2 suspended indefinitely after attack

MOSCOW, December 2. /TASS/. Crude loadings from the second single point mooring (SPM-2) of the Caspian
Pipeline Consortium have been suspended indefinitely after an attack by unmanned surface craft on the
night of November 29, Transneft said.

Read also: Russian oil exports via Baltic ports steady in November (Nov 28)
"""


def test_draft_validate_accept_round_trip(tmp_path, eurasia):
    article = tmp_path / "article.md"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(app, ["news", "draft", str(article), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "share lost" in result.output and "share left" in result.output
    check = CliRunner().invoke(app, ["scenario", "validate", str(out)])
    assert check.exit_code == EXIT_CODES[ScenarioError] and "needs review" in check.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    (event,) = data["events"]
    assert (event["type"], event["target"], event["start"]) == ("close", "cpc_spm2", dt.date(2025, 11, 29))
    assert "share left 0" in event["note"]
    for e in data["events"]:
        e.pop("review", None)  # a person accepts what is written
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_scenario(out, eurasia).events[0].target == "cpc_spm2"
    assert CliRunner().invoke(app, ["scenario", "validate", str(out)]).exit_code == 0


def test_a_number_after_a_name_is_a_unit_but_a_day_is_not():
    assert only("SPM 3 was taken out of service today.", dt.date(2024, 3, 6)).asset == "cpc_spm3"
    e = only("КТК 4 марта приостановил отгрузку на морском терминале.", dt.date(2024, 3, 6))
    assert (e.asset, e.fraction, e.start) == ("cpc", 1.0, dt.date(2024, 3, 4))


def test_a_day_before_a_verb_of_saying_dates_the_report():
    e = only("КТК 4 марта сообщил, что отгрузка на терминале приостановлена.", dt.date(2024, 3, 6))
    assert e.action == "close" and e.start is None
