"""Revisit records across workers in one crawl: what one worker archived in full, the worker that takes
the site over and fetches it again (the start page, robots.txt, what the first had in flight)
archives as a revisit record.

Each full capture a worker makes of a site goes to the site's `captures` hash in Redis (URL -> WARC
date, payload digest, record id; deleted with the site's other keys when its crawl is done), sent
with the page's acknowledgement, just before it (the rest when the crawl closes). A worker asks it
only for a site it did not start (`RedisFrontier.resumed`): another worker can have captured
nothing of a site it started.
Earlier crawls' captures come from the archive's database, as before (archive/revisit.py).
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from archive.middleware import WarcArchiveMiddleware
from archive.revisit import Original
from crawler.cluster.frontier import RedisFrontier
from crawler.frontier.backend import frontier_of


class RedisCaptures:
    """The full captures the workers of a site made in this crawl (a `PeerCaptures`), kept in Redis."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    def _frontier(self) -> RedisFrontier | None:
        frontier = frontier_of(self.crawler)
        return frontier if isinstance(frontier, RedisFrontier) else None

    def original(self, url: str) -> Original | None:
        frontier = self._frontier()
        return frontier.last_capture(url) if frontier is not None and frontier.resumed else None

    def remember(self, original: Original) -> None:
        frontier = self._frontier()
        if frontier is not None:
            frontier.capture_kept(original)


class ClusterWarcArchiveMiddleware(WarcArchiveMiddleware):
    """The WARC middleware of a cluster worker: revisits of what other workers archived in this crawl."""

    def peers(self, crawler: Crawler) -> RedisCaptures:
        return RedisCaptures(crawler)
