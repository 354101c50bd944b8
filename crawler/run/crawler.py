"""The crawler `jcrawl crawl` and a cluster worker build: Scrapy's, leaner where it runs per response."""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader import Downloader
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.core.engine import ExecutionEngine
from scrapy.core.scraper import Scraper
from scrapy.core.spidermw import SpiderMiddlewareManager
from scrapy.crawler import Crawler

from crawler.downloader import LeanDownloader, LeanDownloaderMiddlewareManager
from crawler.engine import LeanEngine
from crawler.scraper import SequentialScraper
from crawler.signalmanager import LeanSignalManager
from crawler.spidermw import LeanSpiderMiddlewareManager


class JournalCrawler(Crawler):
    """Scrapy's Crawler, its signals sent by LeanSignalManager, its engine a LeanEngine whose Scraper
    is a SequentialScraper with a LeanSpiderMiddlewareManager and whose Downloader is a LeanDownloader
    with a LeanDownloaderMiddlewareManager (crawler/signalmanager.py, crawler/engine.py,
    crawler/scraper.py, crawler/spidermw.py, crawler/downloader.py)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.signals = LeanSignalManager(self)

    def _create_engine(self) -> ExecutionEngine:
        engine = super()._create_engine()
        if type(engine) is ExecutionEngine:
            engine.__class__ = LeanEngine
        # The engine builds its Scraper itself (with the item pipelines: it cannot be built twice), and
        # the Scraper and Downloader their middleware managers (with the middlewares); the lean classes
        # only override methods, so the ones built become them.
        if type(engine.scraper) is Scraper:
            engine.scraper.__class__ = SequentialScraper
        if type(engine.scraper.spidermw) is SpiderMiddlewareManager:
            engine.scraper.spidermw.__class__ = LeanSpiderMiddlewareManager
        if type(engine.downloader) is Downloader:
            engine.downloader.__class__ = LeanDownloader
        if type(engine.downloader.middleware) is DownloaderMiddlewareManager:
            engine.downloader.middleware.__class__ = LeanDownloaderMiddlewareManager
        return engine
