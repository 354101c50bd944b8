"""What a crawl's requests went to, by kind: the crawl stats `jcrawl/requests/<kind>`.

The spider counts each response by what it turned out to be: `article` (an article page, or a 304
for a known one), `listing` (a page that is not an article but links to articles: home, sections,
archives, pagination), `feed` (feeds, sitemaps and robots.txt). Other parts of the crawler may count
kinds of their own the same way (`count_request`): `requisite` (a stylesheet, script, image or font a
page needs to replay, crawler/spidermiddlewares/requisites.py). When the crawl ends, `other` is set to
every request the downloader sent that no kind claimed: redirects, errors, pages leading to no
article. The useful share is that of the page requests (requisites left out): what went to articles,
listings and feeds.
"""

from __future__ import annotations

from typing import Any

PREFIX = "jcrawl/requests/"
# The kinds that serve the crawl's purpose: what the crawl summary calls useful.
USEFUL = ("article", "listing", "feed")
OTHER = "other"
REQUISITE = "requisite"
# Crawl stat: responses handed out again, not fetched (a host's robots.txt, asked for by the spider
# after the rules' fetch: crawler/downloadermiddlewares/robotstxt.py). Scrapy counts them as received.
REUSED = "jcrawl/responses_reused"


def count_request(stats: Any, kind: str) -> None:
    """One more request of `kind`."""
    stats.inc_value(PREFIX + kind)


def request_counts(stats: dict[str, Any]) -> dict[str, int]:
    """kind -> requests, from a crawl's stats."""
    return {key[len(PREFIX) :]: int(value) for key, value in stats.items() if key.startswith(PREFIX)}


def settle_request_counts(stats: Any) -> None:
    """Set `other`: the requests sent (downloader/request_count) that no kind claimed."""
    counts = request_counts(stats.get_stats())
    claimed = sum(n for kind, n in counts.items() if kind != OTHER)
    sent = stats.get_value("downloader/request_count", 0)
    stats.set_value(PREFIX + OTHER, max(0, sent - claimed))


def pages_fetched(stats: dict[str, Any]) -> int:
    """The responses a crawl fetched: those Scrapy counts as received, less those handed out again."""
    return stats.get("response_received_count", 0) - stats.get(REUSED, 0)


def useful_share(counts: dict[str, int]) -> float:
    """The share of page requests (all but requisites) that went to articles, listings and feeds."""
    pages = sum(n for kind, n in counts.items() if kind != REQUISITE)
    return sum(counts.get(k, 0) for k in USEFUL) / pages if pages else 0.0
