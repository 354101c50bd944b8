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
import sys
import time
from pathlib import Path

from crawler.extract import Article
from crawler.store import Batch, Store
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


def test_ctrl_c_inside_a_sqlite_function_is_read_as_the_interruption() -> None:
    """A Ctrl-C that lands inside a SQLite function written in Python (the store's `site_of`,
    `sqlar_uncompress`) comes out of sqlite3 as an OperationalError; the signal is still remembered as
    the interruption (what `jcrawl` ends with: the next test)."""
    from crawler import interrupts

    def slow_function(value: int) -> int:
        signal.raise_signal(signal.SIGINT)  # Ctrl-C, as it lands while SQLite calls the function
        return value

    conn = sqlite3.connect(":memory:")
    conn.create_function("slow_function", 1, slow_function)
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        interrupts.install()
        assert interrupts.received() is None
        try:
            conn.execute("SELECT slow_function(1)").fetchall()
        except sqlite3.OperationalError as exc:
            assert "user-defined function raised exception" in str(exc)  # what sqlite3 made of it
        interruption = interrupts.received()
        assert isinstance(interruption, KeyboardInterrupt)
        assert not isinstance(interruption, interrupts.Terminated)
    finally:
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGTERM, before[1])
        conn.close()


def test_a_command_interrupted_inside_a_sqlite_function_ends_as_interrupted(tmp_path: Path) -> None:
    """`jcrawl export` gets Ctrl-C while SQLite inflates an article's text (`sqlar_uncompress`, a
    Python function): it ends with 130 and "jcrawl: interrupted", not as a bug (70, which it did)."""
    store = Store(tmp_path)
    batch = Batch()
    body = "A sentence of the story. " * 40
    batch.add_page(
        Article(url="http://127.0.0.1/1/", is_article=True, title="A story", body=body, body_html=body),
        None,
        "2026-01-01T00:00:00Z",
    )
    store.write(batch)
    store.close()
    # The signal is raised from within the store's own function, as a Ctrl-C would land there.
    script = (
        "import signal, sys\n"
        "import crawler.store.texts as texts\n"
        "inflate = texts.sqlar_uncompress\n"
        "def interrupted(data, size):\n"
        "    signal.raise_signal(signal.SIGINT)\n"
        "    return inflate(data, size)\n"
        "texts.sqlar_uncompress = interrupted\n"
        f"sys.argv = ['jcrawl', 'export', '--archive', {str(tmp_path)!r}]\n"
        "from crawler.cli import program\n"
        "program()\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stderr) == (130, "jcrawl: interrupted\n")


def test_a_signal_as_jcrawl_exits_leaves_its_exit_code(tmp_path: Path) -> None:
    """A signal after the command is done, while Python shuts down, does not turn a finished run into
    a killed or failed one: no traceback, and the command's exit code. Ctrl-C is ignored from then on
    (Python died of one that landed once it had put back the default handlers: CI saw a finished
    `reparse` end with -2); SIGTERM ends the process at once with that code while Python still runs
    its handlers."""
    Store(tmp_path).close()  # an empty archive
    # Ctrl-C from an object Python frees as it tears down its modules (its signal handlers gone);
    # SIGTERM from an exit handler (run before that).
    late = {
        signal.SIGINT: "class Late:\n"
        "    def __del__(self, kill=os.kill, pid=os.getpid(), sleep=time.sleep):\n"
        "        kill(pid, signal.SIGINT)\n"
        "        sleep(0.3)\n"
        "late = Late()\n",
        signal.SIGTERM: "atexit.register(lambda: (os.kill(os.getpid(), signal.SIGTERM), time.sleep(0.3)))\n",
    }
    for signum, sender in late.items():
        script = (
            "import atexit, os, signal, sys, time\n"
            f"{sender}"
            f"sys.argv = ['jcrawl', 'stats', '--archive', {str(tmp_path)!r}]\n"
            "from crawler.cli import program\n"
            "program()\n"
        )
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert (run.returncode, run.stderr) == (0, ""), (signum, run.stderr[-2000:])
        assert "articles" in run.stdout
