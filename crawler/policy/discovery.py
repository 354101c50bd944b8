"""Which responses are sitemaps or feeds (read for links) rather than pages to extract.

Shared by the spider and by `archive.ingest`, so that re-reading a WARC file extracts exactly the
pages the crawl extracted.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from lxml import etree

SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})
# The first element's local name, after the XML declaration, comments and a doctype.
_FIRST_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
SNIFF_BYTES = 4096


def first_element(body: bytes, content_type: str) -> str | None:
    """The local name of the first element of an XML document (recognised by `content_type`, lower-cased,
    or by `<?xml`); None for any other document, or when the first bytes do not tell."""
    head = body[:SNIFF_BYTES]
    if "xml" not in content_type and head.lstrip()[:5] != b"<?xml":
        return None
    first = _FIRST_ELEMENT.search(re.sub(rb"<!--.*?-->", b"", head, flags=re.S))
    return first.group(1).decode("ascii") if first is not None else None


def sitemap_entries(body: bytes) -> Iterator[dict[str, str]]:
    """The fields of each `<url>` or `<sitemap>` entry of a sitemap (`loc`, `lastmod`...), stripped.

    Read as a stream, each entry dropped once read: a sitemap of 50,000 URLs is never a tree of
    200,000 elements in memory.
    """
    entries = etree.iterparse(
        io.BytesIO(body),
        events=("end",),
        tag=("{*}url", "{*}sitemap"),
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )
    try:
        for _, entry in entries:
            yield entry_fields(entry)
            entry.clear()
            while entry.getprevious() is not None:
                del entry.getparent()[0]
    except etree.XMLSyntaxError:
        return


def entry_fields(entry: etree._Element) -> dict[str, str]:
    """A sitemap entry's fields: the text of each child element (`loc`, `lastmod`...) by local name."""
    return {etree.QName(el).localname: (el.text or "").strip() for el in entry if isinstance(el.tag, str)}


def sitemap_or_feed(body: bytes, content_type: str) -> etree._Element | None:
    """The root element of a sitemap or RSS/Atom feed in `body`, or None for any other document.

    `content_type` is the lower-cased Content-Type header; XML is recognised by it or by `<?xml`.
    """
    if "xml" not in content_type and body[:SNIFF_BYTES].lstrip()[:5] != b"<?xml":
        return None
    # An XHTML page (an XML prolog, or application/xhtml+xml) is not parsed as XML only to learn that.
    first = first_element(body, content_type)
    if first is not None and first not in SITEMAP_ROOTS | FEED_ROOTS:
        return None
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None or etree.QName(root).localname not in SITEMAP_ROOTS | FEED_ROOTS:
        return None
    return root
