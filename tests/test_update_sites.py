"""`jcrawl update` of an archive holding two sites: one Scrapy process crawls both at once.

Two small bench sites (30 articles each) are crawled into one archive; then edition 1 of each
(4 new articles, 2 edited) is served at the same URLs and the archive is updated twice: a plain
`jcrawl update`, then `jcrawl update --all --quiet`, with nothing changed since.
"""

from __future__ import annotations

import json
import re
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import assert_archive_honest, free_port, jcrawl, make_bench_site, query, serve_bench_site

PAGES, NEW, EDIT = 30, 4, 2
SEEDS = (3, 4)
SUMMARY = re.compile(r"^([\d,]+) new, ([\d,]+) changed, ([\d,]+) unchanged, ([\d,]+) errors, [\d.,]+ s\n$")


@dataclass
class TwoSites:
    archive: Path
    sites: list[Path]  # edition 1 of each site (ground_truth.jsonl, changes.jsonl)
    update: str  # stdout of the plain `jcrawl update`
    update_all: str  # stdout of `jcrawl update --all --quiet`

    def truth(self, name: str) -> list[dict]:
        return [json.loads(line) for site in self.sites for line in (site / name).open()]


def counts(line: str) -> tuple[int, ...]:
    """(new, changed, unchanged, errors) of a one-line summary."""
    match = SUMMARY.match(line)
    assert match, line
    return tuple(int(n.replace(",", "")) for n in match.groups())


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory: pytest.TempPathFactory) -> TwoSites:
    archive = tmp_path_factory.mktemp("two-sites") / "archive"
    ports = [free_port() for _ in SEEDS]
    editions = []
    for edition in (0, 1):
        directories = [tmp_path_factory.mktemp(f"site{seed}-edition{edition}") for seed in SEEDS]
        for directory, port, seed in zip(directories, ports, SEEDS, strict=True):
            extra = ["--edition", str(edition), "--new", str(NEW), "--edit", str(EDIT)]
            make_bench_site(directory, port, PAGES, seed, *extra)
        with ExitStack() as stack:
            sites = [
                stack.enter_context(serve_bench_site(d, p, tmp_path_factory.mktemp("nginx")))
                for d, p in zip(directories, ports, strict=True)
            ]
            if edition == 0:
                for site in sites:
                    crawl = jcrawl("crawl", site.url, "--quiet", archive=archive)
                    assert crawl.returncode == 0, crawl.stderr[-3000:]
            else:
                update = jcrawl("update", archive=archive)
                assert update.returncode == 0, update.stderr[-3000:]
                update_all = jcrawl("update", "--all", "--quiet", archive=archive)
                assert update_all.returncode == 0, update_all.stderr[-3000:]
        editions.append(directories)
    return TwoSites(archive, editions[1], update.stdout, update_all.stdout)


def test_an_update_of_two_sites_fetches_the_new_articles_of_both(two_sites: TwoSites) -> None:
    stored = sorted(url for (url,) in query(two_sites.archive, "SELECT url FROM articles"))
    assert stored == sorted(t["url"] for t in two_sites.truth("ground_truth.jsonl"))
    assert len(stored) == len(SEEDS) * (PAGES + NEW)
    edited = sorted(row["url"] for row in two_sites.truth("changes.jsonl") if row["change"] == "edited")
    versions = query(
        two_sites.archive,
        "SELECT a.url, COUNT(*) FROM articles a JOIN article_versions v ON v.article_id = a.id "
        "GROUP BY a.url ORDER BY a.url",
    )
    assert versions == [(url, 1) for url in edited] and len(edited) == len(SEEDS) * EDIT
    # Both updates of both sites finished (none is left to be resumed).
    crawls = query(two_sites.archive, "SELECT kind, COUNT(*), COUNT(finished_at) FROM crawls GROUP BY kind")
    assert crawls == [("crawl", 2, 2), ("update", 4, 4)]
    assert f"Update: {len(SEEDS) * NEW} new, {len(SEEDS) * EDIT} changed, " in two_sites.update


def test_the_archive_of_two_updated_sites_is_whole(two_sites: TwoSites) -> None:
    assert query(two_sites.archive, "PRAGMA integrity_check") == [("ok",)]
    assert assert_archive_honest(two_sites.archive) > len(SEEDS) * (PAGES + NEW)
    verify = jcrawl("verify", archive=two_sites.archive)  # no orphan records either
    assert verify.returncode == 0, verify.stdout[-3000:]


def test_the_quiet_line_counts_each_sites_articles_once(two_sites: TwoSites) -> None:
    """Nothing changed since the plain update: every article of both sites is unchanged, once."""
    assert counts(two_sites.update_all) == (0, 0, len(SEEDS) * (PAGES + NEW), 0)


def test_reparse_of_each_site_keeps_exactly_its_versions(two_sites: TwoSites, tmp_path: Path) -> None:
    """`reparse --site` deletes the site's articles and their versions, and rebuilds both."""
    archive = Path(shutil.copytree(two_sites.archive, tmp_path / "archive"))
    versions = (
        "SELECT a.url, v.version, v.seen_at, v.title, v.body, v.content_hash FROM article_versions v "
        "LEFT JOIN articles a ON a.id = v.article_id ORDER BY 1, 2"
    )
    before = query(archive, versions)
    assert len(before) == len(SEEDS) * EDIT
    for (site,) in query(archive, "SELECT name FROM sites ORDER BY name DESC"):  # the newest ids first
        reparse = jcrawl("reparse", "--site", site, archive=archive)
        assert reparse.returncode == 0, reparse.stderr[-3000:]
        assert query(archive, versions) == before, site
