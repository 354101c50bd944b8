"""The spider's memory of the URLs it has requested or set aside (and of other keys), in bounded memory.

The recent keys are held as fingerprints (Python's hash of the URL, 8 bytes, not the string) in two
generations of at most `capacity / 2` each: a URL seen again moves to the newer generation, and when
it is full the older one is dropped. What is dropped, or was seen by an earlier run of a resumed crawl,
is asked of the crawl's frontier backend, which holds every URL pushed or marked (so a URL is never
requested twice, however long the crawl). Until anything is dropped, a fingerprint missing from memory
means a URL never seen, and the backend is not asked at all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.frontier.backend import FrontierBackend


class SeenSet:
    """URLs requested (`add`: the scheduler pushes them to the frontier) or set aside (`mark`: the
    frontier records them), answering `url in seen`. Without a backend, a bounded set of recent keys
    (any hashable), which forgets the oldest."""

    def __init__(self, capacity: int, backend: Callable[[], FrontierBackend | None] = lambda: None):
        self.half = max(1, capacity // 2)
        self.backend = backend
        self.recent: set[int] = set()
        self.older: set[int] = set()
        self.forgot = False  # some fingerprint was dropped: a miss must be asked of the backend

    def __contains__(self, url: object) -> bool:
        key = hash(url)
        if key in self.recent:
            return True
        if key in self.older:
            self._keep(key)
            return True
        backend = self.backend()
        if backend is None or not (self.forgot or backend.resumed) or not backend.seen(str(url)):
            return False
        self._keep(key)
        return True

    def unseen(self, urls: Iterable[object]) -> list[bool]:
        """For each of `urls`: not None and not `in` this set; in one call for a page's links, most of
        which the recent fingerprints answer."""
        # `self.recent` read for each URL, not once: `in` may move a URL up and so turn the newer
        # generation into the older one, which a URL found there must leave as `in` would
        return [url is not None and hash(url) not in self.recent and url not in self for url in urls]

    def add(self, url: object) -> None:
        """A URL about to be requested (the frontier records it when the request is scheduled)."""
        self._keep(hash(url))

    def mark(self, url: str) -> None:
        """A URL not to be requested in this crawl: remembered here and in the frontier."""
        if url in self:
            return
        self._keep(hash(url))
        backend = self.backend()
        if backend is not None:
            backend.mark((url,))

    def _keep(self, key: int) -> None:
        self.recent.add(key)
        if len(self.recent) >= self.half:
            self.forgot = self.forgot or bool(self.older)
            self.older, self.recent = self.recent, set()


class RecentDict(OrderedDict):
    """A dict of at most `capacity` keys, set through `keep` and read through `recall`: the least
    recently kept or recalled go first."""

    def __init__(self, capacity: int):
        super().__init__()
        self.capacity = max(1, capacity)

    def keep(self, key: object, value: object) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.capacity:
            self.popitem(last=False)

    def recall(self, key: object) -> Any:
        """The value kept for `key`, which becomes the most recently used (KeyError if none is)."""
        self.move_to_end(key)
        return self[key]
