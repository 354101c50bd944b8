"""The crawl's frontier: every URL a crawl requested or set aside, kept out of the crawler's memory
and persisted, so that memory stays flat however large the site and a killed crawl resumes.

- `backend`: the interface of where a frontier is kept (push, pop, ack, mark, seen, flush), and
  `MemoryFrontier`, its reference implementation;
- `sqlite`: the embedded backend, the archive's `frontier` table;
- `scheduler`: the Scrapy scheduler over a backend (SCHEDULER), also the duplicate filter;
- `middleware`: which requests are frontier entries, and when a page is done.

The spider's bounded memory of the URLs it has seen (crawler/policy/seen.py) asks the backend what it forgot.
"""

from crawler.frontier.backend import (
    FOUND_ON_KEY,
    FRONTIER_KEY,
    RECHECK_KEY,
    FrontierBackend,
    FrontierEntry,
    frontier_of,
)
from crawler.frontier.middleware import FrontierMiddleware
from crawler.frontier.scheduler import FrontierScheduler

__all__ = [
    "FOUND_ON_KEY",
    "FRONTIER_KEY",
    "RECHECK_KEY",
    "FrontierBackend",
    "FrontierEntry",
    "FrontierMiddleware",
    "FrontierScheduler",
    "frontier_of",
]
