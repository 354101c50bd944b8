"""Property tests: random and mutated URLs and HTML never make the crawler raise.

The URL normaliser, the trap rules, the spider's link following and its page callback (which runs
extract_article and follows the links it finds) get hypothesis-generated input; none may raise, and
what they return keeps its promises (normalised URLs are absolute http(s), stable, and on-site when
followed).
"""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler

from crawler.items import ErrorItem, PageItem
from crawler.policy.scope import ScopeLimits, TrapRules, url_pattern
from crawler.urls import normalize_url, site_of
from spiders.journal import JournalSpider
from tests.faultserver import article_html
from tests.helpers import SHARED, callback_output

BASE = "http://journal.example/section/page/"
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces real links are made of, so that generated URLs reach the interesting branches.
URL_PARTS = st.sampled_from(
    [
        "http://",
        "https://",
        "HTTP://",
        "//",
        "/",
        "../",
        "./",
        "?",
        "&",
        "=",
        "#",
        ";",
        ":",
        "@",
        "%",
        "%2",
        "%7e",
        "%C3%A9",
        "%00",
        "%zz",
        "[",
        "]",
        "::1",
        "127.0.0.1",
        ":8080",
        ":99999",
        ":-1",
        "journal.example",
        "www.journal.example",
        "xn--",
        "bücher.example",
        "ß",
        "é",
        "\u202e",
        "\x00",
        " ",
        "\t",
        "\n",
        "utm_source=x",
        "PHPSESSID=1",
        ";jsessionid=2",
        "page=3",
        "2031/05",
        "a/",
        "a/a/",
        "javascript:",
        "mailto:",
        "data:",
        "ftp://",
        "file:///",
        "..",
        "~",
        "+",
        "\\",
    ]
)
URLS = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(URL_PARTS, st.text(max_size=6)), max_size=12).map("".join),
)


@FAST
@given(url=URLS, base=st.one_of(st.none(), st.just(BASE), URLS))
def test_normalize_url_never_raises_and_is_stable(url: str, base: str | None) -> None:
    result = normalize_url(url, base)
    if result is None:
        return
    assert result.isascii() and urlsplit(result).scheme in ("http", "https")
    assert "#" not in result and " " not in result
    assert normalize_url(result) == result  # a normalised URL is its own normal form


@FAST
@given(url=URLS)
def test_trap_rules_never_raise(url: str) -> None:
    normal = normalize_url(url, BASE)
    if normal is not None:
        rules = TrapRules(ScopeLimits(pattern_budget=2), this_year=2026)
        assert rules.check(normal) in (
            None,
            "url_length",
            "path_depth",
            "path_repeat",
            "query_params",
            "calendar",
        )
        rules.fetched(normal, found_article=False)
        assert isinstance(url_pattern(normal), str)


@pytest.fixture(scope="module")
def spider() -> JournalSpider:
    crawler = get_crawler(JournalSpider)
    return JournalSpider.from_crawler(crawler, start_url="http://journal.example/")


@FAST
@given(href=URLS, base=st.one_of(st.none(), st.just(BASE)))
def test_following_a_link_never_raises_and_stays_on_site(
    spider: JournalSpider, href: str, base: str | None
) -> None:
    request = spider._follow(href, base, 0)
    if request is not None:
        assert site_of(request.url) == spider.site
        assert urlsplit(request.url).scheme in ("http", "https")


# --- pages -----------------------------------------------------------------------------------------
def seed_pages() -> list[bytes]:
    """A bench-style article, a listing, and real journal pages from the extraction benchmark."""
    pages = [
        article_html("Seed story", head='<link rel="canonical" href="/seed/">').encode(),
        b'<html><body><a href="/a/">a</a><a href="b/?utm_source=x">b</a><a href="//other.example/">o</a>'
        b'<link rel="alternate" type="application/rss+xml" href="/feed/"></body></html>',
    ]
    real = sorted((SHARED / "benchmarks" / "zyte-article-extraction" / "html").glob("*.html.gz"))[:3]
    pages += [gzip.decompress(path.read_bytes()) for path in real]
    return pages


SEEDS = seed_pages()


@st.composite
def mutated_html(draw: st.DrawFn) -> bytes:
    """A seed page with random cuts, insertions (of markup or junk) and repeats."""
    page = bytearray(draw(st.sampled_from(SEEDS)))
    snippets = st.sampled_from(
        [b"<", b">", b"</div>", b"<p>", b"<![CDATA[", b"<!--", b"-->", b"&#xD800;", b"&amp", b"\x00",
         b"\xff\xfe", b"\xc3", b'<meta charset="utf-16">', b'<meta charset="x-bogus">', b"<script>",
         b'<a href="javascript:x">', b'<a href=":::">', b'<a href="http://[::1">', b"<base href='ftp://x/'>",
         b"<div>" * 300, b"<table><tr><td>" * 50]
    )  # fmt: skip
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(page)))
        action = draw(st.sampled_from(["cut", "insert", "junk", "repeat", "truncate"]))
        if action == "cut":
            del page[at : at + draw(st.integers(1, 400))]
        elif action == "insert":
            page[at:at] = draw(snippets)
        elif action == "junk":
            page[at:at] = draw(st.binary(max_size=40))
        elif action == "repeat":
            page[at:at] = page[at : at + draw(st.integers(1, 200))] * draw(st.integers(2, 5))
        else:
            del page[at:]
    return bytes(page)


CONTENT_TYPES = st.sampled_from(
    [
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=windows-1256",
        "text/html; charset=bogus",
        "",
    ]
)


@SLOW
@given(body=st.one_of(mutated_html(), st.binary(max_size=2000)), content_type=CONTENT_TYPES)
def test_the_page_callback_never_raises(spider: JournalSpider, body: bytes, content_type: str) -> None:
    """parse(): extraction of any bytes, then link following; yields items and requests only."""
    url = "http://journal.example/story/"
    headers = {"Content-Type": content_type} if content_type else {}
    response = HtmlResponse(url, body=body, headers=headers, request=Request(url))
    for output in callback_output(spider.parse(response)):
        assert isinstance(output, PageItem | ErrorItem | Request)
        if isinstance(output, PageItem):
            assert isinstance(output.article.body, str) and isinstance(output.article.links, list)


@SLOW
@given(
    body=st.binary(max_size=3000), content_type=st.sampled_from(["application/xml", "text/xml", "text/plain"])
)
def test_xml_and_gzip_bodies_never_raise(spider: JournalSpider, body: bytes, content_type: str) -> None:
    """Sitemaps and feeds: random bytes, gzipped or not, as XML."""
    url = "http://journal.example/sitemap.xml"
    for data in (body, gzip.compress(body), b"<?xml version='1.0'?><urlset>" + body):
        response = TextResponse(url, body=data, headers={"Content-Type": content_type}, request=Request(url))
        for output in callback_output(spider.parse(response)):
            assert isinstance(output, PageItem | ErrorItem | Request)
