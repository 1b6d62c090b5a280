"""The impact as people read it: each figure with its unit and period, zero rows left out."""

from __future__ import annotations

from corridor.web.export import impact_summary, impact_tables

OLD = {
    "scenario": "x",
    "delta_cost_usd": 2.0e9,
    "delta_transport_cost_usd": -1.0e8,
    "delta_time_cost_usd": 0.0,
    "waiting_cost_usd": 1.0e6,
    "stranded": {"crude_oil": 3.0e6, "coal": 0.0, "container": 0.0},
    "stranded_value_usd": 2.1e9,
    "days_to_clear_backlog": 42.0,
    "oil": {"output_cut_bbl_per_day": 0.0, "days_cut": 0.0, "output_cut_bbl": 0.0, "revenue_deferred_usd": 0.0},
    "bottlenecks": [
        {"element": "a", "name": "A link", "dimension": "train", "shadow_price_usd": 9.0e5},
        {"element": "a", "name": "A link", "dimension": "train", "shadow_price_usd": 8.0e5},
        {"element": "b", "name": "B link", "dimension": "t", "shadow_price_usd": 5.0},
    ],
    "corridors": [
        {"group": "cpc", "commodity": "crude_oil", "before": 5.0, "after": 1.0, "moved": -4.0e6},
        {"group": "aktau_kuryk", "commodity": "container", "before": 2.0, "after": 2.0, "moved": -4.5e-13},
    ],
    "dependency": [],
    "horizon": {"start": "2022-07-01", "end": "2022-08-31"},
    "units": {"crude_oil": "t", "container": "teu", "coal": "t"},
    "group_names": {"cpc": "CPC pipeline"},
}


def test_every_row_has_a_unit_and_the_period_and_no_row_is_zero():
    rows = impact_summary(OLD)
    assert rows[0]["figure"] == "total change in cost" and rows[0]["unit"] == "USD"
    assert all(r["unit"] and r["period"] == "01 Jul 2022 to 31 Aug 2022 (62 days)" for r in rows)
    figures = [r["figure"] for r in rows]
    assert not any("coal" in f or "time cost" in f or "output cut" in f for f in figures)  # zeros left out
    assert figures.count("bottleneck: A link") == 1 and "bottleneck: B link" in figures
    assert "CPC pipeline loses (crude oil)" in figures and not any("aktau" in f for f in figures)


def test_the_disruptions_own_cost_leads_when_the_impact_gives_it():
    new = {**OLD, "disruption_cost_usd": 1.5e9, "market_cost_usd": 5.0e8,
           "oil": {"deferred_value_usd": 1.4e9, "lost_value_usd": 0.0, "carrying_cost_usd": 2.0e7},
           "bottlenecks": [{"element": "b", "name": "B link", "rent_usd": 3.0e6, "rent_change_usd": 2.0e6},
                           {"element": "a", "name": "A link", "rent_usd": 9.0e6, "rent_change_usd": 1.0e6}],
           "periods": [{"start": "2022-07-01", "end": "2022-07-07", "corridor": "cpc", "direction": "west",
                        "teu": 0.0, "t": 1.23456}]}  # fmt: skip
    rows = impact_summary(new)
    assert [r["figure"] for r in rows[:3]] == ["cost of the disruption", "crude revenue deferred",
                                               "carrying cost of deferred revenue"]  # fmt: skip
    assert rows[1]["level"] == 1 and "crude output never produced" not in [r["figure"] for r in rows]
    shown = [r["figure"] for r in rows if r["figure"].startswith("bottleneck")]
    assert shown == ["bottleneck: B link", "bottleneck: A link"]  # ranked as the library ranks them
    tables = impact_tables(new)
    assert tables["periods"].columns.tolist() == [
        "Period start",
        "Period end",
        "corridor",
        "direction",
        "TEU",
        "Tonnes",
    ]
    assert tables["periods"]["Tonnes"].tolist() == [1.23]


def test_the_workbook_has_readable_headers_and_rounded_figures():
    tables = impact_tables(OLD)
    assert tables["summary"].columns.tolist() == ["Figure", "Value", "Unit", "Period"]
    corridors = tables["corridors"]
    assert "Unit" in corridors.columns and corridors["Moved (after - before)"].tolist() == [-4.0e6, 0.0]
    raw = impact_tables(OLD, readable=False)["corridors"]
    assert raw.columns.tolist()[:3] == ["group", "commodity", "unit"]
