"""The assignment LP and its results as records: the model's arrays, HiGHS's solution, the tables.

The LP. Flows are grouped by (commodity, origin): one flow variable per group and usable arc.
Each pair's delivered volume ends at its destination (or at any member of a destination group),
and what is not delivered is a priced slack: unserved volume costs the value of the goods
(``value_usd_per_unit``) unless a penalty is given, so the result always says what was not
carried rather than failing. Capacities bind per direction of a link, and on a node's
throughput, in the dimension the capacity is published in (tonnes, TEU, trains, barrels), with
each commodity converted by its factors. All quantities are per year.

The model describes the LP rather than holding it as one matrix: a flow column is a (group, arc)
pair, with +1 in its group's conservation row at the arc's tail and -1 at its head; every row
that prices flow (a capacity, or the queue on one) is a set of arcs whose flow it counts, times
the commodity's factor in the row's dimension (``price_arcs``, ``price_factor``; a node's row
counts the arcs leaving it, ``price_arcs_out``, for cargo that starts there); the few other
columns (deliveries, unserved slacks, queue pieces) are written out in ``extra``. The whole
matrix (:attr:`AssignmentModel.matrix`) is assembled when the plain LP asks for it; the priced
LP takes only the columns it uses (:meth:`AssignmentModel.columns`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csc_array, csr_array, hstack

from corridor.flow.demand import Demand
from corridor.network import Network
from corridor.records import json_records

__all__ = ["LP_METHODS", "PRICED_FROM_COLUMNS", "Assignment", "AssignmentModel", "EquilibriumGap", "LPSolution"]

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
    extra: csc_array  # [row, col - n_flow]: deliveries, unserved slacks, queue pieces
    price_arcs: csr_array  # [price row, arc] 1 where the row counts the arc's flow
    price_arcs_out: csr_array  # [price row, arc] a node's row: the arcs leaving it (cargo starting there)
    price_node: np.ndarray  # [price row] the node a node's row bounds, else -1
    price_factor: np.ndarray  # [price row, commodity] units of the row's dimension per unit (nan: not counted)
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
    queue_vot_h: np.ndarray = field(default_factory=lambda: np.zeros(0))  # as the pieces charge it (USD/dim/h)
    queue_own_vot_h: np.ndarray = field(default_factory=lambda: np.zeros(0))  # the element's own (congestion.csv)
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
        return len(self.row_lower), len(self.cost)

    def flow_entries(self, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, position in ``columns``, value) of every coefficient of these flow columns."""
        n = self.network.compiled.n_nodes
        tail, head = self.network.compiled.tail, self.network.compiled.head
        columns = np.asarray(columns, dtype=np.int64)
        group, arc = self.flow_group[columns], self.flow_arc[columns]
        at = np.arange(len(columns), dtype=np.int64)
        rows = [group * n + tail[arc], group * n + head[arc]]
        places = [at, at]
        values = [np.ones(len(columns)), -np.ones(len(columns))]
        price_rows = self.price_rows
        origin = self.group_origin[group]
        commodity = self.group_commodity[group]
        # a node's row counts what enters it, except for cargo starting there: what leaves it
        for by_arc, starting in ((self._price_rows_of_arc[0], False), (self._price_rows_of_arc[1], True)):
            counts = np.diff(by_arc.indptr)[arc]
            if not counts.sum():
                continue
            place = np.repeat(at, counts)
            k = by_arc.indices[_ranges(by_arc.indptr[arc], counts)]
            node = self.price_node[k]
            keep = (node == origin[place]) if starting else (node < 0) | (node != origin[place])
            value = self.price_factor[k, commodity[place]]
            keep &= np.isfinite(value)
            rows.append(price_rows[k[keep]])
            places.append(place[keep])
            values.append(value[keep])
        return np.concatenate(rows), np.concatenate(places), np.concatenate(values)

    @cached_property
    def _price_rows_of_arc(self) -> tuple[csr_array, csr_array]:
        """[arc, price row] of :attr:`price_arcs` and :attr:`price_arcs_out`, transposed once: the
        priced LP reads them every round it adds columns."""
        return csr_array(self.price_arcs.T), csr_array(self.price_arcs_out.T)

    def columns(self, columns: np.ndarray) -> csc_array:
        """These columns of the LP's matrix (flow columns and others, in the order given)."""
        columns = np.asarray(columns, dtype=np.int64)
        flow = np.flatnonzero(columns < self.n_flow)
        rows, places, values = self.flow_entries(columns[flow])
        other = np.flatnonzero(columns >= self.n_flow)
        block = csc_array(self.extra[:, columns[other] - self.n_flow]).tocoo()
        return csc_array(
            (
                np.concatenate([values, block.data]),
                (np.concatenate([rows, block.row]), np.concatenate([flow[places], other[block.col]])),
            ),
            shape=(self.shape[0], len(columns)),
        )

    @cached_property
    def matrix(self) -> csc_array:
        """The whole LP's matrix [row, column] (built on first use: large on a large network)."""
        rows, cols, values = self.flow_entries(np.arange(self.n_flow))
        flow = csc_array((values, (rows, cols)), shape=(self.shape[0], self.n_flow))
        return csc_array(hstack([flow, self.extra], format="csc"))

    def capacity_load(self, x: np.ndarray) -> np.ndarray:
        """What a solution ``x`` puts on each capacity row (in the row's dimension, per year)."""
        if not len(self.cap_rows):
            return np.zeros(0)
        used = np.flatnonzero(x[: self.n_flow])
        rows, places, values = self.flow_entries(used)
        position = np.full(self.shape[0], -1, dtype=np.int64)
        position[self.cap_rows] = np.arange(len(self.cap_rows))
        k = position[rows]
        mine = k >= 0
        load = np.bincount(k[mine], weights=values[mine] * x[used][places[mine]], minlength=len(self.cap_rows))
        return np.asarray(load, dtype=float)

    def row_arcs(self, k: int) -> np.ndarray:
        """The arcs whose flow price row ``k`` (a position in :attr:`price_rows`) counts for some
        commodity, on the way in or, for cargo starting at its node, on the way out."""
        arcs = np.union1d(_row_columns(self.price_arcs, k), _row_columns(self.price_arcs_out, k))
        counted = np.flatnonzero(np.isfinite(self.price_factor[k]))
        # only the row's own arcs are read: a copy of every commodity's [arc] mask per row took
        # most of read_assignment's time at 100,000 nodes
        allowed = self.network.compiled.allowed[np.ix_(counted, arcs)]
        return arcs[allowed.any(axis=0)] if len(arcs) else arcs


def _row_columns(matrix: csr_array, k: int) -> np.ndarray:
    """The columns of row ``k``'s stored entries (read off a CSR matrix's index arrays: slicing
    out the row as a matrix cost more than the rest of reading a solution)."""
    if matrix.format != "csr":
        return np.asarray(matrix[[k]].indices)
    return np.asarray(matrix.indices[matrix.indptr[k] : matrix.indptr[k + 1]])


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for each start and count."""
    total = int(counts.sum())
    if not total:
        return np.zeros(0, np.int64)
    ends = np.cumsum(counts)
    return np.repeat(starts.astype(np.int64) - ends + counts, counts) + np.arange(total)


@dataclass(frozen=True, eq=False)
class EquilibriumGap:
    """How far an assignment is from every segment on its cheapest open routes at its own value of
    time (see :mod:`corridor.flow.equilibrium`)."""

    rounds: int
    relative_gap: float
    excess_usd: float  # per year
    first_gap: float  # the relative gap of the LP without tolls
    seconds: float
    cheapest_usd: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)  # [pair] per unit

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "rounds": self.rounds,
            "relative_gap": float(self.relative_gap),
            "excess_usd": round(float(self.excess_usd), 2),
            "first_gap": float(self.first_gap),
            "seconds": round(self.seconds, 4),
        }


@dataclass(frozen=True, eq=False)
class LPSolution:
    """What HiGHS returned: status, objective, primal values and row duals, and its timings.

    ``cost``: the column costs the solution is optimal for, when not the model's own (the LP with
    the segments' waiting tolls); ``equilibrium``: its measured gap to equilibrium.
    """

    status: str
    objective: float
    x: np.ndarray
    row_dual: np.ndarray
    iterations: int
    solve_seconds: float
    cost: np.ndarray | None = None
    equilibrium: EquilibriumGap | None = None


@dataclass(frozen=True, eq=False)
class Assignment:
    """Demand placed on the network, and what it cost.

    ``flows``: link, from, to, commodity, flow_per_year, utilisation (of the direction's capacity);
    ``unserved``: origin, destination, commodity, demand, served, unserved (per year);
    ``bottlenecks``: element, kind, direction, shadow_price_usd (objective gain per unit of capacity
    per year, in its dimension), dimension, capacity (per year, in its dimension), rent_usd
    (USD a year: scarcity_rent_usd, the shadow price times capacity, plus queue_cost_usd, the
    hours its cargo waits in its queue at each segment's value of time), usd_per_teu and usd_per_t
    (the shadow price per unit of cargo), utilisation, wait_h (hours cargo waits there, for
    elements with a queue), wait_usd (the waiting cost of one more unit of load); only rows with
    a rent or a queue past its knee, ranked by rent. The costs are what the shippers pay at these
    flows (the LP minimises another sum to find them, see :mod:`corridor.flow.equilibrium`):
    ``transport_cost_usd``: tariffs and premiums paid; ``transit_time_cost_usd``: the hours in
    transit (and a scenario's delays) at each segment's value of time; ``waiting_cost_usd``: the
    hours waited in queues, each flow at its queue's load and its segment's value of time (the
    sum of the bottlenecks' ``queue_cost_usd``); ``time_cost_usd``: the two together;
    ``unserved_cost_usd``: the value of what was not carried. ``equilibrium``: the
    gap to every segment on its cheapest open routes at its own value of time (rounds,
    relative_gap, excess_usd, first_gap, seconds; see :mod:`corridor.flow.equilibrium`).
    ``solver``: iterations, seconds, the LP's size and ``objective_usd``, the objective of the LP
    whose solution this is (with the equilibrium's tolls, if any: not a cost anyone pays).
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
    transit_time_cost_usd: float = 0.0
    waiting_cost_usd: float = 0.0
    flows_by_segment: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # + origin, segment
    equilibrium: dict[str, Any] = field(default_factory=dict)  # the gap to equilibrium (EquilibriumGap.to_dict)

    @property
    def time_cost_usd(self) -> float:
        """The shippers' time: in transit and waiting in queues, each segment at its value of time."""
        return self.transit_time_cost_usd + self.waiting_cost_usd

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
            "transit_time_cost_usd": round(self.transit_time_cost_usd, 2),
            "waiting_cost_usd": round(self.waiting_cost_usd, 2),
            "unserved_cost_usd": round(self.unserved_cost_usd, 2),
            "unserved": self.unserved_by_commodity(),
            "unserved_pairs": json_records(self.unserved),
            "flows": json_records(self.flows),
            "bottlenecks": json_records(self.bottlenecks),
            "equilibrium": self.equilibrium,
            "solver": self.solver,
        }
