"""Who the record credits: the authors `authors.py` picks from JSON-LD, the byline and the author meta
tags (the site's and publisher's names excluded), and a wire agency, which is the credit when no
person is named."""

from __future__ import annotations

import re
from typing import Final

from crawler.extract import jsonld
from crawler.extract.agency import agency_in_byline
from crawler.extract.authors import name_key, pick_authors
from crawler.extract.blocks import Page
from crawler.extract.body import BodyResult
from crawler.extract.head import Head
from crawler.extract.marks import Marks
from crawler.extract.sitename import publisher

_META_AUTHORS: Final = (
    "citation_author",
    "dc.creator",
    "author",
    "article:author",
    "og:article:author",
    "parsely-author",
    "sailthru.author",
    "byl",
    "dcterms.creator",
    "cxenseparse:author",  # Piano/cXense's content tags
)
# Yoast SEO's and Slack's label/value pairs ("twitter:label1" "Written by", "twitter:data1" the name),
# in the languages Yoast ships.
_WRITTEN_BY: Final = re.compile(
    r"^\s*(?:written by|author|by|geschrieben von|verfasst von|escrito por|écrit par|scritto da|"
    r"geschreven door|napisane przez|skrevet av|skrevet af|skrivet av|autor|auteur)\s*:?\s*$",
    re.I,
)


def pick_credit(
    head: Head, page: Page, marks: Marks, body: BodyResult, anchor: int, sites: list[str]
) -> tuple[list[str], str | None]:
    """(authors, agency) of the article whose body is `body`, its byline next to `anchor` (the
    headline's position); `sites` are the names the site gives itself (`site_names`)."""
    start, end = body.start, body.end
    ld = head.ld_article or {}
    not_authors = ({name_key(s) for s in sites} | {name_key(publisher(head))}) - {""}
    # each tag's values together: scholarly pages give one `citation_author` tag per author; the
    # Person nodes JSON-LD refers to are a CMS's user accounts, as (un)sure as a meta tag
    meta_authors = [jsonld.referenced_people(ld.get("author"), head.ld_objects)]
    meta_authors += [head.meta[k] for k in _META_AUTHORS if k in head.meta] + [_labelled_authors(head)]
    authors, agency = pick_authors(ld, meta_authors, marks, page, anchor, not_authors, start)
    agency = agency or body.agency or byline_agency(page, start, end)
    if not authors and agency:
        authors = [agency]
    return authors, agency


def _labelled_authors(head: Head) -> list[str]:
    """The values of `twitter:dataN` tags whose `twitter:labelN` reads "Written by"."""
    out = []
    for n in range(1, 5):
        label, value = head.first(f"twitter:label{n}"), head.first(f"twitter:data{n}")
        if label and value and _WRITTEN_BY.match(label):
            out.append(value)
    return out


def byline_agency(page: Page, body_start: int, body_end: int) -> str | None:
    """An agency credited in a short meta line near the article (before it, or right after it)."""
    if body_start < 0:
        return None
    for b in page.blocks:
        if not (b.owner < body_start or body_end <= b.owner < body_end + 40):
            continue
        if b.region in ("related", "recent") or not b.text or len(b.text) > 200:
            continue
        credit = agency_in_byline(b.text)
        if credit:
            return credit
    return None
