"""Search finds the words a researcher types, in French, Arabic and English: no stemming that merges
distinct words, diacritics folded, hyphenated and dotted terms without quotes; old archives migrate."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from crawler.extract import Article
from crawler.store import Batch, Store, article_row
from tests.helpers import jcrawl
from tests.schema_v0 import downgrade

ARTICLES = [
    ("Cotton growers in Thiès", "Growers in Thiès say the scheme has not paid. Prices fell."),
    ("A report on this year", "This year the rains came late, and this is what farmers said."),
    ("COVID-19 cases rise", "Hospitals in the U.S. and in Dakar counted more COVID-19 patients."),
    ("Talks in Tripoli", "Fayez al-Sarraj met the co-operation council on Monday."),
    ("L'économie du Sénégal", "Aujourd'hui, l'économie sénégalaise a progressé de 5 %."),
    ("ميناء الجزائر", "كَتَبَ الرئيسُ رسالة إلى عمال ميناءٍ الجزائر"),
    ("Phosphate exports", "Phosphate shipments rose; the port of Thiès handled phosphate."),
]


def titles(archive: Path, *words: str) -> list[str]:
    """Titles `jcrawl search WORDS` prints, best first (the command as a user types it)."""
    result = jcrawl("search", *words, "--json", "--limit", "50", archive=archive)
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["title"] for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("words")
    store = Store(directory)
    batch = Batch()
    for n, (title, body) in enumerate(ARTICLES):
        article = Article(url=f"http://j.example/{n}/", is_article=True, title=title, body=body)
        batch.articles.append(article_row(article, None, "2026-01-01T00:00:00Z"))
    store.write(batch)
    store.close()
    return directory


def test_thies_is_not_this(archive: Path) -> None:
    assert sorted(titles(archive, "Thiès")) == ["Cotton growers in Thiès", "Phosphate exports"]
    assert sorted(titles(archive, "Thies")) == ["Cotton growers in Thiès", "Phosphate exports"]
    assert titles(archive, "this") == ["A report on this year"]


def test_the_title_weighs_more_than_the_body(archive: Path) -> None:
    # both name Thiès twice; one in its title
    assert titles(archive, "thies")[0] == "Cotton growers in Thiès"
    assert titles(archive, "phosphate")[0] == "Phosphate exports"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["COVID-19"], ["COVID-19 cases rise"]),
        (["covid-19", "Dakar"], ["COVID-19 cases rise"]),
        (["U.S."], ["COVID-19 cases rise"]),
        (["al-Sarraj"], ["Talks in Tripoli"]),
        (["Sarraj"], ["Talks in Tripoli"]),
        (["co-operation"], ["Talks in Tripoli"]),
        (["aujourd'hui"], ["L'économie du Sénégal"]),
        (["economie", "senegalaise"], ["L'économie du Sénégal"]),
        (["l'économie"], ["L'économie du Sénégal"]),
        (["econom*"], ["L'économie du Sénégal"]),
        (["ميناء"], ["ميناء الجزائر"]),
        (["كتب"], ["ميناء الجزائر"]),  # written with harakat, found without
        (["الرئيس"], ["ميناء الجزائر"]),
        (["Thiès", "-phosphate"], ["Cotton growers in Thiès"]),
        (["-phosphate", "Thiès"], ["Cotton growers in Thiès"]),
        (["title:thies"], ["Cotton growers in Thiès"]),
        (['"the port of Thiès"'], ["Phosphate exports"]),
        (["rains", "OR", "rose"], ["A report on this year", "Phosphate exports"]),
    ],
)
def test_words_as_written(archive: Path, words: list[str], expected: list[str]) -> None:
    assert sorted(titles(archive, *words)) == sorted(expected)


def test_a_word_starting_with_a_dash_is_not_an_option(archive: Path) -> None:
    result = jcrawl("search", "-phosphate", archive=archive)
    assert result.returncode == 2 and "a -word only leaves articles out" in result.stderr
    assert "unrecognized arguments" not in result.stderr


def test_an_archive_indexed_with_the_old_stemmer_is_rebuilt_on_first_use(tmp_path: Path) -> None:
    """An archive made before: the FTS index stemmed English (porter), so "Thiès" found "this"."""
    store = Store(tmp_path)
    batch = Batch()
    for n, (title, body) in enumerate(ARTICLES[:2]):
        article = Article(url=f"http://j.example/{n}/", is_article=True, title=title, body=body)
        batch.articles.append(article_row(article, None, "2026-01-01T00:00:00Z"))
    store.write(batch)
    store.close()
    downgrade(tmp_path / "journal.db")  # the archive as jcrawl made it before its schema had versions,
    conn = sqlite3.connect(tmp_path / "journal.db")  # with the index as its first version made it
    conn.executescript(
        "DROP TRIGGER articles_ai; DROP TRIGGER articles_ad; DROP TRIGGER articles_au; "
        "DROP TABLE articles_fts; DROP VIEW articles_fts_text;"
    )
    sqlite_utils.Database(conn)["articles"].enable_fts(
        ["title", "body"], create_triggers=True, tokenize="porter unicode61"
    )
    stemmed = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'thies'").fetchall()
    assert len(stemmed) == 2  # the old index: "Thiès" and "this" share a stem
    conn.close()

    assert sorted(titles(tmp_path, "thiès")) == ["Cotton growers in Thiès"]
    # the index stays in step with the articles after the migration
    store = Store(tmp_path)
    again = Article(url="http://j.example/1/", is_article=True, title=ARTICLES[1][0], body="Thiès again")
    store.replace_extractions([article_row(again, None, "")], {})
    store.close()
    assert sorted(titles(tmp_path, "thies")) == ["A report on this year", "Cotton growers in Thiès"]
