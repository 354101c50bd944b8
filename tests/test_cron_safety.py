"""Safe under cron: killed at any moment nothing is lost, and two runs never overlap.

A 300-article bench site is crawled slowly (one request at a time, a short delay: the settings are
stored with the site, so updates of it are slow too) so that kills land mid-crawl. Each run is killed
with SIGKILL at a random moment (start-up, recovery, fetching, writing) and the next run repairs the
archive and resumes; the end state must be what one clean run gives. Then edition 1 of the site is
served at the same URL and an `update --all` is killed and resumed the same way.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import (
    assert_archive_honest,
    jcrawl,
    make_bench_site,
    query,
    serve_bench_site,
    start_jcrawl,
)

KILLS = 12
UPDATE_KILLS = 5
# One request at a time with a short delay: about 20 pages a second, so a crawl of the ~390 pages takes
# ~20 s, more than the kills leave it (12 runs of 0.3-2 s, start-up included); at 40 pages a second a
# fast machine finished it before the last kill and the last run began a new crawl.
SLOW = [
    f"--set={name}={value}"
    for name, value in [
        ("CONCURRENT_REQUESTS_PER_DOMAIN", 1),
        ("JCRAWL_LOOPBACK_EXEMPT", 0),
        ("AUTOTHROTTLE_ENABLED", 0),
        ("DOWNLOAD_DELAY", 0.04),
    ]
]


def kill_repeatedly(args: list[str], archive: Path, kills: int, rng: random.Random) -> tuple[int, str]:
    """Run `jcrawl ARGS --archive archive` `kills` times, each SIGKILLed at a random moment, then once
    to the end; the number of runs killed while still running, and what the last run logged (--quiet
    keeps stderr for the one line: the details are in DIR/jcrawl.log)."""
    mid_run = 0
    for n in range(kills):
        run = start_jcrawl(*args, "--archive", archive)
        if n % 3:
            # Two kills in three land once the run holds the archive (recovery, fetching, writing): a
            # loaded machine can take over 2 s to start, and kills that all land in start-up leave
            # nothing to resume.
            wait_for_lock(run, archive)
        time.sleep(rng.uniform(0.3, 2.0))
        if run.poll() is None:
            run.send_signal(signal.SIGKILL)
            mid_run += 1
        run.communicate()
    log = archive / "jcrawl.log"
    logged_before = log.stat().st_size if log.exists() else 0
    last = start_jcrawl(*args, "--archive", archive)
    _, err = last.communicate(timeout=300)
    assert last.returncode == 0, err[-3000:]
    with open(log, encoding="utf-8") as f:
        f.seek(logged_before)
        return mid_run, f.read()


def wait_for_lock(run: subprocess.Popen, archive: Path) -> None:
    """Wait until `run` holds DIR/jcrawl.lock (or has ended)."""
    lock = archive / "jcrawl.lock"
    deadline = time.monotonic() + 60
    while run.poll() is None and f"pid {run.pid} " not in (lock.read_text() if lock.exists() else ""):
        assert time.monotonic() < deadline, "the run never took the archive's lock"
        time.sleep(0.05)


@dataclass
class Killed:
    archive: Path
    site: Path  # the edition it ran against (ground_truth.jsonl, changes.jsonl)
    mid_run: int
    log: str

    def truth(self, name: str) -> list[dict]:
        return [json.loads(line) for line in (self.site / name).open()]


@pytest.fixture(scope="module")
def killed_crawl(port: int, tmp_path_factory: pytest.TempPathFactory) -> Killed:
    """The archive after KILLS SIGKILLed crawls of edition 0 and a last one left to finish."""
    directory = tmp_path_factory.mktemp("edition0")
    make_bench_site(directory, port, 300, 5)
    archive = tmp_path_factory.mktemp("killed") / "archive"
    with serve_bench_site(directory, port, tmp_path_factory.mktemp("nginx0")) as site:
        mid_run, log = kill_repeatedly(
            ["crawl", site.url, "--quiet", *SLOW], archive, KILLS, random.Random(20)
        )
    return Killed(archive, directory, mid_run, log)


@pytest.fixture(scope="module")
def killed_update(port: int, killed_crawl: Killed, tmp_path_factory: pytest.TempPathFactory) -> Killed:
    """A copy of that archive after UPDATE_KILLS SIGKILLed `update --all` of edition 1, then a last one."""
    archive = tmp_path_factory.mktemp("killed-update") / "archive"
    shutil.copytree(killed_crawl.archive, archive)
    directory = tmp_path_factory.mktemp("edition1")
    make_bench_site(directory, port, 300, 5, "--edition", "1")
    with serve_bench_site(directory, port, tmp_path_factory.mktemp("nginx1")):
        mid_run, log = kill_repeatedly(
            ["update", "--all", "--quiet"], archive, UPDATE_KILLS, random.Random(21)
        )
    return Killed(archive, directory, mid_run, log)


def test_the_crawl_was_killed_mid_way_and_resumed(killed_crawl: Killed) -> None:
    assert killed_crawl.mid_run >= 10
    assert "Resuming crawl #" in killed_crawl.log
    # One crawl, resumed each time; it finished, and its frontier is empty.
    archive = killed_crawl.archive
    assert query(archive, "SELECT COUNT(*), COUNT(finished_at) FROM crawls WHERE kind = 'crawl'") == [(1, 1)]
    assert query(archive, "SELECT COUNT(*) FROM frontier") == [(0,)]


@pytest.mark.parametrize("run", ["killed_crawl", "killed_update"])
def test_articles_equal_the_ground_truth_each_once(run: str, request: pytest.FixtureRequest) -> None:
    killed: Killed = request.getfixturevalue(run)
    stored = [url for (url,) in query(killed.archive, "SELECT url FROM articles")]
    assert sorted(stored) == sorted(t["url"] for t in killed.truth("ground_truth.jsonl"))
    twins = query(killed.archive, "SELECT title FROM articles GROUP BY title, body HAVING COUNT(*) > 1")
    assert twins == []


@pytest.mark.parametrize("run", ["killed_crawl", "killed_update"])
def test_the_archive_and_the_store_are_whole(run: str, request: pytest.FixtureRequest) -> None:
    killed: Killed = request.getfixturevalue(run)
    assert query(killed.archive, "PRAGMA integrity_check") == [("ok",)]
    # Every WARC passes warcio check and every captures row reads back as its record.
    assert assert_archive_honest(killed.archive) > 300


def test_a_killed_update_resumes_and_versions_each_edit_once(
    killed_crawl: Killed, killed_update: Killed
) -> None:
    assert killed_update.mid_run >= UPDATE_KILLS - 1
    assert query(killed_crawl.archive, "SELECT COUNT(*) FROM article_versions") == [(0,)]
    edited = sorted(row["url"] for row in killed_update.truth("changes.jsonl") if row["change"] == "edited")
    versions = query(
        killed_update.archive,
        "SELECT a.url, COUNT(*) FROM articles a JOIN article_versions v ON v.article_id = a.id "
        "GROUP BY a.url",
    )
    assert versions == [(url, 1) for url in edited]
    crawls = query(
        killed_update.archive, "SELECT kind, COUNT(*), COUNT(finished_at) FROM crawls GROUP BY kind"
    )
    assert crawls == [("crawl", 1, 1), ("update", 1, 1)]


def test_a_second_update_exits_3_at_once_while_the_first_runs(
    port: int, killed_crawl: Killed, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(killed_crawl.archive, archive)
    with serve_bench_site(killed_crawl.site, port, tmp_path / "nginx"):
        # About 30 requests, one at a time (the site's stored settings), each 0.5 s apart: ~15 s, for
        # three more commands to start and end meanwhile on a loaded machine.
        first = start_jcrawl("update", "--archive", archive, "--set=DOWNLOAD_DELAY=0.5")
        wait_for_lock(first, archive)
        assert first.poll() is None, first.communicate()
        second = jcrawl("update", archive=archive)
        assert first.poll() is None  # the second did not wait for the first
        assert second.returncode == 3
        assert f"is in use by pid {first.pid} (jcrawl update, since " in second.stderr
        assert "Traceback" not in second.stderr and second.stdout == ""
        rebuild = jcrawl("reparse", archive=archive)  # nor may anything else write to the archive
        assert first.poll() is None
        assert rebuild.returncode == 3 and "jcrawl update" in rebuild.stderr
        # nor read it whole: verify would take the files being written for damaged ones
        check = jcrawl("verify", archive=archive)
        assert first.poll() is None
        assert check.returncode == 3 and "jcrawl update" in check.stderr and check.stdout == ""
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err[-3000:]
    assert query(archive, "SELECT COUNT(*) FROM crawls WHERE kind = 'update'") == [(1,)]
