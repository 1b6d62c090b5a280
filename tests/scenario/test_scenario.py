"""Scenarios: YAML with errors that name file, line and field; what events do to the network."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from corridor import ScenarioError, assign
from corridor.flow import demand_from_frame
from corridor.scenario import Horizon, builtin_scenarios, load_scenario, scenario_effect


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_scenarios_load_and_check(eurasia):
    names = builtin_scenarios()
    assert {"sanctions-2022", "cpc-storm-2022", "cpc-court-2022", "combined-2022", "invest-caspian"} <= set(names)
    for name in names:
        scenario = load_scenario(name, eurasia)
        assert scenario.events
        assert all(e.source for e in scenario.events), name


def test_extends_folds_the_parent_in(eurasia):
    combined = load_scenario("combined-2022", eurasia)
    parent = [e.type for e in load_scenario("sanctions-2022", eurasia).events]
    assert [e.type for e in combined.events] == [*parent, "derate", "close", "close"]
    assert combined.horizon == Horizon(start=dt.date(2022, 3, 1), end=dt.date(2022, 12, 31))


def test_errors_name_file_line_and_field(tmp_path):
    path = write(
        tmp_path,
        "bad.yaml",
        "name: bad\n"
        "events:\n"
        "  - type: derate\n"
        "    target: ab\n"
        "    capacity_share: 1.5\n"
        "  - type: close\n"
        "    target: ab\n"
        "    start: 2022-05-01\n"
        "    end: 2022-04-01\n"
        "  - type: explode\n",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = str(info.value)
    assert "bad.yaml line 5: events.0.capacity_share: Input should be less than or equal to 1" in text
    assert "bad.yaml line 6: events.1: Value error, end 2022-04-01 is before start 2022-05-01" in text
    assert (
        "bad.yaml line 10: events.2: Input tag 'explode' found using 'type' does not match any of the expected tags"
        in text
    )


def test_unknown_field_and_bad_yaml(tmp_path):
    with pytest.raises(
        ScenarioError, match=r"typo\.yaml line 4: events\.0\.capacty_share: Extra inputs are not permitted"
    ):
        load_scenario(write(tmp_path, "typo.yaml", "name: t\nevents:\n  - type: derate\n    capacty_share: 0.5\n"))
    with pytest.raises(ScenarioError, match=r"broken\.yaml line 3: not valid YAML"):
        load_scenario(write(tmp_path, "broken.yaml", "name: t\nevents: [\n"))


def test_unknown_elements(tmp_path, tiny):
    path = write(
        tmp_path,
        "names.yaml",
        "name: names\nevents:\n  - {type: close, target: zz}\n  - {type: bar_transit, countries: [XX], commodities: [coal]}\n",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, tiny)
    text = str(info.value)
    assert "events.0 (close): target 'zz' is not a node, link, group or country of the network" in text
    assert "countries has 'XX'" in text
    assert "commodity 'coal'" in text


def test_scenario_that_extends_itself(tmp_path):
    write(tmp_path, "a.yaml", f"name: a\nextends: {tmp_path / 'b.yaml'}\n")
    write(tmp_path, "b.yaml", f"name: b\nextends: {tmp_path / 'a.yaml'}\n")
    with pytest.raises(ScenarioError, match=r"scenario 'a' extends itself \(a -> b -> a\)"):
        load_scenario(tmp_path / "a.yaml")


def test_unknown_scenario_name():
    with pytest.raises(ScenarioError, match="no scenario 'nope': not a built-in name"):
        load_scenario("nope")


def test_effect_of_a_partial_closure(tmp_path, tiny):
    path = write(
        tmp_path,
        "close.yaml",
        "name: close\nhorizon: {start: 2022-01-01, end: 2022-04-30}\n"
        "events:\n  - {type: close, target: ab, start: 2022-01-01, days: 30}\n"
        "  - {type: risk_premium, target: bd_ferry, share_of_value: 0.01}\n",
    )
    scenario = load_scenario(path, tiny)
    d = demand_from_frame(
        tiny,
        __import__("pandas").DataFrame(
            [("o", "e", "container", 1_000.0, "T1")],
            columns=["origin", "destination", "commodity", "quantity_per_year", "source"],
        ),
    )
    effect = scenario_effect(tiny, scenario, d.table)
    cn = tiny.compiled
    ab = np.isin(cn.arc_link, [cn.link_ids.index("ab")])
    assert effect.capacity_factor[ab] == pytest.approx(1 - 30 / 120)
    ferry = np.isin(cn.arc_link, [cn.link_ids.index("bd_ferry")])
    c = cn.commodity_index("container")
    assert effect.cost_usd[c, ferry] == pytest.approx(cn.cost_usd[c, ferry] + 0.01 * 50_000)


def test_no_events_equals_the_baseline(tmp_path, eurasia):
    from corridor.flow import load_demand

    demand = load_demand(eurasia)
    empty = load_scenario(write(tmp_path, "empty.yaml", "name: empty\nevents: []\n"), eurasia)
    base = assign(eurasia, demand, force_lp=True)
    same = assign(eurasia, demand, scenario=empty)
    assert same.total_cost_usd == pytest.approx(base.total_cost_usd, rel=1e-9)


def test_sanctions_keep_containers_out_of_russia_and_belarus(eurasia):
    """The strict reading (a ban) keeps every box to or from the EU out of Russia and Belarus."""
    from corridor.flow import demand_from_frame, load_demand

    table = load_demand(eurasia).table
    countries = dict(zip(eurasia.nodes["id"], eurasia.nodes["country"], strict=True))
    eu = {"PL", "DE", "NL", "AT", "HU", "RO", "BG", "GR", "IT"}
    rows = table[
        [
            countries.get(o) in eu or countries.get(d) in eu
            for o, d in zip(table["origin"], table["destination"], strict=True)
        ]
    ]
    rows = (
        rows[rows["commodity"] == "container"]
        .drop(columns=["segment"])
        .groupby(["origin", "destination", "commodity", "source"], as_index=False)["quantity_per_year"]
        .sum()
    )
    demand = demand_from_frame(eurasia, rows)
    result = assign(eurasia, demand, scenario=load_scenario("sanctions-ban-2022", eurasia))
    links = eurasia.links.set_index("id")
    # boxes to and from the EU stay out both ways (shippers avoided the route both ways: S53, S54)
    crossed = {c for link in result.flows_by_origin["link"] for c in links.loc[link, "countries"]}
    assert not {"RU", "BY"} & crossed
    baseline = assign(eurasia, demand)
    assert result.total_cost_usd > baseline.total_cost_usd


def test_closing_never_lowers_cost(eurasia, tmp_path):
    from corridor.flow import load_demand

    demand = load_demand(eurasia)
    # the LP's optimum (solved once): the reported cost at the equilibrium can fall, see
    # tests/scenario/test_answers.py
    base = assign(eurasia, demand, force_lp=True, equilibrium=False).solver["objective_usd"]
    for target in ("cpc_spm1", "aktau_handling", "bx_hor_altynkol", "cpc"):
        scenario = load_scenario(
            write(tmp_path, f"{target}.yaml", f"name: c\nevents: [{{type: close, target: {target}}}]\n")
        )
        closed = assign(eurasia, demand, scenario=scenario, equilibrium=False)
        assert closed.solver["objective_usd"] >= base - 1e-6 * base


NEW_LINK = """name: shortcut
horizon: {start: 2022-01-01, end: 2022-01-28}
events:
  - type: add_link
    start: 2022-01-15
    cost_usd: 1000000
    source: T1
    link: {id: ae_new, from: a, to: e, mode: rail, length_km: 200, length_source: T1, countries: [KZ, DE]}
"""


def test_new_link_opens_when_the_event_starts(tmp_path, tiny):
    from corridor.analysis import replay

    scenario = load_scenario(write(tmp_path, "new.yaml", NEW_LINK), tiny)
    d = demand_from_frame(
        tiny,
        __import__("pandas").DataFrame(
            [("o", "e", "container", 5_200.0, "T1")],
            columns=["origin", "destination", "commodity", "quantity_per_year", "source"],
        ),
    )
    rep = replay(tiny, d, scenario, period="week")
    weekly = [r.transport_cost_usd / 52 for r in rep.assignments]
    # 100 TEU a week: 600 USD each until the shortcut opens (week 3), then 50 + 200 = 250
    assert weekly[0] == pytest.approx(100 * 600)
    assert weekly[3] == pytest.approx(100 * 250)
    assert "ae_new" in set(rep.assignments[3].flows["link"])


def test_impact_of_a_new_link_compares_against_the_network_without_it(tmp_path, tiny):
    from corridor.analysis import impact

    scenario = load_scenario(write(tmp_path, "new.yaml", NEW_LINK), tiny)
    d = demand_from_frame(
        tiny,
        __import__("pandas").DataFrame(
            [("o", "e", "container", 5_200.0, "T1")],
            columns=["origin", "destination", "commodity", "quantity_per_year", "source"],
        ),
    )
    result = impact(tiny, d, scenario, period="week")
    assert "ae_new" not in set(result.baseline.assignments[3].flows["link"])
    assert "ae_new" in set(result.disrupted.assignments[3].flows["link"])
    # two weeks (of 7 days at 5,200 TEU a year) at 350 USD less each TEU
    assert result.delta_cost_usd == pytest.approx(-2 * 5_200 * 7 / 365 * 350, rel=1e-6)


def test_slower_passage_costs_the_value_of_time(tmp_path, tiny):
    """O-A takes 1 + 5 hours; three times as long is 12 hours more, half a day at 48 USD a TEU-day."""
    from corridor.flow import assign

    scenario = load_scenario(
        write(
            tmp_path, "slow.yaml", "name: slow\nevents: [{type: multiply_time, target: oa, factor: 3, source: T1}]\n"
        ),
        tiny,
    )
    d = demand_from_frame(
        tiny,
        __import__("pandas").DataFrame(
            [("o", "e", "container", 1_000.0, "T1")],
            columns=["origin", "destination", "commodity", "quantity_per_year", "source"],
        ),
    )
    base = assign(tiny, d, force_lp=True).total_cost_usd
    slow = assign(tiny, d, scenario=scenario).total_cost_usd
    assert slow - base == pytest.approx(1_000 * 0.5 * 48)


def test_new_link_must_fit_the_network(tmp_path, tiny):
    bad = NEW_LINK.replace("to: e,", "to: nowhere,").replace("length_km: 200", "length_km: -5")
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, "bad-link.yaml", bad), tiny)
    text = str(info.value)
    assert "the new links (ae_new) do not fit the network" in text
    assert "to refers to 'nowhere', which is not an id in nodes.csv" in text
    assert "length_km is -5.0; expected a number >= 0" in text


def test_bar_for_cargo_to_some_countries_only(tmp_path, tiny):
    """Boxes for Germany may not cross Russia; boxes for Russia itself still go there."""
    scenario = load_scenario(
        write(
            tmp_path,
            "eu-bound.yaml",
            "name: eu-bound\nevents:\n"
            "  - {type: bar_transit, countries: [RU], commodities: [container], destinations: [DE], source: T1}\n",
        ),
        tiny,
    )
    d = demand_from_frame(
        tiny,
        __import__("pandas").DataFrame(
            [("o", "e", "container", 1_000.0, "T1"), ("o", "c", "container", 1_000.0, "T1")],
            columns=["origin", "destination", "commodity", "quantity_per_year", "source"],
        ),
    )
    result = assign(tiny, d, scenario=scenario)
    flows = result.flows_by_origin
    to_germany = result.flows[result.flows["link"].isin(["ce"])]
    assert to_germany.empty  # nothing reaches e through Russia
    assert "bc" in set(flows["link"])  # the boxes for c still ride b-c
    assert result.transport_cost_usd == pytest.approx(1_000 * 600 + 1_000 * (50 + 100 + 200))


def test_each_event_is_a_disruption_or_a_market_condition(tmp_path):
    """Closures, derates, bars, premiums and slow-downs disrupt; rates, demand and investments are
    the market a disruption meets; an event may say otherwise, and only those two words pass."""
    kinds = {e.type: e.kind for e in load_scenario("sanctions-2022").events}
    assert kinds == {"risk_premium": "disruption", "multiply_tariff": "market"}
    assert [e.kind for e in load_scenario("invest-caspian").events][-1] == "market"  # add_capacity
    text = (
        "name: own\n"
        "events:\n"
        "  - {type: multiply_tariff, target: ab, factor: 3, category: disruption}\n"
        "  - {type: close, target: ab, category: market}\n"
    )
    assert [e.kind for e in load_scenario(write(tmp_path, "own.yaml", text)).events] == ["disruption", "market"]
    bad = write(tmp_path, "bad.yaml", "name: bad\nevents:\n  - type: close\n    target: ab\n    category: weather\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert "bad.yaml line 5: events.0.category: Input should be 'disruption' or 'market' (got 'weather')" in str(
        info.value
    )
