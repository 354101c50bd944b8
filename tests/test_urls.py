"""URL normalisation: one spelling per page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from crawler.urls import is_loopback, may_name_host, normalize_url, site_of


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/a/b/?x=1#frag", "http://example.com/a/b/?x=1"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("http://example.com/p/?utm_source=a&id=7&utm_medium=b&fbclid=z", "http://example.com/p/?id=7"),
        ("http://example.com/p/?utm_campaign=issue-2023-34", "http://example.com/p/"),
        ("http://example.com/p;jsessionid=ABC123?page=2", "http://example.com/p?page=2"),
        ("http://example.com/p/?PHPSESSID=abc&page=2", "http://example.com/p/?page=2"),
        ("http://bücher.example/straße?q=ä", "http://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4"),
        ("http://example.com/a b", "http://example.com/a%20b"),
        ("http://example.com/%7Euser/", "http://example.com/~user/"),
        ("http://example.com/caf%c3%a9/?q=%e2%82%ac", "http://example.com/caf%C3%A9/?q=%E2%82%AC"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        # dot segments resolved as browsers do (RFC 3986 5.2.4), in absolute URLs too
        ("http://example.com/a/./b/../c/", "http://example.com/a/c/"),
        ("http://example.com/../x?q=/../", "http://example.com/x?q=/../"),
        ("http://example.com/a/..", "http://example.com/"),
        ("http://example.com//a/./x", "http://example.com//a/x"),
        ("http://example.com/a/..b/.c", "http://example.com/a/..b/.c"),
    ],
)
def test_normalize(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    "href",
    ["javascript:void(0)", "mailto:desk@example.com", "tel:+2135550100", "data:text/html,hi", "ftp://x/y"],
)
def test_non_http_links_are_dropped(href: str) -> None:
    assert normalize_url(href, "http://example.com/") is None


def test_relative_links_resolve_against_the_page() -> None:
    assert normalize_url("../b/?utm_source=x", "http://example.com/a/c/") == "http://example.com/a/b/"
    assert normalize_url("//cdn.example.com/x", "https://example.com/") == "https://cdn.example.com/x"
    assert normalize_url("#comments", "http://example.com/story/") == "http://example.com/story/"


def test_site_ignores_www_but_not_ports() -> None:
    assert site_of("http://www.example.com/a") == site_of("http://example.com/b")
    assert site_of("http://127.0.0.1:8000/") != site_of("http://127.0.0.1:8001/")


def test_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("example.com") and not is_loopback(None)


@pytest.mark.parametrize(
    ("href", "site"),
    [
        ("https://social.example/share?u=http://news.example/story/", "news.example"),  # host in the query
        ("HTTP://NEWS.Example:80/a/", "news.example"),
        ("http://www.news.example/a/", "news.example"),
        ("http://news.example:8080/a/", "news.example:8080"),
        ("http://news.example:8080/a/", "news.example"),
        ("http://desk@news.example/a/", "news.example"),
        ("http://news.example@evil.example/a/", "news.example"),
        ("  http://news.example/a/  ", "news.example"),
        ("http://news.example.other.example/", "news.example"),
        ("http://[::1]:8080/x", "[::1]:8080"),
        ("http://bücher.example/", "xn--bcher-kva.example"),
        ("http://b%C3%BCcher.example/", "xn--bcher-kva.example"),
        ("http://news.exa\tmple/", "news.example"),
        ("http:news.example/a/", "news.example"),
        ("https://other.example/news.example/", "news.example"),
    ],
)
def test_a_link_elsewhere_is_told_before_normalising(href: str, site: str) -> None:
    """`may_name_host` says False only of a link that does not normalise to a URL on the site."""
    url = normalize_url(href)
    on_site = url is not None and site_of(url) == site
    assert may_name_host(href, urlsplit("//" + site).hostname or "") or not on_site


def test_links_to_other_sites_naming_the_site_are_told() -> None:
    share = "https://social.example/share?u=http://news.example/story/"
    assert not may_name_host(share, "news.example")
    assert not may_name_host("https://other.example/news.example/", "news.example")


def test_a_www_site_follows_links_to_its_bare_host() -> None:
    """The spider's quick test before normalising keeps a link the site check keeps: a crawl started
    at www.host follows links to host (both are one site)."""
    from spiders.journal import JournalSpider

    spider = JournalSpider(start_url="http://www.journal.example/")
    assert (
        spider._normalise("http://journal.example/2024/05/story/", None)
        == "http://journal.example/2024/05/story/"
    )
    assert spider._normalise("https://social.example/share?u=journal.example", None) is None
