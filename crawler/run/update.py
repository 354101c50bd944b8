"""`jcrawl update`: crawl the archive's sites again, fetching only what is new or due.

Each site is crawled from the start URLs and with the settings its crawls stored (the `sites`
table), in update mode: what an update fetches and how is decided by crawler/policy/plan.py and the recheck
policy (crawler/policy/recheck.py); unchanged responses become WARC revisit records (archive/revisit.py);
edited articles get a new version (article_versions, kept by crawler/store.py). A site whose last
crawl or update was interrupted has that run resumed instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.extract.profile import load_profile
from crawler.run.crawl import CrawlOptions, CrawlResult, one_line_summary, run_crawls
from crawler.run.lock import ArchiveLock
from crawler.run.recovery import crawl_to_resume, recover_warc_files
from crawler.store import Store
from crawler.urls import normalize_url, site_of

# `--all`: every known page is due (each is still asked for conditionally).
RECHECK_ALL = {"JCRAWL_RECHECK_ARTICLES": {"older": 0}, "JCRAWL_RECHECK_PAGES": 0}


class UnknownSite(ValueError):
    """The site asked for is not in the archive (the message lists those that are), or cannot be
    crawled as stored (its profile file is gone)."""


@dataclass
class UpdateOptions:
    """Which sites of an archive to update and how; `settings` go over each site's stored ones."""

    archive: Path
    site: str | None = None  # a site name (host[:port]) or any URL of it; None: every site
    recheck_all: bool = False
    progress: bool = False
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class UpdateResult:
    results: list[CrawlResult]
    summary: str  # the one line --quiet prints

    @property
    def fetch_errors(self) -> int:
        return sum(r.fetch_errors for r in self.results)


def run_update(options: UpdateOptions) -> UpdateResult:
    """Update the sites of `options.archive`, all at once in one Scrapy process.

    Holds the archive lock (ArchiveLocked if another run holds it) and first repairs what a killed
    run left. Raises UnknownSite when the archive holds no site, or not the one asked for;
    PolicyError and FatalError as run_crawls.
    """
    with ArchiveLock(options.archive, "jcrawl update"):
        store = Store(options.archive)
        try:
            recover_warc_files(store)
            sites = _sites(store, options.site)
            # One live progress line at most: several sites crawl at once.
            progress = options.progress and len(sites) == 1
            jobs = [_job(store, site, options, progress) for site in sites]
        finally:
            store.close()
        results = run_crawls(jobs)
    return UpdateResult(results, one_line_summary(results))


def _sites(store: Store, wanted: str | None) -> list[dict[str, Any]]:
    sites = store.sites()
    if wanted is None:
        if not sites:
            raise UnknownSite(f"the archive {store.archive} holds no site yet (jcrawl crawl URL adds one)")
        return sites
    # A site's name (host[:port]), any URL of it, or the name of the site profile it is crawled with.
    name = site_of(normalize_url(wanted) or "") if "/" in wanted else wanted.lower().removeprefix("www.")
    chosen = [s for s in sites if name in (s["name"], s["settings"].get("JCRAWL_SITE_PROFILE"))]
    if not chosen:
        known = ", ".join(s["name"] for s in sites) or "none yet"
        raise UnknownSite(f"no site {wanted!r} in the archive {store.archive} (its sites: {known})")
    return chosen


def _job(store: Store, site: dict[str, Any], options: UpdateOptions, progress: bool) -> CrawlOptions:
    """The crawl of one site: an update, or the resumption of its interrupted crawl or update."""
    profile = site["settings"].get("JCRAWL_SITE_PROFILE")
    if profile:  # a file of the user's may have moved since the site was crawled
        try:
            load_profile(profile)
        except (OSError, ValueError) as exc:
            raise UnknownSite(f"site {site['name']}: cannot read its profile {profile}: {exc}") from None
    resume = crawl_to_resume(store, site["name"], ("crawl", "update"))
    settings = {
        **site["settings"],
        **(RECHECK_ALL if options.recheck_all else {}),
        **options.settings,
        "JCRAWL_UPDATE": resume is None or resume["kind"] == "update",
        "JCRAWL_RESUME": resume["id"] if resume else 0,
        "JCRAWL_START_URLS": site["start_urls"][1:],
        "JCRAWL_SITE": site,
    }
    return CrawlOptions(site["start_urls"][0], options.archive, progress=progress, settings=settings)
