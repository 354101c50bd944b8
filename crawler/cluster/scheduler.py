"""`ClusterScheduler`: the frontier scheduler (crawler/frontier/scheduler.py) over a site's RedisFrontier.

It keeps no frontier request of its own in memory: every request the spider makes goes to Redis at
once (buffered until the next pipeline flush, as the embedded backend is), and comes back in batches
of JCRAWL_CLUSTER_BATCH, each pending for this worker until its page is stored. So a worker killed at
any moment holds nothing the cluster cannot give to another. It also keeps the site's trap counters
(crawler/policy/scope.py) in Redis, loaded when it opens and saved with every batch taken, so that the
worker that takes a site over goes on with them; and it shares the site's learning
(crawler/cluster/learning.py): the spider's learner counts what other workers observed of the site
first, and sends what it observes to Redis (the crawl that finishes the site saves the profile:
JournalSpider.closed).
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler

from crawler.cluster.bloom import BloomShape
from crawler.cluster.connection import cluster_of
from crawler.cluster.frontier import RedisFrontier
from crawler.cluster.learning import SharedLearner
from crawler.frontier.backend import FOUND_ON_KEY, RECHECK_KEY, FrontierBackend, FrontierEntry, publish
from crawler.frontier.scheduler import FrontierScheduler

logger = logging.getLogger(__name__)


class ClusterScheduler(FrontierScheduler):
    """Scrapy scheduler of a cluster worker's crawl of one site (see the module docstring)."""

    def __init__(self, crawler: Crawler, batch: int, buffer: int):
        super().__init__(crawler, 0, buffer)  # no frontier request in memory: every one goes to Redis
        self.batch = max(1, batch)
        self.saved_traps: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterScheduler:
        settings = crawler.settings
        return cls(
            crawler, settings.getint("JCRAWL_CLUSTER_BATCH"), settings.getint("JCRAWL_FRONTIER_BUFFER")
        )

    def _backend(self) -> FrontierBackend:
        if self.backend is None:
            settings = self.crawler.settings
            site = settings.get("JCRAWL_CLUSTER_SITE")
            worker = cluster_of(self.crawler)
            shape = BloomShape(*settings.getlist("JCRAWL_CLUSTER_BLOOM"))
            backend = RedisFrontier(worker.client, site, worker.worker_id, shape, self.buffer, worker.lost)
            backend.open()
            self.backend = backend
            publish(self.crawler, backend)
            self._load_traps(backend)
            self._share_learning(backend)
        return self.backend

    def _refill(self) -> None:
        """Take the next batch of the site's waiting entries (this worker's until they are stored)."""
        self.save_traps()
        for entry in self._backend().pop(self.batch):
            self._hold(self._request(entry), frontier=True)
            self.stats.inc_value("scheduler/dequeued/redis")

    def _entry(self, request: Request, keep: bool) -> FrontierEntry:
        meta = request.meta
        return FrontierEntry(
            request.url,
            request.priority,
            meta.get("depth", 0),
            bool(meta.get(RECHECK_KEY)),
            found_on=meta.get(FOUND_ON_KEY),
        )

    def close(self, reason: str) -> None:
        if isinstance(self.backend, RedisFrontier):
            self.save_traps()
        super().close(reason)

    # --- the site's learning ---------------------------------------------------------------------
    def _share_learning(self, backend: RedisFrontier) -> None:
        """Have the spider's learner count what the site's other workers observed, and share its own."""
        spider = self.crawler.spider
        learner = getattr(spider, "learner", None)
        if learner is None:
            return
        shared = SharedLearner(learner.profile, backend.share_observation)
        counted = shared.load(backend.observations())
        spider.learner = shared
        if counted:
            logger.info("%s: the learner counted %d pages other workers observed", backend.site, counted)

    # --- trap counters ---------------------------------------------------------------------------
    def _traps(self) -> dict[str, int] | None:
        traps = getattr(self.crawler.spider, "traps", None)
        return traps.spent if traps is not None else None

    def _load_traps(self, backend: RedisFrontier) -> None:
        spent = self._traps()
        if spent is not None:
            spent.update(backend.load_counters())
            self.saved_traps = dict(spent)

    def save_traps(self) -> None:
        """Write the trap counters that changed since the last save."""
        spent = self._traps()
        if spent is None or not isinstance(self.backend, RedisFrontier):
            return
        changed = {p: n for p, n in spent.items() if self.saved_traps.get(p) != n}
        if changed:
            self.backend.save_counters(changed)
            self.saved_traps.update(changed)
