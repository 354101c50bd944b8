"""Scrapy's downloader middleware manager, awaiting only what a middleware's method gives to be awaited.

For every request and its response, Scrapy's manager calls each downloader middleware's
`process_request` and `process_response` (nineteen calls a page in this crawler) through
`ensure_awaitable`, which formats the method's name (for a warning it gives only about a Deferred),
checks the result against the Awaitable ABC, and wraps a plain result in a coroutine to await it:
about 1% of the crawler's CPU per page, though all but a few of these methods return their result
directly. `LeanDownloaderMiddlewareManager` takes a None, Response or Request as it comes and hands
anything else (a coroutine, a Deferred) to `ensure_awaitable` as Scrapy does; the methods are called
in the same order, with the same arguments, and their results and errors are checked the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.exceptions import _InvalidOutput
from scrapy.http import Request, Response
from scrapy.utils.defer import ensure_awaitable
from scrapy.utils.python import global_object_name


class LeanDownloaderMiddlewareManager(DownloaderMiddlewareManager):
    """Scrapy's DownloaderMiddlewareManager with leaner `_process_request` and `_process_response`
    (see the module docstring). It adds no state, so a Downloader's manager can be made one
    (crawler/run/crawler.py)."""

    async def _process_request(
        self, request: Request, download_func: Callable[[Request], Coroutine[Any, Any, Response]]
    ) -> Response | Request:
        for method in self.methods["process_request"]:
            assert method is not None
            response = self._handle_mw_method(method, request=request)
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
        for method in self.methods["process_response"]:
            assert method is not None
            response = self._handle_mw_method(method, request=request, response=response)
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
