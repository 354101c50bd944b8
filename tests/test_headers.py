"""Headers read by their stored names (crawler/headers.py) give what Scrapy's Headers and responsetypes
give."""

from __future__ import annotations

import pytest
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from crawler.headers import default_header, drop_header, has_header, header, header_values, response_class

GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
HEADERS = [
    {},
    {"Content-Type": "text/html; charset=utf-8"},
    {"content-type": ["text/plain", "text/html"]},  # the last one counts
    {"Content-Type": "text/html", "Content-Encoding": "gzip"},
    {"Content-Type": "application/xml"},
    {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment; filename=a.html"},
    {"Content-Disposition": "attachment; filename=feed.xml"},
    {"Content-Type": "image/png", "ETag": '"x"'},
    {"Content-Type": []},
]
URLS = ["http://journal.example/", "http://journal.example/sitemap.xml", "http://journal.example/a.json"]
BODIES = [b"", b"<html><body>x</body></html>", b"<?xml version='1.0'?><urlset/>", GZIP, b"plain text"]


@pytest.mark.parametrize("fields", HEADERS)
def test_the_response_class_is_scrapys(fields: dict) -> None:
    headers = Headers(fields)
    for url in URLS:
        for body in BODIES:
            try:
                expected: object = responsetypes.from_args(headers=headers, url=url, body=body)
            except TypeError as exc:  # (a Content-Type without a value)
                expected = type(exc)
            for _ in range(2):  # (the second from the memo)
                try:
                    got: object = response_class(headers, url, body)
                except TypeError as exc:
                    got = type(exc)
                assert got is expected


@pytest.mark.parametrize("fields", HEADERS)
def test_headers_read_by_their_stored_names_are_scrapys(fields: dict) -> None:
    headers = Headers(fields)
    for name in (b"Content-Type", b"Content-Encoding", b"Etag", b"Date"):
        assert header(headers, name) == headers.get(name)
        assert header_values(headers, name) == headers.getlist(name)


@pytest.mark.parametrize("fields", HEADERS)
def test_headers_changed_by_their_stored_names_as_scrapys(fields: dict) -> None:
    for name in (b"Content-Type", b"Content-Encoding", b"Etag", b"Date"):
        ours, scrapys = Headers(fields), Headers(fields)
        assert has_header(ours, name) == (name in scrapys)
        default_header(ours, name, [b"x"])
        scrapys.setdefault(name, b"x")
        assert dict(ours) == dict(scrapys)
        drop_header(ours, name)
        scrapys.pop(name, None)
        assert dict(ours) == dict(scrapys)
