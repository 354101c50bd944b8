"""DOWNLOAD_MAXSIZE and DOWNLOAD_WARNSIZE hold with the lean HTTP client as with Scrapy's handler.

jcrawl's own crawls never reach them at the handler (crawler/downloadermiddlewares/limits.py keeps
the first JCRAWL_MAX_BODY_SIZE bytes of a body and bounds decompression by DOWNLOAD_MAXSIZE), but the
handler is a Scrapy download handler: a project that uses it with Scrapy's size limits gets Scrapy's
behaviour. A body past a limit is left to Scrapy's handler, which cancels it or warns of it, whether
its size is declared (Content-Length) or found while reading (chunked).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

from tests.faultserver import respond, serve

SPIDER = """
import json, scrapy

class Sizes(scrapy.Spider):
    name = "sizes"

    async def start(self):
        for url in self.urls.split():
            yield scrapy.Request(url, callback=self.got, errback=self.failed, dont_filter=True)

    def got(self, response):
        self.outcomes[response.url] = ["body", len(response.body)]

    def failed(self, failure):
        self.outcomes[failure.request.url] = ["failed", failure.type.__name__]

    def closed(self, reason):
        with open(self.out, "w") as f:
            json.dump({"outcomes": self.outcomes, "stats": self.crawler.stats.get_stats()}, f, default=str)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}
"""

HANDLERS = {
    "lean": "crawler.handlers.lean.LeanDownloadHandler",
    "scrapy": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler",
}


def chunked(size: int):
    """A route answering 200 with `size` bytes in chunks of 500 (no Content-Length)."""

    def route(conn: socket.socket, attempt: int) -> None:
        head = b"HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
        chunks = b"".join(b"%x\r\n%s\r\n" % (500, b"x" * 500) for _ in range(size // 500))
        conn.sendall(head + chunks + b"0\r\n\r\n")

    return route


def sized(size: int):
    """A route answering 200 with `size` bytes and their Content-Length."""
    return lambda conn, attempt: respond(conn, 200, b"x" * size)


def run(tmp_path: Path, client: str, urls: list[str]) -> tuple[dict, str]:
    """Fetch `urls` with Scrapy and one handler (DOWNLOAD_MAXSIZE 3000, DOWNLOAD_WARNSIZE 1000):
    each URL's outcome and the crawl's stats, and its log."""
    spider, out = tmp_path / "sizes.py", tmp_path / f"{client}.json"
    spider.write_text(SPIDER)
    settings = {
        "DOWNLOAD_HANDLERS": json.dumps({"http": HANDLERS[client]}),
        "DOWNLOAD_MAXSIZE": "3000",
        "DOWNLOAD_WARNSIZE": "1000",
        "RETRY_ENABLED": "False",
        "TELNETCONSOLE_ENABLED": "False",
    }
    command = [sys.executable, "-m", "scrapy", "runspider", spider, "-a", f"urls={' '.join(urls)}"]
    command += ["-a", f"out={out}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(out.read_text()), result.stderr


def warnings(log: str) -> list[tuple[str, str, str]]:
    """Scrapy's size warnings in a log, sorted (the requests run at once): (path, "Expected to
    receive N" or "Received" (a size found while reading, however many bytes had arrived), limit)."""
    found = re.findall(
        r"(Expected to receive \d+|Received) \d* ?bytes which is larger than download "
        r"(\w+ size \(\d+\)) in request <GET http://[^/]+(/[^>]*)>",
        log,
    )
    return sorted((path, size, limit) for size, limit, path in found)


def test_size_limits_cancel_and_warn_as_scrapy_does(tmp_path: Path) -> None:
    routes = {
        "/small": sized(500),
        "/warned": sized(2000),
        "/too-big": sized(5000),
        "/warned-chunked": chunked(2000),
        "/too-big-chunked": chunked(5000),
    }
    with serve(routes) as server:
        urls = [server.url(path) for path in routes]
        lean, lean_log = run(tmp_path, "lean", urls)
        scrapy, scrapy_log = run(tmp_path, "scrapy", urls)
        asked = {path: len(server.requests(path)) for path in routes}

    assert lean["outcomes"] == scrapy["outcomes"]
    by_path = {url.rsplit("/", 1)[1]: outcome for url, outcome in lean["outcomes"].items()}
    assert by_path["small"] == ["body", 500]
    assert by_path["warned"] == by_path["warned-chunked"] == ["body", 2000]
    assert by_path["too-big"][0] == by_path["too-big-chunked"][0] == "failed"
    # Scrapy's warnings, the same with either handler, for a declared size and for one found reading.
    assert warnings(lean_log) == warnings(scrapy_log)
    assert warnings(lean_log) == sorted(
        {
            ("/warned", "Expected to receive 2000", "warn size (1000)"),
            ("/too-big", "Expected to receive 5000", "max size (3000)"),
            ("/warned-chunked", "Received", "warn size (1000)"),
            ("/too-big-chunked", "Received", "warn size (1000)"),
            ("/too-big-chunked", "Received", "max size (3000)"),
        }
    )
    # The lean client read the small body; each body past a limit went to Scrapy's handler (asked
    # for twice: the lean client stops reading at the limit).
    assert lean["stats"]["jcrawl/http/lean"] == 1
    assert lean["stats"]["jcrawl/http/scrapy"] == 4
    assert asked["/small"] == 2  # once by each run
    assert all(asked[path] == 3 for path in routes if path != "/small")
