"""URL normalisation: one spelling per page, so each article is fetched and stored once."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# Query parameters that only track the visitor; they never select different content.
TRACKING_PARAM = re.compile(
    r"^(utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|"
    r"ref_src|ref_url|share|shared|cmpid|ncid|__twitter_impression|wt_mc|wt\.mc_id)$",
    re.IGNORECASE,
)
# Session ids that some servers put into URLs (query or ;path parameters).
SESSION_PARAM = re.compile(
    r"^(phpsessid|jsessionid|sid|sessionid|session_id|aspsessionid\w*|cfid|cftoken)$", re.I
)
PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sessionid)=[^/?#]*", re.IGNORECASE)
# A percent-escape, and the characters RFC 3986 calls unreserved (never need escaping).
PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# A host name after IDNA encoding (letters, digits, hyphens, dots; underscores occur), or an IPv6 address.
HOST = re.compile(r"[a-z0-9._-]+|[0-9a-f:.]+", re.ASCII)
# The authority of an absolute URL (as urlsplit finds it: up to the path, query or fragment).
AUTHORITY = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)")
DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Return the canonical absolute form of `url` (joined with `base`), or None if it is not http(s).

    Lower-cases scheme and host, encodes IDNs and unsafe characters, writes percent-escapes one way
    (upper-case hex; unreserved characters unescaped: /caf%c3%a9 and /café are /caf%C3%A9, /%7Euser
    is /~user), drops the default port, the fragment, tracking and session parameters, and gives an
    empty path as "/", resolves dot segments (/a/./b/../c is /a/c). Query order is kept: some sites
    give parameter order meaning.
    """
    url = url.strip()
    if base is not None:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        if not url.isascii() or " " in url or "%" in url:
            url = safe_url_string(url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, a broken IPv6 address, an undecodable host
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not HOST.fullmatch(parts.hostname or ""):
        return None  # not http(s), or no host name a resolver could look up
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    if "/." in path:  # dot segments, which browsers resolve in any URL, not only in relative ones
        path = _without_dot_segments(path)
    if ";" in path:
        path = PATH_SESSION.sub("", path)
    query = parts.query
    if "%" in url:
        path, query = _normalize_escapes(path), _normalize_escapes(query)
    if query:
        query = "&".join(
            pair for pair in query.split("&") if pair and not _dropped_param(pair.split("=", 1)[0])
        )
    return urlunsplit((scheme, netloc, path, query, ""))


def _without_dot_segments(path: str) -> str:
    """An absolute path without its "." and ".." segments (RFC 3986 section 5.2.4: ".." at the root
    stays at the root, a path ending in one names a directory)."""
    segments = path.split("/")  # (the first is the empty one before the leading "/")
    kept: list[str] = []
    for segment in segments[1:]:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in (".", ".."):
        kept.append("")
    return "/" + "/".join(kept)


def _normalize_escapes(text: str) -> str:
    return PERCENT_ESCAPE.sub(_normalize_escape, text)


def _normalize_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in UNRESERVED else "%" + match.group(1).upper()


def _dropped_param(name: str) -> bool:
    return bool(TRACKING_PARAM.match(name) or SESSION_PARAM.match(name))


def may_name_host(href: str, host: str) -> bool:
    """False when the absolute link `href` cannot normalise to a URL on `host` (a host name in lower
    case): a cheap test before `normalize_url` for links that leave a site (share buttons, other
    sites). Normalising changes no more than the case of the authority (`//user@host:port`) of
    printable ASCII text without percent-escapes (IDNA and escapes only touch other text), so such an
    `href` whose authority lacks `host` is elsewhere; any other `href` may be on `host`."""
    if not (href.isascii() and href.isprintable()) or "%" in href:
        return True
    authority = AUTHORITY.match(href)
    return authority is None or host in authority[1].lower()


def site_of(url: str) -> str:
    """The site a URL belongs to: host and port, without a leading `www.`."""
    netloc = urlsplit(url).netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


def is_loopback(host: str | None) -> bool:
    """True for the local machine's own addresses (our test and demo servers)."""
    return bool(host) and (host in LOOPBACK_HOSTS or host.startswith("127."))
