"""Shipper segments and queues: what each shipper pays per route, and how waits grow with use.

**Segments.** A commodity's demand is split among shipper segments (``segments.csv``: share,
value per unit, value of time). A segment's cost of an arc is its generalized cost: tariff, plus
premiums as a share of the segment's goods value, plus its value of time times the arc's transit
and dwell hours. High-value freight thus takes a fast dear route and low-value freight a slow
cheap one, as shippers do. A commodity without segments is one segment, ``all``, at the
commodity's own value, placed at least tariff cost: its value of time is not weighed in the
assignment until segments say how its shippers value time (routing's ``generalized`` cost still
uses it).

**Queues.** An element listed in ``congestion.csv`` makes cargo wait as it fills: at use ``r``
of its capacity the wait is ``wait_h_at_half * r / (1 - r)`` hours, up to ``max_wait_h`` (the
mean wait of a single-server queue in the Pollaczek-Khinchine form, which doubles between half
and two-thirds use and grows without bound near capacity). In the LP the element's load is split
into pieces between fixed use breakpoints, each piece priced at the wait at its midpoint times
a value of time: a convex piecewise-linear cost, so the problem stays an LP with duals, and the
waiting cost a shipper sees is the marginal piece's. The pieces charge the lowest value of time
of the segments that queue there; each segment pays the rest of its own as a toll at the wait,
and the LP is solved again until the waits settle (:mod:`corridor.flow.equilibrium`): a user
equilibrium in which each segment values the same wait at its own value of time. The hard
capacity still binds at full use; its dual prices the rationing beyond the longest wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from corridor.network import Network

__all__ = ["DEFAULT_SEGMENT", "USE_BREAKPOINTS", "SegmentBook", "segment_book", "wait_hours", "wait_pieces"]

DEFAULT_SEGMENT = "all"

USE_BREAKPOINTS = (
    *(round(0.05 * i, 2) for i in range(17)),
    *(0.85, 0.9, 0.925, 0.95, 0.965, 0.98, 0.99, 1.0),
)
"""Shares of capacity where the piecewise-linear waiting cost changes slope: every 5 percent up to
80, closer above, where the curve steepens. Fine enough that a segment's equilibrium wait falls
within a few hours of a piece's (:mod:`corridor.flow.equilibrium`)."""


@dataclass(frozen=True)
class SegmentBook:
    """Every (commodity, segment) of a network with its share, value and value of time."""

    table: (
        pd.DataFrame
    )  # commodity, segment, share, share_eastbound, value_usd_per_unit, value_of_time_usd_per_unit_day, weigh_time

    def of(self, commodity: str) -> pd.DataFrame:
        """The segments of one commodity, in file order."""
        return self.table[self.table["commodity"] == commodity]

    def shares(self, commodity: str, *, eastbound: bool = False) -> list[tuple[str, float]]:
        """(segment, share) of one commodity's demand, for demand bound east or not.

        Examples
        --------
        >>> book = segment_book(load_network(calibrated=False))
        >>> [s for s, _ in book.shares("container", eastbound=True)]
        ['time_critical', 'standard', 'economy']
        """
        mine = self.of(commodity)
        column = "share_eastbound" if eastbound else "share"
        return list(zip(mine["segment"], mine[column].astype(float), strict=True))

    def headed(self, commodity: str) -> bool:
        """Whether the commodity's eastbound demand is split by shares of its own."""
        mine = self.of(commodity)
        return bool((mine["share_eastbound"] != mine["share"]).any())

    def index(self, commodity: str, segment: str) -> int:
        """Row of (commodity, segment) in :attr:`table`."""
        row = self._rows.get((commodity, segment))
        if row is None:
            known = ", ".join(self.of(commodity)["segment"]) or "none"
            raise KeyError(f"{commodity!r} has no segment {segment!r}; its segments: {known}")
        return row

    @cached_property
    def _rows(self) -> dict[tuple[str, str], int]:
        """Row of each (commodity, segment), the first where one is listed twice."""
        rows: dict[tuple[str, str], int] = {}
        for i, key in enumerate(zip(self.table["commodity"], self.table["segment"], strict=True)):
            rows.setdefault((str(key[0]), str(key[1])), i)
        return rows


def segment_book(network: Network) -> SegmentBook:
    """The network's shipper segments, with one ``all`` segment for a commodity that has none.

    Examples
    --------
    >>> book = segment_book(load_network())
    >>> sorted(book.of("container")["segment"])
    ['economy', 'standard', 'time_critical']
    >>> book.of("crude_oil")["segment"].tolist()
    ['all']
    """
    cols = ["commodity", "segment", "share", "share_eastbound", "value_usd_per_unit", "value_of_time_usd_per_unit_day"]
    segments = network.segments
    if "share_eastbound" not in segments.columns:
        segments = segments.assign(share_eastbound=np.nan)
    listed = segments[cols].assign(weigh_time=True) if len(segments) else pd.DataFrame(columns=cols)
    rows = [listed]
    for c, value, vot in zip(network.commodities["id"], network.commodities["value_usd_per_unit"],
                             network.commodities["value_of_time_usd_per_unit_day"], strict=True):  # fmt: skip
        if c not in set(listed["commodity"]):
            row = [[c, DEFAULT_SEGMENT, 1.0, 1.0, float(value), float(vot), False]]
            rows.append(pd.DataFrame(row, columns=[*cols, "weigh_time"]))
    table = pd.concat([r for r in rows if len(r)], ignore_index=True)
    table["weigh_time"] = table["weigh_time"].astype(bool)
    table["share"] = table["share"].astype(float)
    table["share_eastbound"] = table["share_eastbound"].astype(float).fillna(table["share"])
    return SegmentBook(table=table.reset_index(drop=True))


def wait_hours(use: np.ndarray | float, half: np.ndarray | float, longest: np.ndarray | float) -> np.ndarray:
    """Hours waited at a use share of capacity (see the module docstring); ``half`` and ``longest``
    may be one value or one per ``use``.

    Examples
    --------
    >>> [round(float(w), 1) for w in wait_hours(np.array([0.0, 0.5, 0.9, 1.0]), 24.0, 480.0)]
    [0.0, 24.0, 216.0, 480.0]
    """
    r = np.clip(np.asarray(use, dtype=float), 0.0, 1.0)
    with np.errstate(divide="ignore"):
        w = np.where(r < 1.0, half * r / np.maximum(1.0 - r, 1e-12), np.inf)
    return np.asarray(np.minimum(w, longest), dtype=float)


def wait_pieces(half: float, longest: float) -> tuple[np.ndarray, np.ndarray]:
    """(width as a share of capacity, hours waited) of each piece of the piecewise-linear curve.

    The hours rise from piece to piece, so the cost is convex.

    Examples
    --------
    >>> widths, hours = wait_pieces(24.0, 480.0)
    >>> float(widths.sum()), bool(np.all(np.diff(hours) >= 0))
    (1.0, True)
    """
    b = np.asarray(USE_BREAKPOINTS)
    return np.diff(b), wait_hours((b[:-1] + b[1:]) / 2.0, half, longest)
