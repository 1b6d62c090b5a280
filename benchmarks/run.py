"""Run every benchmark in turn (``make bench``). Each prints ratios measured in the same run."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_assignment
import bench_cold_start
import bench_criticality
import bench_routing


def main() -> None:
    bench_routing.main([])
    print()
    bench_cold_start.main([])
    print()
    bench_assignment.main([])
    print()
    bench_criticality.main([])


if __name__ == "__main__":
    main()
