"""Server faults and bad bodies: the crawl goes on, records what happened, and loses nothing.

One crawl of a site whose pages misbehave in every way on the list (tests/faultserver.py serves raw
bytes); each test checks what a user finds afterwards: the WARC records, the `errors` rows, the
articles, the server's request log, and no traceback anywhere.
"""

from __future__ import annotations

import gzip
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.faultserver import FaultServer, Route, article_html, html, reset, respond, response_head, serve
from tests.helpers import jcrawl, query

# Short limits, so each fault costs a second or two (the defaults are in crawler/settings.py).
SETTINGS = {
    "DOWNLOAD_TIMEOUT": "2",
    "RETRY_TIMES": "2",
    "JCRAWL_RETRY_BACKOFF": "0.05",
    "JCRAWL_RETRY_MAX_DELAY": "10",
    "JCRAWL_MAX_BODY_SECONDS": "1",
    "JCRAWL_MAX_BODY_SIZE": "1000000",
}
HUGE = 200 * 1024 * 1024
LONG_CHAIN = 30


def fails_then_ok(failures: int, status: int, retry_after: str | None = None) -> Route:
    """Answer `status` (with Retry-After: `retry_after`, "DATE+n" for an HTTP date n s ahead) at first."""

    def route(conn: socket.socket, attempt: int) -> None:
        if attempt > failures:
            respond(conn, 200, article_html(f"Recovered after {status}").encode())
            return
        headers = {}
        if retry_after and retry_after.startswith("DATE+"):
            headers["Retry-After"] = formatdate(time.time() + int(retry_after[5:]), usegmt=True)
        elif retry_after:
            headers["Retry-After"] = retry_after
        respond(conn, status, b"<html>busy, come back later</html>", headers)

    return route


def hang(conn: socket.socket, attempt: int) -> None:
    """Read the request and never answer: wait for the crawler to give up and hang up."""
    conn.recv(1)


def trickle(conn: socket.socket, attempt: int) -> None:
    """Headers, then a byte every 50 ms for as long as the crawler listens (at most a minute)."""
    conn.sendall(response_head(200, {"Content-Type": "text/html"}) + b"<html><body><p>")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        conn.sendall(b"x")
        time.sleep(0.05)


def truncated(conn: socket.socket, attempt: int) -> None:
    """Announce 5,000 bytes, send 2,000, close."""
    body = article_html("Cut short", ["word " * 900]).encode()
    conn.sendall(response_head(200, {"Content-Type": "text/html"}, 5000) + body[:2000])
    conn.shutdown(socket.SHUT_WR)


def huge(conn: socket.socket, attempt: int) -> None:
    """A 200 MB page, sent for as long as the crawler reads it."""
    conn.sendall(response_head(200, {"Content-Type": "text/html"}, HUGE) + b"<html><body>")
    line = b"<p>" + b"All work and no play makes a long page. " * 40 + b"</p>\n"
    sent = 0
    while sent < HUGE:
        conn.sendall(line)
        sent += len(line)


def bad_gzip(conn: socket.socket, attempt: int) -> None:
    body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + random.Random(3).randbytes(3000)
    conn.sendall(
        response_head(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, len(body)) + body
    )


def redirect(target: str) -> Route:
    return lambda conn, attempt: respond(conn, 302, b"", {"Location": target})


BINARY_BODIES = {  # said to be text/html
    "/binary/": random.Random(5).randbytes(20000),
    # a page gzipped with no Content-Encoding to say so: what a browser shows is binary too
    "/gzip-unsaid/": gzip.compress(article_html("Gzipped, unsaid").encode()),
}
NESTED = "<html><body>" + "<div>" * 20000 + "<p>Deep down.</p>" + "</div>" * 20000 + "</body></html>"
ROUTES: dict[str, Route] = {
    "/ok/": html(article_html("A page that works")),
    "/gzipped/": lambda c, a: respond(
        c, 200, gzip.compress(article_html("Served gzipped").encode()), {"Content-Encoding": "gzip"}
    ),
    "/retry-after-seconds/": fails_then_ok(1, 429, "1"),
    "/retry-after-date/": fails_then_ok(1, 503, "DATE+3"),
    "/backoff/": fails_then_ok(2, 429),
    "/always-500/": fails_then_ok(99, 500),
    "/retry-after-too-long/": fails_then_ok(99, 503, "3600"),
    "/reset/": reset,
    "/hang/": hang,
    "/trickle/": trickle,
    "/truncated/": truncated,
    "/huge/": huge,
    "/bad-gzip/": bad_gzip,
    "/empty/": html(b""),
    **{path: html(body) for path, body in BINARY_BODIES.items()},
    "/nested/": html(NESTED),
}
LINKED = [*ROUTES, "/loop/a/", "/chain/0/"]
ROUTES.update(
    {
        "/loop/a/": redirect("/loop/b/"),
        "/loop/b/": redirect("/loop/a/"),
        **{f"/chain/{n}/": redirect(f"/chain/{n + 1}/") for n in range(LONG_CHAIN)},
        "/": html("<html><body>" + "".join(f'<a href="{p}">{p}</a>' for p in LINKED) + "</body></html>"),
    }
)


@dataclass
class Crawled:
    server: FaultServer
    archive: Path
    result: subprocess.CompletedProcess

    def url(self, path: str) -> str:
        return self.server.url(path)

    def errors(self, path: str) -> list[tuple[str, str]]:
        return query(self.archive, "SELECT kind, message FROM errors WHERE url = ?", (self.url(path),))

    def responses(self, path: str) -> list[tuple[dict[str, str], bytes]]:
        """WARC headers and HTTP payload (as sent: not decompressed) of every response record for `path`."""
        found = []
        for warc in sorted((self.archive / "warc").glob("*.warc.gz")):
            with open(warc, "rb") as f:
                for record in ArchiveIterator(f):
                    if record.rec_type == "response" and record.rec_headers.get_header(
                        "WARC-Target-URI"
                    ) == self.url(path):
                        headers = dict(record.rec_headers.headers)
                        headers["status"] = record.http_headers.get_statuscode()
                        found.append((headers, record.raw_stream.read()))
        return found


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    archive = tmp_path_factory.mktemp("faults")
    with serve(ROUTES) as server:
        options = [arg for name, value in SETTINGS.items() for arg in ("-s", f"{name}={value}")]
        result = jcrawl("crawl", server.url("/"), *options, archive=archive, timeout=120)
    return Crawled(server, archive, result)


def test_the_crawl_completes_and_reports(crawled: Crawled) -> None:
    result = crawled.result
    assert result.returncode == 1, result.stderr[-3000:]  # 1: some pages could not be fetched
    assert "Crawled" in result.stdout and "errors recorded" in result.stdout
    log = (crawled.archive / "jcrawl.log").read_text()
    assert "Traceback" not in log and "Traceback" not in result.stderr
    assert "Spider error" not in log
    # A download given up is said on stderr as the errors table says it, not as Twisted's reprs.
    gave_up = [line for line in result.stderr.splitlines() if "Gave up retrying" in line]
    assert gave_up and all("<twisted" not in line and "Failure" not in line for line in gave_up)
    assert any(line.endswith("Connection was closed cleanly.") for line in gave_up), gave_up
    urls = {u for (u,) in query(crawled.archive, "SELECT url FROM articles")}
    assert {crawled.url("/ok/"), crawled.url("/gzipped/")} <= urls


def test_every_warc_passes_warcio_check(crawled: Crawled) -> None:
    files = sorted((crawled.archive / "warc").glob("*.warc.gz"))
    assert files and not list((crawled.archive / "warc").glob("*.open"))
    for path in files:
        check = subprocess.run(
            [Path(sys.executable).with_name("warcio"), "check", path], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_retry_after_in_seconds_is_honoured(crawled: Crawled) -> None:
    first, second = crawled.server.requests("/retry-after-seconds/")
    assert second - first >= 1.0
    assert crawled.errors("/retry-after-seconds/") == []
    assert query(
        crawled.archive, "SELECT title FROM articles WHERE url = ?", (crawled.url("/retry-after-seconds/"),)
    )


def test_retry_after_as_http_date_is_honoured(crawled: Crawled) -> None:
    first, second = crawled.server.requests("/retry-after-date/")
    assert second - first >= 2.0  # the date is 3 s ahead, rounded down to the second
    assert crawled.errors("/retry-after-date/") == []


def test_429_without_retry_after_backs_off_and_recovers(crawled: Crawled) -> None:
    assert len(crawled.server.requests("/backoff/")) == 3
    assert crawled.errors("/backoff/") == []
    # Both refusals and the success are in the archive, as the server sent them.
    statuses = sorted(headers["status"] for headers, _ in crawled.responses("/backoff/"))
    assert statuses == ["200", "429", "429"]


def test_a_persistent_5xx_is_retried_then_recorded(crawled: Crawled) -> None:
    assert len(crawled.server.requests("/always-500/")) == 3  # RETRY_TIMES=2
    assert crawled.errors("/always-500/") == [("http", "HTTP 500 after 2 retries")]


def test_a_retry_after_beyond_the_cap_is_not_retried_early(crawled: Crawled) -> None:
    assert len(crawled.server.requests("/retry-after-too-long/")) == 1
    assert crawled.errors("/retry-after-too-long/") == [("http", "HTTP 503")]


@pytest.mark.parametrize(
    ("path", "kind", "says"),
    [
        ("/reset/", "DownloadFailedError", "Connection"),  # ConnectionDone or ConnectionLost: Twisted's view
        ("/hang/", "DownloadTimeoutError", "took longer than 2.0 seconds"),
    ],
)
def test_network_failures_are_retried_then_recorded(
    crawled: Crawled, path: str, kind: str, says: str
) -> None:
    assert len(crawled.server.requests(path)) == 3
    [(recorded_kind, message)] = crawled.errors(path)
    assert recorded_kind == kind and says in message
    assert crawled.responses(path) == []  # no response arrived: nothing to archive


@pytest.mark.parametrize(
    ("path", "reason", "kept"),
    [
        ("/trickle/", "time", b"<p>xxxx"),
        ("/truncated/", "disconnect", b"<h1"),
        ("/huge/", "length", b"<p>All"),
    ],
)
def test_cut_bodies_are_kept_and_flagged(crawled: Crawled, path: str, reason: str, kept: bytes) -> None:
    [(headers, payload)] = crawled.responses(path)
    assert headers["WARC-Truncated"] == reason
    assert kept in payload
    [(kind, message)] = crawled.errors(path)
    assert kind == "truncated" and f"WARC-Truncated: {reason}" in message
    (captures,) = query(crawled.archive, "SELECT COUNT(*) FROM captures WHERE url = ?", (crawled.url(path),))
    assert captures == (1,)


def test_a_200_mb_page_is_cut_at_the_size_limit(crawled: Crawled) -> None:
    [(_, payload)] = crawled.responses("/huge/")
    assert 1_000_000 < len(payload) < 5_000_000  # the limit, plus what was already on its way
    [(_, message)] = crawled.errors("/huge/")
    assert f"of {HUGE}" in message


def test_a_bad_gzip_body_is_archived_as_sent_and_recorded(crawled: Crawled) -> None:
    [(headers, payload)] = crawled.responses("/bad-gzip/")
    assert "WARC-Truncated" not in headers
    assert payload.endswith(random.Random(3).randbytes(3000))
    [(kind, message)] = crawled.errors("/bad-gzip/")
    assert kind == "decoding" and message.startswith("cannot decompress the body: ")


def test_an_empty_body_is_archived_and_recorded(crawled: Crawled) -> None:
    assert len(crawled.responses("/empty/")) == 1
    assert crawled.errors("/empty/") == [("empty", "HTTP 200 with an empty body")]


def test_a_deeply_nested_page_gives_a_clean_record(crawled: Crawled) -> None:
    assert len(crawled.responses("/nested/")) == 1
    assert crawled.errors("/nested/") == []
    rows = query(crawled.archive, "SELECT body FROM articles WHERE url = ?", (crawled.url("/nested/"),))
    assert all(isinstance(body, str) for (body,) in rows)


@pytest.mark.parametrize("path", BINARY_BODIES)
def test_a_binary_body_said_to_be_html_is_archived_and_named_not_extracted(
    crawled: Crawled, path: str
) -> None:
    [(_, payload)] = crawled.responses(path)
    assert payload == BINARY_BODIES[path]
    assert crawled.errors(path) == [("binary", "HTTP 200 text/html with a binary body: not extracted")]
    articles = query(crawled.archive, "SELECT COUNT(*) FROM articles WHERE url = ?", (crawled.url(path),))
    assert articles == [(0,)]


def test_a_redirect_loop_is_cut_and_named(crawled: Crawled) -> None:
    assert len(crawled.server.requests("/loop/a/")) == 1 and len(crawled.server.requests("/loop/b/")) == 1
    a, b = crawled.url("/loop/a/"), crawled.url("/loop/b/")
    assert crawled.errors("/loop/b/") == [("RedirectLoop", f"redirect loop: {a} -> {b} -> {a}")]


def test_a_long_redirect_chain_is_cut(crawled: Crawled) -> None:
    asked = [path for _, path in crawled.server.log if path.startswith("/chain/")]
    assert len(asked) == 11  # REDIRECT_MAX_TIMES = 10 redirects followed, then cut
    [(kind, message)] = query(crawled.archive, "SELECT kind, message FROM errors WHERE url LIKE '%/chain/%'")
    assert kind == "TooManyRedirects" and "more than 10 redirects" in message
    (hops,) = query(crawled.archive, "SELECT COUNT(*) FROM captures WHERE url LIKE '%/chain/%'")
    assert hops == (11,)  # every hop is in the archive
