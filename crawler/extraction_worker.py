"""What an extraction worker runs (crawler/extraction_pool.py is the crawler's side of the pool): a
page's extraction and what the crawl needs beside it, and the loop serving the crawler's batches.

The workers' forkserver imports this module once for all of them (crawler/extraction_preload.py), so
it imports what a worker needs and no more: neither asyncio nor the pool's machinery, which only the
crawler's process runs.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from crawler.extensions.gc_tuning import tune_gc
from crawler.extract.article import extract_page
from crawler.extract.learn import Observation, observation
from crawler.extract.memo import remember
from crawler.extract.model import Article, Link, text_measures
from crawler.extract.profile import SiteProfile
from crawler.spidermiddlewares.requisite_urls import page_requisites
from crawler.store.texts import pack

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


@dataclass(slots=True)
class PageExtraction:
    """What the crawl needs of one extracted page."""

    article: Article
    observation: Observation | None  # for the site-profile learner (None when it does not learn)
    pid: int  # of the process that extracted it
    # The article's (word_count, content_hash), computed beside the extraction (None: not an article).
    measures: tuple[int, str] | None = None
    # The URLs the page needs to replay (crawler/spidermiddlewares/requisite_urls.py), if asked for.
    requisites: list[str] | None = None
    # The article's text as the store keeps it (crawler/store/texts.py: compressed), packed beside the
    # extraction, off the crawler's process (None: not an article).
    stored_text: tuple[Any, ...] | None = None

    def __reduce__(self) -> tuple[Callable[..., PageExtraction], tuple[Any, ...]]:
        # The article as its fields, its links as four columns of strings: a page has dozens of links,
        # and each Link pickled alone costs a call each way (its __reduce__, then a REDUCE). The
        # observation as its fields too: a frozen dataclass's own pickled state is set back field by
        # field, twice the cost of making it anew.
        fields = [getattr(self.article, name) for name in Article.__slots__]
        links = self.article.links
        fields[_LINKS] = (
            [link.url for link in links],
            [link.kind for link in links],
            [link.text for link in links],
            [link.rel for link in links],
        )
        seen = self.observation
        observed = None if seen is None else [getattr(seen, name) for name in Observation.__slots__]
        return _unpickled, (fields, observed, self.pid, self.measures, self.requisites, self.stored_text)


_LINKS = Article.__slots__.index("links")
# The Links made from the workers' results, by their fields: a site's pages repeat most of their links
# (menus, sidebars, lists of recent articles: three in four on the bench site), and a Link (frozen, its
# slots set through their descriptors) costs about six times as much to make as to look up here. Links
# are immutable, so pages share them. Emptied at these many (memo.remember).
MAX_LINKS = 10_000
_LINK_MEMO: dict[tuple[str, str, str, str], Link] = {}


def _unpickled(fields: list[Any], observed: list[Any] | None, *rest: Any) -> PageExtraction:
    """A PageExtraction from what its `__reduce__` gave."""
    memo = _LINK_MEMO
    # (a Link is always true: `or` makes one only for fields not seen before)
    fields[_LINKS] = [memo.get(link) or _new_link(link) for link in zip(*fields[_LINKS], strict=True)]
    return PageExtraction(Article(*fields), None if observed is None else Observation(*observed), *rest)


def _new_link(fields: tuple[str, str, str, str]) -> Link:
    return remember(_LINK_MEMO, fields, Link(*fields), MAX_LINKS)


class PageTask(NamedTuple):
    """A page to extract: the arguments of `extract_for_crawl` (a worker is sent it, its profile None
    when the worker has it already)."""

    body: bytes
    url: str
    headers: Mapping[str, str]
    profile: SiteProfile | None
    learn: bool
    requisites: bool = False


def extract_for_crawl(
    body: bytes,
    url: str,
    headers: Mapping[str, str],
    profile: SiteProfile,
    learn: bool,
    requisites: bool = False,
) -> PageExtraction:
    """Extract one page (crawler/extract/), and what the learner counts of it if `learn`, and the URLs
    of its requisites if `requisites`. Pure."""
    extraction = extract_page(body, url, headers, profile)
    article = extraction.article
    return PageExtraction(
        article,
        observation(extraction) if learn else None,
        os.getpid(),
        text_measures(article) if article.is_article else None,
        page_requisites(body, url) if requisites else None,
        pack(article.body, article.body_html, article.lead) if article.is_article else None,
    )


def serve(tasks: Connection, results: Connection, crawler: int, gc_threshold: int) -> None:
    """A worker: extract each batch of pages `tasks` brings (a list of PageTask, a profile None meaning
    the last page's profile), send back the list of their PageExtraction on `results`; end when `tasks`
    ends. The garbage collector is tuned as the crawler's (`gc_threshold`: JCRAWL_GC_THRESHOLD).
    """
    _worker_started(crawler)
    tune_gc(gc_threshold)
    profile = None
    while True:
        try:
            batch: list[PageTask] = pickle.loads(tasks.recv_bytes())
        except (EOFError, OSError):  # the crawler closed the pipe, or is gone
            return
        pages = []
        for task in batch:
            profile = task.profile if task.profile is not None else profile
            pages.append(extract_for_crawl(*task._replace(profile=profile)))
        results.send_bytes(pickle.dumps(pages, pickle.HIGHEST_PROTOCOL))


def _worker_started(crawler: int) -> None:
    """In each worker: Ctrl-C is the crawler's to handle; the worker ends when the crawler process
    `crawler` does, however it ends (nothing else tells it: its parent is the forkserver)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(crawler,), daemon=True).start()


def _exit_with(pid: int) -> None:
    """Wait until process `pid` ends, then end this process."""
    try:
        with os.fdopen(os.pidfd_open(pid)) as process:  # readable once the process has ended
            select.select([process], [], [])
    except (AttributeError, OSError):  # no pidfd (not Linux 5.3+), or the process is gone already
        while _alive(pid):
            time.sleep(1)
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True
