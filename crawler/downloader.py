"""Scrapy's Downloader and its middleware manager, with fewer Deferreds and wrappers per request.

`LeanDownloader`: Scrapy's Downloader hands each request through two Deferreds besides its coroutines:
`fetch` is an inlineCallbacks generator around the middleware manager's coroutine (already a task
and a Deferred of its own), and `_enqueue_request` waits for the slot's download on a Deferred
turned into an asyncio Future (`maybe_deferred_to_future`), behind a wrapper checking for a
deprecated `spider` argument at every call (twice a request). `LeanDownloader` keeps the same
order of calls, the same slots, queue and signals, and awaits a Future the download sets directly;
`fetch` gives the manager's coroutine as a Deferred, whose firing ends the request's `active` as the
generator's did.

`LeanDownloaderMiddlewareManager`:

For every request and its response, Scrapy's manager calls each downloader middleware's
`process_request` and `process_response` (nineteen calls a page in this crawler) through
`ensure_awaitable`, which formats the method's name (for a warning it gives only about a Deferred),
checks the result against the Awaitable ABC, and wraps a plain result in a coroutine to await it:
about 1% of the crawler's CPU per page, though all but a few of these methods return their result
directly. `LeanDownloaderMiddlewareManager` takes a None, Response or Request as it comes and hands
anything else (a coroutine, a Deferred) to `ensure_awaitable` as Scrapy does; the methods are called
in the same order (without `_handle_mw_method` around each), with the same arguments, and their
results and errors are checked the same way.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from scrapy import Spider, signals
from scrapy.core.downloader import Downloader, Slot
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.exceptions import ScrapyDeprecationWarning, _InvalidOutput
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro, ensure_awaitable
from scrapy.utils.python import global_object_name
from twisted.internet.defer import Deferred


class LeanDownloader(Downloader):
    """Scrapy's Downloader, a request's download awaited without Deferreds in between (see the module
    docstring). It adds no state, so an engine's Downloader can be made one (crawler/run/crawler.py)."""

    def fetch(self, request: Request, spider: Spider | None = None) -> Deferred[Response | Request]:
        if spider is not None:
            warnings.warn(
                "Passing a 'spider' argument to Downloader.fetch() is deprecated and "
                "the argument will be removed in a future Scrapy version.",
                category=ScrapyDeprecationWarning,
                stacklevel=2,
            )
        self.active.add(request)
        fetched = deferred_from_coro(self.middleware.download_async(self._enqueue_request, request))
        return fetched.addBoth(self._fetched, request)

    def _fetched(self, result: Any, request: Request) -> Any:
        """The request is no longer active once its Deferred fires (when Scrapy's generator resumes)."""
        self.active.remove(request)
        return result

    def _get_slot(self, request: Request, spider: Spider | None = None) -> tuple[str, Slot]:
        # (Scrapy's, without the wrapper that warns of a `spider` argument: this class passes none)
        return _get_slot(self, request)

    async def _enqueue_request(self, request: Request) -> Response:
        key, slot = self._get_slot(request)
        request.meta[self.DOWNLOAD_SLOT] = key
        slot.active.add(request)
        self.signals.send_catch_log(
            signal=signals.request_reached_downloader, request=request, spider=self.crawler.spider
        )
        done: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        slot.queue.append((request, done))
        self._process_queue(slot)
        try:
            return await done  # set in _wait_for_download()
        finally:
            slot.active.remove(request)

    async def _wait_for_download(self, slot: Slot, request: Request, done: asyncio.Future[Response]) -> None:  # type: ignore[override]
        try:
            response = await self._download(slot, request)
        except Exception as exc:
            if not done.done():  # (cancelled with its request: the outcome is dropped, as Scrapy's is)
                done.set_exception(exc)
        else:
            if not done.done():
                done.set_result(response)


_get_slot = Downloader._get_slot.__wrapped__  # type: ignore[attr-defined]


class LeanDownloaderMiddlewareManager(DownloaderMiddlewareManager):
    """Scrapy's DownloaderMiddlewareManager with leaner `_process_request` and `_process_response`
    (see the module docstring). It adds no state, so a Downloader's manager can be made one
    (crawler/run/crawler.py)."""

    async def _process_request(
        self, request: Request, download_func: Callable[[Request], Coroutine[Any, Any, Response]]
    ) -> Response | Request:
        requiring_spider = self._mw_methods_requiring_spider
        for method in self.methods["process_request"]:
            assert method is not None
            # (Scrapy's _handle_mw_method, inline: it cost a call for each method)
            if method in requiring_spider:
                response = method(request=request, spider=self._spider)
            else:
                response = method(request=request)
            # (a plain result is taken as it is, not wrapped in a coroutine to be awaited)
            if response is not None and not isinstance(response, (Response, Request)):
                response = await ensure_awaitable(response, _warn=global_object_name(method))
                if response is not None and not isinstance(response, (Response, Request)):
                    raise _InvalidOutput(
                        f"Middleware {method.__qualname__} must return None, Response or "
                        f"Request, got {response.__class__.__name__}"
                    )
            if response:
                return response
        return await download_func(request)

    async def _process_response(self, response: Response | Request, request: Request) -> Response | Request:
        if response is None:
            raise TypeError("Received None in process_response")
        if isinstance(response, Request):
            return response
        requiring_spider = self._mw_methods_requiring_spider
        for method in self.methods["process_response"]:
            assert method is not None
            if method in requiring_spider:  # (as in _process_request)
                response = method(request=request, response=response, spider=self._spider)
            else:
                response = method(request=request, response=response)
            if not isinstance(response, (Response, Request)):
                response = await ensure_awaitable(response, _warn=global_object_name(method))
                if not isinstance(response, (Response, Request)):
                    raise _InvalidOutput(
                        f"Middleware {method.__qualname__} must return Response or Request, "
                        f"got {type(response)}"
                    )
            if isinstance(response, Request):
                return response
        return response
