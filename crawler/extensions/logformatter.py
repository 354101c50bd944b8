"""Scrapy's log formatter, without building the per-response DEBUG messages a crawl's log drops.

For every response Scrapy asks the LOG_FORMATTER for its "Crawled (200) <GET ...>" message, and for
every item its "Scraped from ..." message, before the logger checks their level: the dict, the flags
and the Referer are built and then thrown away (jcrawl logs at INFO). Here they are built only when
the logger would write them; `scrapy crawl journal -L DEBUG` still shows them.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

# The loggers Scrapy writes these two messages with.
_ENGINE = logging.getLogger("scrapy.core.engine")
_SCRAPER = logging.getLogger("scrapy.core.scraper")


class LeanLogFormatter(LogFormatter):
    """Scrapy's LogFormatter; `crawled` and `scraped` return None (no message) below the log level."""

    def crawled(self, request: Request, response: Response, spider: Spider) -> LogFormatterResult | None:
        if not _ENGINE.isEnabledFor(logging.DEBUG):
            return None
        return super().crawled(request, response, spider)

    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult | None:
        if not _SCRAPER.isEnabledFor(logging.DEBUG):
            return None
        return super().scraped(item, response, spider)
