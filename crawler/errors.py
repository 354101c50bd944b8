"""The errors that end a `jcrawl` run with exit code 4: the archive or its database cannot be written,
or the database is damaged. Standard library only, so that every command can catch them cheaply."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# SQLite's primary result codes for a file that is not a database, or one whose pages are damaged.
_SQLITE_DAMAGE = {11: "SQLITE_CORRUPT", 26: "SQLITE_NOTADB"}


class FatalError(Exception):
    """The run stopped because it cannot go on safely; the message says why and what to do."""


class DatabaseDamaged(FatalError):
    """`journal.db` is damaged or not a database at all; the message names the file and the fix."""

    def __init__(self, path: Path, detail: str):
        super().__init__(
            f"the database {path} is damaged ({detail}); the WARC files hold everything it indexed: "
            f"`jcrawl reparse --rebuild --archive {path.parent}` moves it aside and rebuilds it from them"
        )
        self.path = path


class DatabaseTooNew(FatalError):
    """`journal.db` was made by a newer jcrawl, whose schema this one does not know."""

    def __init__(self, version: int, known: int):
        super().__init__(
            f"the database's schema is version {version}, made by a newer jcrawl (this one knows up to "
            f"version {known}); update jcrawl to read or write it"
        )


class CrawlFailed(Exception):
    """A crawl could not start or broke off with an unexpected error (a bug): the message names it, and
    its traceback is in DIR/jcrawl.log (`jcrawl` exits 70)."""


def is_read_only(exc: BaseException) -> bool:
    """True for SQLite's "attempt to write a readonly database" (a read-only file or directory)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return (
        isinstance(exc, sqlite3.DatabaseError) and code is not None and code & 0xFF == sqlite3.SQLITE_READONLY
    )


def is_damage(exc: BaseException) -> bool:
    """True for SQLite's "file is not a database" and "database disk image is malformed"."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.DatabaseError) and code is not None and code & 0xFF in _SQLITE_DAMAGE
