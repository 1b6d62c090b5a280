"""The built-in Eurasian dataset: coverage, a source for every number, plausible answers."""

from __future__ import annotations

import math

import pytest

from corridor import NoRouteError, shortest_route
from corridor.analysis import Option, compare_routes
from corridor.network import TABLES, schema_for, split_source

PLACES = ["Xi'an", "Chongqing", "Urumqi", "Lianyungang", "Shanghai", "Małaszewicze", "Duisburg", "Hamburg",
          "Rotterdam", "Constanta", "Istanbul", "Aktau", "Kuryk", "Baku port", "Poti", "Batumi", "Tengiz",
          "Novorossiysk", "Ceyhan", "Samara"]  # fmt: skip


def test_size_and_places(eurasia):
    assert len(eurasia.nodes) >= 60
    for place in PLACES:
        eurasia.resolve_node(place)


def test_required_parts_of_the_network_exist(eurasia):
    links = set(eurasia.links["id"])
    for link in ("cpc_spm1", "cpc_spm2", "cpc_spm3", "ru_atyrau_samara", "kz_atasu_alashankou",
                 "cs_aktau_sangachal_tanker", "btc_sangachal_ceyhan", "cs_kuryk_alat_ferry", "cs_turkmenbashi_alat_ferry",
                 "bx_ala_dostyk", "bx_hor_altynkol", "bx_brest_malaszewicze", "ge_akhalkalaki_gauge",
                 "bs_poti_constanta", "bs_batumi_constanta", "sea_bab_suez", "sea_cape_rtm"):  # fmt: skip
        assert link in links, link
    modes = set(eurasia.links["mode"])
    assert {"rail", "sea", "caspian_ferry", "pipeline", "border", "transshipment"} <= modes
    gauge_changes = eurasia.links[eurasia.links["gauge_mm"].str.contains("/")]
    assert {"bx_ala_dostyk", "bx_hor_altynkol", "bx_brest_malaszewicze", "ge_akhalkalaki_gauge"} <= set(
        gauge_changes["id"]
    )


def _value_given(value: object) -> bool:
    if isinstance(value, float):
        return not math.isnan(value)
    return value not in ("", ())


def test_every_number_has_a_source(eurasia):
    """Each number in the dataset names a source id or says 'assumption: <reason>'."""
    missing = []
    for table in TABLES:
        schema = schema_for(table)
        frame = eurasia.tables()[table]
        for col in schema.columns:
            needs = [n for n in (col.check_arg("needs") or "").split("|") if n.endswith("source")]
            if col.dtype != "float" or not needs:
                continue
            for i, (value, source) in enumerate(zip(frame[col.name], frame[needs[0]], strict=True)):
                if not _value_given(value) or (col.default and value == float(col.default)):
                    continue
                ids, reason = split_source(source)
                if not ids and not reason:
                    missing.append(f"{table}.csv row {i + 2}: {col.name}")
    assert missing == []


def test_assumptions_give_reasons_and_sources_are_listed(eurasia):
    listed = set(eurasia.sources["id"])
    cited = set()
    for table, frame in eurasia.tables().items():
        for col in schema_for(table).columns:
            if col.dtype != "source":
                continue
            for cell in frame[col.name]:
                ids, reason = split_source(cell)
                cited.update(ids)
                assert reason is None or len(reason) > 10, f"{table}.{col.name}: thin reason {reason!r}"
    assert cited <= listed
    for row in eurasia.sources.itertuples(index=False):
        if row.id in cited:
            assert row.title and row.url, f"source {row.id} lacks a title or an address"


def test_northern_middle_and_sea_routes_are_plausible(eurasia):
    northern, middle, sea = (
        o.route
        for o in compare_routes(
            eurasia,
            "Xi'an",
            "Duisburg",
            [
                Option("n", via=("northern_rail",)),
                Option("m", via=("caspian_crossing", "btk", "budapest")),  # the all-rail Middle Corridor
                Option("s", via=("suez_canal",)),
            ],
        )
    )
    assert northern is not None and middle is not None and sea is not None
    # published: Xi'an-Duisburg 12-14 days standard, 18-20 days terminal to terminal (S43)
    assert 12 <= northern.time_days <= 22
    # published: Middle Corridor 18-23 days (2023), 30 days Xi'an-Duisburg observed in 2024 (S44, R107)
    assert 18 <= middle.time_days <= 35
    # published: 30-45 days by sea (R81)
    assert 30 <= sea.time_days <= 48
    # published: westbound rail 6,000-8,000 USD per FEU (S46), 5,900-10,000 in 2020-21 (S86); per TEU, half
    assert 2_000 <= northern.cost_usd <= 5_000
    # the dataset's prices are 2021's, when Asia-Europe spot rates (about 7,500 USD per FEU on
    # average, S68) made the sea no cheaper than rail through Russia
    assert northern.cost_usd < middle.cost_usd and sea.cost_usd > 3_000
    assert northern.countries[:2] == ("CN", "KZ") and "RU" in northern.countries and "BY" in northern.countries
    assert "AZ" in middle.countries and "RU" not in middle.countries
    assert "EG" in sea.countries


def test_russia_and_belarus_barred(eurasia):
    with pytest.raises(NoRouteError) as info:
        shortest_route(eurasia, "Xi'an", "Duisburg", via=["northern_rail"], avoid=["RU", "BY"])
    assert "avoid RU" in info.value.cut_by
    r = shortest_route(eurasia, "Xi'an", "Duisburg", avoid=["RU", "BY"], by="time")
    assert not {"RU", "BY"} & set(r.countries)


def test_crude_outlets(eurasia):
    cpc = shortest_route(eurasia, "Tengiz", "crude_markets", commodity="crude_oil")
    assert "cpc_tengiz_atyrau" in cpc.links
    # CPC 38 USD/t (S27) plus about 14 USD/t of tanker freight to the Mediterranean (S34)
    assert 40 <= cpc.cost_usd <= 65
    without = shortest_route(eurasia, "Tengiz", "crude_markets", commodity="crude_oil", avoid=["cpc"])
    assert not set(without.links) & {"cpc_tengiz_atyrau", "cpc_spm1", "cpc_spm2", "cpc_spm3"}
    assert without.cost_usd > cpc.cost_usd
    btc = shortest_route(eurasia, "Tengiz", "crude_markets", commodity="crude_oil", avoid=["cpc", "RU"])
    assert "btc_sangachal_ceyhan" in btc.links
    assert btc.capacity_per_year is not None and btc.capacity_per_year < 10e6


def test_cpc_moorings_share_the_load(eurasia):
    r = shortest_route(eurasia, "Tengiz", "augusta_port", commodity="crude_oil", via=["cpc_moorings"])
    # three moorings of 3.5 Mt/month together (126 Mt/y) do not bind; the Kazakh pipeline intake (72.5 Mt/y) does
    assert r.capacity_per_year == pytest.approx(72.5e6)
    closed = shortest_route(eurasia, "Tengiz", "augusta_port", commodity="crude_oil", avoid=["cpc_spm2", "cpc_spm3"])
    assert closed.capacity_per_year == pytest.approx(42e6)
    assert closed.bottleneck == "cpc_spm1"
