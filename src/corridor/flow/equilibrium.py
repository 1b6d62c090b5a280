"""Route choices consistent with each shipper segment's own value of time (diagonalisation).

Everyone in a queue waits the same hours, but a time-critical box values them at several times
what an economy box does. The LP (:mod:`corridor.flow.build`) charges a queue's waiting pieces at
one rate: the element's own value of time (``congestion.csv``), or the lowest of the segments
counted there when that is lower. On its own it would let a time-critical box wait 40 days as if
its time were worth an economy box's. So each column also pays a **toll** per queue it enters:
its own value of waiting an hour (its segment's value of time; for a commodity without segments,
the element's) less what the pieces charge, times the queue's wait; never negative, so every arc
stays non-negative for the priced LP's Dijkstra.

The waits depend on the loads the tolls bring about. The LP is solved again with tolls at the
last waits until they settle: each queue's toll wait moves towards the wait its load gives, by a
step that halves whenever the move changes direction (successive averages, a step per queue, so
a queue that overshoots is bisected). At a fixed point every column pays, at the margin, its
segment's value of time times the waits, and the LP's optimum is an equilibrium.

**The gap to equilibrium** is measured on the answer returned, at the costs that
``corridor routes --segments`` shows: per unit, tariffs and premiums, the segment's value of time
times the transit, delay and the waits on the queue curve at the loads. Every route is open, and
a place on a capacity at its limit costs its **price**, the LP's dual of that capacity
(:func:`capacity_charges`): who wants a place on a full line must outbid the cargo that holds it.
So time-critical boxes queued beside a full line that economy boxes use are not at equilibrium
when their hours in the queue, at their own value of time, cost more than the line's price: at
the first LP, which charges a queue at the lowest value of time, that price is what the queue
costs an economy box. ``excess_usd`` is what the groups pay per year beyond carrying what they
carry on their cheapest routes, and ``relative_gap`` is that over the cost of those cheapest
routes: 0 at an exact equilibrium. The rounds stop when it is at most :data:`GAP_TOLERANCE`,
when the waits have settled (:data:`SETTLED_H`) or after :data:`MAX_ROUNDS`; the round with the
smallest gap is returned, never the first LP when cargo on it would pay a toll (it weighed that
cargo's waits at too low a value of time).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from corridor.flow.model import AssignmentModel, EquilibriumGap, LPSolution

__all__ = ["GAP_TOLERANCE", "MAX_ROUNDS", "WaitTerms", "equilibrium_gap", "solve_equilibrium", "wait_terms"]

GAP_TOLERANCE = 1e-4
"""Relative gap at which the rounds stop: a hundredth of a percent of what the cheapest open routes cost."""

SETTLED_H = 0.1
"""The rounds also stop when every queue's wait is within this many hours of the wait its toll assumed."""

MAX_ROUNDS = 30
"""Most LP solves of one equilibrium (the first, without tolls, included)."""

FULL = 1e-6
"""A capacity is at its limit when its load is within this share of it."""

_EPSILON = 1e-12  # added to arc lengths so that zero-cost arcs stay arcs for Dijkstra


SEARCH_NODES = 1 << 22
"""Most nodes of one search of the gap (a copy of the network per group, see :class:`_GapGraph`):
the groups are searched in as many batches as it takes, so memory stays bounded on a large network."""


@dataclass(frozen=True, eq=False)
class _GapGraph:
    """A batch of groups' columns as one graph with a copy of the network's nodes per group (the
    batch's ``k``-th group's node ``v`` is ``k * n + v``), parallel arcs side by side: one
    multi-source Dijkstra from the groups' origins gives each group its cheapest costs over its
    own columns, since no arc leads from one group's copy to another's."""

    n: int  # nodes of the network (of each copy)
    order: np.ndarray  # the batch's flow columns sorted by (group, tail, head)
    starts: np.ndarray  # where each (group, tail, head) run begins in ``order``
    indices: np.ndarray  # CSR: head of each run, in the copies
    indptr: np.ndarray  # CSR: row starts by tail, in the copies
    sources: np.ndarray  # [group of the batch] its origin, in the copies
    deliveries: np.ndarray  # the deliveries of the batch's pairs, group by group, each pair's in turn
    delivery_group: np.ndarray  # [position in ``deliveries``] group of its pair (in the model)
    reach: np.ndarray  # [position in ``deliveries``] its node, in the copies

    @classmethod
    def batches(cls, model: AssignmentModel) -> list[_GapGraph]:
        n, n_groups = int(model.network.compiled.n_nodes), len(model.group_origin)
        size = max(1, SEARCH_NODES // max(n, 1))
        return [cls.of(model, first, min(first + size, n_groups)) for first in range(0, n_groups, size)]

    @classmethod
    def of(cls, model: AssignmentModel, first: int, last: int) -> _GapGraph:
        """The graph of groups ``first`` to ``last - 1``."""
        cn = model.network.compiled
        n, copies = int(cn.n_nodes), int(cn.n_nodes) * (last - first)
        cols = np.arange(*np.searchsorted(model.flow_group, [first, last]))
        block = (model.flow_group[cols].astype(np.int64) - first) * n
        arcs = model.flow_arc[cols]
        key = (block + cn.tail[arcs].astype(np.int64)) * copies + block + cn.head[arcs].astype(np.int64)
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
        indptr = np.searchsorted(key[starts] // copies, np.arange(copies + 1)).astype(np.int32)
        sources = np.arange(last - first, dtype=np.int64) * n + model.group_origin[first:last].astype(np.int64)
        bounds = np.searchsorted(model.delivery_pair, np.arange(model.n_pairs + 1))
        ranges = [(g, np.arange(bounds[p], bounds[p + 1])) for g in range(first, last) for p in model.group_pairs[g]]
        deliveries = np.concatenate([at for _, at in ranges]) if ranges else np.zeros(0, np.int64)
        group = np.concatenate([np.full(len(at), g) for g, at in ranges]) if ranges else np.zeros(0, np.int64)
        reach = (group - first) * n + model.delivery_node[deliveries]
        return cls(n, cols[order], starts, (key[starts] % copies).astype(np.int32), indptr, sources, deliveries,
                   group, reach)  # fmt: skip

    def distances(self, cost: np.ndarray, open_: np.ndarray) -> np.ndarray:
        """[position in ``deliveries``] the cheapest cost from its group's origin to its node over
        the group's open columns (inf where none reaches)."""
        copies = self.n * len(self.sources)
        if not len(self.order):
            out = np.full(copies, np.inf)
            out[self.sources] = 0.0
            return np.asarray(out[self.reach], dtype=float)
        length = np.where(open_[self.order], cost[self.order], np.inf)
        data = np.minimum.reduceat(length, self.starts) + _EPSILON  # the cheapest of parallel arcs
        graph = csr_array((data, self.indices, self.indptr), shape=(copies, copies))
        found = np.asarray(dijkstra(graph, indices=self.sources, min_only=True), dtype=float)
        return np.asarray(found[self.reach], dtype=float)


@dataclass(frozen=True, eq=False)
class WaitTerms:
    """Each (flow column, queue it enters): what an hour's wait costs a unit of the column's cargo."""

    place: np.ndarray  # [entry] flow column
    queue: np.ndarray  # [entry] queue
    own_h: np.ndarray  # [entry] USD per unit per hour at its own value of time
    toll_h: np.ndarray  # [entry] own_h less what the queue's pieces charge (>= 0)
    cap_place: np.ndarray  # [entry] flow column
    cap: np.ndarray  # [entry] capacity row (position in cap_rows) it loads
    graphs: list[_GapGraph] = field(default_factory=list)  # the groups' graphs, built on first use

    def per_column(self, n_flow: int, per_entry: np.ndarray) -> np.ndarray:
        """[flow column] the sum of ``per_entry`` over its queues."""
        return np.bincount(self.place, weights=per_entry, minlength=n_flow).astype(float)

    def tolls(self, n_flow: int, waits: np.ndarray) -> np.ndarray:
        """[flow column] USD per unit added to what the LP charges, for these hours waited per queue."""
        return self.per_column(n_flow, self.toll_h * waits[self.queue]) if len(self.place) else np.zeros(n_flow)


def wait_terms(model: AssignmentModel) -> WaitTerms:
    """The queues and capacities each flow column enters, with its own and its toll's value of an hour waited."""
    empty = np.zeros(0, np.int64)
    if not len(model.queue_rows) or not model.n_flow:
        return WaitTerms(empty, empty, np.zeros(0), np.zeros(0), empty, empty)
    rows, place, factor = model.flow_entries(np.arange(model.n_flow, dtype=np.int64))
    position = np.full(model.shape[0], -1, dtype=np.int64)
    position[model.queue_rows] = np.arange(len(model.queue_rows))
    queue = position[rows]
    mine = queue >= 0
    place_q, queue, factor = place[mine], queue[mine], factor[mine]
    book = model.segments.table
    segment = model.group_segment[model.flow_group[place_q]]
    weigh = book["weigh_time"].to_numpy(bool)[segment]
    vot_h = book["value_of_time_usd_per_unit_day"].to_numpy(float)[segment] / 24.0
    own = np.where(weigh, vot_h, factor * model.queue_own_vot_h[queue])
    toll = np.maximum(own - factor * model.queue_vot_h[queue], 0.0)
    position[:] = -1
    position[model.cap_rows] = np.arange(len(model.cap_rows))
    cap = position[rows]
    loads = cap >= 0
    return WaitTerms(place_q, queue, own, toll, place[loads], cap[loads])


def own_costs(model: AssignmentModel, terms: WaitTerms, waits: np.ndarray) -> np.ndarray:
    """[flow column] USD per unit at its segment's own value of time: the LP's cost without the
    queue pieces, plus its own value of the hours waited (``waits``: per queue)."""
    base = np.asarray(model.cost[: model.n_flow], dtype=float)
    if not len(terms.place):
        return base
    return np.asarray(base + terms.per_column(model.n_flow, terms.own_h * waits[terms.queue]), dtype=float)


def column_waits(model: AssignmentModel, terms: WaitTerms, waits: np.ndarray) -> np.ndarray:
    """[flow column] hours its cargo waits in queues (``waits``: per queue)."""
    if not len(terms.place):
        return np.zeros(model.n_flow)
    return terms.per_column(model.n_flow, waits[terms.queue])


def capacity_charges(model: AssignmentModel, row_dual: np.ndarray) -> np.ndarray:
    """[flow column] USD per unit its places on capacities cost at the LP's duals (``row_dual``):
    what who takes a place on a full line must outbid its holder by (0 on a line with room)."""
    if not len(model.cap_rows) or not model.n_flow:
        return np.zeros(model.n_flow)
    rows, place, factor = model.flow_entries(np.arange(model.n_flow, dtype=np.int64))
    price = np.zeros(model.shape[0])
    price[model.cap_rows] = -np.minimum(np.asarray(row_dual, dtype=float)[model.cap_rows], 0.0)
    return np.bincount(place, weights=factor * price[rows], minlength=model.n_flow).astype(float)


def equilibrium_gap(
    model: AssignmentModel,
    x: np.ndarray,
    terms: WaitTerms,
    *,
    tolerance: float = 1e-9,
    charge: np.ndarray | None = None,
) -> tuple[float, float, np.ndarray]:
    """(relative gap, excess USD per year, [pair] USD per unit of its cheapest open route) of a
    solution ``x`` (see the module docstring); ``charge`` (:func:`capacity_charges`): every route
    is open, a place on a full capacity at its price."""
    cn = model.network.compiled
    if not len(model.group_origin):  # no demand groups: no route to be off
        return 0.0, 0.0, np.full(model.n_pairs, np.inf)
    flow = x[: model.n_flow]
    cost = own_costs(model, terms, model.queue_waits(x))
    roomy = np.ones(model.n_flow, dtype=bool)
    if charge is not None:  # every route open, a full line's places at their price
        cost = cost + charge
    elif len(terms.cap_place):
        full = model.capacity_load(x) >= model.cap_limit * (1.0 - FULL) - tolerance
        roomy[terms.cap_place[full[terms.cap]]] = False
    if not terms.graphs:
        terms.graphs.extend(_GapGraph.batches(model))
    batches = terms.graphs
    deliveries = np.concatenate([b.deliveries for b in batches])
    group = np.concatenate([b.delivery_group for b in batches])
    # each pair's cheapest open route: the cheapest of its delivery nodes
    cheapest = np.full(model.n_pairs, np.inf)
    pair, node = model.delivery_pair[deliveries], model.delivery_node[deliveries]
    np.minimum.at(cheapest, pair, np.concatenate([b.distances(cost, roomy) for b in batches]))
    # per group and delivery node: the cheapest open route of a pair delivered there, the volume delivered
    n = cn.n_nodes
    delivered = x[model.delivery_col[deliveries]]
    moved = delivered > tolerance
    where, at = np.unique(group[moved] * n + node[moved], return_inverse=True)
    volume = np.bincount(at, weights=delivered[moved], minlength=len(where))  # summed in the groups' order
    best = np.full(len(where), np.inf)
    np.minimum.at(best, at, cheapest[pair[moved]])
    used = np.flatnonzero(flow > tolerance)
    used_group = model.flow_group[used]
    col_bounds = np.searchsorted(used_group, np.arange(len(model.group_origin) + 1))
    bounds = np.searchsorted(where // n, np.arange(len(model.group_origin) + 1))
    paid = excess = 0.0
    for g in np.unique(used_group[np.isin(used_group, where // n)]):
        mine = slice(bounds[g], bounds[g + 1])
        ends = (where[mine] % n).tolist()
        best_at = dict(zip(ends, best[mine].tolist(), strict=True))
        cols = used[col_bounds[g] : col_bounds[g + 1]]
        volume_at = dict(zip(ends, volume[mine].tolist(), strict=True))
        for path, carried, end in _paths(
            cols, flow, model.flow_arc, cn, int(model.group_origin[g]), volume_at, tolerance
        ):
            route = float(cost[path].sum())
            paid += carried * route
            excess += carried * max(route - best_at[end], 0.0) if np.isfinite(best_at[end]) else 0.0
    return (excess / (paid - excess) if paid - excess > 0 else 0.0), excess, cheapest


def _paths(
    cols: np.ndarray, flow: np.ndarray, flow_arc: np.ndarray, cn: Any, origin: int,
    delivered: dict[int, float], tolerance: float,
) -> list[tuple[np.ndarray, float, int]]:  # fmt: skip
    """One group's flow split into paths (columns, volume, end node) from its origin to where it is delivered."""
    remaining = dict(zip(cols.tolist(), flow[cols].tolist(), strict=True))
    leaving: dict[int, list[int]] = {}
    for c, tail in zip(remaining, cn.tail[flow_arc[cols]].tolist(), strict=True):
        leaving.setdefault(tail, []).append(c)
    head = dict(zip(remaining, cn.head[flow_arc[cols]].tolist(), strict=True))
    left = dict(delivered)
    paths: list[tuple[np.ndarray, float, int]] = []
    for _ in range(4 * len(remaining) + 4):
        if sum(left.values()) <= tolerance:
            break
        node, path, seen = origin, [], [origin]
        while node == origin or left.get(node, 0.0) <= tolerance:
            c, most = -1, tolerance  # the first column out of the node with the most flow left
            for k in leaving.get(node, ()):
                if remaining[k] > most:
                    c, most = k, remaining[k]
            if c < 0:
                break
            node = head[c]
            path.append(c)
            if node in seen:  # a cycle carries nothing anywhere: cancel it
                loop = path[seen.index(node) :]
                least = min(remaining[k] for k in loop)
                for k in loop:
                    remaining[k] -= least
                del path[seen.index(node) :]
                del seen[seen.index(node) + 1 :]
                continue
            seen.append(node)
        if not path or left.get(node, 0.0) <= tolerance:
            break
        volume = min(*(remaining[c] for c in path), left[node])
        for c in path:
            remaining[c] -= volume
        left[node] -= volume
        paths.append((np.asarray(path, dtype=np.int64), volume, node))
    return paths


class _Round(NamedTuple):
    """One solve of the tolled LP, with its measured gap."""

    gap: float
    excess: float
    cheapest: np.ndarray
    solution: LPSolution
    cost: np.ndarray | None  # None: the model's own


def solve_equilibrium(
    model: AssignmentModel,
    solve: Callable[[np.ndarray], LPSolution],
    *,
    tolerance: float = GAP_TOLERANCE,
    rounds: int = MAX_ROUNDS,
) -> LPSolution:
    """The LP solved with each segment's tolls until the waits settle (see the module docstring).

    ``solve`` solves the model with a given cost vector. The solution returned carries the costs it
    is optimal for (``cost``) and the measured gap (``equilibrium``); a model without queues is
    solved once, an exact equilibrium (gap 0).
    """
    start = time.perf_counter()
    solution = solve(model.cost)
    if not len(model.queue_rows):
        return replace(solution, equilibrium=EquilibriumGap(1, 0.0, 0.0, 0.0, time.perf_counter() - start))
    terms = wait_terms(model)
    done = [_Round(*_measure(model, solution, terms), solution, None)]
    tolled = _pays_toll(model, terms, solution.x)  # the first LP weighed that wait at too low a value of time
    if (done[0].gap > tolerance or tolled) and np.any(terms.toll_h > 0):
        settled = model.queue_waits(solution.x)
        step = np.ones(len(settled))
        last = np.zeros(len(settled))
        while len(done) < rounds:
            cost = model.cost.copy()
            cost[: model.n_flow] += terms.tolls(model.n_flow, settled)
            solution = solve(cost)
            done.append(_Round(*_measure(model, solution, terms), solution, cost))
            move = model.queue_waits(solution.x) - settled
            if done[-1].gap <= tolerance or np.all(np.abs(move) <= SETTLED_H):
                break
            step[move * last < 0] *= 0.5  # overshot: bisect
            settled = settled + step * move
            last = move
    pool = done[1:] if tolled and len(done) > 1 else done  # never the first LP when it weighed waits too low
    best = min(pool, key=lambda r: r.gap)
    if best.gap > tolerance and len(pool) > 1:
        best = _blend(model, terms, best, pool)
    report = EquilibriumGap(len(done), best.gap, best.excess, done[0].gap, time.perf_counter() - start, best.cheapest)
    return replace(best.solution, cost=best.cost, equilibrium=report)


def _measure(model: AssignmentModel, solution: LPSolution, terms: WaitTerms) -> tuple[float, float, np.ndarray]:
    """The gap of a round, its full lines' places priced at its own duals."""
    return equilibrium_gap(model, solution.x, terms, charge=capacity_charges(model, solution.row_dual))


def _pays_toll(model: AssignmentModel, terms: WaitTerms, x: np.ndarray, *, tolerance: float = 1e-9) -> bool:
    """Whether a column with cargo in ``x`` would pay a toll at the waits of ``x``."""
    tolls = terms.tolls(model.n_flow, model.queue_waits(x))
    return bool(np.any(tolls[x[: model.n_flow] > tolerance] > tolerance))


BLEND_PARTNERS = 3
"""Rounds (with waits unlike the best one's) the best round is mixed with, when none is within the tolerance."""

BLEND_SHARES = np.linspace(0.1, 0.9, 9)
"""Shares of the partner tried first; a second pass tries nine more around the best of them."""


def _blend(model: AssignmentModel, terms: WaitTerms, best: _Round, done: list[_Round]) -> _Round:
    """The best round, or a mix of it with another round if one has a smaller gap.

    A queue's load moves in steps of the LP's pieces, so the waits can settle between two rounds'
    loads, neither of which is the equilibrium; any mix of two solutions is feasible (the LP's
    constraints are linear), and one between them is nearer. The duals are the best round's.
    """
    waits = model.queue_waits(best.solution.x)
    others: list[_Round] = []
    for r in sorted(done, key=lambda r: r.gap):
        seen = [waits] + [model.queue_waits(o.solution.x) for o in others]
        if not any(np.allclose(model.queue_waits(r.solution.x), w, atol=SETTLED_H) for w in seen):
            others.append(r)
        if len(others) == BLEND_PARTNERS:
            break
    start = best
    charge = capacity_charges(model, start.solution.row_dual)
    for other in others:
        shares = BLEND_SHARES
        for _ in range(2):
            found = None
            for share in shares:
                x = (1.0 - share) * start.solution.x + share * other.solution.x
                gap, excess, cheapest = equilibrium_gap(model, x, terms, charge=charge)
                if gap < best.gap:
                    objective = (1.0 - share) * start.solution.objective + share * other.solution.objective
                    best = _Round(gap, excess, cheapest, replace(start.solution, x=x, objective=objective), start.cost)
                    found = share
            if found is None:
                break
            shares = np.clip(found + np.linspace(-0.09, 0.09, 9), 0.0, 1.0)
    return best
