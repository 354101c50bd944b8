"""Run a crawl of one site into an archive directory: what `jcrawl crawl` and `jcrawl demo` call.

`run_crawls` runs one or more crawls in one Scrapy process; `jcrawl update` (crawler/update.py) runs
one per site through it too.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler.economy import RULES as ECONOMY_RULES
from crawler.fatal import FATAL_STAT, FatalError
from crawler.lock import ArchiveLock
from crawler.recheck import RecheckPolicy
from crawler.recovery import crawl_to_resume, recover_warc_files
from crawler.requests import OTHER, USEFUL, request_counts
from crawler.scope import RULES
from crawler.store import Store
from crawler.urls import normalize_url

LOG_FILE = "jcrawl.log"
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"


@dataclass
class CrawlOptions:
    """What to crawl and how; None means the setting's default (see crawler/settings.py)."""

    start_url: str
    archive: Path
    max_pages: int | None = None
    max_depth: int | None = None
    concurrency: int | None = None
    progress: bool = False
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlResult:
    stats: dict[str, Any]
    elapsed: float
    summary: str
    fetch_errors: int
    changes: dict[str, int] = field(default_factory=dict)  # articles new, changed, unchanged


def crawl_settings(options: CrawlOptions) -> Settings:
    """The project's settings with the options applied on top (command-line priority)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, Any] = {
        "JCRAWL_ARCHIVE": str(options.archive),
        "JCRAWL_PROGRESS": options.progress,
        "LOG_INSTALL_ROOT_HANDLER": False,
        "EXTENSIONS": {**settings.getdict("EXTENSIONS"), "crawler.progress.LiveProgress": 0},
        **site_settings(options),
    }
    settings.setdict(overrides, priority="cmdline")
    return settings


def site_settings(options: CrawlOptions) -> dict[str, Any]:
    """The settings a crawl's options set; stored with the site, so that updates crawl it alike."""
    overrides: dict[str, Any] = {}
    if options.max_pages is not None:
        overrides["JCRAWL_MAX_REQUESTS"] = options.max_pages
    if options.max_depth is not None:
        overrides["DEPTH_LIMIT"] = options.max_depth
    if options.concurrency is not None:
        overrides["CONCURRENT_REQUESTS"] = options.concurrency
        overrides["CONCURRENT_REQUESTS_PER_DOMAIN"] = options.concurrency
    overrides.update(options.settings)
    return overrides


def configure_logging(archive: Path, console_level: int) -> None:
    """Log everything at INFO to DIR/jcrawl.log, and to stderr at `console_level`."""
    archive.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    file_handler = _LogFile(archive / LOG_FILE, encoding="utf-8")
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level)
    console.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(file_handler)
    root.addHandler(console)


class _LogFile(logging.FileHandler):
    """The log file in the archive; if it cannot be written (a full disk), say so once and go on."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:
        if not self.failed:
            self.failed = True
            print(f"jcrawl: cannot write {self.baseFilename}; logging to stderr only", file=sys.stderr)


def run_crawl(options: CrawlOptions) -> CrawlResult:
    """Crawl `options.start_url` into `options.archive` and return its stats and summary.

    Holds the archive lock (ArchiveLocked if another run holds it), first repairs what a killed run
    left (crawler/recovery.py) and resumes the site's interrupted crawl if there is one. The site's
    start URL and settings are stored for `jcrawl update`. Runs the Twisted reactor, so a process can
    run one crawl. Raises PolicyError and FatalError as run_crawls.
    """
    RecheckPolicy.from_settings(crawl_settings(options))  # bad settings are not stored with the site
    with ArchiveLock(options.archive, f"jcrawl crawl {options.start_url}"):
        store = Store(options.archive)
        try:
            recover_warc_files(store)
            site = store.register_site(
                normalize_url(options.start_url) or options.start_url, site_settings(options)
            )
            resume = crawl_to_resume(store, site, ("crawl",))
            run = {"JCRAWL_SITE": store.site(site), "JCRAWL_RESUME": resume["id"] if resume else 0}
        finally:
            store.close()
        return run_crawls([replace(options, settings={**options.settings, **run})])[0]


def run_crawls(jobs: list[CrawlOptions]) -> list[CrawlResult]:
    """Run the crawls `jobs` at once in one Scrapy process; their results, in order.

    The caller holds the archive lock. Raises PolicyError for unreadable recheck settings, FatalError
    when a crawl stopped because the archive or the database could not be written.
    """
    settings = [crawl_settings(options) for options in jobs]
    for job_settings in settings:  # a PolicyError now, rather than a traceback from inside Scrapy
        RecheckPolicy.from_settings(job_settings)
    process = CrawlerProcess(settings[0])
    spider = process.spider_loader.load("journal")
    # The first crawler installs the reactor, as CrawlerProcess.create_crawler would.
    crawlers = [Crawler(spider, s, init_reactor=i == 0) for i, s in enumerate(settings)]
    started = time.monotonic()
    for crawler, options in zip(crawlers, jobs, strict=True):
        process.crawl(crawler, start_url=options.start_url)
    process.start()
    elapsed = time.monotonic() - started
    all_stats = [dict(crawler.stats.get_stats()) if crawler.stats else {} for crawler in crawlers]
    for stats in all_stats:
        if stats.get(FATAL_STAT):
            raise FatalError(f"{stats[FATAL_STAT]}. The crawl stopped; what it archived before is intact.")
    store = Store(jobs[0].archive)
    try:
        results = []
        for stats in all_stats:
            crawl_id = stats.get("jcrawl/crawl_id")
            fetch_errors = store.conn.execute(
                "SELECT COUNT(*) FROM errors WHERE crawl_id = ? AND kind != 'http'", (crawl_id,)
            ).fetchone()[0]
            summary = summarize(stats, elapsed, store)
            results.append(
                CrawlResult(stats, elapsed, summary, fetch_errors, store.article_changes(crawl_id))
            )
        return results
    finally:
        store.close()


def one_line_summary(results: list[CrawlResult]) -> str:
    """What `--quiet` prints: articles new, changed and unchanged, fetch errors, duration."""
    total = {k: sum(r.changes.get(k, 0) for r in results) for k in ("new", "changed", "unchanged")}
    errors = sum(r.fetch_errors for r in results)
    elapsed = max((r.elapsed for r in results), default=0.0)
    return (
        f"{total['new']:,} new, {total['changed']:,} changed, {total['unchanged']:,} unchanged, "
        f"{errors:,} errors, {elapsed:,.1f} s"
    )


def summarize(stats: dict[str, Any], elapsed: float, store: Store) -> str:
    """One paragraph a person reads at the end of a crawl."""
    pages = stats.get("response_received_count", 0)
    archive = store.stats()
    reason = stats.get("finish_reason", "finished")
    return (
        f"Crawled {pages:,} pages in {elapsed:,.1f} s ({pages / elapsed if elapsed else 0:,.0f} pages/s, "
        f"{reason}): {stats.get('jcrawl/articles', 0):,} articles stored, "
        f"{stats.get('jcrawl/errors', 0):,} errors recorded, "
        f"{stats.get('jcrawl/robots_disallowed', 0):,} URLs disallowed by robots.txt. "
        f"{_requests(stats)}"
        f"{_skipped(stats)}"
        f"{_traps(stats)}"
        f"{_learned(stats)}"
        f"The archive {archive['archive']} now holds {archive['articles']:,} articles from "
        f"{archive['captures']:,} captures in {archive['warc_files']} WARC files "
        f"({archive['warc_bytes'] / 1e6:,.1f} MB)."
    )


def _learned(stats: dict[str, Any]) -> str:
    """ "Learned version 2 of the site's profile and re-extracted 40 articles with it. " or ""."""
    version = stats.get("jcrawl/profile_version")
    if not version:
        return ""
    count = stats.get("jcrawl/reextracted", 0)
    changed = stats.get("jcrawl/reextracted_changed", 0)
    return (
        f"Learned version {version} of the site's profile and re-extracted {count:,} articles with it "
        f"({changed:,} changed in title or body; see the reextractions table). "
    )


def _requests(stats: dict[str, Any]) -> str:
    """ "Requests: 240 articles, 30 listings, 12 feeds, sitemaps and robots.txt, 8 other (96% useful). " """
    counts = request_counts(stats)
    total = sum(counts.values())
    if not total:
        return ""
    names = {"article": "articles", "listing": "listings", "feed": "feeds, sitemaps and robots.txt"}
    kinds = [k for k in (*USEFUL, *sorted(set(counts) - {*USEFUL, OTHER}), OTHER) if counts.get(k)]
    detail = ", ".join(f"{counts[k]:,} {names.get(k, k)}" for k in kinds)
    useful = sum(counts.get(k, 0) for k in USEFUL)
    return f"Requests: {detail} ({useful / total:.0%} useful). "


def _by_rule(stats: dict[str, Any], prefix: str, rules: tuple[str, ...]) -> dict[str, int]:
    """rule (as words) -> count, for the rules whose stat `prefix + rule` is not zero."""
    return {rule.replace("_", " "): n for rule in rules if (n := stats.get(prefix + rule, 0))}


def _skipped(stats: dict[str, Any]) -> str:
    """ "Links not followed: 1,875 comment pages, 120 comment feeds (the JCRAWL_FOLLOW_* ...). " """
    cut = _by_rule(stats, "jcrawl/skipped/", ECONOMY_RULES)
    detail = ", ".join(f"{n:,} {rule}" for rule, n in cut.items())
    return f"Links not followed: {detail} (the JCRAWL_FOLLOW_* settings restore them). " if cut else ""


def _traps(stats: dict[str, Any]) -> str:
    """What the trap rules cut: "12 links not followed as likely crawler traps (calendar 12). "."""
    cut = _by_rule(stats, "jcrawl/trap/", RULES)
    detail = ", ".join(f"{rule} {n:,}" for rule, n in cut.items())
    return f"{sum(cut.values()):,} links not followed as likely crawler traps ({detail}). " if cut else ""
