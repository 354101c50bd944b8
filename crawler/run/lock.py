"""One writer per archive: `jcrawl crawl`, `update`, `import` and `reparse` hold `DIR/jcrawl.lock`
exclusively while they run; `verify` holds it shared (it only reads, but a crawl's files and rows are
not whole until it ends), so readers never block one another and a writer waits for none of them.

The lock is an advisory `flock` on the file, so the kernel drops it when the process ends, however it
ends: a run killed with SIGKILL never leaves a stale lock behind. A writer writes its pid, command and
start time into the file, for the message the next run gives. A reader creates and writes nothing:
it opens the file read-only (there is no lock to check where no writer ever made the file), so a
read-only copy of an archive can be verified.
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
    """Context manager: hold the archive's lock (shared, for a reader), or raise ArchiveLocked at once."""

    def __init__(self, archive: str | Path, purpose: str, shared: bool = False):
        self.path = Path(archive) / LOCK_FILE
        self.purpose = purpose  # what the holder does, e.g. "jcrawl update"
        self.shared = shared
        self.fd: int | None = None

    def __enter__(self) -> ArchiveLock:
        if self.shared:
            try:
                fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:  # no writer ever ran here
                return self
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise ArchiveLocked(
                f"the archive {self.path.parent} is in use by {holder}; nothing was done "
                "(a run that is killed releases the lock at once, so try again later)"
            ) from None
        if not self.shared:
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


def _holder(fd: int) -> str:
    """Who holds the lock: the writer the file names if it still runs, else a reader (`verify`)."""
    said = os.pread(fd, 1000, 0).decode("utf-8", "replace").strip()
    words = said.split()
    if len(words) > 1 and words[0] == "pid" and words[1].isdigit():
        try:
            os.kill(int(words[1]), 0)
            return said
        except ProcessLookupError:
            pass
        except PermissionError:  # alive, another user's
            return said
    return "another process (a reader such as jcrawl verify)"
