"""The embedded frontier backend: the `frontier` table of the archive's own database.

One row per URL of a crawl (`crawl_id`, `url`): its `priority`, `depth`, `recheck`, the order it came in
(`seq`), the serialised request of an entry the scheduler did not keep in memory (`request`), and its
state in `done`: 0 waiting, 2 claimed, 1 done (or a mark: a URL seen and not requested). The store
pipeline marks entries done in the same transaction as the rows of their pages (Batch.done), so `ack`
has nothing left to do here. Every other write goes through a short transaction of this backend's
own connection, never left open, so the pipeline's connection can always write.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from crawler.frontier.backend import FrontierEntry
from crawler.store import Store
from crawler.store.sql import insert_rows

WAITING, DONE, CLAIMED = 0, 1, 2
# The bit positions of a URL in a UrlFilter: its hash modulo three primes just under 2**24.
_FILTER_PRIMES = (16777213, 16777199, 16777183)


class UrlFilter:
    """A Bloom filter (2 MiB, three bits a URL) of the URLs a run wrote to its crawl's frontier: a URL
    it does not hold is not in the table, and a page's new links are known new without a query each.
    It holds a few hundred thousand URLs with about one false "maybe" in a hundred (which the table
    answers), more with more such answers."""

    def __init__(self) -> None:
        self.bits = bytearray(1 << 21)

    def add(self, url: str) -> None:
        key = hash(url)
        for prime in _FILTER_PRIMES:
            bit = key % prime
            self.bits[bit >> 3] |= 1 << (bit & 7)

    def __contains__(self, url: str) -> bool:
        key = hash(url)
        for prime in _FILTER_PRIMES:
            bit = key % prime
            if not self.bits[bit >> 3] & 1 << (bit & 7):
                return False
        return True


class SqliteFrontier:
    """A crawl's frontier in the archive's `frontier` table (see the module docstring).

    Pushes and marks are buffered in memory and written every `buffer` of them, at `flush` and before
    any read that needs them; the buffer is the only part of the frontier held in memory, beside a
    UrlFilter of the URLs this run wrote (pushed, marked, acknowledged), which `seen` asks first
    unless the crawl is resumed (its table holds URLs the filter never saw).
    """

    def __init__(self, archive: str | Path, crawl_id: int, buffer: int = 1000):
        self.archive = archive
        self.crawl_id = crawl_id
        self.buffer = buffer
        self.store: Store | None = None
        self.pending: dict[str, tuple[FrontierEntry, int]] = {}  # url -> (entry, state)
        self.pending_marks: set[str] = set()
        self.by_priority: Counter[int] = Counter()
        self.seq = 0
        self._resumed = False
        self.written = UrlFilter()

    @property
    def conn(self) -> sqlite3.Connection:
        assert self.store is not None, "the frontier is not open"
        return self.store.conn

    def open(self) -> None:
        self.store = Store(self.archive)
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE frontier SET done = ? WHERE crawl_id = ? AND done = ?",
                (WAITING, self.crawl_id, CLAIMED),
            )
            rows, seq = conn.execute(
                "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM frontier WHERE crawl_id = ?", (self.crawl_id,)
            ).fetchone()
            waiting = conn.execute(
                "SELECT priority, COUNT(*) FROM frontier WHERE crawl_id = ? AND done = ? GROUP BY priority",
                (self.crawl_id, WAITING),
            ).fetchall()
        self._resumed = rows > 0
        self.seq = seq
        self.by_priority = Counter(dict(waiting))

    @property
    def resumed(self) -> bool:
        return self._resumed

    def push(self, entries: Sequence[FrontierEntry], claim: bool) -> list[bool]:
        added = []
        state = CLAIMED if claim else WAITING
        for entry in entries:
            new = not self.seen(entry.url)
            if new:
                self.written.add(entry.url)
                self.pending[entry.url] = (entry, state)
                if not claim:
                    self.by_priority[entry.priority] += 1
            added.append(new)
        if len(self.pending) >= self.buffer:
            self.flush()
        return added

    def pop(self, count: int) -> list[FrontierEntry]:
        self.flush()
        with self.store.transaction() as conn:  # type: ignore[union-attr]
            rows = conn.execute(
                "SELECT url, priority, depth, recheck, request FROM frontier "
                "WHERE crawl_id = ? AND done = ? ORDER BY priority DESC, seq DESC LIMIT ?",
                (self.crawl_id, WAITING, count),
            ).fetchall()
            conn.executemany(
                "UPDATE frontier SET done = ? WHERE crawl_id = ? AND url = ?",
                [(CLAIMED, self.crawl_id, row[0]) for row in rows],
            )
        entries = [
            FrontierEntry(url, p, depth, bool(recheck), request) for url, p, depth, recheck, request in rows
        ]
        for entry in entries:
            self.by_priority[entry.priority] -= 1
        return entries

    def waiting(self) -> Counter[int]:
        return +self.by_priority

    def ack(self, urls: Iterable[str]) -> None:
        """The store pipeline marked them done with the rows of their pages (a request from outside the
        frontier, a start URL or a redirect, gets its row there): the filter learns them."""
        for url in urls:
            self.written.add(url)

    def mark(self, urls: Iterable[str]) -> None:
        urls = list(urls)
        for url in urls:
            self.written.add(url)
        self.pending_marks.update(urls)
        if len(self.pending_marks) >= self.buffer:
            self.flush()

    def seen(self, url: str) -> bool:
        if url in self.pending or url in self.pending_marks:
            return True
        if not self._resumed and url not in self.written:
            return False
        row = self.conn.execute(
            "SELECT 1 FROM frontier WHERE crawl_id = ? AND url = ?", (self.crawl_id, url)
        ).fetchone()
        return row is not None

    def flush(self) -> None:
        if self.store is None or not (self.pending or self.pending_marks):
            return
        rows = []
        for url, (entry, state) in self.pending.items():
            self.seq += 1
            rows.append(
                (
                    self.crawl_id,
                    url,
                    entry.priority,
                    entry.depth,
                    entry.recheck,
                    state,
                    self.seq,
                    entry.request,
                )
            )
        with self.store.transaction() as conn:
            insert_rows(
                conn,
                "INSERT OR IGNORE INTO frontier "
                "(crawl_id, url, priority, depth, recheck, done, seq, request)",
                rows,
            )
            insert_rows(
                conn,
                "INSERT OR IGNORE INTO frontier (crawl_id, url, done)",
                [(self.crawl_id, url, DONE) for url in self.pending_marks],
            )
        self.pending.clear()
        self.pending_marks.clear()

    def close(self) -> None:
        if self.store is not None:
            self.flush()
            self.store.close()
            self.store = None
