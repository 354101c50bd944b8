"""Garbage collection tuned for a crawl: the objects made at start-up are frozen, collections rarer.

A crawl allocates millions of short-lived objects (parse trees, requests, rows) and few cycles; with
Python's defaults the collector runs every 700 allocations and keeps re-scanning everything imported
at start-up (Scrapy, lxml, Twisted): 6% of a crawl's CPU. When the spider opens, this extension
collects once, moves what is left to the permanent generation (`gc.freeze`), and makes the youngest
generation JCRAWL_GC_THRESHOLD allocations long. 0 leaves the collector as Python set it. The
extraction workers (crawler/extraction_pool.py) tune theirs alike when they start.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the extraction workers import this module, and no Scrapy
    from scrapy.crawler import Crawler


class GcTuning:
    """Scrapy extension (see the module docstring)."""

    def __init__(self, threshold: int):
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcTuning:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        threshold = crawler.settings.getint("JCRAWL_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured
        extension = cls(threshold)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self) -> None:
        tune_gc(self.threshold)


def tune_gc(threshold: int) -> None:
    """Freeze what this process holds now and make the youngest generation `threshold` allocations
    long (never shorter than it is); 0 or less: nothing."""
    if threshold <= 0:
        return
    gc.collect()
    gc.freeze()
    young, older, oldest = gc.get_threshold()
    gc.set_threshold(max(threshold, young), older, oldest)
