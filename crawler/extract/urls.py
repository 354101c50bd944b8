"""URL helpers used on every anchor of a page, so the common cases avoid `urljoin`."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

_DROP_SCHEMES = ("javascript:", "mailto:", "data:", "tel:", "sms:", "ftp:", "file:", "about:", "blob:")


def host_of(url: str) -> str:
    """Lower-cased host without a leading `www.` (the same site for canonical checks)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


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


def absolutize(href: str | None, base: str, root: str) -> str | None:
    """Absolute http(s) URL for `href` resolved against `base`, fragment dropped; None otherwise.

    `root` is `site_root(base)`, passed in so a page's anchors share one computation.
    """
    if not href:
        return None
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
