"""The real publishing systems, served once per session, and one default crawl of each site."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.helpers import jcrawl
from tests.systems.scoring import Score, score
from tests.systems.sites import SystemSite, served_systems

SITES = ("wordpress-twentytwentyone", "wordpress-twentytwentythree", "pelican-notmyidea")


@dataclass
class SystemCrawl:
    """`jcrawl crawl` of one site with no options, and how it did against the site's truth."""

    site: SystemSite
    archive: Path
    result: CompletedProcess
    seconds: float
    truth: dict
    requests: list[tuple[str, int]]  # what the server answered during the crawl
    score: Score


def site_name(site: SystemSite) -> str:
    return f"{site.system}-{site.theme}"


@pytest.fixture(scope="session")
def systems(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SystemSite]]:
    """Every system's sites, served for the session (read-only: tests that change a site start their own)."""
    with served_systems(tmp_path_factory.mktemp("systems")) as sites:
        yield {site_name(site): site for site in sites}


@pytest.fixture(scope="session")
def system_crawls(
    systems: dict[str, SystemSite], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, SystemCrawl]:
    """One default crawl of each site (read-only for tests; copy the archive to change it)."""
    crawls = {}
    for name, site in systems.items():
        archive = tmp_path_factory.mktemp(f"crawl-{name}")
        before = len(site.requests())
        started = time.monotonic()
        result = jcrawl("crawl", site.url, archive=archive, timeout=1200)
        seconds = time.monotonic() - started
        assert result.returncode == 0, result.stderr[-3000:]
        requests = site.requests()[before:]
        truth = site.truth()
        crawls[name] = SystemCrawl(
            site, archive, result, seconds, truth, requests, score(archive, site.url, truth, requests)
        )
    return crawls
