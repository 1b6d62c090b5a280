"""One typed settings object, read from the environment once and passed in; never a global."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings"]

ENV_RESULTS = "CORRIDOR_RESULTS"


@dataclass(frozen=True)
class Settings:
    """Where corridor keeps what it writes.

    ``results_path``: the SQLite results file; ``$CORRIDOR_RESULTS`` if set, else
    ``$XDG_DATA_HOME/corridor/results.sqlite`` (``~/.local/share/corridor/results.sqlite``).
    """

    results_path: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        if env.get(ENV_RESULTS):
            return cls(results_path=Path(env[ENV_RESULTS]).expanduser())
        base = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        return cls(results_path=base / "corridor" / "results.sqlite")
