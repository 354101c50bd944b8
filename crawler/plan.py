"""What a crawl fetches, URL by URL, given what the archive already holds.

The spider asks `CrawlPlan.decide(url)` before requesting a URL it has not requested yet in this run:

- a URL the archive has never captured is fetched;
- a `jcrawl crawl` fetches every URL again (unconditionally);
- a `jcrawl update` fetches sitemaps, feeds and the pages linked from a start page, sitemap or feed
  every run, and other known URLs when the recheck policy (crawler/recheck.py) says they are due,
  with a conditional request;
- a crawl resumed after a kill skips what it already captured (it reads sitemaps and feeds again).

The plan is loaded from the store once, when the spider starts: the last capture of each URL of the
site, the articles' dates, the sitemap `lastmod`s as of each page's last fetch, and the frontier of
the crawl being resumed. It also keeps the `sitemap_lastmod` table current (see `saw_lastmod`).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from scrapy.crawler import Crawler

from crawler.recheck import RecheckPolicy, parse_time, site_zone, youngest_reading
from crawler.seen import SeenSet
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
        known: dict[str, KnownUrl],
        *,
        incremental: bool = False,
        crawl_id: int | None = None,
        policy: RecheckPolicy | None = None,
        lastmods: dict[str, str] | None = None,
        finished: set[str] | None = None,
        now: datetime | None = None,
        memory: int = 200_000,
    ):
        self.known = known
        self.incremental = incremental
        self.crawl_id = crawl_id  # the crawl being resumed, if any
        self.policy = policy
        self.lastmods = lastmods or {}  # sitemap lastmod of each URL as of its last fetch
        # Pages the resumed crawl finished, their links stored: its other captures are fetched again,
        # as a kill may have come after a capture's row was committed and before its page's links were.
        self.finished = finished or set()
        self.now = now or datetime.now(UTC)
        # Lastmods the sitemaps give in this run for pages not done yet, and the URLs whose page this
        # run has finished: the last `memory` of each. One forgotten costs its page a conditional
        # request in the next update.
        self.memory = memory
        self.run_lastmods: OrderedDict[str, str] = OrderedDict()
        self.done = SeenSet(memory)
        self.pending_lastmods: list[tuple[str, str]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, site: str) -> CrawlPlan:
        """The plan for `site`, from the settings JCRAWL_UPDATE, JCRAWL_RESUME and the recheck policy."""
        settings = crawler.settings
        if not settings.get("JCRAWL_ARCHIVE"):  # the spider on its own (tests): every URL is new
            return cls({})
        crawl_id = settings.getint("JCRAWL_RESUME") or None
        # A cluster worker plans from the archive's database (read-only), not its own (crawler/cluster/).
        shared = settings.get("JCRAWL_PLAN_ARCHIVE")
        store = Store(shared, read_only=True) if shared else Store(settings.get("JCRAWL_ARCHIVE"))
        try:
            plan = cls(
                load_known(store, site),
                incremental=settings.getbool("JCRAWL_UPDATE"),
                crawl_id=crawl_id,
                policy=RecheckPolicy.from_settings(settings),
                lastmods=load_lastmods(store, site),
                finished=load_finished(store, crawl_id) if crawl_id else set(),
                memory=settings.getint("JCRAWL_SEEN_MEMORY"),
            )
        finally:
            store.close()
        logger.info(
            "%s of %s: the archive knows %d of its URLs%s",
            "Update" if plan.incremental else "Crawl",
            site,
            len(plan.known),
            f"; resuming crawl #{crawl_id}" if crawl_id else "",
        )
        return plan

    # --- decisions -------------------------------------------------------------------------------
    def decide(self, url: str, *, hub: bool = False, lastmod: str | None = None) -> str | None:
        """FETCH, RECHECK (a conditional request) or None (not this run) for a URL not yet requested.

        `hub`: the link comes from a start page, a sitemap or a feed; `lastmod`: a sitemap's date for it.
        """
        known = self.known.get(url)
        if known is None:
            return FETCH
        if self.crawl_id is not None and known.crawl_id == self.crawl_id:
            # done before the interruption (sitemaps are read again)
            return FETCH if known.xml or url not in self.finished else None
        if not self.incremental or known.xml or (hub and known.born is None):
            return FETCH
        if (lastmod and self._lastmod_changed(url, lastmod, known)) or self._due(known):
            return RECHECK
        return None

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
        """If-None-Match / If-Modified-Since from the validators of the URL's last capture."""
        known = self.known.get(url)
        headers = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers

    # --- sitemap lastmods ------------------------------------------------------------------------
    def saw_lastmod(self, url: str, lastmod: str) -> None:
        """A sitemap gives `url` this lastmod: recorded once the URL's page is done in this run."""
        known = self.known.get(url)
        if url in self.done or (known and self.crawl_id is not None and known.crawl_id == self.crawl_id):
            self._record_lastmod(url, lastmod)
            return
        self.run_lastmods[url] = lastmod
        self.run_lastmods.move_to_end(url)
        if len(self.run_lastmods) > self.memory:
            self.run_lastmods.popitem(last=False)

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


def load_known(store: Store, site: str) -> dict[str, KnownUrl]:
    """The last capture of each URL of `site` in the archive, with its article's date if any."""
    known: dict[str, KnownUrl] = {}
    rows = store.conn.execute(
        "SELECT url, fetched_at, status, crawl_id, content_type, etag, last_modified "
        f"FROM captures WHERE {SITE_URLS} ORDER BY id",
        site_params(site),
    )
    for url, fetched_at, status, crawl_id, content_type, etag, last_modified in rows:
        entry = known.get(url)
        if entry is None:
            if site_of(url) != site:
                continue
            entry = known[url] = KnownUrl(fetched_at, status, crawl_id)
        entry.last_fetch, entry.status, entry.crawl_id = fetched_at, status, crawl_id
        if content_type:  # a 304 has none: the earlier one still describes the page
            entry.xml = "xml" in content_type.lower()
        if etag or last_modified:
            entry.etag, entry.last_modified = etag, last_modified
    articles = [
        row
        for row in store.conn.execute(
            f"SELECT url, published, first_seen FROM articles WHERE {SITE_URLS}", site_params(site)
        )
        if row[0] in known
    ]
    zone = site_zone(published for _, published, _ in articles)
    for url, published, first_seen in articles:
        known[url].born = youngest_reading(published, zone) if published else first_seen
    return known


def load_lastmods(store: Store, site: str) -> dict[str, str]:
    """The sitemap lastmod of each URL of `site`, as of its last fetch."""
    rows = store.conn.execute(
        f"SELECT url, lastmod FROM sitemap_lastmod WHERE {SITE_URLS}", site_params(site)
    )
    return {url: lastmod for url, lastmod in rows if site_of(url) == site}


def load_finished(store: Store, crawl_id: int) -> set[str]:
    """The pages an interrupted crawl finished: their outcome and the links they led to are stored."""
    rows = store.conn.execute("SELECT url FROM frontier WHERE crawl_id = ? AND done = 1", (crawl_id,))
    return {url for (url,) in rows}
