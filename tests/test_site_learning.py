"""Site awareness: boilerplate no generic rule catches is learned from the site's own pages.

A small journal whose articles carry two house lines that read like prose (a publisher's note and a
funder's credit) inside the article text. A crawl must learn them as the site's boilerplate, save
the learned profile as a versioned row and a WARC record, and leave every article without them; and
re-extracting each capture with the saved profile must give the stored record back.
"""

from __future__ import annotations

import json
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.reader import read_record, response_body
from crawler.extract import extract_article
from crawler.extract.profile import SiteProfile
from tests.helpers import assert_archive_honest, database, jcrawl, query
from tests.house_lines_site import ARTICLES, HOUSE_LINES, article_page, serve_house_lines_site, story


def test_the_house_lines_fool_the_generic_extractor() -> None:
    """Without a profile the lines stay in: only learning can take them out."""
    article = extract_article(article_page(0).encode(), "http://127.0.0.1/news/story-0/")
    assert article.is_article
    assert all(line in article.body for line in HOUSE_LINES)


def test_learned_boilerplate_is_gone_from_every_article(learned_archive: tuple[Path, str]) -> None:
    archive, _site = learned_archive
    rows = query(archive, "SELECT url, title, body, profile_version FROM articles ORDER BY url")
    assert len(rows) == ARTICLES
    for url, title, body, version in rows:
        n = int(url.rstrip("/").rsplit("-", 1)[1])
        expected_title, paragraphs = story(n)
        assert title == expected_title
        assert body.split("\n\n") == paragraphs, url
        assert version == 1


def test_the_profile_is_versioned_in_the_store_and_the_warc(learned_archive: tuple[Path, str]) -> None:
    archive, site = learned_archive
    rows = query(
        archive, "SELECT site, version, profile, warc_file, warc_offset, warc_length FROM site_profiles"
    )
    assert [(r[0], r[1]) for r in rows] == [(site, 1)]
    _site, _version, stored, warc_file, offset, length = rows[0]
    profile = SiteProfile.from_json(stored)
    assert len(profile.boilerplate_texts) >= 2 and profile.version == 1
    record = read_record(archive / "warc", warc_file, offset, length)
    assert record.rec_type == "resource"
    assert record.rec_headers.get_header("WARC-Target-URI") == f"urn:x-jcrawl:site-profile:{site}"
    assert SiteProfile.from_dict(json.loads(record.content_stream().read())) == profile
    # exactly one profile record in the whole archive: the second crawl learned nothing new
    uris = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            uris += [
                r.rec_headers.get_header("WARC-Target-URI")
                for r in ArchiveIterator(f)
                if r.rec_type == "resource"
            ]
    assert uris == [f"urn:x-jcrawl:site-profile:{site}"]


def test_each_article_the_new_profile_changed_is_recorded_with_its_version(
    learned_archive: tuple[Path, str],
) -> None:
    archive, _site = learned_archive
    changes = query(archive, "SELECT url, profile_version, old_hash, new_hash FROM reextractions")
    articles = dict(query(archive, "SELECT url, content_hash FROM articles"))
    assert len(changes) == len(articles) == 24
    assert all(version == 1 and old != new == articles[url] for url, version, old, new in changes)


def test_reextracting_a_capture_with_the_saved_profile_gives_the_stored_record(
    learned_archive: tuple[Path, str],
) -> None:
    archive, _site = learned_archive
    (stored,) = query(archive, "SELECT profile FROM site_profiles")[0]
    profile = SiteProfile.from_json(stored)
    rows = query(
        archive,
        "SELECT a.content_hash, c.url, c.warc_file, c.warc_offset, c.warc_length FROM articles a "
        "JOIN captures c ON c.id = a.capture_id",
    )
    for content_hash, url, warc_file, offset, length in rows:
        body, headers = response_body(read_record(archive / "warc", warc_file, offset, length))
        assert extract_article(body, url, headers, profile).content_hash == content_hash
        assert extract_article(body, url, headers).content_hash != content_hash


def test_an_article_found_again_in_an_identical_page_keeps_the_capture_that_holds_it(tmp_path: Path) -> None:
    """A second crawl archives unchanged pages as revisits (no body); articles it stores anew must
    still point at the response record their text comes from."""
    archive = tmp_path / "archive"
    with serve_house_lines_site() as server:
        assert jcrawl("crawl", server.url_for("/"), archive=archive).returncode == 0
        with database(archive) as db:
            db.execute("DELETE FROM article_data")
        again = jcrawl("crawl", server.url_for("/"), archive=archive)
        assert again.returncode == 0, again.stderr[-3000:]
    assert query(archive, "SELECT COUNT(*) FROM captures WHERE revisit_of IS NOT NULL")[0][0] >= ARTICLES
    assert query(archive, "SELECT COUNT(*) FROM articles") == [(ARTICLES,)]
    assert_archive_honest(archive)
