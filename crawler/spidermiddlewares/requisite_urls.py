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
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

SCAN_BYTES = 2_000_000  # of a page or stylesheet; requisites are named near the top of the markup

# Matched against the page lower-cased (bytes.lower keeps every offset), which is several times faster
# than case-insensitive patterns; what a match captures is read from the page as it is.
# (the names sharing a first letter share a branch: at a `<`, fewer alternatives are tried)
_TAG = re.compile(rb"<(link|s(?:cript|ource)|i(?:mg|nput)|video|body|t(?:able|d))\b([^>]*)>")
# (at each "style" of the page, found as bytes: a pattern opening on `\s` is tried at every byte)
_STYLE_ATTRIBUTE = re.compile(rb"""(?<=\s)style\s*=\s*("[^"]*url\([^"]*"|'[^']*url\([^']*')""")
_ATTRIBUTE = re.compile(rb"""([a-zA-Z_:][-\w:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
# A <style> block: its start, then its end searched for from there (a lazy `(.*?)</style>` would try
# the end at every byte of the block).
_STYLE_START = re.compile(rb"<style\b[^>]*>")
_STYLE_END = re.compile(rb"</style\s*>")
# (matched against the stylesheet lower-cased too: "url(" is then a literal that `re` skips to)
_CSS_URL = re.compile(rb"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""")
_CSS_IMPORT = re.compile(rb"""@import\s+(?:"([^"]*)"|'([^']*)')""")
# Plain URLs, which urljoin gives back as written (absolute), after the base's scheme (from the host:
# "//"), after its scheme and host (from the root) or after its folder (relative), whatever the http(s)
# base: ASCII (checked apart) without space or control characters, no fragment, no empty query, no `;`
# (a path's parameters), no `[` (an IPv6 host, which urlsplit validates), no `:` in a relative path (it
# may be a scheme); a path from the root or relative also holds no empty or "." segment (checked apart).
_UNPLAIN = r"\x00-\x20\x7f"  # (space and control characters)
_QUERY = rf"(?:\?[^#{_UNPLAIN}]+)?"
_PLAIN_HOST = re.compile(rf"(https?:)?//[^/?#;\[\]{_UNPLAIN}]+(?:/[^?#;{_UNPLAIN}]*{_QUERY})?")
_PLAIN_ROOTED = re.compile(rf"/(?:[^/?#;{_UNPLAIN}][^?#;{_UNPLAIN}]*)?{_QUERY}")
_PLAIN_RELATIVE = re.compile(rf"[^./?#;:{_UNPLAIN}][^?#;:{_UNPLAIN}]*{_QUERY}")
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
        for start, end in _style_attributes(lowered):
            style = data[start:end]
            found += css_urls(html.unescape(style.decode("utf-8", "replace")).encode("utf-8"))
    for start, end in _style_blocks(lowered) if b"<style" in lowered else ():
        found += css_urls(data[start:end], lowered[start:end])
    return _absolute(found, base)


def _style_attributes(lowered: bytes) -> Iterator[tuple[int, int]]:
    """The spans of the style attributes' values that load something, in the page lower-cased
    `lowered`: what `\\sstyle\\s*=\\s*(...)` (`_STYLE_ATTRIBUTE`) would find."""
    at = lowered.find(b"style")
    while at >= 0:
        match = _STYLE_ATTRIBUTE.match(lowered, at)
        if match is None:
            at = lowered.find(b"style", at + 1)
        else:
            yield match.span(1)
            at = lowered.find(b"style", match.end())


def _style_blocks(lowered: bytes) -> Iterator[tuple[int, int]]:
    """The spans of the <style> blocks' contents in the page lower-cased `lowered`: what
    `<style\\b[^>]*>(.*?)</style\\s*>` (re.S) would find."""
    at = 0
    while (start := _STYLE_START.search(lowered, at)) is not None:
        end = _STYLE_END.search(lowered, start.end())
        if end is None:  # (nor any after a later start)
            return
        yield start.end(), end.start()
        at = end.end()


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


def css_urls(css: bytes, lowered: bytes | None = None) -> list[str]:
    """What a stylesheet (or style attribute) loads: `@import`s and `url(...)`s, relative as written.
    `lowered`: `css.lower()`, if made already."""
    lowered = css.lower() if lowered is None else lowered
    # (each match's one quoted or bare group: the last that matched)
    spans = [match.span(match.lastindex or 0) for match in _CSS_IMPORT.finditer(lowered)]
    spans += [match.span(match.lastindex or 0) for match in _CSS_URL.finditer(lowered)]
    return [url for url in (_text(css[start:end]) for start, end in spans) if url]


def stylesheet_requisites(body: bytes, url: str) -> list[str]:
    """The absolute URLs a stylesheet loads."""
    return _absolute(css_urls(body[:SCAN_BYTES]), url)


def _text(value: bytes) -> str:
    return html.unescape(value.strip(b"\"'").decode("utf-8", "replace")).strip()


def _absolute(urls: Iterable[str], base: str) -> list[str]:
    seen: dict[str, None] = {}
    join = None
    for url in urls:
        if not url or url.startswith(("data:", "javascript:", "about:", "blob:", "#")):
            continue
        join = _plain_joiner(base) if join is None else join  # (parsed first, as urljoin parses it)
        absolute = join(url)
        if absolute is None:
            absolute = urljoin(base, url).split("#", 1)[0]
            if urlsplit(absolute).scheme not in ("http", "https"):
                continue
        seen.setdefault(absolute)
    return list(seen)


def _plain_joiner(base: str) -> Callable[[str], str | None]:
    """A function joining a plain URL (see `_PLAIN_HOST`) to `base` by concatenation, as urljoin (run
    as Python bytecode) joins it; None for another URL (any, when `base` is not http(s))."""
    parts = urlsplit(base)
    scheme = parts.scheme if parts.scheme in ("http", "https") else ""
    root = f"{scheme}://{parts.netloc}"
    folder = ""  # where relative URLs go (made at the first)

    def join(url: str) -> str | None:
        nonlocal folder
        if not url.isascii():
            return None
        plain = _PLAIN_HOST.fullmatch(url)
        if plain is not None:
            return url if plain.group(1) else f"{scheme}:{url}" if scheme else None
        if not scheme or "/." in url or "//" in url:
            return None
        if _PLAIN_ROOTED.fullmatch(url):
            return root + url
        if _PLAIN_RELATIVE.fullmatch(url):
            folder = folder or urljoin(base, "x")[:-1]
            return folder + url
        return None

    return join
