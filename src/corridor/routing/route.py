"""A route: the path found, with its cost, time, distance, countries, modes and sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["Route"]


@dataclass(frozen=True)
class Route:
    """A path with its cost, time, distance, countries, modes, transfers and sources.

    Costs are USD per unit of the commodity (``unit``: TEU or tonne). ``legs`` gives the
    figures per link. ``capacity_per_year`` is the most the route can carry in units of the
    commodity per year, every capacity it crosses counted, the shared ones too (None when no
    element on it has one); ``bottleneck`` the element that sets it: link ids (parallel ones
    joined by '+'), a node id or a group id.
    ``wait_h`` is the queueing a day's assignment adds (:func:`corridor.analysis.waits.with_waits`),
    already counted in ``time_h``; 0 otherwise.
    """

    origin: str
    destination: str
    commodity: str
    unit: str
    by: str
    nodes: tuple[str, ...]
    links: tuple[str, ...]
    leg_modes: tuple[str, ...]
    leg_distance_km: tuple[float, ...]
    leg_transit_h: tuple[float, ...]
    leg_dwell_h: tuple[float, ...]
    leg_cost_usd: tuple[float, ...]
    cost_usd: float
    time_h: float
    distance_km: float
    generalized_cost_usd: float
    countries: tuple[str, ...]
    modes: tuple[str, ...]
    transfers: int
    capacity_per_year: float | None
    bottleneck: str | None
    sources: tuple[str, ...]
    wait_h: float = 0.0

    @property
    def time_days(self) -> float:
        return self.time_h / 24.0

    @property
    def wait_days(self) -> float:
        return self.wait_h / 24.0

    def legs(self) -> pd.DataFrame:
        """One row per link travelled: from, to, mode, km, hours moving, hours waiting, USD."""
        return pd.DataFrame(
            {
                "link": self.links,
                "from": self.nodes[:-1],
                "to": self.nodes[1:],
                "mode": self.leg_modes,
                "distance_km": self.leg_distance_km,
                "transit_h": self.leg_transit_h,
                "dwell_h": self.leg_dwell_h,
                "cost_usd": self.leg_cost_usd,
            }
        )

    def to_dict(self, *, legs: bool = False) -> dict[str, Any]:
        """Plain data for JSON: the route's totals, lists and (optionally) its legs."""
        out: dict[str, Any] = {
            "origin": self.origin,
            "destination": self.destination,
            "commodity": self.commodity,
            "unit": self.unit,
            "by": self.by,
            "nodes": list(self.nodes),
            "links": list(self.links),
            "cost_usd": round(self.cost_usd, 2),
            "time_h": round(self.time_h, 2),
            "time_days": round(self.time_days, 2),
            "wait_days": round(self.wait_days, 2),
            "distance_km": round(self.distance_km, 1),
            "generalized_cost_usd": round(self.generalized_cost_usd, 2),
            "countries": list(self.countries),
            "modes": list(self.modes),
            "transfers": self.transfers,
            "capacity_per_year": self.capacity_per_year,
            "bottleneck": self.bottleneck,
            "sources": list(self.sources),
        }
        if legs:
            out["legs"] = self.legs().to_dict(orient="records")
        return out
