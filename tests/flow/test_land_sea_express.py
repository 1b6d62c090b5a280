"""The rail lines into Budapest from the southern ports carry no more than their services do: the
2021 baseline once sent 1.6 million TEU by rail from Piraeus, all Xi'an-Duisburg boxes among them
(issues 23 and 24). The China-Europe Land-Sea Express carried 181,000 TEU in 2022, 18.4 percent
more than in 2021 (Y1)."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor.analysis.yearly import assign_year
from corridor.flow import assign, load_demand
from corridor.network import network_on

LAND_SEA_EXPRESS_2022_TEU = 181_000  # Y1
LAND_SEA_EXPRESS_2021_TEU = LAND_SEA_EXPRESS_2022_TEU / 1.184  # Y1: 2022 was 18.4 percent up
TEU_PER_TRAIN = 82  # commodities.csv
KAPIKULE_TRAINS_PER_DAY_EACH_WAY = 3  # Y4; Y5: about 40-42 trains a week, both ways


def teu_from(result, link: str, start: str) -> float:  # type: ignore[no-untyped-def]
    f = result.flows
    return float(f.loc[(f["link"] == link) & (f["from"] == start), "flow_per_year"].sum())


@pytest.fixture(scope="module")
def baseline(eurasia):  # type: ignore[no-untyped-def]
    return assign(eurasia, load_demand(eurasia))


def test_piraeus_rail_carries_no_more_than_the_land_sea_express_did_in_2021(eurasia, baseline) -> None:  # type: ignore[no-untyped-def]
    for result in (baseline, assign_year(eurasia, 2021)[0]):
        north = teu_from(result, "eu_piraeus_budapest", "piraeus_rail")
        south = teu_from(result, "eu_piraeus_budapest", "budapest")
        assert north <= LAND_SEA_EXPRESS_2021_TEU * 1.001
        assert south <= LAND_SEA_EXPRESS_2021_TEU * 1.001


def test_inland_chinese_boxes_do_not_reach_duisburg_by_piraeus_and_budapest(baseline) -> None:  # type: ignore[no-untyped-def]
    # whatever reaches Budapest from the south, at most what the three southern lines carry goes on west
    south = LAND_SEA_EXPRESS_2021_TEU + (KAPIKULE_TRAINS_PER_DAY_EACH_WAY + 1) * TEU_PER_TRAIN * 365
    assert teu_from(baseline, "eu_budapest_duisburg", "budapest") <= south
    assert (
        teu_from(baseline, "eu_kapikule_budapest", "kapikule")
        <= KAPIKULE_TRAINS_PER_DAY_EACH_WAY * TEU_PER_TRAIN * 365 * 1.001
    )
    assert teu_from(baseline, "eu_constanta_budapest", "constanta_rail") <= TEU_PER_TRAIN * 365 * 1.001


def test_the_land_sea_express_grows_to_its_2022_volume(eurasia) -> None:  # type: ignore[no-untyped-def]
    def capacity_on(day: dt.date) -> float:
        links = network_on(eurasia, day).links.set_index("id")
        return float(links.loc["eu_piraeus_budapest", "capacity"])

    assert capacity_on(dt.date(2021, 7, 1)) == pytest.approx(LAND_SEA_EXPRESS_2021_TEU, rel=0.01)
    assert capacity_on(dt.date(2022, 7, 1)) == LAND_SEA_EXPRESS_2022_TEU


def test_the_southern_lines_cite_their_figures(eurasia) -> None:  # type: ignore[no-untyped-def]
    links = eurasia.links.set_index("id")
    assert "Y1" in links.loc["eu_piraeus_budapest", "capacity_source"]
    assert "Y2" in links.loc["eu_piraeus_budapest", "transit_time_source"]
    assert links.loc["eu_piraeus_budapest", "transit_time_h"] == 72  # about three days to Budapest (Y2)
    assert "Y4" in links.loc["eu_kapikule_budapest", "capacity_source"]
    assert links.loc["eu_constanta_budapest", "capacity_source"].startswith("assumption:")
    # the published times of the southern and Budapest-Duisburg lines, set beside the model's
    assert "Y11" in links.loc["eu_kapikule_budapest", "note"]
    assert "Y12" in links.loc["eu_budapest_duisburg", "note"]
    assert {f"Y{i}" for i in range(1, 14)} <= set(eurasia.sources["id"])
