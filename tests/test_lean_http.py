"""The lean HTTP client (crawler/handlers/lean.py) archives what Scrapy's handler archives.

A crawl with it and one with JCRAWL_LEAN_HTTP = False make the same request and response records,
byte for byte but the Referer (the page that happened to link first) and the Date a server writes,
and the same rows, on the demo server (Content-Length, keep-alive, 304s) and on nginx (gzip,
chunked); the crawl's stats say which client made each exchange. A kept-alive connection the server
closed unanswered is sent again; a response the lean client does not read goes to Scrapy's handler.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import start_demo_site
from tests.faultserver import article_html, reset, serve
from tests.helpers import generated_bench_site, jcrawl, query
from tests.test_wire_records import blocks

ROWS = "SELECT url, title, authors, published, content_hash, word_count FROM articles ORDER BY url"


def crawl(url: str, archive: Path, *settings: str) -> Path:
    result = jcrawl("crawl", url, *(f"--set={s}" for s in settings), archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    return archive


def stats(archive: Path) -> dict:
    """The Scrapy stats of the archive's last crawl, as the `crawls` table keeps them."""
    [(text,)] = query(archive, "SELECT stats FROM crawls ORDER BY id DESC LIMIT 1")
    return json.loads(text)


def without(name: bytes, block: bytes) -> bytes:
    """A record's block without the header `name`, which differs from crawl to crawl (the Date a server
    writes; the Referer, the page that happened to link first)."""
    head, sep, body = block.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(name + b":")]
    return b"\r\n".join(lines) + sep + body


def assert_same_archive(lean: Path, scrapy: Path) -> None:
    ours, theirs = blocks(lean), blocks(scrapy)
    exchanges = {key for key in ours if key[0] in ("request", "response", "revisit")}
    assert exchanges == {key for key in theirs if key[0] in ("request", "response", "revisit")}
    for key in exchanges:
        name = b"referer" if key[0] == "request" else b"date"
        assert without(name, ours[key]) == without(name, theirs[key]), key
    assert query(lean, ROWS) == query(scrapy, ROWS)


def test_the_demo_site_is_archived_alike_by_both_clients(tmp_path: Path) -> None:
    with start_demo_site(tmp_path / "site", articles=30) as server:
        lean = crawl(server.url, tmp_path / "lean")
        scrapy = crawl(server.url, tmp_path / "scrapy", "JCRAWL_LEAN_HTTP=False")
        assert_same_archive(lean, scrapy)
        # Every exchange by one client (robots.txt's response is shared, fetched once: one fewer).
        counted = stats(lean)
        assert counted["jcrawl/http/lean"] == counted["downloader/response_count"] - 1 > 20
        assert "jcrawl/http/scrapy" not in counted
        assert stats(scrapy)["jcrawl/http/scrapy"] == counted["jcrawl/http/lean"]
        assert "jcrawl/http/lean" not in stats(scrapy)

        # An update sends conditional requests: 304s, read by the lean client as Scrapy's reads them.
        assert jcrawl("update", archive=lean).returncode == 0
        assert jcrawl("update", archive=scrapy).returncode == 0
        assert stats(lean)["downloader/response_status_count/304"] > 0
        assert_same_archive(lean, scrapy)


def test_nginx_gzip_and_chunked_exchanges_are_archived_alike(tmp_path: Path) -> None:
    with generated_bench_site(tmp_path, pages=40) as site:
        lean = crawl(site.url, tmp_path / "lean")
        scrapy = crawl(site.url, tmp_path / "scrapy", "JCRAWL_LEAN_HTTP=False")
    assert_same_archive(lean, scrapy)
    assert len(query(lean, "SELECT 1 FROM articles")) >= 40
    assert stats(lean)["jcrawl/http/lean"] == stats(lean)["downloader/response_count"] - 1
    assert "jcrawl/http/scrapy" not in stats(lean)


@contextmanager
def one_answer_per_connection(pages: dict[str, bytes]) -> Iterator[tuple[str, list[str]]]:
    """A server that keeps a connection alive after its first answer, then closes it on the next
    request without answering, as a server whose idle timeout ends just as a request arrives; yields its
    URL and the paths it was asked for."""
    asked: list[str] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        data = b""
        with conn:
            for answers in (1, 0):
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, data = data.partition(b"\r\n\r\n")
                path = head.split(b" ")[1].decode()
                asked.append(path)
                if answers:
                    body = pages.get(path, b"<html>not here</html>")
                    status = b"200 OK" if path in pages else b"404 Not Found"
                    head = b"HTTP/1.1 %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                    conn.sendall(head % (status, len(body)) + body)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/", asked
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_a_kept_alive_connection_the_server_closes_unanswered_is_sent_again(tmp_path: Path) -> None:
    links = "".join(f'<a href="/story-{n}/">Story {n}</a>' for n in range(6))
    pages = {"/": f"<html><body>{links}</body></html>".encode()}
    pages |= {f"/story-{n}/": article_html(f"Story number {n}").encode() for n in range(6)}
    with one_answer_per_connection(pages) as (url, asked):
        archive = crawl(url, tmp_path / "a", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    titles = sorted(title for (title,) in query(archive, "SELECT title FROM articles"))
    assert titles == sorted(f"Story number {n}" for n in range(6))
    assert query(archive, "SELECT url, kind FROM errors WHERE url LIKE '%/story-%'") == []
    # Each request that found its connection closed was sent again, on a new one: no error, no retry.
    counted = stats(archive)
    assert counted["jcrawl/http/scrapy"] >= 1 and counted["jcrawl/http/lean"] >= 3
    assert "retry/count" not in counted
    assert len(asked) > len(pages) + 1  # robots.txt, the pages, and requests that were not answered


@pytest.mark.parametrize(
    ("head", "kept"),
    [
        (b"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: %d\n\n", "LF-only lines"),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\n\r\n", "a mixed head and no length"),
        (
            b"HTTP/1.1 100 Continue\r\n\r\n"
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n",
            "1xx",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nContent-Length: %d\r\n\r\n",
            "two lengths",
        ),
    ],
)
def test_a_response_the_lean_client_does_not_read_is_left_to_scrapy(
    tmp_path: Path, head: bytes, kept: str
) -> None:
    body = article_html(f"A story with {kept}").encode()
    response = (head % ((len(body),) * head.count(b"%d"))) + body

    def route(conn: socket.socket, attempt: int) -> None:
        conn.sendall(response)

    with serve({"/story/": route}) as server:
        archive = crawl(server.url("/story/"), tmp_path / "a")
    assert query(archive, "SELECT title FROM articles") == [(f"A story with {kept}",)]
    assert query(archive, "SELECT kind, message FROM errors WHERE url LIKE '%/story/'") == []
    assert stats(archive)["jcrawl/http/scrapy"] == 1


def sending(data: bytes):
    """A fault-server route that sends `data`, whatever was asked."""
    return lambda conn, attempt: conn.sendall(data)


def test_malformed_and_cut_responses_give_the_same_captures_and_errors_with_either_client(
    tmp_path: Path,
) -> None:
    page = article_html("A whole story").encode()
    head = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/html\r\n"
    sent = {
        "/two-lengths/": head + b"Content-Length: %d\r\nContent-Length: 7\r\n\r\n%s" % (len(page), page),
        "/bad-chunk/": head + b"Transfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n",
        "/no-colon/": head + b"No colon here\r\nContent-Length: %d\r\n\r\n%s" % (len(page), page),
        "/bad-status/": b"HTTP/1.1 abc OK\r\nContent-Length: 5\r\n\r\nhello",
        "/http09/": page,
        "/lf-no-length/": b"HTTP/1.1 200 OK\nContent-Type: text/html\n\n" + page,
        "/trailers/": head
        + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\nX-T: 1\r\n\r\n" % (len(page), page),
        "/chunk-cut/": head + b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s" % (len(page), page[:100]),
        "/te-and-cl/": head
        + b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(page), page),
        "/http10/": b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + page,
        "/body-cut/": head + b"Content-Length: %d\r\n\r\n%s" % (len(page) + 50, page),
        "/body-longer/": head + b"Content-Length: 20\r\n\r\n" + page,
        "/nothing/": b"",
        "/head-cut/": b"HTTP/1.1 200 OK\r\nContent-Ty",
        "/folded/": head + b"X-Folded: a\r\n b\r\nContent-Length: %d\r\n\r\n%s" % (len(page), page),
        "/204/": b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
        "/304-with-body/": b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello",
        "/cl-list/": head + b"Content-Length: %d, %d\r\n\r\n%s" % (len(page), len(page), page),
        "/status-999/": b"HTTP/1.1 999 Weird\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
        % (len(page), page),
    }
    routes = {path: sending(data) for path, data in sent.items()}
    routes["/reset/"] = reset
    links = "".join(f'<a href="{path}">{path}</a>' for path in routes)
    home = f"<html><body>{links}</body></html>".encode()
    routes["/"] = lambda conn, attempt: conn.sendall(
        head + b"Content-Length: %d\r\n\r\n%s" % (len(home), home)
    )

    asked: dict[str, dict[str, int]] = {}  # setting -> path -> requests the server got

    def outcome(setting: str) -> tuple[set, set]:
        with serve(routes) as server:
            archive = tmp_path / setting
            result = jcrawl("crawl", server.url("/"), "-s", "RETRY_TIMES=0", "-s", setting, archive=archive)
        assert result.returncode == 1, result.stderr[-3000:]  # errors recorded
        asked[setting] = {path: len(server.requests(path)) for path in routes}
        port = str(server.port)
        captures = query(archive, "SELECT url, status, payload_digest FROM captures")
        errors = query(archive, "SELECT url, kind, message FROM errors")
        return (
            {(url.replace(port, "P"), status, digest) for url, status, digest in captures},
            {(url.replace(port, "P"), kind, message.replace(port, "P")) for url, kind, message in errors},
        )

    lean, scrapy = outcome("JCRAWL_LEAN_HTTP=True"), outcome("JCRAWL_LEAN_HTTP=False")
    assert lean == scrapy
    assert len(lean[1]) >= 8  # resets, cuts and refusals recorded, the same way
    # The cost the README states: a response the lean client leaves to Scrapy's is asked for twice;
    # a reset or a cut body is not asked again.
    on, off = asked["JCRAWL_LEAN_HTTP=True"], asked["JCRAWL_LEAN_HTTP=False"]
    assert on["/two-lengths/"] == on["/http10/"] == 2 and off["/two-lengths/"] == off["/http10/"] == 1
    assert on["/reset/"] == off["/reset/"] == 1 and on["/body-cut/"] == off["/body-cut/"] == 1


def test_a_host_name_is_resolved_as_scrapy_resolves_it(tmp_path: Path) -> None:
    story = article_html("A story found by name").encode()
    home = b'<html><body><a href="/story/">Story</a></body></html>'
    routes = {"/": sending(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(home), home))}
    routes["/story/"] = sending(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(story), story))
    with serve(routes) as server:
        archive = crawl(f"http://localhost:{server.port}/", tmp_path / "a")
    assert query(archive, "SELECT title FROM articles") == [("A story found by name",)]
    addresses = set()
    for path in (archive / "warc").glob("*.warc.gz"):
        with path.open("rb") as f:
            addresses |= {
                r.rec_headers.get_header("WARC-IP-Address")
                for r in ArchiveIterator(f)
                if r.rec_type == "response"
            }
    assert addresses == {"127.0.0.1"}
    assert stats(archive)["jcrawl/http/lean"] >= 3  # robots.txt, the home page, the story
    assert "jcrawl/http/scrapy" not in stats(archive)
