"""Which responses are sitemaps or feeds (read for links) rather than pages to extract.

Shared by the spider and by `archive.ingest`, so that re-reading a WARC file extracts exactly the
pages the crawl extracted.
"""

from __future__ import annotations

import re

from lxml import etree

SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})
# The first element's local name, after the XML declaration, comments and a doctype.
_FIRST_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
SNIFF_BYTES = 4096


def sitemap_or_feed(body: bytes, content_type: str) -> etree._Element | None:
    """The root element of a sitemap or RSS/Atom feed in `body`, or None for any other document.

    `content_type` is the lower-cased Content-Type header; XML is recognised by it or by `<?xml`.
    """
    head = body[:SNIFF_BYTES]
    if "xml" not in content_type and head.lstrip()[:5] != b"<?xml":
        return None
    # An XHTML page (an XML prolog, or application/xhtml+xml) is not parsed as XML only to learn that.
    first = _FIRST_ELEMENT.search(re.sub(rb"<!--.*?-->", b"", head, flags=re.S))
    if first is not None and first.group(1).decode("ascii") not in SITEMAP_ROOTS | FEED_ROOTS:
        return None
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None or etree.QName(root).localname not in SITEMAP_ROOTS | FEED_ROOTS:
        return None
    return root
