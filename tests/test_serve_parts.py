"""The parts of `jcrawl serve` and `jcrawl report` a browser does not show one by one: sanitising an
article's HTML, the readable diff between versions, and the commands' answers to bad input."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from crawler.serve.article import diff_lines
from crawler.serve.sanitise import clean_html
from crawler.serve.views import SITE_SQL
from crawler.store import Store
from crawler.urls import site_of
from tests.helpers import jcrawl

PAGE = "http://journal.example/2024/05/story/"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Text<script>alert(1)</script></p>", "<p>Text</p>"),
        ('<p onclick="steal()" style="color:red">Text</p>', "<p>Text</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        (
            '<img src="/img/a.jpg" onerror="x()" srcset="http://t.example/a.jpg 2x">',
            f'<img src="{PAGE[:22]}/img/a.jpg">',
        ),
        ('<iframe src="http://ads.example/"></iframe><p>After</p>', "<p>After</p>"),
        ("<style>p{background:url(http://t.example/)}</style><p>x</p>", "<p>x</p>"),
        ('<link rel="stylesheet" href="http://t.example/s.css"><p>x</p>', "<p>x</p>"),
        ('<form action="http://t.example/"><input name="q"></form>', ""),
        (
            '<a href="../other/">other</a>',
            '<a href="http://journal.example/2024/05/other/" rel="noopener noreferrer nofollow">other</a>',
        ),
        ("<p>&lt;b&gt; stays text</p>", "<p>&lt;b&gt; stays text</p>"),
    ],
)
def test_article_html_is_sanitised(dirty: str, clean: str) -> None:
    assert clean_html(dirty, PAGE) == clean


def test_links_to_archived_articles_point_at_their_page() -> None:
    html = (
        '<p><a href="/2024/05/other/?utm_source=x">other</a> <a href="http://elsewhere.example/">away</a></p>'
    )
    archived = {"http://journal.example/2024/05/other/?utm_source=x": "/-/article/7"}
    cleaned = clean_html(html, PAGE, archived.get)
    assert 'href="/-/article/7"' in cleaned and 'href="http://elsewhere.example/"' in cleaned


def test_a_diff_marks_the_changed_words_and_keeps_context() -> None:
    old = {"version": 1, "title": "Port opens", "body": "One. Two is here. Three.\n\nFour. Five. Six. Seven."}
    new = dict(
        old, version=2, body=old["body"].replace("Two is here.", "Two is there.").replace(" Seven.", "")
    )
    lines = diff_lines(old, new)
    kinds = [line["kind"] for line in lines]
    assert "changed" in kinds and "removed" in kinds and "skipped" in kinds
    changed = next(line["html"] for line in lines if line["kind"] == "changed")
    assert changed == "Two is <del>here.</del> <ins>there.</ins>"
    assert next(line["html"] for line in lines if line["kind"] == "removed") == "Seven."
    assert "Port opens" not in [line["html"] for line in lines]  # far from any change: left out


def test_diff_text_is_escaped() -> None:
    old = {"version": 1, "title": "t", "body": "A <script>x</script> line."}
    new = dict(old, version=2, body="A <b>bold</b> line.")
    html = "".join(str(line["html"]) for line in diff_lines(old, new))
    assert "<script>" not in html and "<b>" not in html and "&lt;b&gt;" in html


def test_the_catalogue_names_sites_as_the_crawler_does() -> None:
    urls = [
        "http://www.Journal.example/a/",
        "https://journal.example:8443/2024/x?y=1",
        "http://127.0.0.1:39237/2023/10/story/",
        "http://news.example",
        "https://www2.example/",
    ]
    with sqlite3.connect(":memory:") as conn:
        got = [
            conn.execute(f"SELECT {SITE_SQL} FROM (SELECT ? AS url) u", (url,)).fetchone()[0] for url in urls
        ]
    assert got == [site_of(url) for url in urls]


@pytest.mark.parametrize("command", [["serve"], ["report"]])
def test_no_archive_is_a_usage_error(tmp_path: Path, command: list[str]) -> None:
    result = jcrawl(*command, archive=tmp_path / "nothing")
    assert result.returncode == 2
    assert "no archive at" in result.stderr and "Traceback" not in result.stderr


def test_serve_on_a_port_in_use_says_so(tmp_path: Path) -> None:
    Store(tmp_path).close()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = jcrawl("serve", "--port", str(busy.getsockname()[1]), archive=tmp_path)
    assert result.returncode == 2
    assert "the port is in use" in result.stderr and "Traceback" not in result.stderr


def test_report_of_an_empty_archive_still_draws_each_chart(tmp_path: Path) -> None:
    Store(tmp_path).close()
    result = jcrawl("report", "--output", tmp_path / "report.html", archive=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 10 and "nothing yet" in html
