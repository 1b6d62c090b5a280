"""The network: columnar tables of nodes, links and the reference data around them.

A network is loaded from a folder of CSV files (one per table, the format the built-in
dataset uses), validated against the schema in ``data/schema`` with every problem reported at
once, and compiled lazily, once, to index arrays for the algorithms (:attr:`Network.compiled`).
Treat a network as immutable: change it with :meth:`Network.replace`, which validates again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import pandas as pd

from corridor.errors import DataError, Problem
from corridor.network._derive import as_parsed
from corridor.network.compiled import CompiledNetwork, compile_network
from corridor.network.places import NameIndex, build_name_index
from corridor.network.schema import OPTIONAL_TABLES, TABLES, frame_to_rows, parse_rows, read_csv_rows, schema_for
from corridor.network.validate import check_dataset

__all__ = [
    "BUILTIN_DATASET",
    "Network",
    "builtin_dataset_path",
    "commodity_units",
    "load_network",
    "network_from_frames",
    "validate_dataset",
]

BUILTIN_DATASET = "eurasia"
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Network:
    """A validated corridor network: one table per record type.

    Build one with :func:`load_network` or :func:`network_from_frames`, never directly.
    """

    nodes: pd.DataFrame
    links: pd.DataFrame
    modes: pd.DataFrame
    commodities: pd.DataFrame
    units: pd.DataFrame
    speeds: pd.DataFrame
    tariffs: pd.DataFrame
    groups: pd.DataFrame
    sources: pd.DataFrame
    segments: pd.DataFrame
    congestion: pd.DataFrame
    capacity_history: pd.DataFrame
    name: str = "network"

    @cached_property
    def compiled(self) -> CompiledNetwork:
        """Index arrays for the algorithms, built on first use and kept."""
        return compile_network(self)

    @cached_property
    def _days(self) -> dict[int, Network]:
        """The networks of a day built from this one (:func:`corridor.network.network_on`), by how
        many of its dated changes have happened by then: each built once."""
        return {}

    @cached_property
    def _kept(self) -> dict[Hashable, Any]:
        """What :meth:`kept` has worked out from this network."""
        return {}

    def kept(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, worked out once per ``key`` from this network alone and kept with it, for
        layers above that derive tables from it many times (the assignment's pairs, a group's
        members). What it returns is shared: treat it as read-only.

        Examples
        --------
        >>> net = load_network()
        >>> net.kept("links", lambda: len(net.links)) == net.kept("links", lambda: -1)
        True
        """
        if key not in self._kept:
            self._kept[key] = make()
        return cast(T, self._kept[key])

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the networks of a day built from it and what was kept (a worker builds its own)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_days", "_kept")}

    @cached_property
    def name_index(self) -> NameIndex:
        """Folded names of nodes and groups, for resolving what users type."""
        return build_name_index(self.nodes, self.groups)

    def resolve_node(self, name: str) -> str:
        """The id of the node a name, id, Russian name or alias stands for.

        Examples
        --------
        >>> net = load_network()
        >>> net.resolve_node("Актау"), net.resolve_node("Aktau"), net.resolve_node("Małaszewicze")
        ('aktau_port', 'aktau_port', 'malaszewicze')
        """
        return self.name_index.resolve(name, kinds=("node",))[1]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in load order."""
        return {table: getattr(self, table) for table in TABLES}

    def replace(self, **tables: pd.DataFrame) -> Network:
        """A new network with some tables replaced, validated again."""
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise TypeError(f"unknown tables {sorted(unknown)}; expected some of {', '.join(TABLES)}")
        merged = {**self.tables(), **tables}
        return network_from_frames(name=self.name, **merged)

    def derive(self, **tables: pd.DataFrame) -> Network:
        """:meth:`replace` for tables derived from this network's own (rows left out, numbers
        changed: a day of its history, a draw of its assumptions): the same network and the same
        checks, without rendering to text and parsing again the tables that cannot change by it.

        A table is taken as it is when it has this network's columns and types, its text is
        text the table held already and each number passes its column's checks
        (:func:`corridor.network._derive.as_parsed`); any other is parsed as :meth:`replace`
        parses it. The checks across tables run on the whole network as :meth:`replace` runs them.

        Examples
        --------
        >>> net = load_network()
        >>> links = net.links.assign(capacity=net.links["capacity"] * 0.9)
        >>> net.derive(links=links).links.equals(net.replace(links=links).links)
        True
        """
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise TypeError(f"unknown tables {sorted(unknown)}; expected some of {', '.join(TABLES)}")
        frames: dict[str, pd.DataFrame] = {}
        raw: dict[str, pd.DataFrame] = {}
        for table, own in self.tables().items():
            frame = tables.get(table, own)
            parsed = own if frame is own else as_parsed(frame, own, schema_for(table))
            if parsed is None:
                raw[table] = frame
            else:
                frames[table] = parsed
        if raw:  # parsed from text as replace parses them, unknown columns refused as it refuses them
            return network_from_frames(name=self.name, **{**self.tables(), **frames, **raw})
        return _build({}, self.name, frames=frames)

    def __repr__(self) -> str:
        return f"<Network {self.name!r}: {len(self.nodes)} nodes, {len(self.links)} links, {len(self.commodities)} commodities>"


def commodity_units(network: Network) -> dict[str, str]:
    """The unit each commodity is counted in (``teu``, ``t``), by commodity id.

    Examples
    --------
    >>> commodity_units(load_network())
    {'container': 'teu', 'crude_oil': 't', 'grain': 't', 'coal': 't', 'metals': 't'}
    """
    return {str(c): str(u) for c, u in zip(network.commodities["id"], network.commodities["unit"], strict=True)}


def builtin_dataset_path() -> Path:
    """Folder of the built-in Eurasian dataset inside the installed package.

    Returns
    -------
    pathlib.Path
        The folder holding the dataset's CSV tables, demand, hazards and scenarios.

    Examples
    --------
    >>> (builtin_dataset_path() / "nodes.csv").is_file()
    True
    """
    return Path(str(resources.files("corridor").joinpath("data", BUILTIN_DATASET)))


def load_network(path: str | Path | None = None, *, calibrated: bool = True) -> Network:
    """Load and validate a network from a folder of CSV files.

    Parameters
    ----------
    path
        Folder holding ``nodes.csv``, ``links.csv``, ``modes.csv``, ``commodities.csv``,
        ``units.csv``, ``speeds.csv``, ``tariffs.csv``, ``groups.csv`` and ``sources.csv``
        (and optionally ``segments.csv``, ``congestion.csv``, ``capacity-history.csv``,
        ``calibration/parameters.csv``).
        None loads the built-in Eurasian network.
    calibrated
        Lay the fitted parameters of ``calibration/parameters.csv`` over the published tables
        (:mod:`corridor.network.parameters`); False gives the published tables alone.

    Returns
    -------
    Network

    Raises
    ------
    DataError
        With every problem found (file, row, field, value, what was expected).

    Examples
    --------
    >>> net = load_network()
    >>> net.name
    'eurasia'
    >>> "aktau_port" in set(net.nodes["id"])
    True
    """
    folder = builtin_dataset_path() if path is None else Path(path)
    if not folder.is_dir():
        raise DataError([Problem(str(folder), "is not a folder; expected a folder of CSV tables")])
    problems: list[Problem] = []
    raw: dict[str, tuple[list[dict[str, str]], list[int]]] = {}
    for table in TABLES:
        file = folder / schema_for(table).file
        if table in OPTIONAL_TABLES and not file.exists():
            raw[table] = ([], [])
            continue
        read = read_csv_rows(file, schema_for(table), problems)
        if read is not None:
            raw[table] = read
    if len(raw) < len(TABLES):
        # some tables can't be read: check the others on their own, so every problem shows at once
        for table, (records, numbers) in raw.items():
            parse_rows(records, numbers, schema_for(table), problems)
        raise DataError(problems)
    name = BUILTIN_DATASET if path is None else folder.name
    network = _build(raw, name, problems)
    from corridor.network.parameters import PARAMETERS_FILE, apply_parameters, read_parameters

    if calibrated and (folder / PARAMETERS_FILE).is_file():
        network = apply_parameters(network, read_parameters(folder / PARAMETERS_FILE))
    return network


def network_from_frames(*, name: str = "network", **tables: pd.DataFrame) -> Network:
    """Build and validate a network from tables already in memory (same columns as the CSVs).

    Parameters
    ----------
    name
        The network's name (shown in results).
    **tables
        One DataFrame per table of :data:`corridor.network.TABLES`; optional tables (speeds,
        tariffs, groups, units, modes, sources) must still be passed, possibly empty.

    Returns
    -------
    Network

    Raises
    ------
    TypeError
        A table missing or unknown.
    DataError
        With every problem at once, as :func:`load_network` reports them.

    Examples
    --------
    >>> net = load_network()
    >>> copy = network_from_frames(name="copy", **net.tables())
    >>> len(copy.links) == len(net.links)
    True
    """
    tables = {**{t: pd.DataFrame(columns=schema_for(t).names) for t in OPTIONAL_TABLES}, **tables}
    missing = [t for t in TABLES if t not in tables]
    unknown = [t for t in tables if t not in TABLES]
    if missing or unknown:
        raise TypeError(
            f"network_from_frames needs the tables {', '.join(TABLES)}; missing {missing}, unknown {unknown}"
        )
    problems: list[Problem] = []
    raw: dict[str, tuple[list[dict[str, str]], list[int]]] = {}
    for table in TABLES:
        frame = tables[table]
        schema = schema_for(table)
        extra = [c for c in frame.columns if c not in schema.names]
        if extra:
            problems.append(
                Problem(schema.file, f"unknown columns {extra}; expected columns from: {', '.join(schema.names)}")
            )
        raw[table] = frame_to_rows(frame[[c for c in frame.columns if c in schema.names]])
    if problems:
        raise DataError(problems)
    return _build(raw, name)


def validate_dataset(path: str | Path) -> list[Problem]:
    """Every problem of a dataset folder, or an empty list when it is valid.

    Parameters
    ----------
    path
        A dataset folder (the same tables as :func:`load_network` reads).

    Returns
    -------
    list of Problem
        Each with the file, row, field, value and what was expected.

    Examples
    --------
    >>> validate_dataset(builtin_dataset_path())
    []
    """
    try:
        network = load_network(path)
    except DataError as err:
        return list(err.problems)
    network.compiled  # noqa: B018 - compiling is part of the check: it must not fail on a valid dataset
    return []


def _build(
    raw: Mapping[str, tuple[list[dict[str, str]], list[int]]],
    name: str,
    problems: list[Problem] | None = None,
    *,
    frames: Mapping[str, pd.DataFrame] | None = None,
) -> Network:
    """Parse and check every table; ``problems`` already found while reading are reported with the
    rest. ``frames``: tables parsed already (numbered by position, as frames rendered to rows are)."""
    problems = list(problems or [])
    parsed = dict(frames or {})
    rows: dict[str, list[int]] = {t: list(range(2, len(f) + 2)) for t, f in parsed.items()}
    for table in TABLES:
        if table in parsed:
            continue
        records, numbers = raw[table]
        parsed[table] = parse_rows(records, numbers, schema_for(table), problems)
        rows[table] = numbers
    ordered = {table: parsed[table] for table in TABLES}
    check_dataset(ordered, rows, problems)
    if problems:
        raise DataError(problems)
    return Network(name=name, **ordered)
