"""Issue 2's acceptance check: crawl the 2,000-article bench site with no options."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest

from archive.reader import read_record
from tests.helpers import BenchSite, query

pytestmark = pytest.mark.slow


def test_every_article_stored_exactly_once(bench_site: BenchSite, bench_archive: Path) -> None:
    truth = bench_site.ground_truth
    stored = [url for (url,) in query(bench_archive, "SELECT url FROM articles")]
    assert {t["url"] for t in truth} <= set(stored)
    old_slugs = {t["old_url"] for t in truth if t["old_url"]}
    twins = [u for u in stored if "utm_" in u or u in old_slugs or "#" in u]
    assert twins == []
    # A twin under any other spelling would repeat a ground-truth title and body.
    titles = query(
        bench_archive, "SELECT title, COUNT(*) FROM articles GROUP BY title, body HAVING COUNT(*) > 1"
    )
    assert titles == []


def test_robots_disallowed_section_never_fetched(bench_site: BenchSite, bench_archive: Path) -> None:
    assert not [p for p in bench_site.requested_paths() if p.startswith("/wp-admin")]
    assert query(bench_archive, "SELECT COUNT(*) FROM captures WHERE url LIKE '%/wp-admin/%'") == [(0,)]


def test_warc_files_pass_warcio_check(bench_archive: Path) -> None:
    files = sorted((bench_archive / "warc").glob("*.warc.gz"))
    assert files and not list((bench_archive / "warc").glob("*.open"))
    warcio = Path(sys.executable).with_name("warcio")
    for path in files:
        check = subprocess.run([warcio, "check", path], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_each_article_capture_is_its_response(bench_site: BenchSite, bench_archive: Path) -> None:
    titles = {t["url"]: t["title"] for t in bench_site.ground_truth}
    rows = query(
        bench_archive,
        "SELECT a.url, c.url, c.warc_file, c.warc_offset, c.warc_length FROM articles a "
        "JOIN captures c ON c.id = a.capture_id",
    )
    assert {url for url, *_ in rows} >= set(titles)
    for article_url, capture_url, warc_file, offset, length in rows:
        if article_url not in titles:
            continue
        record = read_record(bench_archive / "warc", warc_file, offset, length)
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Target-URI") == capture_url
        assert capture_url.split("?")[0] == article_url
        page = record.content_stream().read().decode("utf-8")
        assert html.escape(titles[article_url], quote=False) in page
