"""The sea market by month (``sea-rates.csv``)."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor import DataError
from corridor.analysis.calibrate import measures
from corridor.analysis.market import load_sea_rates, sea_factors, sea_market_on
from corridor.analysis.yearly import day_pieces, market_network_on
from corridor.flow import assign, load_demand
from corridor.network import network_on


def test_a_month_scales_head_haul_and_back_haul_by_the_published_rates(eurasia) -> None:  # type: ignore[no-untyped-def]
    # June 2023: Shanghai-Rotterdam 1,349 and Rotterdam-Shanghai 570 USD per FEU (H15) against 10,000 and 1,550
    assert sea_factors(dt.date(2023, 6, 1)) == pytest.approx((1349 / 10000, 570 / 1550))
    assert sea_factors(dt.date(2022, 6, 1)) is None  # 2022's rates are the sanctions-2022 scenario's
    before, after = eurasia.tariffs, sea_market_on(eurasia, dt.date(2023, 6, 1)).tariffs
    headed = (before["commodity"] == "container") & (before["heading"] != "")
    ratio = after.loc[headed, "usd_per_unit_km"] / before.loc[headed, "usd_per_unit_km"]
    west = before.loc[headed, "heading"] == "westbound"
    assert ratio[west].to_numpy() == pytest.approx(1349 / 10000)
    assert ratio[~west].to_numpy() == pytest.approx(570 / 1550)
    assert after.loc[~headed, "usd_per_unit_km"].equals(before.loc[~headed, "usd_per_unit_km"])


def test_a_year_is_cut_at_each_month_of_the_market_and_each_change_of_the_network(eurasia) -> None:  # type: ignore[no-untyped-def]
    pieces = day_pieces(eurasia, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    starts = [a for a, _ in pieces]
    assert dt.date(2024, 5, 20) in starts  # BTK upgraded (R108)
    assert dt.date(2024, 12, 17) in starts  # the Caspian crossing grew (R11)
    assert all(dt.date(2024, m, 1) in starts for m in range(1, 13))
    assert sum((b - a).days + 1 for a, b in pieces) == 366


def test_cheap_sea_draws_boxes_off_the_caspian(eurasia) -> None:  # type: ignore[no-untyped-def]
    demand = load_demand(eurasia, year=2023)
    day = dt.date(2023, 6, 1)
    with_2021_rates = measures(eurasia, assign(network_on(eurasia, day), demand))
    with_the_market = measures(eurasia, assign(market_network_on(eurasia, day), demand))
    # mid-2023 Asia-Europe rates (H15) were an eighth of 2021's: boxes to Turkey and beyond go by sea
    assert with_the_market["caspian_teu"] < with_2021_rates["caspian_teu"]


def test_a_bad_rates_file_names_its_rows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sea-rates.csv"
    path.write_text(
        "month,westbound_usd_per_feu,eastbound_usd_per_feu,source,note\n"
        "2021,10000,1550,S68,\n"
        "2023-13,1000,500,H14,\n"
        "2023-05,-1,500,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_sea_rates(path)
    text = [str(p) for p in info.value.problems]
    assert any("row 3" in t and "2023-13" in t for t in text)
    assert any("row 4" in t and "westbound_usd_per_feu" in t for t in text)
    assert any("row 4" in t and "source" in t for t in text)
