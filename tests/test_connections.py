"""A crawl keeps its connections to a host open between requests: it opens no more of them than it
uses at once, not one per request beyond CONCURRENT_REQUESTS_PER_DOMAIN (crawler/handlers/wiretap.py)."""

from __future__ import annotations

from pathlib import Path

from crawler.demo.server import start_demo_site
from crawler.settings import CONCURRENT_REQUESTS
from tests.helpers import jcrawl, query


def test_a_crawl_reuses_its_connections_to_a_host(tmp_path: Path) -> None:
    with start_demo_site(tmp_path / "site") as site:
        result = jcrawl("crawl", site.url, "--quiet", archive=tmp_path / "archive")
        accepted = site.connections_accepted
    assert result.returncode == 0, result.stderr[-3000:]
    ((requests,),) = query(tmp_path / "archive", "SELECT COUNT(*) FROM captures")
    assert requests > 60
    # the loopback slot lets the crawl use CONCURRENT_REQUESTS connections at once: it keeps them all
    assert 0 < accepted <= CONCURRENT_REQUESTS < requests
