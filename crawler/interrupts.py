"""Ctrl-C and SIGTERM as exceptions (KeyboardInterrupt, and Terminated for SIGTERM), remembered.

A signal can land inside code that swallows the exception it raises: in a SQLite function written in
Python (`site_of`, `sqlar_uncompress`...), sqlite3 reports it as an OperationalError ("user-defined
function raised exception"), and the run would end as failed rather than interrupted. So the signals
are remembered as they come, and an error that follows one is read as the interruption it is
(`received`).

While a crawl runs, Scrapy puts handlers of its own in place (a clean stop, then a forced one).
"""

from __future__ import annotations

import signal
from types import FrameType

_received: list[int] = []


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is (a clean stop) but ending with exit code 143."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def install() -> None:
    """From now on Ctrl-C raises KeyboardInterrupt and SIGTERM Terminated, each remembered
    (forgetting those received before)."""
    _received.clear()
    signal.signal(signal.SIGINT, _raise)
    signal.signal(signal.SIGTERM, _raise)


def _raise(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise _interruption(signum)


def _interruption(signum: int) -> KeyboardInterrupt:
    return Terminated(signum) if signum == signal.SIGTERM else KeyboardInterrupt()


def received() -> KeyboardInterrupt | None:
    """The interruption the last signal received (since `install`) raised, or None: an error met after
    it is that interruption, whatever swallowed the exception on its way."""
    return _interruption(_received[-1]) if _received else None
