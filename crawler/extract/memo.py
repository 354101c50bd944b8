"""Bounded memos for the pure functions extraction runs on every page (a site repeats its class names,
menu links and date marks on every page, so most lookups hit).

A memo is a plain dict, read with its own `get` (a dict subclass or a wrapper would make every lookup,
hits included, a slower call); `remember` stores into it and keeps it bounded.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, limit: int = 10_000) -> V:
    """Store `value` under `key` in `memo` and return it, emptying `memo` first when it holds `limit`
    entries (so a long crawl of many sites keeps it small; only pure results go in, so emptying it
    changes no result)."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
