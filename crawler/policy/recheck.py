"""When `jcrawl update` fetches a known page again: the recheck policy.

An update fetches every run what can lead to new articles, and known articles only when they are due:

- the start pages, the pages they link to, robots.txt, sitemaps and feeds: every run, in full;
- new URLs: in full;
- a known article: when the time since its last fetch reaches the interval for its age (days since
  publication, JCRAWL_RECHECK_ARTICLES: by default every run in its first 2 days, daily up to 30 days,
  weekly up to a year, then every 30 days), or when its sitemap `lastmod` changed. Its age is read
  as the youngest its publication date allows: a date without a time is the end of that day, in the
  site's time zone (the UTC offset most of its articles give), so no article is rechecked later
  than its age calls for;
- other known pages (deeper listing pages, redirects, error pages): every JCRAWL_RECHECK_PAGES days
  (7), or when their sitemap `lastmod` changed; a page whose last answer was a 5xx: every run.

Known pages are asked for conditionally (If-None-Match / If-Modified-Since from the stored ETag and
Last-Modified), so an unchanged one costs a 304.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from scrapy.settings import BaseSettings

DAY = 86400.0
OLDER = "older"


class PolicyError(ValueError):
    """A recheck setting cannot be read; the message says what it should look like."""


@dataclass(frozen=True, slots=True)
class RecheckPolicy:
    """Intervals in days: `articles` as (age below, interval) pairs, youngest first, then `older`."""

    articles: tuple[tuple[float, float], ...]
    older: float
    pages: float

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RecheckPolicy:
        """From JCRAWL_RECHECK_ARTICLES ({age: interval} in days, "older" for the rest) and
        JCRAWL_RECHECK_PAGES; raises PolicyError when one cannot be read."""
        try:
            table = settings.getdict("JCRAWL_RECHECK_ARTICLES")
            older = float(table.get(OLDER, 0))
            articles = tuple(sorted((float(age), float(days)) for age, days in table.items() if age != OLDER))
            pages = settings.getfloat("JCRAWL_RECHECK_PAGES")
        except (TypeError, ValueError, AttributeError):
            raise PolicyError(
                "JCRAWL_RECHECK_ARTICLES must map ages to intervals in days, e.g. "
                f'{{"2": 0, "30": 1, "{OLDER}": 7}}, and JCRAWL_RECHECK_PAGES must be a number of days'
            ) from None
        return cls(articles, older, pages)

    def article_interval(self, age_days: float) -> float:
        """Days between two fetches of an article `age_days` old."""
        return next((days for age, days in self.articles if age_days < age), self.older)

    def article_due(self, born: str, last_fetch: str, now: datetime) -> bool:
        """Whether an article published (or, without a date, first seen) at `born`, last fetched at
        `last_fetch` (both ISO 8601), is due at `now`."""
        age = (now - (parse_time(born) or now)).total_seconds() / DAY
        return self._elapsed(last_fetch, now) >= self.article_interval(age)

    def page_due(self, last_fetch: str, now: datetime) -> bool:
        """Whether another known page, last fetched at `last_fetch`, is due at `now`."""
        return self._elapsed(last_fetch, now) >= self.pages

    @staticmethod
    def _elapsed(last_fetch: str, now: datetime) -> float:
        """Days since `last_fetch`."""
        return (now - (parse_time(last_fetch) or now)).total_seconds() / DAY


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Where no article of the site says its UTC offset, a date is read in the last time zone to reach its
# end (UTC-12): an article is never taken for older than it can be.
_LATEST_ZONE = timezone(timedelta(hours=-12))


def site_zone(published: Iterable[str | None]) -> timezone | None:
    """The site's UTC offset: the most common one among its articles' publication times."""
    offsets: Counter[timedelta] = Counter()
    for value in published:
        parsed = _aware(value)
        if parsed is not None:
            offsets[parsed.utcoffset() or timedelta(0)] += 1
    return timezone(offsets.most_common(1)[0][0]) if offsets else None


def youngest_reading(published: str, zone: timezone | None) -> str:
    """`published` as the latest instant it can mean: a date alone is the end of that day, a time
    without an offset is in the site's zone (`zone`, see `site_zone`; unknown: UTC-12)."""
    text = published.strip()
    zone = zone or _LATEST_ZONE
    if _DATE_ONLY.match(text):
        return datetime.fromisoformat(text + "T23:59:59").replace(tzinfo=zone).isoformat()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return published
    return (value if value.tzinfo else value.replace(tzinfo=zone)).isoformat()


def _aware(text: str | None) -> datetime | None:
    if not text or "T" not in text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else None


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 date or time (a `Z`, an offset or none, taken as UTC) as an aware datetime."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
