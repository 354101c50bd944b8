"""Scrapy's Headers read by the names it stores, and the Response class Scrapy picks for them.

Headers stores each name as `normkey` makes it (title-case bytes: b"Content-Type", b"Etag") and each
value as a list of bytes; its `get`, `getlist` and `in` normalise the name again and look it up
through four or five Python calls. A response's few headers are read a dozen times on its way
through the crawler, so the crawler's own code reads them here by their stored names.
"""

from __future__ import annotations

from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from crawler.extract.memo import remember

# The headers `responsetypes.from_headers` reads, by their stored names.
_TYPE_HEADERS = (b"Content-Type", b"Content-Encoding", b"Content-Disposition")
# (their values) -> from_headers' class: a site's responses repeat a few; a server inventing values
# empties the memo at these many (memo.remember).
MAX_CLASSES = 1000
_CLASSES: dict[tuple[tuple[bytes, ...] | None, ...], type[Response]] = {}


def header(headers: Headers, name: bytes) -> bytes | None:
    """`headers.get(name)` (the last value), `name` as Headers stores it."""
    values = dict.get(headers, name)
    return values[-1] if values else None


def header_values(headers: Headers, name: bytes) -> list[bytes]:
    """`headers.getlist(name)`, `name` as Headers stores it."""
    return dict.get(headers, name, [])


def has_header(headers: Headers, name: bytes) -> bool:
    """`name in headers`, `name` as Headers stores it."""
    return dict.__contains__(headers, name)


def drop_header(headers: Headers, name: bytes) -> None:
    """`headers.pop(name, None)`, `name` as Headers stores it."""
    dict.pop(headers, name, None)


def default_header(headers: Headers, name: bytes, values: list[bytes]) -> None:
    """`headers.setdefault(name, ...)`, `name` and `values` as Headers stores them (a new list each)."""
    dict.setdefault(headers, name, values[:])


def response_class(headers: Headers, url: str, body: bytes) -> type[Response]:
    """`responsetypes.from_args(headers=headers, url=url, body=body)`, its reading of the headers
    remembered for their values (it reads nothing else of them)."""
    key = tuple(
        None if (values := dict.get(headers, name)) is None else tuple(values) for name in _TYPE_HEADERS
    )
    cls = _CLASSES.get(key)
    if cls is None:
        cls = remember(_CLASSES, key, responsetypes.from_headers(headers), MAX_CLASSES)
    if cls is Response:  # from the URL, then the body, as from_args goes on
        cls = responsetypes.from_args(url=url, body=body)
    return cls
