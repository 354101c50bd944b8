"""Under cron: `--quiet` prints exactly one line whatever happens, nothing else reaches stderr, the log
rotates, Ctrl-C and SIGTERM stop a crawl cleanly with 130 and 143 and say so, and the counts of the
summary, `--quiet` and `stats` agree ("new" is new in this run, also in a resumed one)."""

from __future__ import annotations

import re
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from crawler.run.lock import ArchiveLock
from tests.helpers import free_port, jcrawl, query, start_jcrawl

QUIET = re.compile(
    r"^([\d,]+) new, ([\d,]+) changed, ([\d,]+) unchanged, ([\d,]+) errors, [\d.,]+ s(; .*)?\n$"
)
SUMMARY = re.compile(
    r"([\d,]+) articles? stored \(([\d,]+) new, ([\d,]+) changed, ([\d,]+) unchanged\), "
    r"([\d,]+) errors? recorded(?: \(besides ([\d,]+) pages? answering 404)?"
)
BIG = 400  # stories of the site a crawl is interrupted on


def serve_demo(directory: Path, articles: int) -> DemoServer:
    server = DemoServer(directory, port=free_port())
    build_site(directory, server.url, articles)
    return server.start()


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_demo(tmp_path_factory.mktemp("small"), 20) as server:
        yield server.url


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_demo(tmp_path_factory.mktemp("big"), BIG) as server:
        yield server.url


def numbers(line: str) -> tuple[int, ...]:
    match = QUIET.match(line)
    assert match, line
    return tuple(int(n.replace(",", "")) for n in match.groups()[:4])


def captures(archive: Path) -> int:
    try:
        return query(archive, "SELECT COUNT(*) FROM captures")[0][0]
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.mark.parametrize(("signum", "quiet"), [(signal.SIGINT, True), (signal.SIGTERM, False)])
def test_a_signal_stops_the_crawl_cleanly_says_so_and_the_next_run_counts_only_its_own(
    signum: int, quiet: bool, big_site: str, tmp_path: Path
) -> None:
    options = ["--quiet"] if quiet else []
    run = start_jcrawl("crawl", big_site, "--archive", tmp_path, *options)
    deadline = time.monotonic() + 60
    while captures(tmp_path) < 30 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    run.send_signal(signum)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 128 + signum, err[-3000:]
    name = signal.Signals(signum).name
    assert "Traceback" not in out + err
    if quiet:
        assert err == ""
        assert out.endswith(f"; interrupted by {name}: the next crawl or update resumes it\n")
        new, _, _, errors = numbers(out)
        assert errors == 0
    else:
        assert f" Interrupted by {name}: the next crawl or update resumes it." in out
        assert (
            "(" in out and "interrupted)" in out.split(":")[0]
        )  # "Crawled N pages in T s (R pages/s, interrupted)"
        new = int(SUMMARY.search(out).group(2))
    stored = query(tmp_path, "SELECT COUNT(*) FROM articles")[0][0]
    assert 0 < new == stored < BIG
    assert query(tmp_path, "SELECT finished_at FROM crawls") == [(None,)]  # left to be resumed
    resumed = jcrawl("update", "--quiet", archive=tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    new, changed, _, errors = numbers(resumed.stdout)
    ((total,),) = query(tmp_path, "SELECT COUNT(*) FROM articles")
    assert total >= BIG  # every story (the extractor may take a page such as About for one too)
    assert new == total - stored and changed == errors == 0  # what the first part stored is not new again


def test_a_site_that_is_down_gives_one_quiet_line_and_nothing_on_stderr(tmp_path: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}/"
    result = jcrawl("crawl", down, "--quiet", "-s", "RETRY_TIMES=1", archive=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ""
    assert numbers(result.stdout)[:3] == (0, 0, 0) and numbers(result.stdout)[3] >= 1
    assert "Connection was refused" in (tmp_path / "jcrawl.log").read_text()  # the details are in the log


def test_quiet_prints_exactly_one_line_when_the_run_fails(small_site: str, tmp_path: Path) -> None:
    crawled = jcrawl("crawl", small_site, "--quiet", archive=tmp_path / "a")
    assert crawled.returncode == 0 and len(crawled.stdout.splitlines()) == 1
    outcomes = {}
    with ArchiveLock(tmp_path / "a", "a test holding the lock"):
        outcomes[3] = jcrawl("update", "--quiet", archive=tmp_path / "a")
    outcomes[2] = jcrawl("update", "--quiet", archive=tmp_path / "nothing")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "journal.db").write_text("not a database")
    outcomes[4] = jcrawl("update", "--quiet", archive=tmp_path / "b")
    for code, result in outcomes.items():
        assert result.returncode == code, result.stderr
        assert len(result.stdout.splitlines()) == 1 and result.stdout.endswith(f"(exit {code})\n")
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_counts_agree_across_the_summary_quiet_and_stats(small_site: str, tmp_path: Path) -> None:
    crawled = jcrawl("crawl", small_site, archive=tmp_path)
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    stored, new, changed, unchanged, errors, http = (
        int(n or 0) for n in SUMMARY.search(crawled.stdout).groups()
    )
    ((articles,),) = query(tmp_path, "SELECT COUNT(*) FROM articles")
    assert articles >= 20 and (stored, new, changed, unchanged, errors) == (articles, articles, 0, 0, 0)
    assert http == 1  # the demo journal links to a story it deleted: a 404, recorded, not an error
    assert "in 1 WARC file (" in crawled.stdout
    stats = jcrawl("stats", archive=tmp_path).stdout
    assert re.search(r"^errors +0 \(besides 1 page answering 404", stats, re.M), stats
    assert re.search(rf"^last run +#1 crawl of {small_site} \(", stats, re.M), stats
    again = jcrawl("update", "--quiet", archive=tmp_path)
    assert numbers(again.stdout)[:2] == (0, 0)  # nothing new, nothing changed
    stats = jcrawl("stats", archive=tmp_path).stdout
    assert re.search(rf"^last run +#2 update of {small_site} \(", stats, re.M), stats


def test_stats_names_an_import_as_one(small_site: str, tmp_path: Path) -> None:
    crawled = jcrawl("crawl", small_site, archive=tmp_path / "crawled")
    assert crawled.returncode == 0
    (warc,) = (tmp_path / "crawled" / "warc").glob("*.warc.gz")
    imported = jcrawl("import", warc, archive=tmp_path / "imported")
    assert imported.returncode == 0, imported.stderr[-3000:]
    assert "Imported 1 WARC file into" in imported.stdout
    stats = jcrawl("stats", archive=tmp_path / "imported").stdout
    assert re.search(r"^last run +#1 import of ", stats, re.M) and "None" not in stats, stats


def test_the_log_rotates_at_its_size_limit(small_site: str, tmp_path: Path) -> None:
    limit = ["-s", "JCRAWL_LOG_MAX_BYTES=3000", "-s", "JCRAWL_LOG_BACKUPS=2"]
    for _ in range(2):
        result = jcrawl("crawl", small_site, *limit, archive=tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
    logs = sorted(path.name for path in tmp_path.glob("jcrawl.log*"))
    assert logs == ["jcrawl.log", "jcrawl.log.1", "jcrawl.log.2"]
    assert "Spider closed (finished)" in (tmp_path / "jcrawl.log").read_text()
