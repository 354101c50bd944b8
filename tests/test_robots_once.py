"""robots.txt is fetched once per crawl: the spider (for its Sitemap lines) and the robots rules share it."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.faultserver import article_html, reset, respond, serve
from tests.helpers import jcrawl, query


def test_robots_txt_is_fetched_and_archived_once(httpserver: HTTPServer, tmp_path: Path) -> None:
    base = httpserver.url_for("/")
    httpserver.expect_request("/robots.txt").respond_with_data(
        f"User-agent: *\nDisallow: /private/\nSitemap: {base}map.xml\n"
    )
    httpserver.expect_request("/map.xml").respond_with_data(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}from-sitemap/</loc></url></urlset>",
        content_type="application/xml",
    )
    httpserver.expect_request("/").respond_with_data(
        '<html><body><a href="/private/x/">x</a></body></html>', content_type="text/html"
    )
    httpserver.expect_request("/from-sitemap/").respond_with_data(
        article_html("Found Through The Sitemap"), content_type="text/html"
    )
    archive = tmp_path / "archive"
    result = jcrawl("crawl", base, archive=archive)
    assert result.returncode == 0, result.stderr[-2000:]

    paths = [request.path for request, _ in httpserver.log]
    assert paths.count("/robots.txt") == 1, paths
    assert "/private/x/" not in paths  # the rules come from that one fetch
    assert query(archive, "SELECT title FROM articles") == [("Found Through The Sitemap",)]
    assert query(archive, "SELECT COUNT(*) FROM captures WHERE url LIKE '%/robots.txt'") == [(1,)]
    assert jcrawl("verify", archive=archive).returncode == 0


def test_a_robots_txt_that_cannot_be_fetched_is_asked_for_once(tmp_path: Path) -> None:
    home = b'<html><body><a href="/story/">Story</a></body></html>'
    story = article_html("Found Without Robots").encode()
    routes = {
        "/robots.txt": reset,
        "/": lambda conn, attempt: respond(conn, 200, home),
        "/story/": lambda conn, attempt: respond(conn, 200, story),
    }
    with serve(routes) as server:
        archive = tmp_path / "archive"
        result = jcrawl("crawl", server.url("/"), "-s", "JCRAWL_RETRY_BACKOFF=0.05", archive=archive)
    assert result.returncode == 0, result.stderr[-2000:]
    # Said on stderr as the errors table says it, the exception Scrapy appends to its line too.
    assert "Connection was closed cleanly" in result.stderr and "<twisted" not in result.stderr
    # One fetch with its three retries (RETRY_TIMES), shared by the rules and the spider's request.
    assert len(server.requests("/robots.txt")) == 4
    assert len(server.requests("/sitemap.xml")) == 1  # the spider's fallback still asks for it
    assert query(archive, "SELECT title FROM articles") == [("Found Without Robots",)]
