"""Download handlers: how the bytes of an exchange are fetched."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


@contextmanager
def quick_caller_lookup() -> Iterator[None]:
    """`inspect.stack()` gives frames without their source lines meanwhile, and `inspect.getmodule`
    finds a frame's module by its globals' `__name__`.

    For Scrapy modules that call them on import: `scrapy.utils.deprecate.create_deprecated_class`
    asks them only for its caller's module, but inspect's way looks up the source file of every frame
    on the stack and maps every module in sys.modules to its real path (an lstat per path component):
    about a tenth of a crawl's start-up CPU, for the three deprecated classes of Scrapy's HTTP/1.1
    handler (its TLS context factories).
    """
    stack, getmodule = inspect.stack, inspect.getmodule

    def frame_module(target: Any, _filename: str | None = None) -> Any:
        if isinstance(target, FrameType):
            return sys.modules.get(target.f_globals.get("__name__", ""))
        return getmodule(target, _filename)

    def frames(context: int = 0) -> list[inspect.FrameInfo]:
        return inspect.getouterframes(sys._getframe(1), 0)  # from its caller's frame, as stack() does

    inspect.stack = frames  # type: ignore[assignment]
    inspect.getmodule = frame_module  # type: ignore[assignment]
    try:
        yield
    finally:
        inspect.stack, inspect.getmodule = stack, getmodule
