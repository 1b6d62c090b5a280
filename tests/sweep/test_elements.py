"""What N-1 closes: infrastructure and sea chokepoints, not open water, waypoints or rate groupings."""

from __future__ import annotations

import pytest

from corridor.errors import RequestError
from corridor.flow import load_demand
from corridor.sweep import Element, bind_elements, closable_elements
from corridor.sweep.elements import open_sea_legs


def test_open_sea_legs_waypoints_and_rate_groups_are_not_elements(eurasia):
    ids = {e.id for e in closable_elements(eurasia)}
    legs = open_sea_legs(eurasia)
    assert {"sea_sha_sin", "sea_sin_bab", "bs_cpc_bosphorus", "med_ceyhan_augusta"} <= legs
    assert not ids & legs
    waypoints = set(eurasia.nodes.loc[eurasia.nodes["kind"] == "waypoint", "id"])
    assert not ids & waypoints
    assert "asia_europe_sea" not in ids


def test_chokepoints_lines_and_infrastructure_are_elements(eurasia):
    ids = {e.id for e in closable_elements(eurasia)}
    chokepoints = {"malacca_strait", "sunda_strait", "lombok_strait", "bab_el_mandeb_strait", "suez_canal_passage",
                   "gibraltar_strait", "turkish_straits", "red_sea"}  # fmt: skip
    assert chokepoints <= ids
    # lines with a fleet or an operator are lines, not open water
    assert {"cs_aktau_alat_feeder", "cs_aktau_sangachal_tanker", "black_sea_feeders"} <= ids
    assert {"cpc", "cpc_spm1", "bx_ala_dostyk", "aktau_port", "caspian_crossing"} <= ids


def test_a_fields_own_access_link_is_left_out_with_the_field(eurasia):
    ids = {e.id for e in closable_elements(eurasia, demand=load_demand(eurasia))}
    assert "kashagan" not in ids
    assert "kz_kashagan_atyrau" not in ids  # Kashagan's only link: closing it is closing the field
    assert "cpc_tengiz_atyrau" in ids  # Tengiz has its railway too


def test_any_element_can_still_be_bound_by_name(eurasia):
    bound = bind_elements([Element("link", "sea_sha_sin", ()), Element("group", "asia_europe_sea", ())], eurasia)
    assert [e.id for e in bound] == ["sea_sha_sin", "asia_europe_sea"]
    assert all(e.arcs for e in bound)
    with pytest.raises(RequestError, match="not in network"):
        bind_elements([Element("link", "no_such_link", ())], eurasia)
