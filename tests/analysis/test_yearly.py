"""Assignments over a year of dated networks (``assign --year``)."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor.analysis.calibrate import measures
from corridor.analysis.yearly import assign_span, assign_year, day_pieces, market_network_on
from corridor.flow import assign, demand_from_frame, load_demand
from corridor.network import group_members


def caspian_teu(net, result) -> float:  # type: ignore[no-untyped-def]
    _, links = group_members(net, "caspian_crossing")
    f = result.flows
    return float(f.loc[(f["commodity"] == "container") & f["link"].isin(links), "flow_per_year"].sum())


def on_link(result, link: str) -> float:  # type: ignore[no-untyped-def]
    f = result.flows
    return float(f.loc[f["link"] == link, "flow_per_year"].sum())


def test_2023_moves_more_containers_across_the_caspian_than_2021(eurasia) -> None:  # type: ignore[no-untyped-def]
    y2021, _ = assign_year(eurasia, 2021)
    y2023, _ = assign_year(eurasia, 2023)
    assert caspian_teu(eurasia, y2023) > caspian_teu(eurasia, y2021)


def test_atyrau_samara_carries_its_published_2021_volume(eurasia) -> None:  # type: ignore[no-untyped-def]
    result, _ = assign_year(eurasia, 2021)
    # 8 Mt through Atyrau-Samara (R46; about 11 Mt a year in May 2022, H1); BTC carries Azerbaijan's crude
    assert on_link(result, "ru_atyrau_samara") == pytest.approx(8.0e6, rel=0.15)
    assert on_link(result, "btc_sangachal_ceyhan") >= 25e6


def test_a_span_is_the_day_weighted_mean_of_its_stretches(eurasia) -> None:  # type: ignore[no-untyped-def]
    demand = load_demand(eurasia, year=2022)
    start, end = dt.date(2022, 8, 15), dt.date(2023, 1, 15)
    whole = assign_span(eurasia, demand, start, end)
    # cut where the Caspian feeders doubled (1 September 2022, L1) and where the CPC grew and
    # the sea market's months begin (1 January 2023)
    pieces = day_pieces(eurasia, start, end)
    assert pieces == [
        (dt.date(2022, 8, 15), dt.date(2022, 8, 31)),
        (dt.date(2022, 9, 1), dt.date(2022, 12, 31)),
        (dt.date(2023, 1, 1), dt.date(2023, 1, 15)),
    ]
    teu = [caspian_teu(eurasia, assign(market_network_on(eurasia, a), demand)) for a, _ in pieces]
    days = [(b - a).days + 1 for a, b in pieces]
    expected = sum(t * d for t, d in zip(teu, days, strict=True)) / sum(days)
    assert caspian_teu(eurasia, whole) == pytest.approx(expected, rel=1e-6)


def test_the_committed_crude_crosses_to_baku_for_btc_in_2023(eurasia) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2023, 6, 1)
    result = assign(market_network_on(eurasia, day), load_demand(eurasia, year=2023))
    # the 1.25 Mt committed to BTC (T1; T2; T3) take the tanker to Sangachal, the rest of Aktau's
    # 3.376 Mt (R37) the cheaper Makhachkala; KazTransOil counted 1.392 Mt to Baku (R37)
    assert on_link(result, "cs_aktau_sangachal_tanker") == pytest.approx(1.25e6, rel=0.01)
    assert on_link(result, "cs_aktau_sangachal_tanker") + on_link(result, "cs_aktau_makhachkala_tanker") == (
        pytest.approx(3.376e6, rel=0.01)
    )
    # validate-model's measures split Aktau's tankers by port, and by ten months for H3's 2024 figures
    got = measures(eurasia, result)
    assert got["aktau_makhachkala_crude_t"] == pytest.approx(on_link(result, "cs_aktau_makhachkala_tanker"))
    assert got["aktau_baku_crude_t_10m"] == pytest.approx(got["aktau_baku_crude_t"] * 10 / 12)


def test_the_routes_dry_cargo_crosses_beside_the_boxes_in_2023(eurasia) -> None:  # type: ignore[no-untyped-def]
    day = market_network_on(eurasia, dt.date(2023, 6, 1))
    demand = load_demand(eurasia, year=2023)
    result = assign(day, demand)
    f = result.flows
    grain = f[(f["commodity"] == "grain") & f["link"].str.startswith("cs_") & (f["to"] == "baku_alat_port")]
    # the route's 1.19 Mt of dry cargo (R88; R9; R37; K2) take the rail ferries
    assert float(grain["flow_per_year"].sum()) == pytest.approx(1.193e6, rel=0.01)
    # and leave nearly all the boxes where they were: the crossing's container slots, not the ferries,
    # bind them; the dry cargo takes a few ferry slots boxes would use (about 2,000 of 52,000 TEU)
    keys = ["origin", "destination", "commodity", "source", "note"]
    raw = demand.table.groupby(keys, as_index=False, sort=False)["quantity_per_year"].sum()
    without = demand_from_frame(eurasia, raw[~((raw["origin"] == "astana") & (raw["destination"] == "baku"))])
    boxes, boxes_without = caspian_teu(eurasia, result), caspian_teu(eurasia, assign(day, without))
    assert 0.95 * boxes_without <= boxes <= boxes_without
