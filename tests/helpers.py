"""Test helpers: local servers on 127.0.0.1, the bench site, and running `jcrawl` as a user would."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from archive.reader import read_record
from crawler.store.texts import register_functions

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BENCH = SHARED / "bench" / "site"


def shared(relative: str) -> Path:
    """`../shared/<relative>`, or skip the test (or, called at import, its module) saying it is not there:
    a fresh clone has no ../shared beside it, and its tests must pass without it."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(
            f"../shared/{relative} is not beside the project (a fresh clone)", allow_module_level=True
        )
    return path


def serve_stories(httpserver: Any, pages: Sequence[str | Callable[[Any], Any]]) -> str:
    """A tiny journal on a pytest-httpserver: robots.txt allowing all, a home page linking
    /story-N/ for each of `pages` (HTML, or a handler making each response), 404 elsewhere.
    Returns the home page's URL."""
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    links = "".join(f'<a href="/story-{n}/">Story {n}</a> ' for n in range(len(pages)))
    httpserver.expect_request("/").respond_with_data(
        f"<html><body>{links}</body></html>", content_type="text/html"
    )
    for n, page in enumerate(pages):
        route = httpserver.expect_request(f"/story-{n}/")
        if callable(page):
            route.respond_with_handler(page)
        else:
            route.respond_with_data(page, content_type="text/html")
    httpserver.no_handler_status_code = 404
    return httpserver.url_for("/")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port}")


@contextmanager
def listening(process: subprocess.Popen, port: int, timeout: float = 60) -> Iterator[str]:
    """The base URL of a server `process` started on 127.0.0.1:`port`, once it listens; the process
    is terminated afterwards."""
    try:
        wait_for_port(port, timeout=timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def jcrawl(
    *args: str | Path, archive: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run the `jcrawl` command line in a subprocess (each crawl needs a fresh Twisted reactor)."""
    command = [sys.executable, "-m", "crawler.cli", *map(str, args)]
    if archive is not None:
        command += ["--archive", str(archive)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


# The end of a crawl script for run_script: its spider `Output` crawled by the crawler class argv[1]
# names ("journal": the project's JournalCrawler; else Scrapy's Crawler), leaving `crawler` and `stats`.
CRAWL_OUTPUT_SPIDER = """
import sys
from scrapy.crawler import Crawler, CrawlerProcess
from crawler.run.crawler import JournalCrawler

process = CrawlerProcess({"TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
kind = JournalCrawler if sys.argv[1] == "journal" else Crawler
crawler = kind(Output, process.settings, init_reactor=True)
process.crawl(crawler)
process.start()
stats = crawler.stats.get_stats()
"""


def run_script(script: str, *args: str) -> dict[str, Any]:
    """Run a Python `script` (a crawl: each needs a fresh Twisted reactor) with `args` in a subprocess
    importing this tree; the JSON object its last line prints, with its stderr as "log"."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return {**json.loads(run.stdout.strip().splitlines()[-1]), "log": run.stderr}


def start_jcrawl(*args: str | Path) -> subprocess.Popen:
    """`jcrawl ARGS` started in the background. It takes SIGINT as Ctrl-C even where the tests run
    with SIGINT ignored (as a shell's background job), which its child would inherit."""
    command = [sys.executable, "-m", "crawler.cli", *map(str, args)]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@contextmanager
def database(archive: Path) -> Iterator[sqlite3.Connection]:
    """A connection to an archive's journal.db with the functions its `articles` view and search
    index read the compressed text with (as the `sqlite3` shell has them); committed, then closed."""
    with closing(sqlite3.connect(archive / "journal.db")) as conn, conn:
        register_functions(conn)
        yield conn


def query(archive: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of a SQL query on an archive's journal.db, as a researcher would run it."""
    with database(archive) as conn:
        return conn.execute(sql, params).fetchall()


def assert_archive_honest(archive: Path) -> int:
    """Each WARC passes `warcio check`, each `captures` row reads back as its response (or revisit
    record, pointing at a full capture), every article's capture is a full response; returns how many
    captures."""
    warc_dir = archive / "warc"
    assert not list(warc_dir.glob("*.open"))  # closed and renamed, whole records only
    warcio = Path(sys.executable).with_name("warcio")
    for path in sorted(warc_dir.glob("*.warc.gz")):
        check = subprocess.run([warcio, "check", path], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    captures = query(archive, "SELECT url, warc_file, warc_offset, warc_length, revisit_of FROM captures")
    full = {row[0] for row in query(archive, "SELECT id FROM captures WHERE revisit_of IS NULL")}
    for url, name, offset, length, revisit_of in captures:
        record = read_record(warc_dir, name, offset, length)
        assert record.rec_type == ("revisit" if revisit_of else "response")
        assert record.rec_headers.get_header("WARC-Target-URI") == url
        assert revisit_of is None or revisit_of in full
    # every article points at a capture whose record holds its page: a response, not a revisit
    orphans = query(
        archive,
        "SELECT COUNT(*) FROM articles "
        "WHERE capture_id NOT IN (SELECT id FROM captures WHERE revisit_of IS NULL)",
    )
    assert orphans == [(0,)]
    return len(captures)


@dataclass
class BenchSite:
    """The shared bench site generated into `directory` and served by nginx at `url`."""

    url: str
    directory: Path
    access_log: Path

    @property
    def port(self) -> int:
        """The port nginx serves the site on (127.0.0.1)."""
        port = urlsplit(self.url).port
        assert port is not None
        return port

    @property
    def ground_truth(self) -> list[dict]:
        with open(self.directory / "ground_truth.jsonl", encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def requested_paths(self) -> list[str]:
        """Paths nginx was asked for (its access log is flushed every second)."""
        time.sleep(1.2)
        lines = self.access_log.read_text(encoding="utf-8").splitlines()
        return [line.split('"')[1].split()[1] for line in lines if '"' in line]


def make_bench_site(directory: Path, port: int, pages: int, seed: int = 7, *extra: str) -> None:
    """Generate (an edition of) the bench site with the shared generator."""
    shared("bench/site")
    options = ["--pages", str(pages), "--seed", str(seed), "--base-url", f"http://127.0.0.1:{port}", *extra]
    subprocess.run(
        [sys.executable, BENCH / "make_site.py", "--out", directory, *options],
        check=True,
        capture_output=True,
    )


@contextmanager
def serve_bench_site(directory: Path, port: int, run_dir: Path) -> Iterator[BenchSite]:
    """Serve a generated bench site with nginx (`serve.sh`) on 127.0.0.1:port; stop it afterwards."""
    run_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TMPDIR=str(run_dir))
    server = subprocess.Popen(
        [BENCH / "serve.sh", directory, str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(port, timeout=120)
        yield BenchSite(
            f"http://127.0.0.1:{port}/", directory, run_dir / f"journal-site-{port}" / "access.log"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def generated_bench_site(work: Path, pages: int, seed: int = 7) -> Iterator[BenchSite]:
    """The bench site of `pages` articles (`seed`) generated into `work / "site"` and served by nginx
    (its files in `work / "nginx"`) on a free port of 127.0.0.1, for the duration; stopped afterwards.
    `work` stays the caller's: the site's port (`.port`) can serve another edition there later."""
    port = free_port()
    make_bench_site(work / "site", port, pages, seed)
    with serve_bench_site(work / "site", port, work / "nginx") as site:
        yield site


def callback_output(output: Any) -> list[Any]:
    """Everything a spider callback gave: a generator, an async generator or a coroutine's list."""
    if inspect.iscoroutine(output):
        return asyncio.run(output)
    if not hasattr(output, "__aiter__"):
        return list(output)

    async def collect() -> list[Any]:
        return [item async for item in output]

    return asyncio.run(collect())
