"""Records shared across packages: tables going out of the library as plain data, and what
every run's result offers the results store and the shells (CLI, web)."""

from __future__ import annotations

import math
from typing import Any, Protocol

import pandas as pd

__all__ = ["RunResult", "json_records"]


class RunResult(Protocol):
    """What a run's result (an assignment, an impact, a sweep) offers to be saved and shown."""

    def summary(self) -> dict[str, Any]:
        """The run's figures without its tables, as plain data."""

    def tables(self) -> list[tuple[str, pd.DataFrame]]:
        """The tables the run keeps, by name."""

    def to_dict(self) -> dict[str, Any]:
        """Everything, as plain data for JSON."""


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts for JSON: a missing value (NaN, None, NaT) becomes None, a tuple a
    list, a timestamp its ISO text and a numpy number a Python one. The one table-to-JSON
    conversion of the package (CLI, results store, web).

    >>> frame = pd.DataFrame({"x": [1.5, float("nan")], "at": pd.to_datetime(["2022-03-22", None])})
    >>> json_records(frame)
    [{'x': 1.5, 'at': '2022-03-22T00:00:00'}, {'x': None, 'at': None}]
    """
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or value is pd.NA:
        return None
    return value
