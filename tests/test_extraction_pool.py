"""Both cores: a crawl whose pages are extracted in worker processes stores what a one-process crawl
stores, row for row and payload for payload."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import DemoServer, start_demo_site
from tests.helpers import jcrawl, query, start_jcrawl

# The workers start at the crawl's first page past the start page (by default, after 100 pages).
AT_ONCE = "--set=JCRAWL_EXTRACT_WORKERS_AFTER=0"
SLOW = [
    "--set=CONCURRENT_REQUESTS_PER_DOMAIN=2",
    "--set=JCRAWL_LOOPBACK_EXEMPT=0",
    "--set=DOWNLOAD_DELAY=0.02",
]
ARTICLE_COLUMNS = (
    "url, title, authors, published, modified, section, tags, language, agency, lead, body, body_html, "
    "word_count, content_hash, top_image, profile_version"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with start_demo_site(tmp_path_factory.mktemp("demo-site")) as server:
        yield server


@pytest.fixture(scope="module")
def archives(site: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The demo journal crawled with extraction in 2 worker processes (the first pages are extracted in
    the crawler's process while they start: the crawl is slowed so that most are not), and in the
    crawler's own."""
    runs = {}
    for workers, slow in ((2, [AT_ONCE, *SLOW]), (0, [])):
        archive = tmp_path_factory.mktemp(f"workers-{workers}")
        options = [f"--set=JCRAWL_EXTRACT_WORKERS={workers}", *slow]
        result = jcrawl("crawl", site.url, "--quiet", *options, archive=archive)
        assert result.returncode == 0, result.stderr[-3000:]
        runs[workers] = archive
    return runs


def stats(archive: Path) -> dict:
    (row,) = query(archive, "SELECT stats FROM crawls WHERE kind = 'crawl'")
    return json.loads(row[0])


def warc_payloads(archive: Path) -> dict[tuple[str, str], int]:
    """(URI, SHA-256 of the payload) of every response and resource record, with how many times."""
    payloads: dict[tuple[str, str], int] = {}
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type in ("response", "resource"):
                    key = (
                        record.rec_headers.get_header("WARC-Target-URI"),
                        hashlib.sha256(record.content_stream().read()).hexdigest(),
                    )
                    payloads[key] = payloads.get(key, 0) + 1
    return payloads


def test_the_pooled_crawl_extracted_in_other_processes(archives: dict[int, Path]) -> None:
    (pages,) = query(
        archives[2], "SELECT COUNT(*) FROM captures WHERE content_type LIKE 'text/html%' AND status = 200"
    )[0]
    assert pages > 60
    assert pages >= stats(archives[2])["jcrawl/extracted_in_workers"] > pages / 2
    assert "jcrawl/extracted_in_workers" not in stats(archives[0])


def test_pooled_and_one_process_crawls_store_the_same_rows(archives: dict[int, Path]) -> None:
    for sql in (
        f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY url",
        "SELECT source_url, target_url, kind, anchor_text FROM links ORDER BY 1, 2, 3, 4",
        "SELECT url, article_url FROM aliases ORDER BY 1, 2",
        "SELECT url, status, content_type, payload_digest FROM captures ORDER BY 1, 2, 4",
        "SELECT site, version, pages_seen, profile FROM site_profiles ORDER BY 1, 2",
        "SELECT url, kind, message FROM errors ORDER BY 1, 2, 3",
    ):
        pooled, alone = query(archives[2], sql), query(archives[0], sql)
        assert pooled == alone, sql
    assert len(query(archives[2], "SELECT 1 FROM articles")) >= 60


def test_a_pooled_crawl_stores_its_articles_in_archive_order(site: DemoServer, tmp_path: Path) -> None:
    """Pages extracted side by side, at full speed, still reach the store in the order of their WARC
    records: a reparse of the archive gives every article the same id."""
    crawl = jcrawl("crawl", site.url, "--quiet", "--set=JCRAWL_EXTRACT_WORKERS=2", AT_ONCE, archive=tmp_path)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert stats(tmp_path)["jcrawl/extracted_in_workers"] > 0
    sql = f"SELECT id, {ARTICLE_COLUMNS} FROM articles ORDER BY id"
    crawled = query(tmp_path, sql)
    assert jcrawl("reparse", archive=tmp_path).returncode == 0
    assert query(tmp_path, sql) == crawled and len(crawled) >= 60


def test_pooled_and_one_process_crawls_archive_the_same_payloads(archives: dict[int, Path]) -> None:
    pooled, alone = warc_payloads(archives[2]), warc_payloads(archives[0])
    assert pooled == alone
    assert len(pooled) > 60


def descendants(pid: int) -> set[int]:
    """The processes below `pid`, from /proc."""
    children: dict[int, set[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, set()).add(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.add(child)
            todo.append(child)
    return found


def start_pooled_crawl(site: DemoServer, archive: Path) -> subprocess.Popen:
    """A crawl of the demo site with 2 extraction workers, one page at a time (about 20 s)."""
    one_by_one = ["--set=JCRAWL_LOOPBACK_EXEMPT=0", "--set=CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    options = ["--set=JCRAWL_EXTRACT_WORKERS=2", AT_ONCE, *one_by_one, "--set=DOWNLOAD_DELAY=0.2"]
    return start_jcrawl("crawl", site.url, "--archive", archive, *options)


def test_a_small_crawl_starts_no_worker(site: DemoServer, tmp_path: Path) -> None:
    """The demo journal has fewer pages than the default JCRAWL_EXTRACT_WORKERS_AFTER (100): no worker
    process (nor the forkserver) is ever started, and every page is extracted in the crawler's own."""
    run = start_jcrawl("crawl", site.url, "--archive", tmp_path, "--quiet", "--set=JCRAWL_EXTRACT_WORKERS=2")
    children = set()
    while run.poll() is None:
        children |= descendants(run.pid)
        time.sleep(0.02)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 0, stderr[-3000:]
    assert not children
    assert "jcrawl/extracted_in_workers" not in stats(tmp_path)
    assert len(query(tmp_path, "SELECT 1 FROM articles")) >= 60


def test_a_crawl_killed_with_sigkill_leaves_no_worker_behind(site: DemoServer, tmp_path: Path) -> None:
    run = start_pooled_crawl(site, tmp_path)
    deadline = time.monotonic() + 60
    while len(workers := descendants(run.pid)) < 3 and time.monotonic() < deadline:  # forkserver + 2
        time.sleep(0.2)
    assert len(workers) >= 3 and run.poll() is None
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)  # the workers held its stdout and stderr: they let go of them
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def test_a_worker_killed_mid_crawl_loses_no_page(
    site: DemoServer, archives: dict[int, Path], tmp_path: Path
) -> None:
    """Its page (if it held one) and the next ones are extracted by the other worker or the crawler."""
    run = start_pooled_crawl(site, tmp_path)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline:  # the forkserver's children
        forkservers = {pid for pid in descendants(run.pid) if descendants(pid)}
        workers = {child for pid in forkservers for child in descendants(pid)}
        time.sleep(0.2)
    assert len(workers) == 2 and run.poll() is None
    time.sleep(1)  # pages are being extracted in the workers by now
    os.kill(min(workers), signal.SIGKILL)
    assert run.poll() is None  # pages are still to come
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr[-3000:]
    sql = f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY url"
    assert query(tmp_path, sql) == query(archives[0], sql)


PAGE = (
    b"""<html><head><title>A story</title><link rel="stylesheet" href="/s.css"></head><body><article>
<h1>A story</h1><p>"""
    + b"Words of a story, told at length. " * 40
    + b"""</p>
<img src="/a.jpg" srcset="/a-2x.jpg 2x"></article><a href="/next/">Next</a></body></html>"""
)


def test_a_worker_gives_what_extraction_in_the_crawler_gives() -> None:
    """The article, its word count and content hash, what the learner counts of it (an Observation comes
    back whole: a frozen dataclass compiled by mypyc did not unpickle), the page's requisites: the same
    from a worker."""
    from crawler.extract.profile import SiteProfile
    from crawler.extraction_pool import ExtractionPool, PageTask, extract_for_crawl

    url, headers, profile = "http://127.0.0.1:9/story/", {"Content-Type": "text/html"}, SiteProfile()
    here = extract_for_crawl(PAGE, url, headers, profile, learn=True, requisites=True)
    pool = ExtractionPool(1)

    async def in_a_worker() -> object:
        while not pool.ready():  # the worker starts in the background
            await asyncio.sleep(0.05)
        return await pool.extract(PageTask(PAGE, url, headers, profile, learn=True, requisites=True))

    try:
        there = asyncio.run(in_a_worker())
    finally:
        pool.release()
    assert there.pid != os.getpid() == here.pid
    assert there.article == here.article
    assert there.measures == here.measures == (here.article.word_count, here.article.content_hash)
    assert there.requisites == here.requisites
    assert there.observation == here.observation is not None
    assert set(here.requisites) >= {"http://127.0.0.1:9/s.css", "http://127.0.0.1:9/a.jpg"}


def test_links_unpickled_are_the_workers_and_shared_by_the_pages_that_repeat_them() -> None:
    """A result's Links come back equal to the worker's; a Link another result had already comes back
    as that Link (they are immutable), however often the memo of them is emptied."""
    import pickle

    from crawler import extraction_worker
    from crawler.extract.profile import SiteProfile
    from crawler.extraction_pool import extract_for_crawl

    url, headers = "http://127.0.0.1:9/story/", {"Content-Type": "text/html"}
    page = extract_for_crawl(PAGE, url, headers, SiteProfile(), learn=True, requisites=True)
    assert page.article.links
    first, second = (pickle.loads(pickle.dumps(page)) for _ in range(2))
    assert first.article == second.article == page.article
    assert all(a is b for a, b in zip(first.article.links, second.article.links, strict=True))
    extraction_worker._LINK_MEMO.clear()
    third = pickle.loads(pickle.dumps(page))
    assert third.article == page.article
    assert all(a is not b for a, b in zip(first.article.links, third.article.links, strict=True))


def test_pages_go_out_in_batches_and_each_comes_back_with_its_own_extraction() -> None:
    """Sixteen pages at once to two workers taking four at a time: the first four go to one worker; the
    other joins once two more batches wait, and takes the next four; the rest follow as the workers come
    free (the last ones once they have waited). Each page's extraction is the one the crawler's process
    gives for it."""
    from crawler.extract.profile import SiteProfile
    from crawler.extraction_pool import ExtractionPool, PageTask, extract_for_crawl

    headers, profile = {"Content-Type": "text/html"}, SiteProfile()
    tasks = [
        PageTask(
            PAGE.replace(b"A story", b"Story %d" % i), f"http://127.0.0.1:9/{i}/", headers, profile, True
        )
        for i in range(16)
    ]
    pool = ExtractionPool(2, batch=4)

    async def in_workers() -> list:
        while not pool.ready():
            await asyncio.sleep(0.05)
        return await asyncio.wait_for(asyncio.gather(*(pool.extract(task) for task in tasks)), 60)

    try:
        pages = asyncio.run(in_workers())
    finally:
        pool.release()
    pids = [page.pid for page in pages]
    assert len(set(pids[:4])) == len(set(pids[4:8])) == 1
    assert len({pids[0], pids[4], os.getpid()}) == 3
    assert set(pids[8:]) <= {pids[0], pids[4]}
    for task, page in zip(tasks, pages, strict=True):
        here = extract_for_crawl(*task)
        assert page.article == here.article and page.observation == here.observation
        assert page.article.title == task.body.split(b"<title>")[1].split(b"<")[0].decode()


def test_a_batch_of_large_pages_holds_no_more_than_a_pipe_of_them() -> None:
    """Sixteen pages to a batch, but 600 kB pages go two at a time: what a batch holds in both
    processes stays near a pipe's size, however large the pages."""
    from crawler.extract.profile import SiteProfile
    from crawler.extraction_pool import ExtractionPool, PageTask, _Waiting

    pool = ExtractionPool(1, batch=16)
    large = PageTask(b"<p>" + b"x" * 600_000, "http://127.0.0.1:9/large/", {}, SiteProfile(), False)
    small = large._replace(body=PAGE)

    async def batches() -> list[int]:
        loop = asyncio.get_running_loop()
        for task in (large, large, large, small, small):
            pool.waiting.append(_Waiting(task, loop.create_future()))
        return [len(pool._take()), len(pool._take()), len(pool._take())]

    assert asyncio.run(batches()) == [2, 3, 0]


def _queued_bytes(fd: int) -> int:
    """Bytes waiting in a pipe (FIONREAD)."""
    import fcntl
    import struct
    import termios

    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def test_a_worker_stopped_midway_through_its_result_holds_up_only_its_page() -> None:
    """A result bigger than its pipe, its worker stopped (SIGSTOP) with the pipe full: the reactor takes
    what arrived and goes on (it used to wait in the read for the rest); the page comes once the worker
    is continued, and it is the page extraction in the crawler gives."""
    import threading

    from crawler.extract.profile import SiteProfile
    from crawler.extraction_pool import ExtractionPool, PageTask, extract_for_crawl

    # a page that fits its pipe (1 MiB) whose result (the text, and the text as HTML) does not
    line = b"<p>Paragraph %d of a very long story, told at length and then some more. </p>"
    story = b"".join(line % i for i in range(11_000))
    page = b"<html><head><title>A long story</title></head><body><article><h1>A long story</h1>"
    page += story + b"</article></body></html>"
    url, headers, profile = "http://127.0.0.1:9/long/", {"Content-Type": "text/html"}, SiteProfile()
    task = PageTask(page, url, headers, profile, learn=False)
    pool = ExtractionPool(1)
    stopped: dict[str, object] = {}

    async def stopped_midway() -> object:
        while not pool.ready():
            await asyncio.sleep(0.05)
        worker, results = pool.lanes[0].process.pid, pool.lanes[0].results.fileno()
        extraction = asyncio.ensure_future(pool.extract(task))
        await asyncio.sleep(0)  # the page is sent; the loop is not run again until the pipe is full
        room = _pipe_size(results) - 65536  # full, to within the pipe's last pages
        deadline = time.monotonic() + 120
        while _queued_bytes(results) < room and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _queued_bytes(results) >= room, "the worker never filled its results pipe"
        os.kill(worker, signal.SIGSTOP)
        # Should the reactor wait in the read after all, continue the worker so that the test ends.
        safety = threading.Timer(60, os.kill, (worker, signal.SIGCONT))
        safety.start()
        try:
            # Stopped before the reactor reads: a signal is acted on only as the worker's write meets a
            # full pipe or returns, so a worker not yet scheduled (a loaded machine) would otherwise write
            # the rest of its result into the room the reactor made, and the page come whole.
            while _state(worker) != "T" and time.monotonic() < deadline:
                time.sleep(0.01)
            await asyncio.sleep(0.5)  # the reactor reads what the pipe holds, and runs this meanwhile
            stopped["pending"] = not extraction.done()
            stopped["state"] = _state(worker)
        finally:
            os.kill(worker, signal.SIGCONT)
            safety.cancel()
        return await extraction

    try:
        there = asyncio.run(stopped_midway())
    finally:
        pool.release()
    assert stopped == {"pending": True, "state": "T"}  # the loop ran on while the worker was stopped
    here = extract_for_crawl(*task)
    assert there.pid != here.pid
    assert there.article == here.article
    assert len(there.article.body) > 700_000


def _state(pid: int) -> str:
    """A process's state letter (/proc/PID/stat: "T" stopped, "S" sleeping, "R" running)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _pipe_size(fd: int) -> int:
    """A pipe's capacity (F_GETPIPE_SZ)."""
    import fcntl

    return fcntl.fcntl(fd, 1032)  # F_GETPIPE_SZ (Linux)


# Whole frames a worker might send that are no pickle of a PageExtraction, and what reading them raises.
GARBAGE = {
    b"cno_such_module\nThing\n.": "ModuleNotFoundError",  # not UnpicklingError
    b"\x80\x05K\x07.": "TypeError",  # unpickles, as the int 7
}


def _serve_garbage(tasks: Connection, results: Connection, crawler: int, gc_threshold: int) -> None:
    """A worker that answers its first page with the garbage named in the page's URL's fragment."""
    import pickle

    (task,) = pickle.loads(tasks.recv_bytes())  # a batch of one page
    results.send_bytes(list(GARBAGE)[int(task.url.rpartition("#")[2])])


@pytest.mark.parametrize("garbage", range(len(GARBAGE)))
def test_a_corrupt_result_is_extracted_again_in_the_crawler(
    garbage: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A whole frame that does not unpickle to a PageExtraction, whatever reading it raises, fails only
    its worker: the page is extracted in the crawler's process and the log says why."""
    from crawler.extract.profile import SiteProfile
    from crawler.extraction_pool import ExtractionPool, PageTask, extract_for_crawl

    class GarbagePool(ExtractionPool):
        serve = staticmethod(_serve_garbage)

    url, headers = f"http://127.0.0.1:9/story/#{garbage}", {"Content-Type": "text/html"}
    task = PageTask(PAGE, url, headers, SiteProfile(), learn=False)
    pool = GarbagePool(1)

    async def extracted() -> object:
        while not pool.ready():
            await asyncio.sleep(0.05)
        return await asyncio.wait_for(pool.extract(task), 60)  # an escaped error leaves it pending

    try:
        page = asyncio.run(extracted())
    finally:
        pool.release()
    assert page.pid == os.getpid()
    assert page.article == extract_for_crawl(*task).article
    assert f"unreadable result ({list(GARBAGE.values())[garbage]}" in caplog.text
    assert not any(lane.alive for lane in pool.lanes)
