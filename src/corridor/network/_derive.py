"""Tables derived from a validated network's own, taken as they are when parsing them again
could change nothing and would find nothing.

:meth:`corridor.network.Network.replace` checks a new table by rendering it to text and parsing
it again, like a file. A table derived from a network's own (rows left out, as on a day of its
history; numbers changed, as in a draw of its assumptions) holds cells that were parsed and
checked already, and numbers: :func:`as_parsed` checks what could have gone wrong (the columns,
their types, each number against its column's bounds, text that the table did not hold before,
unique columns, cells that need others) and gives the frame that parsing would give, or None when
it cannot be sure, and the caller parses the table as before (which then names the problem).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from corridor.errors import Problem
from corridor.network.schema import Column, TableSchema, _cell_text, _parse_cell

__all__ = ["as_parsed"]


def as_parsed(frame: pd.DataFrame, base: pd.DataFrame, schema: TableSchema) -> pd.DataFrame | None:
    """``frame`` as :func:`corridor.network.schema.parse_rows` would return it from its own text
    (a fresh index), when every cell is certain to parse to itself and pass the table's checks
    alone; None otherwise. ``base`` is the validated table ``frame`` was derived from.

    Examples
    --------
    >>> from corridor.network.schema import schema_for
    >>> links = load_network().links
    >>> as_parsed(links.iloc[::2], links, schema_for("links")).index.equals(pd.RangeIndex((len(links) + 1) // 2))  # a fresh index, not every other label
    True
    >>> as_parsed(links.assign(length_km=-1.0), links, schema_for("links")) is None
    True
    """
    if tuple(frame.columns) != schema.names or tuple(base.columns) != schema.names:
        return None
    for col in schema.columns:
        values, known = frame[col.name], base[col.name]
        if values.dtype != known.dtype or values.dtype != (np.float64 if col.dtype == "float" else object):
            return None
        if not (_numbers_pass(values, col) if col.dtype == "float" else _text_known(values, known, col)):
            return None
        if "unique" in col.checks and not _unique(values):
            return None
    if not _needs_met(frame, schema):
        return None
    return frame.reset_index(drop=True)


def _numbers_pass(values: pd.Series, col: Column) -> bool:
    """Every number finite and within its column's bounds, none missing where one is required
    (an empty cell parses to the column's default, so a NaN is only certain with no default)."""
    x = values.to_numpy(float)
    given = ~np.isnan(x)
    if not given.all() and (col.required or col.default != ""):
        return False
    x = x[given]
    if not np.isfinite(x).all():
        return False
    for check in col.checks:
        kind, _, arg = check.partition(":")
        if kind == "min" and not (x >= float(arg)).all():
            return False
        if kind == "gt" and not (x > float(arg)).all():
            return False
        if kind == "range":
            low, high = (float(v) for v in arg.split(".."))
            if not ((low <= x) & (x <= high)).all():
                return False
    return True


def _text_known(values: pd.Series, known: pd.Series, col: Column) -> bool:
    """Text (and lists) the validated table held already, or that parses to itself without a
    problem (a dated capacity's source, a group's members of the day)."""
    seen = set(known)
    try:
        cells = set(values)
    except TypeError:  # a list or an array where a table holds text or tuples
        return False
    for cell in cells:
        if cell in seen:
            continue
        if not isinstance(cell, tuple if col.dtype == "list" else str):
            return False
        problems: list[Problem] = []
        if _parse_cell(_cell_text(cell).strip() or col.default, col, "", 0, problems) != cell or problems:
            return False
    return True


def _unique(values: pd.Series) -> bool:
    given = values[values != ""]
    return bool(given.is_unique)


def _needs_met(frame: pd.DataFrame, schema: TableSchema) -> bool:
    """Every cell that says more than its column's default has the cells it needs."""
    for col in schema.columns:
        needs = col.check_arg("needs")
        if not needs:
            continue
        said = [not _is_default(v, col) for v in frame[col.name]]
        for other in needs.split("|"):
            if any(s and _empty(v) for s, v in zip(said, frame[other], strict=True)):
                return False
    return True


def _is_default(value: object, col: Column) -> bool:
    if _empty(value):
        return True
    if col.dtype == "float":
        return bool(col.default) and float(value) == float(col.default)  # type: ignore[arg-type]
    return value == col.default


def _empty(value: object) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, tuple):
        return not value
    return value is None or value == ""
