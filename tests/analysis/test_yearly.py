"""Assignments over a year of dated networks (``assign --year``)."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor.analysis.yearly import assign_span, assign_year
from corridor.flow import assign, load_demand
from corridor.network import group_members, network_on


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
    demand = load_demand(eurasia, year=2023)
    start, cut, end = dt.date(2023, 1, 1), dt.date(2023, 5, 23), dt.date(2023, 12, 31)
    whole = assign_span(eurasia, demand, start, end)
    before = assign(network_on(eurasia, start), demand)
    after = assign(network_on(eurasia, cut), demand)
    days_before, days_after = (cut - start).days, (end - cut).days + 1
    expected = (caspian_teu(eurasia, before) * days_before + caspian_teu(eurasia, after) * days_after) / 365
    assert caspian_teu(eurasia, whole) == pytest.approx(expected, rel=1e-6)
