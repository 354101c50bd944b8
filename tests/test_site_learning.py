"""Site awareness: boilerplate no generic rule catches is learned from the site's own pages.

A small journal whose articles carry two house lines that read like prose (a publisher's note and a
funder's credit) inside the article text. A crawl must learn them as the site's boilerplate, save
the learned profile as a versioned row and a WARC record, and leave every article without them; and
re-extracting each capture with the saved profile must give the stored record back.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from warcio.archiveiterator import ArchiveIterator

from archive.reader import read_record, response_body
from crawler.extract import extract_article
from crawler.extract.profile import SiteProfile
from tests.helpers import jcrawl, query

ARTICLES = 24
HOUSE_LINES = (
    "Dunes Media Group publishes this journal every week from its newsroom in Nouakchott, with "
    "correspondents in six countries of the region.",
    "Our coverage of the regional economy is supported by the Sahel Press Foundation, which has no "
    "say over what we write or whom we interview.",
)
# Vocabulary of the stories' own sentences.
VOCABULARY = (
    "port cargo ministry tender solar grid phosphate mine lenders bond tariff customs harbour berth railway "
    "corridor cement drought harvest wheat imports exports budget deficit reform union strike"
)
WORDS = VOCABULARY.split()


def story(n: int) -> tuple[str, list[str]]:
    """Title and paragraphs of article n: its own sentences, deterministic."""
    rng = random.Random(n)
    title = f"Story {n}: " + " ".join(rng.sample(WORDS, 4)).capitalize()
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 40))).capitalize() + "." for _ in range(4)
    ]
    return title, paragraphs


def article_page(n: int) -> str:
    title, paragraphs = story(n)
    text = "".join(f"<p>{p}</p>" for p in paragraphs[:2])
    text += f"<p>{HOUSE_LINES[0]}</p>"
    text += "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    text += f"<p><em>{HOUSE_LINES[1]}</em></p>"
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{title} - Desert Ledger</title>'
        '<meta property="og:type" content="article"></head><body>'
        f'<article><h1 class="headline">{title}</h1><div class="story-text">{text}</div></article>'
        '<p><a href="/">Home</a></p></body></html>'
    )


@pytest.fixture(scope="module")
def learned_archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An archive with two crawls of the journal (the second finds its profile already learned)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    links = "".join(f'<li><a href="/news/story-{n}/">Story {n}</a></li>' for n in range(ARTICLES))
    server.expect_request("/").respond_with_data(
        f"<html><body><ul>{links}</ul></body></html>", content_type="text/html"
    )
    for n in range(ARTICLES):
        server.expect_request(f"/news/story-{n}/").respond_with_data(
            article_page(n), content_type="text/html; charset=utf-8"
        )
    server.no_handler_status_code = 404
    server.start()
    try:
        archive = tmp_path_factory.mktemp("learned")
        url = server.url_for("/")
        first = jcrawl("crawl", url, archive=archive)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "Learned version 1 of the site's profile" in first.stdout
        second = jcrawl("crawl", url, archive=archive)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "Learned version" not in second.stdout
    finally:
        server.stop()
    return archive, f"127.0.0.1:{server.port}"


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
