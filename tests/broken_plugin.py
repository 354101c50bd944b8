"""A spider middleware that breaks on one page, as a buggy plug-in would (tests/test_engine_parts.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response


class BreaksOnSecondPage:
    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            yield output
        if response.url.endswith("/second/"):
            raise RuntimeError(f"the plug-in broke on {response.url}")
