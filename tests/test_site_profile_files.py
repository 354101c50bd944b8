"""A site profile of the user's (`--site FILE`): it shapes the records, and cron updates still find it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.faultserver import article_html
from tests.helpers import ROOT, query

PROMO = "Read the weekly issue before anyone else when you join the Harbour Club today."


@pytest.fixture
def site(httpserver: HTTPServer) -> str:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    links = "".join(f'<a href="/story-{n}/">Story {n}</a> ' for n in range(3))
    httpserver.expect_request("/").respond_with_data(
        f"<html><body>{links}</body></html>", content_type="text/html"
    )
    for n in range(3):
        page = article_html(f"Harbour story {n}").replace(
            "</div></article>", f'<p class="club">{PROMO}</p></div></article>'
        )
        httpserver.expect_request(f"/story-{n}/").respond_with_data(page, content_type="text/html")
    httpserver.no_handler_status_code = 404
    return httpserver.url_for("/")


def jcrawl_in(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess:
    """`jcrawl` run from directory `cwd`, as cron runs it from wherever it likes."""
    command = [sys.executable, "-m", "crawler.cli", *map(str, args)]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_a_relative_profile_path_serves_later_updates_until_the_file_goes(site: str, tmp_path: Path) -> None:
    work, elsewhere, archive = tmp_path / "work", tmp_path / "elsewhere", tmp_path / "archive"
    work.mkdir()
    elsewhere.mkdir()
    (work / "harbour.toml").write_text('drop_selectors = [".club"]\n', encoding="utf-8")

    crawl = jcrawl_in(work, "crawl", site, "--site", "harbour.toml", "--archive", archive)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    bodies = [body for (body,) in query(archive, "SELECT body FROM articles")]
    assert len(bodies) == 3 and not any(PROMO in body for body in bodies)  # the profile's drop selector

    update = jcrawl_in(elsewhere, "update", "--archive", archive, "--quiet")
    assert update.returncode == 0, update.stderr[-3000:]

    (work / "harbour.toml").unlink()
    update = jcrawl_in(elsewhere, "update", "--archive", archive, "--quiet")
    assert update.returncode == 2
    assert "cannot read its profile" in update.stderr and "harbour.toml" in update.stderr
    assert "Traceback" not in update.stderr
