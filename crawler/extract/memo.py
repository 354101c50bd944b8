"""A bounded memo for the pure functions extraction runs on every page (a site repeats its class names,
menu links and date marks on every page, so most lookups hit)."""

from __future__ import annotations

from typing import TypeVar

V = TypeVar("V")


class Memo(dict):
    """A dict emptied when it grows past `limit` entries, so a long crawl of many sites keeps it small.

    Only pure results go in, so emptying it changes no result. Read it with the dict's own `get`
    (a C call); store with `put`.
    """

    __slots__ = ("limit",)

    def __init__(self, limit: int = 10_000) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key, value: V) -> V:
        """Store `value` under `key` (emptying the memo first when it is full) and return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
