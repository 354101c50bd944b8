"""Extraction in worker processes beside the reactor, so that one crawl uses the machine's cores.

Extraction is a pure function of (url, headers, body, site profile): the spider hands each HTML page
to `ExtractionPool.extract` and awaits the result, while the reactor goes on downloading, archiving and
storing. A worker returns the Article and what the site-profile learner counts of the page
(`learn.observation`), never the parsed tree. The records are the same as extraction in the reactor's
own process gives (JCRAWL_EXTRACT_WORKERS = 0): same function, same arguments.

Each worker has two pipes of its own: pages go out on one, results come back on the other, which the
reactor watches as it watches its sockets (no helper threads, no queue shared under a lock as in
concurrent.futures). An idle worker is handed a batch of pages (JCRAWL_EXTRACT_BATCH) and answers
with their extractions at once; the other pages wait in the crawler's process, fewer than a batch for
HOLD_SECONDS at most. A second worker joins only when the backlog grows. The reason is the CPU a
process spends after it sleeps: on the bench site's pages, extraction took 2.9 ms of CPU per page
when its process slept 2 ms before each page, 1.9 when it slept before every eighth or never
(bench/wake.py), and a worker handed one page at a time sleeps before every page.

Both pipes are widened to hold a page or a result whole, and the reactor's ends do not block: a
batch is written as far as its pipe takes it (the rest when the pipe has room), a result read as far
as it has arrived and unpickled once whole (crawler/pipe_frames.py). So a worker that stops
(SIGSTOP, a debugger) holds up only its own pages, never the reactor. The site profile goes to a
worker when it changes, not with every page.

The workers are started by a forkserver (a clean process that imported what they run once:
crawler/extraction_preload.py, crawler/extraction_worker.py), not forked from the crawler with its
reactor and threads, once the crawl has extracted JCRAWL_EXTRACT_WORKERS_AFTER pages in its own
process: their start costs about as much CPU as a few hundred pages, which a small crawl (an update
finding a few new articles) never makes up. The crawls of one process (`jcrawl update` of several
sites) share one pool. A worker ignores Ctrl-C (the crawler stops it) and ends with the crawler's
process, so a crawl killed with SIGKILL leaves no process behind (the forkserver ends when the last
of them has).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import multiprocessing
import os
import pickle
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, ClassVar

from crawler import extraction_worker
from crawler.extract.profile import SiteProfile
from crawler.extraction_worker import PageExtraction, PageTask, extract_for_crawl
from crawler.pipe_frames import frame, take_frame

logger = logging.getLogger(__name__)
PIPE_SIZE = 1 << 20  # the most an unprivileged process may ask a pipe to hold, by default
READ_SIZE = 1 << 16  # read from a results pipe at once: most results whole (a read allocates this much)
HOLD_SECONDS = 0.1  # the longest a page waits for a batch to fill while a worker is idle


def workers_setting(value: int | None) -> int:
    """The pool size JCRAWL_EXTRACT_WORKERS asks for: None or a negative number is one per core."""
    return (os.cpu_count() or 1) if value is None or value < 0 else value


def _widen(pipe: Connection) -> None:
    """Let a pipe hold a large page whole (Linux; elsewhere the worker's reading makes room)."""
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)


def _write_some(fd: int, data: memoryview) -> int:
    """Write what a non-blocking pipe takes of `data` now; how much."""
    try:
        return os.write(fd, data)
    except BlockingIOError:
        return 0


class WorkerLost(Exception):
    """A worker process ended (or its pipe broke) with pages in hand."""


@dataclass(eq=False)
class _Lane:
    """One worker process, the pipe the crawler sends it pages on and the one its results come back on."""

    process: Any
    tasks: Connection
    results: Connection
    pages: list[asyncio.Future[PageExtraction]] = field(default_factory=list)  # its batch (none: idle)
    profile: SiteProfile | None = None  # the last profile sent to it
    loop: asyncio.AbstractEventLoop | None = None  # the loop watching its results, once one does
    outbox: memoryview | None = None  # what is left to write of its batch, while the pipe is full
    inbox: bytearray = field(default_factory=bytearray)  # what has arrived of its result

    @property
    def alive(self) -> bool:
        return not self.results.closed


@dataclass
class _Waiting:
    task: PageTask
    future: asyncio.Future[PageExtraction] = field(repr=False)


class ExtractionPool:
    """`extract_for_crawl` in `workers` processes (0: in this process, at once), handed `batch` pages
    at a time, started once `start_after` pages have been asked for (see `ready`)."""

    _shared: ClassVar[dict[int, tuple[ExtractionPool, int]]] = {}  # workers -> (pool, users)
    # What each worker process runs: `serve(tasks, results, crawler_pid, gc_threshold)`.
    serve: ClassVar[Callable[[Connection, Connection, int, int], None]] = staticmethod(
        extraction_worker.serve
    )

    def __init__(self, workers: int, gc_threshold: int = 0, batch: int = 1, start_after: int = 0):
        self.workers = workers
        self.gc_threshold = gc_threshold  # of the workers (crawler/extensions/gc_tuning.py)
        self.batch = max(1, batch)
        self.start_after = start_after
        self.asked = 0  # pages asked for before the workers started
        self.starter: threading.Thread | None = None
        self.lanes: list[_Lane] = []
        self.waiting: deque[_Waiting] = deque()
        self.hold: asyncio.TimerHandle | None = None  # ends the wait of pages short of a batch
        self.overdue = False  # the waiting pages have waited HOLD_SECONDS: sent however few

    @classmethod
    def acquire(
        cls, workers: int, gc_threshold: int = 0, batch: int = 1, start_after: int = 0
    ) -> ExtractionPool:
        """The process's pool of `workers` workers, shared with the other crawls that use one."""
        pool, users = cls._shared.get(workers, (None, 0))
        if pool is None:
            pool = cls(workers, gc_threshold, batch, start_after)
        cls._shared[workers] = (pool, users + 1)
        return pool

    def release(self) -> None:
        """One crawl is done with the pool; the last one stops its workers."""
        pool, users = self._shared.get(self.workers, (self, 1))
        if users > 1:
            self._shared[self.workers] = (pool, users - 1)
            return
        self._shared.pop(self.workers, None)
        if self.hold is not None:
            self.hold.cancel()
            self.hold = None
        if self.starter is not None:
            self.starter.join()
        for lane in self.lanes:
            self._close(lane)
        for lane in self.lanes:
            lane.process.join(timeout=10)
            if lane.process.is_alive():
                lane.process.kill()
        self.lanes, self.starter = [], None

    async def extract(self, task: PageTask) -> PageExtraction:
        """The page's extraction (`extract_for_crawl(*task)`), from a worker; from this process when the
        pool has none, or while its workers are starting (so the first pages, whose links lead the
        crawl, are not kept waiting)."""
        if not self.ready():
            return extract_for_crawl(*task)
        future: asyncio.Future[PageExtraction] = asyncio.get_running_loop().create_future()
        self.waiting.append(_Waiting(task._replace(headers=dict(task.headers)), future))
        self._dispatch()
        try:
            return await future
        except WorkerLost as exc:  # the pool's failure, not the extraction's (which never raises)
            logger.warning(
                "Extraction worker failed on %s (%s); extracted in the crawler's process", task.url, exc
            )
            return extract_for_crawl(*task)

    def ready(self) -> bool:
        """True once the workers run (a pool of none never is). Each call asks for one page: the one
        after the first `start_after` starts the workers. A crawl of fewer pages (an update finding a
        few new articles) spends nothing on them: starting them (the forkserver imports the extractor)
        costs as much CPU as extracting a few hundred pages here."""
        if self.workers <= 0:
            return False
        if self.starter is None:
            self.asked += 1
            if self.asked <= self.start_after:
                return False
            self.starter = threading.Thread(target=self._start, name="extraction-pool-start", daemon=True)
            self.starter.start()
        return not self.starter.is_alive() and any(lane.alive for lane in self.lanes)

    def _start(self) -> None:
        """Start the workers (off the reactor's thread: the forkserver takes a moment to start)."""
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["crawler.extraction_preload"])
        for _ in range(self.workers):
            tasks_out, tasks = context.Pipe(duplex=False)
            results, results_in = context.Pipe(duplex=False)
            process = context.Process(
                target=self.serve, args=(tasks_out, results_in, os.getpid(), self.gc_threshold), daemon=True
            )
            try:
                process.start()
            except OSError as exc:
                logger.warning("Cannot start an extraction worker (%s); extracting in fewer", exc)
                tasks.close()
                results.close()
                continue
            finally:
                tasks_out.close()
                results_in.close()
            _widen(tasks)
            _widen(results)
            os.set_blocking(tasks.fileno(), False)
            os.set_blocking(results.fileno(), False)
            self.lanes.append(_Lane(process, tasks, results))

    def _dispatch(self) -> None:
        """Hand batches of waiting pages to idle workers (fewer than a batch once they have waited
        HOLD_SECONDS, to any idle worker); with no worker left, fail them (extracted here)."""
        # A worker joins the working ones only once more than a batch waits for each of them (the
        # backlog grows): a few workers kept busy spend less than all of them sleeping in turn.
        busy = sum(1 for lane in self.lanes if lane.pages)
        for lane in self.lanes:
            while (
                lane.alive
                and not lane.pages
                and (self.overdue or len(self.waiting) >= self.batch * (1 + busy))
            ):
                batch = self._take()
                if not batch:
                    break
                try:
                    self._send(lane, batch)
                except OSError as exc:  # the worker is gone: the pages wait for another
                    self.waiting.extendleft(reversed(batch))
                    self._lost(lane, exc)
                else:
                    busy += 1
        if not any(lane.alive for lane in self.lanes):
            while self.waiting:
                waiting = self.waiting.popleft()
                if not waiting.future.done():
                    waiting.future.set_exception(WorkerLost("no extraction worker is running"))
        if not self.waiting:
            self.overdue = False
            if self.hold is not None:
                self.hold.cancel()
                self.hold = None
        elif self.hold is None and not self.overdue:
            self.hold = asyncio.get_running_loop().call_later(HOLD_SECONDS, self._held)

    def _take(self) -> list[_Waiting]:
        """The next batch of waiting pages (those cancelled meanwhile, a crawl stopping, left out): at
        most `batch` pages, and no more once their bodies fill a pipe (large pages go a few at a time)."""
        batch: list[_Waiting] = []
        size = 0
        while self.waiting and len(batch) < self.batch and size < PIPE_SIZE:
            waiting = self.waiting.popleft()
            if not waiting.future.done():
                batch.append(waiting)
                size += len(waiting.task.body)
        return batch

    def _held(self) -> None:
        """The pages waiting have waited long enough for a batch to fill: send them as they are."""
        self.hold, self.overdue = None, True
        self._dispatch()

    def _send(self, lane: _Lane, batch: list[_Waiting]) -> None:
        """Send a batch of pages to an idle worker: what its pipe takes now, the rest as it makes room
        (raises OSError if the pipe is broken)."""
        messages = []
        profile = lane.profile
        for waiting in batch:  # a profile goes to the worker when it changes, not with every page
            task = waiting.task
            messages.append(task._replace(profile=None) if task.profile is profile else task)
            profile = task.profile
        if lane.loop is None:
            lane.loop = asyncio.get_running_loop()
            lane.loop.add_reader(lane.results.fileno(), self._received, lane)
        data = memoryview(frame(pickle.dumps(messages, pickle.HIGHEST_PROTOCOL)))
        written = _write_some(lane.tasks.fileno(), data)
        lane.profile, lane.pages = profile, [waiting.future for waiting in batch]
        if written < len(data):  # a batch bigger than the pipe: the rest once the worker reads
            lane.outbox = data[written:]
            lane.loop.add_writer(lane.tasks.fileno(), self._send_rest, lane)

    def _send_rest(self, lane: _Lane) -> None:
        """A worker's tasks pipe has room: write more of its batch."""
        assert lane.outbox is not None and lane.loop is not None
        try:
            written = _write_some(lane.tasks.fileno(), lane.outbox)
        except OSError as exc:
            self._lost(lane, exc)
            self._dispatch()
            return
        lane.outbox = lane.outbox[written:] or None
        if lane.outbox is None:
            lane.loop.remove_writer(lane.tasks.fileno())

    def _received(self, lane: _Lane) -> None:
        """A worker's results pipe is readable: more of its batch's extractions has arrived (taken once
        whole), or the worker has ended."""
        message = None
        while message is None:
            try:
                data = os.read(lane.results.fileno(), READ_SIZE)
            except BlockingIOError:  # the rest is on its way (or its worker is stopped: only its pages wait)
                return
            except OSError as exc:
                data, error = b"", exc
            else:
                error = EOFError("the worker ended")
            if not data:
                self._lost(lane, error)
                self._dispatch()
                return
            lane.inbox += data
            message = take_frame(lane.inbox)
        try:
            pages = pickle.loads(message)
            if not isinstance(pages, list) or len(pages) != len(lane.pages):
                raise TypeError(f"a {type(pages).__name__}, not the {len(lane.pages)} pages sent")
            if not all(isinstance(page, PageExtraction) for page in pages):
                raise TypeError("not a list of PageExtraction")
        except Exception as exc:  # a corrupt result raises whatever unpickling met: the worker is not trusted
            self._lost(lane, WorkerLost(f"unreadable result ({type(exc).__name__}: {exc})"))
        else:
            futures, lane.pages = lane.pages, []
            for future, page in zip(futures, pages, strict=True):
                if not future.done():
                    future.set_result(page)
        self._dispatch()

    def _lost(self, lane: _Lane, exc: BaseException) -> None:
        """A worker is gone: its pages go back to the crawler (extracted there)."""
        self._close(lane)
        for future in lane.pages:
            if not future.done():
                future.set_exception(WorkerLost(f"worker {lane.process.pid}: {exc or type(exc).__name__}"))
        lane.pages = []

    def _close(self, lane: _Lane) -> None:
        if lane.loop is not None and lane.alive:
            lane.loop.remove_reader(lane.results.fileno())
            if lane.outbox is not None:
                lane.loop.remove_writer(lane.tasks.fileno())
        lane.outbox = None
        lane.tasks.close()
        lane.results.close()
