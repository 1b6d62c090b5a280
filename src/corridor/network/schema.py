"""The column schema as data: read the shipped schema tables and check one table against them.

Each table of a dataset (nodes, links, ...) is described once in ``data/schema/<table>.csv``:
one row per column with its dtype, unit, default, whether it is required, the checks it must
pass and a description. That description drives parsing, defaults, validation and the docs.

Checks (space-separated in the ``check`` column):

- ``unique``: no two rows share the value; ``identifier``: letters, digits, ``_`` and ``-``,
  starting with a letter;
- ``min:X`` / ``gt:X`` / ``range:A..B``: numeric bounds;
- ``enum:a|b|c``: one of the listed values;
- ``country``: ISO 3166-1 alpha-2 code(s);
- ``date``: a day as YYYY-MM-DD;
- ``lonlat``: each list item is a 'lon lat' pair of numbers within range;
- ``needs:c1|c2``: when this cell is given, the cells in columns c1 and c2 must be given too;
- ``ref:table1|table2``: the value (or each list item) is an id in one of those tables; checked
  across tables by :mod:`corridor.network.validate`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor.errors import DataError, Problem

TABLES: tuple[str, ...] = (
    "sources",
    "units",
    "modes",
    "commodities",
    "nodes",
    "links",
    "speeds",
    "tariffs",
    "groups",
    "segments",
    "congestion",
    "capacity_history",
)
"""Tables of a dataset, in the order they are loaded (referenced tables first)."""

OPTIONAL_TABLES: tuple[str, ...] = ("segments", "congestion", "capacity_history")
"""Tables a dataset may leave out (a missing file is an empty table): shipper segments (else one
per commodity, at its own value and value of time), queues (else no element makes cargo wait)
and the capacity history (``capacity-history.csv``; else every capacity holds on every day)."""

OTHER_TABLES: tuple[str, ...] = ("demand", "risks", "assumptions")
"""Tables that describe inputs other than the network (their schema ships beside the others)."""

DTYPES = frozenset({"str", "float", "list", "source"})
LIST_SEPARATOR = ";"
ASSUMPTION = "assumption:"
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Column:
    """One column of a table: how to parse it and what it must satisfy."""

    name: str
    dtype: str
    unit: str
    default: str
    required: bool
    checks: tuple[str, ...]
    description: str

    def check_arg(self, kind: str) -> str | None:
        """The argument of the first check of this kind (``min`` -> ``"0"``), or None."""
        for check in self.checks:
            name, _, arg = check.partition(":")
            if name == kind:
                return arg
        return None


@dataclass(frozen=True)
class TableSchema:
    """The columns of one table, in file order."""

    name: str
    columns: tuple[Column, ...]

    @property
    def file(self) -> str:
        """The file name of the table (``capacity_history`` is ``capacity-history.csv``)."""
        return f"{self.name.replace('_', '-')}.csv"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def to_frame(self) -> pd.DataFrame:
        """The schema itself as a table, for docs and ``corridor network schema``."""
        return pd.DataFrame(
            {
                "column": [c.name for c in self.columns],
                "dtype": [c.dtype for c in self.columns],
                "unit": [c.unit for c in self.columns],
                "default": [c.default for c in self.columns],
                "required": [c.required for c in self.columns],
                "check": [" ".join(c.checks) for c in self.columns],
                "description": [c.description for c in self.columns],
            }
        )


@cache
def schema_for(table: str) -> TableSchema:
    """The schema of one table (a network table, or ``demand``), read from the files the package ships."""
    if table not in (*TABLES, *OTHER_TABLES):
        raise KeyError(f"unknown table {table!r}; expected one of {', '.join((*TABLES, *OTHER_TABLES))}")
    text = resources.files("corridor").joinpath("data", "schema", f"{table}.csv").read_text("utf-8")
    columns = []
    for row in csv.DictReader(io.StringIO(text)):
        if row["dtype"] not in DTYPES:
            raise RuntimeError(f"schema {table}.csv: unknown dtype {row['dtype']!r}")
        columns.append(
            Column(
                name=row["column"],
                dtype=row["dtype"],
                unit=row["unit"],
                default=row["default"],
                required=row["required"] == "yes",
                checks=tuple(row["check"].split()),
                description=row["description"],
            )
        )
    return TableSchema(name=table, columns=tuple(columns))


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (shipped with the package)."""
    text = resources.files("corridor").joinpath("data", "countries.csv").read_text("utf-8")
    return frozenset(row["code"] for row in csv.DictReader(io.StringIO(text)))


def read_csv_rows(
    path: Path, schema: TableSchema, problems: list[Problem]
) -> tuple[list[dict[str, str]], list[int]] | None:
    """Read a CSV file into raw string rows, reporting problems of form (not of content).

    Returns the rows and their spreadsheet row numbers, or None when the file cannot be read
    as a table at all (missing, empty, not UTF-8, no usable header).
    """
    name = path.name
    expected = ", ".join(c.name for c in schema.columns if c.required)
    if not path.is_file():
        problems.append(Problem(name, f"file is missing; expected a CSV table with columns {expected}"))
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        problems.append(Problem(name, f"is not UTF-8 text (byte {err.start}); save it as UTF-8 CSV"))
        return None
    if not text.strip():
        problems.append(Problem(name, f"file is empty; expected a header row with columns {expected}"))
        return None
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        problems.append(Problem(name, f"is not well-formed CSV: {err}"))
        return None
    header = [h.strip() for h in lines[0]]
    if not _check_header(name, header, schema, problems):
        return None
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    for number, fields in enumerate(lines[1:], start=2):
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            problems.append(
                Problem(
                    name,
                    f"has {len(fields)} fields; expected {len(header)} (one per header column)"
                    " - check for an unquoted comma",
                    row=number,
                )
            )
            continue
        rows.append(dict(zip(header, fields, strict=True)))
        numbers.append(number)
    return rows, numbers


def _check_header(name: str, header: Sequence[str], schema: TableSchema, problems: list[Problem]) -> bool:
    known = set(schema.names)
    ok = True
    seen: set[str] = set()
    for col in header:
        if col in seen:
            problems.append(Problem(name, f"column {col!r} appears twice in the header", row=1))
            ok = False
        seen.add(col)
        if col not in known:
            problems.append(
                Problem(name, f"unknown column {col!r}; expected columns from: {', '.join(schema.names)}", row=1)
            )
            ok = False
    for column in schema.columns:
        if column.required and column.name not in seen:
            problems.append(Problem(name, f"required column {column.name!r} is missing from the header", row=1))
            ok = False
    return ok


def parse_rows(
    rows: Sequence[dict[str, str]],
    numbers: Sequence[int],
    schema: TableSchema,
    problems: list[Problem],
    *,
    file: str | None = None,
) -> pd.DataFrame:
    """Turn raw string rows into a typed table, appending every problem found.

    Missing optional columns get their defaults; floats are float64 with NaN for empty cells;
    lists are tuples of strings; text is ``str`` with ``""`` for empty cells.
    """
    file = file or schema.file
    data: dict[str, list[object]] = {}
    for col in schema.columns:
        values: list[object] = []
        for row, number in zip(rows, numbers, strict=True):
            raw = row.get(col.name, "").strip() or col.default
            values.append(_parse_cell(raw, col, file, number, problems))
        data[col.name] = values
    frame = pd.DataFrame(data, columns=list(schema.names))
    for col in schema.columns:
        if col.dtype == "float":
            frame[col.name] = frame[col.name].astype("float64")
        else:
            frame[col.name] = frame[col.name].astype(object)
    _check_table(rows, numbers, frame, schema, file, problems)
    return frame


def _parse_cell(raw: str, col: Column, file: str, row: int, problems: list[Problem]) -> object:
    def bad(expected: str) -> None:
        problems.append(Problem(file, f"{col.name} is {raw!r}; expected {expected}", row=row, field=col.name))

    if raw == "":
        if col.required:
            problems.append(
                Problem(file, f"{col.name} is empty; expected {_expectation(col)} (required)", row=row, field=col.name)
            )
        return math.nan if col.dtype == "float" else (() if col.dtype == "list" else "")
    if col.dtype == "float":
        try:
            value = float(raw.replace("_", ""))
        except ValueError:
            bad(_expectation(col))
            return math.nan
        if not math.isfinite(value):
            bad(_expectation(col))
            return math.nan
        _check_number(value, raw, col, file, row, problems)
        return value
    if col.dtype == "list":
        items = tuple(item.strip() for item in raw.split(LIST_SEPARATOR) if item.strip())
        if col.required and not items:
            bad(f"at least one item, separated by '{LIST_SEPARATOR}'")
        for item in items:
            _check_text(item, col, file, row, problems)
        return items
    if col.dtype == "source":
        _check_source_text(raw, col, file, row, problems)
        return raw
    _check_text(raw, col, file, row, problems)
    return raw


def _expectation(col: Column) -> str:
    if col.dtype == "float":
        for check in col.checks:
            kind, _, arg = check.partition(":")
            if kind == "min":
                return f"a number >= {arg}"
            if kind == "gt":
                return f"a number > {arg}"
            if kind == "range":
                low, high = arg.split("..")
                return f"a number from {low} to {high}"
        return "a number"
    if (values := col.check_arg("enum")) is not None:
        return "one of " + ", ".join(values.split("|"))
    if "country" in col.checks:
        return "an ISO 3166-1 alpha-2 country code (e.g. KZ)"
    if "date" in col.checks:
        return "a day as YYYY-MM-DD"
    if col.dtype == "source":
        return "source ids from sources.csv and/or 'assumption: <reason>'"
    return "a value"


def _check_number(value: float, raw: str, col: Column, file: str, row: int, problems: list[Problem]) -> None:
    for check in col.checks:
        kind, _, arg = check.partition(":")
        ok = True
        if kind == "min":
            ok = value >= float(arg)
        elif kind == "gt":
            ok = value > float(arg)
        elif kind == "range":
            low, high = (float(x) for x in arg.split(".."))
            ok = low <= value <= high
        if not ok:
            problems.append(
                Problem(file, f"{col.name} is {raw}; expected {_expectation(col)}", row=row, field=col.name)
            )
            return


def _check_text(value: str, col: Column, file: str, row: int, problems: list[Problem]) -> None:
    if "identifier" in col.checks and not _IDENTIFIER.match(value):
        problems.append(
            Problem(
                file,
                f"{col.name} is {value!r}; expected an identifier (letters, digits, '_' or '-', starting with a letter)",
                row=row,
                field=col.name,
            )
        )
    if (allowed := col.check_arg("enum")) is not None and value not in allowed.split("|"):
        problems.append(
            Problem(file, f"{col.name} is {value!r}; expected {_expectation(col)}", row=row, field=col.name)
        )
    if "lonlat" in col.checks and not _is_lonlat(value):
        problems.append(
            Problem(
                file,
                f"{col.name} has {value!r}; expected 'lon lat' (two numbers, lon -180..180, lat -90..90)",
                row=row,
                field=col.name,
            )
        )
    if "country" in col.checks and value not in country_codes():
        problems.append(
            Problem(file, f"{col.name} has {value!r}; expected {_expectation(col)}", row=row, field=col.name)
        )
    if "date" in col.checks and not _is_date(value):
        problems.append(
            Problem(file, f"{col.name} is {value!r}; expected {_expectation(col)}", row=row, field=col.name)
        )


def _is_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_lonlat(value: str) -> bool:
    parts = value.split()
    if len(parts) != 2:
        return False
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        return False
    return -180 <= lon <= 180 and -90 <= lat <= 90


def _check_source_text(value: str, col: Column, file: str, row: int, problems: list[Problem]) -> None:
    ids, assumption = split_source(value)
    if assumption is not None and not assumption:
        problems.append(
            Problem(
                file,
                f"{col.name} says 'assumption:' without a reason; expected 'assumption: <reason>'",
                row=row,
                field=col.name,
            )
        )
    if not ids and assumption is None:
        problems.append(
            Problem(file, f"{col.name} is {value!r}; expected {_expectation(col)}", row=row, field=col.name)
        )


def split_source(value: str) -> tuple[tuple[str, ...], str | None]:
    """Split a source cell into its source ids and the assumption's reason (None if none).

    ``"R12; R36"`` -> ``(("R12", "R36"), None)``;
    ``"R95; assumption: derived from length / speed"`` -> ``(("R95",), "derived from length / speed")``.
    """
    head, sep, reason = value.partition(ASSUMPTION)
    ids = tuple(item.strip() for item in head.split(LIST_SEPARATOR) if item.strip())
    return ids, (reason.strip() if sep else None)


def _check_table(
    rows: Sequence[dict[str, str]],
    numbers: Sequence[int],
    frame: pd.DataFrame,
    schema: TableSchema,
    file: str,
    problems: list[Problem],
) -> None:
    for col in schema.columns:
        if "unique" in col.checks:
            seen: dict[object, int] = {}
            for value, number in zip(frame[col.name], numbers, strict=True):
                if value == "":
                    continue
                if value in seen:
                    problems.append(
                        Problem(
                            file,
                            f"{col.name} {value!r} is a duplicate (first at row {seen[value]}); expected unique values",
                            row=number,
                            field=col.name,
                        )
                    )
                else:
                    seen[value] = number
        needs = col.check_arg("needs")
        if needs:
            for row, number in zip(rows, numbers, strict=True):
                if _is_default(row.get(col.name, "").strip(), col):
                    continue
                for other in needs.split("|"):
                    if row.get(other, "").strip() == "":
                        problems.append(
                            Problem(
                                file,
                                f"{col.name} is given but {other} is empty; expected {other} for every {col.name}",
                                row=number,
                                field=other,
                            )
                        )


def records(frame: pd.DataFrame) -> Iterator[Any]:
    """The rows of a table as named tuples (typed loosely: the schema, not the type checker, knows the columns)."""
    return frame.itertuples(index=False)


def _is_default(raw: str, col: Column) -> bool:
    """An empty cell, or one that only restates the default (a dwell of 0 needs no source)."""
    if raw in ("", col.default):
        return True
    if col.dtype == "float" and col.default:
        try:
            return float(raw) == float(col.default)
        except ValueError:
            return False
    return False


def rows_from_frame(frame: pd.DataFrame, schema: TableSchema) -> tuple[list[dict[str, str]], list[int]]:
    """A table built in code as raw rows for :func:`parse_rows`, after refusing columns the schema lacks."""
    extra = [c for c in frame.columns if c not in schema.names]
    if extra:
        raise DataError(
            [Problem(schema.file, f"unknown columns {extra}; expected columns from: {', '.join(schema.names)}")]
        )
    return frame_to_rows(frame)


def frame_to_rows(frame: pd.DataFrame) -> tuple[list[dict[str, str]], list[int]]:
    """Render a typed table back to raw string rows, so frames built in code get the same checks."""
    rows: list[dict[str, str]] = []
    for record in frame.to_dict(orient="records"):
        rows.append({str(k): _cell_text(v) for k, v in record.items()})
    return rows, list(range(2, len(rows) + 2))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, tuple | list | np.ndarray):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def check_refs(
    frame: pd.DataFrame,
    numbers: Sequence[int],
    schema: TableSchema,
    known: Callable[[str], Iterable[str]],
    problems: list[Problem],
) -> None:
    """Check ``ref:`` columns against the ids of other tables (``known(table)`` gives them)."""
    for col in schema.columns:
        targets = col.check_arg("ref")
        if not targets:
            continue
        tables = targets.split("|")
        ids: set[str] = set()
        for table in tables:
            ids.update(known(table))
        for value, number in zip(frame[col.name], numbers, strict=True):
            items = value if isinstance(value, tuple) else ((value,) if value else ())
            for item in items:
                if item not in ids:
                    where = " or ".join(f"{t}.csv" for t in tables)
                    problems.append(
                        Problem(
                            schema.file,
                            f"{col.name} refers to {item!r}, which is not an id in {where}",
                            row=number,
                            field=col.name,
                        )
                    )


def check_source_ids(
    frame: pd.DataFrame,
    numbers: Sequence[int],
    schema: TableSchema,
    source_ids: set[str],
    problems: list[Problem],
) -> None:
    """Check that every id in a ``source`` column is listed in sources.csv."""
    for col in schema.columns:
        if col.dtype != "source":
            continue
        for value, number in zip(frame[col.name], numbers, strict=True):
            if not value:
                continue
            ids, _ = split_source(value)
            for sid in ids:
                if sid not in source_ids:
                    problems.append(
                        Problem(
                            schema.file,
                            f"{col.name} cites {sid!r}, which is not an id in sources.csv",
                            row=number,
                            field=col.name,
                        )
                    )


@dataclass(frozen=True)
class RawTable:
    """A table read but not yet parsed: raw string rows, their spreadsheet row numbers, the name
    problems are reported under, and the problems of form found while reading."""

    rows: list[dict[str, str]]
    numbers: list[int]
    name: str
    problems: list[Problem]


def raw_table(source: Path | pd.DataFrame, table: str, *, name: str | None = None) -> RawTable:
    """A CSV file or a frame built in code as raw rows of ``table``, ready for :func:`parse_rows`.

    Raises
    ------
    DataError
        The file cannot be read as a table at all (missing, empty, not UTF-8, no usable header),
        or the frame has columns the schema lacks.
    """
    schema = schema_for(table)
    if isinstance(source, pd.DataFrame):
        rows, numbers = rows_from_frame(source, schema)
        return RawTable(rows, numbers, name or table, [])
    problems: list[Problem] = []
    read = read_csv_rows(source, schema, problems)
    if read is None:
        raise DataError(problems)
    return RawTable(read[0], read[1], name or source.name, problems)
