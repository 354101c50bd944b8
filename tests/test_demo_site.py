"""The bundled demo site: what the generator writes and how the loopback server answers."""

from __future__ import annotations

import gzip
import html
import http.client
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from crawler.demo import SEARCH_WORDS, DemoServer, build_site, serve, start_demo_site


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:  # 3xx surface as HTTPError
        return None


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
NO_REDIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def fetch(url: str, headers: dict | None = None, follow: bool = True) -> tuple[int, dict, bytes]:
    """GET `url`: status, headers and the raw (undecoded) body, for any status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with (OPENER if follow else NO_REDIRECT).open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def hrefs(page: bytes, base: str) -> list[str]:
    return [urljoin(base, html.unescape(h)) for h in re.findall(r'<a\s[^>]*?href="([^"]*)"', page.decode())]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with start_demo_site(tmp_path_factory.mktemp("demo")) as server:
        yield server


@pytest.fixture(scope="module")
def pages(site: DemoServer) -> dict[str, str]:
    """Every article page, by URL."""
    return {a["url"]: fetch(a["url"])[2].decode() for a in site.manifest["articles"]}


def test_home_page_links(site: DemoServer) -> None:
    status, headers, body = fetch(site.url)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    text, links = body.decode(), hrefs(body, site.url)
    assert f'<link rel="canonical" href="{site.url}">' in text
    feed = (
        f'type="application/rss+xml" title="The Sahel Business Review &raquo; Feed" href="{site.url}feed/">'
    )
    assert f'<link rel="alternate" {feed}' in text
    for section in ("mining", "energy", "agriculture", "finance", "infrastructure"):
        assert f"{site.url}category/{section}/" in links
    tracking = [u for u in links if "utm_source=" in u]
    assert tracking == site.manifest["tracking_urls"] and all("utm_medium=" in u for u in tracking)
    articles = {a["url"] for a in site.manifest["articles"]}
    assert len(articles & set(links)) >= 10
    assert f"{site.url}wp-admin/" in links and f"{site.url}about/" in links


def test_article_pages_carry_the_boilerplate(site: DemoServer, pages: dict[str, str]) -> None:
    boilerplate = [
        "Posted On ", "Number of times this article was read : ", "subscribe to The Sahel Business Review",
        "WhatsApp Group", "Other Articles in this Week's Issue", "Most Recent Stories from the Region",
        "Written by ", "https://www.facebook.com/sharer.php?u=", "https://twitter.com/share?",
        "https://www.linkedin.com/shareArticle?", "mailto:?subject=", 'class="search-form"', "Recent Posts",
        "Archives", '<link rel="canonical"', 'class="entry-content"',
    ]  # fmt: skip
    for (url, text), article in zip(pages.items(), site.manifest["articles"], strict=True):
        assert f'<h1 class="entry-title">{html.escape(article["title"], quote=False)}</h1>' in text
        assert f'<link rel="canonical" href="{url}">' in text
        assert [b for b in boilerplate if b not in text] == [], url
        assert re.search(r"Posted On <time [^>]*>\d{1,2} [A-Z][a-z]+ 20\d\d</time>", text)
        assert 3 <= text.count("<li><h3>") <= 5  # the "Most Recent Stories" teasers, with excerpts
    middle = list(pages.values())[30]
    assert 'rel="prev"' in middle and 'rel="next"' in middle


def test_article_metadata_and_body_links(site: DemoServer, pages: dict[str, str]) -> None:
    titles = {a["url"]: a["title"] for a in site.manifest["articles"]}
    json_ld = opengraph = credits = in_text = 0
    for url, text in pages.items():
        if m := re.search(r'<script type="application/ld\+json">(.*?)</script>', text):
            data, json_ld = json.loads(m.group(1)), json_ld + 1
            assert data["@type"] == "NewsArticle" and data["headline"] == titles[url]
            assert data["datePublished"].endswith("+01:00") and data["author"]["name"]
        if re.search(r'<meta property="article:published_time" content="[^"]+\+01:00">', text):
            opengraph += 1
        content = text.split('<div class="entry-content">')[1].split('</div>\n<nav class="navigation')[0]
        credit = bool(re.search(r"<p>(AFP|Reuters|AP|APA|Xinhua)</p>\n$", content))  # the content's last line
        credits, in_text = credits + credit, in_text + ("The Review <a href=" in content)
        assert 4 <= content.count("<p>") - credit <= 9  # body paragraphs
    n = len(pages)
    assert json_ld > n / 2 and 0 < opengraph < n and 0 < credits < n and in_text >= 3


def test_robots_txt(site: DemoServer) -> None:
    status, headers, body = fetch(site.url + "robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert "User-agent: *\nDisallow: /wp-admin/\n" in text and f"Sitemap: {site.url}sitemap.xml" in text
    assert (
        fetch(site.url + "wp-admin/")[0] == 200
    )  # it exists (and is linked): robots.txt is what keeps crawlers out


def test_sitemap_lists_every_article(site: DemoServer) -> None:
    status, headers, body = fetch(site.url + "sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {
        u.findtext("sm:loc", namespaces=ns): u.findtext("sm:lastmod", namespaces=ns)
        for u in ET.fromstring(body)
    }
    articles = [a["url"] for a in site.manifest["articles"]]
    assert set(articles) <= set(urls) and all(
        re.fullmatch(r"20\d\d-\d\d-\d\dT[\d:]+\+01:00", urls[u]) for u in articles
    )


def test_feed_is_rss(site: DemoServer) -> None:
    status, headers, body = fetch(site.url + "feed/")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    rss = ET.fromstring(body)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    items = rss.findall("channel/item")
    latest = [a["url"] for a in reversed(site.manifest["articles"][-20:])]
    assert [i.findtext("link") for i in items] == latest
    assert all(i.findtext("title") and i.findtext("pubDate").endswith("+0100") for i in items)


def test_old_slug_answers_301(site: DemoServer) -> None:
    assert len(site.manifest["redirects"]) == 2
    for old, new in site.manifest["redirects"].items():
        status, headers, _ = fetch(old, follow=False)
        assert (status, headers["Location"]) == (301, new)
        assert fetch(old)[0] == 200


def test_directory_without_slash_answers_301(site: DemoServer) -> None:
    article = site.manifest["articles"][0]["url"]
    status, headers, _ = fetch(article.rstrip("/") + "?utm_source=x", follow=False)
    assert (status, headers["Location"]) == (301, article + "?utm_source=x")


def test_deleted_article_answers_404(site: DemoServer, pages: dict[str, str]) -> None:
    [broken] = site.manifest["broken_links"]
    assert any(f'href="{broken}"' in text for text in pages.values())  # linked from a story's body
    status, headers, body = fetch(broken)
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert b"That page can&rsquo;t be found" in body


def test_gzip_when_accepted(site: DemoServer) -> None:
    url = site.manifest["articles"][5]["url"]
    _, plain_headers, plain = fetch(url)
    status, headers, body = fetch(url, {"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and body[:2] == b"\x1f\x8b"
    assert int(headers["Content-Length"]) == len(body) < len(plain)
    assert gzip.decompress(body) == plain and "Content-Encoding" not in plain_headers
    assert fetch(url, {"Accept-Encoding": "gzip;q=0"})[2] == plain
    assert fetch(site.url + "sitemap.xml", {"Accept-Encoding": "gzip"})[1]["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_conditional_get_answers_304(site: DemoServer, encoding: str) -> None:
    url = site.manifest["articles"][7]["url"]
    _, headers, _ = fetch(url, {"Accept-Encoding": encoding})
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert etag.startswith("W/" if encoding == "gzip" else '"')
    status, _, body = fetch(url, {"If-None-Match": etag, "Accept-Encoding": encoding})
    assert (status, body) == (304, b"")
    assert fetch(url, {"If-Modified-Since": last_modified})[0] == 304
    assert fetch(url, {"If-Modified-Since": formatdate(0, usegmt=True)})[0] == 200
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200


def test_keep_alive_with_content_length(site: DemoServer) -> None:
    conn = http.client.HTTPConnection(urlsplit(site.url).hostname, urlsplit(site.url).port, timeout=10)
    try:
        sockets = set()
        for path in ["/", "/about/", "/robots.txt", "/no-such-page/", "/about"]:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            assert int(response.headers["Content-Length"]) == len(body) and not response.will_close
            sockets.add(conn.sock)
        assert len(sockets) == 1  # one connection for all the requests
    finally:
        conn.close()


def test_hidden_files_are_not_served(site: DemoServer) -> None:
    for path in [
        ".redirects.json",
        ".manifest.json",
        ".404.html",
        "%2e%2e/%2e%2e/etc/passwd",
        "about/../.404.html",
    ]:
        assert fetch(site.url + path)[0] == 404, path


def test_crawl_from_home_reaches_everything(site: DemoServer) -> None:
    """Follow every on-host link from / (robots.txt obeyed): only the planted traps are not plain 200s."""
    seen, queue, status = {site.url}, deque([site.url]), {}
    while queue:
        url = queue.popleft()
        if urlsplit(url).path.startswith("/wp-admin/"):
            continue
        code, headers, body = fetch(url, follow=False)
        status[url] = code
        if code == 200 and headers["Content-Type"].startswith("text/html"):
            for link in hrefs(body, url):
                if urlsplit(link).netloc == urlsplit(site.url).netloc and link not in seen:
                    seen.add(link)
                    queue.append(link)
    m = site.manifest
    assert {u for u, c in status.items() if c == 301} == set(m["redirects"])
    assert {u for u, c in status.items() if c == 404} == set(m["broken_links"])
    assert {a["url"] for a in m["articles"]} <= {u for u, c in status.items() if c == 200}
    assert f"{site.url}category/energy/page/2/" in status and f"{site.url}author/hadiza-abdou/" in status


def test_search_words_are_distinctive(site: DemoServer, pages: dict[str, str]) -> None:
    for word in SEARCH_WORDS:
        assert 0 < site.manifest["search_words"][word] < len(pages) / 3


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    def snapshot(root: Path) -> dict[str, tuple[bytes, float]]:
        return {
            str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime)
            for p in root.rglob("*")
            if p.is_file()
        }

    base = "http://127.0.0.1:8123/"
    first, second = build_site(tmp_path / "a", base), build_site(tmp_path / "b", base)
    assert first == second and snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    build_site(tmp_path / "c", base, seed=2)
    assert snapshot(tmp_path / "c") != snapshot(tmp_path / "a")


def test_generation_is_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    manifest = build_site(tmp_path, "http://127.0.0.1:8123/", articles=60)
    assert time.perf_counter() - start < 1.0 and manifest["counts"]["articles"] == 60


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org", "::"])
def test_refuses_non_loopback_hosts(tmp_path: Path, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(tmp_path, host=host)


def test_stop_releases_port_and_threads(tmp_path: Path) -> None:
    build_site(tmp_path, "http://127.0.0.1:8123/", articles=5)
    before = set(threading.enumerate())
    server = serve(tmp_path)
    host, port = urlsplit(server.url).hostname, urlsplit(server.url).port
    conn = http.client.HTTPConnection(host, port, timeout=10)  # an idle keep-alive connection
    conn.request("GET", "/")
    assert conn.getresponse().read()
    started = time.perf_counter()
    server.stop()
    server.stop()  # idempotent
    conn.close()
    assert time.perf_counter() - started < 5
    assert set(threading.enumerate()) - before == set()
    with pytest.raises(ConnectionRefusedError), socket.create_connection((host, port), timeout=2):
        pass
