"""The assignment model as a description: any of its columns, written alone, equals the same
columns of the whole matrix, on the built-in network with every kind of row (link, node and
shared capacities, queues, derates of arcs without a capacity figure, transit bars)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from corridor.flow import build_assignment, load_demand, reference_loads, solve_assignment
from corridor.scenario import load_scenario, scenario_effect, scenario_from_yaml, with_investments


def _models(eurasia):
    demand = load_demand(eurasia)
    yield "baseline", build_assignment(eurasia, demand)
    # a derate of a link with no capacity figure holds it to a share of its baseline load
    bare = "name: bare\nevents: [{type: derate, target: cn_xian_urumqi, capacity_share: 0.5, source: S1}]\n"
    for name in ("sanctions-ban-2022", "cpc-storm-2022", bare):
        scenario = scenario_from_yaml(name, network=eurasia) if name == bare else load_scenario(name, eurasia)
        network = with_investments(eurasia, scenario)
        stretch = scenario.stretches(scenario.horizon)[0]
        effect = scenario_effect(network, scenario, demand.table, horizon=stretch)
        if effect.bare_derates(network):
            effect = replace(effect, reference_t=reference_loads(eurasia, demand, n_arcs=network.compiled.n_arcs))
        yield name, build_assignment(network, demand, effect=effect)


def test_columns_alone_equal_the_whole_matrix(eurasia):
    kinds = set()
    rng = np.random.default_rng(0)
    for name, model in _models(eurasia):
        kinds |= set(model.cap_kind)
        whole = model.matrix
        assert whole.shape == model.shape, name
        picked = np.concatenate([rng.choice(model.shape[1], 400, replace=False), model.piece_cols[:5]])
        alone = model.columns(picked).toarray()
        assert np.array_equal(alone, whole[:, picked].toarray()), name
    assert {"link", "node", "shared", "derate"} <= kinds  # every kind of capacity row was compared
    assert len(model.queue_rows)


@pytest.mark.parametrize("which", [0, 1])
def test_capacity_load_without_the_matrix(eurasia, which):
    _, model = list(_models(eurasia))[which]
    x = solve_assignment(model).x
    assert np.allclose(model.capacity_load(x), model.matrix[model.cap_rows, :] @ x, rtol=1e-12, atol=1e-6)
