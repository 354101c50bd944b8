"""A killed or interrupted `jcrawl import` or `reparse` leaves no crawl for the next `jcrawl crawl` to resume;
Ctrl-C ends any command without a traceback.

Import and reparse write a `crawls` row for the captures they index. Each run here is stopped midway
for sure: once its row is written, the test takes the database's write lock, so that the run waits
at its next batch, and signals it there.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from crawler.store import Store
from tests.helpers import BenchSite, jcrawl, query, start_jcrawl


def stop_midway(args: list[str | Path], archive: Path, signum: int) -> subprocess.CompletedProcess:
    """Run `jcrawl ARGS --archive archive` and send it `signum` while it writes its captures."""
    run = start_jcrawl(*args, "--archive", archive)
    deadline = time.monotonic() + 60
    while not _has_crawl_row(archive):
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.01)
    conn = sqlite3.connect(archive / "journal.db", isolation_level=None, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")  # the run's next batch waits for this lock
        run.send_signal(signum)
        time.sleep(0.5)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    out, err = run.communicate(timeout=60)
    return subprocess.CompletedProcess(run.args, run.returncode, out, err)


def _has_crawl_row(archive: Path) -> bool:
    try:
        return bool(query(archive, "SELECT 1 FROM crawls"))
    except sqlite3.OperationalError:  # no database, or no schema yet
        return False


def test_a_killed_import_is_not_resumed_by_the_next_crawl(
    small_archive: Path, small_site: BenchSite, tmp_path: Path
) -> None:
    files = sorted((small_archive / "warc").glob("*.warc.gz"))
    for attempt in range(5):  # on a loaded machine the run may finish before the signal lands: again
        archive = tmp_path / f"archive-{attempt}"
        run = stop_midway(["import", *files], archive, signal.SIGKILL)
        if run.returncode != 0:
            break
    assert run.returncode == -signal.SIGKILL
    assert query(archive, "SELECT kind, finished_at FROM crawls") == [("import", None)]
    crawl = jcrawl("crawl", small_site.url, "--max-pages", "10", archive=archive)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "Resuming" not in (archive / "jcrawl.log").read_text()
    # A crawl of its own, which fetched its pages (a resumed import would skip what it captured).
    crawls = query(archive, "SELECT id, kind, finished_at IS NOT NULL FROM crawls ORDER BY id")
    assert [(kind, done) for _, kind, done in crawls] == [("import", 0), ("crawl", 1)]
    assert query(archive, "SELECT COUNT(*) >= 10 FROM captures WHERE crawl_id = ?", (crawls[1][0],)) == [(1,)]


def test_an_interrupted_reparse_finishes_its_crawls_rows(small_archive: Path, tmp_path: Path) -> None:
    for attempt in range(5):  # on a loaded machine the run may finish before the signal lands: again
        archive = Path(shutil.copytree(small_archive, tmp_path / f"archive-{attempt}"))
        for path in archive.glob("journal.db*"):
            path.unlink()
        run = stop_midway(["reparse"], archive, signal.SIGINT)
        if run.returncode != 0:
            break
    assert run.returncode == 130
    assert run.stderr == "jcrawl: interrupted\n"  # no traceback
    rows = query(archive, "SELECT kind, finished_at IS NOT NULL, stats FROM crawls")
    assert [(kind, done, json.loads(stats)["finish_reason"]) for kind, done, stats in rows] == [
        ("reparse", 1, "interrupted")
    ]
    again = jcrawl("reparse", archive=archive)  # and nothing is lost: the next one does it all
    assert again.returncode == 0, again.stderr[-3000:]
    assert query(archive, "SELECT COUNT(*) FROM articles") == [(300,)]


def test_ctrl_c_while_jcrawl_starts_ends_it_without_a_traceback(tmp_path: Path) -> None:
    Store(tmp_path).close()  # an empty archive
    conn = sqlite3.connect(tmp_path / "journal.db", isolation_level=None)
    try:
        # If it is done loading, `stats` waits here for the database: a lock that keeps readers out too
        # (a WAL database lets them read beside a writer, and `stats`, which loads in a few tenths of a
        # second, then finished before the signal came, which found Python ending, its handler gone).
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        run = start_jcrawl("stats", "--archive", tmp_path)
        time.sleep(0.25)
        run.send_signal(signal.SIGINT)
        time.sleep(0.3)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    out, err = run.communicate(timeout=60)
    assert "Traceback" not in err
    # Now and then the signal lands in a library's import that swallows it, and `stats` runs on.
    assert (run.returncode, err) in ((130, "jcrawl: interrupted\n"), (0, "")), out
