"""The persisted frontier: a crawl killed at any moment resumes where it stopped.

Scrapy's JOBDIR is not used: its disk queues write their state only when the crawl closes, so a
SIGKILL loses it. The frontier lives in the store instead (`frontier` table). This spider middleware
sees everything a callback returns and adds one `PageDone` item after it, listing the requests the
page led to (now in the frontier) and the frontier entry the response finished (taken out). The
pipeline stores one item in one transaction, so a page is never marked done without the links it
led to. A resumed crawl requests its frontier again (crawler/plan.py) and skips what it captured.

A request that ends in an error (no callback runs) stays in the frontier and is tried again if the
crawl is resumed; whatever is left when a crawl finishes (a --max-pages stop) is dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.items import PageDone, UnchangedItem

# request.meta keys: the frontier entry a request serves (kept through redirects and retries), and
# whether it is a conditional recheck of a known page.
FRONTIER_KEY = "jcrawl_frontier"
RECHECK_KEY = "jcrawl_recheck"


class FrontierMiddleware:
    """Spider middleware: a `PageDone` item after each callback's output, an `UnchangedItem` for a 304."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        found: list[tuple[str, int, int, bool]] = []
        for output in result:
            yield self._note(output, found)
        yield from self._page_done(response, found)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        found: list[tuple[str, int, int, bool]] = []
        async for output in result:
            yield self._note(output, found)
        for item in self._page_done(response, found):
            yield item

    @staticmethod
    def _note(output: Any, found: list[tuple[str, int, int, bool]]) -> Any:
        """A request the page made goes into the frontier under its own URL."""
        if isinstance(output, Request):
            output.meta.setdefault(FRONTIER_KEY, output.url)
            meta = output.meta
            found.append((output.url, output.priority, meta.get("depth", 0), bool(meta.get(RECHECK_KEY))))
        return output

    def _page_done(self, response: Response, found: list[tuple[str, int, int, bool]]) -> Iterator[Any]:
        capture = response.meta.get("capture") or {}
        if response.status == 304 and capture.get("fetched_at"):
            yield UnchangedItem(response.url, capture["fetched_at"])
        key = response.meta.get(FRONTIER_KEY)
        plan = getattr(self.crawler.spider, "plan", None)
        lastmods: list[tuple[str, str]] = []
        if plan is not None:
            plan.page_done([u for u in (key, response.url) if u])
            lastmods = plan.take_lastmods()
        yield PageDone(found, key, lastmods)
