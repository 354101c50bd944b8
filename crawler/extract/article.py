"""`extract_article`: bytes of one page -> a clean `Article` with typed links. Pure and total."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from archive.pages import looks_binary
from crawler.extract import jsonld
from crawler.extract.blocks import Page, walk_page
from crawler.extract.body import BodyResult, extract_body
from crawler.extract.embedded import best_embedded, parse_fragment
from crawler.extract.encoding import decode_html
from crawler.extract.links import type_links
from crawler.extract.marks import collect
from crawler.extract.metadata import (
    Head,
    headline,
    pick_image,
    pick_lead,
    read_head,
    read_metadata,
    site_names,
)
from crawler.extract.model import Article
from crawler.extract.profile import SiteProfile
from crawler.extract.relative import capture_time
from crawler.extract.urls import choose_permalink, declared_addresses, site_root

logger = logging.getLogger(__name__)
MAX_BYTES = 5_000_000  # parse at most this much of a page; articles never need more
# WordPress-style <body> classes (whole tokens: "global-search-disable" says nothing).
_LISTING_BODY_TOKENS = frozenset(
    ("home", "archive", "category", "tag", "search", "search-results", "blog", "paged", "author", "date")
) | {"error404"}
# Prose size (text.text_size) below which a body is scraps, or a one-line notice under a headline.
_SCRAP, _BRIEF = 150, 100
_HOME_PATHS = frozenset(("", "/", "/index.html", "/index.htm", "/index.php"))
_ARTICLE_BODY_TOKENS = frozenset(("single", "single-post", "article", "story", "single-article"))
# How CMSs mark a static page (About, Contact, a charter), not a post: WordPress' `page-id-N` and
# `page-template-default` body classes and `type-page` post class, Ghost's `page-template` body class,
# Drupal's `page-node-type-page` (7: `node-type-page`); schema.org's AboutPage and ContactPage.
_STATIC_PREFIXES = ("page-id-", "page-template")
_STATIC_TOKENS = frozenset(("page-node-type-page", "node-type-page"))
_STATIC_TYPES = frozenset(("AboutPage", "ContactPage"))


@dataclass(slots=True)
class Extraction:
    """An Article plus the intermediate results the site-profile learner reads (see `learn.py`)."""

    article: Article
    page: Page | None = None
    body: BodyResult = field(default_factory=BodyResult)


def extract_article(
    body: bytes, url: str, headers: Mapping[str, str] | None = None, profile: SiteProfile | None = None
) -> Article:
    """Turn one fetched page into a clean Article record.

    `body` is the raw (decompressed) response body, `url` the URL it was fetched from, `headers` the
    response headers (Content-Type, and Date: the moment a relative date such as "3 hours ago" counts
    back from), `profile` the site's declared/learned profile.
    Pure and deterministic; never raises: a page that is not an article (or not HTML at all)
    returns `Article(url=..., is_article=False)` with whatever links it has.
    """
    return extract_page(body, url, headers, profile).article


def extract_page(
    body: bytes, url: str, headers: Mapping[str, str] | None = None, profile: SiteProfile | None = None
) -> Extraction:
    """Like `extract_article`, also returning the parsed blocks (for `learn.ProfileLearner`)."""
    try:
        return _extract(body, url, headers, profile)
    except Exception as exc:  # a record that says "not an article" beats a crashed crawl
        # ...but said, in one line: it is a bug (e.g. a value of a type the compiled modules refuse)
        logger.warning(
            "Extraction failed on %s (%s: %.200s); recorded as not an article", url, type(exc).__name__, exc
        )
        return Extraction(Article(url=url if isinstance(url, str) else ""))


# One parser for every page: lxml resets its libxml2 context before each document, and locks it while
# it parses (a thread that shares it waits); a parser made for each page cost about 40,000 instructions.
# (collect_ids: no lookup by id attribute is ever made, so libxml2 need not index them)
_PARSER = etree.HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    recover=True,
    collect_ids=False,
)


def _parse(text: str, raw: bytes | None = None):
    """lxml tree of the decoded page, parsed from UTF-8 (libxml2 parses bytes faster than str).

    `raw` is the page's own bytes when they are exactly `text` in UTF-8, which saves encoding it again.
    """
    if raw is None or b"\x00" in raw:
        if "\x00" in text:
            text = text.replace("\x00", "")
        raw = None
    try:
        return etree.fromstring(raw or text.encode("utf-8", "surrogatepass"), _PARSER)
    except (etree.ParserError, ValueError, UnicodeEncodeError):
        return None


def _extract(body: bytes, url: str, headers: Mapping | None, profile: SiteProfile | None) -> Extraction:
    url = url if isinstance(url, str) else ""
    if isinstance(body, str):
        body = body.encode("utf-8", "replace")
    data = bytes(body[:MAX_BYTES]) if body else b""
    if looks_binary(data):  # not a page, whatever its type said: no text to take from it
        return Extraction(Article(url=url))
    truncated = len(body or b"") > MAX_BYTES
    text, exact = decode_html(data, headers, truncated=truncated)
    blank = not text or text.isspace()
    root = None if blank else _parse(text, data if exact else None)
    if root is None:
        return Extraction(Article(url=url))

    head = read_head(root, url, site_root(url))
    base, base_root = head.base, head.base_root
    page = walk_page(root, base, base_root)
    marks = collect(root, page)
    sites = site_names(head, marks)  # read by the title and the author pickers
    title = headline(head, page, sites)

    drop, keep = _profile_elements(root, page, profile)
    article_body = (head.ld_article or {}).get("articleBody")
    if not isinstance(article_body, str):  # JSON-LD may hold any JSON; compiled callees take a str only
        article_body = None
    lead = pick_lead(head)
    result = extract_body(
        page, title, drop=drop, keep=keep, profile=profile, article_body=article_body, summary=lead
    )
    if page.embedded or article_body:
        result = _embedded_body(page, result, article_body, title, base, base_root)

    meta = read_metadata(head, page, marks, url, result, sites, profile, capture_time(headers))

    canonical = head.canonical
    permalink = choose_permalink(
        url, canonical, *declared_addresses(head.first("og:url"), head.ld_article, head.shortlink, base)
    )
    is_article = _is_article(head, page, result, meta.published, url, profile)
    links = type_links(page, result, is_article, url)
    if not lead and result.blocks:
        first = next((page.blocks[i].text for i in result.blocks if page.blocks[i].text), "")
        lead = first[:500] or None

    article = Article(
        url=permalink.url,
        aliases=list(permalink.aliases),
        is_article=is_article,
        title=title,
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        section=meta.section,
        tags=meta.tags,
        language=meta.language,
        agency=meta.agency,
        lead=lead,
        body=result.text if is_article else "",
        body_html=result.html if is_article else "",
        top_image=pick_image(head, base, base_root, page, result.start, result.end),
        canonical_url=canonical,
        links=links,
        feeds=head.feeds,
    )
    return Extraction(article, page, result)


def _embedded_body(
    page: Page, visible: BodyResult, article_body, title: str | None, base: str, root_url: str
) -> BodyResult:
    """`visible`, or the text of a template, JSON state or JSON-LD articleBody holding much more."""

    def render(fragment: str) -> tuple[str, str, int]:
        root = parse_fragment(fragment)
        if root is None:
            return "", "", 0
        found = extract_body(walk_page(root, base, root_url), title)
        return found.text, found.html, found.good_chars

    best = best_embedded(page.embedded, article_body, visible.good_chars if visible.text else 0, render)
    if best is None:
        return visible
    text, html, size = best
    return BodyResult(
        start=visible.start, end=visible.end, text=text, html=html, agency=visible.agency, good_chars=size,
        under_headline=visible.under_headline, paragraphs=text.count("\n\n") + 1,
    )  # fmt: skip


def _profile_elements(root, page: Page, profile: SiteProfile | None) -> tuple[set[int] | None, int]:
    """idx of elements the profile's drop selectors match, and of the first keep-selector match (-1)."""
    if profile is None or not (profile.drop_xpaths or profile.keep_xpaths):
        return None, -1
    index = {el: i for i, el in enumerate(page.elements)}
    drop: set[int] = set()
    for xp in profile.drop_xpaths:
        for el in xp(root):
            i = index.get(el)
            if i is not None:
                drop.add(i)
    keep = -1
    for xp in profile.keep_xpaths:
        for el in xp(root):
            i = index.get(el)
            if i is not None:
                keep = i
                break
        if keep >= 0:
            break
    return drop or None, keep


def _is_article(
    head: Head, page: Page, body: BodyResult, published: str | None, url: str, profile: SiteProfile | None
) -> bool:
    """Article vs listing/home/static page: declared types, CMS body classes, the page's shape.

    Each is evidence with a weight; none decides alone (a profile's article URL pattern aside).
    """
    if not body.text:
        return False
    if profile is not None and profile.article_res and profile.matches_article_url(url):
        return True
    score = 0
    ld_article = head.ld_article is not None
    if ld_article:
        score += 3
    elif jsonld.has_type(head.ld_objects, jsonld.LISTING_TYPES):
        score -= 2
    og_type = (head.first("og:type") or "").lower()
    if og_type.startswith("article"):
        score += 2
    elif og_type in ("website", "profile", "product") and not ld_article:
        score -= 1
    tokens = (
        set((page.elements[page.body_idx].get("class") or "").lower().split()) if page.elements else set()
    )
    if tokens & _ARTICLE_BODY_TOKENS or any(t.startswith(("postid-", "post-template")) for t in tokens):
        score += 2
    if tokens & _LISTING_BODY_TOKENS:
        score -= 2  # (not a verdict: Pelican's notmyidea theme has <body class="home"> on every page)
    if len(page.article_tags) >= 3 and sum(body.start <= i < body.end for i in page.article_tags) >= 3:
        score -= 2  # the text is a run of <article> teasers
    if published:
        score += 1
    if _static_page(head, page, tokens):  # About, Contact: not a post, all the more when undated
        score -= 3 if published else 6
    if _headline_links_away(page, body, {url, head.canonical}):
        score -= 3  # the text sits under a headline linking to another page: an excerpt on a listing
    if urlsplit(url).path in _HOME_PATHS:
        score -= 2  # the site's front page (a one-story home page of a demo domain, a splash page)
    if body.under_headline:  # a headline with its text under it, a run of paragraphs: a story's shape
        score += 2 if body.paragraphs >= 3 else 1
    if body.good_chars >= 1500:
        score += 2
    elif body.good_chars >= 500:
        score += 1
    elif body.good_chars < (_BRIEF if body.under_headline else _SCRAP):
        score -= 2  # a few lines (a brief under its headline is a story; one notice line is not)
    return score >= 1


def _static_page(head: Head, page: Page, body_tokens: set[str]) -> bool:
    """The CMS marks the page as one of the site's static pages rather than a post."""
    if body_tokens & _STATIC_TOKENS or any(t.startswith(_STATIC_PREFIXES) for t in body_tokens):
        return True
    if any("type-page" in (page.elements[i].get("class") or "").lower().split() for i in page.article_tags):
        return True
    return head.ld_article is None and jsonld.has_type(head.ld_objects, _STATIC_TYPES)


def _headline_links_away(page: Page, body: BodyResult, own: set[str | None]) -> bool:
    """True when the heading nearest above the text is a link to another page: a tag, author or
    category page showing one post's excerpt (or the whole post) under the post's linked title."""
    first = next((i for i in body.blocks if page.blocks[i].text), -1)
    if first < 0:
        return False
    for i in range(first, max(-1, first - 12), -1):
        block = page.blocks[i]
        if not block.heading or block.heading > 3 or not block.text:
            continue
        if block.link_len < 0.6 * len(block.text):
            return False
        targets = {a.url.split("#")[0] for a in page.anchors if a.block == i}
        return bool(targets) and not targets & own
    return False
