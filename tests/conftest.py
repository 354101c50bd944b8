"""Shared fixtures (helpers live in tests/helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import BenchSite, free_port, jcrawl, make_bench_site, serve_bench_site
from tests.house_lines_site import serve_house_lines_site


@pytest.fixture(scope="session")
def bench_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BenchSite]:
    """The 2,000-article bench site (seed 7), served for the whole session."""
    port = free_port()
    directory = tmp_path_factory.mktemp("bench-site")
    make_bench_site(directory, port, pages=2000)
    with serve_bench_site(directory, port, tmp_path_factory.mktemp("nginx")) as site:
        yield site


@pytest.fixture(scope="module")
def port() -> int:
    """A port for a test module's own server: later editions of a site are served at the same URL."""
    return free_port()


@pytest.fixture(scope="session")
def bench_archive(bench_site: BenchSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive made by `jcrawl crawl` of the bench site with no options (read-only for tests)."""
    archive = tmp_path_factory.mktemp("bench-archive")
    result = jcrawl("crawl", bench_site.url, archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "articles stored" in result.stdout
    return archive


# --- a small site for the archivist's tools (tests/test_import.py, test_verify.py, ...) -----------
SMALL_SITE_PAGES = 300
OPERATOR = "Test Archivist <archivist@example.org>"


@pytest.fixture(scope="session")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BenchSite]:
    """The bench site with 300 articles (seed 11), served for the whole session."""
    port = free_port()
    directory = tmp_path_factory.mktemp("small-site")
    make_bench_site(directory, port, SMALL_SITE_PAGES, 11)
    with serve_bench_site(directory, port, tmp_path_factory.mktemp("nginx-small")) as site:
        yield site


@pytest.fixture(scope="session")
def small_archive(small_site: BenchSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`jcrawl crawl` of the small site with metadata records and an operator (read-only for tests)."""
    archive = tmp_path_factory.mktemp("small-archive")
    result = jcrawl(
        "crawl",
        small_site.url,
        "-s",
        "WARC_METADATA_RECORDS=true",
        "-s",
        f"WARC_OPERATOR={OPERATOR}",
        archive=archive,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return archive


@pytest.fixture(scope="session")
def learned_archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Two crawls of the house-lines journal into one archive (the second finds its profile learned),
    and the site's key ("127.0.0.1:PORT"). Read-only for tests."""
    archive = tmp_path_factory.mktemp("learned")
    with serve_house_lines_site() as server:
        url = server.url_for("/")
        first = jcrawl("crawl", url, archive=archive)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "Learned version 1 of the site's profile" in first.stdout
        # every article the profile re-extracted lost its house lines: each change is counted
        assert "re-extracted 24 articles with it (24 changed in title or body" in first.stdout
        second = jcrawl("crawl", url, archive=archive)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "Learned version" not in second.stdout
        return archive, f"127.0.0.1:{server.port}"
