"""Fitted parameters: the few numbers a dataset's calibration sets, kept apart from its published ones.

A dataset folder may hold ``calibration/parameters.csv`` (written by ``corridor calibrate``):
one row per parameter with its kind, what it applies to, its value and the figures it was fitted
to. :func:`apply_parameters` lays them over the published tables, so the CSVs keep their sourced
values and the calibration can always start again from them:

* ``segment_share``: the share of a shipper segment (``commodity`` and ``segment``); the other
  segments of the commodity keep their relative sizes and make up the rest. With ``target``
  ``eastbound`` it is the share of the demand bound east only (``share_eastbound`` in
  segments.csv): Europe's exports to China are another mix of goods than China's to Europe;
* ``extra_dwell_h``: hours added to the dwell of every link of ``target`` (a link or a group),
  as expected delay (missed sailings, storms, paperwork) that the published timetables leave out;
* ``extra_charge_usd``: USD per unit of ``commodity`` added to the link rows of ``target``'s links
  in tariffs.csv (a through-service charge, a premium), on top of their published charge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.errors import DataError, Problem
from corridor.network.places import group_members
from corridor.network.tables import Network

__all__ = ["PARAMETERS_FILE", "PARAMETER_KINDS", "apply_parameters", "read_parameters"]

PARAMETERS_FILE = Path("calibration") / "parameters.csv"
PARAMETER_KINDS = ("segment_share", "extra_dwell_h", "extra_charge_usd")
SHARE_TARGETS = ("", "eastbound")
"""What a ``segment_share`` applies to: all the commodity's demand, or the demand bound east
(``share_eastbound``, see :func:`corridor.flow.bound_east`)."""
_COLUMNS = ["parameter", "kind", "target", "commodity", "segment", "value", "fitted_to", "source", "note"]


def read_string_table(path: str | Path, columns: Sequence[str]) -> pd.DataFrame:
    """A small CSV table of the dataset as strings (empty cells stay ""), with ``columns`` required.

    Raises
    ------
    DataError
        The file cannot be read as CSV, or a required column is missing (named with the file).
    """
    file = Path(path)
    try:
        table = pd.read_csv(file, keep_default_na=False, dtype=str)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise DataError([Problem(file.name, f"cannot be read as CSV: {err}")]) from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise DataError([Problem(file.name, f"columns {missing} are missing; expected {', '.join(columns)}")])
    return table


def read_parameters(path: str | Path) -> pd.DataFrame:
    """A parameters file as a table, every row checked (kind, a finite value).

    Raises
    ------
    DataError
        Naming the row, the field and the value.
    """
    file = Path(path)
    table = read_string_table(file, _COLUMNS)
    problems = []
    values = []
    for number, row in enumerate(table.to_dict("records"), start=2):
        if row["kind"] not in PARAMETER_KINDS:
            expected = ", ".join(PARAMETER_KINDS)
            problems.append(
                Problem(file.name, f"kind is {row['kind']!r}; expected one of {expected}", row=number, field="kind")
            )
        try:
            value = float(row["value"])
        except ValueError:
            value = float("nan")
        if not np.isfinite(value):
            message = f"value is {row['value']!r}; expected a finite number"
            problems.append(Problem(file.name, message, row=number, field="value"))
        values.append(value)
    if problems:
        raise DataError(problems)
    table["value"] = values
    return table


def apply_parameters(
    network: Network, parameters: pd.DataFrame, *, tables: Mapping[str, pd.DataFrame] | None = None
) -> Network:
    """The network with the fitted parameters laid over its published tables (see the module docstring).

    ``tables``: tables of the network replaced first (a draw of its assumptions), the parameters
    laid over them and the whole checked once (:meth:`Network.derive`).

    Examples
    --------
    >>> net = load_network(calibrated=False)
    >>> p = pd.DataFrame([{"parameter": "x", "kind": "extra_dwell_h", "target": "cs_kuryk_alat_ferry",
    ...                    "commodity": "", "segment": "", "value": 24.0}])
    >>> before = float(net.links.set_index("id").loc["cs_kuryk_alat_ferry", "dwell_h"])
    >>> float(apply_parameters(net, p).links.set_index("id").loc["cs_kuryk_alat_ferry", "dwell_h"]) - before
    24.0
    """
    given = dict(tables or {})
    links = given.get("links", network.links).copy()
    tariffs = given.get("tariffs", network.tariffs).copy()
    segments = given.get("segments", network.segments).copy()
    rows = parameters.to_dict("records")
    shares = [r for r in rows if r["kind"] == "segment_share"]
    bad = [r for r in shares if str(r["target"]) not in SHARE_TARGETS]
    if bad:
        message = f"target of segment_share {bad[0]['parameter']!r} is {bad[0]['target']!r}; expected '' or 'eastbound'"
        raise DataError([Problem("parameters.csv", message, field="target")])
    if "share_eastbound" not in segments.columns:
        segments["share_eastbound"] = np.nan
    for heading, column in (("", "share"), ("eastbound", "share_eastbound")):
        if heading:  # eastbound shares start from those of both directions unless the table gives its own
            segments[column] = segments[column].astype(float).fillna(segments["share"])
        chosen = [r for r in shares if str(r["target"]) == heading]
        for commodity in dict.fromkeys(r["commodity"] for r in chosen):
            mine = segments["commodity"] == commodity
            listed = {r["segment"]: float(r["value"]) for r in chosen if r["commodity"] == commodity}
            unknown = set(listed) - set(segments.loc[mine, "segment"])
            if unknown:
                raise DataError([Problem("parameters.csv", f"{commodity!r} has no segments {sorted(unknown)}")])
            others = mine & ~segments["segment"].isin(list(listed))
            rest = float(segments.loc[others, column].sum())
            for segment, value in listed.items():
                segments.loc[mine & (segments["segment"] == segment), column] = value
            left = max(0.0, 1.0 - sum(listed.values()))
            if rest > 0:  # the unlisted segments keep their relative sizes and make up the rest
                segments.loc[others, column] = segments.loc[others, column] * left / rest
    for row in rows:
        kind, target, value = row["kind"], str(row["target"]), float(row["value"])
        if kind == "segment_share":
            continue
        link_ids = _links_of(network, target)
        if kind == "extra_dwell_h":
            hit = links["id"].isin(link_ids)
            links.loc[hit, "dwell_h"] = links.loc[hit, "dwell_h"].fillna(0.0) + value
        else:
            for link in link_ids:
                hit = (tariffs["commodity"] == row["commodity"]) & (tariffs["link"] == link)
                if not hit.any():
                    message = (
                        f"tariffs.csv has no {row['commodity']} row for link {link!r} to add {row['parameter']!r} to"
                    )
                    raise DataError([Problem("parameters.csv", message)])
                tariffs.loc[hit, "usd_per_unit"] = tariffs.loc[hit, "usd_per_unit"].fillna(0.0) + value
    return network.derive(**{**given, "links": links, "tariffs": tariffs, "segments": segments})


def _links_of(network: Network, target: str) -> list[str]:
    if target in set(network.groups["id"]):
        return group_members(network, target)[1]
    if target in set(network.links["id"]):
        return [target]
    raise DataError([Problem("parameters.csv", f"target is {target!r}; expected a link or group id")])
