"""`jcrawl reparse`: the database is an index over the WARC files; delete it and it comes back the same."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import BenchSite, database, jcrawl, query

ARTICLES = (
    "SELECT a.url, a.title, a.body, a.content_hash, a.authors, a.published, a.profile_version, "
    "a.first_seen, a.last_seen, c.warc_file, c.warc_offset FROM articles a "
    "JOIN captures c ON c.id = a.capture_id ORDER BY a.url"
)
CAPTURES = (
    "SELECT id, url, fetched_at, status, content_type, warc_file, warc_offset, warc_length, payload_digest, "
    "etag, last_modified FROM captures ORDER BY id"
)
LINKS = "SELECT source_url, target_url, kind, anchor_text FROM links ORDER BY 1, 2, 3, 4"
SITES = "SELECT name, start_urls, settings, added_at FROM sites ORDER BY name"
# What an older parser left: `body` stored as it is (uncompressed: its size is the blob's), no HTML.
SET_BODY = (
    "UPDATE article_data SET text = CAST(:body AS BLOB), text_size = length(CAST(:body AS BLOB)), "
    "body_size = length(CAST(:body AS BLOB)), html_size = 0, lead_size = NULL"
)
PROFILES = (
    "SELECT site, version, pages_seen, profile, warc_file, warc_offset FROM site_profiles ORDER BY 1, 2"
)


@pytest.fixture
def archive(small_archive: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(small_archive, tmp_path / "archive"))


def snapshot(archive: Path) -> dict[str, list]:
    return {
        name: query(archive, sql)
        for name, sql in [
            ("articles", ARTICLES),
            ("captures", CAPTURES),
            ("links", LINKS),
            ("profiles", PROFILES),
            ("sites", SITES),
        ]
    }


def delete_database(archive: Path) -> None:
    for path in archive.glob("journal.db*"):
        path.unlink()


def test_delete_the_database_and_reparse_gives_the_same_articles(
    archive: Path, small_site: BenchSite
) -> None:
    before = snapshot(archive)
    assert len(before["articles"]) == 300
    delete_database(archive)

    result = jcrawl("reparse", archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "300 articles" in result.stdout
    after = snapshot(archive)
    assert after["captures"] == before["captures"]
    assert after["articles"] == before["articles"]  # same content_hash, profile version, capture
    assert after["links"] == before["links"]
    assert after["profiles"] == before["profiles"]
    (start_url, started, finished) = query(archive, "SELECT start_url, started_at, finished_at FROM crawls")[
        0
    ]
    assert start_url == small_site.url and started <= finished
    assert jcrawl("verify", archive=archive).returncode == 0


def test_reparse_extracts_with_the_archived_site_profile(
    learned_archive: tuple[Path, str], tmp_path: Path
) -> None:
    """Two crawls of a site whose profile was learned: reparse reads the profile from the WARC files."""
    learned, _site = learned_archive
    archive = Path(shutil.copytree(learned, tmp_path / "archive"))
    before = snapshot(archive)
    assert before["profiles"] and {row[6] for row in before["articles"]} == {1}
    delete_database(archive)

    result = jcrawl("reparse", archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    after = snapshot(archive)
    assert after == before
    assert len(query(archive, "SELECT id FROM crawls")) == 2  # one per crawl, from the warcinfo records


def test_reparse_rewrites_what_an_older_parser_made(archive: Path) -> None:
    before = snapshot(archive)
    with database(archive) as db:
        db.execute(f"{SET_BODY}, content_hash = 'old'", {"body": "what an old parser kept"})
        db.execute("DELETE FROM link_data")
        db.execute(
            "DELETE FROM capture_data WHERE id IN (SELECT MAX(id) FROM capture_data)"
        )  # an orphan record

    result = jcrawl("reparse", archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(1 indexed anew)" in result.stdout
    after = snapshot(archive)
    assert after["articles"] == before["articles"] and after["links"] == before["links"]
    assert len(after["captures"]) == len(before["captures"])


def test_reparse_since_and_site_limit_what_is_extracted(archive: Path, small_site: BenchSite) -> None:
    with database(archive) as db:
        db.execute(SET_BODY, {"body": "old"})
    later = jcrawl("reparse", "--since", "2999-01-01", archive=archive)
    assert later.returncode == 0 and "0 pages extracted" in later.stdout
    other = jcrawl("reparse", "--site", "elsewhere.example", archive=archive)
    assert other.returncode == 0 and "0 pages extracted" in other.stdout
    assert query(archive, "SELECT COUNT(*) FROM articles WHERE body = 'old'") == [(300,)]

    site = urlsplit(small_site.url).netloc
    ours = jcrawl("reparse", "--site", site, "--since", "2000-01-01", archive=archive)
    assert ours.returncode == 0 and "300 articles" in ours.stdout
    assert query(archive, "SELECT COUNT(*) FROM articles WHERE body = 'old'") == [(0,)]

    bad = jcrawl("reparse", "--since", "last week", archive=archive)
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr
