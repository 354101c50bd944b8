"""Article text the HTML keeps outside its visible body, used when the visible body is missing or
much shorter.

Where pages keep it:
- `<script type="text/template">` (and text/x-template, text/html): HTML a script renders later;
- JSON state in `<script type="application/json">`: Next.js' `__NEXT_DATA__`, Nuxt 3's payload and
  similar, where the body is one HTML or text string, or a list of paragraph objects;
- JSON-LD `articleBody` (plain text).

A candidate replaces the visible body only when it holds at least MUCH_LONGER times its text and
MIN_SIZE in all: the visible body, when there is one, stays the reference. HTML candidates go through
the same walk and body extraction as a page, so their boilerplate is dropped the same way.
"""

from __future__ import annotations

import html as _html
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from crawler.extract.text import MARKUP, clean_text, text_size

MUCH_LONGER = 2.0  # times the visible body's prose a hidden source must hold to replace it
MIN_SIZE = 500  # prose size (text.text_size) a hidden source must hold
MAX_SOURCE = 3_000_000  # characters of a script read at most
_MAX_DEPTH = 40
_HTML_HINT = re.compile(r"<(?:p|div|br|h[1-6]|ul|ol|li|blockquote|figure|section|article)\b", re.I)
_URLISH = re.compile(r"^(?:https?:)?//|^/[\w\-./]*$")
_PARAGRAPH_MIN = 40  # characters of a JSON string to count as a paragraph
_BREAKS = re.compile(r"\s*\n\s*\n\s*|\s*\n\s*")


def candidates(scripts: list, article_body: str | None, floor: float = 0) -> Iterator[tuple[str, str]]:
    """(kind, text) of every place the page may keep its article text: "html" or "text" kind.

    Scripts shorter than `floor` characters cannot hold that much text and are not parsed.
    """
    for el in scripts:
        raw = el.text or ""
        if len(raw) > MAX_SOURCE or len(raw) < floor or not raw.strip():
            continue
        kind = (el.get("type") or "").strip().lower()
        if kind == "application/json":
            found = _json_text(raw)
            if found:
                yield found
        else:
            yield "html", raw
    if article_body and isinstance(article_body, str):
        yield "text", article_body


Rendered = tuple[str, str, int]  # (text, html, prose size)


def best_embedded(
    scripts: list, article_body: str | None, visible_size: int, render_html: Callable[[str], Rendered]
) -> Rendered | None:
    """(text, html, size) of the longest hidden source worth replacing the visible body, or None.

    `render_html(fragment)` turns an HTML candidate into (text, html, prose size) the way a page is.
    """
    floor = max(MIN_SIZE, MUCH_LONGER * visible_size)
    best: tuple[str, str, int] | None = None
    for kind, value in candidates(scripts, article_body, floor):
        if kind == "text":
            if text_size(value) < floor:
                continue
            out = _render_text(value)
        else:
            if text_size(MARKUP.sub(" ", value)) < floor:  # cheap bound before parsing
                continue
            out = render_html(value)
        if out[2] >= floor and (best is None or out[2] > best[2]):
            best = out
    return best


def _render_text(value: str) -> tuple[str, str, int]:
    """Plain text (paragraphs on new lines) -> (text, html, size)."""
    paragraphs = [clean_text(" ".join(p.split())) for p in _BREAKS.split(_html.unescape(value))]
    paragraphs = [p for p in paragraphs if p]
    text = "\n\n".join(paragraphs)
    html = "\n".join(f"<p>{_html.escape(p, quote=False)}</p>" for p in paragraphs)
    return text, html, text_size(text)


def _json_text(raw: str) -> tuple[str, str] | None:
    """The longest article-like text in a JSON document: ("html" | "text", value)."""
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:].removesuffix("-->")
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    best: tuple[int, str, str] | None = None
    for kind, value in _json_candidates(data, 0):
        size = len(MARKUP.sub("", value)) if kind == "html" else len(value)
        if best is None or size > best[0]:
            best = (size, kind, value)
    return (best[1], best[2]) if best else None


def _json_candidates(data: Any, depth: int) -> Iterator[tuple[str, str]]:
    """Long strings (HTML or prose) and lists of paragraph objects, anywhere in `data`."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, str):
        if len(data) >= 200 and data.count(" ") >= 20:
            yield ("html" if _HTML_HINT.search(data) else "text"), data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _json_candidates(value, depth + 1)
    elif isinstance(data, list):
        paragraphs = [p for p in (_paragraph(item) for item in data) if p]
        if len(paragraphs) >= 3:
            if any(_HTML_HINT.search(p) for p in paragraphs):
                yield "html", "".join(p if p.lstrip().startswith("<") else f"<p>{p}</p>" for p in paragraphs)
            else:
                yield "text", "\n\n".join(paragraphs)
        for item in data:
            if isinstance(item, dict | list):
                yield from _json_candidates(item, depth + 1)


def _paragraph(item: Any) -> str | None:
    """The text of one element of a paragraph list: a string, or the longest string field of an
    object (`{"type": "paragraph", "content": "..."}`). An object with a link field is a teaser
    (`{"title": ..., "url": ...}`), not a paragraph."""
    if isinstance(item, str):
        return item if len(item) >= _PARAGRAPH_MIN and " " in item else None
    if not isinstance(item, dict):
        return None
    longest = None
    for value in item.values():
        if not isinstance(value, str):
            continue
        if _URLISH.match(value):
            return None
        if len(value) >= _PARAGRAPH_MIN and " " in value and (longest is None or len(value) > len(longest)):
            longest = value
    return longest


def parse_fragment(fragment: str):
    """lxml tree of an HTML fragment, wrapped in a body (None when it does not parse)."""
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True, recover=True)
    try:
        return etree.fromstring(f"<html><body>{fragment}</body></html>".encode("utf-8", "replace"), parser)
    except (etree.ParserError, ValueError):
        return None
