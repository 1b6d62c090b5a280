"""Serving several people: route requests to ``corridor serve`` one at a time, then 16 at a time.

A real server (``corridor serve --workers N`` on a free loopback port, its own results file in a
temporary folder) answers a fixed mix of route requests: first one at a time, then 16 at a time,
in the same run. Figures:

* ``throughput_16_over_1``: requests per second 16 at a time over one at a time (target >= 1.6
  on 2 cores: the CPU-bound calls no longer queue behind one process);
* ``p95_over_single``: the 95th-percentile time of a request sent 16 at a time over the median
  time of one sent alone (target <= 4).

Only loopback addresses are used, the request count is bounded and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 120.0
QUERIES = [
    {"origin": "Xi'an", "destination": "Duisburg"},
    {"origin": "Xi'an", "destination": "Duisburg", "by": "time"},
    {"origin": "tengiz", "destination": "crude_markets", "commodity": "crude_oil"},
    {"origin": "Aktau", "destination": "Duisburg"},
    {"origin": "duisburg", "destination": "xian_port", "scenario": "sanctions-ban-2022", "on": "2022-06-01"},
    {"origin": "Xi'an", "destination": "Duisburg", "scenario": "cpc-court-2022"},
    {"origin": "tengiz", "destination": "crude_markets", "commodity": "crude_oil", "scenario": "cpc-storm-2022"},
    {"origin": "Almaty", "destination": "Duisburg", "by": "generalized"},
]
"""The request mix: what an analyst's page asks for (routes alone, under a scenario, by each criterion)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _serve(port: int, workers: int, results: Path) -> subprocess.Popen[bytes]:
    script = shutil.which("corridor", path=os.path.dirname(sys.executable))
    base = [script] if script else [sys.executable, "-m", "corridor"]
    env = {**os.environ, "CORRIDOR_RESULTS": str(results)}
    cmd = [*base, "serve", "--host", HOST, "--port", str(port)]
    if workers > 1:  # one worker is the default (and all a corridor before --workers can do)
        cmd += ["--workers", str(workers)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _get(conn: http.client.HTTPConnection, path: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:200]!r}")
    return time.perf_counter() - start


def _wait_until_up(port: int) -> None:
    deadline = time.perf_counter() + START_TIMEOUT_S
    while time.perf_counter() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            _get(conn, "/api/health")
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT_S:.0f} s")


def _paths(count: int) -> list[str]:
    return [f"/api/routes?{urlencode(QUERIES[i % len(QUERIES)])}" for i in range(count)]


def _one_at_a_time(port: int, paths: list[str]) -> tuple[list[float], float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    start = time.perf_counter()
    times = [_get(conn, p) for p in paths]
    elapsed = time.perf_counter() - start
    conn.close()
    return times, elapsed


def _at_once(port: int, paths: list[str], clients: int) -> tuple[list[float], float]:
    """Each of ``clients`` threads keeps one connection open, as a browser does, and sends its share."""
    local = threading.local()

    def one(path: str) -> float:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
            opened.append(local.conn)
        return _get(local.conn, path)

    opened: list[http.client.HTTPConnection] = []
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        times = list(pool.map(one, paths))
    elapsed = time.perf_counter() - start
    for conn in opened:
        conn.close()
    return times, elapsed


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def measure(workers: int, single: int, requests: int, clients: int, rounds: int) -> dict[str, float]:
    """Start a server with ``workers`` processes and time the two phases on it, alternately
    ``rounds`` times (the machine is shared: each figure is the median over the rounds)."""
    found: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        server = _serve(port, workers, Path(tmp) / "results.sqlite")
        try:
            _wait_until_up(port)
            _at_once(port, _paths(4 * workers * len(QUERIES)), clients)  # every worker loads the network
            for _ in range(rounds):
                alone, alone_s = _one_at_a_time(port, _paths(single))
                busy, busy_s = _at_once(port, _paths(requests), clients)
                rate_1, rate_n = single / alone_s, requests / busy_s
                found.append({
                    "single_median_s": statistics.median(alone), "rate_1_per_s": rate_1, "rate_n_per_s": rate_n,
                    "p50_n_s": statistics.median(busy), "p95_n_s": _p95(busy),
                    "throughput_16_over_1": rate_n / rate_1, "p95_over_single": _p95(busy) / statistics.median(alone),
                })  # fmt: skip
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=20)
    return {key: statistics.median(r[key] for r in found) for key in found[0]}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="server processes (default: cores)")
    parser.add_argument("--single", type=int, default=40, help="requests sent one at a time, each round")
    parser.add_argument("--requests", type=int, default=200, help="requests sent 16 at a time, each round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both phases; medians are reported")
    parser.add_argument("--baseline", action="store_true", help="also measure a single-process server, for comparison")
    args = parser.parse_args(argv)
    clients = 16
    runs = [1, args.workers] if args.baseline and args.workers != 1 else [args.workers]
    found = {w: measure(w, args.single, args.requests, clients, args.rounds) for w in runs}
    print(
        f"web: route requests to one server, {args.single} one at a time then {args.requests} {clients} at a time,"
        f" {args.rounds} rounds (medians)"
    )
    for w, f in found.items():
        print(
            f"  {w} worker(s): alone median {f['single_median_s'] * 1000:6.1f} ms, {f['rate_1_per_s']:5.1f}/s;"
            f" {clients} at a time {f['rate_n_per_s']:5.1f}/s, p50 {f['p50_n_s'] * 1000:6.1f} ms,"
            f" p95 {f['p95_n_s'] * 1000:6.1f} ms"
        )
        print(
            f"    throughput {clients} over 1 {f['throughput_16_over_1']:5.2f}x (target >= 1.6),"
            f" p95 over single {f['p95_over_single']:5.2f}x (target <= 4)"
        )
    chosen = found[args.workers]
    out = {k: chosen[k] for k in ("throughput_16_over_1", "p95_over_single", "single_median_s", "p95_n_s")}
    out["workers"] = args.workers
    if 1 in found and args.workers != 1:
        out |= {f"one_process_{k}": found[1][k] for k in ("throughput_16_over_1", "p95_over_single")}
    return out


if __name__ == "__main__":
    main()
