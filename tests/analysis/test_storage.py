"""Crude as it moves: terminal tanks and tanker queues before a field is cut back."""

from __future__ import annotations

import pytest

from corridor import DataError, impact, load_demand
from corridor.analysis.replay import default_storage
from corridor.analysis.storage import buffer_days, buffered_storage, load_buffers
from corridor.scenario import Scenario


def closure(target: str, days: int) -> Scenario:
    return Scenario.model_validate(
        {
            "name": f"{target}-{days}",
            "horizon": {"start": "2022-12-01", "end": "2023-01-31"},
            "events": [{"type": "close", "target": target, "start": "2022-12-05", "days": days}],
        }
    )


def test_a_straits_closure_meets_tanks_and_a_tanker_queue(eurasia) -> None:  # type: ignore[no-untyped-def]
    # 2 days of tanks at the CPC terminal (R18; H9) and 12 of loaded tankers waiting (H7; H8)
    assert buffer_days(eurasia, closure("bosphorus", 7)) == {"cpc_marine_terminal": 2.0, "cpc_spm_area": 12.0}
    # the moorings down: only the tanks help (no ship can be loaded to wait)
    assert buffer_days(eurasia, closure("cpc_moorings", 7)) == {"cpc_marine_terminal": 2.0}
    # the pipeline itself closed upstream (the 2022 court order): neither does
    assert buffer_days(eurasia, closure("cpc_atyrau_komsomolskaya", 30)) == {}


def test_origins_get_their_share_of_the_buffers(eurasia) -> None:  # type: ignore[no-untyped-def]
    demand = load_demand(eurasia)
    storage = buffered_storage(eurasia, demand, closure("bosphorus", 7), {"tengiz": 1.0})
    # Tengiz ships all its 26.5 Mt (R98) through the CPC: 14 days of it, on top of what it had
    assert storage["tengiz"] == pytest.approx(1.0 + 26.5e6 * 14 / 365, rel=1e-6)
    # Atyrau-Samara's committed crude (R46) never reaches the terminal: nothing added for it alone
    assert "samara_oil" not in storage


@pytest.mark.slow
def test_a_week_of_closed_straits_cuts_no_output_a_month_does(eurasia) -> None:  # type: ignore[no-untyped-def]
    demand = load_demand(eurasia)
    week = impact(eurasia, demand, closure("bosphorus", 7), period="week").oil()
    month = impact(eurasia, demand, closure("bosphorus", 30), period="week").oil()
    assert week is not None and month is not None
    assert week["output_cut_t"] < 0.05e6
    # the same month with only the fields' own storage: the tanks and the tanker queue take off
    # part of the cut (an origin's share counts only where its output would be cut), never more
    # than the 14 days of flow through the terminal they hold
    own = default_storage(eurasia, demand)
    bare = impact(eurasia, demand, closure("bosphorus", 30), period="week", storage=own).oil()
    assert bare is not None
    held = sum(buffered_storage(eurasia, demand, closure("bosphorus", 30), own).values()) - sum(own.values())
    spared = bare["output_cut_t"] - month["output_cut_t"]
    assert 0.5e6 < spared <= held + 1.0


def test_a_bad_buffer_row_names_its_row_and_field(eurasia, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "crude-buffers.csv"
    path.write_text(
        "id,kind,node,days,covers,source,note\n"
        "x,pond,cpc_marine_terminal,2,bosphorus,H9,\n"
        "y,tanks,cpc_marine_terminal,-1,nowhere,H9,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_buffers(eurasia, path)
    text = [str(p) for p in info.value.problems]
    assert any("row 2" in t and "kind" in t and "pond" in t for t in text)
    assert any("row 3" in t and "days" in t for t in text)
    assert any("row 3" in t and "nowhere" in t for t in text)
