"""Crawler traps: the rules that keep a crawl from following a site's endless URLs.

A site can generate pages without end: calendars with a "next month" link, pagination past the last
page, session ids or growing query strings that give every visit new URLs, relative links that nest a
path into itself. The spider asks `TrapRules.check(url)` before following a link; a URL that breaks a
rule is not requested and the rule's counter goes up (crawl stats `jcrawl/trap/<rule>`, reported in
the crawl summary). The rules, with their settings (0 turns one off):

- `url_length`: longer than JCRAWL_MAX_URL_LENGTH characters;
- `path_depth`: more than JCRAWL_MAX_PATH_DEPTH path segments;
- `path_repeat`: one path segment more than JCRAWL_MAX_SEGMENT_REPEAT times (/a/b/a/b/a/b/);
- `query_params`: more than JCRAWL_MAX_QUERY_PARAMS query parameters, or a query string longer than
  JCRAWL_MAX_QUERY_LENGTH characters;
- `calendar`: a date (/2031/05/, 2031-05-01, ?year=2031) after next year: nothing is published
  there, only calendars go there (a calendar that runs into the past meets the pattern budget);
- `pattern_budget`: the URL's pattern (digits and token-like strings masked: /list?page=17 ->
  /list?page=N) has already cost JCRAWL_PATTERN_BUDGET (30) fetches that found nothing new. A fetch
  that finds a new article costs nothing, and gives the page that led to it its fetch back, so a
  site whose articles all look like /news/12345 and pagination that keeps leading to new articles
  are crawled whole, while a calendar (whichever way it steps, by a month or a day, in a path
  segment or a query parameter), an endless pagination or session-id copies of known pages are cut
  after tens of fetches.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

RULES = ("url_length", "path_depth", "path_repeat", "query_params", "calendar", "pattern_budget")

_DIGITS = re.compile(r"\d+")
# Session ids and other generated tokens: 16 or more letters and digits, mixed (slugs have hyphens).
_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{16,}(?![A-Za-z0-9])")
# A year and a two-digit month, as dates appear in URLs: /2031/05/, 2031-05 (in a path or a query value).
_YEAR_MONTH = re.compile(r"(?<!\d)((?:19|2\d)\d\d)[-/](0[1-9]|1[0-2])(?!\d)")
_YEAR_PARAM = re.compile(r"(?:^|&)(?:year|yr|y)=(\d{4})(?:&|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ScopeLimits:
    """The rules' thresholds; see the module docstring and crawler/settings.py (0 turns a rule off)."""

    max_url_length: int = 2048
    max_path_depth: int = 16
    max_segment_repeat: int = 2
    max_query_params: int = 12
    max_query_length: int = 512
    pattern_budget: int = 30

    @classmethod
    def from_settings(cls, settings: Any) -> ScopeLimits:
        """The limits named JCRAWL_<FIELD> in Scrapy settings."""
        return cls(**{f.name: settings.getint(f"JCRAWL_{f.name.upper()}") for f in fields(cls)})


def url_pattern(url: str) -> str:
    """The URL with what varies between a trap's pages masked: digits as N, generated tokens as T."""
    parts = urlsplit(url)
    text = parts.path + ("?" + parts.query if parts.query else "")
    return parts.netloc + _DIGITS.sub("N", _TOKEN.sub("T", text))


class TrapRules:
    """Decide which URLs a crawl follows, and count those it does not, by rule."""

    def __init__(self, limits: ScopeLimits, this_year: int | None = None):
        self.limits = limits
        self.latest_year = (this_year or datetime.now(UTC).year) + 1
        self.cut: Counter[str] = Counter()
        self._spent: Counter[str] = Counter()

    def check(self, url: str) -> str | None:
        """The rule `url` breaks (and is then counted under), or None when the crawl may follow it."""
        rule = self._broken_rule(url)
        if rule is not None:
            self.cut[rule] += 1
        return rule

    def fetched(self, url: str, found_article: bool) -> None:
        """Charge a fetch of `url` to its pattern's budget, unless it found a new article."""
        if not found_article:
            self._spent[url_pattern(url)] += 1

    @property
    def spent(self) -> Counter[str]:
        """Fetches charged per URL pattern (a cluster keeps them in Redis, crawler/cluster/scheduler.py)."""
        return self._spent

    def led_to_article(self, url: str) -> None:
        """The page `url` led to a new article: its pattern gets a fetch back."""
        pattern = url_pattern(url)
        if self._spent[pattern] > 0:
            self._spent[pattern] -= 1

    def _broken_rule(self, url: str) -> str | None:
        limits = self.limits
        if limits.max_url_length and len(url) > limits.max_url_length:
            return "url_length"
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if limits.max_path_depth and len(segments) > limits.max_path_depth:
            return "path_depth"
        repeats = Counter(segments).most_common(1)[0][1] if segments else 0
        if limits.max_segment_repeat and repeats > limits.max_segment_repeat:
            return "path_repeat"
        query = parts.query
        if query and (
            (limits.max_query_params and query.count("&") + 1 > limits.max_query_params)
            or (limits.max_query_length and len(query) > limits.max_query_length)
        ):
            return "query_params"
        if self._off_calendar(parts.path, query):
            return "calendar"
        if limits.pattern_budget and self._spent[url_pattern(url)] >= limits.pattern_budget:
            return "pattern_budget"
        return None

    def _off_calendar(self, path: str, query: str) -> bool:
        """True if the URL names a date after next year, where no article can be."""
        years = [int(m.group(1)) for m in _YEAR_MONTH.finditer(path + "?" + query)]
        years += [int(m.group(1)) for m in _YEAR_PARAM.finditer(query)]
        return any(year > self.latest_year for year in years)
