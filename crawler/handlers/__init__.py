"""Download handlers: how the bytes of an exchange are fetched."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


class _QuickInspect:
    """The `inspect` module as `scrapy.utils.deprecate` sees it meanwhile: `stack()` gives frames without
    their source lines, and `getmodule` finds a frame's module by its globals' `__name__`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)

    @staticmethod
    def stack(context: int = 1) -> list[inspect.FrameInfo]:
        # From its caller's frame, as stack() does; the file named as the code names it (inspect's own
        # getouterframes would look each frame's module up, the slow way this replaces).
        frames, frame = [], sys._getframe(1)
        while frame is not None:
            code = frame.f_code
            frames.append(
                inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name, None, None)
            )
            frame = frame.f_back
        return frames

    @staticmethod
    def getmodule(target: Any, _filename: str | None = None) -> Any:
        if isinstance(target, FrameType):
            return sys.modules.get(target.f_globals.get("__name__", ""))
        return inspect.getmodule(target, _filename)


@contextmanager
def quick_caller_lookup() -> Iterator[None]:
    """Scrapy's `create_deprecated_class` finds its caller's module quickly meanwhile.

    It asks `inspect.stack()` and `inspect.getmodule` only for that module's name, but inspect's way
    looks up the source file of every frame on the stack and maps every module in sys.modules to its
    real path (an lstat per path component): about a tenth of a crawl's start-up CPU, for the three
    deprecated classes of Scrapy's HTTP/1.1 handler (its TLS context factories). Only the name
    `inspect` in `scrapy.utils.deprecate` is replaced, so no other caller (another thread) sees it.
    """
    from scrapy.utils import deprecate

    real = deprecate.inspect
    deprecate.inspect = _QuickInspect()  # type: ignore[assignment]
    try:
        yield
    finally:
        deprecate.inspect = real
