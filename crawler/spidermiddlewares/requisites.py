"""Page requisites: what a page needs to replay as it looked (stylesheets and what they import,
scripts, images, fonts), fetched once per crawl so that the archive holds them beside the page.

`RequisitesMiddleware` (a spider middleware) reads each HTML page the spider parsed and each
stylesheet it fetched for the URLs they need, and requests those not requested yet in this crawl.
Their responses are archived like any other (a requisite the archive already holds, byte for byte,
becomes a revisit record, archive/revisit.py) and never extracted as pages. Requisites on the
crawl's own site are fetched by default; other hosts (CDNs) only when JCRAWL_REQUISITE_HOSTS lists
them (a host matches itself and its subdomains); JCRAWL_REQUISITES = False turns them off.

The page is scanned for the tags and attributes that name requisites, not parsed again: `<link
rel=stylesheet|icon|preload>`, `<script src>`, `<img src srcset>` and the lazy-loading `data-src`,
`data-srcset`, `data-lazy-src`, `data-original`, `<source src srcset>` (`<picture>`), `<video
poster>`, `<input type=image>`, and `url(...)` in `<style>` blocks and `style` attributes.
Stylesheets add their `@import`s and `url(...)`s (fonts, background images).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.pages import is_html, mime_type
from crawler import requests as request_kinds
from crawler.failures import describe
from crawler.items import ErrorItem
from crawler.urls import site_of

# request.meta key: this request fetches a requisite.
REQUISITE = "jcrawl_requisite"
# Requisites go after the pages that lead to articles (1) and with the site's chrome (0).
PRIORITY = 0
SCAN_BYTES = 2_000_000  # of a page or stylesheet; requisites are named near the top of the markup

# Matched against the page lower-cased (bytes.lower keeps every offset), which is several times faster
# than case-insensitive patterns; what a match captures is read from the page as it is.
_TAG = re.compile(rb"<(link|script|img|source|video|input|body|table|td)\b([^>]*)>")
_STYLE_ATTRIBUTE = re.compile(rb"""\sstyle\s*=\s*("[^"]*url\([^"]*"|'[^']*url\([^']*')""")
_ATTRIBUTE = re.compile(rb"""([a-zA-Z_:][-\w:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_STYLE_BLOCK = re.compile(rb"<style\b[^>]*>(.*?)</style\s*>", re.S)
_CSS_URL = re.compile(rb"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(rb"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)
_BASE = re.compile(rb"""<base\b[^>]*\bhref\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_LINK_RELS = frozenset({"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload"})
_PRELOAD_AS = frozenset({"style", "script", "image", "font", ""})
_SOURCE_ATTRIBUTES = (b"src", b"data-src", b"data-lazy-src", b"data-original")
_SRCSET_ATTRIBUTES = (b"srcset", b"data-srcset", b"data-lazy-srcset")


def page_requisites(body: bytes, url: str) -> list[str]:
    """The absolute URLs of what an HTML page needs to display, in page order, each once."""
    data = body[:SCAN_BYTES]
    lowered = data.lower()
    base_match = _BASE.search(lowered)
    base = urljoin(url, _text(data[slice(*base_match.span(1))])) if base_match else url
    found: list[str] = []
    for tag_match in _TAG.finditer(lowered):
        found += _tag_requisites(tag_match.group(1), _attributes(data[slice(*tag_match.span(2))]))
    if b"url(" in lowered:  # what a style attribute can load
        for style_match in _STYLE_ATTRIBUTE.finditer(lowered):
            style = data[slice(*style_match.span(1))]
            found += css_urls(html.unescape(style.decode("utf-8", "replace")).encode("utf-8"))
    for block_match in _STYLE_BLOCK.finditer(lowered):
        found += css_urls(data[slice(*block_match.span(1))])
    return _absolute(found, base)


def _attributes(text: bytes) -> dict[bytes, str]:
    """A tag's attributes: lower-cased name -> value (unquoted, entities decoded)."""
    return {name.lower(): _text(value) for name, value in _ATTRIBUTE.findall(text)}


def _tag_requisites(tag: bytes, attributes: dict[bytes, str]) -> list[str]:
    if tag == b"link":
        rels = set(attributes.get(b"rel", "").lower().split())
        if rels & {"preload", "modulepreload"}:  # only what a page displays, not data it fetches
            wanted = attributes.get(b"as", "").lower() in _PRELOAD_AS
        else:
            wanted = bool(rels & _LINK_RELS)
        return [attributes[b"href"]] if wanted and b"href" in attributes else []
    if tag == b"script":
        return [attributes[b"src"]] if b"src" in attributes else []
    if tag == b"video":
        return [attributes[b"poster"]] if b"poster" in attributes else []
    if tag == b"input":
        wanted = attributes.get(b"type", "").lower() == "image" and b"src" in attributes
        return [attributes[b"src"]] if wanted else []
    if tag in (b"body", b"table", b"td"):
        return [attributes[b"background"]] if b"background" in attributes else []
    if tag not in (b"img", b"source"):
        return []
    urls = [attributes[name] for name in _SOURCE_ATTRIBUTES if name in attributes]
    for name in _SRCSET_ATTRIBUTES:
        if name in attributes:
            urls += srcset_urls(attributes[name])
    return urls


def srcset_urls(srcset: str) -> list[str]:
    """The image URLs of a `srcset` value ("a.jpg 1x, b.jpg 2x")."""
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.split()]


def css_urls(css: bytes) -> list[str]:
    """What a stylesheet (or style attribute) loads: `@import`s and `url(...)`s, relative as written."""
    found = [_text(next(g for g in match if g)) for match in _CSS_IMPORT.findall(css) if any(match)]
    found += [_text(next((g for g in match if g), b"")) for match in _CSS_URL.findall(css)]
    return [url for url in found if url]


def stylesheet_requisites(body: bytes, url: str) -> list[str]:
    """The absolute URLs a stylesheet loads."""
    return _absolute(css_urls(body[:SCAN_BYTES]), url)


def _text(value: bytes) -> str:
    return html.unescape(value.strip(b"\"'").decode("utf-8", "replace")).strip()


def _absolute(urls: Iterable[str], base: str) -> list[str]:
    seen: dict[str, None] = {}
    for url in urls:
        if not url or url.startswith(("data:", "javascript:", "about:", "blob:", "#")):
            continue
        absolute = urljoin(base, url).split("#", 1)[0]
        if urlsplit(absolute).scheme in ("http", "https"):
            seen.setdefault(absolute)
    return list(seen)


class RequisitesMiddleware:
    """Spider middleware: requests for each parsed page's requisites, once per crawl (see the module).

    It sits nearer the engine than the frontier (crawler/frontier.py), so requisites are not part of
    the persisted frontier: a resumed crawl fetches the requisites of the pages it fetches again.
    """

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        hosts = settings.getlist("JCRAWL_REQUISITE_HOSTS")
        self.hosts = tuple(h.strip().lower().lstrip(".") for h in hosts if h.strip())
        self.requested: set[bytes] = set()  # 8-byte digests of the URLs requested (memory stays small)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequisitesMiddleware:
        if not crawler.settings.getbool("JCRAWL_REQUISITES"):
            raise NotConfigured
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from result
        yield from self._requisites_of(response)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            yield output
        for request in self._requisites_of(response):
            yield request

    def _requisites_of(self, response: Response) -> Iterator[Request]:
        """Requests for the requisites of a page the spider parsed (a 2xx HTML page, not a requisite)."""
        if response.meta.get(REQUISITE) or not 200 <= response.status < 300:
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if is_html(content_type, response.body):
            yield from self._requests(page_requisites(response.body, response.url), response.url)

    def _requests(self, urls: list[str], referer: str) -> Iterator[Request]:
        site = getattr(self.crawler.spider, "site", None)
        for url in urls:
            if site_of(url) != site and not self._allowed_host(url):
                continue
            key = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest()
            if key in self.requested:
                continue
            self.requested.add(key)
            request_kinds.count_request(self.crawler.stats, request_kinds.REQUISITE)
            yield Request(
                url,
                callback=self.requisite_fetched,
                errback=self.requisite_failed,
                priority=PRIORITY,
                headers={"Referer": referer},
                meta={REQUISITE: True, "allow_offsite": True},
                dont_filter=True,  # requested once by the digests above; a page may share its URL
            )

    def _allowed_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == allowed or host.endswith("." + allowed) for allowed in self.hosts)

    def requisite_fetched(self, response: Response) -> Iterator[Any]:
        """A requisite is archived (the WARC writer did that); a stylesheet adds what it loads."""
        if response.status >= 400:
            yield ErrorItem(response.url, "http", f"HTTP {response.status} (a page requisite)")
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if mime_type(content_type) == "text/css" or (not content_type and response.url.endswith(".css")):
            # what a stylesheet loads is asked for with the stylesheet as Referer, as browsers do
            yield from self._requests(stylesheet_requisites(response.body, response.url), response.url)

    def requisite_failed(self, failure: Failure) -> Iterator[ErrorItem]:
        request = getattr(failure, "request", None)
        message = str(failure.value) or failure.type.__name__
        if request is None or "robots.txt" in message:
            return
        kind, message = describe(failure)
        yield ErrorItem(request.url, kind, f"{message} (a page requisite)")
