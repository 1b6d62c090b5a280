"""Write the assignment LP (see :mod:`corridor.flow.model`) as arrays, with no per-variable Python
objects: flow columns as (group, arc) pairs, the rows that price flow as sets of arcs, the few
other columns as a sparse block. The whole matrix is written only when something asks for it
(:attr:`corridor.flow.model.AssignmentModel.matrix`: the plain LP does, the priced one never)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csc_array, csr_array

from corridor.flow.demand import Demand
from corridor.flow.model import AssignmentModel
from corridor.flow.segments import DEFAULT_SEGMENT, USE_BREAKPOINTS, SegmentBook, segment_book, wait_pieces
from corridor.network import CompiledNetwork, Network, place_nodes
from corridor.scenario import ScenarioEffect

__all__ = ["build_assignment"]


def _groups(
    pairs: pd.DataFrame, bars: Sequence[int] | None = None
) -> list[tuple[tuple[int, int, int, int], list[int]]]:
    """(commodity, origin, bar, segment) groups of the pairs, with the pair positions in each, in a fixed order.

    Pairs share a group, and so the same flow variables, when they carry the same commodity for
    the same shipper segment from the same origin under the same transit bars (``bars``: an id
    per pair, 0 for none).
    """
    bars = bars if bars is not None else [0] * len(pairs)
    headings = pairs["h"] if "h" in pairs else [0] * len(pairs)
    out: dict[tuple[int, int, int, int, int], list[int]] = {}
    for p, (c, o, b, s, h) in enumerate(zip(pairs["c"], pairs["o"], bars, pairs["s"], headings, strict=True)):
        out.setdefault((int(c), int(o), int(b), int(s), int(h)), []).append(p)
    return [((c, o, b, s), members) for (c, o, b, s, _), members in sorted(out.items())]


HEADINGS = ("", "westbound", "eastbound")
"""A pair's heading: its destination west or east of its origin (head-haul and back-haul rates differ)."""


def _headings(network: Network, pairs: pd.DataFrame) -> list[int]:
    """Index into HEADINGS of each pair, when the network has headed tariffs (else 0)."""
    if not network.compiled.headed_cost_usd:
        return [0] * len(pairs)
    lon = dict(zip(network.nodes["id"], network.nodes["lon"].astype(float), strict=True))
    group_ids = set(network.groups["id"])
    out = []
    for o, d in zip(pairs["origin"], pairs["destination"], strict=True):
        ends = place_nodes(network, "group" if d in group_ids else "node", d)
        d_lon = float(np.mean([lon[x] for x in ends]))
        out.append(1 if d_lon < lon[o] else 2 if d_lon > lon[o] else 0)
    return out


def _pairs(network: Network, demand: Demand, book: SegmentBook) -> pd.DataFrame:
    cn = network.compiled
    table = demand.table.copy()
    if "segment" not in table:
        table["segment"] = DEFAULT_SEGMENT
    table["c"] = [cn.commodity_index(c) for c in table["commodity"]]
    table["o"] = [cn.node_index[o] for o in table["origin"]]
    table["s"] = [book.index(c, s) for c, s in zip(table["commodity"], table["segment"], strict=True)]
    table["h"] = _headings(network, table)
    return table.reset_index(drop=True)


def _pair_parts(network: Network, demand: Demand) -> tuple[SegmentBook, pd.DataFrame, list[list[int]]]:
    """The segments, the pairs and each pair's delivery nodes: the network's and the demand's
    alone, so worked out once for every LP built on both (kept with the network, read-only)."""

    def make() -> tuple[Demand, SegmentBook, pd.DataFrame, list[list[int]]]:
        cn = network.compiled
        book = segment_book(network)
        pairs = _pairs(network, demand, book)
        group_ids = set(network.groups["id"])
        ends = [
            [cn.node_index[x] for x in place_nodes(network, "group" if d in group_ids else "node", d)]
            for d in pairs["destination"]
        ]
        return demand, book, pairs, ends

    # the demand is kept with its pairs, so its id names no other demand while the network lives
    _, book, pairs, ends = network.kept(("assignment_pairs", id(demand)), make)
    return book, pairs, ends


def _premiums(effect: ScenarioEffect | None, c: int, segment: str, n_arcs: int) -> tuple[np.ndarray, np.ndarray]:
    """[arc] share of the goods' value, and days of expected delay, charged per arc passed, for one
    commodity and segment."""
    share, days = np.zeros(n_arcs), np.zeros(n_arcs)
    for rows, segments, arcs, of_value, delay in () if effect is None else effect.premiums:
        if c in rows and (segments is None or segment in segments):
            share[arcs] += of_value
            days[arcs] += delay
    return share, days


def _pair_bars(effect: ScenarioEffect | None, n_pairs: int, n_arcs: int) -> tuple[list[int], list[np.ndarray]]:
    """An id per pair for the arcs barred to it alone (0: none), and the barred arcs of each id."""
    masks: list[np.ndarray] = [np.zeros(n_arcs, dtype=bool)]
    ids = [0] * n_pairs
    if effect is None:
        return ids, masks
    seen: dict[bytes, int] = {}
    for p, mask in enumerate(effect.pair_barred):
        if mask is None or not mask.any():
            continue
        key = np.packbits(mask).tobytes()
        if key not in seen:
            seen[key] = len(masks)
            masks.append(mask)
        ids[p] = seen[key]
    return ids, masks


def build_assignment(
    network: Network,
    demand: Demand,
    *,
    usable: np.ndarray | None = None,
    effect: ScenarioEffect | None = None,
    penalty: Mapping[str, float] | None = None,
) -> AssignmentModel:
    """Write the assignment LP (see the module docstring) as sparse matrices.

    ``usable`` ([arc] bool) closes arcs on top of what each commodity may use; ``effect`` applies
    a scenario (capacities, bars, tariffs, demand; see :func:`corridor.scenario.scenario_effect`);
    ``penalty`` overrides the USD per unserved unit of some commodities.
    """
    cn = network.compiled
    allowed = cn.allowed if effect is None else effect.usable
    if effect is None:
        tariff, time_h = cn.cost_usd, cn.time_h
    else:
        tariff = effect.cost_usd if effect.tariff_usd is None else effect.tariff_usd
        time_h = effect.time_h
    demand_factor = np.ones(len(demand.table)) if effect is None else effect.demand_factor
    book, pairs, ends = _pair_parts(network, demand)
    n = cn.n_nodes
    seg_value = book.table["value_usd_per_unit"].to_numpy(float)
    # a commodity without segments is placed at least tariff cost (see corridor.flow.segments)
    weigh_time = book.table["weigh_time"].to_numpy(bool)
    seg_vot_h = book.table["value_of_time_usd_per_unit_day"].to_numpy(float) / 24.0
    seg_name = book.table["segment"].tolist()
    penalty = dict(penalty or {})
    pair_bar, bar_masks = _pair_bars(effect, len(pairs), cn.n_arcs)
    groups = _groups(pairs, pair_bar)
    heading_of_pair = pairs["h"].to_numpy()
    group_heading = [int(heading_of_pair[members[0]]) for _, members in groups]
    # per (commodity, heading) and (commodity, segment), [arc] vectors built once for all their groups
    tariffs: dict[tuple[int, int], np.ndarray] = {}
    premiums: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def tariff_of(c: int, h: int) -> np.ndarray:
        if (c, h) not in tariffs:
            headed = cn.headed_cost_usd.get(HEADINGS[h])
            if headed is None:
                tariffs[(c, h)] = tariff[c]
            else:  # the headed rate, times what a scenario multiplied the plain tariff by
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(cn.cost_usd[c] > 0, np.asarray(tariff[c]) / cn.cost_usd[c], 1.0)
                tariffs[(c, h)] = headed[c] * np.nan_to_num(ratio, nan=1.0, posinf=1.0)
        return tariffs[(c, h)]

    def premiums_of(c: int, s: int) -> tuple[np.ndarray, np.ndarray]:
        if (c, s) not in premiums:
            premiums[(c, s)] = _premiums(effect, c, seg_name[s], cn.n_arcs)
        return premiums[(c, s)]

    with_premiums = effect is not None and bool(effect.premiums)
    group_commodity = np.array([c for (c, _, _, _), _ in groups], dtype=np.int64)
    group_segment = np.array([s for (_, _, _, s), _ in groups], dtype=np.int64)
    # flow columns, group by group over the arcs it may use (in arc order); each costs the
    # segment's generalized cost: tariff, premiums on its goods' value, its value of time
    group_arcs: list[np.ndarray] = []
    costs: list[np.ndarray] = []
    moneys: list[np.ndarray] = []
    money_is_cost = True  # no segment weighs time and no scenario adds to tariffs: one array for both
    for g, ((c, _, b, s), _) in enumerate(groups):
        ok = allowed[c] if usable is None else allowed[c] & usable
        arcs = np.flatnonzero(ok & ~bar_masks[b]) if b else np.flatnonzero(ok)
        group_arcs.append(arcs)
        base = tariff_of(c, group_heading[g])[arcs]
        if weigh_time[s]:
            hours = time_h[arcs]
            money = base
            if with_premiums:
                of_value, delay_days = premiums_of(c, s)
                money = base + seg_value[s] * of_value[arcs]
                hours = hours + 24.0 * delay_days[arcs]
            moneys.append(money)
            costs.append(money + seg_vot_h[s] * hours)
            money_is_cost = False
        else:  # at least tariff cost, with what a scenario's delays and premiums add (at the commodity's value)
            moneys.append(base)
            costs.append(base if effect is None else base + effect.cost_usd[c, arcs] - tariff[c, arcs])
            money_is_cost = money_is_cost and effect is None
    sizes = np.array([len(a) for a in group_arcs], dtype=np.int64)
    fa = np.concatenate(group_arcs) if group_arcs else np.zeros(0, np.int64)
    fg = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
    n_flow = len(fa)
    n_cons = len(groups) * n
    group_of_pair = np.empty(len(pairs), dtype=np.int64)
    for g, (_, members) in enumerate(groups):
        group_of_pair[np.asarray(members)] = g
    node_origin_of_group = np.array([o for (_, o, _, _), _ in groups], dtype=np.int64)
    # the other columns, written out (a few per pair): deliveries at its destination node(s),
    # its unserved slack, each in its group's conservation row and its demand row
    per_pair = np.array([len(e) + 1 for e in ends], dtype=np.int64)
    first = n_flow + np.concatenate([[0], np.cumsum(per_pair)[:-1]]).astype(np.int64)
    unserved_col = first + per_pair - 1
    delivery_pair = np.repeat(np.arange(len(pairs), dtype=np.int64), per_pair - 1)
    delivery_col = unserved_col[delivery_pair] - (per_pair[delivery_pair] - 1) + _rank_within(delivery_pair)
    delivery_node = np.array([m for e in ends for m in e], dtype=np.int64)
    pair_penalty = np.array(
        [penalty.get(c, seg_value[int(s)]) for c, s in zip(pairs["commodity"], pairs["s"], strict=True)], dtype=float
    )
    pair_origin = pairs["o"].to_numpy(np.int64)
    col = n_flow + int(per_pair.sum())
    rhs_pairs = pairs["quantity_per_year"].to_numpy(float) * demand_factor
    rhs_cons = np.zeros(n_cons)
    np.add.at(rhs_cons, group_of_pair * n + pair_origin, rhs_pairs)
    n_rows = n_cons + len(pairs)
    od_rows = n_cons + np.arange(len(pairs), dtype=np.int64)
    extra_rows = [group_of_pair[delivery_pair] * n + delivery_node, od_rows[delivery_pair]]
    extra_rows += [group_of_pair * n + pair_origin, od_rows]
    extra_cols = [delivery_col, delivery_col, unserved_col, unserved_col]
    # capacity rows, each a set of arcs whose flow it counts (times the commodity's factor in its
    # dimension): each capacitated arc direction, each capacitated node, each shared capacity,
    # each derate of an arc without a capacity figure; written only where some column loads them
    commodities = len(cn.commodities)
    used = np.zeros((commodities, cn.n_arcs), dtype=bool)  # [commodity, arc] some group's column
    for c, arcs in zip(group_commodity, group_arcs, strict=True):
        used[c, arcs] = True
    cap = _CapacityRows(cn, n_rows)
    factor_of = {dim: np.asarray(f, dtype=float) for dim, f in cn.dimension_factor.items()}
    counts = {dim: np.isfinite(f) for dim, f in factor_of.items()}  # [commodity] counted in that dimension
    arc_dim = np.asarray(cn.arc_capacity_dim, dtype=object)
    counted = np.zeros(cn.n_arcs, dtype=bool)
    for dim, finite in counts.items():
        on = arc_dim == dim
        counted[on] = used[finite][:, on].any(axis=0)
    capped_arcs = np.flatnonzero(np.isfinite(cn.arc_capacity_native) & counted)
    cap.add_arcs(
        "link",
        [cn.link_ids[k] for k in cn.arc_link[capped_arcs].tolist()],
        [
            f"{cn.node_ids[t]}->{cn.node_ids[h]}"
            for t, h in zip(cn.tail[capped_arcs].tolist(), cn.head[capped_arcs].tolist(), strict=True)
        ],
        cn.arc_capacity_native[capped_arcs] * (1.0 if effect is None else effect.capacity_factor[capped_arcs]),
        arc_dim[capped_arcs].tolist(),
        factor_of,
        capped_arcs,
    )
    capped_nodes = np.flatnonzero(np.isfinite(cn.node_capacity_native))
    if len(capped_nodes):
        # throughput: what enters the node, or for cargo starting there, what leaves it
        passed = np.zeros((commodities, len(capped_nodes)), dtype=bool)
        for c, o, arcs in zip(group_commodity, node_origin_of_group, group_arcs, strict=True):
            into = np.zeros(n, dtype=bool)
            into[cn.head[arcs]] = True
            here = into[capped_nodes]
            at = capped_nodes == o
            if at.any():
                here[at] = bool(np.any(cn.tail[arcs] == o))
            passed[c] |= here
        for i, node in enumerate(capped_nodes):
            dim = cn.node_capacity_dim[node]
            if dim not in counts or not passed[counts[dim], i].any():
                continue
            limit = cn.node_capacity_native[node] * (1.0 if effect is None else effect.node_capacity_factor[node])
            cap.add(
                "node",
                cn.node_ids[node],
                "",
                limit,
                dim,
                factor_of[dim],
                np.flatnonzero(cn.head == node),
                node=int(node),
                out=np.flatnonzero(cn.tail == node),
            )
    # capacities several links share (one ferry fleet for several ports), in each direction
    for shared in cn.shared:
        finite = counts.get(shared.dimension, np.zeros(commodities, dtype=bool))
        for way, arcs_on in (("forward", shared.forward), ("backward", shared.backward)):
            if not (used[finite] & arcs_on).any():
                continue
            # derated when every member is (the fleet itself); one port's trouble leaves the fleet whole
            left = 1.0 if effect is None else float(np.max(effect.capacity_factor[arcs_on], initial=0.0))
            cap.add(
                "shared",
                shared.group,
                way,
                shared.native_per_year * left,
                shared.dimension,
                factor_of[shared.dimension],
                np.flatnonzero(arcs_on),
            )
    # derated arcs without a capacity figure: held to a share of what they carried without the scenario
    bare = [] if effect is None else effect.bare_derates(network)
    if bare and effect is not None and effect.reference_t is None:
        raise ValueError(
            "a derate of arcs without a capacity figure needs the loads without the scenario (reference_t)"
        )
    reference = np.zeros(cn.n_arcs) if effect is None or effect.reference_t is None else effect.reference_t
    for target, mask, share in bare:
        for a in np.flatnonzero(mask):
            if not used[counts["t"], a].any():
                continue
            cap.add(
                "derate",
                target,
                f"{cn.link_ids[cn.arc_link[a]]}:{cn.node_ids[cn.tail[a]]}->{cn.node_ids[cn.head[a]]}",
                share * float(reference[a]),
                "t",
                factor_of["t"],
                np.array([a]),
            )
    n_rows += len(cap.limit)
    cap_rows = cap.first_row + np.arange(len(cap.limit), dtype=np.int64)
    cap_limit = list(cap.limit)
    row_lower = np.concatenate([rhs_cons, rhs_pairs, np.full(len(cap_rows), -np.inf)])
    row_upper = np.concatenate([rhs_cons, rhs_pairs, np.asarray(cap_limit, dtype=float)])
    cost = np.zeros(col)
    if n_flow:
        np.concatenate(costs, out=cost[:n_flow])
    cost[unserved_col] = pair_penalty
    queues = _queues(network, cap, _least_vot_h(book, len(cn.commodities), cn.commodity_index))
    queue_rows = n_rows + np.arange(len(queues.cap), dtype=np.int64)
    piece_cols = col + np.arange(queues.n_pieces, dtype=np.int64)
    if queues.n_pieces:
        extra_rows.append(queue_rows[queues.piece_queue])
        extra_cols.append(piece_cols)
        cost = np.concatenate([cost, queues.piece_cost])
        row_lower = np.concatenate([row_lower, np.zeros(len(queues.cap))])
        row_upper = np.concatenate([row_upper, np.zeros(len(queues.cap))])
    n_rows += len(queues.cap)
    upper = np.concatenate([np.full(col, np.inf), queues.piece_upper])
    extra_vals = np.ones(sum(len(r) for r in extra_rows))
    extra_vals[len(extra_vals) - queues.n_pieces :] = -1.0  # a piece leaves its queue row's load
    extra = csc_array(
        (extra_vals, (np.concatenate(extra_rows), np.concatenate(extra_cols) - n_flow)),
        shape=(n_rows, len(cost) - n_flow),
    )
    # the rows that price flow: capacities, then the queues (a queue counts its capacity's load)
    price = cap.incidence(cn.n_arcs, queues.cap)
    return AssignmentModel(
        network=network,
        demand=demand,
        cost=cost,
        upper=upper,
        extra=extra,
        price_arcs=price.arcs,
        price_arcs_out=price.out,
        price_node=price.node,
        price_factor=price.factor,
        row_lower=row_lower,
        row_upper=row_upper,
        n_flow=n_flow,
        flow_group=fg,
        flow_arc=fa,
        unserved_col=unserved_col,
        delivery_col=delivery_col,
        delivery_pair=delivery_pair,
        delivery_node=delivery_node,
        group_commodity=group_commodity,
        group_origin=node_origin_of_group,
        group_pairs=tuple(tuple(members) for _, members in groups),
        cap_rows=cap_rows,
        cap_kind=tuple(cap.kind),
        cap_element=tuple(cap.element),
        cap_direction=tuple(cap.direction),
        cap_limit=np.asarray(cap_limit, dtype=float),
        cap_dim=tuple(cap.dim),
        penalty=pair_penalty,
        money=cost[:n_flow] if money_is_cost else np.concatenate(moneys).astype(float) if moneys else np.zeros(0),
        group_segment=group_segment,
        segments=book,
        queue_rows=queue_rows,
        queue_cap=queues.cap,
        queue_half_h=queues.half,
        queue_max_h=queues.longest,
        queue_vot_h=queues.vot_h,
        queue_own_vot_h=queues.own_vot_h,
        piece_cols=piece_cols,
        piece_queue=queues.piece_queue,
        piece_wait_h=queues.piece_wait,
    )


def _rank_within(sorted_ids: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal values of a sorted array."""
    if not len(sorted_ids):
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    return np.arange(len(sorted_ids)) - np.repeat(starts, np.diff(np.r_[starts, len(sorted_ids)]))


@dataclass(frozen=True)
class _Incidence:
    """The rows that price flow as sets of arcs (see :class:`corridor.flow.model.AssignmentModel`)."""

    arcs: csr_array
    out: csr_array
    node: np.ndarray
    factor: np.ndarray


class _CapacityRows:
    """Capacity rows as they are written: each a set of arcs whose flow it counts, in one dimension.

    Rows come in blocks (one per :meth:`add` or :meth:`add_arcs` call), so that the hundreds of
    thousands of one-arc rows of a national network are written as arrays, not row by row.
    """

    def __init__(self, cn: CompiledNetwork, first_row: int) -> None:
        self.first_row = first_row
        self.n_commodities = len(cn.commodities)
        self.kind: list[str] = []
        self.element: list[str] = []
        self.direction: list[str] = []
        self.limit: list[float] = []
        self.dim: list[str] = []
        self._factor: list[np.ndarray] = []  # blocks of [row, commodity]
        self._members: list[tuple[np.ndarray, np.ndarray]] = []  # blocks of (arcs per row, arcs)
        self._out: list[tuple[np.ndarray, np.ndarray]] = []
        self._node: list[np.ndarray] = []

    def add(
        self,
        kind: str,
        element: str,
        direction: str,
        limit: float,
        dim: str,
        factor: np.ndarray,
        arcs: np.ndarray,
        node: int = -1,
        out: np.ndarray | None = None,
    ) -> None:
        """A row counting ``factor[commodity]`` per unit on ``arcs``; a node's row counts ``out``
        (the arcs leaving it) instead for cargo that starts there."""
        self.kind.append(kind)
        self.element.append(element)
        self.direction.append(direction)
        self.limit.append(float(limit))
        self.dim.append(dim)
        self._factor.append(np.asarray(factor, dtype=float).reshape(1, self.n_commodities))
        members = np.asarray(arcs, dtype=np.int64)
        self._members.append((np.array([len(members)]), members))
        leaving = np.zeros(0, np.int64) if out is None else np.asarray(out, dtype=np.int64)
        self._out.append((np.array([len(leaving)]), leaving))
        self._node.append(np.array([node], dtype=np.int64))

    def add_arcs(
        self,
        kind: str,
        elements: list[str],
        directions: list[str],
        limits: np.ndarray,
        dims: list[str],
        factor_of: dict[str, np.ndarray],
        arcs: np.ndarray,
    ) -> None:
        """One row per arc of ``arcs``, each counting that arc alone in its dimension (``factor_of[dim]``;
        NaN for every commodity in a dimension no commodity is counted in)."""
        k = len(arcs)
        self.kind.extend([kind] * k)
        self.element.extend(elements)
        self.direction.extend(directions)
        self.limit.extend(np.asarray(limits, dtype=float).tolist())
        self.dim.extend(dims)
        factor = np.full((k, self.n_commodities), np.nan)
        dim_of = np.asarray(dims, dtype=object)
        for dim, f in factor_of.items():
            factor[dim_of == dim] = f
        self._factor.append(factor)
        self._members.append((np.ones(k, np.int64), np.asarray(arcs, dtype=np.int64)))
        self._out.append((np.zeros(k, np.int64), np.zeros(0, np.int64)))
        self._node.append(np.full(k, -1, dtype=np.int64))

    def factor(self) -> np.ndarray:
        """[row, commodity] what a unit of each commodity counts in the row's dimension (NaN: not counted)."""
        if not self._factor:
            return np.zeros((0, self.n_commodities))
        if len(self._factor) > 1:  # joined once: the rows are final when it is first asked for
            self._factor = [np.concatenate(self._factor)]
        return self._factor[0]

    def incidence(self, n_arcs: int, queue_cap: np.ndarray) -> _Incidence:
        """Capacity rows then queue rows (each its capacity row's arcs) as [row, arc] matrices."""
        order = np.concatenate([np.arange(len(self.limit)), queue_cap]).astype(np.int64)
        n_rows = len(self.limit)

        def matrix(blocks: list[tuple[np.ndarray, np.ndarray]]) -> csr_array:
            counts = np.concatenate([c for c, _ in blocks]) if blocks else np.zeros(0, np.int64)
            cols = np.concatenate([m for _, m in blocks]) if blocks else np.zeros(0, np.int64)
            rows = np.repeat(np.arange(n_rows), counts)
            every = csr_array((np.ones(len(cols)), (rows, cols)), shape=(n_rows, n_arcs))
            return csr_array(every[order]) if len(order) != n_rows else every

        factor = self.factor()[order].reshape(len(order), self.n_commodities)
        nodes = np.concatenate(self._node) if self._node else np.zeros(0, np.int64)
        return _Incidence(matrix(self._members), matrix(self._out), nodes[order], factor)


@dataclass(frozen=True)
class _Queues:
    """The waiting pieces of the congested capacity rows (see :mod:`corridor.flow.segments`)."""

    cap: np.ndarray  # [queue] position in the capacity rows
    half: np.ndarray
    longest: np.ndarray
    vot_h: np.ndarray  # USD per unit of the row's dimension per hour waited, as the pieces charge it
    own_vot_h: np.ndarray  # the same at the element's own value of time (congestion.csv)
    piece_queue: np.ndarray
    piece_wait: np.ndarray  # hours
    piece_cost: np.ndarray
    piece_upper: np.ndarray

    @property
    def n_pieces(self) -> int:
        return len(self.piece_queue)


def _least_vot_h(book: SegmentBook, n_commodities: int, index_of: Callable[[str], int]) -> np.ndarray:
    """[commodity] the lowest value of time (USD per unit per hour) of its segments that weigh
    time; inf for a commodity with none."""
    out = np.full(n_commodities, np.inf)
    table = book.table[book.table["weigh_time"]]
    for c, vot in zip(table["commodity"], table["value_of_time_usd_per_unit_day"], strict=True):
        k = index_of(str(c))
        out[k] = min(out[k], float(vot) / 24.0)
    return out


def _queues(network: Network, cap: _CapacityRows, least_vot_h: np.ndarray) -> _Queues:
    """One queue per capacity row whose element (a link's direction, a node, a shared group) is in congestion.csv.

    The pieces charge waiting at the lowest value of time of the segments counted there (per unit
    of the row's dimension; the element's own for a commodity whose segments do not weigh time):
    each segment pays the rest of its own as a toll (:mod:`corridor.flow.equilibrium`), never negative.
    """
    table = network.congestion
    params = {
        str(e): (float(h), float(m), float(v))
        for e, h, m, v in zip(
            table["element"],
            table["wait_h_at_half"],
            table["max_wait_h"],
            table["value_of_time_usd_per_dim_day"],
            strict=True,
        )
    }
    picked = [i for i, (kind, element) in enumerate(zip(cap.kind, cap.element, strict=True))
              if kind in ("link", "node", "shared") and element in params]  # fmt: skip
    widths = np.diff(np.asarray(USE_BREAKPOINTS))
    factors = cap.factor()
    piece_queue, piece_wait, piece_upper, vot, own = [], [], [], [], []
    for q, i in enumerate(picked):
        half, longest, vot_day = params[cap.element[i]]
        _, hours = wait_pieces(half, longest)
        piece_queue += [q] * len(hours)
        piece_wait += hours.tolist()
        upper = widths * cap.limit[i]
        upper[-1] = np.inf  # the capacity row itself bounds the last piece, and its dual prices the rationing
        piece_upper += upper.tolist()
        factor = factors[i]
        counted = np.isfinite(factor) & (factor > 0)
        # USD per unit of the dimension per hour: a commodity's slowest segment, or the element's
        # own rate for a commodity whose segments do not weigh time
        rates = np.where(np.isfinite(least_vot_h[counted]), least_vot_h[counted] / factor[counted], vot_day / 24.0)
        own.append(vot_day / 24.0)
        vot.append(float(np.min(rates, initial=vot_day / 24.0 if not counted.any() else np.inf)))
    k = len(piece_queue)
    vot_h = np.asarray(vot, dtype=float)
    pq = np.asarray(piece_queue, dtype=np.int64)
    pw = np.asarray(piece_wait, dtype=float)
    return _Queues(
        cap=np.asarray(picked, dtype=np.int64),
        half=np.asarray([params[cap.element[i]][0] for i in picked], dtype=float),
        longest=np.asarray([params[cap.element[i]][1] for i in picked], dtype=float),
        vot_h=vot_h,
        own_vot_h=np.asarray(own, dtype=float),
        piece_queue=pq,
        piece_wait=pw,
        piece_cost=vot_h[pq] * pw if k else np.zeros(0),
        piece_upper=np.asarray(piece_upper, dtype=float),
    )
