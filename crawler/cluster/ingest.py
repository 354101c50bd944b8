"""`jcrawl ingest`: the archive's one database writer in a cluster.

Workers write WARC files only into the archive (their own databases are their working state); this
indexes and extracts every record of those files that `journal.db` does not hold yet, as `jcrawl
reparse` would (the same ingest, the site profiles archived in the files, the sites from their
warcinfo records), so the archive's database is what one process would have built from the same
captures. Files still being written by a live worker (`.open`) wait for the next ingest; those a dead
worker left open are first cut back to their last whole record and closed, as after any kill.

The sitemap `lastmod` of each page as of its last fetch, which tells the next `jcrawl update` which
known articles changed, is not in the WARC files: it is read from the workers' own databases
(DIR/workers/*/journal.db), the latest date of each URL kept.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import redis

from archive.ingest import CrawlsFromWarcinfo, IngestResult, ProfilesBySite, ingest
from archive.reader import warc_files
from archive.reparse import archived_profiles, restore_profile_rows, restore_sites
from archive.writer import OPEN_SUFFIX, file_prefix
from crawler.cluster.sites import workers
from crawler.cluster.worker import worker_of
from crawler.run.recovery import recover_warc_files
from crawler.store import DB_NAME, Store


def dead_workers_files(store: Store, client: redis.Redis) -> tuple[list[str], list[str]]:
    """Close the WARC files workers no longer alive left open; (what was done, the live workers'
    open files, left for the next ingest)."""
    alive = set(workers(client))
    done, waiting = [], []
    directory = store.warc_dir
    for path in sorted(directory.glob("*" + OPEN_SUFFIX)) if directory.exists() else []:
        worker = worker_of(file_prefix(path.name) or "")
        if worker is None:
            continue
        if worker in alive:
            waiting.append(path.name)
        else:
            done += recover_warc_files(store, path.name.removesuffix(OPEN_SUFFIX))
    return done, waiting


def ingest_cluster(store: Store, client: redis.Redis) -> tuple[IngestResult, list[str], list[str]]:
    """Index and extract the records of the archive's closed WARC files not in the store yet.

    Returns the ingest's result, the files recovered from dead workers, the files left for later."""
    recovered, waiting = dead_workers_files(store, client)
    gather_lastmods(store)
    paths = warc_files(store.warc_dir, unfinished=False)
    restore_sites(store, paths)
    profiles = archived_profiles(paths)
    restore_profile_rows(store, profiles)
    newest = {name: max(versions, key=lambda v: v[0].version)[0] for name, versions in profiles.items()}
    with CrawlsFromWarcinfo(store, source="reparse") as crawls:
        result = ingest(
            store, paths, crawls, known=store.capture_offsets, profile_for=ProfilesBySite(newest.get)
        )
    return result, recovered, waiting


def gather_lastmods(store: Store) -> int:
    """Copy the workers' sitemap lastmods into the store (the latest of each URL); how many rows read."""
    rows: list[tuple[str, str]] = []
    for db in sorted(store.archive.glob("workers/*/" + DB_NAME)):
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            try:
                rows += conn.execute("SELECT url, lastmod FROM sitemap_lastmod").fetchall()
            except sqlite3.OperationalError:  # a worker that never got as far as its schema
                continue
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO sitemap_lastmod (url, lastmod) VALUES (?, ?) "
            "ON CONFLICT(url) DO UPDATE SET lastmod = max(lastmod, excluded.lastmod)",
            rows,
        )
    return len(rows)
