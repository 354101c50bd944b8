"""The crawler's signal manager (crawler/signalmanager.py) does what Scrapy's does: the same receivers
get the same arguments, errors are logged and returned alike, and asynchronous receivers are awaited.
Every crawl test runs through it too: `jcrawl crawl` builds its crawlers with it."""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any

import pytest
from pydispatch import dispatcher
from scrapy.signalmanager import SignalManager
from twisted.internet.defer import Deferred, succeed
from twisted.python.failure import Failure

from crawler.signalmanager import LeanSignalManager

ping = object()  # a signal
pong = object()  # another, with no receiver


class Receivers:
    """Receivers of every kind pydispatch calls: bound methods, functions, **kwargs, callables."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def method(self, item: Any, spider: Any) -> str:
        self.calls.append(("method", {"item": item, "spider": spider}))
        return "method"

    def everything(self, **kwargs: Any) -> str:
        self.calls.append(("everything", kwargs))
        return "everything"

    def __call__(self, item: Any) -> str:
        self.calls.append(("callable", {"item": item}))
        return "callable"

    def failing(self, item: Any) -> None:
        raise ValueError(f"bad {item}")

    def quiet_failure(self) -> None:
        raise KeyError("not logged")


def connected(manager_class: type[SignalManager]) -> tuple[SignalManager, Receivers, list[Any]]:
    sender = object()
    manager = manager_class(sender)
    receivers = Receivers()
    calls = receivers.calls

    def function(item: Any, signal: Any, sender: Any) -> str:
        calls.append(("function", {"item": item, "signal": signal is ping, "from": sender is manager.sender}))
        return "function"

    kept = [function]  # pydispatch holds receivers weakly
    for receiver in (receivers.method, function, receivers.everything, receivers, receivers.failing):
        manager.connect(receiver, ping)
    return manager, receivers, kept


def outcome(results: list[tuple[Any, Any]]) -> list[Any]:
    """Each receiver's result, an error as (type, message)."""
    out = []
    for _, result in results:
        error = result.value if isinstance(result, Failure) else result
        out.append((type(error).__name__, str(error)) if isinstance(error, BaseException) else result)
    return out


def comparable(calls: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """The calls, with the `sender` a **kwargs receiver gets (the manager's own) left out."""
    return [(name, {k: v for k, v in kwargs.items() if k != "sender"}) for name, kwargs in calls]


def test_receivers_get_what_scrapy_gives_them(caplog: pytest.LogCaptureFixture) -> None:
    seen = []
    for manager_class in (SignalManager, LeanSignalManager):
        manager, receivers, _kept = connected(manager_class)
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            results = manager.send_catch_log(ping, item=7, spider="s", response=None)
            nothing = manager.send_catch_log(pong, item=7)
        errors = [r.getMessage() for r in caplog.records]
        seen.append((outcome(results), comparable(receivers.calls), nothing, len(errors)))
        assert receivers.calls[2][1]["sender"] is manager.sender  # **kwargs: the sender too
    scrapy, lean = seen
    assert lean == scrapy
    assert lean[0] == ["method", "function", "everything", "callable", ("ValueError", "bad 7")]
    assert lean[1][0] == ("method", {"item": 7, "spider": "s"})
    assert lean[1][1] == ("function", {"item": 7, "signal": True, "from": True})
    assert lean[2] == [] and lean[3] == 1  # no receiver: nothing; the error logged once


def test_dont_log_keeps_an_expected_error_quiet(caplog: pytest.LogCaptureFixture) -> None:
    for manager_class in (SignalManager, LeanSignalManager):
        manager = manager_class(object())
        receivers = Receivers()
        manager.connect(receivers.quiet_failure, ping)
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            results = manager.send_catch_log(ping, dont_log=KeyError)
        assert outcome(results) == [("KeyError", "'not logged'")]
        assert not caplog.records


def test_asynchronous_receivers_are_awaited(caplog: pytest.LogCaptureFixture) -> None:
    async def later(item: Any) -> str:
        await asyncio.sleep(0.01)
        return f"later {item}"

    async def fails_later(item: Any) -> None:
        await asyncio.sleep(0)
        raise RuntimeError(f"late {item}")

    def deferred(item: Any) -> Deferred:
        return succeed(f"deferred {item}")

    kept = (later, fails_later, deferred)
    seen = []
    for manager_class in (SignalManager, LeanSignalManager):
        manager, receivers, _kept = connected(manager_class)
        # Scrapy's asynchronous send fails on a callable object (no __qualname__ for its warning)
        manager.disconnect(receivers, ping)
        for receiver in kept:
            manager.connect(receiver, ping)
        caplog.clear()
        with caplog.at_level(logging.ERROR), warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            results = asyncio.run(manager.send_catch_log_async(signal=ping, item=3, spider=None))
            nothing = asyncio.run(manager.send_catch_log_async(signal=pong, item=3))
        errors = sorted(r.getMessage().split(" at 0x")[0] for r in caplog.records)
        deprecated = [str(w.message) for w in warned if "returned a Deferred" in str(w.message)]
        seen.append((outcome(results), comparable(receivers.calls), nothing, errors, len(deprecated)))
    scrapy, lean = seen
    assert lean == scrapy
    assert lean[0] == [
        "method",
        "function",
        "everything",
        ("ValueError", "bad 3"),
        "later 3",
        ("RuntimeError", "late 3"),
        "deferred 3",
    ]
    assert len(lean[3]) == 2 and lean[4] == 1  # both failures logged; the Deferred warned of


def test_receivers_of_any_sender_or_any_signal_get_it_once_as_with_scrapy() -> None:
    seen = []
    for manager_class in (SignalManager, LeanSignalManager):
        manager, receivers, _kept = connected(manager_class)

        def from_anyone(item: Any) -> str:
            return "from anyone"

        def of_anything(**kwargs: Any) -> str:
            return "of anything"

        dispatcher.connect(from_anyone, ping)  # any sender
        manager.connect(of_anything, dispatcher.Any)  # any signal of this sender
        manager.connect(receivers.method, ping)  # again: still once
        try:
            results = manager.send_catch_log(ping, item=1, spider=None)
            other = manager.send_catch_log(pong, item=2)
        finally:
            dispatcher.disconnect(from_anyone, ping)
        seen.append((outcome(results), outcome(other)))
    scrapy, lean = seen
    assert lean == scrapy
    assert lean[0].count("method") == 1 and "from anyone" in lean[0] and "of anything" in lean[0]
    assert lean[1] == ["of anything"]
