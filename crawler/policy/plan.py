"""What a crawl fetches, URL by URL, given what the archive already holds.

The spider asks `CrawlPlan.decide(url)` before requesting a URL it has not requested yet in this run:

- a URL the archive has never captured is fetched;
- a `jcrawl crawl` fetches every URL again (unconditionally);
- a `jcrawl update` fetches sitemaps, feeds and the pages linked from a start page, sitemap or feed
  every run, and other known URLs when the recheck policy (crawler/policy/recheck.py) says they are due,
  with a conditional request;
- a crawl resumed after a kill skips what it already captured (it reads sitemaps and feeds again).

What the archive knows of a URL (its last capture before this run, its article's date, its sitemap
`lastmod` as of its last fetch, whether the crawl being resumed finished its page) is asked of the
store when the URL comes up, not loaded when the spider starts: memory holds the last
JCRAWL_PLAN_MEMORY answers, however large the archive (a fresh crawl asks nothing). The plan also keeps
the `sitemap_lastmod` table current (see `saw_lastmod`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Container
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from typing import Protocol

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.policy.recheck import RecheckPolicy, parse_time, site_zone, youngest_reading
from crawler.policy.seen import RecentDict, SeenSet
from crawler.store import Store
from crawler.urls import site_of

# What `decide` returns for a URL to request: in full, or conditionally (a recheck).
FETCH = "fetch"
RECHECK = "recheck"

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class KnownUrl:
    """What the archive knows of a URL: its last capture, and its article's age if it is one."""

    last_fetch: str  # fetched_at of the last capture
    status: int | None
    crawl_id: int | None
    xml: bool = False  # a sitemap or a feed (the last content type said XML)
    etag: str | None = None  # the last validators the server sent
    last_modified: str | None = None
    born: str | None = None  # an article's publication date (or first_seen); None for other pages


class CrawlPlan:
    """Decides, for one site and one run, which URLs to request and how."""

    def __init__(
        self,
        known: Known,
        *,
        incremental: bool = False,
        crawl_id: int | None = None,
        policy: RecheckPolicy | None = None,
        lastmods: Lastmods | None = None,
        finished: Container[str] | None = None,
        now: datetime | None = None,
        memory: int = 200_000,
    ):
        self.known = known
        self.incremental = incremental
        self.crawl_id = crawl_id  # the crawl being resumed, if any
        self.policy = policy
        self.lastmods: Lastmods = {} if lastmods is None else lastmods  # of each URL, as of its last fetch
        # Pages the resumed crawl finished, their links stored: its other captures are fetched again,
        # as a kill may have come after a capture's row was committed and before its page's links were.
        self.finished: Container[str] = set() if finished is None else finished
        self.now = now or datetime.now(UTC)
        # Lastmods the sitemaps give in this run for pages not done yet, and the URLs whose page this
        # run has finished: the last `memory` of each. One forgotten costs its page a conditional
        # request in the next update.
        self.run_lastmods = RecentDict(memory)
        self.done = SeenSet(memory)
        self.pending_lastmods: list[tuple[str, str]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, site: str) -> CrawlPlan:
        """The plan for `site`, from the settings JCRAWL_UPDATE, JCRAWL_RESUME and the recheck policy;
        it asks the archive's store (open until the spider closes) what it knows."""
        settings = crawler.settings
        if not settings.get("JCRAWL_ARCHIVE"):  # the spider on its own (tests): every URL is new
            return cls({})
        crawl_id = settings.getint("JCRAWL_RESUME") or None
        memory = settings.getint("JCRAWL_PLAN_MEMORY")
        # A cluster worker plans from the archive's database (read-only), not its own (crawler/cluster/).
        shared = settings.get("JCRAWL_PLAN_ARCHIVE")
        store = Store(shared, read_only=True) if shared else Store(settings.get("JCRAWL_ARCHIVE"))
        crawler.signals.connect(store.close, signal=signals.spider_closed, weak=False)
        known = StoredUrls(store, site, store.next_capture_id(), memory)
        plan = cls(
            known,
            incremental=settings.getbool("JCRAWL_UPDATE"),
            crawl_id=crawl_id,
            policy=RecheckPolicy.from_settings(settings),
            lastmods=StoredLastmods(store, memory, site),
            finished=StoredFinished(store, crawl_id) if crawl_id else set(),
            memory=settings.getint("JCRAWL_SEEN_MEMORY"),
        )
        logger.info(
            "%s of %s: the archive holds captures up to #%d%s",
            "Update" if plan.incremental else "Crawl",
            site,
            known.before - 1,
            f"; resuming crawl #{crawl_id}" if crawl_id else "",
        )
        return plan

    # --- decisions -------------------------------------------------------------------------------
    def decide(self, url: str, *, hub: bool = False, lastmod: str | None = None) -> str | None:
        """FETCH, RECHECK (a conditional request) or None (not this run) for a URL not yet requested.

        `hub`: the link comes from a start page, a sitemap or a feed; `lastmod`: a sitemap's date for it.
        """
        if not self.incremental and self.crawl_id is None:  # a crawl, not resumed: every URL
            return FETCH
        known = self.known.get(url)
        if known is None:
            return FETCH
        if self._resumed_own(known):
            # done before the interruption (sitemaps are read again)
            return FETCH if known.xml or url not in self.finished else None
        if not self.incremental or known.xml or (hub and known.born is None):
            return FETCH
        if (lastmod and self._lastmod_changed(url, lastmod, known)) or self._due(known):
            return RECHECK
        return None

    def _resumed_own(self, known: KnownUrl) -> bool:
        """True when `known` (a URL's last capture) was made by the crawl this run resumes."""
        return self.crawl_id is not None and known.crawl_id == self.crawl_id

    def is_article(self, url: str) -> bool:
        """True when the archive holds an article at `url`."""
        known = self.known.get(url)
        return known is not None and known.born is not None

    def _due(self, known: KnownUrl) -> bool:
        assert self.policy is not None
        if known.status is not None and known.status >= 500:
            return True
        if known.born is not None:
            return self.policy.article_due(known.born, known.last_fetch, self.now)
        return self.policy.page_due(known.last_fetch, self.now)

    def _lastmod_changed(self, url: str, lastmod: str, known: KnownUrl) -> bool:
        stored = self.lastmods.get(url)
        if stored is not None:
            return stored != lastmod
        changed, fetched = parse_time(lastmod), parse_time(known.last_fetch)
        return bool(changed and fetched and changed > fetched)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the validators of the URL's last capture; none when
        that capture is the resumed crawl's own, of a page it did not finish (killed after the capture's
        row was committed and before its page's were: a 304 against it would leave the page unread)."""
        known = self.known.get(url)
        if known is None or (self._resumed_own(known) and url not in self.finished):
            return {}
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers

    # --- sitemap lastmods ------------------------------------------------------------------------
    def saw_lastmod(self, url: str, lastmod: str) -> None:
        """A sitemap gives `url` this lastmod: recorded once the URL's page is done in this run."""
        if url in self.done or (
            self.crawl_id is not None  # (not asking the archive about the URL otherwise)
            and (known := self.known.get(url)) is not None
            and self._resumed_own(known)
        ):
            self._record_lastmod(url, lastmod)
            return
        self.run_lastmods.keep(url, lastmod)

    def page_done(self, urls: list[str]) -> None:
        """The page requested as / fetched from `urls` is done (its outcome is about to be stored)."""
        for url in urls:
            self.done.add(url)
            lastmod = self.run_lastmods.pop(url, None)
            if lastmod is not None:
                self._record_lastmod(url, lastmod)

    def take_lastmods(self) -> list[tuple[str, str]]:
        """(url, lastmod) rows for `sitemap_lastmod` gathered since the last call."""
        rows, self.pending_lastmods = self.pending_lastmods, []
        return rows

    def _record_lastmod(self, url: str, lastmod: str) -> None:
        if self.lastmods.get(url) != lastmod:
            self.lastmods[url] = lastmod
            self.pending_lastmods.append((url, lastmod))


# An SQL condition that holds for every `url` of a site (http and https, with and without www.: the
# parameters `site_params` gives), so an index on `url` reads only the site's rows; a few others
# may match (a longer host), which site_of tells apart.
SITE_URLS = "(" + " OR ".join(["(url >= ? AND url < ?)"] * 4) + ")"


def site_params(site: str) -> list[str]:
    """The parameters of SITE_URLS for `site`: each prefix its URLs start with, and that prefix's end."""
    params = []
    for scheme in ("http", "https"):
        for www in ("", "www."):
            prefix = f"{scheme}://{www}{site}"
            params += [prefix, prefix + "\U0010ffff"]
    return params


class Known(Protocol):
    """What the plan asks of the archive's URLs (a dict of them, or StoredUrls)."""

    def get(self, url: str) -> KnownUrl | None: ...


class Lastmods(Protocol):
    """Sitemap lastmods as of each URL's last fetch (a dict, or StoredLastmods)."""

    def get(self, url: str) -> str | None: ...

    def __setitem__(self, url: str, lastmod: str) -> None: ...


class StoredUrls:
    """The last capture of each URL of `site` made before capture `before` (this run's are not
    counted), with its article's date if it is one: asked of the store URL by URL, the last `memory`
    answers kept."""

    def __init__(self, store: Store, site: str, before: int, memory: int):
        self.store = store
        self.site = site
        self.before = before
        self.recent = RecentDict(memory)
        # A URL starting with one of these is the site's (site_of tells the others apart, slowly).
        self.prefixes = tuple(prefix + "/" for prefix in site_params(site)[::2])

    def get(self, url: str) -> KnownUrl | None:
        if url in self.recent:
            return self.recent.recall(url)
        known = self._ask(url) if self._on_site(url) else None
        self.recent.keep(url, known)
        return known

    def _ask(self, url: str) -> KnownUrl | None:
        entry = None
        rows = self.store.conn.execute(
            "SELECT c.fetched_at, c.status, c.crawl_id, c.content_type, c.etag, c.last_modified, "
            "a.published, a.first_seen FROM urls u JOIN capture_data c ON c.url_id = u.id "
            "LEFT JOIN article_data a ON a.url_id = u.id WHERE u.url = ? AND c.id < ? ORDER BY c.id",
            (url, self.before),
        )
        for fetched_at, status, crawl_id, content_type, etag, last_modified, published, first_seen in rows:
            if entry is None:
                entry = KnownUrl(fetched_at, status, crawl_id)
                if first_seen is not None:  # an article
                    entry.born = youngest_reading(published, self.zone) if published else first_seen
            entry.last_fetch, entry.status, entry.crawl_id = fetched_at, status, crawl_id
            if content_type:  # a 304 has none: the earlier one still describes the page
                entry.xml = "xml" in content_type.lower()
            if etag or last_modified:
                entry.etag, entry.last_modified = etag, last_modified
        return entry

    @functools.cached_property
    def zone(self) -> timezone | None:
        """The site's UTC offset (recheck.site_zone), read from its articles' dates in one pass when
        an article first needs it."""
        rows = self.store.conn.execute(
            f"SELECT url, published FROM articles WHERE {SITE_URLS}", site_params(self.site)
        )
        return site_zone(published for url, published in rows if self._on_site(url))

    def _on_site(self, url: str) -> bool:
        return url.startswith(self.prefixes) or site_of(url) == self.site


class StoredLastmods:
    """The sitemap lastmod of each URL as of its last fetch: the `sitemap_lastmod` table, and the
    `memory` lastmods this run recorded (written to the table with the rows of their pages) or read
    from it last, so that a URL's plan and its page's record ask the table once between them. When the
    table held none of `site`'s URLs as the run began (a first crawl), it is not asked at all: a lastmod
    this run recorded and forgot again only costs its row a second write."""

    def __init__(self, store: Store, memory: int, site: str):
        self.store = store
        self.recorded = RecentDict(memory)
        self.stored = (
            store.conn.execute(
                f"SELECT 1 FROM sitemap_lastmod WHERE {SITE_URLS} LIMIT 1", site_params(site)
            ).fetchone()
            is not None
        )

    def get(self, url: str) -> str | None:
        if url in self.recorded:
            return self.recorded.recall(url)
        if not self.stored:
            return None
        row = self.store.conn.execute("SELECT lastmod FROM sitemap_lastmod WHERE url = ?", (url,)).fetchone()
        lastmod = row[0] if row else None
        self.recorded.keep(url, lastmod)
        return lastmod

    def __setitem__(self, url: str, lastmod: str) -> None:
        self.recorded.keep(url, lastmod)


class StoredFinished:
    """The pages the interrupted crawl `crawl_id` finished: their outcome and the links they led to
    are stored (its frontier entries marked done)."""

    def __init__(self, store: Store, crawl_id: int):
        self.store = store
        self.crawl_id = crawl_id

    def __contains__(self, url: object) -> bool:
        return (
            self.store.conn.execute(
                "SELECT 1 FROM frontier WHERE crawl_id = ? AND url = ? AND done = 1", (self.crawl_id, url)
            ).fetchone()
            is not None
        )
