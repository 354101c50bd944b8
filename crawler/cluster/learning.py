"""A site's profile learned from every worker's pages, as one process would learn it.

A site may move between workers (a worker killed, stopped, or its lease lost). So that the profile the
site's crawl ends with is what one process crawling the whole site would have learned:

- what the learner counts of each page (`learn.Observation`) goes to Redis (`site:SITE:learned`, a
  list of zlib-compressed batches), sent with the page's acknowledgement, just before it;
  the worker that takes the site over counts them all before its first page (`SharedLearner`), and an
  article counted by one worker is not counted again by the next, which re-fetched it;
- only the worker that finishes the site saves what was learned (`JournalSpider.closed`): a crawl
  stopped midway leaves its learning in Redis for the next holder;
- the evidence the saved profile needs (crawler/site_profiles.py `archive_support`: the site's
  articles that carry a block) is read from every worker's database and the archive's
  (`ClusterStorePipeline`), one row per article URL, as one process's database holds them;
- before a worker crawls a site it adopts the site's newest profile row from those databases
  (`adopt_newest_profile`): it extracts with it, learns on top of it, and numbers the next version after it.
"""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from pathlib import Path

from archive.writer import RecordLocation
from crawler.errors import DatabaseDamaged
from crawler.extract.learn import Observation, ProfileLearner
from crawler.extract.profile import SiteProfile
from crawler.pipelines import StorePipeline
from crawler.store import DB_NAME, Store

logger = logging.getLogger(__name__)


def encode_observations(observations: list[Observation]) -> bytes:
    """A batch of observations as one Redis list element."""
    rows = [[o.url, sorted(o.texts), [list(pair) for pair in o.paths]] for o in observations]
    return zlib.compress(json.dumps(rows, separators=(",", ":")).encode("utf-8"))


def decode_observations(blob: bytes) -> list[Observation]:
    """The observations of a batch `encode_observations` made."""
    rows = json.loads(zlib.decompress(blob))
    return [Observation(url, frozenset(texts), tuple(tuple(p) for p in paths)) for url, texts, paths in rows]


class SharedLearner(ProfileLearner):
    """A ProfileLearner that hands every page it counts to `share` (the site's Redis list)."""

    def __init__(self, profile: SiteProfile | None, share: Callable[[Observation], None]) -> None:
        super().__init__(profile)
        self.share = share

    def load(self, observations: Iterable[Observation]) -> int:
        """Count what other workers observed of the site (not shared again); how many pages counted."""
        before = self.pages
        for seen in observations:
            super().add(seen)
        return self.pages - before

    def add(self, seen: Observation | None) -> None:
        if seen is not None and seen.url not in self.articles:  # counted once, shared once
            self.share(seen)
        super().add(seen)


def site_databases(archive: Path) -> list[Path]:
    """The databases a cluster's archive holds: the archive's own (what `jcrawl ingest` built) and
    each worker's (DIR/workers/ID/journal.db)."""
    return [p for p in (archive / DB_NAME, *sorted(archive.glob(f"workers/*/{DB_NAME}"))) if p.exists()]


def _open_others(own: Store, archive: Path) -> Iterator[Store]:
    """The archive's and the other workers' databases, read-only, one at a time."""
    for path in site_databases(archive):
        if path.resolve() == own.path.resolve():
            continue
        try:
            other = Store(path.parent, read_only=True)
        except (sqlite3.Error, DatabaseDamaged) as exc:  # a worker's database half made: read past it
            logger.warning("Cannot read %s: %s", path, exc)
            continue
        with closing(other):
            yield other


def cluster_article_bodies(own: Store, archive: Path, site: str) -> Iterator[tuple[str, str]]:
    """(body, content_hash) of each of the site's articles in this worker's database, the other
    workers' and the archive's: one per URL (this worker's row first, then the first database of
    `site_databases` that has one: the archive's, then the workers' by name)."""
    urls: set[str] = set()
    for store in itertools.chain([own], _open_others(own, archive)):  # each open while read
        for url, body, content_hash in store.site_article_bodies(site):
            if url not in urls:
                urls.add(url)
                yield body, content_hash


NEWEST_PROFILE = (
    "SELECT version, pages_seen, profile, warc_file, warc_offset, warc_length FROM site_profiles "
    "WHERE site = ? ORDER BY version DESC LIMIT 1"
)


def adopt_newest_profile(own: Store, archive: Path, site: str) -> int:
    """Copy the site's newest profile row of the cluster's databases into `own` when newer than its
    own newest; the version `own` then has (0: none)."""
    ours = own.latest_profile(site)
    newest, version = None, ours[0] if ours else 0
    for store in _open_others(own, archive):
        row = store.conn.execute(NEWEST_PROFILE, (site,)).fetchone()
        if row is not None and row[0] > version:
            newest, version = row, row[0]
    if newest is not None:
        version, pages, profile, file, offset, length = newest
        own.add_profile(site, version, pages, profile, RecordLocation(file, offset, length))
    return version


class ClusterStorePipeline(StorePipeline):
    """The store pipeline of a cluster worker: a learned profile is supported by the articles of every
    worker's database and the archive's, not this worker's alone."""

    def site_bodies(self, site: str) -> Iterator[tuple[str, str]]:
        archive = Path(self.crawler.settings.get("JCRAWL_CLUSTER_ARCHIVE"))
        return cluster_article_bodies(self.store, archive, site)
