"""A site profile of the user's (`--site FILE`): it shapes the records, and cron updates still find it."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.faultserver import article_html
from tests.helpers import ROOT, query, serve_stories

PROMO = "Read the weekly issue before anyone else when you join the Harbour Club today."


@pytest.fixture
def site(httpserver: HTTPServer) -> str:
    views = itertools.count(1000)

    def counted(page: str) -> Callable[[object], Response]:
        """The page with a read counter: its bytes change on every visit, its article does not."""
        club = page.replace("</div></article>", f'<p class="club">{PROMO}</p></div></article>')
        return lambda _request: Response(
            club.replace("</article>", f'</article><p class="post-views">Read {next(views)} times</p>'),
            content_type="text/html",
        )

    return serve_stories(httpserver, [counted(article_html(f"Harbour story {n}")) for n in range(3)])


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


def test_editing_the_profile_rewrites_the_articles_without_filing_edits(site: str, tmp_path: Path) -> None:
    """A changed profile reads the same pages differently: the articles are re-extracted in place,
    and the next crawl finds them unchanged, not edited."""
    profile, archive = tmp_path / "harbour.toml", tmp_path / "archive"
    profile.write_text('name = "harbour"\n', encoding="utf-8")
    assert jcrawl_in(tmp_path, "crawl", site, "--site", profile, "--archive", archive).returncode == 0
    assert all(PROMO in body for (body,) in query(archive, "SELECT body FROM articles"))

    profile.write_text('name = "harbour"\ndrop_selectors = [".club"]\n', encoding="utf-8")
    again = jcrawl_in(tmp_path, "crawl", site, "--site", profile, "--archive", archive)
    assert again.returncode == 0, again.stderr[-3000:]
    bodies = [body for (body,) in query(archive, "SELECT body FROM articles")]
    assert len(bodies) == 3 and not any(PROMO in body for body in bodies)
    assert query(archive, "SELECT COUNT(*) FROM article_versions") == [(0,)]
    assert query(archive, "SELECT version FROM site_profiles ORDER BY version") == [(1,), (2,)]
    assert query(archive, "SELECT DISTINCT profile_version FROM articles") == [(2,)]
