"""What the frontier scheduler needs from where a crawl's frontier is kept: the backend interface.

A backend holds the frontier of one crawl: every URL the crawl has requested (an *entry*) or decided
not to request (a *mark*), each once. It is the crawl's memory of what it has seen, kept out of the
crawler's own memory, and what a crawl killed at any moment resumes from. The embedded backend is the
archive's SQLite store (`crawler/frontier/sqlite.py`); `MemoryFrontier` below is the reference
implementation (no persistence), and a shared one (Redis) can take their place for several machines.

An entry is, in the words of a stream with consumer groups:

- *waiting*: pushed without a claim (`push(..., claim=False)`), handed out by `pop`;
- *claimed*: pushed with a claim (the scheduler keeps the request itself), or popped; not handed out
  again. A crawl that dies leaves its claims: `open` of the resumed crawl makes them waiting again;
- *done*: acknowledged (`ack`) once the page and what it led to are stored. Never handed out again.

Order: `pop` hands out the highest priority first, and within one priority the newest first (Scrapy's
default depth-first order). Nothing is handed out twice while the crawl runs; after a kill, a claimed
entry that was not done is handed out again (at least once; the store makes a page's rows idempotent).

Durability: `push` and `mark` may buffer; `flush` makes everything pushed and marked so far durable.
The store pipeline calls `flush` before it commits rows, so the links a page led to are durable
before the page is acknowledged.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# request.meta keys: the frontier entry a request serves (kept through redirects and retries),
# whether it is a conditional recheck of a known page, and the page whose link it followed.
FRONTIER_KEY = "jcrawl_frontier"
RECHECK_KEY = "jcrawl_recheck"
FOUND_ON_KEY = "jcrawl_found_on"
# The crawler attribute under which a crawl's backend is published (see `frontier_of`).
_ATTRIBUTE = "jcrawl_frontier"


@dataclass(frozen=True, slots=True)
class FrontierEntry:
    """One URL of the frontier: what a request for it needs.

    `request`: the whole request, serialised by the scheduler when it does not keep it in memory;
    None for an entry the scheduler held (rebuilt from the other fields when a crawl resumes).
    `found_on`: the page whose link it is, for a backend that keeps no whole request (the cluster's).
    """

    url: str
    priority: int = 0
    depth: int = 0
    recheck: bool = False
    request: bytes | None = None
    found_on: str | None = None


class FrontierBackend(Protocol):
    """Where one crawl's frontier is kept (see the module docstring)."""

    def open(self) -> None:
        """Start the crawl's frontier, or resume it: entries a dead process claimed wait again."""

    @property
    def resumed(self) -> bool:
        """True when the frontier held entries or marks at `open` (a resumed crawl)."""

    def push(self, entries: Sequence[FrontierEntry], claim: bool) -> list[bool]:
        """Add the entries whose URL the frontier does not hold yet; True for each one added.

        `claim`: the caller keeps these requests itself (they are recorded for a resumed crawl, not
        handed out by `pop`); otherwise they wait.
        """

    def pop(self, count: int) -> list[FrontierEntry]:
        """Claim and return up to `count` waiting entries: highest priority first, newest first."""

    def waiting(self) -> Counter[int]:
        """Waiting entries, counted by priority."""

    def ack(self, urls: Iterable[str]) -> None:
        """These entries are done: their pages, and what they led to, are stored."""

    def mark(self, urls: Iterable[str]) -> None:
        """Record URLs as seen without requesting them (never handed out; `seen` answers True)."""

    def seen(self, url: str) -> bool:
        """True when `url` was pushed or marked in this crawl (by this process or one before it)."""

    def flush(self) -> None:
        """Make everything pushed and marked so far durable."""

    def close(self) -> None:
        """Flush and let go of the storage."""


def frontier_of(crawler: Any) -> FrontierBackend | None:
    """The frontier backend of a crawler's crawl (published by the scheduler), or None."""
    return getattr(crawler, _ATTRIBUTE, None)


def publish(crawler: Any, backend: FrontierBackend) -> None:
    """Make `backend` the one `frontier_of(crawler)` returns."""
    setattr(crawler, _ATTRIBUTE, backend)


class MemoryFrontier:
    """A frontier kept in this process only: nothing survives it. The reference implementation of
    FrontierBackend, used when a crawl has no store to keep its frontier in."""

    def __init__(self) -> None:
        self.known: dict[str, bool] = {}  # url -> done or marked
        self.queue: list[tuple[int, int, FrontierEntry]] = []  # heap of (-priority, -seq, entry)
        self.counter = itertools.count()
        self.by_priority: Counter[int] = Counter()

    def open(self) -> None:
        pass

    @property
    def resumed(self) -> bool:
        return False

    def push(self, entries: Sequence[FrontierEntry], claim: bool) -> list[bool]:
        added = []
        for entry in entries:
            new = entry.url not in self.known
            if new:
                self.known[entry.url] = False
                if not claim:
                    heapq.heappush(self.queue, (-entry.priority, -next(self.counter), entry))
                    self.by_priority[entry.priority] += 1
            added.append(new)
        return added

    def pop(self, count: int) -> list[FrontierEntry]:
        entries = []
        while self.queue and len(entries) < count:
            entry = heapq.heappop(self.queue)[2]
            self.by_priority[entry.priority] -= 1
            entries.append(entry)
        return entries

    def waiting(self) -> Counter[int]:
        return +self.by_priority

    def ack(self, urls: Iterable[str]) -> None:
        for url in urls:
            self.known[url] = True

    def mark(self, urls: Iterable[str]) -> None:
        for url in urls:
            self.known.setdefault(url, True)

    def seen(self, url: str) -> bool:
        return url in self.known

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass
