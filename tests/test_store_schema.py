"""The compact store: URLs and text stored once, read through views with the columns researchers
know; archives made before (schema version 0) migrate in place and keep every article."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from crawler.extract import Article, Link
from crawler.store import Batch, Store
from crawler.store.db import PAGE_SIZE
from tests.helpers import database, jcrawl, query
from tests.schema_v0 import downgrade
from tests.test_bad_input import read_only, run_jcrawl

ARTICLES = "SELECT * FROM articles ORDER BY id"
SNAPSHOT = {
    "articles": ARTICLES,
    "captures": "SELECT * FROM captures ORDER BY id",
    "links": "SELECT * FROM links ORDER BY 1, 2, 3, 4",
    "versions": "SELECT * FROM article_versions ORDER BY 1, 2",
    "aliases": "SELECT * FROM aliases ORDER BY 1",
    "search": "SELECT rowid, rank, snippet(articles_fts, -1, '[', ']', '…', 12) FROM articles_fts "
    "WHERE articles_fts MATCH 'rose OR minister OR thiès OR \"second half\"' ORDER BY rank, rowid",
}
WORDS = ("wheat", "inflation", '"second half"', "rail -algeria")


def snapshot(archive: Path) -> dict[str, list]:
    return {name: query(archive, sql) for name, sql in SNAPSHOT.items()}


def searches(archive: Path) -> list[list[dict]]:
    """What `jcrawl search` prints for a few queries (JSON lines)."""
    out = []
    for words in WORDS:
        result = jcrawl("search", words, "--json", "--limit", "20", archive=archive)
        assert result.returncode == 0, result.stderr
        out.append([json.loads(line) for line in result.stdout.splitlines()])
    return out


def schema_version(archive: Path) -> int:
    return query(archive, "PRAGMA user_version")[0][0]


def is_table(archive: Path, name: str) -> bool:
    return query(archive, "SELECT type FROM sqlite_master WHERE name = ?", (name,)) == [("table",)]


@pytest.fixture
def archive(small_archive: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(small_archive, tmp_path / "archive"))


def test_an_old_archive_migrates_in_place_and_keeps_every_article(archive: Path) -> None:
    before, found = snapshot(archive), searches(archive)
    assert len(before["articles"]) == 300 and before["links"] and all(found)
    downgrade(archive / "journal.db")
    assert schema_version(archive) == 0 and is_table(archive, "articles")
    old_size = (archive / "journal.db").stat().st_size

    result = jcrawl("stats", archive=archive)  # any command: a read migrates the archive first
    assert result.returncode == 0, result.stderr[-3000:]
    assert schema_version(archive) == 1 and not is_table(archive, "articles")
    assert snapshot(archive) == before  # every column of every article, capture, link; the index
    assert searches(archive) == found
    assert (archive / "journal.db").stat().st_size < old_size / 2  # the old tables' space given back
    # and, as a new archive, it gives back the pages a crawl frees (a finished crawl's frontier)
    assert query(archive, "PRAGMA auto_vacuum") == [(2,)]  # incremental
    assert jcrawl("verify", archive=archive).returncode == 0

    # and the migrated archive rebuilds from its WARC files into the same rows
    assert jcrawl("reparse", archive=archive).returncode == 0
    after = snapshot(archive)
    assert after["articles"] == before["articles"] and after["links"] == before["links"]
    assert searches(archive) == found


def test_versions_links_and_any_text_survive_the_migration(tmp_path: Path) -> None:
    """Edited articles keep their versions; empty, missing and non-Latin text comes back as it was."""
    store = Store(tmp_path)
    texts = [
        ("Le port de Thiès", "Aujourd'hui, l'économie a progressé.", "<p>Aujourd'hui, l'économie…</p>", None),
        ("ميناء الجزائر", "كَتَبَ الرئيسُ رسالة 🚢", "<p>كَتَبَ</p>", "رسالة"),
        ("Empty", "", "", ""),
    ]
    for day, edit in ((1, ""), (2, " Updated.")):
        batch = Batch()
        for n, (title, body, html, lead) in enumerate(texts):
            article = Article(
                url=f"http://j.example/{n}/",
                is_article=True,
                title=title,
                body=body + edit,
                body_html=html,
                lead=lead,
                links=[
                    Link(f"http://j.example/{n + 1}/", "next", "Next"),
                    Link("http://else.example/", "body"),
                ],
            )
            batch.add_page(article, None, f"2026-01-0{day}T00:00:00Z")
        store.write(batch)
    store.close()
    before = snapshot(tmp_path)
    assert len(before["versions"]) == 3 and before["versions"][2][4] == ""  # the empty body
    lead, body, html = before["articles"][2][10:13]
    assert (lead, body, html) == ("", " Updated.", "") and before["articles"][0][10] is None

    downgrade(tmp_path / "journal.db")
    Store(tmp_path).close()
    assert snapshot(tmp_path) == before


def test_the_sqlite3_shell_reads_the_text_as_stored(small_archive: Path) -> None:
    """A researcher's `sqlite3 journal.db` reads body, body_html and lead without anything of ours."""
    shell = shutil.which("sqlite3")
    if shell is None:
        pytest.skip("the sqlite3 shell is not installed (make system-deps installs it)")
    sql = "SELECT id, lead, body, body_html FROM articles ORDER BY id LIMIT 20"
    out = subprocess.run(
        [shell, "-json", f"file:{small_archive / 'journal.db'}?mode=ro", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [tuple(row.values()) for row in json.loads(out.stdout)]
    assert rows == query(small_archive, sql) and all(body for _, _, body, _ in rows)


def test_any_program_reads_the_catalogue_links_and_captures(small_archive: Path) -> None:
    """Only the articles view needs the text's functions: plain SQLite reads the rest."""
    with closing(sqlite3.connect(f"file:{small_archive / 'journal.db'}?mode=ro", uri=True)) as conn:
        (articles,) = conn.execute("SELECT COUNT(*) FROM catalogue").fetchone()
        (links,) = conn.execute("SELECT COUNT(*) FROM links WHERE target_url LIKE 'http%'").fetchone()
        (captures,) = conn.execute("SELECT COUNT(DISTINCT url) FROM captures").fetchone()
        with pytest.raises(sqlite3.OperationalError, match="sqlar_uncompress"):
            conn.execute("SELECT body FROM articles")
    assert articles == 300 and links > 300 and captures > 300


def test_a_database_from_a_newer_jcrawl_is_refused_in_one_line(archive: Path) -> None:
    with database(archive) as conn:
        conn.execute("PRAGMA user_version = 99")
    for command in (["stats"], ["search", "wheat"], ["crawl", "http://127.0.0.1:9/"]):
        result = jcrawl(*command, archive=archive)
        assert result.returncode == 4, (command, result.stderr)
        assert "version 99, made by a newer jcrawl" in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert schema_version(archive) == 99  # left as it was


def test_a_read_only_old_archive_is_read_as_it_is(archive: Path, tmp_path: Path) -> None:
    """An old archive on a read-only copy (a backup, a DVD) cannot be migrated: the read commands read
    its old tables."""
    found = searches(archive)
    shown = jcrawl("show", "1", "--json", archive=archive).stdout
    downgrade(archive / "journal.db")
    copy = read_only(archive, tmp_path)
    for words, hits in zip(WORDS, found, strict=True):
        result = run_jcrawl(
            ["search", words, "--json", "--limit", "20", "--archive", str(copy)], unprivileged=True
        )
        assert result.returncode == 0, result.stderr
        assert [json.loads(line) for line in result.stdout.splitlines()] == hits
    result = run_jcrawl(["show", "1", "--json", "--archive", str(copy)], unprivileged=True)
    assert result.returncode == 0 and result.stdout == shown
    for command in (["stats"], ["export"], ["history", "1"], ["verify"]):
        result = run_jcrawl([*command, "--archive", str(copy)], unprivileged=True)
        assert result.returncode == 0, (command, result.stderr)
    assert schema_version(copy) == 0


def test_a_new_archive_keeps_no_room_for_what_a_finished_crawl_dropped(tmp_path: Path) -> None:
    store = Store(tmp_path)
    crawl = store.begin_crawl("http://journal.example/")
    with store.transaction() as conn:  # a large site's frontier, waiting
        rows = [(crawl, f"http://journal.example/2024/01/story-{i}/", i) for i in range(20_000)]
        conn.executemany("INSERT INTO frontier (crawl_id, url, seq) VALUES (?, ?, ?)", rows)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    holding = (tmp_path / "journal.db").stat().st_size
    store.finish_crawl(crawl, {"finish_reason": "finished"})  # its frontier dropped
    store.close()
    assert (tmp_path / "journal.db").stat().st_size < holding / 4
    assert query(tmp_path, "PRAGMA freelist_count") == [(0,)]
    assert query(tmp_path, "PRAGMA page_size") == [(PAGE_SIZE,)]  # rows of ~1.5 KB fill them better
