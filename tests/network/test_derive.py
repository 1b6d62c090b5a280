"""Networks derived from a validated one (a day of its history, a draw of its assumptions) skip
the text round trip of ``replace`` only where it changes nothing and finds nothing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from corridor import DataError, Network, load_network
from corridor.network import network_changes, network_on
from corridor.network.assumptions import apply_draw, dataset_parameters, load_assumptions
from corridor.scenario import load_scenario


def assert_same_tables(derived: Network, parsed: Network) -> None:
    for name, table in parsed.tables().items():
        pd.testing.assert_frame_equal(getattr(derived, name), table, check_exact=True, obj=name)


def test_every_day_of_the_builtin_history_is_the_network_its_text_gives(eurasia: Network) -> None:
    days = [dt.date(2020, 1, 1), *network_changes(eurasia, dt.date.min, dt.date.max)]
    for day in days:
        dated = network_on(eurasia, day)
        assert_same_tables(dated, eurasia.replace(**dated.tables()))


@pytest.mark.parametrize("end", ["low", "high"])
def test_a_draw_at_either_end_of_every_band_is_the_network_its_text_gives(end: str) -> None:
    published = load_network(calibrated=False)
    rows = load_assumptions()
    drawn, _ = apply_draw(
        published,
        rows,
        list(rows[end].astype(float)),
        parameters=dataset_parameters(),
        scenario=load_scenario("sanctions-2022"),
    )
    assert_same_tables(drawn, published.replace(**drawn.tables()))
    for day in network_changes(drawn, dt.date(2021, 1, 1), dt.date(2024, 12, 31)):
        dated = network_on(drawn, day)
        assert_same_tables(dated, drawn.replace(**dated.tables()))


@pytest.mark.parametrize(
    ("column", "value"),
    [("length_km", -1.0), ("length_km", np.nan), ("capacity_unit", "furlongs"), ("mode", "zeppelin")],
)
def test_a_derived_table_with_a_bad_cell_is_refused_as_replace_refuses_it(
    eurasia: Network, column: str, value: object
) -> None:
    links = eurasia.links.copy()
    links.loc[3, column] = value
    with pytest.raises(DataError) as derived:
        eurasia.derive(links=links)
    with pytest.raises(DataError) as replaced:
        eurasia.replace(links=links)
    assert str(derived.value) == str(replaced.value)
    assert "links.csv" in str(derived.value) and column in str(derived.value)


def test_rows_left_out_are_checked_across_tables(eurasia: Network) -> None:
    links = eurasia.links[eurasia.links["id"] != eurasia.groups["members"].iloc[0][0]]
    with pytest.raises(DataError) as derived:
        eurasia.derive(links=links)
    with pytest.raises(DataError) as replaced:
        eurasia.replace(links=links)
    assert str(derived.value) == str(replaced.value)


def test_an_unknown_column_is_refused_as_replace_refuses_it(eurasia: Network) -> None:
    links = eurasia.links.assign(colour="red")
    with pytest.raises(DataError) as derived:
        eurasia.derive(links=links)
    with pytest.raises(DataError) as replaced:
        eurasia.replace(links=links)
    assert str(derived.value) == str(replaced.value)
