"""The journal spider finds articles through robots.txt sitemaps, feeds and links, and stays on its site."""

from __future__ import annotations

import tracemalloc
import zlib
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from spiders.journal import MAX_SITEMAP_BYTES, JournalSpider
from tests.helpers import callback_output, jcrawl, query


def article(title: str, canonical: str = "", extra: str = "") -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f'<html lang="en"><head><title>{title} - Test Journal</title>{link}'
        '<meta property="og:type" content="article"></head><body>'
        f'<article><h1 class="entry-title">{title}</h1><div class="entry-content">'
        f"<p>{title} is the story of a port that grew quickly after the new berths opened last spring.</p>"
        "<p>Officials said the traffic figures would be published next month by the authority.</p>"
        f"</div></article>{extra}</body></html>"
    )


@pytest.fixture
def site(httpserver: HTTPServer) -> HTTPServer:
    """A small journal: a home page, a sitemap (from robots.txt), a feed (from <link rel=alternate>)."""
    s = httpserver
    s.no_handler_status_code = 404
    s.expect_request("/robots.txt").respond_with_data(
        f"User-agent: *\nDisallow: /private/\nSitemap: {s.url_for('/maps/sitemap.xml')}\n"
    )
    home = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed/"></head><body>'
        '<a href="/home-story/?utm_source=home&utm_medium=web">tracked</a>'
        '<a href="/home-story/#top">again</a>'
        '<a href="javascript:alert(1)">js</a> <a href="mailto:desk@example.com">mail</a>'
        '<a href="tel:+100">tel</a> <a href="data:text/html,x">data</a>'
        f'<a href="http://127.0.0.1:{s.port}/offsite/">other host</a> <a href="/private/secret/">secret</a>'
        '<a href="/alias/">alias</a></body></html>'
    )
    s.expect_request("/").respond_with_data(home, content_type="text/html")
    s.expect_request("/maps/sitemap.xml").respond_with_data(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{s.url_for('/sitemap-story/')}</loc><lastmod>2024-01-02</lastmod></url></urlset>",
        content_type="application/xml",
    )
    s.expect_request("/feed/").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><title>F</title><link>{s.url_for('/feed-story/')}</link></item></channel></rss>",
        content_type="application/rss+xml",
    )
    for name in ("home-story", "sitemap-story", "feed-story"):
        s.expect_request(f"/{name}/").respond_with_data(article(name.title()), content_type="text/html")
    # /alias/ is the same article as /home-story/, says its canonical link.
    s.expect_request("/alias/").respond_with_data(
        article("Home-Story", canonical=s.url_for("/home-story/")), content_type="text/html"
    )
    return s


def requested(server: HTTPServer) -> list[str]:
    return [f"{req.path}?{req.query_string.decode()}".rstrip("?") for req, _ in server.log]


def test_discovers_through_sitemap_feed_and_links(site: HTTPServer, tmp_path: Path) -> None:
    result = jcrawl("crawl", site.url_for("/"), archive=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    urls = {u for (u,) in query(tmp_path, "SELECT url FROM articles")}
    assert urls == {site.url_for(f"/{n}/") for n in ("home-story", "sitemap-story", "feed-story")}
    paths = requested(site)
    assert paths.count("/home-story/") == 1  # tracking parameters and the fragment were dropped
    assert "/private/secret/" not in paths  # robots.txt obeyed
    assert "1 URL disallowed by robots.txt" in result.stdout  # counted, no error
    assert query(tmp_path, "SELECT COUNT(*) FROM errors WHERE kind != 'http'") == [(0,)]
    assert "/offsite/" not in paths  # the server's other name is another site (the crawl starts at localhost)
    assert query(tmp_path, "SELECT COUNT(*) FROM captures WHERE url LIKE '%utm_%'") == [(0,)]


@pytest.mark.parametrize("start", ["/maps/sitemap.xml", "/feed/"])
def test_starts_from_a_sitemap_or_feed(site: HTTPServer, tmp_path: Path, start: str) -> None:
    result = jcrawl("crawl", site.url_for(start), "--max-depth", "1", archive=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    urls = {u for (u,) in query(tmp_path, "SELECT url FROM articles")}
    expected = "/sitemap-story/" if "sitemap" in start else "/feed-story/"
    assert site.url_for(expected) in urls


def test_max_pages_is_a_hard_cap_on_requests(site: HTTPServer, tmp_path: Path) -> None:
    sent_before = len(site.log)
    result = jcrawl("crawl", site.url_for("/"), "--max-pages", "3", archive=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(site.log) - sent_before == 3  # robots.txt, the start page and one more: no request in flight
    (pages,) = query(tmp_path, "SELECT COUNT(*) FROM captures")[0]
    assert pages == 3
    assert "max_pages" in result.stdout and "Crawled 3 pages" in result.stdout


def test_a_gzipped_sitemap_is_read_up_to_its_size_limit_in_bounded_memory() -> None:
    """A .xml.gz sitemap served without Content-Encoding is inflated only up to the sitemaps.org limit
    for one file (50 MB): the entries before the limit are followed, and a gzip bomb (400 MB of
    whitespace after them, 400 KB on the wire) costs the crawler no more memory than the limit."""
    spider = JournalSpider.from_crawler(get_crawler(JournalSpider), start_url="http://journal.example/")
    stories = [f"http://journal.example/2024/story-{n}/" for n in range(3)]
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    body = packer.compress(
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + b"".join(b"<url><loc>%s</loc></url>" % url.encode() for url in stories)
    )
    blank = b" " * (1 << 20)
    body += b"".join(packer.compress(blank) for _ in range(400)) + packer.flush()
    url = "http://journal.example/sitemap.xml.gz"
    response = Response(url, body=body, headers={"Content-Type": "application/x-gzip"}, request=Request(url))
    tracemalloc.start()
    try:
        outputs = callback_output(spider.parse(response))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [output.url for output in outputs if isinstance(output, Request)] == stories
    assert peak < 3 * MAX_SITEMAP_BYTES, f"{peak:,} bytes at the peak"
