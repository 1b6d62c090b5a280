"""From an article to a scenario a person reviews: the YAML draft, validation that refuses it until
the open fields are settled, the command line, and the score on the development set."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import EXIT_CODES, RequestError, ScenarioError
from corridor.news import draft_scenario, draft_scenario_yaml, read_article, write_draft_scenario
from corridor.scenario import load_scenario

ARTICLE = (
    "A storm damaged two of the three single point moorings of the CPC terminal yesterday; "
    "loading continues through the third one. Repairs could take one and a half to two months."
)


def test_the_draft_validates_only_once_a_person_settles_it(tmp_path, eurasia):
    draft = draft_scenario(ARTICLE, published=dt.date(2022, 3, 23))
    path = write_draft_scenario(draft, tmp_path / "draft.yaml") or tmp_path / "draft.yaml"
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path, eurasia)
    message = str(refused.value)
    assert "needs review" in message and "review." in message  # one message per open field
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    event = data["events"][0]
    assert event["type"] == "derate" and event["target"] == "cpc_moorings"
    assert event["capacity_share"] == pytest.approx(1 / 3, abs=0.01)
    assert event["start"] == dt.date(2022, 3, 22)
    for e in data["events"]:
        e.pop("review", None)  # a person accepts what is written
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    scenario = load_scenario(path, eurasia)
    assert scenario.events[0].target == "cpc_moorings"


def test_the_yaml_names_what_the_article_left_open():
    text = draft_scenario_yaml(
        draft_scenario("Loading at the CPC terminal was halted today.", published=dt.date(2022, 3, 23))
    )
    assert "review" in text and ("end" in text or "days" in text)


def test_cli_news_draft_json_and_out(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(
        app, ["news", "draft", str(article), "--published", "2022-03-23", "--json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output  # how fast: benchmarks/bench_guards.py
    data = json.loads(result.stdout)
    assert data["language"] == "en" and data["events"][0]["asset"] == "cpc_moorings"
    assert out.is_file()
    check = CliRunner().invoke(app, ["scenario", "validate", str(out)])
    assert check.exit_code == EXIT_CODES[ScenarioError] and "needs review" in check.output


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "no such file"), (b"", "empty"), (b"caf\xe9 au lait", "not UTF-8")],
)
def test_bad_articles_are_refused_by_name(tmp_path, content, words):
    path = tmp_path / "a.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RequestError, match=words):
        read_article(path)
    result = CliRunner().invoke(app, ["news", "draft", str(path), "--published", "2022-03-23"])
    assert result.exit_code == EXIT_CODES[RequestError] and "Traceback" not in result.output


def test_a_bad_publication_date_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(app, ["news", "draft", str(path), "--published", "2022-13-45"])
    assert result.exit_code == EXIT_CODES[RequestError] and "--published" in result.output


def test_the_development_part_of_the_corpus_scores_as_logged():
    """benchmarks/news.py on the development part of the corpus (full-length real articles): at
    least 85% of required events right, at most one trap in forty hit, and the short development set
    written for the first reader still at 90%."""
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    import news

    articles = news.load_corpus("dev")
    assert len(articles) >= 50
    result = news.score(articles)
    assert result["events_right_share"] >= 0.85, [r for r in result["rows"] if r[2] != "right"]
    # at most one trap in forty hit: the part grows by held-out batches written to find the reader's errors
    assert len(result["traps_hit"]) <= max(1, result["traps"] // 40), result["traps_hit"]
    short = news.score(news.load_corpus("devset"))
    assert short["events_right_share"] >= 0.9, [r for r in short["rows"] if r[2] != "right"]
    assert short["traps_hit"] == []
