"""A Scrapy scheduler whose queue and duplicate filter are a frontier backend (crawler/frontier/backend.py).

Scrapy's own scheduler keeps every pending request in memory and every fingerprint in its dupefilter,
so a sitemap of a million URLs is a million Request objects before the first of them is sent. This
one keeps at most JCRAWL_SCHEDULER_MEMORY frontier requests in memory (a heap: highest priority first,
the newest first within a priority, as Scrapy's default LIFO queues); the others are serialised into
the backend, which hands them back, best first, as the heap drains. The backend is also the duplicate
filter: a request for a URL it already holds is dropped.

Frontier requests are those the spider's callbacks made (crawler/frontier/middleware.py gives them
FRONTIER_KEY = their URL); every one is pushed to the backend, so a crawl killed at any moment resumes
from there. Other requests (start requests, redirects, retries) are few and stay in memory.

Settings: SCHEDULER = "crawler.frontier.FrontierScheduler"; JCRAWL_SCHEDULER_MEMORY (requests held
in memory); JCRAWL_FRONTIER_BUFFER (pushes buffered before a write).
"""

from __future__ import annotations

import heapq
import itertools
import pickle

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.utils.request import request_from_dict

from crawler.frontier.backend import (
    FRONTIER_KEY,
    RECHECK_KEY,
    FrontierBackend,
    FrontierEntry,
    MemoryFrontier,
    publish,
)
from crawler.frontier.sqlite import SqliteFrontier
from crawler.urls import normalize_url


class FrontierScheduler:
    """Scrapy scheduler (see the module docstring)."""

    def __init__(self, crawler: Crawler, memory: int, buffer: int):
        self.crawler = crawler
        self.memory = memory  # 0: every frontier request goes to the backend
        self.buffer = buffer
        self.stats = crawler.stats
        self.spider: Spider | None = None
        self.backend: FrontierBackend | None = None
        self.heap: list[tuple[int, int, bool, Request]] = []  # (-priority, -seq, frontier?, request)
        self.counter = itertools.count()
        self.held = 0  # frontier requests among the heap's (the others are few)
        self.others: set[int] = set()  # hash of the URLs of non-frontier requests scheduled

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        settings = crawler.settings
        memory = max(1, settings.getint("JCRAWL_SCHEDULER_MEMORY"))
        return cls(crawler, memory, settings.getint("JCRAWL_FRONTIER_BUFFER"))

    def open(self, spider: Spider) -> None:
        self.spider = spider

    def close(self, reason: str) -> None:
        if self.backend is not None:
            self.backend.close()

    def _backend(self) -> FrontierBackend:
        """The crawl's backend, opened at first use: the store pipeline has begun the crawl by then."""
        if self.backend is None:
            crawl_id = self.stats.get_value("jcrawl/crawl_id")
            archive = self.crawler.settings.get("JCRAWL_ARCHIVE")
            if crawl_id and archive:
                self.backend = SqliteFrontier(archive, crawl_id, self.buffer)
            else:  # no store to keep it in (the spider run on its own)
                self.backend = MemoryFrontier()
            self.backend.open()
            publish(self.crawler, self.backend)
        return self.backend

    # --- Scrapy's scheduler interface ------------------------------------------------------------
    def has_pending_requests(self) -> bool:
        return bool(self.heap) or bool(self._backend().waiting())

    def __len__(self) -> int:
        return len(self.heap) + sum(self._backend().waiting().values())

    def enqueue_request(self, request: Request) -> bool:
        backend = self._backend()
        if request.meta.get(FRONTIER_KEY) == request.url and not request.dont_filter:
            if hash(request.url) in self.others:  # a redirect already went there
                return self._dropped()
            keep = self.held < self.memory
            entry = self._entry(request, keep)
            if not backend.push([entry], claim=keep)[0]:
                return self._dropped()
            if keep:
                self._hold(request, frontier=True)
            else:
                self.stats.inc_value("scheduler/enqueued/disk")
        else:  # a start request, a redirect or a retry (dont_filter)
            if not request.dont_filter and not self._first(request.url):
                return self._dropped()
            self._hold(request, frontier=False)
        self.stats.inc_value("scheduler/enqueued")
        return True

    def next_request(self) -> Request | None:
        waiting = self._backend().waiting()
        if waiting and (not self.heap or max(waiting) > -self.heap[0][0]):
            self._refill()
        if not self.heap:
            return None
        _, _, frontier, request = heapq.heappop(self.heap)
        self.held -= frontier
        self.stats.inc_value("scheduler/dequeued")
        return request

    # --- helpers ---------------------------------------------------------------------------------
    def _hold(self, request: Request, frontier: bool) -> None:
        heapq.heappush(self.heap, (-request.priority, -next(self.counter), frontier, request))
        self.held += frontier
        self.stats.inc_value("scheduler/enqueued/memory")

    def _refill(self) -> None:
        """Take the best waiting entries back into memory (up to half the heap's room, at least one)."""
        for entry in self._backend().pop(max(1, (self.memory - self.held) // 2)):
            self._hold(self._request(entry), frontier=True)
            self.stats.inc_value("scheduler/dequeued/disk")

    def _entry(self, request: Request, keep: bool) -> FrontierEntry:
        meta = request.meta
        serialised = None if keep else pickle.dumps(request.to_dict(spider=self.spider), protocol=5)
        return FrontierEntry(
            request.url, request.priority, meta.get("depth", 0), bool(meta.get(RECHECK_KEY)), serialised
        )

    def _request(self, entry: FrontierEntry) -> Request:
        if entry.request is not None:
            return request_from_dict(pickle.loads(entry.request), spider=self.spider)
        rebuild = getattr(self.spider, "frontier_request", None)
        if rebuild is not None:  # an entry claimed by a killed run: the spider makes it again
            return rebuild(entry)
        return Request(
            entry.url, priority=entry.priority, meta={"depth": entry.depth, FRONTIER_KEY: entry.url}
        )

    def _first(self, url: str) -> bool:
        """True the first time a request for `url` (normalised) is scheduled outside the frontier and
        the frontier does not hold it either: Scrapy's duplicate filter, for these few requests."""
        key = normalize_url(url) or url
        if hash(key) in self.others or self._backend().seen(key):
            return False
        self.others.add(hash(key))
        return True

    def _dropped(self) -> bool:
        self.stats.inc_value("dupefilter/filtered")
        return False
