"""The SQLite results store: round trips, versions, and a writer killed in the middle of a run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from corridor.store import SCHEMA_VERSION, StoreError, list_runs, load_run, save_run


def test_round_trip(tmp_path):
    path = tmp_path / "r.sqlite"
    flows = pd.DataFrame({"link": ["ab", "bc"], "flow_per_year": [1.5, 2.0]})
    run = save_run(path, kind="assign", network="tiny", summary={"status": "optimal", "total": 3.5},
                   tables=[("flows", flows)], scenario="s", demand="d.csv")  # fmt: skip
    assert run == 1
    runs = list_runs(path)
    assert list(runs["id"]) == [1] and runs.loc[0, "kind"] == "assign"
    back = load_run(path, 1)
    assert back["summary"] == {"status": "optimal", "total": 3.5}
    pd.testing.assert_frame_equal(back["tables"]["flows"], flows)


def test_unknown_run_and_missing_file(tmp_path):
    path = tmp_path / "r.sqlite"
    save_run(path, kind="assign", network="tiny", summary={})
    with pytest.raises(StoreError, match=r"no run 7 in .*; runs there: \[1\]"):
        load_run(path, 7)
    with pytest.raises(Exception, match="no results file here"):
        load_run(tmp_path / "nope.sqlite", 1)


def test_other_schema_version_is_refused(tmp_path):
    path = tmp_path / "r.sqlite"
    save_run(path, kind="assign", network="tiny", summary={})
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(
        StoreError, match=f"has results schema version 99; this corridor reads version {SCHEMA_VERSION}"
    ):
        list_runs(path)


def test_not_a_store(tmp_path):
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="is not a corridor results file"):
        list_runs(path)


@pytest.mark.slow
def test_writer_killed_midway_leaves_no_partial_run(tmp_path):
    """A process writing a run with many tables is killed after some of them: nothing of it remains."""
    path = tmp_path / "r.sqlite"
    save_run(path, kind="assign", network="tiny", summary={"n": 1}, tables=[("flows", pd.DataFrame({"a": [1]}))])
    marker = tmp_path / "started"
    script = textwrap.dedent(
        f"""
        import time, pathlib
        import pandas as pd
        from corridor.store import save_run

        def tables():
            for i in range(1000):
                if i == 3:
                    pathlib.Path({str(marker)!r}).touch()
                time.sleep(0.05)
                yield f"t{{i}}", pd.DataFrame({{"x": range(100)}})

        save_run({str(path)!r}, kind="impact", network="tiny", summary={{"n": 2}}, tables=tables())
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    for _ in range(3000):  # wait for the writer to be inside its transaction (a minute at most)
        if marker.exists():
            break
        assert proc.poll() is None, "the writer ended before it was killed"
        time.sleep(0.02)
    else:
        proc.kill()
        pytest.fail("the writer never reached its third table")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    runs = list_runs(path)
    assert list(runs["id"]) == [1]
    assert load_run(path, 1)["summary"] == {"n": 1}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM run_tables WHERE run_id <> 1").fetchone()[0] == 0
    # and the file takes new runs
    assert save_run(path, kind="assign", network="tiny", summary={}) == 2


def test_a_file_from_before_the_mark_is_still_ours(tmp_path):
    """A results file written before files carried an application_id (schema 1, no mark) opens,
    gets the mark, and opens again."""
    import sqlite3

    from corridor.store import APPLICATION_ID, list_runs, save_scenario, saved_scenarios

    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as conn:
        conn.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('schema_version', '1');"
            "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, scenario TEXT,"
            " scenario_yaml TEXT, network TEXT NOT NULL, demand TEXT, created TEXT NOT NULL, status TEXT NOT NULL,"
            " summary TEXT NOT NULL);"
            "CREATE TABLE run_tables (run_id INTEGER NOT NULL, name TEXT NOT NULL, rows TEXT NOT NULL,"
            " PRIMARY KEY (run_id, name));"
        )
    assert list_runs(db).empty
    save_scenario(db, "mine", "name: mine\nevents: []\n")
    assert saved_scenarios(db) == {"mine": "name: mine\nevents: []\n"}
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
