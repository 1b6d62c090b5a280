"""Bad input: one clear line naming the file, field and value, a non-zero exit, no traceback,
and nothing lost (issue "Answers you can trust", point 7)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import EXIT_CODES, ClusterError, RequestError, ScenarioError, StoreError

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def refused(result, code: int, *words: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


def scenario(tmp_path, text: str | bytes, name: str = "s.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


HEAD = "name: s\nhorizon: {start: 2022-01-01, end: 2022-12-31}\nevents:\n"


def test_a_scenario_that_is_not_utf8(tmp_path):
    path = scenario(tmp_path, b"name: caf\xe9\nevents: []\n")
    refused(run("scenario", "validate", path), EXIT_CODES[ScenarioError], "s.yaml", "not UTF-8", "0xe9")


def test_an_impossible_date_names_the_line_and_field(tmp_path):
    path = scenario(tmp_path, HEAD + "  - {type: close, target: cpc, start: 2022-13-45}\n")
    refused(run("scenario", "validate", path), EXIT_CODES[ScenarioError], "line 4", "events.0.start", "2022-13-45")


def test_extends_cycles_and_depth(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(f"name: a\nextends: {b}\nevents: []\n", encoding="utf-8")
    b.write_text(f"name: b\nextends: {a}\nevents: []\n", encoding="utf-8")
    refused(run("scenario", "validate", str(a)), EXIT_CODES[ScenarioError], "extends itself", "a -> b -> a")
    for i in range(60):
        parent = f"extends: {tmp_path / f'd{i + 1}.yaml'}\n" if i < 59 else ""
        (tmp_path / f"d{i}.yaml").write_text(f"name: d{i}\n{parent}events: []\n", encoding="utf-8")
    refused(run("scenario", "validate", str(tmp_path / "d0.yaml")), EXIT_CODES[ScenarioError], "more than 32")


def test_a_yaml_alias_bomb_stops_at_once(tmp_path):
    text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    previous = "a"
    for name in "bcdefghijklmnop":
        text += f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
        previous = name
    path = scenario(tmp_path, text + f"name: bomb\nevents: []\nx: *{previous}\n")
    refused(
        run("scenario", "validate", path), EXIT_CODES[ScenarioError], "aliases"
    )  # how fast: benchmarks/bench_guards.py


@pytest.mark.parametrize(
    ("event", "field", "value"),
    [
        ("{type: close, target: cpc, start: 2022-01-05, days: 1e10}", "events.0.days", "1e10"),
        ("{type: multiply_tariff, factor: .inf, countries: [KZ]}", "events.0.factor", "inf"),
        ("{type: multiply_tariff, factor: 1e308, countries: [KZ]}", "events.0.factor", "1e308"),
        ("{type: derate, target: cpc, capacity_share: .nan}", "events.0.capacity_share", "nan"),
    ],
)
def test_numbers_are_finite_and_in_range_at_the_door(tmp_path, event, field, value):
    path = scenario(tmp_path, HEAD + f"  - {event}\n")
    refused(run("scenario", "validate", path), EXIT_CODES[ScenarioError], field, value)
    refused(run("assign", "--scenario", path, "--json", "--no-save"), EXIT_CODES[ScenarioError], field)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["risk", "--years", "10", "--seed", "-1", "--no-save"], ["seed", "-1"]),
        (["risk", "--years", "10", "--seed", "1", "--workers", "0", "--no-save"], ["workers", "0"]),
        (["criticality", "--top", "-1", "--no-save"], ["--top", "-1"]),
        (["criticality", "--top", "0", "--no-save"], ["--top", "0"]),
        (["risk", "--years", str(10**12), "--seed", "1", "--no-save"], ["--years"]),
        (["routes", "Xi'an", "Duisburg", "-k", str(10**9)], ["k is"]),
        (["routes", "Xi'an", "Duisburg", "--map", "out.jpg"], ["out.jpg", ".png"]),
        (["routes", "Xi'an", "Duisburg", "--scenario", "sanctions-2022", "--on", "2021-01-01"], ["--on", "2021-01-01"]),
        (["routes", "Xi'an", "Duisburg", "--on", "2022-05-32"], ["--on", "2022-05-32"]),
        (["impact", "/etc/passwd", "--no-save"], ["passwd"]),
    ],
)
def test_bad_options_are_refused(args, words):
    result = run(*args)
    assert result.exit_code in (EXIT_CODES[RequestError], EXIT_CODES[ScenarioError]), result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path):
    foreign = tmp_path / "other-app.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    before = foreign.read_bytes()
    refused(run("results", "list", "--results", str(foreign)), EXIT_CODES[StoreError], "another application")
    refused(run("assign", "--results", str(foreign)), EXIT_CODES[StoreError], "Nothing was written")
    assert foreign.read_bytes() == before
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database", encoding="utf-8")
    refused(run("results", "list", "--results", str(text)), EXIT_CODES[StoreError], "not a corridor results file")
    assert text.read_text(encoding="utf-8") == "not a database"


def test_the_store_marks_its_own_file(tmp_path):
    from corridor.store import APPLICATION_ID

    db = tmp_path / "runs.sqlite"
    assert run("assign", "--results", str(db)).exit_code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert run("results", "list", "--results", str(db), "--json").exit_code == 0


def test_an_unreachable_scheduler_is_named_within_seconds():
    result = run("risk", "--years", "5000", "--seed", "1", "--executor", "dask", "--scheduler",
                 "tcp://127.0.0.1:9", "--no-save")  # fmt: skip
    refused(result, EXIT_CODES[ClusterError], "tcp://127.0.0.1:9")  # how fast: benchmarks/bench_guards.py


def test_json_output_is_strict(tmp_path):
    data = run("assign", "--scenario", "cpc-court-2022", "--json", "--no-save").output
    json.loads(data, parse_constant=lambda c: pytest.fail(f"JSON holds {c}"))


def test_debug_shows_the_traceback():
    plain = run("routes", "Atkau", "Duisburg")
    debug = run("--debug", "routes", "Atkau", "Duisburg")
    assert plain.exit_code == debug.exit_code == 4
    assert "Traceback" not in plain.output and "Traceback" in debug.output
