"""One run per archive: `jcrawl crawl`, `update`, `import`, `reparse` and `verify` hold `DIR/jcrawl.lock`
while they run (verify only reads, but a crawl's files and rows are not whole until it ends).

The lock is an advisory `flock` on the file, so the kernel drops it when the process ends, however it
ends: a run killed with SIGKILL never leaves a stale lock behind. The file holds the holder's pid,
command and start time, for the message the next run gives.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from crawler.store import utc_now

LOCK_FILE = "jcrawl.lock"


class ArchiveLocked(Exception):
    """Another process holds the archive's lock; the message names it (`jcrawl` exits 3)."""


class ArchiveLock:
    """Context manager: hold the archive's lock, or raise ArchiveLocked at once."""

    def __init__(self, archive: str | Path, purpose: str):
        self.path = Path(archive) / LOCK_FILE
        self.purpose = purpose  # what the holder does, e.g. "jcrawl update"
        self.fd: int | None = None

    def __enter__(self) -> ArchiveLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 1000, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise ArchiveLocked(
                f"the archive {self.path.parent} is in use by {holder}; nothing was done "
                "(a run that is killed releases the lock at once, so try again later)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} ({self.purpose}, since {utc_now()})\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the flock
            self.fd = None
