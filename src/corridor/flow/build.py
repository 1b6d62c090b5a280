"""Write the assignment LP (see :mod:`corridor.flow.model`) as sparse matrices, with no
per-variable Python objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_array, csc_array, csr_array, hstack, vstack

from corridor.flow.demand import Demand
from corridor.flow.model import AssignmentModel
from corridor.flow.segments import DEFAULT_SEGMENT, USE_BREAKPOINTS, SegmentBook, segment_book, wait_pieces
from corridor.network import Network, place_nodes, records
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
    book = segment_book(network)
    pairs = _pairs(network, demand, book)
    n = cn.n_nodes
    seg_value = book.table["value_usd_per_unit"].to_numpy(float)
    # a commodity without segments is placed at least tariff cost (see corridor.flow.segments)
    weigh_time = book.table["weigh_time"].to_numpy(bool)
    seg_vot_h = book.table["value_of_time_usd_per_unit_day"].to_numpy(float) / 24.0
    seg_name = book.table["segment"].tolist()
    penalty = dict(penalty or {})
    pair_bar, bar_masks = _pair_bars(effect, len(pairs), cn.n_arcs)
    groups = _groups(pairs, pair_bar)
    group_heading = [int(pairs["h"].iloc[members[0]]) for _, members in groups]
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
    rows_i: list[np.ndarray] = []
    cols_j: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    costs: list[np.ndarray] = []
    moneys: list[np.ndarray] = []
    flow_group: list[np.ndarray] = []
    flow_arc: list[np.ndarray] = []
    col = 0
    # flow columns, group by group: +1 where an arc leaves a node, -1 where it enters; each costs
    # the segment's generalized cost: tariff, premiums on its goods' value, its value of time
    for g, ((c, _, b, s), _) in enumerate(groups):
        ok = allowed[c] if usable is None else allowed[c] & usable
        ok = ok & ~bar_masks[b]
        arcs = np.flatnonzero(ok)
        cols = col + np.arange(len(arcs))
        rows_i += [g * n + cn.tail[arcs], g * n + cn.head[arcs]]
        cols_j += [cols, cols]
        vals += [np.ones(len(arcs)), -np.ones(len(arcs))]
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
        else:  # at least tariff cost, with what a scenario's delays and premiums add (at the commodity's value)
            moneys.append(base)
            costs.append(base if effect is None else base + effect.cost_usd[c, arcs] - tariff[c, arcs])
        flow_group.append(np.full(len(arcs), g))
        flow_arc.append(arcs)
        col += len(arcs)
    n_flow = col
    n_cons = len(groups) * n
    group_of_pair = np.empty(len(pairs), dtype=np.int64)
    for g, (_, members) in enumerate(groups):
        group_of_pair[np.asarray(members)] = g
    # per pair: deliveries at its destination node(s), its unserved slack, and its demand row
    rhs_cons = np.zeros(n_cons)
    group_ids = set(network.groups["id"])
    unserved_col = np.empty(len(pairs), dtype=np.int64)
    deliveries: list[tuple[int, int, int]] = []  # (column, pair, node)
    pair_penalty = np.empty(len(pairs))
    for p, row in enumerate(records(pairs)):
        g = int(group_of_pair[p])
        kind = "group" if row.destination in group_ids else "node"
        ends = [cn.node_index[x] for x in place_nodes(network, kind, row.destination)]
        od_row = n_cons + int(p)
        for m in ends:
            deliveries.append((col, p, m))
            rows_i += [np.array([g * n + m, od_row])]
            cols_j += [np.array([col, col])]
            vals += [np.array([1.0, 1.0])]
            costs.append(np.zeros(1))
            col += 1
        unserved_col[p] = col
        pair_penalty[p] = penalty.get(row.commodity, seg_value[int(row.s)])
        rows_i += [np.array([g * n + int(row.o), od_row])]
        cols_j += [np.array([col, col])]
        vals += [np.array([1.0, 1.0])]
        costs.append(np.array([pair_penalty[p]]))
        col += 1
        rhs_cons[g * n + int(row.o)] += row.quantity_per_year * demand_factor[p]
    rhs_pairs = pairs["quantity_per_year"].to_numpy(float) * demand_factor
    n_rows = n_cons + len(pairs)
    # capacity rows: each capacitated arc direction, then each capacitated node
    fg = np.concatenate(flow_group) if flow_group else np.zeros(0, np.int64)
    fa = np.concatenate(flow_arc) if flow_arc else np.zeros(0, np.int64)
    fc = group_commodity[fg] if len(fg) else np.zeros(0, np.int64)
    cap_rows, cap_kind, cap_element, cap_direction, cap_limit, cap_dim = [], [], [], [], [], []
    factor = np.full(len(fa), np.nan)
    arc_dims = np.array(cn.arc_capacity_dim, dtype=object)
    for dim, per_commodity in cn.dimension_factor.items():
        hit = arc_dims[fa] == dim
        factor[hit] = per_commodity[fc[hit]]
    capped = np.isfinite(cn.arc_capacity_native[fa]) & np.isfinite(factor)
    arcs_capped = np.unique(fa[capped])
    row_of_arc = {int(a): n_rows + i for i, a in enumerate(arcs_capped)}
    for a in arcs_capped:
        link = cn.arc_link[a]
        cap_rows.append(row_of_arc[int(a)])
        cap_kind.append("link")
        cap_element.append(cn.link_ids[link])
        cap_direction.append(f"{cn.node_ids[cn.tail[a]]}->{cn.node_ids[cn.head[a]]}")
        cap_limit.append(cn.arc_capacity_native[a] * (1.0 if effect is None else effect.capacity_factor[a]))
        cap_dim.append(cn.arc_capacity_dim[a])
    sel = np.flatnonzero(capped)
    rows_i.append(np.array([row_of_arc[int(a)] for a in fa[sel]], dtype=np.int64))
    cols_j.append(sel)
    vals.append(factor[sel])
    n_rows += len(arcs_capped)
    node_origin_of_group = np.array([o for (_, o, _, _), _ in groups], dtype=np.int64)
    for node in np.flatnonzero(np.isfinite(cn.node_capacity_native)):
        dim = cn.node_capacity_dim[node]
        f = cn.dimension_factor[dim][fc] if len(fc) else np.zeros(0)
        at_origin = node_origin_of_group[fg] == node
        # throughput: what enters the node, or for cargo starting there, what leaves it
        through = np.where(at_origin, cn.tail[fa] == node, cn.head[fa] == node) & np.isfinite(f)
        sel = np.flatnonzero(through)
        if not len(sel):
            continue
        rows_i.append(np.full(len(sel), n_rows))
        cols_j.append(sel)
        vals.append(f[sel])
        cap_rows.append(n_rows)
        cap_kind.append("node")
        cap_element.append(cn.node_ids[node])
        cap_direction.append("")
        cap_limit.append(cn.node_capacity_native[node] * (1.0 if effect is None else effect.node_capacity_factor[node]))
        cap_dim.append(dim)
        n_rows += 1
    # capacities several links share (one ferry fleet for several ports), in each direction
    for shared in cn.shared:
        f = cn.dimension_factor[shared.dimension][fc] if len(fc) else np.zeros(0)
        for way, arcs_on in (("forward", shared.forward), ("backward", shared.backward)):
            sel = np.flatnonzero(arcs_on[fa] & np.isfinite(f)) if len(fa) else np.zeros(0, np.int64)
            if not len(sel):
                continue
            # derated when every member is (the fleet itself); one port's trouble leaves the fleet whole
            left = 1.0 if effect is None else float(np.max(effect.capacity_factor[arcs_on], initial=0.0))
            rows_i.append(np.full(len(sel), n_rows))
            cols_j.append(sel)
            vals.append(f[sel])
            cap_rows.append(n_rows)
            cap_kind.append("shared")
            cap_element.append(shared.group)
            cap_direction.append(way)
            cap_limit.append(shared.native_per_year * left)
            cap_dim.append(shared.dimension)
            n_rows += 1
    # derated arcs without a capacity figure: held to a share of what they carried without the scenario
    bare = [] if effect is None else effect.bare_derates(network)
    if bare and effect is not None and effect.reference_t is None:
        raise ValueError(
            "a derate of arcs without a capacity figure needs the loads without the scenario (reference_t)"
        )
    tonnes = cn.dimension_factor["t"][fc] if len(fc) else np.zeros(0)
    reference = np.zeros(cn.n_arcs) if effect is None or effect.reference_t is None else effect.reference_t
    for target, mask, share in bare:
        for a in np.flatnonzero(mask):
            sel = np.flatnonzero((fa == a) & np.isfinite(tonnes))
            if not len(sel):
                continue
            rows_i.append(np.full(len(sel), n_rows))
            cols_j.append(sel)
            vals.append(tonnes[sel])
            cap_rows.append(n_rows)
            cap_kind.append("derate")
            cap_element.append(target)
            cap_direction.append(f"{cn.link_ids[cn.arc_link[a]]}:{cn.node_ids[cn.tail[a]]}->{cn.node_ids[cn.head[a]]}")
            cap_limit.append(share * float(reference[a]))
            cap_dim.append("t")
            n_rows += 1
    matrix = coo_array(
        (np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_j))), shape=(n_rows, col)
    ).tocsr()
    row_lower = np.concatenate([rhs_cons, rhs_pairs, np.full(len(cap_rows), -np.inf)])
    row_upper = np.concatenate([rhs_cons, rhs_pairs, np.asarray(cap_limit, dtype=float)])
    cost = np.concatenate(costs).astype(float)
    queues = _queues(network, matrix, cap_rows, cap_kind, cap_element, cap_limit)
    if queues.n_pieces:
        matrix = vstack([hstack([matrix, csr_array((n_rows, queues.n_pieces))]), queues.rows]).tocsr()
        cost = np.concatenate([cost, queues.piece_cost])
        row_lower = np.concatenate([row_lower, np.zeros(len(queues.cap))])
        row_upper = np.concatenate([row_upper, np.zeros(len(queues.cap))])
    upper = np.concatenate([np.full(col, np.inf), queues.piece_upper])
    return AssignmentModel(
        network=network,
        demand=demand,
        cost=cost,
        upper=upper,
        matrix=csc_array(matrix),
        row_lower=row_lower,
        row_upper=row_upper,
        n_flow=n_flow,
        flow_group=fg,
        flow_arc=fa,
        unserved_col=unserved_col,
        delivery_col=np.array([d[0] for d in deliveries], dtype=np.int64),
        delivery_pair=np.array([d[1] for d in deliveries], dtype=np.int64),
        delivery_node=np.array([d[2] for d in deliveries], dtype=np.int64),
        group_commodity=group_commodity,
        group_origin=node_origin_of_group,
        group_pairs=tuple(tuple(members) for _, members in groups),
        cap_rows=np.asarray(cap_rows, dtype=np.int64),
        cap_kind=tuple(cap_kind),
        cap_element=tuple(cap_element),
        cap_direction=tuple(cap_direction),
        cap_limit=np.asarray(cap_limit, dtype=float),
        cap_dim=tuple(cap_dim),
        penalty=pair_penalty,
        money=np.concatenate(moneys).astype(float) if moneys else np.zeros(0),
        group_segment=group_segment,
        segments=book,
        queue_rows=n_rows + np.arange(len(queues.cap), dtype=np.int64),
        queue_cap=queues.cap,
        queue_half_h=queues.half,
        queue_max_h=queues.longest,
        queue_vot_h=queues.vot_h,
        piece_cols=col + np.arange(queues.n_pieces, dtype=np.int64),
        piece_queue=queues.piece_queue,
        piece_wait_h=queues.piece_wait,
    )


@dataclass(frozen=True)
class _Queues:
    """The waiting pieces of the congested capacity rows (see :mod:`corridor.flow.segments`)."""

    cap: np.ndarray  # [queue] position in the capacity rows
    half: np.ndarray
    longest: np.ndarray
    vot_h: np.ndarray  # USD per unit of the row's dimension per hour waited
    rows: csr_array  # [queue, all columns + pieces]: the row's load minus its pieces = 0
    piece_queue: np.ndarray
    piece_wait: np.ndarray  # hours
    piece_cost: np.ndarray
    piece_upper: np.ndarray

    @property
    def n_pieces(self) -> int:
        return len(self.piece_queue)


def _queues(
    network: Network,
    matrix: csr_array,
    cap_rows: list[int],
    cap_kind: list[str],
    cap_element: list[str],
    cap_limit: list[float],
) -> _Queues:
    """One queue per capacity row whose element (a link's direction, a node, a shared group) is in congestion.csv."""
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
    picked = [i for i, (kind, element) in enumerate(zip(cap_kind, cap_element, strict=True))
              if kind in ("link", "node", "shared") and element in params]  # fmt: skip
    widths = np.diff(np.asarray(USE_BREAKPOINTS))
    n_cols = matrix.shape[1]
    load = matrix[np.asarray([cap_rows[i] for i in picked], dtype=np.int64), :] if picked else csr_array((0, n_cols))
    piece_queue, piece_wait, piece_upper, vot = [], [], [], []
    for q, i in enumerate(picked):
        half, longest, vot_day = params[cap_element[i]]
        _, hours = wait_pieces(half, longest)
        piece_queue += [q] * len(hours)
        piece_wait += hours.tolist()
        upper = widths * cap_limit[i]
        upper[-1] = np.inf  # the capacity row itself bounds the last piece, and its dual prices the rationing
        piece_upper += upper.tolist()
        vot.append(vot_day / 24.0)
    k = len(piece_queue)
    minus = csr_array((-np.ones(k), (np.asarray(piece_queue, dtype=np.int64), np.arange(k))), shape=(len(picked), k))
    rows = hstack([load, minus]).tocsr() if picked else csr_array((0, n_cols))
    vot_h = np.asarray(vot, dtype=float)
    pq = np.asarray(piece_queue, dtype=np.int64)
    pw = np.asarray(piece_wait, dtype=float)
    return _Queues(
        cap=np.asarray(picked, dtype=np.int64),
        half=np.asarray([params[cap_element[i]][0] for i in picked], dtype=float),
        longest=np.asarray([params[cap_element[i]][1] for i in picked], dtype=float),
        vot_h=vot_h,
        rows=csr_array(rows),
        piece_queue=pq,
        piece_wait=pw,
        piece_cost=vot_h[pq] * pw if k else np.zeros(0),
        piece_upper=np.asarray(piece_upper, dtype=float),
    )
