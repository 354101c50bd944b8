"""The lean client reads a request's URL as Twisted's URI.fromBytes reads it for Scrapy's handler (the
request line and Host header it writes come from it): the same netloc, host, port and origin form, and
a ValueError for the same URLs; and it stores a response's headers as Scrapy's Headers stores them."""

from __future__ import annotations

import pytest
from scrapy.http import Headers
from twisted.web.client import URI

from crawler.handlers.lean import _uri
from crawler.handlers.lean_exchange import response_headers

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


def test_response_headers_are_stored_as_scrapy_stores_them() -> None:
    """The lean client stores a response's header fields in Scrapy's Headers directly (lean_exchange):
    the same keys, values and order as Headers.update gives."""
    fields = {
        b"server": [b"nginx"],
        b"set-cookie": [b"a=1", b"b=2"],
        b"x-xss-protection": [b"1"],
        b"etag": [b'"x"'],
        b"www-authenticate": [b"Basic"],
    }
    lean = response_headers(5, {name: list(values) for name, values in fields.items()})
    scrapy = Headers({b"Content-Length": b"5"})
    scrapy.update(fields)
    assert list(lean.items()) == list(scrapy.items())
    assert lean.getlist("Set-Cookie") == [b"a=1", b"b=2"] and lean.get(b"ETAG") == b'"x"'
