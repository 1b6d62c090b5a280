"""Transit dependency counts territory: not the straits ships pass in transit, nor the open sea."""

from __future__ import annotations

import pytest

from corridor import assign, load_demand
from corridor.analysis import decompose_paths, transit_dependency
from corridor.analysis.dependency import assignment_paths


@pytest.fixture(scope="module")
def dependency(eurasia):
    return transit_dependency(eurasia, assign(eurasia, load_demand(eurasia)))


def _share(table, exporter, transit, commodity="container"):
    row = table[(table["exporter"] == exporter) & (table["transit"] == transit) & (table["commodity"] == commodity)]
    return float(row["share"].sum())


def test_chinese_boxes_depend_on_egypt_not_on_yemen_or_singapore(dependency):
    assert _share(dependency, "CN", "EG") > 0.9  # the Suez Canal is Egypt's
    for strait_state in ("YE", "SG", "GI", "ZA"):
        assert _share(dependency, "CN", strait_state) == 0.0, strait_state


def test_paths_split_at_a_fork_and_cancel_cycles():
    arcs = [
        ("a", "o", "x", 3.0),
        ("b", "x", "d", 2.0),
        ("c", "x", "e", 1.0),
        ("l1", "d", "y", 1.0),
        ("l2", "y", "d", 1.0),
    ]
    paths = decompose_paths("o", arcs)
    assert sorted((keys, volume, end) for keys, volume, end in paths) == [
        (["a", "b"], 2.0, "d"),
        (["a", "c"], 1.0, "e"),
    ]


def test_assignment_paths_decompose_each_origin_and_commodity_in_key_order(eurasia):
    result = assign(eurasia, load_demand(eurasia))
    expected = [
        (str(origin), end, str(commodity), frozenset(links), rate * 2.0)
        for (origin, commodity), part in result.flows_by_origin.groupby(["origin", "commodity"])
        for links, rate, end in decompose_paths(
            str(origin), zip(part["link"], part["from"], part["to"], part["flow_per_year"], strict=True)
        )
    ]
    got = assignment_paths(result, scale=2.0)
    assert list(got.itertuples(index=False, name=None)) == expected
