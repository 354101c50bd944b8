"""Safe under cron: killed at any moment nothing is lost, and two runs never overlap.

A 300-article bench site is crawled slowly (one request at a time, a short delay: the settings are
stored with the site, so updates of it are slow too) so that kills land mid-crawl. Each run is killed
with SIGKILL at a random moment (start-up, recovery, fetching, writing) and the next run repairs the
archive and resumes; the end state must be what one clean crawl gives.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import (
    ROOT,
    BenchSite,
    assert_archive_honest,
    free_port,
    jcrawl,
    make_bench_site,
    query,
    serve_bench_site,
)

KILLS = 12
# One request at a time with a short delay: about 40 pages a second, so a crawl takes ~10 s.
SLOW = [
    f"--set={name}={value}"
    for name, value in [
        ("CONCURRENT_REQUESTS_PER_DOMAIN", 1),
        ("JCRAWL_LOOPBACK_EXEMPT", 0),
        ("AUTOTHROTTLE_ENABLED", 0),
        ("DOWNLOAD_DELAY", 0.02),
    ]
]


def start(*args: str | Path) -> subprocess.Popen:
    """`jcrawl ARGS` started in the background."""
    command = [sys.executable, "-m", "crawler.cli", *map(str, args)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BenchSite]:
    port = free_port()
    directory = tmp_path_factory.mktemp("kill-site")
    make_bench_site(directory, port, 300, 5)
    with serve_bench_site(directory, port, tmp_path_factory.mktemp("kill-nginx")) as served:
        yield served


@pytest.fixture(scope="module")
def killed_and_finished(site: BenchSite, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """The archive after KILLS SIGKILLed crawls and a last one left to finish; the mid-crawl kills."""
    archive = tmp_path_factory.mktemp("killed") / "archive"
    rng = random.Random(20)
    mid_crawl = 0
    for _ in range(KILLS):
        run = start("crawl", site.url, "--archive", archive, "--quiet", *SLOW)
        time.sleep(rng.uniform(0.3, 2.0))
        if run.poll() is None:
            run.send_signal(signal.SIGKILL)
            mid_crawl += 1
        run.communicate()
    last = start("crawl", site.url, "--archive", archive, "--quiet", *SLOW)
    _, err = last.communicate(timeout=300)
    assert last.returncode == 0, err[-3000:]
    return archive, mid_crawl, err


def test_the_crawl_was_killed_mid_way_and_resumed(killed_and_finished: tuple[Path, int, str]) -> None:
    archive, mid_crawl, log = killed_and_finished
    assert mid_crawl >= 10
    assert "Resuming crawl #" in log
    # One crawl, resumed each time; it finished, and its frontier is empty.
    assert query(archive, "SELECT COUNT(*), COUNT(finished_at) FROM crawls WHERE kind = 'crawl'") == [(1, 1)]
    assert query(archive, "SELECT COUNT(*) FROM frontier") == [(0,)]


def test_articles_equal_the_ground_truth_each_once(
    site: BenchSite, killed_and_finished: tuple[Path, int, str]
) -> None:
    archive, _, _ = killed_and_finished
    stored = [url for (url,) in query(archive, "SELECT url FROM articles")]
    assert sorted(stored) == sorted(t["url"] for t in site.ground_truth)
    twins = query(archive, "SELECT title FROM articles GROUP BY title, body HAVING COUNT(*) > 1")
    assert twins == []
    assert query(archive, "SELECT COUNT(*) FROM article_versions") == [(0,)]


def test_the_archive_and_the_store_are_whole(killed_and_finished: tuple[Path, int, str]) -> None:
    archive, _, _ = killed_and_finished
    assert query(archive, "PRAGMA integrity_check") == [("ok",)]
    # Every WARC passes warcio check and every captures row reads back as its record.
    assert assert_archive_honest(archive) > 300


def test_a_second_update_exits_3_at_once_while_the_first_runs(
    killed_and_finished: tuple[Path, int, str], tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(killed_and_finished[0], archive)
    # About 30 requests, one at a time (the site's stored settings), each 0.1 s apart: ~3 s.
    first = start("update", "--archive", archive, "--set=DOWNLOAD_DELAY=0.1")
    lock = archive / "jcrawl.lock"
    deadline = time.monotonic() + 60
    while f"pid {first.pid} " not in (lock.read_text() if lock.exists() else ""):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    second = jcrawl("update", archive=archive)
    assert first.poll() is None  # the second did not wait for the first
    assert second.returncode == 3
    assert f"is in use by pid {first.pid} (jcrawl update, since " in second.stderr
    assert "Traceback" not in second.stderr and second.stdout == ""
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err[-3000:]
    assert query(archive, "SELECT COUNT(*) FROM crawls WHERE kind = 'update'") == [(1,)]
