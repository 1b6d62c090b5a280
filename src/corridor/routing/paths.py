"""Path algorithms on compiled CSR arrays: shortest paths, Yen's k loopless paths, Pareto sets.

The graph here is a plain directed graph whose edges each carry a weight and a tag saying which
network arc they stand for (``>= 0``) or that they are a free hop (``< 0``: out of a virtual
node, between via layers, to or from a super node). Shortest paths use
``scipy.sparse.csgraph.dijkstra``; everything else is bookkeeping around it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from corridor.errors import RequestError

__all__ = ["Graph", "YenResult", "build_graph", "pareto_paths", "shortest_paths", "yen_paths"]

FREE = -1  # tag of an edge that stands for no arc


@dataclass(frozen=True, eq=False)
class Graph:
    """A directed graph in CSR form with a weight and an arc tag per edge."""

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    weight: np.ndarray
    tag: np.ndarray  # [edge] arc index, or FREE
    node_real: np.ndarray  # [graph node] network node index, or -1 for helper nodes
    n_base: int  # nodes per layer
    layers: int
    _keys: np.ndarray = field(repr=False)  # sorted (tail * n + head) of every edge
    _key_edge: np.ndarray = field(repr=False)  # edge index of each sorted key

    def csgraph(self, weight: np.ndarray | None = None) -> csr_array:
        data = self.weight if weight is None else weight
        return csr_array((data, self.indices, self.indptr), shape=(self.n, self.n))

    def edges_of(self, path: Sequence[int]) -> np.ndarray:
        """Edge indices along a node path (pairs in a graph built here are unique)."""
        nodes = np.asarray(path, dtype=np.int64)
        keys = nodes[:-1] * self.n + nodes[1:]
        pos = np.searchsorted(self._keys, keys)
        return self._key_edge[pos]

    def copies(self, node: int) -> np.ndarray:
        """The graph nodes that stand for the same network node in every layer (itself if a helper)."""
        real = int(self.node_real[node])
        if real < 0:
            return np.array([node])
        return real + self.n_base * np.arange(self.layers)

    def in_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """(pointer, edge indices) of the edges entering each node."""
        order = np.argsort(self.indices, kind="stable")
        ptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.indices, minlength=self.n), out=ptr[1:])
        return ptr, order


def build_graph(
    n_base: int,
    tail: np.ndarray,
    head: np.ndarray,
    weight: np.ndarray,
    tag: np.ndarray,
    n_real: int,
    *,
    via_nodes: Sequence[np.ndarray] = (),
    via_edges: Sequence[np.ndarray] = (),
    super_nodes: Sequence[np.ndarray] = (),
    super_out: Sequence[bool] = (),
) -> Graph:
    """Build the query graph: ``len(via_nodes) + 1`` copies (layers) of the base graph.

    Layer ``i`` moves to layer ``i + 1`` only at a node of ``via_nodes[i]`` or along a base edge
    of ``via_edges[i]``, so a path from layer 0 to the last layer passes the via items in order.
    Each entry of ``super_nodes`` adds one helper node joined by free edges to the given base
    nodes: out of it into layer 0 (``super_out`` True: a group origin), or into it from the last
    layer (a group destination). Edges whose weight is inf (closed or not allowed) are left out.
    """
    layers = len(via_nodes) + 1
    parts_t, parts_h, parts_w, parts_g = [], [], [], []
    for layer, (via_n, via_e) in enumerate(zip(via_nodes, via_edges, strict=True)):
        nodes = np.asarray(via_n, dtype=np.int64)
        edges = np.asarray(via_e, dtype=np.int64)
        edges = edges[np.isfinite(weight[edges])]
        parts_t += [nodes + layer * n_base, tail[edges] + layer * n_base]
        parts_h += [nodes + (layer + 1) * n_base, head[edges] + (layer + 1) * n_base]
        parts_w += [np.zeros(len(nodes)), weight[edges]]
        parts_g += [np.full(len(nodes), FREE), tag[edges]]
    keep = np.isfinite(weight)
    tail, head, weight, tag = tail[keep], head[keep], weight[keep], tag[keep]
    for layer in range(layers):
        off = layer * n_base
        parts_t.append(tail + off)
        parts_h.append(head + off)
        parts_w.append(weight)
        parts_g.append(tag)
    n = layers * n_base
    last = (layers - 1) * n_base
    for members, out in zip(super_nodes, super_out, strict=True):
        nodes = np.asarray(members, dtype=np.int64)
        helper = np.full(len(nodes), n)
        parts_t.append(helper if out else nodes + last)
        parts_h.append(nodes if out else helper)
        parts_w.append(np.zeros(len(nodes)))
        parts_g.append(np.full(len(nodes), FREE))
        n += 1
    t = np.concatenate(parts_t).astype(np.int64)
    h = np.concatenate(parts_h).astype(np.int64)
    w = np.concatenate(parts_w).astype(float)
    g = np.concatenate(parts_g).astype(np.int64)
    order = np.lexsort((h, t))
    t, h, w, g = t[order], h[order], w[order], g[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(t, minlength=n), out=indptr[1:])
    keys = t * n + h
    if len(keys) > 1 and np.any(keys[1:] == keys[:-1]):
        raise AssertionError("parallel edges in a query graph; the network compiler should have split them")
    base_real = np.where(np.arange(n_base) < n_real, np.arange(n_base), -1)
    node_real = np.concatenate([np.tile(base_real, layers), np.full(n - layers * n_base, -1)])
    return Graph(
        n=n,
        n_base=n_base,
        layers=layers,
        indptr=indptr,
        indices=h.astype(np.int32),
        weight=w,
        tag=g,
        node_real=node_real,
        _keys=keys,
        _key_edge=np.arange(len(keys)),
    )


def _walk_back(pred: np.ndarray, source: int, target: int) -> list[int]:
    path = [target]
    node = target
    while node != source:
        node = int(pred[node])
        if node < 0:
            raise AssertionError("broken predecessor chain")
        path.append(node)
    path.reverse()
    return path


BOUNDED_FROM = 128
"""From this many query pairs on, Dijkstra runs are bounded by landmark upper bounds."""
LANDMARKS = 16


def _landmark_bounds(matrix: csr_array, pairs: Sequence[tuple[int, int]], n_landmarks: int) -> np.ndarray:
    """An upper bound on each pair's distance: min over landmarks L of d(s, L) + d(L, t).

    Landmarks are picked farthest-first; d(s, L) comes from Dijkstra on the reversed graph.
    The bound is exact whenever a landmark lies on a shortest path, and inf when none connects.
    """
    n = matrix.shape[0]
    marks = [int(pairs[0][0])]
    reach = dijkstra(matrix, indices=marks[0])
    for _ in range(n_landmarks - 1):
        far = np.where(np.isfinite(reach), reach, -1.0)
        if far.max() <= 0:
            break
        marks.append(int(np.argmax(far)))
        reach = np.minimum(reach, dijkstra(matrix, indices=marks[-1]))
    forward = np.atleast_2d(dijkstra(matrix, indices=marks))  # d(L, .)
    backward = np.atleast_2d(dijkstra(matrix.T.tocsr(), indices=marks))  # d(., L)
    src = np.array([s for s, _ in pairs])
    dst = np.array([t for _, t in pairs])
    assert forward.shape[1] == n
    return np.asarray(np.min(backward[:, src] + forward[:, dst], axis=0), dtype=float)


def shortest_paths(graph: Graph, pairs: Sequence[tuple[int, int]]) -> list[tuple[float, list[int]] | None]:
    """Shortest path (cost, nodes) for each (source, target) pair; None where there is none.

    Few pairs: sources are grouped so that each distinct source costs one full Dijkstra run.
    Many pairs (``BOUNDED_FROM`` or more): each source's run stops at an upper bound on the
    distance to its farthest target (from landmarks), which explores about half the graph on a
    road-like network; the answers are the same, since every target lies within its bound.
    """
    results: list[tuple[float, list[int]] | None] = [None] * len(pairs)
    if not pairs:
        return results
    matrix = graph.csgraph()
    if len(pairs) >= BOUNDED_FROM:
        return _bounded_paths(matrix, pairs)
    sources = np.unique([s for s, _ in pairs])
    row_of = {int(s): i for i, s in enumerate(sources)}
    batch = 256  # bounds memory: batch x n distances and predecessors
    for start in range(0, len(sources), batch):
        chunk = sources[start : start + batch]
        dist, pred = dijkstra(matrix, indices=chunk, return_predecessors=True)
        dist = np.atleast_2d(dist)
        pred = np.atleast_2d(pred)
        for i, (s, t) in enumerate(pairs):
            r = row_of[s] - start
            if not 0 <= r < len(chunk):
                continue
            if s == t:
                results[i] = (0.0, [s])
            elif np.isfinite(dist[r, t]):
                results[i] = (float(dist[r, t]), _walk_back(pred[r], s, t))
    return results


def _bounded_paths(matrix: csr_array, pairs: Sequence[tuple[int, int]]) -> list[tuple[float, list[int]] | None]:
    bound = _landmark_bounds(matrix, pairs, LANDMARKS)
    by_source: dict[int, list[int]] = {}
    for i, (s, _) in enumerate(pairs):
        by_source.setdefault(int(s), []).append(i)
    results: list[tuple[float, list[int]] | None] = [None] * len(pairs)
    for s, members in by_source.items():
        limit = float(np.max(bound[members]))
        # a hair above the bound so that float rounding never cuts a target off
        limit = limit * (1 + 1e-9) + 1e-9 if np.isfinite(limit) else np.inf
        dist, pred = dijkstra(matrix, indices=s, return_predecessors=True, limit=limit)
        for i in members:
            t = int(pairs[i][1])
            if s == t:
                results[i] = (0.0, [s])
            elif np.isfinite(dist[t]):
                results[i] = (float(dist[t]), _walk_back(pred, s, t))
    return results


def _any_path(_path: list[int]) -> bool:
    return True


@dataclass(frozen=True)
class YenResult:
    """Paths Yen's algorithm accepted, and whether it stopped at its work limit."""

    paths: list[tuple[float, list[int]]]
    capped: bool
    examined: int


def yen_paths(
    graph: Graph,
    source: int,
    target: int,
    k: int,
    *,
    accept: Callable[[list[int]], bool] | None = None,
    max_rejected: int = 20_000,
) -> YenResult:
    """Up to ``k`` loopless paths in order of cost (Yen's algorithm).

    ``accept`` filters the paths reported; rejected paths still seed later candidates, so the
    order stays exact. ``max_rejected`` (default 20,000) bounds how many rejected paths are
    examined; ``capped`` says when that bound stopped the search.
    """
    limit = max_rejected
    first = shortest_paths(graph, [(source, target)])[0]
    if first is None:
        return YenResult([], capped=False, examined=0)
    if accept is None:
        accept = _any_path
    found: list[tuple[float, list[int]]] = [first]
    accepted = [first] if accept(first[1]) else []
    taken: dict[tuple[int, ...], set[int]] = {}  # root path -> next nodes already used from it

    def remember(path: list[int]) -> None:
        for i in range(len(path) - 1):
            taken.setdefault(tuple(path[: i + 1]), set()).add(path[i + 1])

    remember(first[1])
    candidates: list[tuple[float, int, list[int]]] = []
    seen = {tuple(first[1])}
    counter = itertools.count()
    in_ptr, in_order = graph.in_edges()
    while len(accepted) < k:
        _, last = found[-1]
        root_costs = np.concatenate([[0.0], np.cumsum(graph.weight[graph.edges_of(last)])])
        for i in range(len(last) - 1):
            spur, root = last[i], last[: i + 1]
            w = graph.weight.copy()
            for nxt in taken.get(tuple(root), ()):
                w[graph.edges_of([spur, nxt])] = np.inf
            for node in root[:-1]:
                # the root's places are closed in every layer: a path may not come back to them
                for copy in graph.copies(node):
                    w[in_order[in_ptr[copy] : in_ptr[copy + 1]]] = np.inf
            dist, pred = dijkstra(graph.csgraph(w), indices=spur, return_predecessors=True)
            if not np.isfinite(dist[target]):
                continue
            path = root[:-1] + _walk_back(pred, spur, target)
            key = tuple(path)
            if key not in seen:
                seen.add(key)
                heapq.heappush(candidates, (float(root_costs[i] + dist[target]), next(counter), path))
        if not candidates:
            return YenResult(accepted, capped=False, examined=len(found))
        if len(found) - len(accepted) >= limit:
            return YenResult(accepted, capped=True, examined=len(found))
        cost, _, path = heapq.heappop(candidates)
        found.append((cost, path))
        remember(path)
        if accept(path):
            accepted.append((cost, path))
    return YenResult(accepted, capped=False, examined=len(found))


def pareto_paths(
    graph: Graph,
    w1: np.ndarray,
    w2: np.ndarray,
    source: int,
    target: int,
    *,
    elementary: bool = False,
    max_labels: int = 200_000,
) -> list[tuple[float, float, list[int]]]:
    """Every path not dominated in (w1, w2), sorted by w1 (multi-objective label setting).

    Of paths with equal (w1, w2) one is kept. With ``elementary`` (needed on layered via
    graphs, where a walk could pass a place twice) each label remembers the network nodes it
    visited, may not visit one again, and dominates another only if it visited a subset of its
    nodes, so the front is exact over loopless routes. Raises RequestError when more than
    ``max_labels`` labels would be needed.
    """
    indptr, indices, real_of = graph.indptr, graph.indices, graph.node_real
    lab_node: list[int] = [source]
    lab_pred: list[int] = [-1]
    lab_cost: list[tuple[float, float]] = [(0.0, 0.0)]
    start_real = int(real_of[source])
    lab_seen: list[int] = [(1 << start_real) if elementary and start_real >= 0 else 0]
    alive: list[bool] = [True]
    at_node: dict[int, list[int]] = {source: [0]}
    heap: list[tuple[float, float, int]] = [(0.0, 0.0, 0)]
    done: list[int] = []
    while heap:
        a, b, lab = heapq.heappop(heap)
        if not alive[lab]:
            continue
        node = lab_node[lab]
        if node == target:
            done.append(lab)
            continue
        if any(lab_cost[d][0] <= a and lab_cost[d][1] <= b for d in done):
            continue
        here = int(real_of[node])
        for e in range(indptr[node], indptr[node + 1]):
            na, nb = a + w1[e], b + w2[e]
            if not (np.isfinite(na) and np.isfinite(nb)):
                continue
            head = int(indices[e])
            seen = lab_seen[lab]
            if elementary:
                real = int(real_of[head])
                if real >= 0 and real != here:
                    if seen >> real & 1:
                        continue
                    seen |= 1 << real
            labels = at_node.setdefault(head, [])
            if head == target:
                seen = 0  # at the end, only cost and time matter
            if any(lab_cost[x][0] <= na and lab_cost[x][1] <= nb and not (lab_seen[x] & ~seen) for x in labels):
                continue
            if any(lab_cost[d][0] <= na and lab_cost[d][1] <= nb for d in done):
                continue
            for x in labels:
                if na <= lab_cost[x][0] and nb <= lab_cost[x][1] and not (seen & ~lab_seen[x]):
                    alive[x] = False
            labels[:] = [x for x in labels if alive[x]]
            lab_node.append(head)
            lab_pred.append(lab)
            lab_cost.append((float(na), float(nb)))
            lab_seen.append(seen)
            alive.append(True)
            labels.append(len(lab_node) - 1)
            heapq.heappush(heap, (float(na), float(nb), len(lab_node) - 1))
            if len(lab_node) > max_labels:
                raise RequestError(
                    f"the cost-time Pareto set needs more than {max_labels} labels on this network; "
                    "ask for k shortest routes instead, or narrow the request with via or avoid"
                )
    out = []
    for lab in done:
        path = []
        x = lab
        while x >= 0:
            path.append(lab_node[x])
            x = lab_pred[x]
        path.reverse()
        out.append((lab_cost[lab][0], lab_cost[lab][1], path))
    out.sort(key=lambda item: (item[0], item[1]))
    return out
