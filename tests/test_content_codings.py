"""Pages sent with any content-coding Scrapy accepts are archived as sent and come back on rebuild."""

from __future__ import annotations

import gzip
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

import brotli
import pytest
from backports import zstd
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.faultserver import article_html
from tests.helpers import jcrawl, query, serve_stories

# (Content-Encoding header, how the body is coded); stacked codings are applied left to right.
CODINGS: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("gzip", gzip.compress),
    ("x-gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda body: zlib.compress(body)[2:-4]),  # raw deflate, as some servers send it
    ("br", brotli.compress),
    ("zstd", zstd.compress),
    ("gzip, br", lambda body: brotli.compress(gzip.compress(body))),
    ("br, zstd", lambda body: zstd.compress(brotli.compress(body))),
]
ARTICLES = (
    "SELECT a.url, a.title, a.body, a.content_hash, c.warc_file, c.warc_offset FROM articles a "
    "JOIN captures c ON c.id = a.capture_id ORDER BY a.url"
)


def coded(title: str, coding: str, code: Callable[[bytes], bytes]) -> Callable[[Request], Response]:
    body = code(article_html(title).encode())
    return lambda request: Response(
        body, headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": coding}
    )


@pytest.fixture
def coded_archive(httpserver: HTTPServer, tmp_path: Path) -> Path:
    """A crawl of a journal whose stories come in every coding, and one whose brotli body is broken."""
    pages = [coded(f"Story coded {coding} {n}", coding, code) for n, (coding, code) in enumerate(CODINGS)]
    pages.append(lambda request: Response(b"this is not brotli", headers={"Content-Encoding": "br"}))
    archive = tmp_path / "archive"
    result = jcrawl("crawl", serve_stories(httpserver, pages), archive=archive)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]  # the broken body is an error
    return archive


def test_every_coding_is_extracted_and_rebuilt_identically(
    coded_archive: Path, httpserver: HTTPServer
) -> None:
    articles = query(coded_archive, ARTICLES)
    titles = sorted(title for _, title, *_ in articles)
    assert titles == sorted(f"Story coded {coding} {n}" for n, (coding, _) in enumerate(CODINGS))
    assert all("new berths opened last spring" in body for _, _, body, *_ in articles)
    # Archived as sent: the stored Content-Encoding names the coding.
    encodings = query(
        coded_archive, "SELECT COUNT(*) FROM captures WHERE url LIKE '%story-%' AND status = 200"
    )
    assert encodings == [(len(CODINGS) + 1,)]
    crawl_errors = query(coded_archive, "SELECT url FROM errors WHERE kind = 'decoding'")
    assert [url.rsplit("/", 2)[-2] for (url,) in crawl_errors] == [f"story-{len(CODINGS)}"]

    for path in coded_archive.glob("journal.db*"):
        path.unlink()
    rebuilt = jcrawl("reparse", archive=coded_archive)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr[-2000:]
    assert "1 undecodable body (`errors` rows" in rebuilt.stdout
    assert query(coded_archive, ARTICLES) == articles
    (kind, message), *more = query(coded_archive, "SELECT kind, message FROM errors")
    assert not more and kind == "decoding"
    assert "offset" in message and "Content-Encoding br" in message  # names the record

    verify = jcrawl("verify", archive=coded_archive)
    assert verify.returncode == 0, verify.stdout
    assert "no problems (1 undecodable body, kept as the servers sent them)" in verify.stdout
    assert "undecodable: " in verify.stdout


def test_import_decodes_every_coding(coded_archive: Path, tmp_path: Path) -> None:
    """Another archive importing these WARC files extracts the same articles."""
    copy = tmp_path / "elsewhere"
    warcs = sorted((coded_archive / "warc").glob("*.warc.gz"))
    result = jcrawl("import", *warcs, archive=copy)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert {row[1] for row in query(copy, ARTICLES)} == {row[1] for row in query(coded_archive, ARTICLES)}
    shutil.rmtree(copy)
