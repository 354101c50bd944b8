"""Records hold the exchange as it crossed the connection: a raw-socket server sends odd reason
phrases, lower-case and repeated headers, chunked and close-delimited bodies and HTTP/1.0, and each
response record's block is those bytes, each request record's block the bytes the server received.
warcio, FastWARC and `jcrawl verify` accept the files, and a rebuilt database has the same articles."""

from __future__ import annotations

import gzip
import shutil
import socket
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.revisit import payload_digest
from tests.faultserver import FaultServer, article_html, serve
from tests.helpers import jcrawl, query

PAGES = {
    "/odd-reason/": "Odd Reason Story",
    "/custom-status/": "Custom Status Story",
    "/chunked/": "Chunked Story",
    "/close-delimited/": "Close Delimited Story",
    "/http10/": "Old Protocol Story",
}


def page(path: str) -> bytes:
    return article_html(PAGES[path]).encode()


def chunks(body: bytes, size: int = 300) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x;note=1\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\nx-trailer: done\r\n\r\n"


# What each route sends: the head and body bytes, exactly.
SENT = {
    "/odd-reason/": (
        b'HTTP/1.1 200 Fine Thanks\r\nx-lower-case: yes\r\nETag: "v1"\r\nSet-Cookie: a=1\r\n'
        b"Set-Cookie: b=2\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
        % len(page("/odd-reason/")),
        page("/odd-reason/"),
    ),
    "/custom-status/": (
        b"HTTP/1.1 299 Custom Status\r\ncontent-type: text/html; charset=utf-8\r\nX-Seen: 1\r\n"
        b"x-seen: 2\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(page("/custom-status/")),
        page("/custom-status/"),
    ),
    "/chunked/": (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n",
        chunks(page("/chunked/")),
    ),
    "/close-delimited/": (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n",
        gzip.compress(page("/close-delimited/")),
    ),
    "/http10/": (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n", page("/http10/")),
}


def sender(path: str):
    head, body = SENT[path]

    def route(conn: socket.socket, attempt: int) -> None:
        conn.sendall(head)
        for start in range(0, len(body), 500):  # in pieces, as a network delivers them
            conn.sendall(body[start : start + 500])

    return route


def home(conn: socket.socket, attempt: int) -> None:
    links = "".join(f'<a href="{path}">{title}</a>' for path, title in PAGES.items())
    body = f"<html><body>{links}</body></html>".encode()
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FaultServer, Path]]:
    routes = {"/": home, "/robots.txt": lambda c, a: c.sendall(b"HTTP/1.1 404 Not Found\r\n\r\n")}
    routes |= {path: sender(path) for path in PAGES}
    with serve(routes) as server:
        archive = tmp_path_factory.mktemp("wire") / "archive"
        result = jcrawl("crawl", server.url("/"), archive=archive)
        assert result.returncode in (0, 1), result.stderr[-3000:]
        yield server, archive


def blocks(archive: Path) -> dict[tuple[str, str], bytes]:
    """(record type, target URI) -> the record's block, as bytes in the file (from each gzip member)."""
    found = {}
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        data = path.read_bytes()
        while data:
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            record = inflater.decompress(data)
            data = inflater.unused_data
            header, _, rest = record.partition(b"\r\n\r\n")
            fields = dict(line.split(b": ", 1) for line in header.split(b"\r\n")[1:])
            length = int(fields[b"Content-Length"])
            uri = fields.get(b"WARC-Target-URI", b"").decode()
            found[(fields[b"WARC-Type"].decode(), uri)] = rest[:length]
    return found


@pytest.mark.parametrize("path", list(PAGES))
def test_response_record_holds_the_bytes_as_sent(crawled: tuple[FaultServer, Path], path: str) -> None:
    server, archive = crawled
    head, body = SENT[path]
    assert blocks(archive)[("response", server.url(path))] == head + body


@pytest.mark.parametrize("path", list(PAGES))
def test_request_record_holds_the_bytes_as_received(crawled: tuple[FaultServer, Path], path: str) -> None:
    server, archive = crawled
    assert blocks(archive)[("request", server.url(path))] == server.heads[path]


def test_articles_extracted_and_rebuilt_from_the_raw_records(
    crawled: tuple[FaultServer, Path], tmp_path: Path
) -> None:
    _, archive = crawled
    sql = "SELECT url, title, content_hash FROM articles ORDER BY url"
    articles = query(archive, sql)
    assert sorted(title for _, title, _ in articles) == sorted(PAGES.values())
    copy = Path(shutil.copytree(archive, tmp_path / "copy", ignore=shutil.ignore_patterns("journal.db*")))
    assert jcrawl("reparse", archive=copy).returncode == 0
    assert query(copy, sql) == articles
    # The chunked record states no payload digest (the tools disagree on it); its row has WARC 1.1's.
    chunked = "SELECT payload_digest FROM captures WHERE url LIKE '%/chunked/'"
    assert query(copy, chunked) == query(archive, chunked) == [(payload_digest(page("/chunked/")),)]


def test_independent_validators_and_verify_accept_the_files(
    crawled: tuple[FaultServer, Path], tmp_path: Path
) -> None:
    _, archive = crawled
    bin_dir = Path(sys.executable).parent
    files = sorted((archive / "warc").glob("*.warc.gz"))
    check = subprocess.run([bin_dir / "warcio", "check", "-v", *files], capture_output=True, text=True)
    assert check.returncode == 0 and "digest pass" in check.stdout, check.stdout
    fastwarc = shutil.which("fastwarc", path=str(bin_dir))
    if fastwarc is None:
        pytest.skip("FastWARC is not installed (pip install fastwarc)")
    for path in files:
        report = tmp_path / f"{path.name}.txt"
        result = subprocess.run([fastwarc, "check", "-p", "-q", "-o", report, path], capture_output=True)
        said = report.read_text()
        assert result.returncode == 0 and "FAIL" not in said and "PAYLOAD_OK" in said, said
    verify = jcrawl("verify", archive=archive)
    assert verify.returncode == 0, verify.stdout
