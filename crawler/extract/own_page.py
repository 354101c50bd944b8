"""The page's own address against the links it holds: a date or a line inside a link to another page
of the same site (a previous or next entry) is that page's, not this one's."""

from __future__ import annotations

import re
from typing import Final

from crawler.extract.head import Head
from crawler.extract.urls import absolutize, needs_settling, page_key, site_of, site_root


class OwnPage:
    """Tells the page (its URL or its canonical) from other pages of its site, by their links."""

    def __init__(self, url: str, head: Head) -> None:
        own = page_key(url)
        # (the canonical URL is most often the page's own: its key is made once)
        self.keys = {own if u == url else page_key(u) for u in (url, head.canonical) if u}
        self.paths = {key[:2] for key in self.keys}
        self.site = site_of(own[0])
        self.base, self.root = head.base or url, head.base_root or site_root(url)

    def elsewhere(self, link_url: str | None) -> bool:
        """The absolute `link_url` is another page of the same site (a previous or next entry)."""
        if not link_url:
            return False
        host, path, query = key = page_key(link_url, settle=False)
        # The key settled only where that may change the verdict: its host and path when they may
        # change, a query only on one of the page's own paths.
        settle = needs_settling(link_url, path, "")
        if not settle and site_of(host) != self.site:
            return False
        if settle or (query and (host, path) in self.paths):
            key = page_key(link_url)
        if key in self.keys or _ARCHIVE_PATH.match(key[1]):
            return False
        return not settle or site_of(key[0]) == self.site

    def without_links(self, text: str, anchors) -> str:
        """A block's `text` without the texts of those of its `anchors` (`blocks.Anchor`s) that link to
        other pages of the site."""
        found = False
        for a in anchors:
            if self.elsewhere(a.url):
                text, found = text.replace(a.text, " ", 1), True
        return " ".join(text.split()) if found else text

    def in_link_elsewhere(self, el) -> bool:
        """`el` sits inside an `<a href>` to another page of the site."""
        link = next(el.iterancestors("a"), None) if el.tag != "a" else el
        return link is not None and self.elsewhere(absolutize(link.get("href"), self.base, self.root))


# The home page or a date archive (`/2016/05/03/`): a date linked there is the page's own.
_ARCHIVE_PATH: Final = re.compile(r"^(?:/\d+)*$")
