"""Item pipeline that writes captures, articles, links and errors to the SQLite store in batches."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.middleware import archive_resource, capture_recorded
from archive.writer import RecordLocation
from crawler.extract.learn import ProfileLearner
from crawler.frontier.backend import frontier_of
from crawler.items import ErrorItem, PageDone, PageItem, UnchangedItem
from crawler.run.fatal import stop_crawl
from crawler.site_profiles import (
    Evidence,
    learned_profile,
    reextract_site,
    same_profile,
    save_profile,
    site_profile_learned,
)
from crawler.store import Batch, CaptureIds, Store, utc_now

logger = logging.getLogger(__name__)


class StorePipeline:
    """Batch rows and write them to `DIR/journal.db`.

    Captures arrive through the `capture_recorded` signal, right after their WARC record is flushed;
    they get their id here (from the archive's CaptureIds, shared with the other crawls of the
    process) so that the page item that follows can point at them. Rows are committed every
    JCRAWL_BATCH_SIZE items or JCRAWL_BATCH_SECONDS, and when the spider closes.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.store = Store(crawler.settings.get("JCRAWL_ARCHIVE"))
        self.batch_size = crawler.settings.getint("JCRAWL_BATCH_SIZE")
        self.batch_seconds = crawler.settings.getfloat("JCRAWL_BATCH_SECONDS")
        self.flushed_at = time.monotonic()
        self.batch = Batch()
        self.crawl_id: int | None = None
        self.failed = False  # the database could not be written: the crawl is stopping
        self.capture_ids = CaptureIds.of(self.store)
        self.evidence = Evidence.from_settings(crawler.settings)
        crawler.signals.connect(self.capture_recorded, signal=capture_recorded)
        crawler.signals.connect(self.site_profile_learned, signal=site_profile_learned)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        return pipeline

    def open_spider(self) -> None:
        settings = self.crawler.settings
        # A resumed crawl (crawler/run/recovery.py) goes on under its own id.
        self.crawl_id = settings.getint("JCRAWL_RESUME") or self.store.begin_crawl(
            getattr(self.crawler.spider, "start_url", None),
            kind="update" if settings.getbool("JCRAWL_UPDATE") else "crawl",
        )
        self.crawler.stats.set_value("jcrawl/crawl_id", self.crawl_id)

    def capture_recorded(self, capture: dict[str, Any]) -> None:
        capture["id"] = self.capture_ids.take()
        capture["crawl_id"] = self.crawl_id
        self.batch.captures.append(capture)
        self._maybe_flush()

    def spider_error(self, failure: Failure, response: Response) -> None:
        """The spider, or a spider middleware, raised while handling `response`: what the page led to
        is cut short, so it counts as an error (kind `spider`; the traceback is in the log)."""
        message = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        self._add_error(ErrorItem(response.url, "spider", message))
        self._maybe_flush()

    def _add_error(self, item: ErrorItem) -> None:
        self.batch.errors.append(
            {
                "url": item.url,
                "crawl_id": self.crawl_id,
                "at": utc_now(),
                "kind": item.kind,
                "message": item.message,
            }
        )
        # as the summary counts them: pages lost, apart from pages that answered 404 and the like
        self.crawler.stats.inc_value("jcrawl/http_errors" if item.kind == "http" else "jcrawl/errors")

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            self._add_page(item)
        elif isinstance(item, ErrorItem):
            self._add_error(item)
        elif isinstance(item, PageDone):
            assert self.crawl_id is not None
            if item.done:
                self.batch.done.append((self.crawl_id, item.done))
            self.batch.lastmods.extend(item.lastmods)
        elif isinstance(item, UnchangedItem):
            self.batch.seen.append((item.url, item.seen_at))
        self._maybe_flush()
        return item

    def _add_page(self, item: PageItem) -> None:
        self.batch.add_page(
            item.article,
            item.capture_id,
            item.fetched_at or utc_now(),
            item.profile_version,
            item.redirected_from,
            item.measures,
            item.stored_text,
        )
        if item.article.is_article:
            self.crawler.stats.inc_value("jcrawl/articles")

    def _maybe_flush(self) -> None:
        if len(self.batch) >= self.batch_size or time.monotonic() - self.flushed_at >= self.batch_seconds:
            self.flush()

    def flush(self) -> None:
        """Commit what is buffered. The WARC records these rows point at are already flushed.

        A batch that cannot be written (a full disk) is rolled back whole and the crawl stops: the
        rows it held are in the WARC files, which the store can be rebuilt from.
        """
        if self.failed or not (len(self.batch) or self.batch.links):
            return
        batch, self.batch = self.batch, Batch()
        self.flushed_at = time.monotonic()
        frontier = frontier_of(self.crawler)
        try:
            if frontier is not None:  # the links these pages led to are durable before they are done
                frontier.flush()
            self.store.write(batch)
            if frontier is not None and batch.done:
                frontier.ack(url for _, url in batch.done)
        except sqlite3.Error as exc:
            self.failed = True
            stop_crawl(self.crawler, f"cannot write the database {self.store.path}: {exc}")

    def site_profile_learned(self, site: str, profile: Any) -> Any:
        """Save a profile (or what a learner learned that the site's archive supports) as the site's
        next version, re-extract its older articles with it, and return it versioned (None if there
        was nothing new to save, or it could not be saved: the crawl is stopping)."""
        self.flush()
        if self.failed:
            return None
        try:
            if isinstance(profile, ProfileLearner):
                started_with = profile.profile
                profile = learned_profile(lambda: self.site_bodies(site), profile, self.evidence)
                if same_profile(profile, started_with):  # nothing the archive supports was learned
                    return None
            saved = save_profile(self.store, site, profile, self._write_resource)
            count, changed = reextract_site(self.store, site, saved)
        except (sqlite3.Error, OSError) as exc:
            self.failed = True
            stop_crawl(self.crawler, f"cannot save the site profile of {site}: {exc}")
            return None
        self.crawler.stats.set_value("jcrawl/profile_version", saved.version)
        self.crawler.stats.inc_value("jcrawl/reextracted", count)
        self.crawler.stats.inc_value("jcrawl/reextracted_changed", changed)
        return saved

    def site_bodies(self, site: str) -> Iterator[tuple[str, str]]:
        """(body, content_hash) of each of the site's articles: the evidence a learned profile needs."""
        return ((body, content_hash) for _url, body, content_hash in self.store.site_article_bodies(site))

    def _write_resource(self, uri: str, content_type: str, data: bytes) -> RecordLocation:
        """Have the WARC middleware archive a resource record; its location, once on disk."""
        results = self.crawler.signals.send_catch_log(
            archive_resource, uri=uri, content_type=content_type, data=data
        )
        for _receiver, result in results:
            if isinstance(result, RecordLocation):
                return result
        raise OSError(f"the WARC archive did not record {uri}")

    def close_spider(self) -> None:
        self.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        # After close_spider: the stats are final here, and late captures (none expected) are flushed.
        self.flush()
        if reason == "shutdown":  # SIGTERM or Ctrl-C: left unfinished, so the next run resumes it
            logger.warning("Crawl #%s interrupted; the next crawl or update resumes it", self.crawl_id)
        elif self.crawl_id is not None and not self.failed:
            stats = dict(self.crawler.stats.get_stats())
            stats["finish_reason"] = reason
            try:
                self.store.finish_crawl(self.crawl_id, stats)
            except sqlite3.Error as exc:
                stop_crawl(self.crawler, f"cannot write the database {self.store.path}: {exc}")
        self.store.close()
