"""The results store: scenarios, runs and their tables in one SQLite file.

Every run is written in a single transaction: a run killed midway leaves the file readable and
without any part of that run. The file carries a schema version; a file of another version is
refused with a clear error rather than misread.

Where the file lives is a setting (:class:`corridor.settings.Settings`), never a global.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.errors import DataError, Problem, StoreError
from corridor.records import json_records

__all__ = [
    "APPLICATION_ID",
    "NEWS_SCHEMA",
    "SCHEMA_VERSION",
    "connect",
    "list_runs",
    "load_run",
    "save_run",
    "save_scenario",
    "saved_scenarios",
    "write_atomically",
]

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    scenario TEXT,
    scenario_yaml TEXT,
    network TEXT NOT NULL,
    demand TEXT,
    created TEXT NOT NULL,
    status TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenarios (
    name TEXT PRIMARY KEY,
    yaml TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_tables (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    rows TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
);
"""
NEWS_SCHEMA = """
CREATE TABLE IF NOT EXISTS news_articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text_hash TEXT NOT NULL,
    source TEXT NOT NULL,
    origin TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT,
    dated_by TEXT NOT NULL,
    language TEXT,
    state TEXT NOT NULL,
    duplicate_of INTEGER REFERENCES news_articles(id),
    minhash BLOB,
    text TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS news_articles_hash ON news_articles (text_hash);
CREATE TABLE IF NOT EXISTS news_incidents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asset TEXT NOT NULL,
    action_class TEXT NOT NULL,
    opened TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS news_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES news_articles(id) ON DELETE CASCADE,
    incident_id INTEGER REFERENCES news_incidents(id),
    event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS news_events_incident ON news_events (incident_id);
"""
"""The news monitor's tables (articles with their text hash and MinHash signature, incidents,
and each article's events with the incident they were merged into); added to any results file
of this schema version when it is opened, so older files gain them without a new version."""
_NEWS_TABLES = {"news_articles", "news_incidents", "news_events"}


APPLICATION_ID = 0x636F7272
"""The SQLite ``application_id`` a corridor results file carries ("corr")."""


def _check_own(path: Path) -> bool:
    """Whether ``path`` is a corridor results file (True), new or empty (False); refuse any other
    SQLite file, or any other file, without writing a byte to it."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as conn:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path} is not a corridor results file ({err}); expected an SQLite file it made") from err
    if app_id == APPLICATION_ID:
        return True
    if (
        app_id == 0
        and tables
        and tables <= {"meta", "runs", "run_tables", "scenarios", "sqlite_sequence", *_NEWS_TABLES}
    ):
        return True  # made by corridor before files were marked
    if app_id == 0 and not tables:
        return False
    raise StoreError(
        f"{path} is an SQLite file of another application (application_id {app_id}, tables "
        f"{', '.join(sorted(tables)) or 'none'}); expected a corridor results file. Nothing was written to it; "
        "choose another file with --results"
    )


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    own = _check_own(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=30)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        found = None
        if own:
            try:
                found = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            except sqlite3.DatabaseError as err:
                raise StoreError(f"{path} is not a corridor results file ({err})") from err
        if found is None:
            with conn:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.executescript(_SCHEMA)
                conn.executescript(NEWS_SCHEMA)
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(found[0]) == SCHEMA_VERSION:
            with conn:  # files made before files were marked, or scenarios kept, are brought up to date
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS scenarios (name TEXT PRIMARY KEY, yaml TEXT NOT NULL, created TEXT NOT NULL)"
                )
                conn.executescript(NEWS_SCHEMA)
        elif int(found[0]) != SCHEMA_VERSION:
            raise StoreError(
                f"{path} has results schema version {found[0]}; this corridor reads version {SCHEMA_VERSION}. "
                "Use another file (--results) or move this one aside"
            )
        yield conn


@contextmanager
def connect(path: str | Path) -> Iterator[sqlite3.Connection]:
    """An open connection to a results file (made and brought up to date if needed), closed after.

    For the news monitor's own queries; each ``with conn:`` block inside is one transaction.
    """
    with _connect(Path(path)) as conn:
        yield conn


def save_run(
    path: str | Path,
    *,
    kind: str,
    network: str,
    summary: dict[str, Any],
    tables: Iterable[tuple[str, pd.DataFrame]] = (),
    scenario: str | None = None,
    scenario_yaml: str | None = None,
    demand: str | None = None,
    status: str = "optimal",
) -> int:
    """Write one run and its tables in a single transaction; return its id."""
    with _connect(Path(path)) as conn, conn:
        cur = conn.execute(
            "INSERT INTO runs (kind, scenario, scenario_yaml, network, demand, created, status, summary) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind,
                scenario,
                scenario_yaml,
                network,
                demand,
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                status,
                json.dumps(summary, default=_plain),
            ),
        )
        run_id = int(cur.lastrowid or 0)
        for name, frame in tables:
            conn.execute(
                "INSERT INTO run_tables (run_id, name, rows) VALUES (?, ?, ?)",
                (run_id, name, json.dumps(json_records(frame), ensure_ascii=False, allow_nan=False)),
            )
    return run_id


def save_scenario(path: str | Path, name: str, yaml_text: str) -> None:
    """Keep a scenario's YAML under its name (replacing one of the same name), in one transaction."""
    with _connect(Path(path)) as conn, conn:
        conn.execute(
            "INSERT OR REPLACE INTO scenarios (name, yaml, created) VALUES (?, ?, ?)",
            (name, yaml_text, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        )


def saved_scenarios(path: str | Path) -> dict[str, str]:
    """Scenarios kept in the file: name -> YAML."""
    file = Path(path)
    if not file.exists():
        return {}
    with _connect(file) as conn:
        return {str(n): str(y) for n, y in conn.execute("SELECT name, yaml FROM scenarios ORDER BY name")}


def list_runs(path: str | Path) -> pd.DataFrame:
    """Every run in the file: id, kind, scenario, network, demand, created, status."""
    file = Path(path)
    if not file.exists():
        return pd.DataFrame(columns=["id", "kind", "scenario", "network", "demand", "created", "status"])
    with _connect(file) as conn:
        return pd.read_sql_query(
            "SELECT id, kind, scenario, network, demand, created, status FROM runs ORDER BY id", conn
        )


def load_run(path: str | Path, run_id: int) -> dict[str, Any]:
    """One run: its fields, its summary and its tables (as DataFrames)."""
    file = Path(path)
    if not file.exists():
        raise DataError([Problem(str(file), "no results file here; run 'corridor assign' or 'corridor impact' first")])
    with _connect(file) as conn:
        row = conn.execute(
            "SELECT id, kind, scenario, scenario_yaml, network, demand, created, status, summary FROM runs WHERE id = ?",
            (run_id,),
        ).fetchone()
        if row is None:
            known = [r[0] for r in conn.execute("SELECT id FROM runs ORDER BY id")]
            raise StoreError(f"no run {run_id} in {file}; runs there: {known or 'none'}")
        tables = {
            name: pd.read_json(_io(rows), orient="records")
            for name, rows in conn.execute("SELECT name, rows FROM run_tables WHERE run_id = ?", (run_id,))
        }
    keys = ["id", "kind", "scenario", "scenario_yaml", "network", "demand", "created", "status"]
    out = dict(zip(keys, row[:-1], strict=True))
    out["summary"] = json.loads(row[-1])
    out["tables"] = tables
    return out


def _io(text: str) -> Any:
    import io

    return io.StringIO(text)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def write_atomically(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Write a file through a temporary file beside it, moved into place only once complete.

    ``write(tmp)`` writes the whole file to ``tmp``; if it fails, the target is left as it was
    (absent or the previous version) and the temporary file is removed. The one writer of files
    for the whole package (tables, figures, drafts).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_atomically(folder / "a.txt", lambda tmp: tmp.write_text("done")).read_text()
    'done'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(suffix=target.suffix, prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
