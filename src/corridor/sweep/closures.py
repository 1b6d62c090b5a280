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

On a large network HiGHS holds the priced master of :mod:`corridor.flow.pricing` instead of the
whole LP: a closure starts from the baseline master and its basis, prices in the routes it
makes worth using and drops them again afterwards (on a 10,000-node network, about a tenth of
one assignment from scratch per closure).

The ranking (:meth:`Criticality.distinct`) gives one row to closures with the same outcome:
elements in series are one cut set (:mod:`corridor.sweep._outcomes`).

``brute=True`` turns both off (a fresh LP per closure): the tests and ``make bench`` check the two
give the same answers.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor.analysis import decompose_paths
from corridor.errors import RequestError
from corridor.flow import FLOW_TOLERANCE, AssignmentModel, Demand, SolveOutcome, WarmSolver
from corridor.network import Network, commodity_units
from corridor.records import json_records
from corridor.scenario import Scenario, with_investments
from corridor.sweep._outcomes import naming_order, outcome_members, ranking, ranking_rule, same_outcomes
from corridor.sweep.elements import Element, bind_elements, closable_elements
from corridor.sweep.engine import SweepOptions, sweep_map, worth_spreading

__all__ = ["STRANDED_RULE", "Criticality", "criticality"]

STRANDED_RULE = (
    "stranded cargo is valued at what its shippers' goods are worth (the segment's value per unit, "
    "segments.csv or commodities.csv): closed for a year, as the yearly rates assume, it goes unsold; "
    "the rest of the extra cost is the transport, time and waiting of the cargo that still moves"
)
"""How a closure's stranded cargo is valued: the LP's price of demand it leaves unserved."""


@dataclass(frozen=True, eq=False)
class Criticality:
    """A sweep's answers, one row per closure, most costly first.

    ``table``: closed (element ids, ``+``-joined for pairs), kinds, extra_cost_usd (per year) and
    its two parts, extra_transport_usd (transport, time and waiting of the cargo that still moves)
    and unserved_value_usd (stranded cargo valued by :data:`STRANDED_RULE`), stranded_<commodity>
    (units per year), countries_hit (exporters whose cargo costs more or is stranded), solved
    (False: pruned, the answer follows without an LP). For one country's trade (``country``) also
    country_extra_cost_usd and country_stranded_<commodity>, the part of them its trade bears, by
    which the table is then ranked. Each row also names the row of the ranking (:meth:`distinct`)
    it belongs to: outcome (1 = the costliest) and same_outcome_as (the element that row is named
    by; empty for that element itself), so that elements in series are one row of the ranking.

    ``baseline_cost_usd`` is the same measure as the extra costs, without a closure: transport,
    time and waiting plus ``baseline_unserved_value_usd``, the demand the baseline itself leaves
    unserved, valued by the same rule.
    """

    n: int
    table: pd.DataFrame
    scenario: str | None
    baseline_cost_usd: float
    seconds: float
    n_solved: int  # LPs solved (closures that shut the same arcs share one)
    method: str
    units: dict[str, str] = field(default_factory=dict)
    note: str = ""  # how the run went where it differs from what was asked (ran serially: too little work)
    baseline_unserved_value_usd: float = 0.0
    country: str | None = None  # ranked by this country's trade (its exports and imports)
    transit: bool = False  # with ``country``: and the cargo that crosses its territory
    stranded_rule: str = STRANDED_RULE

    def top(self, k: int = 10) -> pd.DataFrame:
        return self.table.head(k)

    @property
    def ranking_rule(self) -> str:
        """How the ranking's rows are formed (:func:`corridor.sweep._outcomes.ranking_rule`)."""
        return ranking_rule(self.country, self.transit)

    def distinct(self) -> pd.DataFrame:
        """The ranking: one row per distinct outcome, most costly first. Elements in series (a
        pipeline's sections, its pump stations, the group they form) strand the same cargo at the
        same cost and share a row: ``closed`` names the element a planner names (the group, the
        canal), ``same_outcome`` the others (``, ``-joined), ``elements`` their count.

        Ranked for one country's trade, the outcome is that trade's (its extra cost and stranded
        cargo); the other figures are those of the element in ``closed``. See :attr:`ranking_rule`."""
        table = self.table
        if "outcome" not in table.columns:  # a table built elsewhere: grouped by id alone
            outcome, named = same_outcomes(table, country=self.country is not None)
            table = table.assign(outcome=outcome, same_outcome_as=named)
        return ranking(table)

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The tables a saved run keeps."""
        return [("criticality", self.table)]

    def summary(self) -> dict[str, Any]:
        """The figures of a run without its table."""
        return {k: v for k, v in self.to_dict(limit=0).items() if k not in ("elements", "outcomes")}

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """Plain data for JSON: the ranking's ``limit`` costliest rows (all when None) in ``outcomes``
        (:meth:`distinct`, ``same_outcome`` as a list), and every element of those rows in ``elements``,
        each with the row it belongs to (``outcome``) and the element that row is named by
        (``same_outcome_as``, empty for that element itself)."""
        ranked = self.distinct() if limit is None else self.distinct().head(limit)
        table = (
            self.table if limit is None or "outcome" not in self.table else self.table[self.table["outcome"] <= limit]
        )
        outcomes = json_records(ranked)
        for row in outcomes:
            row["same_outcome"] = outcome_members(row["same_outcome"])
        return {
            "n": self.n,
            "scenario": self.scenario,
            "method": self.method,
            "baseline_cost_usd": round(self.baseline_cost_usd, 2),
            "baseline_unserved_value_usd": round(self.baseline_unserved_value_usd, 2),
            "stranded_rule": self.stranded_rule,
            "ranking_rule": self.ranking_rule,
            "country": self.country,
            "transit": self.transit,
            "closures": len(self.table),
            "distinct_outcomes": int(self.table["outcome"].max()) if "outcome" in self.table and len(self.table) else 0,
            "solved": self.n_solved,
            "seconds": round(self.seconds, 3),
            "note": self.note,
            "units": self.units,
            "outcomes": outcomes,
            "elements": json_records(table),
        }


def criticality(
    network: Network,
    demand: Demand,
    *,
    n: int = 1,
    elements: Sequence[Element] | None = None,
    scenario: Scenario | None = None,
    top: int | None = None,
    brute: bool = False,
    country: str | None = None,
    transit: bool = False,
    options: SweepOptions | None = None,
) -> Criticality:
    """Close every element (``n=1``) or every pair of elements (``n=2``) and rank what it costs.

    N-2 over all pairs is exact (pairs whose answer follows from one closure are not solved, see
    the module docstring) but grows with the square of the elements. ``top`` reduces it for large
    networks: only the ``top`` costliest single closures are paired, with each other and with the
    elements that take over some of their cargo (they carry more once one is closed). It may miss
    pairs of elements that each cost little alone (two parallel links, each with room for the
    other's cargo) unless one of them is among the ``top``, and pairs of unrelated elements, whose
    joint cost is usually the sum of their single costs.

    Parameters
    ----------
    network, demand
        The network and the demand placed on it (:func:`corridor.load_network`, :func:`corridor.load_demand`).
    n
        1: close each element alone; 2: close each pair together.
    elements
        What to close (:func:`corridor.sweep.closable_elements`); default: every link, node and group except
        the places where cargo starts or ends.
    scenario
        Measure against the network as this scenario leaves it over its horizon (e.g. with
        Russia barred), as yearly rates.
    top
        With ``n=2``: pair only the ``top`` costliest single closures and their backups.
    brute
        Solve a fresh LP for every closure, without pruning or warm starts (to check the fast sweep).
    country
        Rank by what one country's trade bears (ISO code): its exports and imports. A pair whose
        origin's cargo goes to several places gets the cost of the paths that reach it (the
        origin's flows split into paths).
    transit
        With ``country``: count too the cargo whose baseline route crosses the country's territory.
    options
        Executor, workers, LP method, progress (:class:`SweepOptions`); the answers do not depend on them.

    Returns
    -------
    Criticality
        One row per closure, most costly first; :meth:`Criticality.distinct` is the ranking, where
        closures with the same outcome (elements in series) share a row.

    Raises
    ------
    RequestError
        ``n`` not 1 or 2; ``top`` without ``n=2`` or with ``brute``; ``country`` not in the
        network, or with ``brute``; ``transit`` without ``country``.

    Examples
    --------
    >>> net = load_network()
    >>> demand = load_demand(net)
    >>> result = criticality(net, demand, elements=closable_elements(net, kinds=["group"], demand=demand))
    >>> worst = result.table.sort_values("stranded_crude_oil", ascending=False, kind="stable").head(2)
    >>> sorted((row.closed, f"{row.stranded_crude_oil / 1e6:.1f} Mt/y") for row in worst.itertuples())
    [('cpc', '47.9 Mt/y'), ('turkish_straits', '47.9 Mt/y')]
    """
    options = options or SweepOptions()
    if n not in (1, 2):
        raise RequestError(f"n is {n}; expected 1 (single closures) or 2 (pairs)")
    if top is not None and (n != 2 or top < 1 or brute):
        raise RequestError(f"top is {top}; expected a number >= 1 with n=2, without brute force (it pairs by flows)")
    if transit and country is None:
        raise RequestError("transit counts the cargo crossing a country; name the country too")
    if country is not None and (brute or country not in set(network.compiled.countries)):
        raise RequestError(
            f"country is {country!r}; expected an ISO code of the network's countries "
            f"({', '.join(network.compiled.countries)}), without brute force (it splits the warm sweep's flows)"
        )
    start = time.perf_counter()
    if scenario is not None:
        network = with_investments(network, scenario)
    candidates = bind_elements(elements, network) if elements is not None else closable_elements(network, demand=demand)
    tick = time.perf_counter()
    build = functools.partial(
        WarmSolver, network, demand, scenario=scenario, lp=options.lp, solver_options=options.solver_options
    )
    solver = build()
    build_s = time.perf_counter() - tick
    seconds_each = build_s * (1.0 if brute else 0.2)  # a warm re-solve is a fraction of one
    notes: list[str] = []
    base = solver.baseline
    # closures to report: singles, then pairs (with ``top``, counted once they are chosen)
    total = [len(candidates) if n == 1 or top is not None else len(candidates) * (len(candidates) + 1) // 2]
    done = [0]
    lps = [0]

    def step(k: int) -> None:
        done[0] += k
        if options.progress:
            options.progress(min(done[0], total[0]), total[0])

    def solve_all(closures: Sequence[tuple[int, ...]], keep_flows: bool) -> list[SolveOutcome]:
        arcs = [tuple(sorted(set().union(*(candidates[i].arcs for i in c)))) for c in closures]
        # closures that shut the same arcs (a group of one link) are one LP; brute force solves each
        unique = arcs if brute else list(dict.fromkeys(arcs))
        lps[0] += len(unique)
        run, note = worth_spreading(options, len(unique) * seconds_each, build_s)
        if note:
            notes.append(note)
        solved = sweep_map(
            _fresh_closures if brute else _warm_closures,
            build,
            [(a, keep_flows) for a in unique],
            options=run,
            seconds_each=seconds_each,
            local=solver,
            progress=step,
        )
        if brute:
            return solved
        by_arcs = dict(zip(unique, solved, strict=True))
        step(len(arcs) - len(unique))
        return [by_arcs[a] for a in arcs]

    if brute:
        wanted = list(range(len(candidates)))
    else:
        wanted = [i for i, e in enumerate(candidates) if solver.carries(e.arcs, base.column_flow)]  # type: ignore[arg-type]
    step(len(candidates) - len(wanted))
    keep = (n == 2 or country is not None) and not brute
    solved_singles = dict(zip(wanted, solve_all([(i,) for i in wanted], keep_flows=keep), strict=True))
    singles = [solved_singles.get(i, base) for i in range(len(candidates))]
    rows: list[tuple[tuple[int, ...], SolveOutcome, bool]] = [
        ((i,), singles[i], i in solved_singles) for i in range(len(candidates))
    ]
    if n == 2:
        rows += _pairs(candidates, singles, solver, brute, solve_all, step, top=top, total=total, keep=keep)
    trade = None if country is None else _Trade(solver.model, base, country, transit=transit)
    table = _table(network, demand, solver.model, candidates, rows, base, trade)
    group_kinds = dict(zip(network.groups["id"].astype(str), network.groups["kind"].astype(str), strict=True))
    naming = naming_order([(e.kind, e.id, len(e.arcs)) for e in candidates], group_kinds)
    outcome, named = same_outcomes(table, country=trade is not None, naming=naming)
    table = table.assign(outcome=pd.Series(outcome, dtype="int64"), same_outcome_as=pd.Series(named, dtype=object))
    return Criticality(
        n=n,
        table=table,
        scenario=None if scenario is None else scenario.name,
        baseline_cost_usd=base.objective,
        seconds=time.perf_counter() - start,
        n_solved=lps[0],
        method=("brute force" if brute else "pruned, warm-started")
        + (f"; pairs of the {top} costliest closures and their backups" if n == 2 and top is not None else ""),
        units=commodity_units(network),
        note="; ".join(notes),
        baseline_unserved_value_usd=float(solver.model.penalty @ base.unserved),
        country=country,
        transit=transit,
    )


def _warm_closures(solver: WarmSolver, jobs: Sequence[tuple[tuple[int, ...], bool]]) -> list[SolveOutcome]:
    """Closures warm-started from this process's baseline LP."""
    return [solver.closed(arcs, keep_flows=keep) for arcs, keep in jobs]


def _fresh_closures(solver: WarmSolver, jobs: Sequence[tuple[tuple[int, ...], bool]]) -> list[SolveOutcome]:
    """Closures each solved from a new LP (brute force: an independent check)."""
    return [solver.fresh(arcs, keep_flows=keep) for arcs, keep in jobs]


def _pairs(
    candidates: Sequence[Element],
    singles: Sequence[SolveOutcome],
    solver: WarmSolver,
    brute: bool,
    solve_all: Callable[[Sequence[tuple[int, ...]], bool], list[SolveOutcome]],
    step: Callable[[int], None],
    top: int | None = None,
    total: list[int] | None = None,
    keep: bool = False,
) -> list[tuple[tuple[int, ...], SolveOutcome, bool]]:
    """Pairs of elements closed together; pairs whose answer follows from a single closure are not solved.

    ``top`` reduces the pairs for large networks (see :func:`criticality`).
    """
    known: dict[tuple[int, int], SolveOutcome] = {}
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
    step(len(known))
    solved = dict(zip(wanted, solve_all(wanted, keep), strict=True))
    return [(pair, solved.get(pair) or known[pair], pair in solved) for pair in sorted({*known, *solved})]


def _pair_candidates(
    candidates: Sequence[Element], singles: Sequence[SolveOutcome], solver: WarmSolver, top: int | None
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


def _table(
    network: Network,
    demand: Demand,
    model: AssignmentModel,
    candidates: Sequence[Element],
    rows: Sequence[tuple[tuple[int, ...], SolveOutcome, bool]],
    base: SolveOutcome,
    trade: _Trade | None = None,
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
        unserved_value = float(model.penalty @ stranded)
        record: dict[str, Any] = {
            "closed": "+".join(candidates[i].id for i in members),
            "kind": "+".join(candidates[i].kind for i in members),
            "extra_cost_usd": outcome.objective - base.objective,
            "extra_transport_usd": outcome.objective - base.objective - unserved_value,
            "unserved_value_usd": unserved_value,
        }
        for c in commodities:
            record[f"stranded_{c}"] = float(stranded[masks[c]].sum())
        if trade is not None:
            record["country_extra_cost_usd"] = trade.extra_cost(outcome)
            for c in commodities:
                record[f"country_stranded_{c}"] = float(stranded[masks[c] & trade.pairs].sum())
        record["countries_hit"] = " ".join(hit)
        record["solved"] = was_solved
        records.append(record)
    columns = [
        "closed", "kind", "extra_cost_usd", "extra_transport_usd", "unserved_value_usd",
        *(f"stranded_{c}" for c in commodities),
        *(["country_extra_cost_usd", *(f"country_stranded_{c}" for c in commodities)] if trade is not None else []),
        "countries_hit", "solved",
    ]  # fmt: skip
    out = pd.DataFrame.from_records(records, columns=columns)
    if out.empty:
        return out
    # rounding noise from the solver is not a cost
    noise = 1e-9 * max(1.0, abs(base.objective))
    for col in ("extra_cost_usd", "extra_transport_usd", "unserved_value_usd", "country_extra_cost_usd"):
        if col in out.columns:
            out.loc[out[col].abs() < noise, col] = 0.0
    # a closure that costs nothing hits nobody: its cargo only moved between equally cheap optima
    out.loc[out["extra_cost_usd"] == 0.0, "countries_hit"] = ""
    order = ["country_extra_cost_usd", "extra_cost_usd"] if trade is not None else ["extra_cost_usd"]
    return out.sort_values([*order, "closed"], ascending=[*(False for _ in order), True], kind="stable").reset_index(
        drop=True
    )


class _Trade:
    """One country's trade in an assignment LP: which demand pairs are its own (exports, imports
    and, with ``transit``, what crosses its territory in the baseline) and what they cost.

    A pair's cost is the value of what it leaves unserved plus the transport of what it gets:
    the whole group's when every pair of the group (one origin's cargo of one commodity) is the
    country's, else the cost of the paths the group's flows split into that end where the pair is
    delivered (:func:`corridor.analysis.decompose_paths`). Queues' waiting is priced per element,
    not per cargo, and is left out of it.
    """

    def __init__(self, model: AssignmentModel, base: SolveOutcome, country: str, *, transit: bool) -> None:
        cn = model.network.compiled
        self.model, self.base = model, base
        inside = cn.node_in_territory & (cn.node_country == cn.countries.index(country))
        n_pairs = model.n_pairs
        self.pair_group = np.empty(n_pairs, dtype=np.int64)
        for g, members in enumerate(model.group_pairs):
            self.pair_group[list(members)] = g
        self.delivered_at = {(int(self.pair_group[p]), int(v)): int(p)
                             for p, v in zip(model.delivery_pair, model.delivery_node, strict=True)}  # fmt: skip
        order = np.argsort(model.flow_group, kind="stable")
        bounds = np.searchsorted(model.flow_group[order], np.arange(len(model.group_origin) + 1))
        self.group_cols = [order[bounds[g] : bounds[g + 1]] for g in range(len(model.group_origin))]
        pairs = inside[model.group_origin[self.pair_group]]  # exports
        pairs |= np.bincount(model.delivery_pair, weights=inside[model.delivery_node], minlength=n_pairs) > 0  # imports
        if transit:
            link_crosses = np.array([country in cs for cs in cn.link_territory], dtype=bool)
            crossing = link_crosses[cn.arc_link] | inside[cn.tail] | inside[cn.head]
            for g in range(len(model.group_origin)):
                for cols, _, end in self._paths(g, base):
                    if crossing[model.flow_arc[cols]].any() and (g, end) in self.delivered_at:
                        pairs[self.delivered_at[(g, end)]] = True
        self.pairs = pairs
        own = np.bincount(self.pair_group, weights=pairs, minlength=len(model.group_origin))
        size = np.bincount(self.pair_group, minlength=len(model.group_origin))
        self.whole = np.flatnonzero((own == size) & (size > 0))  # groups all of whose pairs are the country's
        self.split = np.flatnonzero((own > 0) & (own < size))
        self.base_split = self._split_cost(base)

    def _paths(self, g: int, outcome: SolveOutcome) -> list[tuple[list[int], float, int]]:
        """Group ``g``'s flows in ``outcome`` as paths: (flow columns, volume, node delivered at)."""
        cn, model = self.model.network.compiled, self.model
        cols = self.group_cols[g]
        flow = outcome.column_flow[cols]  # type: ignore[index]
        live = flow > FLOW_TOLERANCE
        cols, flow = cols[live], flow[live]
        arcs = model.flow_arc[cols]
        found = decompose_paths(
            int(model.group_origin[g]),
            zip(cols.tolist(), cn.tail[arcs].tolist(), cn.head[arcs].tolist(), flow.tolist(), strict=True),
        )
        return [(list(keys), volume, int(end)) for keys, volume, end in found]

    def _split_cost(self, outcome: SolveOutcome) -> float:
        """Cost of the country's pairs in groups it shares with other pairs."""
        total = 0.0
        for g in self.split:
            for cols, volume, end in self._paths(int(g), outcome):
                p = self.delivered_at.get((int(g), end))
                if p is not None and self.pairs[p]:
                    total += volume * float(self.model.cost[cols].sum())
            members = [p for p in self.model.group_pairs[g] if self.pairs[p]]
            total += float(self.model.penalty[members] @ outcome.unserved[members])
        return total

    def extra_cost(self, outcome: SolveOutcome) -> float:
        """USD per year the country's trade pays more in ``outcome`` than in the baseline."""
        whole = float((outcome.group_cost[self.whole] - self.base.group_cost[self.whole]).sum())
        if not len(self.split):
            return whole
        if outcome.column_flow is None:
            raise RequestError("a country's cost needs the flows of every closure; the sweep did not keep them")
        return whole + self._split_cost(outcome) - self.base_split
