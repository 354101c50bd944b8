"""How `jcrawl` writes counts in its sentences."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """ "1 WARC file", "2 WARC files", "1,200 pages"."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def besides_http_errors(count: int) -> str:
    """What follows an error count: the pages that answered 404 and the like, which are recorded in
    `errors` (kind http) but are not errors of the crawl: " (besides 2 pages answering 404 or ...)"."""
    return f" (besides {plural(count, 'page')} answering 404 or another HTTP error)" if count else ""
