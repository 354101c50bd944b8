"""What `crawl` and `update` are given: `-s NAME=VALUE` settings checked by name and type, and the
start URL checked before anything starts (a usage error, exit 2, rather than a traceback from inside
Scrapy or a setting stored with the site and silently ignored)."""

from __future__ import annotations

import re
from typing import Any

from crawler.cli.common import UsageError

# The start of a URL given without its scheme: a domain name, localhost or an IPv4 address.
HOST_LIKE = re.compile(r"[\w-]+(\.[\w-]+)*\.[a-z]{2,}\b|localhost\b|\d+\.\d+\.\d+\.\d+", re.IGNORECASE)
# What each kind of default takes, in the words of the message.
EXPECTED = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    dict: 'a JSON object, e.g. {"key": 1}',
}
# Settings the crawler is built around: the only value each can take, and why.
FIXED = {
    "TWISTED_REACTOR": (
        "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "the spider and the extraction pool await asyncio futures",
    ),
}


def known_settings() -> dict[str, Any]:
    """Every setting's default: Scrapy's, with the project's (crawler/settings.py) over them."""
    from scrapy.settings import default_settings

    from crawler import settings

    return {
        name: getattr(module, name)
        for module in (default_settings, settings)
        for name in dir(module)
        if name.isupper()
    }


def parse_set_options(pairs: list[str]) -> dict[str, str]:
    """`-s NAME=VALUE` options as a settings dict. A usage error for a pair without `=`, a name no
    setting has (naming the closest one) and a value its setting cannot take (naming the type)."""
    import difflib

    known = known_settings()
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s takes NAME=VALUE, got {pair!r}")
        if name not in known:
            close = difflib.get_close_matches(name.upper(), known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else " (see crawler/settings.py)"
            raise UsageError(f"-s {pair}: there is no setting {name}{hint}")
        if name in FIXED and value != FIXED[name][0]:
            raise UsageError(f"-s {pair}: jcrawl runs only with {name}={FIXED[name][0]} ({FIXED[name][1]})")
        if not _fits(known[name], value):
            raise UsageError(f"-s {pair}: {name} takes {EXPECTED[type(known[name])]}, not {value!r}")
        settings[name] = value
    return settings


def _fits(default: Any, value: str) -> bool:
    """Whether `value` reads as the type of `default`, as Scrapy's Settings.get* will read it."""
    kind = type(default)
    if kind not in EXPECTED:  # strings, lists (comma-separated), None: any text
        return True
    if kind is bool:
        return value in ("true", "false", "True", "False", "1", "0")  # what Settings.getbool reads
    if kind is dict:
        import json

        try:
            return isinstance(json.loads(value), dict)
        except ValueError:
            return False
    try:
        kind(value)
    except ValueError:
        return False
    return True


def check_url(url: str) -> None:
    """A usage error for a start URL that is not http(s), with the URL it probably meant."""
    from crawler.urls import normalize_url

    if normalize_url(url) is not None:
        return
    meant = normalize_url(f"http://{url}") if "://" not in url and HOST_LIKE.match(url) else None
    hint = f" (did you mean {meant}?)" if meant else ""
    raise UsageError(f"not an http(s) URL: {url!r}{hint}")
