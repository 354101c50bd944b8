"""What every `jcrawl` command shares: exit codes, the --archive option, usage errors."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from crawler.store import DB_NAME, Store

# Documented exit codes (README "Exit codes").
EXIT_OK = 0
EXIT_FETCH_ERRORS = 1
EXIT_PROBLEMS = 1  # `jcrawl verify` found problems
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_FATAL = 4


class UsageError(Exception):
    """A command was called wrongly; `jcrawl` prints the message and exits 2."""


def archive_option() -> argparse.ArgumentParser:
    """A parent parser with the --archive option every command takes."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--archive",
        type=Path,
        default=Path(os.environ.get("JCRAWL_ARCHIVE") or "./data"),
        metavar="DIR",
        help="archive directory holding journal.db and warc/ (default: $JCRAWL_ARCHIVE or ./data)",
    )
    return parent


def open_store(archive: Path) -> Store:
    """The store of an existing archive; a usage error when there is none."""
    if not (archive / DB_NAME).exists():
        raise UsageError(
            f"no archive at {archive} (crawl something first: jcrawl crawl URL --archive {archive})"
        )
    return Store(archive)
