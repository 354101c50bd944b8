"""Page requisites (stylesheets and their imports, scripts, images, fonts) are archived with the pages:
once per crawl, as revisits in the next crawl, never as articles; off-site only when allowed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from pytest_httpserver import HTTPServer

from crawler.spidermiddlewares.requisite_urls import page_requisites
from tests.faultserver import article_html
from tests.helpers import jcrawl, query

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
# path -> (body, content type)
ASSETS = {
    "/assets/site.css": (b'@import url("/assets/print.css");\n.hero{background:url(hero.png)}', "text/css"),
    "/assets/print.css": (
        b"@font-face{font-family:J;src:url('/assets/j.woff2') format('woff2')}",
        "text/css",
    ),
    "/assets/j.woff2": (b"wOF2" + bytes(300), "font/woff2"),
    "/assets/hero.png": (PNG, "image/png"),
    "/assets/app.js": (b"document.documentElement.className = 'js';", "application/javascript"),
    "/img/photo.png": (PNG + b"1", "image/png"),
    "/img/photo-2x.png": (PNG + b"2", "image/png"),
    "/img/wide.png": (PNG + b"3", "image/png"),
    "/img/lazy.png": (PNG + b"4", "image/png"),
}
HEAD = (
    '<link rel="stylesheet" href="/assets/site.css"><script src="/assets/app.js"></script>'
    '<link rel="stylesheet" href="http://cdn.127.0.0.1.nip.invalid/theme.css">'
)
FIGURES = (
    '<img src="/img/photo.png" srcset="/img/photo.png 1x, /img/photo-2x.png 2x" alt="a">'
    '<picture><source srcset="/img/wide.png" media="(min-width: 800px)"><img src="/img/photo.png"></picture>'
    '<img data-src="/img/lazy.png" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" class="lazy">'
)
STORIES = ("First Styled Story", "Second Styled Story")


def story(title: str) -> str:
    return article_html(title, head=HEAD).replace("</article>", f"{FIGURES}</article>")


def serve_styled_journal(httpserver: HTTPServer) -> str:
    """Two articles sharing a stylesheet (which imports another, with a font and an image), a script
    and images in `src`, `srcset`, `<picture>` and `data-src`, and a link to an off-site stylesheet."""
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    links = "".join(f'<a href="/story-{n}/">{title}</a>' for n, title in enumerate(STORIES))
    httpserver.expect_request("/").respond_with_data(
        f"<html><head>{HEAD}</head><body>{links}</body></html>", content_type="text/html"
    )
    for n, title in enumerate(STORIES):
        httpserver.expect_request(f"/story-{n}/").respond_with_data(story(title), content_type="text/html")
    for path, (body, content_type) in ASSETS.items():
        httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    httpserver.no_handler_status_code = 404
    return httpserver.url_for("/")


@pytest.fixture
def styled(httpserver: HTTPServer, tmp_path: Path) -> Iterator[tuple[HTTPServer, Path, str]]:
    url = serve_styled_journal(httpserver)
    archive = tmp_path / "archive"
    result = jcrawl("crawl", url, archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    yield httpserver, archive, result.stdout


def test_requisites_are_archived_once_and_never_articles(styled: tuple[HTTPServer, Path, str]) -> None:
    server, archive, summary = styled
    paths = [request.path for request, _ in server.log]
    for path in ASSETS:
        assert paths.count(path) == 1, (path, paths)  # once per crawl, though every page names it
    captured = {urlsplit(url).path: url for (url,) in query(archive, "SELECT url FROM captures")}
    assert set(ASSETS) <= set(captured)
    assert sorted(t for (t,) in query(archive, "SELECT title FROM articles")) == sorted(STORIES)
    assert f"{len(ASSETS)} requisites" in summary
    assert not any("nip.invalid" in url for url in captured.values())  # off-site: not by default
    assert jcrawl("verify", archive=archive).returncode == 0


def test_the_next_crawl_archives_unchanged_requisites_as_revisits(
    styled: tuple[HTTPServer, Path, str],
) -> None:
    server, archive, _ = styled
    again = jcrawl("crawl", server.url_for("/"), archive=archive)
    assert again.returncode == 0, again.stderr[-2000:]
    rows = query(
        archive,
        "SELECT url, revisit_of IS NOT NULL FROM captures WHERE crawl_id = (SELECT MAX(id) FROM crawls)",
    )
    requisites = {urlsplit(url).path: revisit for url, revisit in rows if urlsplit(url).path in ASSETS}
    assert requisites == dict.fromkeys(ASSETS, 1)


def test_requisites_can_be_turned_off(httpserver: HTTPServer, tmp_path: Path) -> None:
    url = serve_styled_journal(httpserver)
    result = jcrawl("crawl", url, "-s", "JCRAWL_REQUISITES=false", archive=tmp_path / "archive")
    assert result.returncode == 0 and " requisites" not in result.stdout
    paths = {request.path for request, _ in httpserver.log}
    assert not paths & set(ASSETS)


def test_requisites_past_max_pages_are_no_errors(httpserver: HTTPServer, tmp_path: Path) -> None:
    """--max-pages 4 sends robots.txt, the home page and sitemap.xml, then one more request: the home
    page's two stories and its two requisites compete for it (requisites share the priority of the
    site's navigation pages). At least one requisite is past the cap and never sent: no error, and the
    crawl ends as done (exit 0)."""
    url = serve_styled_journal(httpserver)
    archive = tmp_path / "archive"
    result = jcrawl("crawl", url, "--max-pages", "4", archive=archive)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    paths = [request.path for request, _ in httpserver.log]
    assert len(paths) == 4 and "Crawled 4 pages" in result.stdout
    assert {"/robots.txt", "/", "/sitemap.xml"} <= set(paths)
    assert sum(path in ASSETS for path in paths) <= 1  # site.css or app.js, or neither, was dropped
    assert query(archive, "SELECT kind, COUNT(*) FROM errors GROUP BY kind") == [("http", 1)]  # sitemap.xml


def test_off_site_requisites_only_from_allowed_hosts(httpserver: HTTPServer, tmp_path: Path) -> None:
    """A CDN on another host of this machine (localhost for 127.0.0.1) is asked only when listed."""
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    start = httpserver.url_for("/")
    host, other = ("localhost", "127.0.0.1") if "localhost" in start else ("127.0.0.1", "localhost")
    cdn_css = httpserver.url_for("/cdn/theme.css").replace(host, other)
    httpserver.expect_request("/cdn/theme.css").respond_with_data("p{color:red}", content_type="text/css")
    page = article_html("Story With A CDN", head=f'<link rel="stylesheet" href="{cdn_css}">')
    httpserver.expect_request("/").respond_with_data(page, content_type="text/html")
    for hosts, asked in (("", 0), (other, 1)):
        httpserver.clear_log()
        archive = tmp_path / f"archive-{asked}"
        result = jcrawl("crawl", start, "-s", f"JCRAWL_REQUISITE_HOSTS={hosts}", archive=archive)
        assert result.returncode == 0, result.stderr[-2000:]
        assert [r.path for r, _ in httpserver.log].count("/cdn/theme.css") == asked


def test_page_requisites_read_every_kind_whatever_the_case() -> None:
    """The scan finds a `<BASE>` and `<STYLE>` blocks written in capitals, after other markup, and
    resolves what they name against the base; a page with neither resolves against its own URL."""
    page = (
        b"<!DOCTYPE html><HTML><HEAD><TITLE>T</TITLE>"
        b'<LINK REL="Stylesheet" HREF="css/site.css"><BASE HREF="http://127.0.0.1/static/">'
        b'<Script SRC="app.js#v2"></Script><STYLE media="screen">@import "print.css";'
        b".a{background:URL('img/a.png')}</STYLE></HEAD>"
        b'<BODY BACKGROUND="bg.gif"><p style="background: url(&quot;p.png&quot;)">x</p>'
        b'<IMG SRC="one.jpg" SRCSET="one.jpg 1x, two.jpg 2x"><picture><SOURCE SRCSET="three.webp"></picture>'
        b'<VIDEO POSTER="poster.jpg"></VIDEO><INPUT TYPE="image" SRC="go.png">'
        b"<style>.b{background:url(b.svg)}</style></BODY></HTML>"
    )
    names = ["css/site.css", "app.js", "bg.gif", "one.jpg", "two.jpg", "three.webp", "poster.jpg", "go.png"]
    names += ["p.png"]  # (style attributes after the tags, then <style> blocks)
    static = "http://127.0.0.1/static/"
    assert page_requisites(page, "http://127.0.0.1/news/story.html") == [
        static + name for name in [*names, "print.css", "img/a.png", "b.svg"]
    ]
    plain = page.replace(b'<BASE HREF="http://127.0.0.1/static/">', b"").replace(b"STYLE", b"span")
    plain = plain.replace(b"<style>", b"<span>").replace(b"</style>", b"</span>")
    assert page_requisites(plain, "http://127.0.0.1/news/story.html") == [
        "http://127.0.0.1/news/" + name for name in names
    ]


def test_page_requisites_join_urls_as_urljoin_does() -> None:
    """Plain URLs (absolute, from the host, from the root, relative) are joined without urljoin, and
    to what urljoin makes of them; the others (dot segments, fragments, parameters...) by urljoin."""
    urls = [
        "https://cdn.example/a/b.css?v=1",
        "http://cdn.example",
        "//cdn.example/x.js?a=b:c",
        "/static/site.css",
        "/",
        "/?q=1",
        "img/a.png?w=2",
        "w_320/ar_16:9/c.png",
        "../up.png",
        "./here.png",
        "a//b.png",
        "/a/./b.png",
        "//cdn.example/x.js#top",
        "/x.css;v=2",
        "q?",
        "HTTP://Cdn.example/Y.css",
        "//[::1]/z.png",
        "é.png",
    ]
    page = "".join(f'<img src="{url}">' for url in urls).encode("utf-8")
    for base in ("http://127.0.0.1/news/story.html", "https://h.example/a//b/../c/", "http://h.example"):
        expected = dict.fromkeys(urljoin(base, url).split("#")[0] for url in urls)
        assert page_requisites(page, base) == list(expected)
