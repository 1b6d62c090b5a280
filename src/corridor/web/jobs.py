"""Long runs (an impact) in a background thread, with progress a page can poll by job id."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Job", "Jobs"]

MAX_JOBS = 50
"""Jobs kept in memory; the oldest finished ones are forgotten first."""


@dataclass
class Job:
    """One run: its state (queued, running, done, failed), progress 0..1, result or error."""

    id: str
    kind: str
    state: str = "queued"
    progress: float = 0.0
    result: Any = None
    error: str | None = None
    started: float = field(default_factory=time.time)

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
    """Run work in threads, one job at a time per server (the LP solver is the bottleneck)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()

    def start(self, kind: str, work: Callable[[Callable[[float], None]], Any]) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], kind=kind)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_JOBS:
                oldest = next((j for j in self._jobs.values() if j.state in ("done", "failed")), None)
                if oldest is None:
                    break
                del self._jobs[oldest.id]

        def report(share: float) -> None:
            job.progress = max(0.0, min(1.0, share))

        def run() -> None:
            with self._run_lock:
                job.state = "running"
                try:
                    job.result = work(report)
                    job.progress = 1.0
                    job.state = "done"
                except Exception as err:
                    job.error = f"{type(err).__name__}: {err}"
                    job.state = "failed"

        threading.Thread(target=run, daemon=True, name=f"corridor-job-{job.id}").start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)
