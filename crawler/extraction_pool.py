"""Extraction in worker processes beside the reactor, so that one crawl uses the machine's cores.

Extraction is a pure function of (url, headers, body, site profile): the spider hands each HTML page
to `ExtractionPool.extract` and awaits the result, while the reactor goes on downloading, archiving and
storing. A worker returns the Article and what the site-profile learner counts of the page
(`learn.observation`), never the parsed tree. The records are the same as extraction in the reactor's
own process gives (JCRAWL_EXTRACT_WORKERS = 0): same function, same arguments.

The workers are started by a forkserver (a clean process that imported the extractor once), not
forked from the crawler with its reactor and threads. The crawls of one process (`jcrawl update` of
several sites) share one pool. A worker ignores Ctrl-C (the crawler stops it) and ends with the
crawler's process, so a crawl killed with SIGKILL leaves no process behind (the forkserver ends when
the last of them has).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

from crawler.extract.article import extract_page
from crawler.extract.learn import Observation, observation
from crawler.extract.model import Article
from crawler.extract.profile import SiteProfile

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class PageExtraction:
    """What the crawl needs of one extracted page."""

    article: Article
    observation: Observation | None  # for the site-profile learner (None when it does not learn)
    pid: int  # of the process that extracted it


def extract_for_crawl(
    body: bytes, url: str, headers: Mapping[str, str], profile: SiteProfile, learn: bool
) -> PageExtraction:
    """Extract one page (crawler/extract/), and what the learner counts of it if `learn`. Pure."""
    extraction = extract_page(body, url, headers, profile)
    return PageExtraction(extraction.article, observation(extraction) if learn else None, os.getpid())


def _worker_started(crawler: int) -> None:
    """In each worker: Ctrl-C is the crawler's to handle; the worker ends when the crawler process
    `crawler` does, however it ends (nothing else tells it: its parent is the forkserver)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(crawler,), daemon=True).start()


def _exit_with(pid: int) -> None:
    """Wait until process `pid` ends, then end this process."""
    try:
        with os.fdopen(os.pidfd_open(pid)) as process:  # readable once the process has ended
            select.select([process], [], [])
    except (AttributeError, OSError):  # no pidfd (not Linux 5.3+), or the process is gone already
        while _alive(pid):
            time.sleep(1)
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def workers_setting(value: int | None) -> int:
    """The pool size JCRAWL_EXTRACT_WORKERS asks for: None or a negative number is one per core."""
    return (os.cpu_count() or 1) if value is None or value < 0 else value


class ExtractionPool:
    """`extract_for_crawl` in `workers` processes (0: in this process, at once)."""

    _shared: ClassVar[dict[int, tuple[ExtractionPool, int]]] = {}  # workers -> (pool, users)

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self.started: list[Future[int]] = []  # one no-op per worker: all done once they run

    @classmethod
    def acquire(cls, workers: int) -> ExtractionPool:
        """The process's pool of `workers` workers, shared with the other crawls that use one."""
        pool, users = cls._shared.get(workers, (None, 0))
        if pool is None:
            pool = cls(workers)
        cls._shared[workers] = (pool, users + 1)
        return pool

    def release(self) -> None:
        """One crawl is done with the pool; the last one stops its workers."""
        pool, users = self._shared.get(self.workers, (self, 1))
        if users > 1:
            self._shared[self.workers] = (pool, users - 1)
            return
        self._shared.pop(self.workers, None)
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    async def extract(
        self, body: bytes, url: str, headers: Mapping[str, str], profile: SiteProfile, learn: bool
    ) -> PageExtraction:
        """The page's extraction, from a worker; from this process when the pool has none, or while its
        workers are starting (so the first pages, whose links lead the crawl, are not kept waiting)."""
        if not self.ready():
            return extract_for_crawl(body, url, headers, profile, learn)
        assert self.executor is not None
        try:
            future = self.executor.submit(extract_for_crawl, body, url, dict(headers), profile, learn)
            return await asyncio.wrap_future(future)
        except Exception as exc:  # the pool's, not the extraction's (which never raises): done here
            logger.warning(
                "Extraction worker failed on %s (%s); extracted in the crawler's process", url, exc
            )
            return extract_for_crawl(body, url, headers, profile, learn)

    def ready(self) -> bool:
        """True once the workers run; the first call starts them (a pool of none is never ready)."""
        if self.workers <= 0:
            return False
        if self.executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["crawler.extraction_pool"])
            self.executor = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_worker_started, initargs=(os.getpid(),)
            )
            self.started = [self.executor.submit(os.getpid) for _ in range(self.workers)]
        return all(future.done() for future in self.started)
