"""`jcrawl import`: WARC files made by other crawlers become part of the archive, articles extracted."""

from __future__ import annotations

import gzip
import io
import random
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.helpers import BenchSite, jcrawl, query

SITE = "http://journal.example"


def article_page(title: str, topic: str) -> bytes:
    paragraphs = "".join(
        f"<p>The {topic} authority said traffic rose sharply in quarter {n}, as ships that used to call at "
        "rival ports came back after the dredging of the main channel was finished in March.</p>"
        for n in range(1, 6)
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{title} - Test Journal</title></head><body><article>'
        f'<h1 class="entry-title">{title}</h1><div class="entry-content">{paragraphs}</div></article>'
        "</body></html>"
    ).encode()


def chunked(body: bytes, size: int = 100) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def write_foreign_warc(path: Path, compress: bool) -> None:
    """A WARC as another crawler might write it: gzip and chunked responses, revisit, resource, metadata."""
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=compress, warc_version="WARC/1.0")
        add = writer.write_record
        add(writer.create_warcinfo_record(path.name, {"software": "other-crawler/2.0", "isPartOf": SITE}))

        def response(url: str, body: bytes, headers: list[tuple[str, str]]) -> object:
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8"), *headers], "HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
            )
            add(record)
            return record

        first = response(
            f"{SITE}/2024/01/gzip-story/",
            gzip.compress(article_page("Gzip Story", "harbour")),
            [("Content-Encoding", "gzip")],
        )
        response(
            f"{SITE}/2024/01/chunked-story/",
            chunked(article_page("Chunked Story", "railway")),
            [("Transfer-Encoding", "chunked")],
        )
        response(
            f"{SITE}/2024/01/chunked-gzip-story/",
            chunked(gzip.compress(article_page("Chunked Gzip Story", "airport"))),
            [("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")],
        )
        add(
            writer.create_revisit_record(
                f"{SITE}/2024/01/gzip-story/",
                first.rec_headers.get_header("WARC-Payload-Digest"),
                f"{SITE}/2024/01/gzip-story/",
                first.rec_headers.get_header("WARC-Date"),
                http_headers=StatusAndHeaders("304 Not Modified", [("ETag", '"v1"')], "HTTP/1.1"),
            )
        )
        png = b"\x89PNG\r\n\x1a\n" + bytes(64)
        add(
            writer.create_warc_record(
                f"urn:screenshot:{SITE}/", "resource", payload=io.BytesIO(png), length=len(png),
                warc_content_type="image/png",
            )
        )  # fmt: skip
        fields = f"outlink: {SITE}/2024/01/chunked-story/ L a/@href\r\n".encode()
        add(
            writer.create_warc_record(
                f"{SITE}/2024/01/gzip-story/", "metadata", payload=io.BytesIO(fields), length=len(fields),
                warc_content_type="application/warc-fields",
            )
        )  # fmt: skip


@pytest.mark.parametrize("name", ["foreign.warc.gz", "foreign.warc"])
def test_import_reads_revisit_resource_metadata_chunked_and_gzip(tmp_path: Path, name: str) -> None:
    warc = tmp_path / name
    write_foreign_warc(warc, compress=name.endswith(".gz"))
    archive = tmp_path / "archive"
    result = jcrawl("import", warc, archive=archive)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "4 captures" in result.stdout and "3 articles" in result.stdout
    assert (archive / "warc" / name).read_bytes() == warc.read_bytes()  # copied, as it was

    articles = query(archive, "SELECT url, title, body FROM articles ORDER BY url")
    assert [(url.rsplit("/", 2)[1], title) for url, title, _ in articles] == [
        ("chunked-gzip-story", "Chunked Gzip Story"),
        ("chunked-story", "Chunked Story"),
        ("gzip-story", "Gzip Story"),
    ]
    assert all("dredging of the main channel" in body for _, _, body in articles)
    captures = query(archive, "SELECT url, status, warc_file FROM captures ORDER BY warc_offset")
    assert [status for _, status, _ in captures] == [200, 200, 200, 304]
    assert {file for _, _, file in captures} == {name}
    (start_url,) = query(archive, "SELECT start_url FROM crawls")[0]
    assert start_url == SITE  # from the warcinfo's isPartOf

    verify = jcrawl("verify", archive=archive)
    assert verify.returncode == 0, verify.stdout


def test_import_of_a_wget_warc_finds_every_article(small_site: BenchSite, tmp_path: Path) -> None:
    if shutil.which("wget") is None:
        pytest.skip("wget is not installed (make test installs it)")
    prefix = tmp_path / "site"
    # The flags the shared bench baseline crawls with (Debian's wget, one connection).
    wget = subprocess.run(
        ["wget", "--recursive", "--level=inf", "--no-verbose", "--directory-prefix", tmp_path / "files",
         f"--warc-file={prefix}", "--output-file", tmp_path / "wget.log", small_site.url],
        capture_output=True, timeout=300,
    )  # fmt: skip
    assert wget.returncode in (0, 8), (tmp_path / "wget.log").read_text()[-2000:]
    warc = prefix.with_name("site.warc.gz")
    archive = tmp_path / "archive"

    result = jcrawl("import", warc, archive=archive)
    assert result.returncode == 0, result.stderr[-2000:]
    stored = dict(query(archive, "SELECT url, title FROM articles"))
    truth = small_site.ground_truth
    assert len(truth) == 300
    assert {t["url"]: t["title"] for t in truth}.items() <= stored.items()
    assert jcrawl("verify", archive=archive).returncode == 0

    again = jcrawl("import", warc, archive=archive)  # the same file twice: nothing is indexed twice
    assert again.returncode == 0 and "already in the archive" in again.stdout and "(0 new)" in again.stdout
    assert query(archive, "SELECT COUNT(*) FROM captures") == query(
        archive, "SELECT COUNT(DISTINCT warc_offset) FROM captures"
    )


def test_import_refuses_what_it_cannot_index_and_copies_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    good = tmp_path / "good.warc.gz"
    write_foreign_warc(good, compress=True)
    not_warc = tmp_path / "notes.warc.gz"
    not_warc.write_bytes(gzip.compress(b"just some text, not a WARC record\n"))
    one_stream = tmp_path / "one-stream.warc.gz"
    plain = tmp_path / "plain.warc"
    write_foreign_warc(plain, compress=False)
    one_stream.write_bytes(gzip.compress(plain.read_bytes()))

    for bad, says in [
        (not_warc, "cannot be read as WARC records"),
        (one_stream, "warcio recompress"),
        (tmp_path / "missing.warc.gz", "no such file"),
        (tmp_path / "wrong.txt", "not a WARC file name"),
    ]:
        if bad.name == "wrong.txt":
            bad.write_text("x")
        result = jcrawl("import", good, bad, archive=archive)
        assert result.returncode == 2, (bad, result.stdout)
        assert says in result.stderr and "Traceback" not in result.stderr
        assert not (archive / "warc").exists() or not any((archive / "warc").iterdir())


@pytest.mark.parametrize("damage", ["truncated", "garbage-between", "garbage-after"])
def test_damaged_gzip_files_import_every_whole_record_and_exit_1(tmp_path: Path, damage: str) -> None:
    """A file cut inside its last record, or with junk between or after records: each whole record is
    imported, the damage is named once at the offset where it starts, and the import exits 1."""
    warc = tmp_path / "foreign.warc.gz"
    write_foreign_warc(warc, compress=True)
    assert jcrawl("import", warc, archive=tmp_path / "whole").returncode == 0
    offsets = [
        offset for (offset,) in query(tmp_path / "whole", "SELECT warc_offset FROM captures ORDER BY 1")
    ]
    data = warc.read_bytes()
    junk = b"\x00garbage that is not a gzip member\r\n" * 3
    if damage == "truncated":  # cut inside the last capture's member (the revisit)
        damaged_at, data = offsets[-1], data[: offsets[-1] + 20]
    elif damage == "garbage-between":
        damaged_at, data = offsets[1], data[: offsets[1]] + junk + data[offsets[1] :]
    else:
        damaged_at, data = len(data), data + junk
    warc.write_bytes(data)
    archive = tmp_path / "archive"
    result = jcrawl("import", warc, archive=archive)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stdout + result.stderr
    damaged = [line for line in result.stdout.splitlines() if line.startswith("damaged:")]
    assert len(damaged) == 1 and damaged[0].startswith(f"damaged: {warc.name} offset {damaged_at}: ")
    whole_records = len(offsets) - (damage == "truncated")
    assert query(archive, "SELECT COUNT(*) FROM captures") == [(whole_records,)]
    assert len(query(archive, "SELECT title FROM articles")) == 3
    verify = jcrawl("verify", archive=archive)
    assert verify.returncode == 1 and f"damaged: {warc.name} offset {damaged_at}: " in verify.stdout


def response_record(url: str | None, body: bytes, length: int | None = None, dated: bool = True) -> bytes:
    """A response record written byte by byte (warcio would not write these broken ones)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    headers = [
        "WARC/1.0",
        "WARC-Type: response",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>",
        *(["WARC-Date: 2024-05-01T10:00:00Z"] if dated else []),
        *([f"WARC-Target-URI: {url}"] if url else []),
        "Content-Type: application/http; msgtype=response",
        f"Content-Length: {len(http) if length is None else length}",
    ]
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + http + b"\r\n\r\n"


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzipped"])
def test_records_warcio_breaks_on_are_named_and_read_past(tmp_path: Path, compress: bool) -> None:
    """A response without its WARC-Target-URI, one whose Content-Length is past any size (warcio
    raised AttributeError and OverflowError on them) and one without its WARC-Date (which no row can
    hold) ended the import with an unexpected error, exit 70: they are named damaged, and the records
    after each are imported."""
    records = [
        response_record(f"{SITE}/2024/05/undated/", article_page("Undated Story", "rail"), dated=False),
        response_record(None, article_page("Nowhere Story", "harbour")),
        response_record(f"{SITE}/2024/05/first/", article_page("First Story", "harbour")),
        response_record(f"{SITE}/2024/05/huge/", b"<p>x</p>", length=10**20),
        response_record(f"{SITE}/2024/05/second/", article_page("Second Story", "rail")),
    ]
    warc = tmp_path / ("foreign.warc.gz" if compress else "foreign.warc")
    warc.write_bytes(b"".join(gzip.compress(r) for r in records) if compress else b"".join(records))
    result = jcrawl("import", warc, archive=tmp_path / "archive")
    assert result.returncode == 1 and result.stderr == "", result.stdout + result.stderr
    damaged = [line.split(": ", 2)[2] for line in result.stdout.splitlines() if line.startswith("damaged:")]
    assert damaged == [
        "a response record without WARC-Date",
        "a response record without WARC-Target-URI",
        "its Content-Length, 100,000,000,000,000,000,000, is past any file's size",
    ]
    titles = query(tmp_path / "archive", "SELECT title FROM articles ORDER BY title")
    assert titles == [("First Story",), ("Second Story",)]


def test_a_binary_body_said_to_be_html_is_imported_but_never_extracted(tmp_path: Path) -> None:
    """As in a crawl (archive/pages.is_html): the capture is kept, no article is made of its bytes, by
    the import or by a reparse."""
    warc = tmp_path / "foreign.warc"
    binary = random.Random(5).randbytes(20000)
    warc.write_bytes(
        response_record(f"{SITE}/2024/05/binary/", binary)
        + response_record(f"{SITE}/2024/05/first/", article_page("First Story", "harbour"))
    )
    archive = tmp_path / "archive"
    assert jcrawl("import", warc, archive=archive).returncode == 0
    for run in ("import", "reparse"):
        if run == "reparse":
            assert jcrawl("reparse", archive=archive).returncode == 0
        assert query(archive, "SELECT COUNT(*) FROM captures") == [(2,)], run
        assert query(archive, "SELECT title FROM articles") == [("First Story",)], run
