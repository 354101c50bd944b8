"""After a killed run: WARC files cut back to their last whole record; the interrupted crawl resumed.

A run killed at any moment (SIGKILL, a power cut) leaves at worst:

- `.open` WARC files, the last of which may end in a partly written record. The next run (holding
  the archive lock, so no writer is alive) cuts each back to the end of its last whole gzip member
  and renames it to its final name, so every file is valid WARC again;
- whole records without a `captures` row (written, then killed before their batch was committed):
  orphan records. They stay: valid WARC the store does not index, the page is fetched again, and a
  rebuild of the store from the WARC files finds them;
- a `crawls` row without `finished_at`: the next `jcrawl crawl` of that site, or `jcrawl update`,
  resumes it from its persisted frontier (crawler/frontier/).

The store never points at bytes that are not on disk: a record is written to the file (unbuffered)
before the row that locates it is committed, so cutting a file back never cuts a located record.
"""

from __future__ import annotations

import logging
import os
from typing import Any, BinaryIO

from archive.members import Unreadable, gzip_members
from archive.writer import OPEN_SUFFIX
from crawler.store import Store
from crawler.urls import site_of

logger = logging.getLogger(__name__)


def recover_warc_files(store: Store, pattern: str = "*") -> list[str]:
    """Close every `.open` WARC file of the archive at its last whole record; say what was done.

    `pattern`: only the files whose name matches it (a cluster worker's own: crawler/cluster/)."""
    done = []
    directory = store.warc_dir
    for path in sorted(directory.glob(pattern + OPEN_SUFFIX)) if directory.exists() else []:
        name = path.name.removesuffix(OPEN_SUFFIX)
        # Records the store locates are whole; only what follows the last of them needs checking.
        (known_end,) = store.conn.execute(
            "SELECT COALESCE(MAX(warc_offset + warc_length), 0) FROM captures WHERE warc_file = ?", (name,)
        ).fetchone()
        size = path.stat().st_size
        if known_end > size:  # rows beyond the file: bytes lost below us (a power cut); `verify` lists them
            logger.error(
                "%s: the store locates records beyond its end (%d > %d bytes)", path.name, known_end, size
            )
            known_end = 0
        with open(path, "r+b") as f:
            end = whole_records_end(f, known_end)
            f.truncate(end)
            os.fsync(f.fileno())
        cut = f"cut {size - end:,} bytes of a partly written record" if end < size else "whole"
        if end == 0:
            path.unlink()
            done.append(f"{path.name}: no whole record, removed")
        else:
            os.replace(path, directory / name)
            done.append(f"{path.name}: {cut}, closed as {name}")
    for line in done:
        logger.warning("Recovered after an interrupted run: %s", line)
    return done


def whole_records_end(f: BinaryIO, start: int) -> int:
    """The offset after the last whole gzip member (holding a WARC record) from `start` on: the
    archive's one gzip-member scanner, stopping at the torn end of a write."""
    end = start
    for member in gzip_members(f, start, accept=lambda data: data[:5] == b"WARC/", resume=False):
        if isinstance(member, Unreadable):
            break
        end = member.offset + member.length
    return end


def crawl_to_resume(store: Store, site: str, kinds: tuple[str, ...]) -> dict[str, Any] | None:
    """The site's interrupted crawl of one of `kinds` (crawl, update) to resume, or None.

    Any other interrupted crawl of the site is closed as superseded: a new full crawl does what an
    interrupted update had left, and only the latest interrupted run is resumed.
    """
    interrupted = [c for c in store.interrupted_crawls() if site_of(c["start_url"] or "") == site]
    resume = interrupted[-1] if interrupted and interrupted[-1]["kind"] in kinds else None
    for crawl in interrupted:
        if crawl is not resume:
            store.finish_crawl(crawl["id"], {"finish_reason": "superseded"})
            logger.warning(
                "Crawl #%d of %s was interrupted; closed, as a new run does its work", crawl["id"], site
            )
    if resume is not None:
        logger.warning(
            "Resuming crawl #%d of %s, interrupted (started %s)", resume["id"], site, resume["started_at"]
        )
    return resume
