"""The lean client reads a request's URL as Twisted's URI.fromBytes reads it for Scrapy's handler (the
request line and Host header it writes come from it): the same netloc, host, port and origin form, and
a ValueError for the same URLs."""

from __future__ import annotations

import pytest
from twisted.web.client import URI

from crawler.handlers.lean import _uri

URLS = [
    "http://a.example/",
    "http://a.example",
    "https://a.example:8443/x;p?q=1",
    "http://a.example/a;",
    "http://a.example/a?",
    "http://a.example/;x",
    "http://a.example?x",
    "http://a.example;x",
    "http://h:80/a;b;c/d;e?f",
    "https://a.example//double//x",
    "http://a.example/%20x?y=%41",
    " http://a.example/x\t",
    "http://user:pw@a.example/",
    "http://[::1]:8080/x",
    "http://[::1]/x",
    "http://a.example:abc/",
    "http://a.example:/",
    "http://a.example:+80/",
    "wss://a:1/",
    "http://[::1/x",
    "http://a]b/",
]


def twisted_uri(url: str) -> tuple[str, str, int, str] | None:
    try:
        uri = URI.fromBytes(url.encode("ascii"))
    except ValueError:
        return None
    return uri.netloc.decode(), uri.host.decode(), uri.port, uri.originForm.decode()


@pytest.mark.parametrize("url", URLS)
def test_a_url_is_read_as_twisted_reads_it(url: str) -> None:
    try:
        lean: tuple[str, str, int, str] | None = _uri(url)
    except ValueError:
        lean = None
    assert lean == twisted_uri(url)
