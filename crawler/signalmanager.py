"""Scrapy's signals, sent at the cost of their receivers only.

Scrapy sends about ten signals per response (request_scheduled, request_reached_downloader and
request_left_downloader, headers_received, bytes_received for every chunk, response_received,
item_scraped for each item...), most of them with no receiver in this crawler. Its `send_catch_log`
walks pydispatch's four receiver tables through two generators and checks `dont_log` against an
abstract base class (~6 µs for a signal no one listens to), pydispatch's `robustApply` re-reads a
receiver's signature at every call, and `send_catch_log_async` wraps every receiver in an asyncio task:
together 4% of the instructions the crawler's process runs per page (callgrind). `LeanSignalManager`
sends the same signals to the same receivers, with the same arguments, the same error handling and the
same results, from the same pydispatch tables (so `connect` and `disconnect` are Scrapy's); a
receiver's accepted argument names are read once.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any

from pydispatch import dispatcher
from pydispatch.robustapply import function
from scrapy.exceptions import StopDownload
from scrapy.signalmanager import SignalManager
from scrapy.utils.defer import ensure_awaitable
from scrapy.utils.python import global_object_name
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

logger = logging.getLogger("scrapy.utils.signal")  # where Scrapy logs a receiver's error


class LeanSignalManager(SignalManager):
    """Scrapy's SignalManager with a lean `send_catch_log` and `send_catch_log_async`."""

    def __init__(self, sender: Any = dispatcher.Anonymous):
        super().__init__(sender)
        # The keyword arguments of each receiver's code (and whether it is a bound method's): None
        # when it takes **kwargs.
        self._accepts: dict[tuple[Any, bool], frozenset[str] | None] = {}

    def send_catch_log(self, signal: Any, **kwargs: Any) -> list[tuple[Any, Any]]:
        """As Scrapy's: each receiver's result, or the Failure it raised (logged unless `dont_log`)."""
        receivers = self._receivers(kwargs.get("sender", self.sender), signal)
        if not receivers:
            return []
        dont_log = (*_dont_log(kwargs), StopDownload)
        results = []
        for receiver in receivers:
            try:
                result = self._call(receiver, signal, kwargs)
            except dont_log:
                result = Failure()
            except Exception:
                result = Failure()
                _log_error(receiver, kwargs)
            else:
                if isinstance(result, Deferred):
                    logger.error(
                        "Cannot return deferreds from signal handler: %(receiver)s",
                        {"receiver": receiver},
                        extra={"spider": kwargs.get("spider")},
                    )
            results.append((receiver, result))
        return results

    async def send_catch_log_async(self, signal: Any, **kwargs: Any) -> list[tuple[Any, Any]]:
        """As Scrapy's: each receiver's result, or the exception it raised (logged unless `dont_log`).
        Receivers are called in turn; those that return an awaitable (or a Deferred) are then awaited
        together. Scrapy's wraps every receiver in a task, asynchronous or not."""
        receivers = self._receivers(kwargs.get("sender", self.sender), signal)
        if not receivers:
            return []
        dont_log = _dont_log(kwargs)
        results: list[tuple[Any, Any]] = []
        pending: dict[int, Any] = {}
        for receiver in receivers:
            try:
                result = self._call(receiver, signal, kwargs)
            except dont_log as exc:
                result = exc
            except Exception as exc:
                _log_error(receiver, kwargs)
                result = exc
            else:
                if isinstance(result, Deferred) or inspect.isawaitable(result):
                    pending[len(results)] = ensure_awaitable(result, _warn=global_object_name(receiver))
            results.append((receiver, result))
        if pending:
            outcomes = await asyncio.gather(*pending.values(), return_exceptions=True)
            for index, outcome in zip(pending, outcomes, strict=True):
                receiver = results[index][0]
                if isinstance(outcome, Exception) and not isinstance(outcome, dont_log):
                    _log_error(receiver, kwargs, outcome)
                results[index] = (receiver, outcome)
        return results

    def _receivers(self, sender: Any, signal: Any) -> list[Any]:
        """pydispatch's live receivers of `signal` from `sender`, in its order (getAllReceivers). Its
        tables are read directly: most signals have no receiver, and the others' are in one table
        (this sender, this signal), which pydispatch keeps free of repeats."""
        connections = dispatcher.connections
        own = connections.get(id(sender)) or {}
        anyone = connections.get(id(dispatcher.Any)) or {}
        anything = dispatcher.Any
        found = (own.get(signal), own.get(anything), anyone.get(signal), anyone.get(anything))
        tables = [table for table in found if table]
        if not tables:
            return []
        if len(tables) > 1:  # pydispatch merges them, each receiver once
            return list(dispatcher.liveReceivers(dispatcher.getAllReceivers(sender, signal)))
        live = []
        for receiver in tables[0]:
            if isinstance(receiver, dispatcher.WEAKREF_TYPES):
                receiver = receiver()
                if receiver is None:
                    continue
            live.append(receiver)
        return live

    def _call(self, receiver: Any, signal: Any, kwargs: dict[str, Any]) -> Any:
        """`receiver` called as robustApply calls it: with the keyword arguments it accepts."""
        # (keyed by code, not by function: a closure connected anew each time adds no entry)
        function_ = getattr(receiver, "__func__", receiver)
        key = (getattr(function_, "__code__", None), function_ is not receiver)
        try:
            accepts = self._accepts[key]
        except KeyError:
            accepts = _accepted(receiver)
            if key[0] is not None:  # a callable object's is read at every call, as robustApply does
                self._accepts[key] = accepts
        named = {"signal": signal, **kwargs}
        named.setdefault("sender", self.sender)
        if accepts is not None:
            named = {name: value for name, value in named.items() if name in accepts}
        return receiver(**named)


def _accepted(receiver: Any) -> frozenset[str] | None:
    """The keyword arguments `receiver` takes (robustApply's reading of its code), None for **kwargs."""
    _, code, bound = function(receiver)
    if code.co_flags & inspect.CO_VARKEYWORDS:
        return None
    return frozenset(code.co_varnames[bound : code.co_argcount])


def _dont_log(kwargs: dict[str, Any]) -> tuple[type[BaseException], ...]:
    dont_log = kwargs.pop("dont_log", ())
    return tuple(dont_log) if isinstance(dont_log, (tuple, list)) else (dont_log,)


def _log_error(receiver: Any, kwargs: dict[str, Any], exc: BaseException | None = None) -> None:
    logger.error(
        "Error caught on signal handler: %(receiver)s",
        {"receiver": receiver},
        exc_info=exc if exc is not None else True,
        extra={"spider": kwargs.get("spider")},
    )
