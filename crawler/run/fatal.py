"""Errors no retry can fix (the archive or the database cannot be written): the crawl stops, exit code 4
(crawler.errors.FatalError once the reactor has stopped)."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from crawler.failures import Dropped

logger = logging.getLogger(__name__)

# Crawl stat holding the message of the fatal error that stopped the crawl.
FATAL_STAT = "jcrawl/fatal"
FATAL_REASON = "fatal_error"


class CrawlStopping(Dropped):
    """A response dropped, unarchived, because the crawl is stopping on a fatal error."""


def stop_crawl(crawler: Crawler, message: str) -> None:
    """Stop the crawl for good: keep `message` in the stats (the first one wins) and close the spider.

    Requests in flight finish or fail; nothing more is scheduled. `run_crawl` raises FatalError with
    the message once the reactor has stopped.
    """
    if crawler.stats.get_value(FATAL_STAT) is not None:
        return
    logger.critical("Stopping the crawl: %s", message)
    crawler.stats.set_value(FATAL_STAT, message)
    if crawler.engine is not None and crawler.engine.spider is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason=FATAL_REASON))
