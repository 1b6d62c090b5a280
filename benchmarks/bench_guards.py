"""Guards that must answer fast: the YAML alias bomb, an unreachable Dask scheduler, a news draft.

Each is a fresh ``corridor`` process timed against a baseline process run alternately in the same
run, and reported as a ratio (medians):

* alias bomb: ``scenario validate`` of a file with billions of aliased items against validating a
  one-event scenario (target <= 1.5: refused before any expansion);
* unreachable scheduler: ``risk --scheduler tcp://127.0.0.1:9`` against the same command's start-up
  (``scenario list``) plus the promised scheduler timeout (target <= 1.5: importing Dask itself takes a second or two);
* news draft: ``news draft`` of a two-sentence article against validating a one-event scenario
  (target <= 3: the Russian and English readers load lazily).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_cold_start import corridor_command

ARTICLE = (
    "A storm damaged two of the three single point moorings of the CPC terminal yesterday; "
    "loading continues through the third one. Repairs could take one and a half to two months."
)


def corridor(*args: str) -> list[str]:
    return [*corridor_command()[:-3], *args]


def timed_any(cmd: list[str]) -> float:
    """Seconds a process takes, whatever its exit code (the guards refuse on purpose)."""
    start = time.perf_counter()
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def alias_bomb(folder: Path) -> Path:
    text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    previous = "a"
    for name in "bcdefghijklmnop":
        text += f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
        previous = name
    path = folder / "bomb.yaml"
    path.write_text(text + f"name: bomb\nevents: []\nx: *{previous}\n", encoding="utf-8")
    return path


def medians(pairs: list[tuple[list[str], list[str]]], runs: int) -> list[tuple[float, float]]:
    out = []
    for ours, base in pairs:
        timed_any(ours), timed_any(base)  # warm the file cache
        o, b = [], []
        for _ in range(runs):
            b.append(timed_any(base))
            o.append(timed_any(ours))
        out.append((statistics.median(o), statistics.median(b)))
    return out


def main(argv: list[str] | None = None) -> dict:
    from corridor.sweep.executors import SCHEDULER_TIMEOUT_S

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = folder / "small.yaml"
        small.write_text("name: small\nevents: [{type: close, target: cpc, days: 3, source: S1}]\n", encoding="utf-8")
        article = folder / "article.txt"
        article.write_text(ARTICLE, encoding="utf-8")
        validate_small = corridor("scenario", "validate", str(small))
        unreachable = ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "--no-save"]
        startup_then_wait = (
            f"import time, subprocess; subprocess.run({corridor('scenario', 'list')!r}, capture_output=True); "
            f"time.sleep({SCHEDULER_TIMEOUT_S})"
        )
        pairs = [
            (corridor("scenario", "validate", str(alias_bomb(folder))), validate_small),
            (
                corridor("risk", "--years", "5000", "--seed", "1", *unreachable),
                [sys.executable, "-c", startup_then_wait],
            ),
            (corridor("news", "draft", str(article), "--published", "2022-03-23", "--json"), validate_small),
        ]
        (bomb, base_b), (sched, base_s), (news, base_n) = medians(pairs, args.runs)
    print(f"guards: median of {args.runs} fresh processes each")
    print(
        f"  alias bomb refused {bomb:6.3f} s, one-event validate {base_b:6.3f} s: ratio {bomb / base_b:5.2f}x   (target <= 1.5)"
    )
    print(f"  unreachable scheduler {sched:6.3f} s, start-up + {SCHEDULER_TIMEOUT_S} s timeout {base_s:6.3f} s: "
          f"ratio {sched / base_s:5.2f}x   (target <= 1.5)")  # fmt: skip
    print(
        f"  news draft {news:6.3f} s, one-event validate {base_n:6.3f} s: ratio {news / base_n:5.2f}x   (target <= 3)"
    )
    return {
        "alias_bomb_over_validate": bomb / base_b,
        "scheduler_over_timeout": sched / base_s,
        "news_over_validate": news / base_n,
    }


if __name__ == "__main__":
    main()
