"""Scrapy's downloader stats, counted without building what they count.

Scrapy's DownloaderStats serialises every request (`request_httprepr`: its line, Host and header block
as bytes) only to take the length, and reads each response header through `Headers.items()`, which
normalises every name again. Here the same sizes are summed from the parts: the stats
(`downloader/request_bytes`, `downloader/response_bytes` and the counts) are Scrapy's, to the byte.
"""

from __future__ import annotations

import functools

from scrapy import Request
from scrapy.downloadermiddlewares.stats import DownloaderStats, get_status_size
from scrapy.http import Headers, Response
from scrapy.utils.httpobj import urlparse_cached

# Scrapy's status line size, looked up once per status rather than encoded for every response.
_status_size = functools.cache(get_status_size)
# b" HTTP/1.1\r\n" after the request target, b"Host: " and b"\r\n" around the host, b"\r\n" ending the head.
_REQUEST_FRAMING = 11 + 6 + 2 + 2


def request_size(request: Request) -> int:
    """len(scrapy.utils.request.request_httprepr(request)), without building it."""
    parsed = urlparse_cached(request)
    target = parsed.path or "/"
    if parsed.params:
        target += ";" + parsed.params
    if parsed.query:
        target += "?" + parsed.query
    size = len(request.method.encode()) + 1 + len(target.encode()) + _REQUEST_FRAMING
    size += len((parsed.hostname or "").encode()) + len(request.body)
    headers = request.headers
    if headers:  # the header block (w3lib's headers_dict_to_raw) and its line end
        lines = sum(len(values) for values in dict.values(headers))
        size += _block_size(headers) + 2 * max(0, lines - 1) + 2
    return size


def _block_size(headers: Headers) -> int:
    """The bytes of every `Name: value` line of `headers`, without line ends."""
    return sum(
        len(name) * len(values) + sum(map(len, values)) + 2 * len(values)
        for name, values in dict.items(headers)
    )


def response_size(response: Response) -> int:
    """The response size Scrapy's DownloaderStats counts (body, header lines, a status line)."""
    headers = response.headers
    return (
        len(response.body) + _block_size(headers) + 2 * (len(headers) - 1) + _status_size(response.status) + 4
    )


class LeanDownloaderStats(DownloaderStats):
    """Scrapy's DownloaderStats (the same stats), sizes summed rather than serialised (see the module)."""

    def process_request(self, request: Request) -> None:
        stats = self.stats
        stats.inc_value("downloader/request_count")
        stats.inc_value(f"downloader/request_method_count/{request.method}")
        stats.inc_value("downloader/request_bytes", request_size(request))

    def process_response(self, request: Request, response: Response) -> Response:
        stats = self.stats
        stats.inc_value("downloader/response_count")
        stats.inc_value(f"downloader/response_status_count/{response.status}")
        stats.inc_value("downloader/response_bytes", response_size(response))
        return response
