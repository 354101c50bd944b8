"""Content-Encoding decoded by the archive's own decoder, the function `reparse` and `import` use."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse

from archive.decoding import ACCEPTED_CODINGS, BodyTooLarge, content_codings, decode_content
from crawler.headers import default_header, drop_header, header_values, response_class

ACCEPT_ENCODING_VALUES = [", ".join(ACCEPTED_CODINGS).encode()]


class ContentDecodingMiddleware:
    """Scrapy's HttpCompressionMiddleware, through the archive's own decoder (archive/decoding.py).

    It asks for gzip, deflate, br and zstd and decodes what comes back, stacked codings included,
    with the very function `reparse` and `import` decode archived bodies with, so the database
    rebuilt from the WARC files has the pages the crawl had. A decoded body is bounded by
    DOWNLOAD_MAXSIZE (or the request's `download_maxsize`): a bigger one is ignored, as Scrapy
    ignores it. A body that does not decode fails the request with UndecodableBody, which the spider
    records as an `errors` row of kind `decoding`.
    """

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentDecodingMiddleware:
        if not crawler.settings.getbool("COMPRESSION_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        default_header(request.headers, b"Accept-Encoding", ACCEPT_ENCODING_VALUES)

    def process_response(self, request: Request, response: Response) -> Response:
        codings = content_codings(header_values(response.headers, b"Content-Encoding"))
        if request.method == "HEAD" or not codings:
            return response
        try:
            body, left = decode_content(
                response.body, codings, request.meta.get("download_maxsize", self.max_size)
            )
        except BodyTooLarge as exc:
            raise IgnoreRequest(f"Ignored {response.url}: {exc}") from None
        if len(left) == len(codings):  # nothing known to decode (e.g. `compress`): left as it came
            return response
        self.stats.inc_value("httpcompression/response_count")
        self.stats.inc_value("httpcompression/response_bytes", len(body))
        # The headers move to the decoded response (the coded one goes no further, and the middlewares
        # nearer the downloader are done with it), not copied twice (a copy here, another in replace()).
        headers = response.headers
        if left:
            headers[b"Content-Encoding"] = ", ".join(left)
        else:
            drop_header(headers, b"Content-Encoding")
        kwargs: dict[str, Any] = {"body": body, "headers": None}
        cls = response_class(headers, response.url, body)
        if issubclass(cls, TextResponse):
            kwargs["encoding"] = None  # guessed again from the decoded body, as Scrapy does
        decoded = response.replace(cls=cls, **kwargs)
        decoded.headers = headers
        return decoded
