"""`jcrawl worker`: one process of the cluster, crawling the sites it leases until none has work left.

A worker keeps its own state directory, DIR/workers/ID/: its lock, its log and a journal.db of its own
(the rows of its crawls, which the crawl's pipeline needs: capture ids, site profiles, revisits), and
writes its WARC files, named `jcrawl-ID-...`, into the archive's warc/ directory (DIR/workers/ID/warc
is a link to it). The archive's own journal.db has one writer, `jcrawl ingest`, which indexes those
WARC files (crawler/cluster/ingest.py).

Every JCRAWL_CLUSTER_TICK seconds the worker says it is alive, renews the leases of the sites it
crawls (a lease it lost stops that crawl), and leases sites with work (up to JCRAWL_CLUSTER_SITES at
once), each crawled by a Scrapy crawler of its own whose scheduler works the site's frontier in Redis
(crawler/cluster/scheduler.py). A crawl that finishes marks its site done; one stopped (a signal, a
lost lease) leaves it for another worker, which claims what was in flight. The worker ends when the
cluster has no site left to do, or when a signal stops it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import random
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor

from crawler import startup
from crawler.cluster import sites
from crawler.cluster.connection import ClusterUnavailable, attach, connect, site_keys
from crawler.cluster.frontier import RedisFrontier
from crawler.cluster.learning import adopt_newest_profile
from crawler.cluster.sites import FINISHED
from crawler.errors import FatalError
from crawler.frontier.backend import frontier_of
from crawler.run.crawl import CrawlOptions, _Process, crawl_settings
from crawler.run.crawler import JournalCrawler
from crawler.run.fatal import FATAL_STAT
from crawler.run.lock import LOCK_FILE, ArchiveLock
from crawler.run.logs import FILE_ONLY
from crawler.run.recovery import recover_warc_files
from crawler.store import DB_NAME, Store

logger = logging.getLogger(__name__)

SCHEDULER = "crawler.cluster.scheduler.ClusterScheduler"
# --max-pages counted per site in Redis, in place of the crawl's own count; revisit records of what
# other workers archived in this crawl.
CLUSTER_MIDDLEWARES = {
    "crawler.downloadermiddlewares.cap.RequestCapMiddleware": None,
    "crawler.cluster.cap.ClusterRequestCap": 840,
    "archive.middleware.WarcArchiveMiddleware": None,
    "crawler.cluster.revisits.ClusterWarcArchiveMiddleware": 950,
}
# A learned profile supported by every worker's articles (crawler/cluster/learning.py).
CLUSTER_PIPELINES = {
    "crawler.pipelines.StorePipeline": None,
    "crawler.cluster.learning.ClusterStorePipeline": 300,
}
WARC_PREFIX = "jcrawl-"  # and the worker's id


def default_worker_id() -> str:
    """HOST-PID: unique while the process runs."""
    return f"{platform.node() or 'worker'}-{os.getpid()}"


def warc_prefix(worker_id: str) -> str:
    """The name every WARC file of a worker starts with (its WARC_PREFIX)."""
    return WARC_PREFIX + worker_id


def worker_of(prefix: str) -> str | None:
    """The worker whose WARC files have `prefix`, None for a prefix no worker gives."""
    return (
        prefix.removeprefix(WARC_PREFIX) if prefix.startswith(WARC_PREFIX) and prefix != WARC_PREFIX else None
    )


def command_settings(archive: Path, overrides: dict[str, Any]) -> Settings:
    """The Scrapy settings a cluster command runs with: the defaults, with its `-s` options on top."""
    return crawl_settings(CrawlOptions("http://127.0.0.1/", archive, settings=overrides))


def share_archive(archive: Path) -> ArchiveLock:
    """The archive's lock, shared by the cluster's workers and ingest: a `jcrawl crawl`, `reparse` or
    `import` of the archive itself (which would close the workers' open WARC files as a killed
    run's) waits until they are all gone."""
    archive.mkdir(parents=True, exist_ok=True)
    (archive / LOCK_FILE).touch(exist_ok=True)
    return ArchiveLock(archive, "a cluster worker", shared=True)


@dataclass
class WorkerResult:
    """What a worker did: sites crawled to the end, pages stored, and the signal that stopped it (0)."""

    sites_done: list[str] = field(default_factory=list)
    pages: int = 0
    elapsed: float = 0.0
    interrupted: int = 0


class Worker:
    """A worker process of the cluster at `url`, writing into the archive `archive`."""

    def __init__(self, url: str, archive: Path, worker_id: str, settings: dict[str, Any] | None = None):
        self.url = url
        self.archive = Path(archive)
        self.worker_id = worker_id
        self.overrides = settings or {}
        base = command_settings(self.archive, self.overrides)
        self.tick_seconds = base.getfloat("JCRAWL_CLUSTER_TICK")
        self.lease_seconds = base.getfloat("JCRAWL_CLUSTER_LEASE_SECONDS")
        self.max_sites = max(1, base.getint("JCRAWL_CLUSTER_SITES"))
        self.middlewares = base.getdict("DOWNLOADER_MIDDLEWARES")
        self.pipelines = base.getdict("ITEM_PIPELINES")
        self.client = connect(url, base.getfloat("JCRAWL_CLUSTER_RETRY_SECONDS"))
        self.leases = sites.Leases(self.client, worker_id, self.lease_seconds)
        self.state_dir = self.archive / "workers" / worker_id
        self.active: dict[str, Crawler] = {}
        self.closing: set[Crawler] = set()  # crawls asked to close (a lease lost, Redis lost)
        self.result = WorkerResult()
        self.process: _Process | None = None
        self.stopping = False
        self.failure: str | None = None
        self.started = time.monotonic()

    # --- the state directory -----------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the state directory, its link to the archive's warc/, and close this worker's WARC
        files a killed run of it left open."""
        warc = self.archive / "warc"
        warc.mkdir(parents=True, exist_ok=True)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        link = self.state_dir / "warc"
        if not link.is_symlink():
            link.symlink_to(Path("..") / ".." / "warc", target_is_directory=True)
        store = Store(self.state_dir)
        try:
            recover_warc_files(store, warc_prefix(self.worker_id) + "-*")
        finally:
            store.close()

    # --- the run -----------------------------------------------------------------------------------
    def run(self) -> WorkerResult:
        """Work until the cluster has nothing left to do (or a signal); raises ClusterUnavailable when
        Redis stays away longer than JCRAWL_CLUSTER_RETRY_SECONDS, FatalError when the archive
        cannot be written."""
        with share_archive(self.archive), ArchiveLock(self._made(), "jcrawl worker"):
            self.prepare()
            first = command_settings(self.state_dir, self.overrides)
            install_reactor(first["TWISTED_REACTOR"], first["ASYNCIO_EVENT_LOOP"])
            from twisted.internet import reactor, task

            self.process = _Process(first)
            loop = task.LoopingCall(self.tick)
            loop.start(self.tick_seconds, now=False)
            reactor.callWhenRunning(self.tick)
            startup.end()
            self.process.start(stop_after_crawl=False)
        with contextlib.suppress(redis.RedisError):  # else it expires on its own
            sites.goodbye(self.client, self.worker_id)
        self.result.elapsed = time.monotonic() - self.started
        self.result.interrupted = self.process.stopped_by
        if self.failure:
            raise FatalError(self.failure)
        return self.result

    def _made(self) -> Path:
        """The state directory, made if need be."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        return self.state_dir

    def tick(self) -> None:
        """Say this worker is alive, keep its leases, take more sites, or end."""
        if self.process is None:
            return
        if self.failure:  # Redis is lost: no more calls to it; end once the crawls have closed
            if not self.active:
                self._stop()
            return
        try:
            self._tick()
        except redis.RedisError as exc:  # retried for JCRAWL_CLUSTER_RETRY_SECONDS already
            self.lost(exc)

    def lost(self, exc: Exception) -> None:
        """Redis stayed away longer than JCRAWL_CLUSTER_RETRY_SECONDS: stop (exit 4). What was not
        acknowledged waits in Redis for the next worker."""
        self._fail(f"lost the cluster's Redis at {self.url}: {exc}")

    def _tick(self) -> None:
        assert self.process is not None
        if self.process.stopped_by and not self.stopping:
            self.stopping = True  # Scrapy stops the crawls; they end through _ended
        sites.heartbeat(
            self.client,
            self.worker_id,
            self.lease_seconds,
            {
                "pid": os.getpid(),
                "host": platform.node(),
                "sites": sorted(self.active),
                "pages": self.pages(),
                "uptime": round(time.monotonic() - self.started, 1),
            },
        )
        for site, crawler in list(self.active.items()):
            if not self.leases.renew(site):
                logger.warning("Lost the lease on %s: stopping its crawl for another worker", site)
                self._close(crawler, "lease_lost")
        if self.stopping:
            if not self.active:
                self._stop()
            return
        wanted = [site for site in sites.todo(self.client) if site not in self.active]
        random.shuffle(wanted)  # workers starting together spread over the sites
        for site in wanted:
            if len(self.active) >= self.max_sites:
                break
            if self.leases.take(site):
                self._start(site)
        if not self.active and not sites.todo(self.client):
            self._stop()

    def pages(self) -> int:
        """Pages this worker stored (acknowledged in the frontier)."""
        live = [frontier_of(crawler) for crawler in self.active.values()]
        return self.result.pages + sum(f.acked for f in live if isinstance(f, RedisFrontier))

    def _start(self, site: str) -> None:
        assert self.process is not None
        seed = sites.seeds(self.client).get(site)
        if seed is None or seed.state == sites.DONE:
            self.leases.release(site)
            return
        settings = {  # the seed's settings over the worker's own: every worker crawls the site alike
            **self.overrides,
            **seed.settings,
            "SCHEDULER": SCHEDULER,
            "JCRAWL_CLUSTER_SITE": site,
            "JCRAWL_CLUSTER_BLOOM": list(seed.bloom),
            "WARC_PREFIX": warc_prefix(self.worker_id),
            "JCRAWL_UPDATE": seed.kind == "update",
            "JCRAWL_START_URLS": seed.start_urls[1:],
            "JCRAWL_SITE": {
                "name": site,
                "start_urls": seed.start_urls,
                "settings": seed.settings,
                "added_at": seed.seeded_at,
            },
            "JCRAWL_RESUME": 0,
            "DOWNLOADER_MIDDLEWARES": {**self.middlewares, **CLUSTER_MIDDLEWARES},
            "ITEM_PIPELINES": {**self.pipelines, **CLUSTER_PIPELINES},
            "JCRAWL_CLUSTER_ARCHIVE": str(self.archive),
            "JCRAWL_PLAN_ARCHIVE": str(self.archive) if (self.archive / DB_NAME).exists() else "",
        }
        with closing(Store(self.state_dir)) as store:  # extract with, and learn on, the site's newest profile
            adopt_newest_profile(store, self.archive, site)
        options = CrawlOptions(seed.start_urls[0], self.state_dir, settings=settings)
        spider = self.process.spider_loader.load("journal")
        crawler = JournalCrawler(spider, crawl_settings(options), init_reactor=False)
        attach(crawler, self)
        self.active[site] = crawler
        logger.info("Worker %s crawls %s", self.worker_id, site)
        deferred = self.process.crawl(crawler, start_url=seed.start_urls[0])
        deferred.addBoth(lambda outcome: self._ended(site, crawler, outcome))

    def _ended(self, site: str, crawler: Crawler, outcome: Any) -> None:
        """A crawl ended: its site done if it finished, its lease let go either way."""
        self.active.pop(site, None)
        self.closing.discard(crawler)
        frontier = frontier_of(crawler)
        if isinstance(frontier, RedisFrontier):
            self.result.pages += frontier.acked
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = stats.get("finish_reason")
        if self.failure:
            self.tick()
            return None
        try:
            if stats.get(FATAL_STAT):
                self._fail(f"{stats[FATAL_STAT]}. The worker stopped; what it archived before is intact.")
            elif reason in FINISHED and not self.stopping and self.leases.renew(site):
                sites.finish(self.client, site)
                stale = site_keys(self.client, site)
                if stale:
                    self.client.delete(*stale)  # the site's frontier is done: Redis lets it go
                self.result.sites_done.append(site)
                logger.info("Worker %s finished %s (%s)", self.worker_id, site, reason)
            elif outcome is not None and hasattr(outcome, "getErrorMessage"):
                logger.error("The crawl of %s failed: %s", site, outcome.getErrorMessage())
            self.leases.release(site)
        except redis.RedisError as exc:
            self.lost(exc)
        from twisted.internet import reactor

        reactor.callLater(0, self.tick)  # the next site, or the end, without waiting for the tick
        return None

    def _close(self, crawler: Crawler, reason: str) -> None:
        """Have a crawl close (once) with `reason`."""
        if crawler in self.closing:
            return
        self.closing.add(crawler)
        if crawler.engine is not None and crawler.crawling:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(crawler.engine.close_spider_async(reason=reason))

    def _fail(self, message: str) -> None:
        if self.failure is None:
            self.failure = message
            logger.error("%s", message, extra={FILE_ONLY: True})  # the command says it in its one line
        self.stopping = True
        for crawler in list(self.active.values()):
            self._close(crawler, "shutdown")
        if not self.active:
            self._stop()

    def _stop(self) -> None:
        assert self.process is not None
        self.process._stop_reactor()


__all__ = ["ClusterUnavailable", "Worker", "WorkerResult", "default_worker_id"]
