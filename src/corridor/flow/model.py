"""The assignment LP and its results as records: the model's arrays, HiGHS's solution, the tables.

The LP. Flows are grouped by (commodity, origin): one flow variable per group and usable arc.
Each pair's delivered volume ends at its destination (or at any member of a destination group),
and what is not delivered is a priced slack: unserved volume costs the value of the goods
(``value_usd_per_unit``) unless a penalty is given, so the result always says what was not
carried rather than failing. Capacities bind per direction of a link, and on a node's
throughput, in the dimension the capacity is published in (tonnes, TEU, trains, barrels), with
each commodity converted by its factors. All quantities are per year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csc_array

from corridor.flow.demand import Demand
from corridor.network import Network
from corridor.records import json_records

__all__ = ["LP_METHODS", "PRICED_FROM_COLUMNS", "Assignment", "AssignmentModel", "LPSolution"]

LP_METHODS = ("auto", "plain", "priced")
PRICED_FROM_COLUMNS = 20_000
"""``lp="auto"`` solves the plain LP below this many columns and the priced one from it on
(measured on synthetic networks: about even at 18,000 columns, 4-10x faster at 50,000)."""


@dataclass(frozen=True, eq=False)
class AssignmentModel:
    """The LP of an assignment, as arrays, with what each column and row stands for."""

    network: Network
    demand: Demand
    cost: np.ndarray  # [col]
    upper: np.ndarray  # [col]
    matrix: csc_array  # [row, col]
    row_lower: np.ndarray
    row_upper: np.ndarray
    # columns
    n_flow: int
    flow_group: np.ndarray  # [flow col] group index
    flow_arc: np.ndarray  # [flow col] arc index
    unserved_col: np.ndarray  # [pair] column of its unserved slack
    delivery_col: np.ndarray  # [delivery] column of a delivery of a pair at one of its destination nodes
    delivery_pair: np.ndarray  # [delivery] the pair delivered
    delivery_node: np.ndarray  # [delivery] the node it is delivered at
    group_commodity: np.ndarray  # [group] commodity index
    group_origin: np.ndarray  # [group] origin node index
    group_pairs: tuple[tuple[int, ...], ...]  # [group] positions of its pairs in the demand table
    # capacity rows: what they bound
    cap_rows: np.ndarray  # row indices
    cap_kind: tuple[str, ...]  # 'link' or 'node'
    cap_element: tuple[str, ...]  # link or node id
    cap_direction: tuple[str, ...]  # 'from->to' for links, '' for nodes
    cap_limit: np.ndarray  # capacity per year in its dimension
    cap_dim: tuple[str, ...]
    penalty: np.ndarray  # [pair] USD per unserved unit
    money: np.ndarray = field(default_factory=lambda: np.zeros(0))  # [flow col] tariff and premiums (cost less time)
    group_segment: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # [group] row of segments
    segments: Any = None  # the SegmentBook the groups' segments index
    # queues (congestion.csv): one per congested capacity row, its load split into priced pieces
    queue_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # row: load - pieces = 0
    queue_cap: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # position in cap_rows
    queue_half_h: np.ndarray = field(default_factory=lambda: np.zeros(0))
    queue_max_h: np.ndarray = field(default_factory=lambda: np.zeros(0))
    queue_vot_h: np.ndarray = field(default_factory=lambda: np.zeros(0))
    piece_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    piece_queue: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    piece_wait_h: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_pairs(self) -> int:
        return len(self.unserved_col)

    @property
    def demand_rows(self) -> np.ndarray:
        """Rows of the pairs' demand (after the conservation rows)."""
        return len(self.group_origin) * self.network.compiled.n_nodes + np.arange(self.n_pairs)

    @property
    def price_rows(self) -> np.ndarray:
        """Rows whose duals price flow: capacities and queues (both never positive at an optimum)."""
        return np.concatenate([self.cap_rows, self.queue_rows]).astype(np.int64)

    def queue_waits(self, x: np.ndarray) -> np.ndarray:
        """[queue] hours waited at each queue under a solution ``x`` (on the curve, not its pieces)."""
        from corridor.flow.segments import wait_hours

        if not len(self.queue_rows):
            return np.zeros(0)
        load = self.capacity_load(x)[self.queue_cap]
        limit = self.cap_limit[self.queue_cap]
        with np.errstate(divide="ignore", invalid="ignore"):
            use = np.where(limit > 0, load / limit, 0.0)
        return wait_hours(use, self.queue_half_h, self.queue_max_h)

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.matrix.shape
        return int(rows), int(cols)

    def capacity_load(self, x: np.ndarray) -> np.ndarray:
        """What a solution ``x`` puts on each capacity row (in the row's dimension, per year)."""
        if not len(self.cap_rows):
            return np.zeros(0)
        return np.asarray(self.matrix[self.cap_rows, :] @ x, dtype=float)


@dataclass(frozen=True, eq=False)
class LPSolution:
    """What HiGHS returned: status, objective, primal values and row duals, and its timings."""

    status: str
    objective: float
    x: np.ndarray
    row_dual: np.ndarray
    iterations: int
    solve_seconds: float


@dataclass(frozen=True, eq=False)
class Assignment:
    """Demand placed on the network, and what it cost.

    ``flows``: link, from, to, commodity, flow_per_year, utilisation (of the direction's capacity);
    ``unserved``: origin, destination, commodity, demand, served, unserved (per year);
    ``bottlenecks``: element, kind, direction, shadow_price_usd (objective gain per unit of capacity
    per year, in its dimension), dimension, utilisation, wait_h (hours cargo waits there, for
    elements with a queue), wait_usd (the waiting cost of one more unit of load), ranked by
    shadow price plus waiting price. ``transport_cost_usd``: tariffs and premiums paid;
    ``time_cost_usd``: the shippers' value of time in transit and waiting.
    """

    status: str
    method: str
    transport_cost_usd: float
    unserved_cost_usd: float
    flows: pd.DataFrame
    unserved: pd.DataFrame
    bottlenecks: pd.DataFrame
    solver: dict[str, Any] = field(default_factory=dict)
    flows_by_origin: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # + origin column
    time_cost_usd: float = 0.0
    flows_by_segment: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # + origin, segment

    @property
    def total_cost_usd(self) -> float:
        """Tariffs and premiums, plus the shippers' time in transit and waiting, plus the value of what was not carried."""
        return self.transport_cost_usd + self.time_cost_usd + self.unserved_cost_usd

    def unserved_by_commodity(self) -> dict[str, float]:
        return {str(k): float(v) for k, v in self.unserved.groupby("commodity")["unserved"].sum().items()}

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The tables a run keeps: flows, unserved, bottlenecks."""
        return [("flows", self.flows), ("unserved", self.unserved), ("bottlenecks", self.bottlenecks)]

    def summary(self) -> dict[str, Any]:
        """The figures of a run without its tables."""
        return {k: v for k, v in self.to_dict().items() if k not in ("flows", "bottlenecks", "unserved_pairs")}

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "status": self.status,
            "method": self.method,
            "total_cost_usd": round(self.total_cost_usd, 2),
            "transport_cost_usd": round(self.transport_cost_usd, 2),
            "time_cost_usd": round(self.time_cost_usd, 2),
            "unserved_cost_usd": round(self.unserved_cost_usd, 2),
            "unserved": self.unserved_by_commodity(),
            "unserved_pairs": json_records(self.unserved),
            "flows": json_records(self.flows),
            "bottlenecks": json_records(self.bottlenecks),
            "solver": self.solver,
        }
