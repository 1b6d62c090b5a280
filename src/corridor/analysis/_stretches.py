"""What the replays of one answer share (:class:`ReplayCache`): dated networks, scenario effects
and stretch LPs, each built or solved once, and the bases that warm-start draws.

Kept apart from :mod:`corridor.analysis.replay`, which walks the stretches; this module only
answers "this stretch's LP" as cheaply as it can, with the answer solving it would give.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from corridor.flow import (
    PRICED_FROM_COLUMNS,
    Assignment,
    AssignmentModel,
    Demand,
    build_assignment,
    read_assignment,
    reference_loads,
    solve_model,
)
from corridor.flow.warm import solve_from
from corridor.network import Network, day_networks
from corridor.scenario import Horizon, Scenario, ScenarioEffect, scenario_effect

__all__ = ["ReplayCache", "freight_per_unit"]


@dataclass(frozen=True, eq=False)
class _Solved:
    """A stretch LP's answer, as a replay uses it (yearly rates)."""

    result: Assignment
    penalty: np.ndarray  # [pair] USD per unit left behind
    freight: np.ndarray  # [pair] tariffs and premiums per unit moved (:func:`freight_per_unit`)
    basis: Any = None  # HiGHS's optimal basis, when the cache keeps them


class ReplayCache:
    """What the replays of one impact share: each network's dated networks built once, its
    loads without a scenario assigned once, and each distinct stretch LP solved once.

    A stretch's LP depends on nothing but its day's network, the demand, the scenario's effect
    on the stretch (capacity shares, usable arcs, costs, times, the demand offered with its
    backlog), the penalties and how it is solved; stretches that agree on all of them (the
    weeks of a closure that carries no backlog, a baseline whose network does not change)
    share one solution. The answers are those of solving every stretch: the same LP, solved
    the same way, gives the same solution.

    Each stretch LP is solved to the per-segment equilibrium (:func:`corridor.flow.solve_model`);
    ``equilibrium=False`` solves it once, waits priced at the queues' own rates.
    ``reuse=False`` solves every stretch anyway (to check that reuse changes nothing).
    ``link_flows=False`` leaves each stretch's flows per link out (:func:`corridor.flow.read_assignment`),
    for answers that do not read them (:meth:`corridor.analysis.Impact.headline`, of a draw).
    ``solved`` and ``reused`` count the LPs solved and the stretches that took a solution
    already found. Keep one for the runs of one answer: it holds every network it met.

    Warm starts (for draws of the same answer's inputs, :mod:`corridor.sweep.uncertainty`): with
    ``keep_bases``, ``bases`` records HiGHS's optimal basis of each stretch, by run (the scenario's
    name) and first day; a cache given them as ``starts`` starts each stretch's LP from the basis
    of the same run and stretch, when the LPs have the same shape (an optimum, as from scratch;
    where there are several, the one reached from that basis: the same on every executor, since
    the starting point is fixed in advance). Only the whole LP (not the priced one) starts warm.

    Examples
    --------
    >>> from corridor.analysis.replay import replay
    >>> net = load_network()
    >>> cache = ReplayCache()
    >>> run = replay(net, load_demand(net), load_scenario("cpc-storm-2022"), cache=cache)
    >>> cache.solved < len(run.stretches), cache.solved + cache.reused == len(run.stretches)
    (True, True)
    """

    def __init__(
        self,
        *,
        reuse: bool = True,
        keep_bases: bool = False,
        starts: Mapping[tuple[str, dt.date], Any] | None = None,
        equilibrium: bool = True,
        link_flows: bool = True,
    ) -> None:
        self.reuse = reuse
        self.equilibrium = equilibrium
        self.link_flows = link_flows
        self.solved = 0
        self.reused = 0
        self.warm = 0  # LPs started from a basis of ``starts``
        self.keep_bases = keep_bases
        self.bases: dict[tuple[str, dt.date], Any] = {}
        self.starts = dict(starts or {})
        # keyed by id: each entry holds its network, so that the id is not taken by another
        self._days: dict[int, tuple[Network, Callable[[dt.date], Network]]] = {}
        self._reference: dict[tuple[int, int, int], tuple[Network, Demand, np.ndarray]] = {}
        self._effects: dict[tuple[int, int, int, tuple[float, ...]], tuple[object, object, object, ScenarioEffect]] = {}
        self._answers: dict[bytes, _Solved] = {}
        self._held: dict[int, object] = {}  # what the answers' keys name by id

    def day_networks(self, network: Network) -> Callable[[dt.date], Network]:
        """:func:`corridor.network.day_networks` of ``network``, made once."""
        held = self._days.get(id(network))
        if held is None or held[0] is not network:
            held = (network, day_networks(network))
            self._days[id(network)] = held
        return held[1]

    def reference_loads(self, network: Network, demand: Demand, n_arcs: int) -> np.ndarray:
        """:func:`corridor.flow.reference_loads`, assigned once per network and demand."""
        key = (id(network), id(demand), n_arcs)
        held = self._reference.get(key)
        if held is None or held[0] is not network or held[1] is not demand:
            held = (network, demand, reference_loads(network, demand, n_arcs=n_arcs))
            self._reference[key] = held
        return held[2]

    def effect(self, network: Network, scenario: Scenario, demand: Demand, stretch: Horizon) -> ScenarioEffect:
        """:func:`corridor.scenario.scenario_effect` over a stretch, worked out once per network,
        scenario, demand and share of the stretch each event holds (all it depends on the stretch by)."""
        key = (id(network), id(scenario), id(demand), tuple(event.share_of(stretch) for event in scenario.events))
        held = self._effects.get(key)
        if held is None or held[0] is not network or held[1] is not scenario or held[2] is not demand:
            held = (network, scenario, demand, scenario_effect(network, scenario, demand.table, horizon=stretch))
            self._effects[key] = held
        return held[3]

    def solve(
        self,
        network: Network,
        demand: Demand,
        effect: ScenarioEffect,
        penalty: Mapping[str, float],
        *,
        lp: str,
        solver_options: Mapping[str, Any] | None,
        at: tuple[str, dt.date] | None = None,
    ) -> _Solved:
        """The stretch LP's answer: solved here, or the one found for the same LP before; ``at``
        (run, first day) names the stretch for warm starts."""
        equilibrium = self.equilibrium
        how = f"{lp}|equilibrium" if equilibrium else lp
        key = _lp_key(network, demand, effect, penalty, how, solver_options) if self.reuse else b""
        found = self._answers.get(key) if self.reuse else None
        if found is not None:
            self.reused += 1
            if self.keep_bases and at is not None:
                self.bases[at] = found.basis
            return found
        model = build_assignment(network, demand, effect=effect, penalty=penalty)
        plain = lp == "plain" or (lp == "auto" and model.shape[1] < PRICED_FROM_COLUMNS)
        start = self.starts.get(at) if at is not None else None
        if start is not None and (len(start.col_status), len(start.row_status)) != model.shape[::-1]:
            start = None  # another shape (a draw that opens or shuts an arc for good): from scratch
        basis = None
        if plain and (self.keep_bases or start is not None):
            solution, basis = solve_from(model, start, solver_options=solver_options, equilibrium=equilibrium)
            self.warm += start is not None
        else:
            solution = solve_model(model, lp=lp, solver_options=solver_options, equilibrium=equilibrium)
        result = read_assignment(model, solution, link_flows=self.link_flows)
        answer = _Solved(result, model.penalty, freight_per_unit(model, solution.x, result), basis)
        self.solved += 1
        if self.keep_bases and at is not None:
            self.bases[at] = basis
        if self.reuse:
            self._answers[key] = answer
            self._held.update({id(network): network, id(demand): demand})
        return answer


def _lp_key(
    network: Network,
    demand: Demand,
    effect: ScenarioEffect,
    penalty: Mapping[str, float],
    lp: str,
    solver_options: Mapping[str, Any] | None,
) -> bytes:
    """A digest of everything a stretch LP is built from (the network and demand by identity:
    a replay's day networks are built once each)."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(f"{id(network)}|{id(demand)}|{lp}|{sorted((solver_options or {}).items())!r}".encode())
    digest.update(repr(sorted(penalty.items())).encode())
    for name in ScenarioEffect.__dataclass_fields__:
        digest.update(name.encode())
        _digest(digest, getattr(effect, name))
    return digest.digest()


def _digest(digest: Any, value: object) -> None:
    """Feed ``value`` (arrays, numbers, strings, None, and tuples and sets of them) to ``digest``."""
    if isinstance(value, np.ndarray):
        digest.update(f"a{value.dtype.str}{value.shape}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, tuple | list):
        digest.update(f"t{len(value)}".encode())
        for item in value:
            _digest(digest, item)
    elif isinstance(value, frozenset | set):
        digest.update(f"s{sorted(map(repr, value))!r}".encode())
    elif value is None or isinstance(value, str | int | float | bool | np.generic):
        digest.update(f"v{value!r}".encode())
    else:
        raise TypeError(f"cannot key a stretch LP on a {type(value).__name__}")


def freight_per_unit(model: AssignmentModel, x: np.ndarray, result: Assignment) -> np.ndarray:
    """[pair] tariffs and premiums per unit moved, as paid by its (commodity, origin) group in this
    solution; a group that moved nothing gets its commodity's mean (0 when none moved)."""
    money = model.money if len(model.money) == model.n_flow else model.cost[: model.n_flow]
    n_groups = len(model.group_origin)
    paid = np.bincount(model.flow_group, weights=money * x[: model.n_flow], minlength=n_groups)
    served = result.unserved["served"].to_numpy(float)
    moved = np.array([served[list(pairs)].sum() for pairs in model.group_pairs])
    per_commodity = {
        c: paid[model.group_commodity == c].sum() / moved[model.group_commodity == c].sum()
        for c in np.unique(model.group_commodity)
        if moved[model.group_commodity == c].sum() > 0
    }
    out = np.zeros(len(served))
    for g, pairs in enumerate(model.group_pairs):
        rate = paid[g] / moved[g] if moved[g] > 0 else per_commodity.get(model.group_commodity[g], 0.0)
        out[list(pairs)] = rate
    return out
