"""What a crawl prints: a live status line on a terminal, nothing but the summary under cron (the log
lines go to DIR/jcrawl.log), a summary in both."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from crawler.run.crawl import _requests, _skipped
from tests.faultserver import article_html
from tests.helpers import ROOT, jcrawl, serve_stories


@pytest.fixture
def small_site(httpserver: HTTPServer) -> str:
    return serve_stories(httpserver, [article_html(f"Harbour story {n}") for n in range(5)])


def run_on_terminal(*args: str) -> tuple[int, str]:
    """Run `jcrawl` with a pseudo-terminal as its stdout and stderr; its exit code and all it wrote."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        cwd=ROOT,
        env=dict(os.environ, COLUMNS="120", TERM="xterm"),
    )
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal is closed once the process is gone
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    return process.wait(timeout=120), output.decode("utf-8", "replace")


def test_a_terminal_gets_a_live_status_line_and_the_summary(small_site: str, tmp_path: Path) -> None:
    code, output = run_on_terminal("crawl", small_site, "--archive", str(tmp_path / "archive"))
    assert code == 0, output[-2000:]
    assert "crawling" in output and "pages/s" in output and "elapsed" in output and "articles" in output
    assert "[scrapy.core.engine] INFO" not in output  # log lines go to the log file, not the terminal
    assert "5 articles stored" in output


def test_cron_gets_the_summary_and_the_log_file_gets_scrapys_lines(small_site: str, tmp_path: Path) -> None:
    result = jcrawl("crawl", small_site, archive=tmp_path / "archive")  # pipes, as under cron
    assert result.returncode == 0, result.stderr[-2000:]
    assert " INFO: " not in result.stderr  # Scrapy's INFO lines go to the log, not to the cron mail
    assert "\x1b[" not in result.stdout  # no terminal control sequences
    assert result.stdout.startswith("Crawled ") and "5 articles stored" in result.stdout
    assert (
        "[scrapy.core.engine] INFO: Spider closed (finished)"
        in (tmp_path / "archive" / "jcrawl.log").read_text()
    )


def test_scrapy_builds_no_debug_record_after_its_own_logging_set_up(tmp_path: Path) -> None:
    # Scrapy's process sets its logger to DEBUG after jcrawl's set-up; a record of every page crawled
    # would be made only for the handlers (INFO and above) to drop. A crawl and a worker alike.
    program = f"""
import logging
from pathlib import Path
from crawler.run.crawl import CrawlOptions, _Process, crawl_settings
from crawler.run.logs import configure_logging
configure_logging(Path({str(tmp_path)!r}), logging.WARNING, 0, 0)
_Process(crawl_settings(CrawlOptions("http://127.0.0.1/", Path({str(tmp_path)!r}))))
print(logging.getLogger("scrapy.core.engine").isEnabledFor(logging.DEBUG))
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "False\n"


def test_the_summary_counts_one_thing_in_the_singular() -> None:
    stats = {
        "jcrawl/requests/article": 1,
        "jcrawl/requests/feed": 1,
        "jcrawl/requests/requisite": 2,
        "jcrawl/skipped/comment_pages": 1,
        "jcrawl/skipped/comment_feeds": 2,
    }
    summary = _requests(stats) + _skipped(stats)
    assert "Requests: 1 article, 1 feed, sitemap or robots.txt, 2 requisites (" in summary
    assert "Links not followed: 1 comment page, 2 comment feeds (" in summary
