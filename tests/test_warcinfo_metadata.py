"""What the crawler's records tell an archivist: warcinfo (software, operator, settings), metadata records."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler import __version__
from tests.conftest import OPERATOR
from tests.helpers import BenchSite, query


def read_records(archive: Path) -> list:
    """(record headers, block text or None) of every record, in archive order."""
    out = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                text = None
                if record.rec_type in ("warcinfo", "metadata"):
                    text = record.content_stream().read().decode()
                out.append((record.rec_headers, text))
    return out


def test_warcinfo_names_software_operator_robots_and_settings(
    small_archive: Path, small_site: BenchSite
) -> None:
    infos = [
        text for headers, text in read_records(small_archive) if headers.get_header("WARC-Type") == "warcinfo"
    ]
    assert infos
    fields = dict(line.split(": ", 1) for line in infos[0].splitlines())
    assert fields["software"].startswith(f"journal-crawler/{__version__} (Scrapy ")
    assert "warcio" in fields["software"]
    assert fields["operator"] == OPERATOR
    assert fields["robots"] == "obey"
    assert fields["isPartOf"] == small_site.url
    assert fields["http-header-user-agent"].startswith(f"journal-crawler/{__version__}")
    settings = json.loads(fields["crawl-settings"])
    assert settings["ROBOTSTXT_OBEY"] is True and settings["CONCURRENT_REQUESTS"] > 0
    assert "DOWNLOAD_TIMEOUT" in settings and "JCRAWL_MAX_BODY_SIZE" in settings
    # The crawl it belongs to, so that `jcrawl reparse` can rebuild the crawls table.
    (crawl_id,) = query(small_archive, "SELECT id FROM crawls")[0]
    assert fields["jcrawl-crawl-id"] == str(crawl_id) and fields["jcrawl-crawl-started"].endswith("Z")


def test_metadata_records_list_each_pages_outlinks(small_archive: Path) -> None:
    records = read_records(small_archive)
    responses = {
        h.get_header("WARC-Record-ID"): h.get_header("WARC-Target-URI")
        for h, _ in records
        if h.get_header("WARC-Type") == "response"
    }
    outlinks: dict[str, set[str]] = defaultdict(set)
    for headers, text in records:
        if headers.get_header("WARC-Type") != "metadata":
            continue
        assert headers.get_header("Content-Type") == "application/warc-fields"
        response_uri = responses[headers.get_header("WARC-Concurrent-To")]
        assert response_uri == headers.get_header("WARC-Target-URI")
        for line in text.splitlines():
            name, _, value = line.partition(": ")
            assert name == "outlink"
            outlinks[response_uri].add(value.split(" ")[0])
    articles = query(
        small_archive, "SELECT a.url, c.url FROM articles a JOIN captures c ON c.id = a.capture_id"
    )
    assert len(articles) == 300
    for article_url, fetched_url in articles:
        stored = {
            target
            for (target,) in query(
                small_archive, "SELECT target_url FROM links WHERE source_url = ?", (article_url,)
            )
        }
        assert stored and stored <= outlinks[fetched_url]


def test_no_metadata_records_by_default(bench_archive: Path) -> None:
    path = sorted((bench_archive / "warc").glob("*.warc.gz"))[0]
    with open(path, "rb") as f:
        kinds = {record.rec_type for record in ArchiveIterator(f)}
    assert kinds - {"revisit"} == {"warcinfo", "request", "response"}  # robots.txt is fetched twice
