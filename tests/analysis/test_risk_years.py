"""The sanctions risk year by year: the table, and the years replayed with it."""

from __future__ import annotations

import pandas as pd
import pytest

from corridor.analysis.calibrate import fit_risk_year, load_targets, validation_table
from corridor.analysis.risk_years import RiskFit, load_risk_years, risk_days_in, with_risk_days, write_risk_years
from corridor.errors import DataError
from corridor.network import load_network
from corridor.scenario import RiskPremium, load_scenario


def test_each_later_year_has_its_own_risk_fitted_to_one_figure_of_that_year():
    table = load_risk_years()
    targets = load_targets()
    for row in table.to_dict("records"):
        fit = targets[(targets["year"] == row["year"]) & (targets["use"] == "fit")]
        assert len(fit) == 1, row["year"]  # one parameter, one figure; the year's other figures stay checks
        figure = fit.iloc[0]
        assert row["fitted_to"] == f"{figure['figure']} {row['year']} ({figure['source']})"
        assert (targets["year"] == row["year"]).sum() > 1  # something of the year is left to check
    # shippers came back to the Northern route: the risk eases after 2022's four weeks
    days = dict(zip(table["year"], table["expected_delay_days"], strict=True))
    assert days[2023] < 28.0 and days[2024] < days[2023]


def test_a_year_takes_its_own_row_or_the_last_one_before_it():
    table = pd.DataFrame({"year": [2023, 2024], "expected_delay_days": [17.5, 3.5]})
    assert risk_days_in(table, 2022) is None
    assert risk_days_in(table, 2023) == 17.5
    assert risk_days_in(table, 2026) == 3.5


def test_only_the_risks_priced_as_days_change():
    sanctions = load_scenario("sanctions-2022")
    eased = with_risk_days(sanctions, 0.0)
    before = [e for e in sanctions.events if isinstance(e, RiskPremium)]
    after = [e for e in eased.events if isinstance(e, RiskPremium)]
    assert [e.expected_delay_days for e in before] == [28.0, 0.0]
    assert [e.expected_delay_days for e in after] == [0.0, 0.0]
    assert [e.share_of_value for e in after] == [e.share_of_value for e in before]  # war risk at sea kept
    assert len(eased.events) == len(sanctions.events)


def test_a_written_fit_reads_back_with_what_it_was_fitted_to(tmp_path):
    tried = pd.DataFrame(
        {"expected_delay_days": [0.0, 14.0, 16.0], "model": [5e5, 3e5, 2.1e5], "error": [1.2, 1.1, 0.0]}
    )
    fit = RiskFit(year=2023, expected_delay_days=16.0, figure="China-Europe-China rail boxes both ways 2023 (B1)",
                  source="B1", value=211_100.0, model=210_000.0, inside=True, tried=tried)  # fmt: skip
    table = load_risk_years(write_risk_years([fit], tmp_path / "risk-years.csv"))
    row = table.iloc[0]
    assert (row["year"], row["expected_delay_days"], row["source"]) == (2023, 16.0, "B1")
    assert row["fitted_to"] == fit.figure and "3 hold-ups tried (0, 14, 16 days)" in row["note"]


def test_bad_risk_years_file_names_row_and_field(tmp_path):
    path = tmp_path / "risk-years.csv"
    path.write_text(
        "year,expected_delay_days,fitted_to,source,note\n"
        "2023,-2,China-Europe-China rail boxes both ways 2023 (B1),B1,\n"
        "twenty,3,x,,\n"
    )
    with pytest.raises(DataError) as err:
        load_risk_years(path)
    text = str(err.value)
    assert "row 2" in text and "expected_delay_days is '-2'" in text
    assert "row 3" in text and "year is 'twenty'" in text and "source is empty" in text


def test_a_year_with_two_fit_figures_is_refused():
    targets = load_targets()
    two = targets.copy()
    two.loc[(two["year"] == 2024) & (two["measure"] == "cpc_t"), "use"] = "fit"
    with pytest.raises(DataError, match="year 2024 has 2 rows with use fit; expected exactly one"):
        fit_risk_year(load_network(), 2024, targets=two)
    with pytest.raises(DataError, match="year 2022 has 0 rows"):
        fit_risk_year(load_network(), 2022, targets=targets)


@pytest.mark.slow
def test_2024_replayed_with_its_own_risk_not_2022s():
    """With 2022's four weeks held, westbound rail stays far under 2024's 412,000 TEU (K1); the
    year's own risk brings it back inside its band, and the year's checks stay checks."""
    net = load_network()
    targets = load_targets().query("year == 2024")
    held = validation_table(
        net, targets=targets, risk_years=pd.DataFrame({"year": [2024], "expected_delay_days": [28.0]})
    )
    own = validation_table(net, targets=targets)
    west = {name: t.set_index("measure").loc["rail_west"] for name, t in (("held", held), ("own", own))}
    assert not west["held"]["inside"] and west["held"]["model"] < 200_000
    assert west["own"]["inside"] and west["own"]["use"] == "fit"
    days = float(load_risk_years().set_index("year").loc[2024, "expected_delay_days"])
    assert set(own["sanctions_risk_days"]) == {days} and set(held["sanctions_risk_days"]) == {28.0}


def test_a_fit_written_over_a_table_already_read_reads_back_new(tmp_path):
    """The table is read once per file; writing it again must not leave the old one in memory."""
    tried = pd.DataFrame({"expected_delay_days": [0.0, 16.0], "model": [5e5, 2.1e5], "error": [1.2, 0.0]})
    first = RiskFit(year=2023, expected_delay_days=16.0, figure="B1's figure", source="B1", value=211_100.0,
                    model=210_000.0, inside=True, tried=tried)  # fmt: skip
    path = write_risk_years([first], tmp_path / "risk-years.csv")
    assert load_risk_years(path).iloc[0]["expected_delay_days"] == 16.0
    write_risk_years([RiskFit(**{**first.__dict__, "expected_delay_days": 0.0})], path)
    assert load_risk_years(path).iloc[0]["expected_delay_days"] == 0.0
