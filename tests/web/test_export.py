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
    new = {**OLD, "disruption_cost_usd": 1.5e9, "market_cost_usd": -5.0e8, "delta_cost_usd": 1.0e9,
           "delta_lost_value_usd": 0.0, "delta_carrying_cost_usd": 2.0e7,
           "oil": {"deferred_value_usd": 1.4e9, "lost_value_usd": 0.0, "carrying_cost_usd": 2.0e7},
           "bottlenecks": [{"element": "b", "name": "B link", "rent_usd": 3.0e6, "rent_change_usd": 2.0e6},
                           {"element": "a", "name": "A link", "rent_usd": 9.0e6, "rent_change_usd": 1.0e6}],
           "periods": [{"period": 0, "start": "2022-07-01", "end": "2022-07-31", "days": 31, "delta_cost_usd": 5.0,
                        "directions": [{"direction": "westbound", "volume_teu": 0.0, "volume_t": 9.0,
                                        "stranded_teu": 0.0, "stranded_t": 1.0}],
                        "corridors": [{"corridor": "cpc", "direction": "westbound", "volume_teu": 0.0,
                                       "volume_t": 1.23456, "volume_teu_baseline": 0.0, "volume_t_baseline": 2.0}]}]}  # fmt: skip
    rows = impact_summary(new)
    figures = [r["figure"] for r in rows]
    assert figures[:3] == [
        "cost of the disruption",
        "cost of market conditions (rates, demand)",
        "total change in cost",
    ]
    assert "carrying cost of deferred output" in figures and "value of output lost for good" not in figures  # zero
    deferred = next(r for r in rows if r["figure"].startswith("crude deferred"))
    assert deferred["level"] == 0 and "not a cost" in deferred["figure"]  # shown, but not as a part of the cost
    shown = [r["figure"] for r in rows if r["figure"].startswith("bottleneck")]
    assert shown == ["bottleneck: B link", "bottleneck: A link"]  # ranked as the library ranks them
    periods = impact_tables(new)["periods"]
    assert {"Period start", "Corridor", "Direction", "Volume (t)", "Stranded (t)"} <= set(periods.columns)
    assert periods.loc[periods["Corridor"] == "cpc", "Volume (t)"].tolist() == [1.23]


def test_the_workbook_has_readable_headers_and_rounded_figures():
    tables = impact_tables(OLD)
    assert tables["summary"].columns.tolist() == ["Figure", "Value", "Unit", "Period"]
    corridors = tables["corridors"]
    assert "Unit" in corridors.columns and corridors["Moved (after - before)"].tolist() == [-4.0e6, 0.0]
    raw = impact_tables(OLD, readable=False)["corridors"]
    assert raw.columns.tolist()[:3] == ["group", "commodity", "unit"]


def test_a_ranged_impact_gives_its_rows_their_ranges():
    ranged = {
        **OLD,
        "ranges": {
            "delta_cost_usd": {"p10": 1.5e9, "p50": 2.1e9, "p90": 2.6e9},
            "stranded.crude_oil": {"p10": 2.0e6, "p50": 3.0e6, "p90": 3.5e6},
        },
    }
    rows = {r["figure"]: r for r in impact_summary(ranged)}
    assert (rows["total change in cost"]["p10"], rows["total change in cost"]["p90"]) == (1.5e9, 2.6e9)
    assert rows["crude oil stranded"]["p50"] == 3.0e6
    assert "p50" not in rows["days to clear the backlog"]  # no range: the point figure alone
    summary = impact_tables(ranged)["summary"]
    assert list(summary.columns[-3:]) == ["P10", "P50", "P90"]
    assert "p50" not in impact_summary(OLD)[0]
