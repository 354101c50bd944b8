"""What a page's `<head>` declares: meta tags, JSON-LD, canonical and feed links, `<title>`, language
and the base URL its links resolve against, read in one pass (`read_head`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from crawler.extract import jsonld
from crawler.extract.urls import absolutize, site_root

_FEED_TYPES: Final = ("application/rss+xml", "application/atom+xml", "application/feed+json")


@dataclass(slots=True)
class Head:
    """What `<head>` (and page-level attributes) declare about the page."""

    title: str | None = None
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name/property -> contents
    canonical: str | None = None
    feeds: list[str] = field(default_factory=list)
    feed_titles: list[str] = field(default_factory=list)
    lang: str | None = None
    ld_objects: list[dict] = field(default_factory=list)
    ld_article: dict | None = None
    shortlink: str | None = None  # href of the first `<link rel="shortlink">` as written ("" if none given)
    base: str = ""  # the URL the page's links resolve against: its first `<base href>`, or its own URL
    base_root: str = ""  # `scheme://host` of `base`

    def first(self, *names: str) -> str | None:
        """The first non-blank value (whitespace collapsed) of the first of `names` that has one."""
        for name in names:
            for v in self.meta.get(name, ()):
                v = " ".join(v.split())
                if v:
                    return v
        return None


def read_head(root, url: str, root_url: str) -> Head:
    """Meta tags, JSON-LD, canonical and feed links, `<title>`, language, the base URL (`url`, the
    page's, unless a `<base>` says otherwise; `root_url` is `site_root(url)`): one C-level iteration."""
    head = Head()
    ld_texts: list[str] = []
    links: list[tuple[list[str], str, Any]] = []  # (an lxml element)  # resolved once the base is known
    base_el = None
    for el in root.iter("meta", "link", "script", "title", "base"):
        tag = el.tag
        if tag == "meta":
            key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
            content = el.get("content")
            if content is None:  # a few CMSs (and page savers) write the value in `value`
                content = el.get("value")
            if key and content is not None:
                head.meta.setdefault(key.strip().lower(), []).append(content)
        elif tag == "link":
            rel = (el.get("rel") or "").lower().split()
            href = el.get("href")
            if head.shortlink is None and "shortlink" in rel:
                head.shortlink = href or ""
            if rel and href:
                links.append((rel, href, el))
        elif tag == "base":
            if base_el is None:
                base_el = el
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
                ld_texts.append(el.text)
        elif tag == "title" and head.title is None:
            text = " ".join("".join(el.itertext()).split())
            head.title = text or None
    base = url
    if base_el is not None:
        base = absolutize(base_el.get("href"), url, root_url) or url
    head.base = base
    head.base_root = root_url = site_root(base) or root_url
    for rel, href, el in links:
        if "canonical" in rel and head.canonical is None:
            head.canonical = absolutize(href, base, root_url)
        elif "alternate" in rel and (el.get("type") or "").strip().lower() in _FEED_TYPES:
            feed = absolutize(href, base, root_url)
            if feed and feed not in head.feeds:
                head.feeds.append(feed)
                if el.get("title"):
                    head.feed_titles.append(el.get("title"))
    lang = (
        root.get("lang") or root.get("xml:lang") or head.first("og:locale", "content-language", "dc.language")
    )
    head.lang = normalise_lang(lang)
    if ld_texts:
        head.ld_objects = jsonld.parse_blocks(ld_texts)
        paths = frozenset(jsonld.url_path(u) for u in (url, head.canonical)) - {""}
        head.ld_article = jsonld.find_article(head.ld_objects, paths)
        if head.lang is None and head.ld_article:
            head.lang = normalise_lang(jsonld.text_of(head.ld_article.get("inLanguage")))
    return head


def normalise_lang(value: str | None) -> str | None:
    """Primary language subtag, lower-cased ("en-US" -> "en", "pt_BR" -> "pt")."""
    if not value or not isinstance(value, str):
        return None
    m = re.match(r"\s*([A-Za-z]{2,3})(?:[-_]|\s*$|,)", value)
    return m.group(1).lower() if m else None
