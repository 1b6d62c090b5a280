"""Run every benchmark in turn (``make bench``). Each prints ratios measured in the same run."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_assignment
import bench_cold_start
import bench_criticality
import bench_guards
import bench_routing


def main() -> None:
    quick = "--quick" in sys.argv[1:]  # a 4,000-node assignment case instead of the 10,000-node one
    bench_routing.main([])
    print()
    bench_cold_start.main([])
    print()
    bench_assignment.main(["--nodes", "4000", "--commodities", "40"] if quick else [])
    print()
    bench_criticality.main([])
    print()
    bench_guards.main(["--runs", "1"] if quick else [])


if __name__ == "__main__":
    main()
