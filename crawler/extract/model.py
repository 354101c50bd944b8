"""The records extraction returns: an article (or a page that is not one) and its typed links."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.extract.text import squeeze

# Link kinds kept in the store's `links` table.
STORED_LINK_KINDS = ("previous", "next", "related", "recent", "body", "listing")
# Links of the site's chrome (menus, sidebars, footers, pagination): followed by the spider, not stored.
NAV = "nav"


@dataclass(frozen=True, slots=True, init=False)
class Link:
    """One `<a href>` of a page, resolved against the page's base URL, fragment dropped; `rel` its
    lower-cased rel tokens (nofollow, ugc, tag, author...)."""

    url: str
    kind: str
    text: str = ""
    rel: str = ""

    def __init__(self, url: str, kind: str, text: str = "", rel: str = "") -> None:
        # Through the slots' own setters: the generated frozen __init__ calls object.__setattr__ by
        # name for each field, which makes a Link cost twice as much, and a page has hundreds.
        _SET_URL(self, url)
        _SET_KIND(self, kind)
        _SET_TEXT(self, text)
        _SET_REL(self, rel)

    def __reduce__(self) -> tuple[type[Link], tuple[str, str, str, str]]:
        # A plain tuple: pickled (to and from the extraction workers) ten times faster than the
        # generic state of a frozen slotted dataclass.
        return Link, (self.url, self.kind, self.text, self.rel)


# The setters of Link's slots, in field order (also for links.py, which makes Links without __init__).
LINK_SETTERS: tuple[Callable[[Link, str], None], ...] = (
    Link.url.__set__,
    Link.kind.__set__,
    Link.text.__set__,
    Link.rel.__set__,
)
_SET_URL, _SET_KIND, _SET_TEXT, _SET_REL = LINK_SETTERS


@dataclass(slots=True)
class Article:
    """A clean record of one page. `is_article` is False for listings, home pages and errors.

    Dates are ISO 8601 strings; `body` is plain text with paragraphs separated by a blank line.
    """

    url: str
    is_article: bool = False
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    agency: str | None = None
    lead: str | None = None
    body: str = ""
    body_html: str = ""
    top_image: str | None = None
    canonical_url: str | None = None
    aliases: list[str] = field(default_factory=list)  # the page's other addresses for `url`
    links: list[Link] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)

    def __reduce__(self) -> tuple[type[Article], tuple]:
        # The fields in order (see Link.__reduce__).
        return Article, tuple(getattr(self, name) for name in self.__slots__)

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    @property
    def content_hash(self) -> str:
        """SHA-256 of the clean content (title and body, whitespace-normalised): what marks an edit."""
        return text_measures(self)[1]


def text_measures(article: Article) -> tuple[int, str]:
    """(word_count, content_hash) of an article."""
    # The body's words joined by single spaces: its paragraph breaks made spaces first, so that a body
    # of paragraphs already one-spaced (ASCII) is squeezed without being split into words.
    words = squeeze(article.body.replace("\n\n", " "))
    text = squeeze(article.title or "") + "\n" + words
    return words.count(" ") + 1 if words else 0, hashlib.sha256(text.encode("utf-8")).hexdigest()
