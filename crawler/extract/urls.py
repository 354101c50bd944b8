"""URL helpers used on every anchor of a page (so the common cases avoid `urljoin`), and the choice of
an article's own address among the ones its page gives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin, urlsplit, urlunsplit

from crawler.extract.memo import remember
from crawler.urls import normalize_url

_DROP_SCHEMES: Final = ("javascript:", "mailto:", "data:", "tel:", "sms:", "ftp:", "file:", "about:", "blob:")
_HOSTS: Final[dict[str, str]] = {}  # pure memo of host_of


def host_of(url: str) -> str:
    """Lower-cased host without a leading `www.` (the same site for canonical checks)."""
    host = _HOSTS.get(url)
    if host is None:  # (a page asks for its own address's host several times, a site's links recur)
        try:
            host = (urlsplit(url).hostname or "").removeprefix("www.")
        except ValueError:
            host = ""
        remember(_HOSTS, url, host)
    return host


def site_of(host: str) -> str:
    """The registrable part of a host, near enough without the public-suffix list:
    `video.example.com` -> `example.com`, `news.example.co.uk` -> `example.co.uk`."""
    labels = host.split(".")
    if labels[-1].isdigit():  # an IP address
        return host
    n = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-n:])


def site_root(url: str) -> str:
    """`scheme://host[:port]` of an absolute URL, '' when it has none."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


# An href with nothing to strip, cut, escape or resolve: `http(s)://...` or a root-relative `/path`, in
# printable ASCII without a space or a '#'. Most of a page's links are one: a regex test settles them.
_PLAIN_HREF: Final = re.compile(r"(?:https?://|/(?![/#]))[!\"$-~]*")


def _plain_url(href: str, root: str) -> str | None:
    """`absolutize(href, base, root)` when `href` is plain (see above) and its URL has a host; None
    for any other href, which `absolutize` then resolves in full."""
    if _PLAIN_HREF.fullmatch(href) is None:
        return None
    if href[0] == "/":
        if not root:
            return None
        href = root + href
    return href if href[8:9] != "/" else None


def absolutize(href: str | None, base: str, root: str) -> str | None:
    """Absolute http(s) URL for `href` resolved against `base`, fragment dropped; None otherwise.

    `root` is `site_root(base)`, passed in so a page's anchors share one computation.
    """
    if not href:
        return None
    url = _plain_url(href, root)
    if url is not None:
        return url
    href = href.strip()
    if not href or href[0] == "#":
        return None
    if "#" in href:
        href = href.split("#", 1)[0]
    if "\n" in href or "\t" in href or "\r" in href:  # browsers strip these inside URLs
        href = href.replace("\n", "").replace("\t", "").replace("\r", "")
    if " " in href:
        href = href.replace(" ", "%20")
    if href.startswith(("http://", "https://")):
        url = href
    elif href[0] == "/" and not href.startswith("//") and root:
        url = root + href
    else:
        low = href[:12].lower()
        if low.startswith(_DROP_SCHEMES):
            return None
        try:
            url = urljoin(base, href)
        except ValueError:
            return None
    low = url[:8].lower()
    if not (low.startswith("http://") or low.startswith("https://")):
        return None
    if len(url) > 8 and url[8:].startswith("/"):
        return None  # "https:///path": no host
    return url


def page_key(url: str, settle: bool = True) -> tuple[str, str, str]:
    """(host, path, query) that a page keeps however its site spells a link to it: the URL as the
    crawler spells it (`normalize_url`: tracking parameters, default port and escapes settled) without
    the scheme, a leading `www.` and a trailing slash (`http://www.x.org/a/` and `https://x.org/a`
    are one page). With `settle` False, the key of the URL as it is written."""
    try:
        parts = urlsplit(url)
        if settle and needs_settling(url, parts.path, parts.query):
            parts = urlsplit(normalize_url(url) or url)
    except ValueError:
        return ("", url, "")
    return ((parts.hostname or "").removeprefix("www."), parts.path.rstrip("/"), parts.query)


def needs_settling(url: str, path: str, query: str) -> bool:
    """`normalize_url` may change the key of `url` (whose path and query are given): nothing else
    but its query, escapes, non-ASCII characters and path parameters would change it."""
    return bool(query) or ";" in path or "%" in url or not url.isascii()


# --- which URL is the article's own ----------------------------------------------------------------
# Views of one article under another address: its comments paged (/comment-page-2/, ?cpage=2), a reply
# form (?replytocom=N), AMP (/amp/, ?amp), print and embed views, its comment feed. Publishing systems
# often give such a view a rel=canonical of its own (WordPress: the comment page itself, and with a
# block theme even the article's own page points at its last comment page).
_VIEW_SEGMENT: Final = re.compile(
    r"/(?:comment-page-\d+|amp|print|embed|feed(?:/(?:rss2?|atom|rdf))?)/?$", re.I
)
_VIEW_PARAMS: Final = frozenset(
    ("replytocom", "cpage", "amp", "print", "output", "embed", "feed", "unapproved", "moderation-hash")
)


def is_view_url(url: str) -> bool:
    """True for an address that shows another page's article as a variant view (see above)."""
    return base_of_view(url) != url


def base_of_view(url: str) -> str:
    """The address without the variant-view part: /story/comment-page-2/ -> /story/, ?amp -> ''."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = parts.path
    while True:  # /story/amp/comment-page-2/ sheds both
        match = _VIEW_SEGMENT.search(path)
        if match is None or match.start() == 0:
            break
        path = path[: match.start()] + "/"
    query = parts.query
    if query:
        kept = [p for p in query.split("&") if p.split("=", 1)[0].lower() not in _VIEW_PARAMS]
        query = "&".join(kept)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


@dataclass(frozen=True, slots=True)
class Permalink:
    """The address chosen for an article, and the page's other names for it (its aliases)."""

    url: str
    aliases: tuple[str, ...] = ()


def choose_permalink(
    fetched: str,
    canonical: str | None,
    og_url: str | None = None,
    ld_url: str | None = None,
    shortlink: str | None = None,
) -> Permalink:
    """The article's own address, from the page's evidence.

    rel=canonical wins when it names a page of the site that is not a variant view. When it names a
    view (a comment page, its own or another), or is missing, the page's other declarations of its
    address (og:url, the JSON-LD `url`) are asked, then the canonical or fetched address without the
    view's part. The fetched URL, the canonical, og:url, JSON-LD url and the shortlink (?p=ID), when
    they differ from the choice, are its aliases.
    """
    host = host_of(fetched)
    candidates = [u for u in (canonical, og_url, ld_url) if u and host_of(u) == host]
    url = next((u for u in candidates if not is_view_url(u)), None)
    if url is None:
        url = base_of_view(candidates[0] if candidates else fetched)
    # One spelling per address (crawler/urls.py), as the crawl requests them; each address once
    # (the fetched URL, the canonical and og:url are often one URL).
    others = dict.fromkeys(
        u for u in (fetched, canonical, og_url, ld_url, shortlink) if u and host_of(u) == host
    )
    spelled = {u: normalize_url(u) for u in others}
    url = (spelled[url] if url in spelled else normalize_url(url)) or url.split("#", 1)[0]
    aliases = dict.fromkeys(spelled.values())
    return Permalink(url, tuple(a for a in aliases if a and a != url))


def declared_addresses(
    head_meta_og_url: str | None, ld_article: dict | None, shortlink_href: str | None, base: str
) -> tuple:
    """(og:url, JSON-LD url, shortlink) of a parsed page, each absolute or None (`shortlink_href`: the
    href of its first `<link rel="shortlink">`, as `metadata.read_head` found it)."""
    root_url = site_root(base)
    og_url = absolutize(head_meta_og_url, base, root_url)
    ld_url = None
    if ld_article:
        value = ld_article.get("url") or ld_article.get("mainEntityOfPage")
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        ld_url = absolutize(value, base, root_url) if isinstance(value, str) else None
    return og_url, ld_url, absolutize(shortlink_href, base, root_url)
