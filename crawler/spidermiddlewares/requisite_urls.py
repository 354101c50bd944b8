"""The URLs a page or a stylesheet needs to replay as it looked: a scan of its markup, not a parse.

The page is scanned for the tags and attributes that name requisites: `<link
rel=stylesheet|icon|preload>`, `<script src>`, `<img src srcset>` and the lazy-loading `data-src`,
`data-srcset`, `data-lazy-src`, `data-original`, `<source src srcset>` (`<picture>`), `<video
poster>`, `<input type=image>`, and `url(...)` in `<style>` blocks and `style` attributes.
Stylesheets add their `@import`s and `url(...)`s (fonts, background images).

Pure functions of (body, URL), with no Scrapy: the extraction workers (crawler/extraction_pool.py)
import them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

SCAN_BYTES = 2_000_000  # of a page or stylesheet; requisites are named near the top of the markup

# Matched against the page lower-cased (bytes.lower keeps every offset), which is several times faster
# than case-insensitive patterns; what a match captures is read from the page as it is.
# (the names sharing a first letter share a branch: at a `<`, fewer alternatives are tried)
_TAG = re.compile(rb"<(link|s(?:cript|ource)|i(?:mg|nput)|video|body|t(?:able|d))\b([^>]*)>")
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
# The attribute naming the requisite of each tag `_TAG` finds: a tag whose markup (lower-cased) holds
# no such name names none (an inline script, a search box), and its attributes need not be read.
# <img> and <source> (not in it: the empty name is in any markup) are always read: `data-original`
# holds no `src`.
_NAMED_BY = {b"link": b"href", b"script": b"src", b"video": b"poster", b"input": b"src"} | dict.fromkeys(
    (b"body", b"table", b"td"), b"background"
)


def page_requisites(body: bytes, url: str) -> list[str]:
    """The absolute URLs of what an HTML page needs to display, in page order, each once."""
    data = body[:SCAN_BYTES]
    lowered = data.lower()
    # (most pages have no <base> and no <style>: looking for each as bytes is cheaper than a regex scan)
    base_match = _BASE.search(lowered) if b"<base" in lowered else None
    base = urljoin(url, _text(data[slice(*base_match.span(1))])) if base_match else url
    found: list[str] = []
    for tag_match in _TAG.finditer(lowered):
        tag = tag_match.group(1)
        start, end = tag_match.span(2)
        if lowered.find(_NAMED_BY.get(tag, b""), start, end) >= 0:
            found += _tag_requisites(tag, _attributes(data[start:end]))
    if b"url(" in lowered:  # what a style attribute can load
        for style_match in _STYLE_ATTRIBUTE.finditer(lowered):
            style = data[slice(*style_match.span(1))]
            found += css_urls(html.unescape(style.decode("utf-8", "replace")).encode("utf-8"))
    for block_match in _STYLE_BLOCK.finditer(lowered) if b"<style" in lowered else ():
        found += css_urls(data[slice(*block_match.span(1))])
    return _absolute(found, base)


def _attributes(text: bytes) -> dict[bytes, bytes]:
    """A tag's attributes: lower-cased name -> value as written (`_text` reads the few needed)."""
    return {name.lower(): value for name, value in _ATTRIBUTE.findall(text)}


def _tag_requisites(tag: bytes, attributes: dict[bytes, bytes]) -> list[str]:
    if tag == b"link":
        rels = set(_text(attributes.get(b"rel", b"")).lower().split())
        if rels & {"preload", "modulepreload"}:  # only what a page displays, not data it fetches
            wanted = _text(attributes.get(b"as", b"")).lower() in _PRELOAD_AS
        else:
            wanted = bool(rels & _LINK_RELS)
        return [_text(attributes[b"href"])] if wanted and b"href" in attributes else []
    if tag == b"script":
        return [_text(attributes[b"src"])] if b"src" in attributes else []
    if tag == b"video":
        return [_text(attributes[b"poster"])] if b"poster" in attributes else []
    if tag == b"input":
        wanted = _text(attributes.get(b"type", b"")).lower() == "image" and b"src" in attributes
        return [_text(attributes[b"src"])] if wanted else []
    if tag in (b"body", b"table", b"td"):
        return [_text(attributes[b"background"])] if b"background" in attributes else []
    if tag not in (b"img", b"source"):
        return []
    urls = [_text(attributes[name]) for name in _SOURCE_ATTRIBUTES if name in attributes]
    for name in _SRCSET_ATTRIBUTES:
        if name in attributes:
            urls += srcset_urls(_text(attributes[name]))
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
