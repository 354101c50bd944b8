"""The spider middleware of the persisted frontier: which requests are frontier entries, and when a
page is done.

Every request a callback returns becomes a frontier entry (request.meta[FRONTIER_KEY] = its URL, kept
through redirects and retries); the scheduler (crawler/frontier/scheduler.py) pushes it to the crawl's
frontier backend, which is what a killed crawl resumes from. After a callback's output this middleware
adds one `PageDone` item naming the entry the response finished; the store pipeline marks it done in
the transaction that stores the page's rows, after the frontier has made the page's links durable. So
a page is never marked done without the links it led to, and a resumed crawl requests what was not
done again (and skips what was: crawler/policy/plan.py).

A request that ends in an error (no callback runs) stays in the frontier and is tried again if the
crawl is resumed; whatever is left when a crawl finishes (a --max-pages stop) is dropped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.frontier.backend import FRONTIER_KEY
from crawler.items import PageDone, UnchangedItem


class FrontierMiddleware:
    """Spider middleware: a `PageDone` item after each callback's output, an `UnchangedItem` for a 304."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> FrontierMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        for output in result:
            yield _note(output)
        yield from self._page_done(response)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            yield _note(output)
        for item in self._page_done(response):
            yield item

    def _page_done(self, response: Response) -> Iterator[Any]:
        capture = response.meta.get("capture") or {}
        if response.status == 304 and capture.get("fetched_at"):
            yield UnchangedItem(response.url, capture["fetched_at"])
        key = response.meta.get(FRONTIER_KEY)
        plan = getattr(self.crawler.spider, "plan", None)
        lastmods: list[tuple[str, str]] = []
        if plan is not None:
            plan.page_done([u for u in (key, response.url) if u])
            lastmods = plan.take_lastmods()
        yield PageDone(key, lastmods)


def _note(output: Any) -> Any:
    """A request the page made is a frontier entry under its own URL."""
    if isinstance(output, Request):
        output.meta.setdefault(FRONTIER_KEY, output.url)
    return output
