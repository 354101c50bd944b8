"""Issue 2's acceptance check: crawl the 2,000-article bench site with no options."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest

from archive.reader import read_record
from tests.helpers import BenchSite, jcrawl, query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(bench_site: BenchSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = tmp_path_factory.mktemp("archive")
    result = jcrawl("crawl", bench_site.url, archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "articles stored" in result.stdout
    return archive


def test_every_article_stored_exactly_once(bench_site: BenchSite, crawled: Path) -> None:
    truth = bench_site.ground_truth
    stored = [url for (url,) in query(crawled, "SELECT url FROM articles")]
    assert {t["url"] for t in truth} <= set(stored)
    old_slugs = {t["old_url"] for t in truth if t["old_url"]}
    twins = [u for u in stored if "utm_" in u or u in old_slugs or "#" in u]
    assert twins == []
    # A twin under any other spelling would repeat a ground-truth title and body.
    titles = query(crawled, "SELECT title, COUNT(*) FROM articles GROUP BY title, body HAVING COUNT(*) > 1")
    assert titles == []


def test_robots_disallowed_section_never_fetched(bench_site: BenchSite, crawled: Path) -> None:
    assert not [p for p in bench_site.requested_paths() if p.startswith("/wp-admin")]
    assert query(crawled, "SELECT COUNT(*) FROM captures WHERE url LIKE '%/wp-admin/%'") == [(0,)]


def test_warc_files_pass_warcio_check(crawled: Path) -> None:
    files = sorted((crawled / "warc").glob("*.warc.gz"))
    assert files and not list((crawled / "warc").glob("*.open"))
    warcio = Path(sys.executable).with_name("warcio")
    for path in files:
        check = subprocess.run([warcio, "check", path], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_each_article_capture_is_its_response(bench_site: BenchSite, crawled: Path) -> None:
    titles = {t["url"]: t["title"] for t in bench_site.ground_truth}
    rows = query(
        crawled,
        "SELECT a.url, c.url, c.warc_file, c.warc_offset, c.warc_length FROM articles a "
        "JOIN captures c ON c.id = a.capture_id",
    )
    assert {url for url, *_ in rows} >= set(titles)
    for article_url, capture_url, warc_file, offset, length in rows:
        if article_url not in titles:
            continue
        record = read_record(crawled / "warc", warc_file, offset, length)
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Target-URI") == capture_url
        assert capture_url.split("?")[0] == article_url
        page = record.content_stream().read().decode("utf-8")
        assert html.escape(titles[article_url], quote=False) in page
