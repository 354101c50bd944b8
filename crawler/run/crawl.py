"""Run a crawl of one site into an archive directory: what `jcrawl crawl` and `jcrawl demo` call.

`run_crawls` runs one or more crawls in one Scrapy process; `jcrawl update` (crawler/run/update.py) runs
one per site through it too.
"""

from __future__ import annotations

import logging
import signal
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from crawler import startup
from crawler.errors import CrawlFailed, FatalError
from crawler.policy.economy import RULES as ECONOMY_RULES
from crawler.policy.recheck import RecheckPolicy
from crawler.policy.scope import RULES
from crawler.requests import OTHER, USEFUL, pages_fetched, request_counts, useful_share
from crawler.run.crawler import JournalCrawler
from crawler.run.fatal import FATAL_STAT
from crawler.run.lock import ArchiveLock
from crawler.run.logs import FILE_ONLY
from crawler.run.recovery import crawl_to_resume, recover_warc_files
from crawler.store import Store, utc_now
from crawler.urls import normalize_url
from crawler.words import besides_http_errors, plural

logger = logging.getLogger(__name__)


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
    """What one crawl of a run did. Counts are of this run alone: a resumed crawl's earlier part is
    not counted again."""

    stats: dict[str, Any]
    elapsed: float
    summary: str
    fetch_errors: int  # network failures, server errors after retries, cut bodies: exit code 1
    changes: dict[str, int] = field(default_factory=dict)  # articles new, changed, unchanged
    http_errors: int = 0  # pages answering 404 and the like: recorded, not counted as errors
    interrupted: int = 0  # the signal (SIGINT, SIGTERM) that stopped the run cleanly, 0 if none


class _Process(CrawlerProcess):
    """Scrapy's process, remembering the signal that asked it to stop (it stops the same way)."""

    stopped_by = 0

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.stopped_by = self.stopped_by or signum
        super()._signal_shutdown(signum, frame)


def crawl_settings(options: CrawlOptions) -> Settings:
    """The project's settings with the options applied on top (command-line priority)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, Any] = {
        "JCRAWL_ARCHIVE": str(options.archive),
        "JCRAWL_PROGRESS": options.progress,
        "LOG_INSTALL_ROOT_HANDLER": False,
        "EXTENSIONS": {**settings.getdict("EXTENSIONS"), "crawler.extensions.progress.LiveProgress": 0},
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


def run_crawl(options: CrawlOptions) -> CrawlResult:
    """Crawl `options.start_url` into `options.archive` and return its stats and summary.

    Holds the archive lock (ArchiveLocked if another run holds it), first repairs what a killed run
    left (crawler/run/recovery.py) and resumes the site's interrupted crawl if there is one. The site's
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

    The caller holds the archive lock. SIGINT and SIGTERM stop the crawls cleanly (left to be resumed)
    and are told in each result's `interrupted`. Raises PolicyError for unreadable recheck settings,
    FatalError when a crawl stopped because the archive or the database could not be written,
    CrawlFailed when a crawl could not start or broke off with an unexpected error.
    """
    settings = [crawl_settings(options) for options in jobs]
    for job_settings in settings:  # a PolicyError now, rather than a traceback from inside Scrapy
        RecheckPolicy.from_settings(job_settings)
    store = Store(jobs[0].archive)
    try:  # what this run adds: captures from this id on, rows from this time on
        first_capture, run_started = store.next_capture_id(), utc_now()
    finally:
        store.close()
    process = _Process(settings[0])
    spider = process.spider_loader.load("journal")
    # The first crawler installs the reactor, as CrawlerProcess.create_crawler would.
    crawlers = [JournalCrawler(spider, s, init_reactor=i == 0) for i, s in enumerate(settings)]
    failures: list[Failure] = []
    started = time.monotonic()
    for crawler, options in zip(crawlers, jobs, strict=True):
        process.crawl(crawler, start_url=options.start_url).addErrback(failures.append)
        # The start-up ends as the first spider opens, once GcTuning (connected as the crawler was
        # built) has frozen what it made: the collector, paused, never scans it.
        crawler.signals.connect(startup.end, signal=signals.spider_opened)
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        process.start()
    finally:  # Scrapy's handlers would now hand a signal to a stopped reactor, which ignores it
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    elapsed = time.monotonic() - started
    all_stats = [dict(crawler.stats.get_stats()) if crawler.stats else {} for crawler in crawlers]
    for stats in all_stats:
        if stats.get(FATAL_STAT):
            raise FatalError(f"{stats[FATAL_STAT]}. The crawl stopped; what it archived before is intact.")
    for failure in failures:
        logger.error(
            "The crawl failed",
            exc_info=(failure.type, failure.value, failure.getTracebackObject()),
            extra={FILE_ONLY: True},  # the command says it in its one line
        )
        raise CrawlFailed(f"the crawl failed: {failure.type.__name__}: {failure.getErrorMessage()}")
    store = Store(jobs[0].archive)
    try:
        results = []
        for stats in all_stats:
            crawl_id = stats.get("jcrawl/crawl_id")
            if crawl_id is None or "finish_reason" not in stats:
                raise CrawlFailed("the crawl ended before it started (see the log)")
            errors = dict(
                store.conn.execute(
                    "SELECT kind = 'http', COUNT(*) FROM errors WHERE crawl_id = ? AND at >= ? GROUP BY 1",
                    (crawl_id, run_started),
                ).fetchall()
            )
            result = CrawlResult(
                stats,
                elapsed,
                "",
                errors.get(0, 0),
                store.article_changes(crawl_id, first_capture, run_started),
                errors.get(1, 0),
                process.stopped_by,
            )
            result.summary = summarize(result, store)
            results.append(result)
        return results
    finally:
        store.close()


def one_line_summary(results: list[CrawlResult]) -> str:
    """What `--quiet` prints: articles new, changed and unchanged, fetch errors, duration; and
    whether a signal interrupted the run."""
    total = {k: sum(r.changes.get(k, 0) for r in results) for k in ("new", "changed", "unchanged")}
    errors = sum(r.fetch_errors for r in results)
    elapsed = max((r.elapsed for r in results), default=0.0)
    return (
        f"{total['new']:,} new, {total['changed']:,} changed, {total['unchanged']:,} unchanged, "
        f"{errors:,} errors, {elapsed:,.1f} s"
        + (f"; {interruption(results[0].interrupted)}" if results and results[0].interrupted else "")
    )


def summarize(result: CrawlResult, store: Store) -> str:
    """One paragraph a person reads at the end of a crawl; its counts are those of `--quiet`."""
    stats, elapsed, changes = result.stats, result.elapsed, result.changes
    pages = pages_fetched(stats)
    archive = store.totals()
    reason = "interrupted" if result.interrupted else stats.get("finish_reason", "finished")
    return (
        f"Crawled {plural(pages, 'page')} in {elapsed:,.1f} s "
        f"({pages / elapsed if elapsed else 0:,.0f} pages/s, {reason}): "
        f"{plural(sum(changes.values()), 'article')} stored ({changes.get('new', 0):,} new, "
        f"{changes.get('changed', 0):,} changed, {changes.get('unchanged', 0):,} unchanged), "
        f"{plural(result.fetch_errors, 'error')} recorded{besides_http_errors(result.http_errors)}, "
        f"{plural(stats.get('jcrawl/robots_disallowed', 0), 'URL')} disallowed by robots.txt. "
        f"{_requests(stats)}"
        f"{_skipped(stats)}"
        f"{_traps(stats)}"
        f"{_learned(stats)}"
        f"The archive {archive['archive']} now holds {plural(archive['articles'], 'article')} from "
        f"{plural(archive['captures'], 'capture')} in {plural(archive['warc_files'], 'WARC file')} "
        f"({archive['warc_bytes'] / 1e6:,.1f} MB)."
        + (f" I{interruption(result.interrupted)[1:]}." if result.interrupted else "")
    )


def interruption(signum: int) -> str:
    """ "interrupted by SIGINT: the next crawl or update resumes it"."""
    return f"interrupted by {signal.Signals(signum).name}: the next crawl or update resumes it"


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
    kinds = [k for k in (*USEFUL, *sorted(set(counts) - {*USEFUL, OTHER}), OTHER) if counts.get(k)]
    detail = ", ".join(_kind_count(kind, counts[kind]) for kind in kinds)
    return f"Requests: {detail} ({useful_share(counts):.0%} of page requests useful). "


def _kind_count(kind: str, count: int) -> str:
    """ "1 article", "12 feeds, sitemaps and robots.txt", "1 feed, sitemap or robots.txt", "8 other"."""
    if kind == "feed":
        return f"{count:,} feed{', sitemap or' if count == 1 else 's, sitemaps and'} robots.txt"
    return f"{count:,} {kind}" if kind == OTHER else plural(count, kind)


def _by_rule(stats: dict[str, Any], prefix: str, rules: tuple[str, ...]) -> dict[str, int]:
    """rule (as words) -> count, for the rules whose stat `prefix + rule` is not zero."""
    return {rule.replace("_", " "): n for rule in rules if (n := stats.get(prefix + rule, 0))}


def _skipped(stats: dict[str, Any]) -> str:
    """ "Links not followed: 1,875 comment pages, 120 comment feeds (the JCRAWL_FOLLOW_* ...). " """
    cut = _by_rule(stats, "jcrawl/skipped/", ECONOMY_RULES)
    # (the rules are named in the plural, "comment pages": one is "1 comment page")
    detail = ", ".join(f"{n:,} {rule.removesuffix('s') if n == 1 else rule}" for rule, n in cut.items())
    return f"Links not followed: {detail} (the JCRAWL_FOLLOW_* settings restore them). " if cut else ""


def _traps(stats: dict[str, Any]) -> str:
    """What the trap rules cut: "12 links not followed as likely crawler traps (calendar 12). "."""
    cut = _by_rule(stats, "jcrawl/trap/", RULES)
    detail = ", ".join(f"{rule} {n:,}" for rule, n in cut.items())
    return f"{sum(cut.values()):,} links not followed as likely crawler traps ({detail}). " if cut else ""
