"""Investment appraisal: same sampled years with and without each candidate; clear errors for bad files."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import ScenarioError
from corridor.flow import demand_from_frame
from corridor.sweep import SweepOptions, appraise, candidate_cost, hazards_from_frame, load_candidates

CANDIDATES = """\
candidates:
  - name: wider-ab
    events:
      - {type: add_capacity, target: ab, factor: 3, cost_usd: 2.0e6, source: T1}
  - name: nothing-useful
    events:
      - {type: add_capacity, target: ap, factor: 2, source: T1}
"""


def write(tmp_path, text, name="candidates.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def exposed_tiny(tiny):
    """Containers o->e (20,000 TEU) fit on ab (29,200 a year) until a hazard leaves it 30% of its capacity."""
    frame = pd.DataFrame(
        [("o", "e", "container", 20_000.0, "T1")],
        columns=["origin", "destination", "commodity", "quantity_per_year", "source"],
    )
    demand = demand_from_frame(tiny, frame)
    hazards = hazards_from_frame(
        tiny,
        pd.DataFrame(
            [("ab_works", "ab", 4.0, "T1", 10.0, 30.0, "T1", 0.3, "T1")],
            columns=["hazard", "element", "events_per_year", "events_per_year_source", "median_days", "p90_days",
                     "days_source", "capacity_left", "capacity_left_source"],
        ),
    )  # fmt: skip
    return demand, hazards


def test_more_capacity_where_it_binds_removes_loss_and_idle_capacity_removes_none(tmp_path, tiny):
    demand, hazards = exposed_tiny(tiny)
    candidates = load_candidates(write(tmp_path, CANDIDATES), tiny)
    result = appraise(tiny, demand, candidates, years=400, hazards=hazards, options=SweepOptions(seed=2))
    rows = result.table.set_index("candidate")
    assert result.baseline.expected_annual_loss_usd > 0
    assert rows.loc["wider-ab", "loss_reduction_usd"] > 5 * rows.loc["wider-ab", "reduction_se_usd"]
    assert rows.loc["wider-ab", "reduction_per_musd"] == pytest.approx(rows.loc["wider-ab", "loss_reduction_usd"] / 2.0)
    # the same sampled years on both sides: a candidate that changes nothing removes exactly nothing
    assert rows.loc["nothing-useful", "loss_reduction_usd"] == 0
    assert pd.isna(rows.loc["nothing-useful", "cost_usd"])
    assert list(result.table["candidate"]) == ["wider-ab", "nothing-useful"]  # costed and useful first
    # nothing changes in undisrupted years here, so the expected cost falls by the loss removed
    assert rows.loc["wider-ab", "expected_cost_reduction_usd"] == pytest.approx(
        rows.loc["wider-ab", "loss_reduction_usd"]
    )


def test_candidates_judged_in_a_scenario_world(tmp_path, tiny):
    """With ab derated to half for the year (14,600 TEU for 20,000 wanted), tripling ab removes
    loss every year, not only in the years a hazard strikes."""
    from corridor.scenario import Scenario

    demand, hazards = exposed_tiny(tiny)
    candidates = [c for c in load_candidates(write(tmp_path, CANDIDATES), tiny) if c.name == "wider-ab"]
    halved = Scenario.model_validate(
        {
            "name": "ab-halved",
            "horizon": {"start": "2022-01-01", "end": "2022-12-31"},
            "events": [{"type": "derate", "target": "ab", "capacity_share": 0.5, "source": "T1"}],
        }
    )
    plain = appraise(tiny, demand, candidates, years=100, hazards=hazards, options=SweepOptions(seed=2))
    under = appraise(
        tiny, demand, candidates, years=100, hazards=hazards, scenario=halved, options=SweepOptions(seed=2)
    )
    assert under.to_dict()["scenario"] == "ab-halved"
    gain = under.table.loc[0, "expected_cost_reduction_usd"]
    assert gain > 2 * plain.table.loc[0, "expected_cost_reduction_usd"] > 0


def test_costs_add_up():
    candidates = load_candidates()
    costs = {c.name: candidate_cost(c) for c in candidates}
    assert costs["two-caspian-ferries"] == pytest.approx(80e6)
    assert costs["cpc-fourth-mooring"] is None


def test_built_in_candidates_check_against_the_network(eurasia):
    names = [c.name for c in load_candidates(network=eurasia)]
    assert {"kcp-west-expansion", "cpc-fourth-mooring", "btk-second-upgrade"} <= set(names)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("candidates: []\n", "candidates.yaml line 1: candidates: List should have at least 1 item"),
        ("candidates:\n  - name: a\n  - name: a\n", "candidates.1.name: 'a' is used twice"),
        (
            "candidates:\n  - name: a\n    events:\n      - {type: close, target: ab}\n",
            "candidates.0.events.0: type 'close'; expected add_capacity or add_link",
        ),
        (
            "candidates:\n  - name: a\n    events:\n      - {type: add_capacity, target: ab, factor: -1}\n",
            "candidates.yaml line 4: candidates.0.events.0.factor",
        ),
        ("candidates:\n  - name: a\n    extends: sanctions-2022\n", "drop 'extends'"),
        ("candidates: [\n", "not valid YAML"),
    ],
)
def test_bad_candidate_files(tmp_path, text, message):
    with pytest.raises(ScenarioError) as err:
        load_candidates(write(tmp_path, text))
    assert message in str(err.value)


def test_unknown_target_is_named(tmp_path, tiny):
    text = "candidates:\n  - name: a\n    events:\n      - {type: add_capacity, target: nowhere, factor: 2}\n"
    with pytest.raises(ScenarioError, match="target 'nowhere' is not a node, link or group"):
        load_candidates(write(tmp_path, text), tiny)


def test_cli_invest_json(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        app, ["invest", "--years", "200", "--seed", "3", "--executor", "serial", "--json", "--no-save"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["years"] == 200 and data["expected_loss_without_usd"] > 0
    names = {c["candidate"] for c in data["candidates"]}
    assert "kcp-west-expansion" in names
    missing = runner.invoke(app, ["invest", str(tmp_path / "none.yaml"), "--executor", "serial"])
    assert missing.exit_code != 0 and "no such file" in missing.output
