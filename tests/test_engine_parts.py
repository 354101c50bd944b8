"""What Scrapy's parts around the spider still do in a crawl, as jcrawl runs them with less work per
page (crawler/spidermiddlewares/lean.py, crawler/downloadermiddlewares/offsite.py): a followed link
is requested with the page it was found on as Referer, a redirect to another host is not followed,
and --max-depth counts links from the start page. An exception in a spider middleware is an error of
the crawl; a reactor other than asyncio's is refused. Cookies are kept, and checking their domains
asks no other host."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.helpers import ROOT, database, jcrawl


def page(title: str, links: str = "") -> str:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{title} opened a new berth this spring, the port authority said on Monday.</p>"
        f"</article>{links}</body></html>"
    )


def test_referer_offsite_redirect_and_depth(httpserver: HTTPServer, tmp_path: Path) -> None:
    s = httpserver
    s.no_handler_status_code = 404
    s.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    s.expect_request("/").respond_with_data(
        page("Home", '<a href="/first/">first</a> <a href="/moved/">moved</a>'), content_type="text/html"
    )
    s.expect_request("/first/").respond_with_data(
        page("First", '<a href="/second/">second</a>'), content_type="text/html"
    )
    s.expect_request("/second/").respond_with_data(
        page("Second", '<a href="/third/">third</a>'), content_type="text/html"
    )
    s.expect_request("/third/").respond_with_data(page("Third"), content_type="text/html")
    # The crawl starts at localhost: the server's other name is another site.
    s.expect_request("/moved/").respond_with_data(
        "", status=301, headers={"Location": f"http://127.0.0.1:{s.port}/elsewhere/"}
    )
    s.expect_request("/elsewhere/").respond_with_data(page("Elsewhere"), content_type="text/html")

    result = jcrawl("crawl", s.url_for("/"), "--max-depth", "2", archive=tmp_path)
    assert result.returncode == 0, result.stderr

    referers = {request.path: request.headers.get("Referer") for request, _ in s.log}
    assert referers["/first/"] == s.url_for("/")
    assert referers["/second/"] == s.url_for("/first/")
    assert "/moved/" in referers and "/elsewhere/" not in referers
    assert "/third/" not in referers  # three links away from the start page


def test_an_error_in_a_spider_middleware_is_an_error_of_the_crawl(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    s = httpserver
    s.no_handler_status_code = 404
    s.expect_request("/").respond_with_data(
        page("Home", '<a href="/first/">first</a> <a href="/second/">second</a>'), content_type="text/html"
    )
    for name in ("first", "second"):
        s.expect_request(f"/{name}/").respond_with_data(page(name.title()), content_type="text/html")
    plugin = '{"tests.broken_plugin.BreaksOnSecondPage": 960}'
    result = jcrawl("crawl", s.url_for("/"), "-s", f"SPIDER_MIDDLEWARES={plugin}", archive=tmp_path)
    assert result.returncode == 1, result.stderr  # done, with a page lost
    assert "1 error recorded" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    with database(tmp_path) as db:
        errors = db.execute("SELECT url, kind, message FROM errors WHERE kind != 'http'").fetchall()
        captured = {row[0] for row in db.execute("SELECT url FROM captures")}
    assert errors == [
        (s.url_for("/second/"), "spider", f"RuntimeError: the plug-in broke on {s.url_for('/second/')}")
    ]
    assert s.url_for("/second/") in captured  # archived before the plug-in broke
    assert "the plug-in broke" in (tmp_path / "jcrawl.log").read_text()  # with its traceback


def test_a_crawl_runs_only_on_the_asyncio_reactor(tmp_path: Path) -> None:
    reactor = "twisted.internet.epollreactor.EPollReactor"
    result = jcrawl("crawl", "http://127.0.0.1:9/", "-s", f"TWISTED_REACTOR={reactor}", archive=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"jcrawl crawl: error: -s TWISTED_REACTOR={reactor}: jcrawl runs only with "
        "TWISTED_REACTOR=twisted.internet.asyncioreactor.AsyncioSelectorReactor "
        "(the spider and the extraction pool await asyncio futures)"
    ]


def test_cookies_are_kept_and_no_other_host_is_asked_about_them(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A cookie naming its domain is sent back to the site; checking that domain against the Public
    Suffix List asks no one (Scrapy's tldextract would download the list, through any HTTPS proxy)."""
    s = httpserver
    s.no_handler_status_code = 404
    home = page("Home", '<a href="/first/">first</a>')
    s.expect_request("/").respond_with_data(
        home, content_type="text/html", headers={"Set-Cookie": "visitor=42; Domain=127.0.0.1; Path=/"}
    )
    s.expect_request("/first/").respond_with_data(page("First"), content_type="text/html")
    asked: list[bytes] = []
    with socket.create_server(("127.0.0.1", 0)) as proxy:

        def note() -> None:
            with contextlib.suppress(OSError):
                while True:
                    connection, _ = proxy.accept()
                    with connection:
                        asked.append(connection.recv(200))

        threading.Thread(target=note, daemon=True).start()
        env = {key: value for key, value in os.environ.items() if not key.startswith("TLDEXTRACT")}
        env.update(
            HTTPS_PROXY=f"http://127.0.0.1:{proxy.getsockname()[1]}", XDG_CACHE_HOME=str(tmp_path / "cache")
        )
        start = f"http://127.0.0.1:{s.port}/"  # (a cookie for a dotless host such as localhost is refused)
        command = [sys.executable, "-m", "crawler.cli", "crawl", start, "--archive", str(tmp_path / "a")]
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert asked == []
    assert result.stderr == ""  # (tldextract warned of each URL it failed to fetch)
    cookies = {request.path: request.headers.get("Cookie") for request, _ in s.log}
    assert cookies["/first/"] == "visitor=42"
