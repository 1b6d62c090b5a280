"""Cold start: ``corridor routes`` end to end against importing numpy, scipy and pandas, in one run.

Both are started as fresh processes, alternately, several times; the medians are compared.
Target: corridor within 3x of the bare imports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

BASELINE = [sys.executable, "-c", "import numpy, scipy, pandas"]


def corridor_command() -> list[str]:
    script = shutil.which("corridor", path=os.path.dirname(sys.executable))
    base = [script] if script else [sys.executable, "-m", "corridor"]
    return [*base, "routes", "Xi'an", "Duisburg"]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    cmd = corridor_command()
    timed(BASELINE)  # warm the file cache for both
    timed(cmd)
    base, ours = [], []
    for _ in range(args.runs):
        base.append(timed(BASELINE))
        ours.append(timed(cmd))
    b, o = statistics.median(base), statistics.median(ours)
    print(f"cold start: median of {args.runs} fresh processes each")
    print(f"  python -c 'import numpy, scipy, pandas'   {b:6.3f} s")
    print(f"  corridor routes Xi'an Duisburg            {o:6.3f} s")
    print(f"  ratio corridor / imports                  {o / b:6.2f}x   (target <= 3)")
    return {"over_imports": o / b}


if __name__ == "__main__":
    main()
