"""The WARC archive holds what the server sent: raw gzip bytes, every header value, the real query."""

from __future__ import annotations

import gzip
import io
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from warcio.archiveiterator import ArchiveIterator
from werkzeug import Response

from archive.writer import WarcFileWriter, deflater, stored_member
from tests.helpers import jcrawl, query

PAGE = b"""<!DOCTYPE html><html lang="en"><head><title>Gzip Story - Test Journal</title>
<link rel="canonical" href="/story/?a=1&b=2"></head><body><article><h1 class="entry-title">Gzip Story</h1>
<div class="entry-content"><p>The harbour authority said traffic rose sharply this spring, as ships that
used to call at rival ports came back after the dredging of the main channel was finished in March.</p>
<p>Officials expect further growth next year as new berths open, with two more cranes on order and a rail
link to the industrial zone due to be finished before the summer, according to the ministry.</p>
<p>Shipping lines have already asked for more slots, the authority said in its quarterly report, which
also showed revenue up by a fifth on the same period of last year.</p></div></article></body></html>"""


@pytest.fixture
def gzip_site(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/").respond_with_data(
        '<html><body><a href="/story/?a=1&amp;b=2">story</a></body></html>', content_type="text/html"
    )
    body = gzip.compress(PAGE)
    response = Response(
        body, headers={"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"}
    )
    response.headers.add("Set-Cookie", "first=1; Path=/")
    response.headers.add("Set-Cookie", "second=2; Path=/")
    httpserver.expect_request("/story/", query_string="a=1&b=2").respond_with_response(response)
    httpserver.no_handler_status_code = 404
    return httpserver


def records(archive: Path) -> list:
    """(type, uri, http headers, raw payload) of every record in the archive, in order."""
    out = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                payload = record.raw_stream.read()
                out.append(
                    (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), record, payload)
                )
    return out


def test_gzip_response_archived_as_sent(gzip_site: HTTPServer, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    contact = "-sJCRAWL_CONTACT_URL=mailto:ops@example.org"
    result = jcrawl("crawl", gzip_site.url_for("/"), contact, archive=archive)
    assert result.returncode == 0, result.stderr[-2000:]

    story_url = gzip_site.url_for("/story/?a=1&b=2")
    story = [(r, p) for kind, uri, r, p in records(archive) if kind == "response" and uri == story_url]
    assert len(story) == 1
    record, payload = story[0]
    assert record.http_headers.get_header("Content-Encoding") == "gzip"
    assert payload[:2] == b"\x1f\x8b" and gzip.decompress(payload) == PAGE
    cookies = [v for k, v in record.http_headers.headers if k.lower() == "set-cookie"]
    assert cookies == ["first=1; Path=/", "second=2; Path=/"]
    assert record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
    # The body came compressed: its record's gzip member holds it stored, not deflated again.
    [(warc_file, offset, length)] = query(
        archive, "SELECT warc_file, warc_offset, warc_length FROM captures WHERE url = ?", (story_url,)
    )
    with open(archive / "warc" / warc_file, "rb") as f:
        f.seek(offset)
        member = f.read(length)
    assert member == stored_member(gzip.decompress(member))

    requests = [r for kind, uri, r, _ in records(archive) if kind == "request" and uri == story_url]
    assert requests[0].http_headers.protocol == "GET"
    assert requests[0].http_headers.get_header("User-Agent").startswith("journal-crawler/0.")
    assert requests[0].http_headers.get_header("User-Agent").endswith("(+mailto:ops@example.org)")
    # Scrapy's default headers, then the User-Agent, then what the content decoder accepts
    names = [name for name, _ in requests[0].http_headers.headers]
    assert names.index("Accept") < names.index("Accept-Language") < names.index("User-Agent")
    assert names.index("User-Agent") < names.index("Accept-Encoding")
    assert requests[0].http_headers.statusline.startswith("/story/?a=1&b=2 ")
    assert requests[0].rec_headers.get_header("WARC-Concurrent-To") == record.rec_headers.get_header(
        "WARC-Record-ID"
    )

    # The store decompressed it for extraction and points at the raw record.
    rows = query(
        archive, "SELECT a.title, a.body, c.status FROM articles a JOIN captures c ON c.id = a.capture_id"
    )
    assert rows and rows[0][0] == "Gzip Story" and "harbour authority" in rows[0][1] and rows[0][2] == 200


def test_every_file_opens_with_warcinfo_and_passes_standard_tools(
    gzip_site: HTTPServer, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    assert jcrawl("crawl", gzip_site.url_for("/"), archive=archive).returncode == 0
    files = sorted((archive / "warc").glob("*.warc.gz"))
    assert files
    for path in files:
        with open(path, "rb") as f:
            first = next(iter(ArchiveIterator(f)))
            assert first.rec_type == "warcinfo"
            assert first.rec_headers.protocol == "WARC/1.1"
            info = first.content_stream().read().decode()
        assert "software: journal-crawler/" in info and "robots: obey" in info and "crawl-settings:" in info
        bin_dir = Path(sys.executable).parent
        assert subprocess.run([bin_dir / "warcio", "check", path], capture_output=True).returncode == 0
        index = subprocess.run([bin_dir / "cdxj-indexer", path], capture_output=True, text=True)
        assert index.returncode == 0 and "/story/?a=1&b=2" in index.stdout.replace("%3F", "?")


def test_writer_rotates_files_at_size_limit(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "test", max_size=2000, info={"software": "test"})
    names = set()
    for i in range(20):
        record = writer.builder.create_warc_record(
            f"http://127.0.0.1/{i}", "resource", payload=io.BytesIO(b"x" * 3000), length=3000
        )
        location = writer.write(record)
        assert (tmp_path / (location.file + ".open")).exists()
        names.add(location.file)
    writer.close()
    assert len(names) > 1
    finished = sorted(p.name for p in tmp_path.iterdir())
    assert finished == sorted(names)
    assert all(n.startswith("test-") and n.endswith(".warc.gz") for n in finished)
    for name in finished:
        with open(tmp_path / name, "rb") as f:
            kinds = [r.rec_type for r in ArchiveIterator(f)]
        assert kinds[0] == "warcinfo" and "resource" in kinds


def test_a_record_is_compressed_to_the_same_bytes_in_its_smaller_window() -> None:
    """A small record gets a window and tables of its size (cheaper to set up), and deflate gives the
    bytes zlib's largest window and default tables give, for sizes around every window size."""
    rng = random.Random(5)
    words = [bytes(rng.choices(b"abcdefghij <>/", k=rng.randint(1, 9))) for _ in range(300)]
    text = b" ".join(rng.choices(words, k=20_000))
    for bits in range(9, 16):
        for size in (0, 1, (1 << bits) - 263, (1 << bits) - 262, (1 << bits) - 261, (1 << bits) + 500):
            data = text[:size]
            largest = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
            sized = deflater(len(data))
            member = sized.compress(data) + sized.flush()
            assert member == largest.compress(data) + largest.flush()
            assert gzip.decompress(member) == data


def test_a_stored_member_is_what_zlib_stores() -> None:
    """A payload the server compressed goes into its gzip member stored, written without zlib: it
    inflates to the same bytes, with the header, CRC-32 and length zlib gives, across block boundaries
    (`test_gzip_response_archived_as_sent`: the writer stores such a response so, and warcio reads it)."""
    rng = random.Random(3)
    for size in (0, 1, 0xFFFE, 0xFFFF, 0x10000, 3 * 0xFFFF + 7):
        data = rng.randbytes(size)
        member = stored_member(data)
        level0 = zlib.compressobj(0, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        zlib_member = level0.compress(data) + level0.flush()
        assert gzip.decompress(member) == data
        assert member[:10] == zlib_member[:10] and member[-8:] == zlib_member[-8:]
        assert len(member) <= len(zlib_member)
