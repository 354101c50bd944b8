"""What every `jcrawl` command shares: exit codes, the --archive option, usage errors."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from crawler.crawl import configure_logging
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


def parse_set_options(pairs: list[str]) -> dict[str, str]:
    """`-s NAME=VALUE` options as a settings dict; a usage error for anything else."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-s takes NAME=VALUE, got {pair!r}")
        settings[name] = value
    return settings


def start_logging(archive: Path, quiet: bool) -> bool:
    """Log to DIR/jcrawl.log, and to stderr unless quiet; True when a live progress line is wanted.

    On a terminal the progress line replaces the log lines; under cron (no terminal) they go to stderr.
    """
    interactive = sys.stderr.isatty() and not quiet
    configure_logging(archive, logging.WARNING if interactive or quiet else logging.INFO)
    return interactive


def require_archive(archive: Path) -> None:
    """A usage error when there is no archive at `archive`."""
    if not (archive / DB_NAME).exists():
        raise UsageError(
            f"no archive at {archive} (crawl something first: jcrawl crawl URL --archive {archive})"
        )


def open_store(archive: Path) -> Store:
    """The store of an existing archive; a usage error when there is none."""
    require_archive(archive)
    return Store(archive)
