"""An assignment LP built on a network that has built one before (its pairs, segments and
group members kept with it) is the LP a network built afresh gives."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy.sparse import issparse

from corridor import Network, load_network
from corridor.flow import AssignmentModel, Demand, build_assignment, load_demand
from corridor.network import group_members


def assert_same_model(a: AssignmentModel, b: AssignmentModel) -> None:
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if field.name in ("network", "demand", "segments"):
            continue
        if issparse(x):
            assert (x != y).nnz == 0, field.name
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=field.name)
        else:
            assert x == y, field.name
    pd.testing.assert_frame_equal(a.segments.table, b.segments.table)


def fresh() -> Network:
    net = load_network()
    return net.replace(**net.tables())


def test_a_second_lp_on_the_same_network_and_demand_is_the_first(eurasia: Network) -> None:
    net = fresh()
    demand = load_demand(net)
    first = build_assignment(net, demand)
    assert_same_model(build_assignment(net, demand), first)
    assert_same_model(first, build_assignment(fresh(), load_demand(net)))


def test_another_demand_on_the_same_network_gets_its_own_pairs() -> None:
    net = fresh()
    demand = load_demand(net)
    build_assignment(net, demand)
    half = Demand(demand.table.iloc[::2].reset_index(drop=True))
    other = fresh()
    assert_same_model(build_assignment(net, half), build_assignment(other, Demand(half.table.copy())))


def test_group_members_kept_with_the_network_are_those_worked_out_afresh() -> None:
    net, other = fresh(), fresh()
    for group in net.groups["id"]:
        nodes, _ = group_members(net, group)
        nodes.append("changed by a caller")
        assert group_members(net, group) == group_members(other, group)


def test_what_a_network_keeps_is_not_pickled(eurasia: Network) -> None:
    import pickle

    net = fresh()
    net.kept("answer", lambda: 42)
    again = pickle.loads(pickle.dumps(net))
    assert again.kept("answer", lambda: 7) == 7
