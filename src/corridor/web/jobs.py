"""Long runs (an impact) in a background thread, with progress a page can poll by job id.

Jobs are kept in a small SQLite file beside the results store (``results.jobs.sqlite`` for
``results.sqlite``), so that a server running several worker processes answers a poll from any
of them: the process that started a job runs it and writes its state there.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = ["JOB_ID", "Job", "Jobs", "jobs_path"]

logger = logging.getLogger(__name__)

MAX_JOBS = 50
"""Jobs kept; the oldest finished ones are forgotten first."""
JOB_ID = r"^[0-9a-f]{12}$"
"""What a job id looks like."""
PROGRESS_STEP = 0.01
"""Progress is written when it has moved by at least this share (a poll needs no finer grain)."""

State = Literal["queued", "running", "done", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    progress REAL NOT NULL,
    result TEXT,
    error TEXT,
    started REAL NOT NULL
);
"""


def jobs_path(results_path: Path) -> Path:
    """Where the jobs of a server using ``results_path`` are kept."""
    return results_path.with_name(results_path.stem + ".jobs.sqlite")


@dataclass(frozen=True)
class Job:
    """One run: its state (queued, running, done, failed), progress 0..1, result or error."""

    id: str
    kind: str
    state: State
    progress: float
    result: Any
    error: str | None
    started: float

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "progress": round(self.progress, 3),
            "error": self.error,
            "result": self.result if self.state == "done" else None,
        }


class Jobs:
    """Run work in threads, one job at a time per process (the LP solver is the bottleneck),
    with every job's state in a SQLite file that all the server's processes read."""

    def __init__(self, results_path: Path) -> None:
        self.path = jobs_path(results_path)
        self._run_lock = threading.Lock()
        self._ready = False

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30)) as conn, conn:
            if not self._ready:
                conn.executescript(_SCHEMA)
                self._ready = True
            yield conn

    def _update(self, job_id: str, **fields: Any) -> None:
        names = ", ".join(f"{name} = ?" for name in fields)
        with self._db() as conn:
            conn.execute(f"UPDATE jobs SET {names} WHERE id = ?", (*fields.values(), job_id))

    def start(self, kind: str, work: Callable[[Callable[[float], None]], Any]) -> Job:
        """Run ``work(report)`` in a thread; ``report(share)`` records its progress."""
        job_id = uuid.uuid4().hex[:12]
        with self._db() as conn:
            conn.execute(
                "INSERT INTO jobs (id, kind, state, progress, started) VALUES (?, ?, 'queued', 0, ?)",
                (job_id, kind, time.time()),
            )
            conn.execute(
                "DELETE FROM jobs WHERE state IN ('done', 'failed') AND id NOT IN "
                "(SELECT id FROM jobs ORDER BY started DESC LIMIT ?)",
                (MAX_JOBS,),
            )
        written = [0.0]

        def report(share: float) -> None:
            share = max(0.0, min(1.0, share))
            if share - written[0] >= PROGRESS_STEP:
                written[0] = share
                self._update(job_id, progress=share)

        def run() -> None:
            with self._run_lock:
                self._update(job_id, state="running")
                try:
                    result = work(report)
                except Exception as err:
                    logger.exception("job %s (%s) failed", job_id, kind)
                    self._update(job_id, state="failed", error=f"{type(err).__name__}: {err}")
                    return
                self._update(job_id, state="done", progress=1.0, result=json.dumps(result, allow_nan=False))

        threading.Thread(target=run, daemon=True, name=f"corridor-job-{job_id}").start()
        found = self.get(job_id)
        assert found is not None
        return found

    def get(self, job_id: str) -> Job | None:
        """The job of that id, or None when there is none (or it was forgotten)."""
        with self._db() as conn:
            row = conn.execute(
                "SELECT id, kind, state, progress, result, error, started FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
        if row is None:
            return None
        ident, kind, state, progress, result, error, started = row
        return Job(ident, kind, state, float(progress), None if result is None else json.loads(result), error, started)
