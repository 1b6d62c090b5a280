"""Demand: units of a commodity per year from an origin to a destination.

Loaded from a CSV file (``data/schema/demand.csv`` describes its columns) or a table in memory,
checked against a network with every problem reported at once: unknown places (with
suggestions), unknown commodities, negative quantities, repeated rows, and pairs that no chain
of links the commodity may use joins.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.errors import DataError, Problem, RequestError, UnknownNodeError
from corridor.flow.segments import SegmentBook, segment_book
from corridor.network import (
    SYNTHETIC_SOURCE,
    Network,
    RawTable,
    builtin_dataset_path,
    parse_rows,
    place_nodes,
    raw_table,
    schema_for,
)
from corridor.routing import shortest_routes

__all__ = ["BUILTIN_DEMAND", "Demand", "bound_east", "demand_from_frame", "load_demand", "synthetic_demand"]

BUILTIN_DEMAND = "demand-2021.csv"


@dataclass(frozen=True, eq=False)
class Demand:
    """Validated demand: one row per (origin, destination, commodity), places resolved to ids."""

    table: pd.DataFrame  # origin, destination, commodity, segment, quantity_per_year, source, note
    name: str = "demand"

    def __len__(self) -> int:
        return len(self.table)

    def total(self, commodity: str) -> float:
        """Units per year of one commodity, all pairs together."""
        return float(self.table.loc[self.table["commodity"] == commodity, "quantity_per_year"].sum())


def load_demand(network: Network, path: str | Path | None = None, *, year: int | None = None) -> Demand:
    """Load demand from a CSV file; None loads the built-in 2021 baseline of the Eurasian network.

    Parameters
    ----------
    network
        The network the demand's places and commodities belong to.
    path
        A CSV file of origin, destination, commodity, quantity_per_year and source
        (``corridor network schema demand``); None for the built-in baseline.
    year
        The built-in demand of that year (``demand-<year>.csv``, 2021 to 2024), instead of a path.

    Returns
    -------
    Demand
        Places resolved to node ids.

    Raises
    ------
    DataError
        With every problem at once: unknown places (with suggestions), unknown commodities,
        negative quantities, repeated rows, pairs no chain of links joins.

    Examples
    --------
    >>> net = load_network()
    >>> demand = load_demand(net)
    >>> demand.total("crude_oil") > 50e6
    True
    """
    if year is not None:
        if path is not None:
            raise RequestError("give a demand file or a year, not both")
        file = builtin_dataset_path() / f"demand-{year}.csv"
        if not file.is_file():
            years = sorted(p.stem.removeprefix("demand-") for p in builtin_dataset_path().glob("demand-*.csv"))
            raise RequestError(f"no built-in demand for {year}; expected one of {', '.join(years)}")
        return _build(network, raw_table(file, "demand"))
    file = builtin_dataset_path() / BUILTIN_DEMAND if path is None else Path(path)
    return _build(network, raw_table(file, "demand"))


def demand_from_frame(network: Network, frame: pd.DataFrame, *, name: str = "demand") -> Demand:
    """Check a demand table built in code, with the same rules as a file.

    Parameters
    ----------
    network
        The network the demand's places and commodities belong to.
    frame
        Columns as in a demand CSV (origin, destination, commodity, quantity_per_year, source).
    name
        The name problems are reported under and the demand is known by.

    Returns
    -------
    Demand

    Raises
    ------
    DataError
        With every problem at once, as :func:`load_demand` reports them.

    Examples
    --------
    >>> import pandas as pd
    >>> net = load_network()
    >>> rows = [("Xi'an", "Duisburg", "container", 1000.0, "assumption: an example")]
    >>> frame = pd.DataFrame(rows, columns=["origin", "destination", "commodity", "quantity_per_year", "source"])
    >>> demand_from_frame(net, frame).table[["origin", "segment"]].values.tolist()
    [['xian_port', 'time_critical'], ['xian_port', 'standard'], ['xian_port', 'economy']]
    """
    return _build(network, raw_table(frame, "demand", name=name))


def _build(network: Network, raw: RawTable) -> Demand:
    numbers, file, problems = raw.numbers, raw.name, raw.problems
    table = parse_rows(raw.rows, numbers, schema_for("demand"), problems, file=file)
    index = network.name_index
    commodities = set(network.commodities["id"])
    origins: list[str] = []
    destinations: list[str] = []
    for col, out, kinds in (("origin", origins, ("node",)), ("destination", destinations, ("node", "group"))):
        for value, number in zip(table[col], numbers, strict=True):
            if not value:
                out.append("")
                continue
            try:
                out.append(index.resolve(value, kinds=kinds)[1])
            except (UnknownNodeError, RequestError) as err:
                problems.append(Problem(file, f"{col}: {err}", row=number, field=col))
                out.append("")
    table["origin"], table["destination"] = origins, destinations
    seen: dict[tuple[str, str, str, str], int] = {}
    for o, d, c, segment, number in zip(
        table["origin"], table["destination"], table["commodity"], table["segment"], numbers, strict=True
    ):
        if c and c not in commodities:
            problems.append(
                Problem(
                    file,
                    f"commodity is {c!r}; expected one of {', '.join(sorted(commodities))}",
                    row=number,
                    field="commodity",
                )
            )
        if o and o == d:
            problems.append(Problem(file, f"origin and destination are both {o!r}", row=number, field="destination"))
        key = (o, d, c, segment)
        if all(key[:3]) and key in seen:
            problems.append(
                Problem(file, f"repeats origin, destination, commodity and segment of row {seen[key]}", row=number)
            )
        seen.setdefault(key, number)
    book = segment_book(network)
    for c, segment, number in zip(table["commodity"], table["segment"], numbers, strict=True):
        if segment and c in commodities and segment not in set(book.of(c)["segment"]):
            known = ", ".join(book.of(c)["segment"])
            problems.append(
                Problem(file, f"segment is {segment!r}; {c} has the segments {known}", row=number, field="segment")
            )
    if not problems:
        _check_reachable(network, table, numbers, file, problems)
    if problems:
        raise DataError(problems)
    return Demand(table=_by_segment(network, table, book), name=file)


def _by_segment(network: Network, table: pd.DataFrame, book: SegmentBook) -> pd.DataFrame:
    """One row per (origin, destination, commodity, segment): a row without a segment split by the
    shares, those of demand bound east (:func:`bound_east`) where its commodity has shares of its own."""
    out = []
    for row in table.to_dict("records"):
        if row["segment"]:
            out.append(row)
            continue
        east = book.headed(row["commodity"]) and bound_east(network, row["origin"], row["destination"])
        for segment, share in book.shares(row["commodity"], eastbound=east):
            if share > 0:
                out.append({**row, "segment": segment, "quantity_per_year": row["quantity_per_year"] * share})
    frame = pd.DataFrame(out, columns=table.columns)
    frame["quantity_per_year"] = frame["quantity_per_year"].astype(float)
    return frame.reset_index(drop=True)


def bound_east(network: Network, origin: str, destination: str) -> bool:
    """Whether the destination (a node, or a group's mean position) lies east of the origin: the
    heading that splits demand by ``share_eastbound`` and prices back-haul sea rates.

    Examples
    --------
    >>> net = load_network()
    >>> bound_east(net, "duisburg", "chongqing"), bound_east(net, "xian_port", "duisburg")
    (True, False)
    """
    lon = dict(zip(network.nodes["id"], network.nodes["lon"].astype(float), strict=True))
    kind = "group" if destination in set(network.groups["id"]) else "node"
    ends = place_nodes(network, kind, destination)
    return bool(float(np.mean([lon[x] for x in ends])) > lon[origin])


def _check_reachable(
    network: Network, table: pd.DataFrame, numbers: list[int], file: str, problems: list[Problem]
) -> None:
    """A pair no chain of links joins cannot be served under any scenario: say so now."""
    for commodity, part in table.groupby("commodity", sort=False):
        pairs = list(zip(part["origin"], part["destination"], strict=True))
        routes = shortest_routes(network, pairs, commodity=str(commodity))
        for (o, d), route, pos in zip(pairs, routes, part.index, strict=True):
            if route is None:
                problems.append(
                    Problem(
                        file,
                        f"no chain of links that {commodity} may use joins {o} to {d}; this demand can never be served",
                        row=numbers[pos],
                    )
                )


def synthetic_demand(
    network: Network, n_pairs: int, *, seed: int, quantity: tuple[float, float] = (5e6, 3e7), scale: float = 1.0
) -> Demand:
    """``n_pairs`` random origin-destination pairs, pair ``i`` carrying commodity ``i`` (modulo the
    network's commodities), each a quantity per year drawn uniformly from ``quantity`` times ``scale``.

    Examples
    --------
    >>> net = synthetic_network(50, n_commodities=2, seed=1)
    >>> synthetic_demand(net, 3, seed=2).table["commodity"].tolist()
    ['c0', 'c1', 'c0']
    """
    rng = np.random.default_rng(seed)
    ids = network.nodes["id"].to_numpy()
    commodities = network.commodities["id"].tolist()
    rows = []
    for i in range(n_pairs):
        o, d = rng.choice(ids, 2, replace=False)
        rows.append((o, d, commodities[i % len(commodities)], scale * float(rng.uniform(*quantity)), SYNTHETIC_SOURCE))
    frame = pd.DataFrame(rows, columns=["origin", "destination", "commodity", "quantity_per_year", "source"])
    return demand_from_frame(network, frame)
