"""Loading scenarios: YAML with line numbers in every error, ``extends`` chains, the built-in
catalogue, and the check of every name a scenario uses against a network."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from corridor.errors import DataError, ScenarioError
from corridor.network import Network, builtin_dataset_path, country_codes
from corridor.scenario.model import AddLink, Scenario

__all__ = [
    "builtin_scenarios",
    "check_scenario",
    "load_scenario",
    "parse_yaml_model",
    "read_yaml_text",
    "with_investments",
]


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The YAML line (1-based) of the node at a pydantic error location."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
            if match is None:
                continue  # a union tag such as 'derate', or a field that is missing: stay on this node
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            continue
        line = node.start_mark.line + 1
    return line


def _parse(text: str, file: str) -> Scenario:
    return parse_yaml_model(text, file, Scenario)


M = TypeVar("M", bound=BaseModel)


MAX_YAML_BYTES = 1_000_000
"""The largest YAML document read (a scenario is a few kilobytes)."""
MAX_ALIASES = 100
"""The most YAML aliases (``*name``) a document may use: a guard against alias bombs."""
MAX_EXTENDS = 32
"""The longest ``extends`` chain followed."""


class _GuardedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that counts aliases (an alias bomb stops at :data:`MAX_ALIASES`) and
    keeps dates as text, so that pydantic checks them with the field and the line in its error."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.YAMLError(
                    f"more than {MAX_ALIASES} aliases (line {mark.line + 1}); expected a plain document"
                )
        return super().compose_node(parent, index)


_GuardedLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml_text(path: Path, what: str = "file") -> str:
    """A small UTF-8 text file, or a ScenarioError naming it and saying what is wrong."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ScenarioError(f"{path}: {size:,} bytes; expected a {what} of at most {MAX_YAML_BYTES:,} bytes")
        raw = path.read_bytes()
    except OSError as err:
        raise ScenarioError(f"{path}: cannot read it ({err.strerror or err})") from err
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ScenarioError(
            f"{path}: not UTF-8 text (byte 0x{raw[err.start]:02x} at position {err.start}); save it as UTF-8"
        ) from err


def parse_yaml_model(text: str, file: str, model: type[M]) -> M:
    """A YAML document validated by a pydantic model; every error names the file, the line and the field."""
    if len(text) > MAX_YAML_BYTES:
        raise ScenarioError(f"{file}: {len(text):,} characters; expected at most {MAX_YAML_BYTES:,}")
    try:
        data = yaml.load(text, Loader=_GuardedLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{file} line {mark.line + 1}" if mark else file
        raise ScenarioError(f"{where}: not valid YAML ({getattr(err, 'problem', None) or err})") from err
    except (ValueError, OverflowError, RecursionError) as err:
        raise ScenarioError(f"{file}: a value YAML cannot read ({err})") from err
    if not isinstance(data, dict):
        raise ScenarioError(f"{file}: expected a mapping with {', '.join(model.model_fields)} at the top")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        lines = []
        for e in err.errors():
            loc = tuple(e["loc"])
            line = _line_of(text, loc)
            path = ".".join(str(x) for x in loc if not (isinstance(x, str) and x in _EVENT_TAGS)) or "(top)"
            where = f"{file} line {line}" if line else file
            got = e.get("input")
            shown = "" if isinstance(got, dict | list) or got is None else f" (got {str(got)[:60]!r})"
            lines.append(f"{where}: {path}: {e['msg']}{shown}")
        raise ScenarioError("\n".join(lines)) from err


_EVENT_TAGS = {
    "close",
    "derate",
    "bar_transit",
    "multiply_tariff",
    "multiply_time",
    "risk_premium",
    "demand",
    "add_capacity",
    "add_link",
}


def builtin_scenarios() -> dict[str, Path]:
    """The scenarios that ship with the Eurasian network, by name.

    Returns
    -------
    dict of str to pathlib.Path
        Scenario name -> its YAML file.

    Examples
    --------
    >>> sorted(builtin_scenarios())[:3]
    ['caspian-ports-nov-2022', 'combined-2022', 'cpc-court-2022']
    """
    folder = builtin_dataset_path() / "scenarios"
    return {p.name.removesuffix(".yaml"): p for p in folder.iterdir() if p.name.endswith(".yaml")}


def load_scenario(name_or_path: str | Path, network: Network | None = None) -> Scenario:
    """Load a scenario by built-in name or from a YAML file, with what it extends folded in.

    Parameters
    ----------
    name_or_path
        A built-in scenario's name (:func:`builtin_scenarios`) or a YAML file.
    network
        When given, every place, link, group, country and commodity the scenario names is
        checked against it.

    Returns
    -------
    Scenario
        Its events in order, those of the scenarios it extends first.

    Raises
    ------
    ScenarioError
        No such scenario; YAML or a field that does not validate (with the file, the line and the
        field); a name the network lacks; an ``extends`` chain that loops.

    Examples
    --------
    >>> s = load_scenario("cpc-storm-2022")
    >>> s.name, [e.type for e in s.events]
    ('cpc-storm-2022', ['derate', 'close'])
    """
    scenario = _load_chain(str(name_or_path), seen=())
    if network is not None:
        check_scenario(scenario, network)
    return scenario


def _load_chain(name_or_path: str, seen: tuple[str, ...]) -> Scenario:
    if len(seen) >= MAX_EXTENDS:
        raise ScenarioError(
            f"scenario {seen[0]!r}: its extends chain is more than {MAX_EXTENDS} scenarios deep "
            f"({' -> '.join(seen[:3])} -> ...); expected a shorter chain"
        )
    builtin = builtin_scenarios()
    path = builtin.get(name_or_path, Path(name_or_path))
    if not path.is_file():
        known = ", ".join(sorted(builtin))
        raise ScenarioError(f"no scenario {name_or_path!r}: not a built-in name ({known}) nor a file")
    scenario = _parse(read_yaml_text(path, "scenario"), path.name)
    if scenario.name in seen:
        chain = " -> ".join((*seen, scenario.name))
        raise ScenarioError(f"{path.name}: scenario {scenario.name!r} extends itself ({chain})")
    if scenario.extends is None:
        return scenario
    parent = _load_chain(scenario.extends, (*seen, scenario.name))
    return scenario.model_copy(
        update={
            "events": [*parent.events, *scenario.events],
            "horizon": scenario.horizon or parent.horizon,
            "oil": scenario.oil or parent.oil,
            "extends": None,
        }
    )


def scenario_from_yaml(
    text: str,
    *,
    file: str = "scenario",
    network: Network | None = None,
    known: Mapping[str, str] | None = None,
) -> Scenario:
    r"""A scenario from YAML text (a web form, a saved scenario), never reading a file: ``extends``
    may name only a built-in scenario or one of ``known`` (name -> YAML).

    Parameters
    ----------
    text
        The YAML document.
    file
        What to call it in error messages.
    network
        When given, every name the scenario uses is checked against it.
    known
        Other scenarios ``extends`` may name (saved ones), as YAML.

    Returns
    -------
    Scenario
        Its events, those of the scenarios it extends first.

    Raises
    ------
    ScenarioError
        YAML or a field that does not validate; ``extends`` naming anything else (a path
        included); a loop or a chain deeper than :data:`MAX_EXTENDS`; a name the network lacks.

    Examples
    --------
    >>> s = scenario_from_yaml("name: mine\nextends: cpc-court-2022\nevents: []\n")
    >>> s.name, len(s.events)
    ('mine', 1)
    """
    known = dict(known or {})
    scenario = _parse(text, file)
    seen = [scenario.name]
    events, horizon, oil = list(scenario.events), scenario.horizon, scenario.oil
    parent_name = scenario.extends
    while parent_name is not None:
        if len(seen) >= MAX_EXTENDS:
            raise ScenarioError(f"{file}: the extends chain is more than {MAX_EXTENDS} scenarios deep")
        builtin = builtin_scenarios()
        if parent_name in known:
            parent = _parse(known[parent_name], parent_name)
        elif parent_name in builtin:
            parent = _parse(read_yaml_text(builtin[parent_name], "scenario"), parent_name)
        else:
            names = ", ".join(sorted({*builtin, *known}))
            raise ScenarioError(f"{file}: extends {parent_name!r}; expected the name of a scenario ({names})")
        if parent.name in seen:
            raise ScenarioError(
                f"{file}: scenario {parent.name!r} extends itself ({' -> '.join([*seen, parent.name])})"
            )
        seen.append(parent.name)
        events = [*parent.events, *events]
        horizon, oil = horizon or parent.horizon, oil or parent.oil
        parent_name = parent.extends
    scenario = scenario.model_copy(update={"events": events, "horizon": horizon, "oil": oil, "extends": None})
    if network is not None:
        check_scenario(scenario, network)
    return scenario


def with_investments(network: Network, scenario: Scenario) -> Network:
    """The network with the scenario's new links (and their tariffs) added, validated like any dataset."""
    added = [e for e in scenario.events if isinstance(e, AddLink)]
    if not added:
        return network
    links = pd.concat([network.links, pd.DataFrame([_link_row(e.link) for e in added])], ignore_index=True)
    tariffs = network.tariffs
    extra = [row for e in added for row in e.tariffs]
    if extra:
        tariffs = pd.concat([tariffs, pd.DataFrame(extra)], ignore_index=True)
    try:
        return network.replace(links=links, tariffs=tariffs)
    except DataError as err:
        where = ", ".join(str(e.link.get("id", "?")) for e in added)
        lines = "\n".join(f"  {p}" for p in err.problems)
        raise ScenarioError(
            f"scenario {scenario.name!r}: the new links ({where}) do not fit the network:\n{lines}"
        ) from err


def _link_row(link: dict[str, Any]) -> dict[str, Any]:
    """A links.csv row from YAML: lists for list columns."""
    row = dict(link)
    for col in ("countries", "commodities", "shape"):
        if isinstance(row.get(col), str):
            row[col] = tuple(x.strip() for x in row[col].split(";") if x.strip())
        elif isinstance(row.get(col), list):
            row[col] = tuple(row[col])
    return row


def check_scenario(scenario: Scenario, network: Network) -> None:
    """Every name the scenario uses must exist in the network; all problems at once."""
    network = with_investments(network, scenario)
    links, nodes, groups = set(network.links["id"]), set(network.nodes["id"]), set(network.groups["id"])
    commodities = set(network.commodities["id"])
    network_countries = set(network.nodes["country"]) | {c for cs in network.links["countries"] for c in cs}
    problems = []
    for i, event in enumerate(scenario.events):
        where = f"scenario {scenario.name!r} events.{i} ({event.type})"
        for field_name in ("target", "origin", "destination"):
            value = getattr(event, field_name, None)
            countries = network_countries if field_name == "target" and event.type in ("close", "derate") else set()
            if value is not None and value not in links | nodes | groups | countries:
                what = "node, link, group or country" if countries else "node, link or group"
                problems.append(f"{where}: {field_name} {value!r} is not a {what} of the network")
        for country in getattr(event, "countries", None) or ():
            if country not in country_codes():
                problems.append(f"{where}: countries has {country!r}; expected ISO 3166-1 alpha-2 codes")
        listed = list(getattr(event, "commodities", None) or ())
        if getattr(event, "commodity", None):
            listed.append(event.commodity)  # type: ignore[union-attr]
        for commodity in listed:
            if commodity not in commodities:
                problems.append(f"{where}: commodity {commodity!r}; expected one of {', '.join(sorted(commodities))}")
        for field_name, why in event.review.items():
            problems.append(
                f"{where}: {field_name} needs review: {why}; set {field_name} and delete review.{field_name}, "
                f"or delete review.{field_name} to accept the value written"
            )
    if problems:
        raise ScenarioError("\n".join(problems))
