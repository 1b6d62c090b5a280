"""An impact as people read it: the summary figures with their units and period (what the page
shows), and the tables of the Excel export with readable headers, units and rounded figures.

It reads the impact's JSON (:meth:`corridor.analysis.Impact.to_dict`) and shows the newer
fields (``disruption_cost_usd`` and its parts, ``rent_change_usd``, ``periods``) when present.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["impact_summary", "impact_tables"]

MIN_SHOWN = 0.5
"""A figure smaller than this (in its own unit) is shown as nothing rather than a row of zeros."""
TOP_MOVED = 3
"""Corridors named in the summary as gaining or losing the most cargo."""
UNIT_NAMES = {"teu": "TEU", "t": "t"}

COST_PARTS = (
    ("delta_transport_cost_usd", "transport cost change (dearer or cheaper routes)"),
    ("delta_time_cost_usd", "shippers' time in transit and in queues"),
    ("waiting_cost_usd", "waiting cost of cargo held back"),
    ("delta_lost_value_usd", "value of output lost for good"),
    ("delta_carrying_cost_usd", "carrying cost of deferred output"),
)
"""The parts the total change is made of (they add up to it), as the impact gives them."""


def _period(result: dict[str, Any]) -> str:
    horizon = result.get("horizon") or {}
    if not horizon:
        return "the scenario's horizon"
    start, end = pd.Timestamp(horizon["start"]), pd.Timestamp(horizon["end"])
    days = (end - start).days + 1
    return f"{start:%d %b %Y} to {end:%d %b %Y} ({days} days)"


def _unit(result: dict[str, Any], commodity: str) -> str:
    unit = (result.get("units") or {}).get(commodity, "t")
    return UNIT_NAMES.get(str(unit), str(unit))


def _shown(value: Any) -> bool:
    return isinstance(value, int | float) and abs(value) >= MIN_SHOWN


def impact_summary(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The impact's figures as rows (figure, value, unit, period, level): the disruption's own
    cost first with its parts, then stranded cargo, oil, bottlenecks (once each, in the order
    given) and the corridors that gain or lose most; rows of zero are left out.

    ``level`` 1 marks a part of the row above it; ``id`` is the element or corridor a row is about.
    A ranged impact (``corridor impact --samples``: ``ranges`` in the result) adds ``p10``,
    ``p50`` and ``p90`` to the rows of the figures it gives ranges to.
    """
    period = _period(result)
    ranges = result.get("ranges") or {}
    rows: list[dict[str, Any]] = []

    def add(
        figure: str, value: Any, unit: str, level: int = 0, *, keep_zero: bool = False, ident: str = "", key: str = ""
    ) -> None:
        if value is None or not (keep_zero or _shown(value)):
            return
        row = {"figure": figure, "value": value, "unit": unit, "period": period, "level": level, "id": ident}
        rows.append({**row, **ranges.get(key, {})})

    oil = result.get("oil") or {}
    if "disruption_cost_usd" in result:
        add("cost of the disruption", result["disruption_cost_usd"], "USD", keep_zero=True, key="disruption_cost_usd")
        add("cost of market conditions (rates, demand)", result.get("market_cost_usd"), "USD", key="market_cost_usd")
        add("total change in cost", result.get("delta_cost_usd"), "USD", key="delta_cost_usd")
        for key, label in COST_PARTS:
            add(label, result.get(key), "USD", 1)
        add("crude deferred, at its value (shipped later: not a cost)", oil.get("deferred_value_usd"), "USD")
    else:
        add("total change in cost", result.get("delta_cost_usd"), "USD", keep_zero=True, key="delta_cost_usd")
        for key, label in COST_PARTS:
            add(label, result.get(key), "USD", 1)
        add("crude revenue deferred", oil.get("revenue_deferred_usd"), "USD", 1)
    for commodity, amount in (result.get("stranded") or {}).items():
        add(f"{commodity.replace('_', ' ')} stranded", amount, _unit(result, commodity), key=f"stranded.{commodity}")
    add("value of the cargo stranded", result.get("stranded_value_usd"), "USD")
    add("days to clear the backlog", result.get("days_to_clear_backlog"), "days")
    if _shown(oil.get("output_cut_bbl_per_day")):
        add("crude output cut", oil["output_cut_bbl_per_day"], "bbl/day")
        add("days of cut output", oil.get("days_cut"), "days", 1)
        add("crude output cut in all", oil.get("output_cut_bbl"), "bbl", 1)
    seen: set[str] = set()
    for row in result.get("bottlenecks") or []:
        element = str(row.get("element"))
        if element in seen:
            continue
        seen.add(element)
        name = row.get("name") or element
        if "rent_change_usd" in row:
            add(f"bottleneck: {name}", row["rent_change_usd"], "USD of rent (change)", keep_zero=True,
                ident=element)  # fmt: skip
        else:
            dimension = row.get("dimension") or "unit"
            add(f"bottleneck: {name}", row.get("shadow_price_usd"), f"USD per {dimension} a year", keep_zero=True,
                ident=element)  # fmt: skip
        if len(seen) == TOP_MOVED:
            break
    groups = result.get("group_names") or {}
    moved = [c for c in result.get("corridors") or [] if _shown(c.get("moved"))]
    for c in sorted(moved, key=lambda c: -abs(c["moved"]))[:TOP_MOVED]:
        verb = "gains" if c["moved"] > 0 else "loses"
        name = groups.get(c["group"], c["group"])
        add(f"{name} {verb} ({c['commodity'].replace('_', ' ')})", abs(c["moved"]), _unit(result, c["commodity"]),
            ident=c["group"])  # fmt: skip
    return rows


def period_rows(periods: list[dict[str, Any]]) -> pd.DataFrame:
    """The impact's period series as one flat table: a row per period, corridor and direction
    (``corridor`` "all" carries the period's stranded cargo and its change in cost)."""
    rows: list[dict[str, Any]] = []
    for p in periods:
        when = {"start": p.get("start"), "end": p.get("end"), "days": p.get("days")}
        for d in p.get("directions") or []:
            rows.append({**when, "corridor": "all", **d, "delta_cost_usd": p.get("delta_cost_usd")})
        for c in p.get("corridors") or []:
            rows.append({**when, **c})
        if not p.get("directions") and not p.get("corridors"):
            rows.append({**when, **{k: v for k, v in p.items() if not isinstance(v, list | dict)}})
    return pd.DataFrame(rows)


def _rounded(frame: pd.DataFrame, digits: int = 2) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(digits).where(out[column].abs() >= 10**-digits, 0.0)
    return out


def impact_tables(result: dict[str, Any], *, readable: bool = True) -> dict[str, pd.DataFrame]:
    """The Excel export's sheets: summary, bottlenecks, corridors, periods (when the impact has
    them) and dependency, figures rounded, with readable headers that carry units (or, with
    ``readable=False``, the JSON's field names, for a CSV read by programs)."""

    def _renamed(frame: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
        if not readable:
            return _rounded(frame)
        return _rounded(frame).rename(columns={c: headers.get(c, c.replace("_", " ")) for c in frame.columns})

    summary = pd.DataFrame(impact_summary(result))
    if not summary.empty:
        summary["figure"] = [
            "    " * int(level) + figure for figure, level in zip(summary["figure"], summary["level"], strict=True)
        ]
        summary = summary.drop(columns=["level", "id"])
    headers = {"figure": "Figure", "value": "Value", "unit": "Unit", "period": "Period", "p10": "P10", "p50": "P50",
               "p90": "P90"}  # fmt: skip
    tables = {"summary": _renamed(summary, headers)}
    bottlenecks = pd.DataFrame(result.get("bottlenecks") or [])
    tables["bottlenecks"] = _renamed(bottlenecks, {
        "element": "Element id", "name": "Element", "kind": "Kind", "direction": "Direction",
        "dimension": "Capacity measured in", "shadow_price_usd": "Shadow price (USD per unit of capacity a year)",
        "days_binding": "Days at capacity or queued", "rent_usd": "Rent (USD)",
        "scarcity_rent_usd": "of which the capacity's dual x capacity (USD)",
        "queue_cost_usd": "of which the cost of its queue's waits (USD)", "rent_change_usd": "Change in rent (USD)",
    })  # fmt: skip
    corridors = pd.DataFrame(result.get("corridors") or [])
    if not corridors.empty and "unit" not in corridors.columns:
        corridors.insert(2, "unit", [_unit(result, c) for c in corridors["commodity"]])
    tables["corridors"] = _renamed(corridors, {
        "group": "Corridor", "commodity": "Commodity", "unit": "Unit", "before": "Before (units over the horizon)",
        "after": "After (units over the horizon)", "moved": "Moved (after - before)",
    })  # fmt: skip
    periods = period_rows(result.get("periods") or [])
    if not periods.empty:
        tables["periods"] = _renamed(periods, {
            "start": "Period start", "end": "Period end", "days": "Days", "corridor": "Corridor",
            "direction": "Direction", "volume_teu": "Volume (TEU)", "volume_t": "Volume (t)",
            "volume_teu_baseline": "Volume without the scenario (TEU)",
            "volume_t_baseline": "Volume without the scenario (t)", "stranded_teu": "Stranded (TEU)",
            "stranded_t": "Stranded (t)", "delta_cost_usd": "Change in cost (USD)",
        })  # fmt: skip
    dependency = pd.DataFrame(result.get("dependency") or [])
    tables["dependency"] = _renamed(dependency, {
        "exporter": "Exporter", "transit": "Transit country", "commodity": "Commodity",
        "share_before": "Share of exports through it, before", "share_after": "Share of exports through it, after",
    })  # fmt: skip
    return tables
