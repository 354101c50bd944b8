"""Crawl economy: the links a crawl does not follow by default, because they lead to no article of
their own, and the user's scope (--include / --exclude).

Publishing systems fill every page with links to views of the same content or to pages for
visitors who write: a reply form per comment (`?replytocom=N`, marked rel=nofollow), the comments
paged (`/comment-page-2/`), a comment feed per post, login, registration and admin pages, search
results, a page per attached image. On a commented WordPress journal they are most of the links.
The spider asks `LinkPolicy.skip` before following a link; each rule has a setting that restores it:

- `nofollow`: links marked rel=nofollow, ugc or sponsored (JCRAWL_FOLLOW_NOFOLLOW);
- `comment_pages`: `?replytocom=`, `?cpage=`, `/comment-page-N/` (JCRAWL_FOLLOW_COMMENT_PAGES);
- `comment_feeds`: a post's own feed (its URL + `feed/`), `/comments/feed/`, `?feed=comments-rss2`
  (JCRAWL_FOLLOW_COMMENT_FEEDS);
- `account_pages`: login, logout, registration, admin and XML-RPC addresses (JCRAWL_FOLLOW_ACCOUNT_PAGES);
- `search_pages`: search results (`?s=`, `/search/`) (JCRAWL_FOLLOW_SEARCH_PAGES);
- `attachment_pages`: a page per attached file (`?attachment_id=`, rel=attachment, or a link from an
  article to its own address plus one segment) (JCRAWL_FOLLOW_ATTACHMENT_PAGES);
- `excluded` / `not_included`: the user's JCRAWL_EXCLUDE and JCRAWL_INCLUDE regexes (--exclude,
  --include, as wget's --reject-regex / --accept-regex). --exclude applies to every URL but the start
  URL; --include to the pages the crawl finds, not to robots.txt, the sitemaps it names and the feeds
  pages declare, which lead to the included pages.

Each link not followed is counted (crawl stats `jcrawl/skipped/<rule>`, in the crawl summary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

RULES = (
    "nofollow",
    "comment_pages",
    "comment_feeds",
    "account_pages",
    "search_pages",
    "attachment_pages",
    "excluded",
    "not_included",
)
# The setting that restores each default rule.
SETTINGS = {
    "nofollow": "JCRAWL_FOLLOW_NOFOLLOW",
    "comment_pages": "JCRAWL_FOLLOW_COMMENT_PAGES",
    "comment_feeds": "JCRAWL_FOLLOW_COMMENT_FEEDS",
    "account_pages": "JCRAWL_FOLLOW_ACCOUNT_PAGES",
    "search_pages": "JCRAWL_FOLLOW_SEARCH_PAGES",
    "attachment_pages": "JCRAWL_FOLLOW_ATTACHMENT_PAGES",
}
_NOFOLLOW = frozenset(("nofollow", "ugc", "sponsored"))
_COMMENT_PAGE = re.compile(r"/comment-page-\d+/?$", re.I)
_COMMENT_PARAMS = frozenset(("replytocom", "cpage", "unapproved", "moderation-hash"))
_COMMENT_FEED = re.compile(r"/comments/feed(?:/[\w-]*)?/?$", re.I)
_ACCOUNT = re.compile(
    r"/(?:wp-login\.php|wp-admin|wp-signup\.php|wp-register\.php|xmlrpc\.php|login|logout|log-in|log-out|"
    r"signin|sign-in|signup|sign-up|register|registration|my-account|user/(?:login|register|password))(?:[/.?]|$)",
    re.I,
)
_SEARCH_PATH = re.compile(r"/search(?:/|$)", re.I)
_SEARCH_PARAMS = frozenset(("s", "search"))
_FEED_SUFFIX = re.compile(r"^feed(?:/(?:rss2?|atom|rdf))?/?$", re.I)


def _params(query: str) -> set[str]:
    return {pair.split("=", 1)[0].lower() for pair in query.split("&") if pair}


@dataclass(frozen=True, slots=True)
class LinkPolicy:
    """Which links a crawl leaves alone (see the module docstring); `follow` holds the restored rules."""

    follow: frozenset[str] = frozenset()
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def from_settings(cls, settings: Any) -> LinkPolicy:
        """From the JCRAWL_FOLLOW_* switches and the JCRAWL_INCLUDE / JCRAWL_EXCLUDE regex lists
        (re.error for a regex that does not compile)."""
        follow = frozenset(rule for rule, name in SETTINGS.items() if settings.getbool(name))
        include = tuple(re.compile(p) for p in settings.getlist("JCRAWL_INCLUDE"))
        exclude = tuple(re.compile(p) for p in settings.getlist("JCRAWL_EXCLUDE"))
        return cls(follow, include, exclude)

    def skip(
        self, url: str, rel: str = "", article: str | None = None, discovery: bool = False
    ) -> str | None:
        """The rule that keeps the crawl from following `url`, None to follow it.

        `rel`: the link's rel tokens; `article`: the URL of the article page the link is on, if it is
        on one; `discovery`: robots.txt, a sitemap it names or a feed a page declares (--include
        does not apply).
        """
        if any(p.search(url) for p in self.exclude):
            return "excluded"
        if self.include and not discovery and not any(p.search(url) for p in self.include):
            return "not_included"
        rule = self._default_rule(url, rel, article)
        return rule if rule is not None and rule not in self.follow else None

    @staticmethod
    def _default_rule(url: str, rel: str, article: str | None) -> str | None:
        if rel and not _NOFOLLOW.isdisjoint(rel.split()):
            return "nofollow"
        parts = urlsplit(url)
        path, params = parts.path, _params(parts.query) if parts.query else set()
        if _COMMENT_PAGE.search(path) or params & _COMMENT_PARAMS:
            return "comment_pages"
        if _COMMENT_FEED.search(path) or "feed=comments-rss2" in parts.query:
            return "comment_feeds"
        if _ACCOUNT.search(path):
            return "account_pages"
        if params & _SEARCH_PARAMS or _SEARCH_PATH.search(path):
            return "search_pages"
        if "attachment_id" in params or "attachment" in rel.split():
            return "attachment_pages"
        if article is not None and url.startswith(article.rstrip("/") + "/") and not parts.query:
            rest = url[len(article.rstrip("/")) + 1 :]
            if _FEED_SUFFIX.match(rest):
                return "comment_feeds"  # the article's own feed: its comments
            # One more segment below the article: an attached file's page; a number is the article's
            # next page (a post split in pages), which is followed.
            if re.fullmatch(r"[^/]+/?", rest) and not rest.strip("/").isdigit():
                return "attachment_pages"
        return None
