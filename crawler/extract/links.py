"""Type every anchor of a page: previous/next, related, recent, body, listing or nav."""

from __future__ import annotations

import re
from typing import Final

from crawler.extract.blocks import Anchor, Page
from crawler.extract.body import BodyResult
from crawler.extract.model import LINK_SETTERS, NAV, Link
from crawler.extract.urls import host_of

_PREV_TEXT: Final = re.compile(r"^\s*(?:<<|«|‹|←|<|prev\b|previous\b|précédent|anterior|older\b)", re.I)
_NEXT_TEXT: Final = re.compile(r"(?:>>|»|›|→|>)\s*$|^\s*(?:next\b|suivant|siguiente|próxim|newer\b)", re.I)
_NOT_ARTICLE_PATH: Final = re.compile(
    r"/(?:category|categories|tag|tags|topic|topics|author|authors|page|section|sections|search|feed|"
    r"wp-admin|wp-login|login|register|subscribe|about|contact|privacy|terms|cookies?)(?:/|$)",
    re.I,
)
_PAGED: Final = re.compile(r"/page/\d+/?$|[?&](?:page|paged|pg)=\d+")
_ARTICLE_PATH: Final = re.compile(r"[a-z0-9]+-[a-z0-9]+-[a-z0-9]+|\d{5,}|\.html?$|/\d{4}/\d{2}/", re.I)
# Links are made here without their __init__, which runs as Python (model.py is not compiled) and cost
# more than the rest of their making (a page has dozens): through their slots' setters, as it does.
_SET_URL: Final = LINK_SETTERS[0]
_SET_KIND: Final = LINK_SETTERS[1]
_SET_TEXT: Final = LINK_SETTERS[2]
_SET_REL: Final = LINK_SETTERS[3]


def type_links(page: Page, body: BodyResult, is_article: bool, page_url: str) -> list[Link]:
    """All anchors with a kind, deduplicated on (url, kind), in document order."""
    kept_blocks = set(body.blocks)
    host = host_of(page_url)
    out: list[Link] = []
    seen: set[tuple[str, str]] = set()
    position: dict[int, int] = {}  # anchors seen so far per prev/next region
    for a in page.anchors:
        kind = _kind(a, body, kept_blocks, is_article, host, position)
        key = (a.url, kind)
        if key not in seen:
            seen.add(key)
            out.append(_link(a.url, kind, a.text, a.rel))
    for url, text, rel in page.skipped_anchors:
        key = (url, NAV)
        if key not in seen:
            seen.add(key)
            out.append(_link(url, NAV, text, rel))
    return out


def _link(url: str, kind: str, text: str, rel: str) -> Link:
    """`Link(url, kind, text, rel)`, its slots set as its own __init__ sets them."""
    link = object.__new__(Link)
    _SET_URL(link, url)
    _SET_KIND(link, kind)
    _SET_TEXT(link, text)
    _SET_REL(link, rel)
    return link


def _kind(a: Anchor, body: BodyResult, kept: set[int], is_article: bool, host: str, position: dict) -> str:
    rel = a.rel
    if is_article:
        if body.start <= a.idx < body.end and a.block in kept:
            return "body"
        if a.region == "prevnext" or (
            ("prev" in rel or "next" in rel)
            and (a.region not in ("nav", "chrome") or not _PAGED.search(a.url))
        ):  # rel=prev/next in a menu-like box is the adjacent article, unless it is a listing's page
            return _prev_or_next(a, position)
        if a.region in ("related", "recent"):
            return a.region
        if a.outer in ("related", "recent") and len(a.text.split()) >= 4:
            return a.outer  # a headline in a teaser list, inside a "pagination"/"nav" wrapper of its own
        return NAV
    if a.region in ("nav", "prevnext") or "prev" in rel or "next" in rel:
        return NAV
    if host_of(a.url) == host and _looks_like_article(a):
        return "listing"
    return NAV


def _prev_or_next(a: Anchor, position: dict) -> str:
    rel, cls, text = a.rel, a.cls, a.text
    if "prev" in rel:
        return "previous"
    if "next" in rel:
        return "next"
    if "prev" in cls:
        return "previous"
    if "next" in cls:
        return "next"
    if _PREV_TEXT.search(text):
        return "previous"
    if _NEXT_TEXT.search(text):
        return "next"
    n = position.get(a.region_idx, 0)
    position[a.region_idx] = n + 1
    return "previous" if n == 0 else "next"


def _looks_like_article(a: Anchor) -> bool:
    path = a.url.split("://", 1)[-1]
    path = path[path.find("/") :] if "/" in path else "/"
    if path in ("", "/") or _NOT_ARTICLE_PATH.search(path):
        return False
    return bool(_ARTICLE_PATH.search(path)) or len(a.text.split()) >= 4
