"""The names a site gives itself (og:site_name, JSON-LD, its home link, feed titles) and its
publisher's: never the article's title, never its author."""

from __future__ import annotations

import re
from typing import Final

from crawler.extract import jsonld
from crawler.extract.head import Head
from crawler.extract.marks import Marks, text_of
from crawler.extract.text import clean_text
from crawler.extract.title import key

_SITE_TITLE: Final = re.compile(r"\bsite-(?:title|name)\b")
_FEED_WORDS: Final = re.compile(r"(?:\s*\b(?:rss|atom|json|feed|comments|2\.0)\b)+\s*$", re.I)


def site_names(head: Head, marks: Marks) -> list[str]:
    """Names the site gives itself: og:site_name, JSON-LD WebSite/Organization, its home link, feed titles.

    (Not `application-name`: some CMSs put the page's title there. Not the `twitter:site` handle: an
    account, on a personal blog the author's own.)
    """
    names: list[str] = []
    names.extend(head.meta.get("og:site_name", []))
    for obj in head.ld_objects:
        if jsonld.types_of(obj) & {"WebSite", *jsonld.ORGANIZATION_TYPES}:
            name = jsonld.text_of(obj.get("name"))
            if name:
                names.append(name)
    name = publisher(head)
    if name:
        names.append(name)
    for mark in marks.items:
        if (mark.tag == "a" and "home" in mark.rel.split()) or _SITE_TITLE.search(mark.el.get("class") or ""):
            name = text_of(mark.el)
            if name and len(name) < 80:
                names.append(name)
    for title in head.feed_titles:  # "Journal » Feed", "Journal - Comments Feed", "Journal Atom Feed"
        part = _FEED_WORDS.sub("", re.split(r"\s+[»|\-–—:]\s+", title)[0]).strip()
        if part:
            names.append(part)
    out: list[str] = []
    page_title = key(head.title)
    for name in names:
        name = clean_text(" ".join(name.split()))
        if (
            name and name not in out and key(name) != page_title
        ):  # a theme's "site title" box showing the post's
            out.append(name)
    return out


def publisher(head: Head) -> str | None:
    """The name of the JSON-LD article's publisher."""
    pub = (head.ld_article or {}).get("publisher")
    return clean_text(jsonld.text_of(pub)) if pub else None
