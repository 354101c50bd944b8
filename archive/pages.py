"""Which responses are pages: HTML or XHTML by Content-Type, sniffed when the type is missing or generic,
and text in either case (a binary body said to be HTML is not a page).

Stylesheets, scripts, JSON, images, fonts and robots.txt are archived like any response but never
extracted as pages, in a crawl (the spider) and when WARC files are read back (`import`, `reparse`).
"""

from __future__ import annotations

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Types that say nothing about the body: it is sniffed.
GENERIC_TYPES = frozenset(
    {
        "",
        "text/plain",
        "application/octet-stream",
        "binary/octet-stream",
        "application/unknown",
        "unknown/unknown",
        "application/x-unknown-content-type",
        "*/*",
    }
)
# The tags that open an HTML document in the WHATWG MIME Sniffing standard ("identifying a resource
# with an unknown MIME type"), each followed by a space or `>`.
HTML_OPENINGS = tuple(
    tag.encode()
    for tag in (
        "<!doctype html",
        "<html",
        "<head",
        "<script",
        "<iframe",
        "<h1",
        "<div",
        "<font",
        "<table",
        "<a",
        "<style",
        "<title",
        "<b",
        "<body",
        "<br",
        "<p",
        "<!--",
    )
)
WHITESPACE = b"\t\n\x0c\r "
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # (the UTF-32 marks start as these do)
BOMS = (b"\xef\xbb\xbf", *UTF16_BOMS)
# The "binary data bytes" of MIME sniffing (control characters no text holds), less NUL: servers pad
# pages with NULs.
BINARY_BYTES = bytes([*range(0x01, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
SNIFFED_BYTES = 1445  # as much of a resource as MIME sniffing reads


def mime_type(content_type: str | None) -> str:
    """The media type of a Content-Type value, lower case, without parameters."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_html(content_type: str | None, body: bytes) -> bool:
    """True for an HTML or XHTML page: by its Content-Type unless the body is binary, or by its first
    bytes when the type is generic."""
    mime = mime_type(content_type)
    if mime in HTML_TYPES:
        return not looks_binary(body)
    return mime in GENERIC_TYPES and sniffs_html(body)


def sniffs_html(body: bytes) -> bool:
    """True if the body opens as HTML does (WHATWG MIME sniffing, BOM and leading whitespace skipped)."""
    head = body[:1024]
    for bom in BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    head = head.lstrip(WHITESPACE).lower()
    if head.startswith(b"<?xml"):  # XHTML served without its type
        return b"<html" in head
    for opening in HTML_OPENINGS:
        if head.startswith(opening) and head[len(opening) : len(opening) + 1] in (b" ", b">", b"\t", b"\n"):
            return True
    return False


def looks_binary(body: bytes) -> bool:
    """True when the body is not text, whatever its type says: compressed or random data, an image, an
    executable. Its first bytes hold control characters that text never holds, more than a stray few (a
    sixty-fourth of them, eight at least). UTF-16 and UTF-32 text, whose code units hold such bytes,
    is read only with its byte-order mark (as browsers do), and with one never is."""
    head = body[:SNIFFED_BYTES]
    binary = len(head) - len(head.translate(None, BINARY_BYTES))
    return binary >= max(8, len(head) // 64) and not head.startswith(UTF16_BOMS)
