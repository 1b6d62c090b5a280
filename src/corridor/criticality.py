"""Criticality: what closing each link, node or named asset group costs, one at a time (N-1) or two (N-2).

For each closure the assignment LP is solved with the element's arcs shut, and compared with the
baseline: extra cost (transport plus the value of what is left behind), stranded volume per
commodity, and the exporting countries whose cargo pays for it.

Two things make a sweep cheap without changing its answers:

* **pruning.** An element that carries no flow in the baseline changes nothing when it closes
  (the baseline's solution is still feasible and nothing cheaper appeared), so no LP is solved
  for it. For N-2 the same holds one level down: closing ``a`` and ``b`` together equals closing
  ``a`` alone when ``b`` carries nothing once ``a`` is closed, and the other way round; only
  pairs where each carries flow in the other's N-1 solution are solved.
* **warm starts.** One HiGHS instance holds the baseline LP and its optimal basis. A closure sets
  the element's flow columns to an upper bound of zero and re-runs the dual simplex from that
  basis (still dual feasible after a bound change); the bounds are then restored, and the next
  closure starts again from the baseline basis alone (nothing else the solver learnt), so each
  answer is the same whichever closures a process solved before it.

On a large network HiGHS holds the priced master of :mod:`corridor._pricing` instead of the
whole LP: a closure starts from the baseline master and its basis, prices in the routes it
makes worth using and drops them again afterwards (on a 10,000-node network, about a tenth of
one assignment from scratch per closure).

``brute=True`` turns both off (a fresh LP per closure): the tests and ``make bench`` check the two
give the same answers.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csr_array

from corridor._highs import highs_lp, new_highs, status_name
from corridor._pricing import PricedLP
from corridor.assignment import LP_METHODS, PRICED_FROM_COLUMNS, AssignmentModel, build_assignment, solve_assignment
from corridor.constraints import group_members
from corridor.demand import Demand
from corridor.errors import RequestError, SolverError
from corridor.executors import EXECUTORS, batch, default_workers, drop_state, run_tasks, seed_state, worker_state
from corridor.network import Network
from corridor.scenario import Scenario, scenario_effect, with_investments

__all__ = ["Criticality", "Element", "criticality", "elements"]

_FLOW_TOLERANCE = 1e-6  # units per year below which a column carries nothing


@dataclass(frozen=True)
class Element:
    """Something that can close: a link, a node (every arc touching it) or a named group of them."""

    kind: str
    id: str
    arcs: tuple[int, ...]
    nodes: tuple[int, ...] = ()  # nodes whose own capacity it holds (a node, a group's member nodes)


def elements(
    network: Network, *, kinds: Iterable[str] = ("link", "node", "group"), demand: Demand | None = None
) -> list[Element]:
    """Every link, node and group of the network as a closable element.

    With ``demand``, nodes where cargo starts or ends, and groups holding one, are left out:
    closing a field or a market strands its cargo by definition and says nothing about the
    network between them.
    """
    cn = network.compiled
    kinds = set(kinds)
    unknown = kinds - {"link", "node", "group"}
    if unknown:
        raise RequestError(f"unknown element kind(s) {sorted(unknown)}; expected link, node or group")
    ends = set() if demand is None else set(demand.table["origin"]) | set(demand.table["destination"])
    out = []
    if "link" in kinds:
        for link in network.links["id"]:
            out.append(Element("link", str(link), tuple(np.flatnonzero(cn.arc_link == cn.link_index[link]).tolist())))
    if "node" in kinds:
        for node in network.nodes["id"]:
            if node in ends:
                continue
            i = cn.node_index[node]
            arcs = tuple(np.flatnonzero((cn.tail == i) | (cn.head == i)).tolist())
            out.append(Element("node", str(node), arcs, (i,)))
    if "group" in kinds:
        for group in network.groups["id"]:
            nodes, links = group_members(network, group)
            if group in ends or ends & set(nodes):
                continue
            node_idx = [cn.node_index[n] for n in nodes]
            link_idx = [cn.link_index[x] for x in links]
            hit = np.isin(cn.arc_link, link_idx) | np.isin(cn.tail, node_idx) | np.isin(cn.head, node_idx)
            out.append(Element("group", str(group), tuple(np.flatnonzero(hit).tolist()), tuple(node_idx)))
    return out


@dataclass(frozen=True)
class _Outcome:
    """One LP's answer, reduced to what a sweep keeps."""

    objective: float
    unserved: np.ndarray  # [pair] per year
    group_cost: np.ndarray  # [group] transport plus unserved value, per year
    column_flow: np.ndarray | None = None  # [flow column], kept for the N-1 solutions N-2 prunes with


class _Solver:
    """The baseline LP held in one HiGHS instance; closures and derates as bound changes from its
    optimal basis.

    On a large network (``lp="auto"`` from :data:`corridor.assignment.PRICED_FROM_COLUMNS`
    columns, or ``lp="priced"``) HiGHS holds only the priced master (:mod:`corridor._pricing`):
    a change starts from the baseline master and its basis and prices in the routes it makes
    worth using, which are dropped again afterwards.
    """

    def __init__(
        self,
        network: Network,
        demand: Demand,
        solver_options: Mapping[str, Any] | None = None,
        scenario: Scenario | None = None,
        lp: str = "auto",
    ) -> None:
        if lp not in LP_METHODS:
            raise RequestError(f"unknown LP method {lp!r}; expected one of {', '.join(LP_METHODS)}")
        self.network, self.demand, self.solver_options = network, demand, solver_options
        self.effect = None if scenario is None else scenario_effect(network, scenario, demand.table)
        self.model = model = build_assignment(network, demand, effect=self.effect)
        self.lp = "priced" if lp == "priced" or (lp == "auto" and model.shape[1] >= PRICED_FROM_COLUMNS) else "plain"
        self.priced: PricedLP | None = None
        if self.lp == "priced":
            self.priced = PricedLP(model, solver_options)
            self.h = self.priced.h
            solution = self.priced.solve()
            self.baseline = _outcome(model, solution.objective, solution.x, keep_flows=True)
        else:
            self.h = new_highs(solver_options)
            self.h.passModel(highs_lp(model.cost, model.upper, model.row_lower, model.row_upper, model.matrix))
            self.baseline = self._run(keep_flows=True)
            if "simplex_dual_edge_weight_strategy" not in (solver_options or {}):
                # a re-solve after a closure takes few pivots: Dantzig pricing saves recomputing the
                # steepest-edge weights of the restored basis (measured 15% off a built-in sweep)
                self.h.setOptionValue("simplex_dual_edge_weight_strategy", 0)
        self.basis = self.h.getBasis()
        n_arcs = network.compiled.n_arcs
        order = np.argsort(model.flow_arc, kind="stable")
        self._cols_sorted = order
        self._arc_start = np.searchsorted(model.flow_arc[order], np.arange(n_arcs + 1))

    def columns_of(self, arcs: Iterable[int]) -> np.ndarray:
        """Flow columns (every group's) on these arcs."""
        parts = [self._cols_sorted[self._arc_start[a] : self._arc_start[a + 1]] for a in arcs]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def carries(self, arcs: Iterable[int], flows: np.ndarray) -> bool:
        cols = self.columns_of(arcs)
        return bool(len(cols)) and float(flows[cols].max()) > _FLOW_TOLERANCE

    def _run(self, keep_flows: bool = False) -> _Outcome:
        import highspy

        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"HiGHS stopped with status {status_name(status)!r}; expected 'Optimal'")
        x = np.asarray(self.h.getSolution().col_value, dtype=float)
        return _outcome(self.model, float(self.h.getInfo().objective_function_value), x, keep_flows)

    def closed(self, arcs: Sequence[int], keep_flows: bool = False) -> _Outcome:
        """The optimum with these arcs shut, warm-started from the baseline basis; the LP is then restored."""
        cols = self.columns_of(arcs)
        if not len(cols):
            return self.baseline
        return self._changed(cols, np.zeros(0, np.int64), np.zeros(0), keep_flows)

    def disrupted(
        self, closed: Sequence[int], arc_share: Mapping[int, float], node_share: Mapping[int, float] | None = None
    ) -> _Outcome:
        """The optimum with some arcs shut and some capacities derated to a share, warm-started;
        the LP is then restored. Arcs and nodes without a published capacity cannot be derated."""
        if not hasattr(self, "_arc_row"):
            self._index_capacity_rows()
        rows = [self._arc_row[a] for a in arc_share if a in self._arc_row]
        shares = [s for a, s in arc_share.items() if a in self._arc_row]
        for v, s in (node_share or {}).items():
            if v in self._node_row:
                rows.append(self._node_row[v])
                shares.append(s)
        cols = self.columns_of(closed)
        if not len(cols) and not rows:
            return self.baseline
        row_index = np.asarray(rows, dtype=np.int64)
        row_upper = self.model.row_upper[row_index] * np.asarray(shares, dtype=float)
        return self._changed(cols, row_index, row_upper, keep_flows=False)

    def _changed(self, cols: np.ndarray, rows: np.ndarray, row_upper: np.ndarray, keep_flows: bool) -> _Outcome:
        """The optimum with these columns shut and these rows' upper bounds changed, then restored.

        Every change starts from the same state (the baseline basis, nothing else the solver
        learnt since), so its answer does not depend on which changes ran before it in this
        process: the same on every executor, even where the LP has several optimal solutions.
        """
        if self.priced is not None:
            solution = self.priced.solve_changed(self.basis, cols, rows, row_upper)
            return _outcome(self.model, solution.objective, solution.x, keep_flows)
        import highspy

        model, h = self.model, self.h
        c, r = cols.astype(np.int32), rows.astype(np.int32)
        h.clearSolver()
        if h.setBasis(self.basis) != highspy.HighsStatus.kOk:
            raise SolverError("HiGHS refused the baseline basis")
        if len(c):
            h.changeColsBounds(len(c), c, np.zeros(len(c)), np.zeros(len(c)))
        if len(r):
            h.changeRowsBounds(len(r), r, model.row_lower[rows], row_upper)
        try:
            return self._run(keep_flows)
        finally:
            if len(c):
                h.changeColsBounds(len(c), c, np.zeros(len(c)), model.upper[cols])
            if len(r):
                h.changeRowsBounds(len(r), r, model.row_lower[rows], model.row_upper[rows])

    def _index_capacity_rows(self) -> None:
        """Which capacity row bounds each arc direction, and each node."""
        model = self.model
        cn = self.network.compiled
        block = csr_array(model.matrix[model.cap_rows, : model.n_flow])
        self._arc_row: dict[int, int] = {}
        self._node_row: dict[int, int] = {}
        for i, row in enumerate(model.cap_rows):
            if model.cap_kind[i] == "node":
                self._node_row[cn.node_index[model.cap_element[i]]] = int(row)
                continue
            cols = block.indices[block.indptr[i] : block.indptr[i + 1]]
            for arc in np.unique(model.flow_arc[cols]):
                self._arc_row[int(arc)] = int(row)

    def fresh(self, arcs: Sequence[int], keep_flows: bool = False) -> _Outcome:
        """The optimum with these arcs shut from a new LP, built and solved from scratch."""
        if keep_flows:
            raise ValueError("a fresh LP has its own columns: its flows do not line up with the baseline's")
        usable = np.ones(self.network.compiled.n_arcs, dtype=bool)
        usable[list(arcs)] = False
        model = build_assignment(self.network, self.demand, usable=usable, effect=self.effect)
        solution = solve_assignment(model, solver_options=self.solver_options)  # the whole LP: an independent check
        return _outcome(model, solution.objective, solution.x, keep_flows=False)


def _outcome(model: AssignmentModel, objective: float, x: np.ndarray, keep_flows: bool) -> _Outcome:
    flow = x[: model.n_flow]
    unserved = np.maximum(x[model.unserved_col], 0.0)
    n_groups = len(model.group_origin)
    group_cost = np.bincount(model.flow_group, weights=model.cost[: model.n_flow] * flow, minlength=n_groups)
    pair_group = np.empty(len(unserved), dtype=np.int64)
    for g, members in enumerate(model.group_pairs):
        pair_group[list(members)] = g
    group_cost += np.bincount(pair_group, weights=model.penalty * unserved, minlength=n_groups)
    return _Outcome(objective, unserved, group_cost, flow if keep_flows else None)


@dataclass(frozen=True, eq=False)
class Criticality:
    """A sweep's answers, one row per closure, most costly first.

    ``table``: closed (element ids, ``+``-joined for pairs), kinds, extra_cost_usd (per year),
    stranded_<commodity> (units per year), countries_hit (exporters whose cargo costs more or is
    stranded), solved (False: pruned, the answer follows without an LP).
    """

    n: int
    table: pd.DataFrame
    scenario: str | None
    baseline_cost_usd: float
    seconds: float
    n_solved: int  # LPs solved (closures that shut the same arcs share one)
    method: str
    units: dict[str, str] = field(default_factory=dict)

    def top(self, k: int = 10) -> pd.DataFrame:
        return self.table.head(k)

    def distinct(self) -> pd.DataFrame:
        """One row per distinct outcome: elements in series (a pipeline's sections, its pump
        stations, the group they form) strand the same cargo at the same cost, and are listed
        together in ``closed`` (first the one named first in the table), with ``elements`` their count."""
        if self.table.empty:
            return self.table.assign(elements=pd.Series(dtype=int))
        numbers = [c for c in self.table.columns if c == "extra_cost_usd" or c.startswith("stranded_")]
        key = self.table[numbers].apply(lambda col: col.map(lambda v: float(f"{v:.6g}")))
        grouped = self.table.groupby([key[c] for c in numbers], sort=False)
        out = grouped.agg(
            closed=("closed", ", ".join),
            kind=("kind", lambda k: "+".join(sorted(set("+".join(k).split("+"))))),
            countries_hit=("countries_hit", lambda c: " ".join(sorted(set(" ".join(c).split())))),
            solved=("solved", "any"),
            elements=("closed", "size"),
        ).reset_index()
        return out[["closed", "kind", *numbers, "countries_hit", "elements", "solved"]]

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The tables a saved run keeps."""
        return [("criticality", self.table)]

    def summary(self) -> dict[str, Any]:
        """The figures of a run without its table."""
        return {k: v for k, v in self.to_dict(limit=0).items() if k != "elements"}

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        from corridor._frames import json_records

        table = self.table if limit is None else self.table.head(limit)
        return {
            "n": self.n,
            "scenario": self.scenario,
            "method": self.method,
            "baseline_cost_usd": round(self.baseline_cost_usd, 2),
            "closures": len(self.table),
            "solved": self.n_solved,
            "seconds": round(self.seconds, 3),
            "units": self.units,
            "elements": json_records(table),
        }


def criticality(
    network: Network,
    demand: Demand,
    *,
    n: int = 1,
    kinds: Iterable[str] = ("link", "node", "group"),
    only: Sequence[Element] | None = None,
    scenario: Scenario | None = None,
    top: int | None = None,
    brute: bool = False,
    lp: str = "auto",
    solver_options: Mapping[str, Any] | None = None,
    executor: str = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[str], None] | None = None,
) -> Criticality:
    """Close every element (``n=1``) or every pair of elements (``n=2``) and rank what it costs.

    ``only`` limits the sweep to some elements (default: :func:`elements` of the network without
    demand end points).

    N-2 over all pairs is exact (pairs whose answer follows from one closure are not solved, see
    the module docstring) but grows with the square of the elements. ``top`` reduces it for large
    networks: only the ``top`` costliest single closures are paired, with each other and with the
    elements that take over some of their cargo (they carry more once one is closed). It may miss pairs of
    elements that each cost little alone (two parallel links, each with room for the other's
    cargo) unless one of them is among the ``top``, and pairs of unrelated elements, whose joint
    cost is usually the sum of their single costs.

    With ``scenario``, closures are measured against the network as the scenario leaves it over
    its horizon (e.g. with Russia barred), as yearly rates. ``brute`` solves a fresh LP for every
    closure, without pruning or warm starts, to check the fast sweep against. ``lp`` chooses how
    each LP is solved (whole, ``plain``, or through a priced master, ``priced``; ``auto`` by
    size, see :func:`corridor.assignment.solve_model`). The LPs run on ``executor`` (see
    :mod:`corridor.executors`); the answers do not depend on it. ``progress(done, total)`` is
    called as closures finish; ``on_start`` receives the Dask dashboard address.
    """
    if n not in (1, 2):
        raise RequestError(f"n is {n}; expected 1 (single closures) or 2 (pairs)")
    if top is not None and (n != 2 or top < 1 or brute):
        raise RequestError(f"top is {top}; expected a number >= 1 with n=2, without brute force (it pairs by flows)")
    if executor not in EXECUTORS:
        raise RequestError(f"unknown executor {executor!r}; expected one of {', '.join(EXECUTORS)}")
    start = time.perf_counter()
    if scenario is not None:
        network = with_investments(network, scenario)
    candidates = list(only) if only is not None else elements(network, kinds=kinds, demand=demand)
    tick = time.perf_counter()
    solver = _Solver(network, demand, solver_options, scenario, lp=lp)
    seconds_each = (time.perf_counter() - tick) * (1.0 if brute else 0.2)  # a warm re-solve is a fraction of one
    token = f"{id(solver):x}-{time.monotonic_ns():x}"
    seed_state(token, solver)  # the serial executor reuses this process's baseline
    shared = (token, network, demand, solver_options, brute, scenario, solver.lp)
    base = solver.baseline
    # closures to report: singles, then pairs (with ``top``, counted once they are chosen)
    total = [len(candidates) if n == 1 or top is not None else len(candidates) * (len(candidates) + 1) // 2]
    done = [0]
    lps = [0]

    def solve_all(closures: Sequence[tuple[int, ...]], keep_flows: bool) -> list[_Outcome]:
        arcs = [tuple(sorted(set().union(*(candidates[i].arcs for i in c)))) for c in closures]
        # closures that shut the same arcs (a group of one link) are one LP; brute force solves each
        unique = arcs if brute else list(dict.fromkeys(arcs))
        jobs = [(a, keep_flows) for a in unique]
        lps[0] += len(jobs)
        workers_here = workers or default_workers()
        tasks = batch(jobs, seconds_each=seconds_each, workers=1 if executor == "serial" else workers_here)

        def step(k: int) -> None:
            done[0] += k
            if progress:
                progress(min(done[0], total[0]), total[0])

        sizes = iter([len(t) for t in tasks])

        def task_done(_: int) -> None:
            step(next(sizes))

        outcomes = run_tasks(
            _solve_batch,
            shared,
            tasks,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            progress=task_done,
            on_start=on_start,
        )
        solved = [o for part in outcomes for o in part]
        if brute:
            return solved
        by_arcs = dict(zip(unique, solved, strict=True))
        done[0] += len(arcs) - len(unique)
        return [by_arcs[a] for a in arcs]

    try:
        if brute:
            wanted = list(range(len(candidates)))
        else:
            wanted = [i for i, e in enumerate(candidates) if solver.carries(e.arcs, base.column_flow)]  # type: ignore[arg-type]
        done[0] += len(candidates) - len(wanted)
        solved_singles = dict(
            zip(wanted, solve_all([(i,) for i in wanted], keep_flows=n == 2 and not brute), strict=True)
        )
        singles = [solved_singles.get(i, base) for i in range(len(candidates))]
        rows: list[tuple[tuple[int, ...], _Outcome, bool]] = [
            ((i,), singles[i], i in solved_singles) for i in range(len(candidates))
        ]
        if n == 2:
            rows += _pairs(candidates, singles, solver, brute, solve_all, done, top=top, total=total)
    finally:
        drop_state(token)
    table = _table(network, demand, solver.model, candidates, rows, base)
    return Criticality(
        n=n,
        table=table,
        scenario=None if scenario is None else scenario.name,
        baseline_cost_usd=base.objective,
        seconds=time.perf_counter() - start,
        n_solved=lps[0],
        method=("brute force" if brute else "pruned, warm-started")
        + (f"; pairs of the {top} costliest closures and their backups" if n == 2 and top is not None else ""),
        units=_units(network),
    )


def _pairs(
    candidates: Sequence[Element],
    singles: Sequence[_Outcome],
    solver: _Solver,
    brute: bool,
    solve_all: Callable[[Sequence[tuple[int, ...]], bool], list[_Outcome]],
    done: list[int],
    top: int | None = None,
    total: list[int] | None = None,
) -> list[tuple[tuple[int, ...], _Outcome, bool]]:
    """Pairs of elements closed together; pairs whose answer follows from a single closure are not solved.

    ``top`` reduces the pairs for large networks (see :func:`criticality`).
    """
    known: dict[tuple[int, int], _Outcome] = {}
    wanted = []
    chosen = _pair_candidates(candidates, singles, solver, top)
    if total is not None and top is not None:
        total[0] = len(candidates) + len(chosen)
    for i, j in chosen:
        if brute:
            wanted.append((i, j))
        elif not solver.carries(candidates[j].arcs, singles[i].column_flow):  # type: ignore[arg-type]
            known[(i, j)] = singles[i]  # j carries nothing once i is closed
        elif not solver.carries(candidates[i].arcs, singles[j].column_flow):  # type: ignore[arg-type]
            known[(i, j)] = singles[j]
        else:
            wanted.append((i, j))
    done[0] += len(known)
    solved = dict(zip(wanted, solve_all(wanted, False), strict=True))
    return [(pair, solved.get(pair) or known[pair], pair in solved) for pair in sorted({*known, *solved})]


def _pair_candidates(
    candidates: Sequence[Element], singles: Sequence[_Outcome], solver: _Solver, top: int | None
) -> list[tuple[int, int]]:
    """Every pair, or with ``top``: the ``top`` costliest single closures with each other and with
    each element that takes over some of their cargo (carries more once one is closed)."""
    n = len(candidates)
    if top is None:
        return list(itertools.combinations(range(n), 2))
    base = solver.baseline
    scale = 1e-9 * max(1.0, abs(base.objective))
    costly = sorted((i for i in range(n) if singles[i].objective - base.objective > scale),
                    key=lambda i: singles[i].objective, reverse=True)[:top]  # fmt: skip
    pairs: set[tuple[int, int]] = {(min(i, j), max(i, j)) for i, j in itertools.combinations(costly, 2)}
    for i in costly:
        gained = singles[i].column_flow - base.column_flow  # type: ignore[operator]
        for j in range(n):
            if j != i and solver.carries(candidates[j].arcs, gained):
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def _solve_batch(
    shared: tuple[str, Network, Demand, Mapping[str, Any] | None, bool, Scenario | None, str],
    jobs: list[tuple[tuple[int, ...], bool]],
) -> list[_Outcome]:
    """Solve a batch of closures on this process's copy of the sweep's baseline LP (built once)."""
    token, network, demand, solver_options, brute, scenario, lp = shared
    with worker_state(token, lambda: _Solver(network, demand, solver_options, scenario, lp=lp)) as solver:
        solve = solver.fresh if brute else solver.closed
        return [solve(arcs, keep_flows=keep) for arcs, keep in jobs]


def _units(network: Network) -> dict[str, str]:
    return {str(c): str(u) for c, u in zip(network.commodities["id"], network.commodities["unit"], strict=True)}


def _table(
    network: Network,
    demand: Demand,
    model: AssignmentModel,
    candidates: Sequence[Element],
    rows: Sequence[tuple[tuple[int, ...], _Outcome, bool]],
    base: _Outcome,
) -> pd.DataFrame:
    table = demand.table
    commodities = sorted(set(table["commodity"]))
    country = dict(zip(network.nodes["id"], network.nodes["country"], strict=True))
    cn = network.compiled
    group_country = [country[cn.node_ids[o]] for o in model.group_origin]
    masks = {c: (table["commodity"] == c).to_numpy() for c in commodities}
    records = []
    for members, outcome, was_solved in rows:
        stranded = outcome.unserved - base.unserved
        extra = outcome.group_cost - base.group_cost
        scale = np.maximum(1.0, np.abs(base.group_cost))
        hit = sorted({group_country[g] for g in np.flatnonzero(extra > 1e-6 * scale)})
        record: dict[str, Any] = {
            "closed": "+".join(candidates[i].id for i in members),
            "kind": "+".join(candidates[i].kind for i in members),
            "extra_cost_usd": outcome.objective - base.objective,
        }
        for c in commodities:
            record[f"stranded_{c}"] = float(stranded[masks[c]].sum())
        record["countries_hit"] = " ".join(hit)
        record["solved"] = was_solved
        records.append(record)
    columns = ["closed", "kind", "extra_cost_usd", *(f"stranded_{c}" for c in commodities), "countries_hit", "solved"]
    out = pd.DataFrame.from_records(records, columns=columns)
    if out.empty:
        return out
    # rounding noise from the solver is not a cost
    noise = 1e-9 * max(1.0, abs(base.objective))
    out.loc[out["extra_cost_usd"].abs() < noise, "extra_cost_usd"] = 0.0
    # a closure that costs nothing hits nobody: its cargo only moved between equally cheap optima
    out.loc[out["extra_cost_usd"] == 0.0, "countries_hit"] = ""
    return out.sort_values(["extra_cost_usd", "closed"], ascending=[False, True], kind="stable").reset_index(drop=True)
