"""Scenarios: named sets of disruptions and policies, written as YAML, applied to a network.

* :mod:`corridor.scenario.model`: the records (events, horizon, scenario), validated by pydantic;
* :mod:`corridor.scenario.load`: YAML files, ``extends`` chains, the built-in catalogue, name checks;
* :mod:`corridor.scenario.effect`: what a scenario does to the compiled network, as arrays.
"""

from corridor.scenario.effect import ScenarioEffect, route_state, scenario_effect, target_arcs
from corridor.scenario.load import (
    builtin_scenarios,
    check_scenario,
    load_scenario,
    parse_yaml_model,
    read_yaml_text,
    scenario_from_yaml,
    with_investments,
)
from corridor.scenario.model import (
    DEFAULT_HORIZON,
    AddCapacity,
    AddLink,
    BarTransit,
    Category,
    ChangeDemand,
    Close,
    Derate,
    Event,
    Horizon,
    MultiplyTariff,
    MultiplyTime,
    Oil,
    RiskPremium,
    Scenario,
    StrictModel,
)

__all__ = [
    "DEFAULT_HORIZON",
    "AddCapacity",
    "AddLink",
    "BarTransit",
    "Category",
    "ChangeDemand",
    "Close",
    "Derate",
    "Event",
    "Horizon",
    "MultiplyTariff",
    "MultiplyTime",
    "Oil",
    "RiskPremium",
    "Scenario",
    "ScenarioEffect",
    "StrictModel",
    "builtin_scenarios",
    "check_scenario",
    "load_scenario",
    "parse_yaml_model",
    "read_yaml_text",
    "route_state",
    "scenario_effect",
    "scenario_from_yaml",
    "target_arcs",
    "with_investments",
]
