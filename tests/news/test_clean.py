"""Reading an article as it comes: page furniture, a paragraph printed twice, an end cut off,
YAML front matter, HTML pages, and the inputs that are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import EXIT_CODES, RequestError
from corridor.news import clean_text, draft_scenario, load_article, parse_article

PAGE = """Главная  |  Новости  |  Экономика
72.ру  Тюмень  +18
КТК остановил перевалку нефти из-за непогоды
30 декабря 2025, 11:40   Текст: редакция

Каспийский трубопроводный консорциум 29 декабря прекратил перевалку нефти на морском терминале.

В компании напомнили, что ВПУ-2 было повреждено атакой в ноябре.

В компании напомнили, что ВПУ-2 было повреждено атакой в ноябре.

Ремонт на третьем причале затягивается из-за зимних штормов. Ранее в декабре непогода уже срывала работы на ВПУ-3 в Новоросси
Фото: пресс-служба КТК
Читайте также:  В Тюмени открылся новый каток — 12.12.2025
Подписывайтесь на наш канал в Дзене
"""


def test_furniture_lines_go_and_the_headline_stays():
    text = clean_text(PAGE)
    assert "Главная" not in text and "Фото" not in text and "Читайте" not in text and "Подписывайтесь" not in text
    assert "12.12.2025" not in text  # another story's date in a 'read also' line
    assert text.startswith("КТК остановил перевалку нефти из-за непогоды")


def test_a_paragraph_printed_twice_is_kept_once():
    assert clean_text(PAGE).count("ВПУ-2 было повреждено") == 1


def test_a_sentence_cut_off_mid_word_is_dropped_and_the_finished_ones_kept():
    text = clean_text(PAGE)
    assert text.endswith("из-за зимних штормов.") and "Новоросси" not in text


def test_every_quote_of_a_cleaned_article_is_in_the_article_as_given():
    draft = draft_scenario(PAGE, published=dt.date(2025, 12, 30))
    assert draft.events
    for e in draft.events:
        for field, (a, b) in e.spans.items():
            assert draft.text[a:b] == e.evidence[field] and e.evidence[field] in PAGE


def test_furniture_dates_do_not_become_events():
    """The 'read also' line's date (12.12.2025) and the byline's (30 December) date nothing."""
    draft = draft_scenario(PAGE, published=dt.date(2025, 12, 30))
    assert {e.start for e in draft.events} <= {dt.date(2025, 12, 29), None}


def test_front_matter_gives_the_date_and_source():
    a = parse_article(
        "---\npublished: 2023-11-30\nsource: https://example.org/cpc\ntitle: CPC\n---\nCPC resumed loading."
    )
    assert (a.published, a.source, a.title, a.kind) == (
        dt.date(2023, 11, 30),
        "https://example.org/cpc",
        "CPC",
        "front-matter",
    )
    assert a.text == "CPC resumed loading."


def test_front_matter_with_a_bad_date_is_refused_by_name():
    with pytest.raises(RequestError, match=r"published.*YYYY-MM-DD"):
        parse_article("---\npublished: yesterday\n---\nCPC resumed loading.", name="a.md")


HTML = """<!DOCTYPE html><html><head><title>CPC resumes loading</title>
<meta property="article:published_time" content="2023-11-30T17:15:00+03:00"></head>
<body><nav><a href="/">Home</a> <a href="/oil">Oil</a> <a href="/gas">Gas</a></nav>
<article><h1>CPC resumes oil shipments after bad weather</h1>
<p>The Caspian Pipeline Consortium on Thursday resumed oil loadings at its marine terminal near
Novorossiysk, which bad weather had brought to a standstill, the consortium said in a statement.</p>
<p>Loading is now going on as normal through two of its three single point moorings, the company
said, while the third mooring was taken out of service after its hoses were found damaged.</p>
<p>The terminal had stopped loading on Monday when the harbour master declared a storm warning,
with winds of up to 24 metres per second and waves of six to eight metres.</p></article>
<footer>Subscribe to our newsletter. Share on social media. Related: Oil prices steady (Nov 28)</footer>
</body></html>"""


def test_an_html_page_is_read_through_its_article(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    article = load_article(page)
    assert article.kind == "html" and "Home" not in article.text and "Subscribe" not in article.text
    assert article.published == dt.date(2023, 11, 30)
    result = CliRunner().invoke(app, ["news", "draft", str(page), "--json"])
    assert result.exit_code == 0, result.output
    assert '"reopen"' in result.stdout and '"published": "2023-11-30"' in result.stdout


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"<html><body><nav><a href='/'>Home</a> <a href='/x'>News</a></nav></body></html>", "no article text"),
        (b"---\npublished: 2023-11-30\n---\n", "no article text"),
    ],
)
def test_bad_inputs_are_refused_cleanly(tmp_path, content, words):
    path = tmp_path / "a.txt"
    path.write_bytes(content)
    with pytest.raises(RequestError, match=words):
        load_article(path)
    result = CliRunner().invoke(app, ["news", "draft", str(path), "--published", "2023-11-30"])
    assert result.exit_code == EXIT_CODES[RequestError] and "Traceback" not in result.output


def test_an_article_over_two_megabytes_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"CPC resumed loading. " * 100_000)
    result = CliRunner().invoke(app, ["news", "draft", str(path), "--published", "2023-11-30"])
    assert result.exit_code == EXIT_CODES[RequestError] and "at most 2,000,000 bytes" in result.output


def test_a_text_without_a_date_asks_for_one(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("CPC resumed loading at its marine terminal today.", encoding="utf-8")
    result = CliRunner().invoke(app, ["news", "draft", str(path)])
    assert result.exit_code == EXIT_CODES[RequestError] and "--published" in result.output
