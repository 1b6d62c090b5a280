"""Bars of issues 23 and 24 that had no test of the command as a user types it.

The rest of those bars are covered where their code lives (see the audit in the balkan branch's
report): these two run the exact commands and read their JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corridor.analysis.storage import buffer_days
from corridor.cli import app
from corridor.scenario import load_scenario

BOSPHORUS = """\
name: bosphorus-{days}
description: The Bosphorus closed for {days} days from 5 December 2022.
horizon: {{start: 2022-12-01, end: 2023-01-31}}
events:
  - type: close
    target: bosphorus
    start: 2022-12-05
    days: {days}
    source: "assumption: a test closure"
"""


def _json(args: list[str]) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return data


@pytest.mark.slow
def test_kazakhstans_own_ranking_leads_with_the_cpc_and_a_caspian_or_chinese_border_element():
    """Issue 23: `criticality --for KZ --json` puts the CPC and a Caspian or Chinese-border element
    in its top five (closures with the same outcome share a row, as `outcomes` lists them)."""
    data = _json(["criticality", "--for", "KZ", "--executor", "serial", "--json", "--no-save"])
    top5 = [{row["closed"], *row["same_outcome"]} for row in data["outcomes"][:5]]
    assert any(any(c.startswith("cpc") for c in closed) for closed in top5), top5
    wanted = {"kz_cn_border", "caspian_crossing", "aktau_kuryk", "alashankou", "bx_ala_dostyk", "bx_hor_altynkol"}
    assert any(closed & wanted for closed in top5), top5


@pytest.mark.slow
def test_the_straits_closed_a_month_cut_output_once_fourteen_days_of_buffers_are_full(eurasia, tmp_path: Path):
    """Issue 24: a 7-day Bosphorus closure cuts no output, a 30-day one does: the CPC terminal's
    tanks hold 2 days (R18; H9) and loaded tankers can wait 12 more (H7; H8; R32)."""
    cut, reports = {}, {}
    for days in (7, 30):
        path = tmp_path / f"bosphorus-{days}.yaml"
        path.write_text(BOSPHORUS.format(days=days), encoding="utf-8")
        if days == 7:
            assert sum(buffer_days(eurasia, load_scenario(str(path), eurasia)).values()) == 14.0
        reports[days] = _json(["impact", str(path), "--json", "--no-save"])
        cut[days] = reports[days]["oil"]
    assert cut[7]["output_cut_t"] < 0.05e6
    # 30 days less the 14 the buffers hold: at most 16 days of the CPC's own flow is cut, and most
    # of it (what finds another outlet, by Atyrau-Samara or to China, is not cut)
    cpc = next(r for r in reports[30]["corridors"] if r["group"] == "cpc" and r["commodity"] == "crude_oil")
    per_day = cpc["before"] / 62  # the horizon, 2022-12-01 to 2023-01-31
    assert 0.5 * 16 * per_day < cut[30]["output_cut_t"] <= 16 * per_day
    assert cut[30]["lost_t"] == 0.0  # deferred, not lost


def test_impact_ranks_bottlenecks_by_the_change_in_rent_in_one_unit():
    """Issue 23, point 3: rows carry rent_usd (the hard cap's dual x capacity plus its queue's
    waiting cost, both shown) and rent_change_usd, ranked by the change; the CPC storm's first row
    is a CPC element, and the sanctions put the Caspian crossing among the first three."""
    cpc = {"cpc", "cpc_moorings", "cpc_spm1", "cpc_spm2", "cpc_spm3", "cpc_marine_terminal"}
    for scenario, wanted in (("cpc-storm-2022", cpc), ("sanctions-2022", {"caspian_crossing"})):
        rows = _json(["impact", scenario, "--json"])["bottlenecks"]
        changes = [r["rent_change_usd"] for r in rows]
        assert changes == sorted(changes, reverse=True)
        for r in rows:
            assert r["rent_usd"] == pytest.approx(r["scarcity_rent_usd"] + r["queue_cost_usd"], abs=1e-3)
        first = 1 if scenario == "cpc-storm-2022" else 3
        assert wanted & {r["element"] for r in rows[:first]}, rows[:first]
        assert rows[0]["rent_change_usd"] > 0
