"""Article metadata from `<head>` (meta tags, JSON-LD, links) and from the page's semantic markup.

`read_head` (`head.py`) reads what `<head>` declares; `read_metadata` combines it with the marks
around the article (see `marks.py`) into the record's fields, each chosen by a module of its own:
the title (`title.py`), the credit (`credit.py`, `authors.py`), the dates (`page_dates.py`), the
section and tags (`terms.py`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from crawler.extract import jsonld
from crawler.extract.blocks import Page
from crawler.extract.body import BodyResult
from crawler.extract.credit import pick_credit
from crawler.extract.head import Head, normalise_lang, read_head
from crawler.extract.language import article_language
from crawler.extract.marks import Marks
from crawler.extract.page_dates import pick_dates
from crawler.extract.profile import SiteProfile
from crawler.extract.sitename import site_names
from crawler.extract.terms import pick_terms
from crawler.extract.text import MARKUP, clean_text
from crawler.extract.title import heading_text, pick_title
from crawler.extract.urls import absolutize

# The names callers take from here (`article.py`): what `<head>` declares and the site's own names.
__all__ = [
    "Head",
    "Metadata",
    "headline",
    "pick_image",
    "pick_lead",
    "read_head",
    "read_metadata",
    "site_names",
]

_SPACE_BEFORE_PUNCT: Final = re.compile(r"\s+([,.;:!?])")
_ENTITY: Final = re.compile(r"&(?:#\d{2,6}|#x[0-9a-f]{2,6}|[a-z]{2,8});", re.I)
_META_TITLES: Final = (
    "og:title",
    "twitter:title",
    "citation_title",
    "dc.title",
    "parsely-title",
    "sailthru.title",
)


@dataclass(slots=True)
class Metadata:
    """The record's metadata fields besides the title, as `read_metadata` finds them."""

    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None


def read_metadata(
    head: Head,
    page: Page,
    marks: Marks,
    url: str,
    body: BodyResult,
    sites: list[str],
    profile: SiteProfile | None = None,
    captured: datetime | None = None,
) -> Metadata:
    """Authors, agency credit, dates, section, tags and language of the page whose article body the
    body extractor found as `body`; `sites` are the names the site gives itself (`site_names`);
    `captured` is when the page was served (a relative date counts back from it).

    An agency is the credit, in `authors` too, when no person is named (a wire story).
    """
    start, end = body.start, body.end
    title_pos = _title_position(page, start)
    anchor = title_pos if title_pos >= 0 else max(start, 0)
    authors, agency = pick_credit(head, page, marks, body, anchor, sites)
    published, modified = pick_dates(head, page, marks, url, start, end, anchor, profile, captured)
    section, tags = pick_terms(head, marks, anchor)
    return Metadata(
        authors=authors,
        agency=agency,
        published=published,
        modified=modified,
        section=section,
        tags=tags,
        language=article_language(head.lang, _marked_lang(page, start), body.text),
    )


def headline(head: Head, page: Page, sites: list[str]) -> str | None:
    """The article's title (see `title.py`): needed before the body, which starts after it.

    `sites` are the names the site gives itself (`site_names`).
    """
    ld = head.ld_article or {}
    ld_headline = clean_text(jsonld.text_of(ld.get("headline")))
    meta_titles = [
        t
        for t in (
            ld_headline,
            _unescaped(head.first(*_META_TITLES)),
            clean_text(jsonld.text_of(ld.get("name"))),
        )
        if t
    ]
    h1s = []
    for i in page.h1[:4]:
        b = page.blocks[i]
        if b.region in ("related", "recent") or not b.text:
            continue
        if i and page.blocks[i - 1].owner == b.owner and page.blocks[i - 1].heading == 1:
            continue  # a later line of a heading already taken whole
        text = _whole_heading(page, i)
        h1s.append(heading_text(page.elements[b.owner], text, meta_titles))
        if text != b.text:  # and its first line: the headline when the titles name only that line
            h1s.append(heading_text(page.elements[b.owner], b.text, meta_titles))  # (a byline after it)
    headings = [
        heading_text(page.elements[b.owner], _whole_heading(page, i), meta_titles)
        for i, b in enumerate(page.blocks[:400])
        if b.heading in (2, 3) and b.text and not (i and page.blocks[i - 1].owner == b.owner)
    ][:6]
    return pick_title(meta_titles, _unescaped(head.title), h1s, headings, sites, ld_headline)


def _whole_heading(page: Page, i: int) -> str:
    """The text of the heading whose first line is block `i`: a `<br>` splits a heading into blocks
    ("NSF 2019 in Kansai<br>Security that spots early"), which are one headline."""
    b = page.blocks[i]
    lines = [b.text]
    for nxt in page.blocks[i + 1 : i + 6]:
        if nxt.owner != b.owner or nxt.heading != b.heading:
            break
        if nxt.text:
            lines.append(nxt.text)
    return " ".join(lines)


def _unescaped(text: str | None) -> str | None:
    """A meta tag's or `<title>`'s text with the entities a CMS escaped twice decoded
    ("Council &amp;amp; mayor" reads "Council &amp; mayor" once parsed)."""
    if text and "&" in text and _ENTITY.search(text):
        return html.unescape(text)
    return text


def _title_position(page: Page, body_start: int) -> int:
    """idx of the h1 closest before the body (or the first h1), -1 if the page has none."""
    best = -1
    for i in page.h1:
        owner = page.blocks[i].owner
        if best < 0 or (body_start >= 0 and owner <= body_start):
            best = owner
    return best


# -- language ------------------------------------------------------------------------------------------


def _marked_lang(page: Page, body_start: int) -> str | None:
    """A `lang` attribute on the article's container or one of its ancestors below `<html>`."""
    if body_start < 0 or body_start >= len(page.elements):
        return None
    i = body_start
    while i > 0:
        value = page.elements[i].get("lang")
        if value:
            return normalise_lang(value)
        i = page.parents[i]
    return None


# -- lead and image ------------------------------------------------------------------------------------


def pick_lead(head: Head) -> str | None:
    """The page's own summary: its description (a CMS may leave the dek's links in it: dropped)."""
    ld = head.ld_article or {}
    lead = head.first("og:description", "description", "twitter:description", "dc.description") or clean_text(
        jsonld.text_of(ld.get("description"))
    )
    if lead and "<" in lead:
        lead = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(MARKUP.sub(" ", lead).split()))
    return lead or None


def pick_image(
    head: Head, base: str, root_url: str, page: Page, body_start: int, body_end: int
) -> str | None:
    """The article's picture: og/twitter image, the JSON-LD image or thumbnail (absolute), else the
    first image inside the body (elements `body_start` to `body_end`)."""
    ld = head.ld_article or {}
    for candidate in (
        head.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"),
        jsonld.image_of(ld.get("image")),
        jsonld.image_of(ld.get("thumbnailUrl")),
    ):
        url = absolutize(candidate, base, root_url) if candidate else None
        if url:
            return url
    for idx, src, _alt in page.images:
        if body_start <= idx < body_end:
            return src
    return None
