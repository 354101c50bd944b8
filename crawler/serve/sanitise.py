"""An article's clean HTML made safe to show: no script, no event attributes, no styles, no remote
loads but images at their original absolute URLs (nh3, the Ammonia sanitiser)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import nh3

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "q", "cite", "pre", "code",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup",
    "abbr", "time", "mark", "del", "ins", "span", "div", "figure", "figcaption", "img",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def clean_html(html: str, base_url: str, local_link: Callable[[str], str | None] = lambda url: None) -> str:
    """`html` (an article's body_html, from page `base_url`) with only TAGS and ATTRIBUTES left, URLs
    made absolute (http and https only), and links to articles the archive holds pointed at their page
    (`local_link(absolute URL)`, None for others)."""

    def attribute(tag: str, name: str, value: str) -> str | None:
        if name not in ("href", "src"):
            return value
        absolute = urljoin(base_url, value.strip())
        if urlsplit(absolute).scheme not in ("http", "https"):
            return None
        return (local_link(absolute) if tag == "a" else None) or absolute

    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=attribute,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
