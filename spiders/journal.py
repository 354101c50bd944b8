"""The `journal` spider: discover a journal's articles and archive every page on the way.

    scrapy crawl journal -a start_url=https://journal.example/
    jcrawl crawl https://journal.example/

Discovery: the start page (home, section, feed or sitemap), the sitemaps named in robots.txt (or
`/sitemap.xml`), RSS/Atom feeds found through `<link rel=alternate>`, and every link on the site's
pages (sections, pagination, previous/next, related and recent-story teasers, links in the text).
Each URL is normalised (tracking parameters and fragments dropped) and requested once.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import AsyncIterator, Coroutine, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from archive.decoding import MAX_DECODED, UndecodableBody, gunzip_head, gzipped
from archive.pages import HTML_TYPES, is_html, mime_type
from crawler import __version__
from crawler import settings as defaults
from crawler.downloadermiddlewares.limits import truncation
from crawler.extract import NAV
from crawler.extract.learn import ProfileLearner
from crawler.extract.profile import SiteProfile
from crawler.extraction_pool import (
    ExtractionPool,
    PageExtraction,
    PageTask,
    extract_for_crawl,
    workers_setting,
)
from crawler.failures import describe, not_an_error
from crawler.frontier import FOUND_ON_KEY, FRONTIER_KEY, RECHECK_KEY, FrontierEntry, frontier_of
from crawler.headers import header, header_values
from crawler.items import ErrorItem, PageItem
from crawler.policy.discovery import (
    FEED_ROOTS,
    SITEMAP_ROOTS,
    entry_fields,
    first_element,
    sitemap_entries,
    sitemap_or_feed,
)
from crawler.policy.economy import LinkPolicy
from crawler.policy.plan import RECHECK, CrawlPlan
from crawler.policy.scope import ScopeLimits, TrapRules
from crawler.policy.seen import SeenSet
from crawler.requests import count_request, settle_request_counts
from crawler.site_profiles import (
    declared_profile,
    same_profile,
    site_profile_learned,
    stored_profile,
    with_declared,
)
from crawler.spidermiddlewares.requisites import FOUND as REQUISITE_URLS
from crawler.urls import may_name_host, normalize_url, site_of

ATOM = "{http://www.w3.org/2005/Atom}"
MAX_SITEMAP_BYTES = MAX_DECODED  # the sitemaps.org limit for one uncompressed file
# Pages that lead to articles go before the site's chrome, so --max-pages spends its budget well.
ARTICLE_PRIORITY = 1
# Sitemaps and feeds go first: their lastmods say which known articles an update must check again.
SITEMAP_PRIORITY = 2


class JournalSpider(scrapy.Spider):
    """Crawl one journal site from a start URL, following links within that site only."""

    name = "journal"

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Build the identifying User-Agent from the contact URL, unless one was set outright."""
        super().update_settings(settings)
        if not settings.get("USER_AGENT"):
            contact = settings.get("JCRAWL_CONTACT_URL")
            settings.set("USER_AGENT", f"journal-crawler/{__version__} (+{contact})", priority="spider")

    def __init__(self, start_url: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        url = normalize_url(start_url or "")
        if url is None:
            raise ValueError(f"start_url must be an http(s) URL, got {start_url!r}")
        self.start_url = url
        self.site = site_of(url)
        # in lower case, and without `www.` as `site`: a link to the bare host is on the site too
        self.host = (urlsplit(url).hostname or "").removeprefix("www.")
        self.allowed_domains = [self.host]
        self._bound_memory(defaults.JCRAWL_SEEN_MEMORY, defaults.JCRAWL_HREF_CACHE)
        # The profile every page of this crawl is extracted with, and what the archive had saved.
        self.saved_profile = self.profile = SiteProfile(name=self.site, hosts=(self.site,))
        self.learner: ProfileLearner | None = None
        self.extraction = ExtractionPool(0)  # in this process; from_crawler sets the crawl's pool
        self.requisites = False  # the workers find each page's requisites too (JCRAWL_REQUISITES)
        self._turn: asyncio.Future | None = None  # done when the last page handed out has left

    def _bound_memory(self, seen: int, hrefs: int, backend: Any = lambda: None) -> None:
        """The spider's memories of URLs, bounded by JCRAWL_SEEN_MEMORY keys and JCRAWL_HREF_CACHE
        links (crawler/policy/seen.py); `backend`: a getter of the crawl's frontier backend."""
        # URLs requested or set aside; beyond memory, the crawl's frontier answers.
        self.seen = SeenSet(seen, backend)
        self.seen.add(self.start_url)
        # The content hashes of the articles found, to tell a new article from a copy.
        self.contents = SeenSet(seen)
        # Links left alone by a rel-based economy rule (counted once); known links not due this run.
        self.skipped = SeenSet(seen)
        self.not_due = SeenSet(seen)
        # href as written (and its base) -> normalised URL: most links repeat on every page.
        self._normalised = functools.lru_cache(maxsize=hrefs)(self._normalise)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> JournalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider._bound_memory(
            settings.getint("JCRAWL_SEEN_MEMORY", defaults.JCRAWL_SEEN_MEMORY),
            settings.getint("JCRAWL_HREF_CACHE", defaults.JCRAWL_HREF_CACHE),
            lambda: frontier_of(crawler),
        )
        spider.traps = TrapRules(ScopeLimits.from_settings(settings))
        spider.links = LinkPolicy.from_settings(settings)
        if settings.get("JCRAWL_ARCHIVE"):
            spider.saved_profile = stored_profile(settings.get("JCRAWL_ARCHIVE"), spider.site)
        declared = declared_profile(settings.get("JCRAWL_SITE_PROFILE") or None, spider.start_url)
        spider.profile = with_declared(spider.saved_profile, declared)
        if settings.getbool("JCRAWL_LEARN_BOILERPLATE"):
            spider.learner = ProfileLearner(spider.profile)
        spider.plan = CrawlPlan.from_crawler(crawler, spider.site)
        spider.extraction = ExtractionPool.acquire(
            workers_setting(settings.getint("JCRAWL_EXTRACT_WORKERS", 0)),
            settings.getint("JCRAWL_GC_THRESHOLD", 0),
            settings.getint("JCRAWL_EXTRACT_BATCH", 1),
            settings.getint("JCRAWL_EXTRACT_WORKERS_AFTER", 0),
        )
        spider.requisites = settings.getbool("JCRAWL_REQUISITES")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not same_profile(self.profile, self.saved_profile):  # a new or changed declared profile
            self._save_profile(self.profile)
        root = f"{urlsplit(self.start_url).scheme}://{urlsplit(self.start_url).netloc}"
        yield self._request(self.start_url, priority=ARTICLE_PRIORITY)
        yield scrapy.Request(
            f"{root}/robots.txt", callback=self.parse_robots, errback=self.robots_failed, dont_filter=True
        )
        # The site's other start URLs (jcrawl update), then what a resumed crawl had left to do.
        for start_url in self.settings.getlist("JCRAWL_START_URLS"):
            url = normalize_url(start_url)
            if url is not None and url not in self.seen:
                self.seen.add(url)
                yield self._request(url, ARTICLE_PRIORITY)

    # --- callbacks -------------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any] | Coroutine[Any, Any, list[Any]]:
        """Any fetched page: record errors, read sitemaps and feeds, extract HTML pages. An HTML page
        goes to the extraction pool once its workers run: then this returns a coroutine (Scrapy awaits
        it; the reactor goes on meanwhile) giving what the page gives. A start page is extracted at
        once: its links lead the crawl."""
        # (the pool counts the HTML pages it is asked for until its workers start: with none, no
        # page is sniffed here)
        pooled = (
            bool(response.meta.get("depth"))
            and self.extraction.workers > 0
            and _html_page(response)
            and self.extraction.ready()
        )
        if not pooled and self._turn is None:  # nothing extracted elsewhere is still owed: at once
            return self._parse(response)
        # Pages leave the spider in the order they came (the order of their WARC records), however
        # fast each is extracted: the store's ids, and which of two copies is the new article, are
        # the same as a one-process crawl (and a reparse) gives.
        previous, self._turn = self._turn, asyncio.get_running_loop().create_future()
        return self._parse_in_turn(response, pooled, previous, self._turn)

    async def _parse_in_turn(
        self, response: Response, pooled: bool, previous: asyncio.Future | None, turn: asyncio.Future
    ) -> list[Any]:
        try:
            page = None
            if pooled:
                headers = _extraction_headers(response)
                learn = self.learner is not None
                # the requisites middleware reads a 2xx page's requisites: found by the worker too
                requisites = self.requisites and 200 <= response.status < 300
                page = await self.extraction.extract(
                    PageTask(response.body, response.url, headers, self.profile, learn, requisites)
                )
                if page.requisites is not None:
                    response.meta[REQUISITE_URLS] = page.requisites
                if page.pid != os.getpid():
                    self.crawler.stats.inc_value("jcrawl/extracted_in_workers")
            if previous is not None:
                await previous
            return list(self._parse(response, page))
        finally:
            turn.set_result(None)
            if self._turn is turn:
                self._turn = None

    def _parse(self, response: Response, page: PageExtraction | None = None) -> Iterator[Any]:
        """What a response gives; `page`: its extraction, if made already."""
        if response.status >= 400:
            retries = response.meta.get("retry_times")
            message = f"HTTP {response.status}" + (f" after {retries} retries" if retries else "")
            yield ErrorItem(response.url, "http", message)
            self._fetched(response.meta, found_article=False)
            return
        if response.status == 304:  # unchanged since the last capture: a revisit, nothing to parse
            if self.plan.is_article(response.url):
                count_request(self.crawler.stats, "article")
            return
        truncated = truncation(response.flags, response.meta)
        if truncated is not None:
            declared = (response.headers.get(b"Content-Length") or b"").decode("latin-1")
            kept = f"kept {len(response.body):,} bytes" + (f" of {declared}" if declared.isdigit() else "")
            yield ErrorItem(response.url, "truncated", f"WARC-Truncated: {truncated}; {kept}")
        if response.status == 200 and not response.body:
            yield ErrorItem(response.url, "empty", "HTTP 200 with an empty body")
            self._fetched(response.meta, found_article=False)
            return
        if page is not None:  # extracted in the pool: `_html_page` classified it already
            yield from self.parse_html(response, page)
            return
        body = response.body
        if gzipped(body):  # a .xml.gz sitemap, served without Content-Encoding
            try:
                body = gunzip_head(body, MAX_SITEMAP_BYTES)
            except UndecodableBody as exc:
                yield ErrorItem(response.url, "gzip", str(exc))
                return
        declared_type = _content_type(response)
        content_type = declared_type.lower()
        first = first_element(body, content_type)
        root = None if first in SITEMAP_ROOTS else sitemap_or_feed(body, content_type)
        if first in SITEMAP_ROOTS or root is not None:
            count_request(self.crawler.stats, "feed")
            if root is None:  # a sitemap, read as a stream
                requests = self.parse_sitemap(first == "sitemapindex", sitemap_entries(body))
            else:
                requests = self.parse_xml(root)
            yield from requests
            return
        # not stylesheets, scripts, JSON, robots.txt, nor a binary body (archive/pages.py)
        if is_html(content_type, response.body):
            if page is None:
                headers = _extraction_headers(response)
                page = extract_for_crawl(
                    response.body, response.url, headers, self.profile, self.learner is not None
                )
            yield from self.parse_html(response, page)
        elif (mime := mime_type(content_type)) in HTML_TYPES:  # a binary body: archived as sent
            yield ErrorItem(
                response.url, "binary", f"HTTP {response.status} {mime} with a binary body: not extracted"
            )
            self._fetched(response.meta, found_article=False)

    def parse_html(self, response: Response, page: PageExtraction) -> Iterator[Any]:
        """What an extracted HTML page gives: its PageItem, then requests for the links to follow."""
        if self.learner is not None:
            self.learner.add(page.observation)
        article = page.article
        for url in (article.url, *article.aliases):
            self.seen.mark(url)
        content = page.measures[1] if page.measures is not None else None
        new = content is not None and content not in self.contents
        if new:
            self.contents.add(content)
        capture = response.meta.get("capture") or {}
        # An identical payload is archived as a revisit record, which holds no body: the article stays
        # with the capture whose record has it.
        capture_id = capture.get("revisit_of") or capture.get("id")
        redirected_from = tuple(response.meta.get("redirect_urls", ()))
        yield PageItem(
            article,
            response.url,
            capture_id,
            capture.get("fetched_at"),
            self.profile.version,
            redirected_from,
            page.measures,
            page.stored_text,
        )
        hub = not response.meta.get("depth")  # a start page: an update fetches the pages it links to
        on_article = article.url if article.is_article else None
        base, links = response.url, article.links
        # Most links (menus, teasers) lead where the crawl went: they are sorted out in two passes over
        # the page's links, without a call of ours per link.
        urls = self._link_urls([link.url for link in links], base)
        for link, url, unseen in zip(links, urls, self.seen.unseen(urls), strict=True):
            if not unseen:
                continue
            priority = 0 if link.kind == NAV else ARTICLE_PRIORITY
            request = self._follow(
                link.url, base, priority, hub=hub, rel=link.rel, article=on_article, url=url
            )
            if request is not None:
                yield request
        yield from self._follow_all(article.feeds, base, SITEMAP_PRIORITY, article=on_article)
        kind = "article" if article.is_article else "listing" if _lists_articles(article) else "other"
        if kind != "other":
            count_request(self.crawler.stats, kind)
        self._fetched(response.meta, found_article=new)

    def parse_xml(self, root: etree._Element) -> Iterator[scrapy.Request]:
        """Sitemaps (urlset, sitemapindex) and RSS/Atom feeds: follow every page they list."""
        kind = etree.QName(root).localname
        if kind in SITEMAP_ROOTS:
            yield from self.parse_sitemap(kind == "sitemapindex", (entry_fields(entry) for entry in root))
            return
        if kind == "feed":
            urls = [
                link.get("href", "")
                for link in root.iter(f"{ATOM}link")
                if link.get("rel", "alternate") == "alternate"
            ]
        else:  # RSS 2.0 and RSS 1.0 (RDF)
            urls = [el.text or "" for el in root.iter() if etree.QName(el).localname == "link" and el.text]
        yield from self._follow_all(urls, None, ARTICLE_PRIORITY, hub=True)

    def parse_sitemap(self, index: bool, entries: Iterable[dict[str, str]]) -> Iterator[scrapy.Request]:
        """A sitemap's `<url>` entries (or a sitemap index's `<sitemap>` entries, if `index`): `<loc>`,
        and `<lastmod>` if known."""
        priority = SITEMAP_PRIORITY if index else ARTICLE_PRIORITY
        for fields in entries:
            if fields.get("loc"):
                lastmod = fields.get("lastmod") or None
                request = self._follow(
                    fields["loc"], None, priority, hub=True, lastmod=lastmod, discovery=index
                )
                if request is not None:
                    yield request

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the sitemaps robots.txt names, or the conventional /sitemap.xml."""
        count_request(self.crawler.stats, "feed")
        sitemaps = []
        if response.status == 200:
            for line in response.body.decode("utf-8", "replace").splitlines():
                name, _, value = line.partition(":")
                if name.strip().lower() == "sitemap" and value.strip():
                    sitemaps.append(value.strip())
        yield from self._follow_all(
            sitemaps or [response.urljoin("/sitemap.xml")], response.url, SITEMAP_PRIORITY, discovery=True
        )

    def robots_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        yield from self._follow_all(["/sitemap.xml"], self.start_url, SITEMAP_PRIORITY, discovery=True)

    def failed(self, failure: Failure) -> Iterator[ErrorItem]:
        """A request that got no usable response: network errors, redirect loops, size limits."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        reason = not_an_error(failure)
        if reason == "robots":  # disallowed: not an error, just out of bounds
            self.crawler.stats.inc_value("jcrawl/robots_disallowed")
        if reason:
            return
        if request is not None:
            self._fetched(request.meta, found_article=False)
        yield ErrorItem(url, *describe(failure))

    def closed(self, reason: str) -> None:
        """Hand the profile this crawl ends with (declared, plus what the learner found) to the store
        pipeline, which saves it as the site's next version if it differs from the saved one (what
        was learned only as far as the site's whole archive supports it).

        A cluster worker's crawl saves only when it finishes its site: one stopped before (a signal, a
        lost lease) leaves what was learned in Redis for the worker that finishes the site, which saves
        the profile from every worker's pages (crawler/cluster/learning.py).

        Runs on spider_closed before the WARC writer and the pipeline close (they connect later).
        """
        settle_request_counts(self.crawler.stats)
        self.extraction.release()
        if not self._finishes_site(reason):
            return
        if self.learner is not None:  # the pipeline keeps what the site's archive supports
            self._save_profile(self.learner)
        elif not same_profile(self.profile, self.saved_profile):
            self._save_profile(self.profile)

    def _finishes_site(self, reason: str) -> bool:
        """Whether a crawl closing for `reason` is done with its site: a crawl of its own always is; a
        cluster worker's only when the site has no work left (not when stopped or its lease lost)."""
        if not self.settings.get("JCRAWL_CLUSTER_SITE"):
            return True
        from crawler.cluster.sites import FINISHED  # only a cluster worker's crawl loads the cluster

        return reason in FINISHED

    def _save_profile(self, profile: SiteProfile | ProfileLearner) -> None:
        """Have the store pipeline save `profile` (or what a learner learned) as the site's next
        version (and re-extract the site's older articles with it); from then on it is the profile
        this crawl extracts with."""
        results = self.crawler.signals.send_catch_log(site_profile_learned, site=self.site, profile=profile)
        saved = next((r for _, r in results if isinstance(r, SiteProfile)), None)
        if saved is not None:
            self.profile = self.saved_profile = saved
            if self.learner is not None:
                self.learner = ProfileLearner(saved)

    # --- following links -------------------------------------------------------------------------
    def _follow_all(
        self,
        urls: Iterable[str],
        base: str | None,
        priority: int,
        hub: bool = False,
        discovery: bool = False,
        article: str | None = None,
    ) -> Iterator[scrapy.Request]:
        for url in urls:
            request = self._follow(url, base, priority, hub=hub, discovery=discovery, article=article)
            if request is not None:
                yield request

    def _follow(
        self,
        href: str,
        base: str | None,
        priority: int,
        hub: bool = False,
        lastmod: str | None = None,
        rel: str = "",
        article: str | None = None,
        discovery: bool = False,
        url: str | None = None,
    ) -> scrapy.Request | None:
        """A request for `href` if it is on this site, in scope (crawler/policy/economy.py), not yet requested
        and due (crawler/policy/plan.py).

        `hub`: the link is on a start page, a sitemap or a feed; `lastmod`: a sitemap's date for it;
        `rel`: the link's rel tokens; `article`: the article page it is on; `discovery`: robots.txt's
        sitemaps, a sitemap index's sitemaps and the feeds a page declares; `url`: the link already
        normalised (`_link_url`), not normalised again.
        """
        url = url or self._link_url(href, base)
        if url is None:
            return None
        if lastmod is not None:
            self.plan.saw_lastmod(url, lastmod)
        if url in self.seen:
            return None
        skip = self.links.skip(url, rel, article, discovery=discovery or priority == SITEMAP_PRIORITY)
        if skip is not None:
            if skip == "nofollow":  # another link to it may be followed: counted once, not marked seen
                if url not in self.skipped:
                    self.skipped.add(url)
                    self.crawler.stats.inc_value(f"jcrawl/skipped/{skip}")
                return None
            self.seen.mark(url)
            self.crawler.stats.inc_value(f"jcrawl/skipped/{skip}")
            return None
        # Known and not due: not marked seen, as a sitemap lastmod may make it due; nor decided again
        # for each page that links to it.
        if lastmod is None and (url, hub) in self.not_due:
            return None
        decision = self.plan.decide(url, hub=hub, lastmod=lastmod)
        if decision is None:
            if lastmod is None:
                self.not_due.add((url, hub))
            return None
        rule = self.traps.check(url)
        if rule is not None:
            self.seen.mark(url)
            self.crawler.stats.inc_value(f"jcrawl/trap/{rule}")
            self.logger.debug("Not following %s: crawler trap rule %s", url, rule)
            return None
        self.seen.add(url)
        return self._planned(url, priority, decision == RECHECK, found_on=base)

    def _link_url(self, href: str, base: str | None) -> str | None:
        """`_link_urls` of one link."""
        return self._link_urls([href], base)[0]

    def _link_urls(self, hrefs: list[str], base: str | None) -> list[str | None]:
        """The normalised URL of each of `hrefs`, links found on the page `base` (None for one that
        leaves the site), through the cache (an absolute href cached without its page: the same link
        on every page is one entry). One call for a page's links."""
        normalised = self._normalised
        return [normalised(href, None if href.startswith(_ABSOLUTE) else base) for href in hrefs]

    def _normalise(self, href: str, base: str | None) -> str | None:
        """The normalised URL of a link, None if it leaves the site (cached: see `_bound_memory`)."""
        if base is None and not may_name_host(href, self.host):  # most links elsewhere: not normalised
            return None
        url = normalize_url(href, base)
        return url if url is not None and site_of(url) == self.site else None

    def _planned(self, url: str, priority: int, recheck: bool, found_on: str | None = None) -> scrapy.Request:
        """A request for a followed link (found on the page `found_on`); a recheck of a known page is
        conditional."""
        request = self._request(url, priority)
        request.meta["jcrawl_pattern_url"] = url  # kept through redirects and retries
        if found_on is not None:
            request.meta[FOUND_ON_KEY] = found_on
        if recheck:
            request.headers.update(self.plan.conditional_headers(url))
            request.meta[RECHECK_KEY] = True
        return request

    def frontier_request(self, entry: FrontierEntry) -> scrapy.Request:
        """A request an interrupted crawl had made, made again as it was (crawler/frontier/scheduler.py)."""
        request = self._planned(entry.url, entry.priority, entry.recheck, entry.found_on)
        request.meta["depth"] = entry.depth
        request.meta[FRONTIER_KEY] = entry.url
        return request

    def _fetched(self, meta: dict[str, Any], found_article: bool) -> None:
        """Tell the trap rules what a followed link gave (the start URL and robots.txt are not charged):
        a new article gives the page that led to it its fetch back."""
        if "jcrawl_pattern_url" in meta:
            self.traps.fetched(meta["jcrawl_pattern_url"], found_article)
        if found_article and FOUND_ON_KEY in meta:
            self.traps.led_to_article(meta[FOUND_ON_KEY])

    def _request(self, url: str, priority: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse, errback=self.failed, priority=priority)


_ABSOLUTE = ("http://", "https://")
_XML_ROOTS = SITEMAP_ROOTS | FEED_ROOTS  # sitemaps and feeds: never extracted as pages


def _html_page(response: Response) -> bool:
    """True for a response `_parse` extracts as an HTML page (the same tests, cheaply: a page this
    misses is extracted at once, in the crawler's process)."""
    if response.status >= 400 or response.status == 304 or not response.body or gzipped(response.body):
        return False
    content_type = _content_type(response).lower()
    if first_element(response.body, content_type) in _XML_ROOTS:
        return False
    return is_html(content_type, response.body)


def _content_type(response: Response) -> str:
    """The response's Content-Type header as sent ("" if none)."""
    return (header(response.headers, b"Content-Type") or b"").decode("latin-1")


def _extraction_headers(response: Response) -> dict[str, str]:
    """The headers extraction reads: Content-Type, and Date (when the page was served: a relative
    date such as "3 hours ago" counts back from it). A reparse reads the same from the WARC."""
    dates = header_values(response.headers, b"Date")  # the first of several, as the WARC's reader takes it
    date = dates[0].decode("latin-1") if dates else ""
    return {"Content-Type": _content_type(response), "Date": date}


def _lists_articles(page: Any) -> bool:
    """A page that is not an article but links to articles: a home, section, archive or pagination page."""
    return any(link.kind == "listing" for link in page.links)
