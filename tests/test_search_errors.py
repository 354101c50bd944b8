"""`jcrawl search` with broken or hostile queries: a clear message and exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main
from crawler.extract import Article
from crawler.store import Batch, Store, article_row
from tests.helpers import jcrawl, query


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with three articles, written through the store as a crawl would."""
    directory = tmp_path_factory.mktemp("search")
    store = Store(directory)
    batch = Batch()
    for n, (title, body) in enumerate(
        [
            ("Port traffic grows", "The port of Algiers handled more containers than ever."),
            ("Phosphate exports", "Phosphate shipments rose by a third, the ministry said."),
            ("ميناء الجزائر", "ارتفعت حركة الحاويات في ميناء الجزائر"),
        ]
    ):
        article = Article(url=f"http://j.example/{n}/", is_article=True, title=title, body=body)
        batch.articles.append(article_row(article, None, "2026-01-01T00:00:00Z"))
    store.write(batch)
    store.close()
    return directory


def search(archive: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `jcrawl search TEXT` in-process; return its exit code, stdout and stderr."""
    try:
        code = main(["search", "--archive", str(archive), "--", text])
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


@pytest.mark.parametrize(
    ("text", "explains"),
    [
        ('"unbalanced phrase', "a double quote is not closed"),
        ('port "of', "a double quote is not closed"),
        ("NEAR(", "the query ends too early"),
        ("NEAR(port algiers", "the query ends too early"),
        ("(port OR", "the query ends too early"),
        ("port AND", "the query ends too early"),
        ("writer:smith", "there is no field 'writer' to search"),
        ("-port", "a -word only leaves articles out; add a word to search for"),
        ("*", "a lone '*' is not a query"),
        (")", "it cannot be read at ')'"),
        ("AND", "it cannot be read at 'AND'"),
        ("NEAR(port algiers, x)", 'expected integer, got "x"'),
        ("", "the query is empty"),
        ("   ", "the query is empty"),
    ],
)
def test_a_bad_query_gets_a_clear_message(
    archive: Path, capsys: pytest.CaptureFixture[str], text: str, explains: str
) -> None:
    code, out, err = search(archive, text, capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"jcrawl search: error: cannot search for {text!r}: ")
    assert explains in err and "Queries: words" in err
    assert "Traceback" not in err
    assert query(archive, "SELECT COUNT(*) FROM articles") == [(3,)]


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ('"port of algiers"', 1),
        ("title:phosphate", 1),
        ("ميناء", 1),
        ('"\'; DROP TABLE articles; --"', 0),  # quoted, hostile text is only words to look for
        ("'; DROP TABLE articles; --", 0),  # and unquoted too
        ("x" * 100_000, 0),
        ("port OR phosphate", 2),
    ],
)
def test_valid_queries_including_hostile_text_just_search(
    archive: Path, capsys: pytest.CaptureFixture[str], text: str, hits: int
) -> None:
    code, _, err = search(archive, text, capsys)
    assert code == 0, err
    assert err.startswith(f"{hits} hit")
    assert query(archive, "SELECT COUNT(*) FROM articles") == [(3,)]


def test_the_command_line_says_it_too(archive: Path) -> None:
    """The same through the installed command, as a user types it: exit code 2, one line, no traceback."""
    result = jcrawl("search", 'NEAR("port', archive=archive)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "a double quote is not closed" in result.stderr
