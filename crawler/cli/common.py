"""What every `jcrawl` command shares: exit codes, the parser (one-line usage errors, help with examples
and exit codes, --archive before or after the command), logging a run, opening the archive.

Standard library only at import time: `jcrawl search` must not pay for Scrapy, lxml or warcio.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.errors import FatalError

if TYPE_CHECKING:
    from crawler.store import Store

# Documented exit codes (README "Exit codes").
EXIT_OK = 0
EXIT_FETCH_ERRORS = 1
EXIT_PROBLEMS = 1  # `jcrawl verify` found problems
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_FATAL = 4
EXIT_BUG = 70  # an unexpected error: the traceback is in the log (sysexits' EX_SOFTWARE)
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of the output went away (`| head`)
EXIT_INTERRUPTED = 130  # 128 + SIGINT: Ctrl-C, as a shell reports it

EXIT_MEANINGS = {
    EXIT_OK: "done",
    EXIT_USAGE: "usage error: a bad option or value, or no archive at DIR",
    EXIT_LOCKED: "another run (crawl, update, import, reparse, verify) holds the archive; nothing was done",
    EXIT_FATAL: "the archive cannot be written, or it is damaged (the message says what to do)",
    EXIT_INTERRUPTED: "interrupted by Ctrl-C after a clean stop (143: by SIGTERM); the next run resumes",
    EXIT_BUG: "an unexpected error (a bug): the message names the file holding its traceback",
    EXIT_BROKEN_PIPE: "the output's reader went away (`jcrawl export | head`)",
}


def common_exits(*codes: int) -> dict[int, str]:
    """The usual meanings of `codes`, for a command's `exits` beside meanings of its own."""
    return {code: EXIT_MEANINGS[code] for code in codes}


class UsageError(Exception):
    """A command was called wrongly; `jcrawl` prints the message and exits 2."""


def interrupted_exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal: 130 for Ctrl-C, 143 for SIGTERM."""
    return 128 + getattr(exc, "signum", 2)


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line (exit 2) rather than the usage and the error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def archive_option(parser: argparse.ArgumentParser, default: object) -> None:
    """--archive DIR: on the main parser with its real default, on each command with none (SUPPRESS),
    so that it works before or after the command and the later one wins."""
    parser.add_argument(
        "--archive",
        type=Path,
        default=default,
        metavar="DIR",
        help="archive directory holding journal.db and warc/ (default: $JCRAWL_ARCHIVE or ./data)",
    )


def default_archive() -> Path:
    return Path(os.environ.get("JCRAWL_ARCHIVE") or "./data")


def add_command(
    commands: argparse._SubParsersAction,
    name: str,
    summary: str,
    description: str,
    examples: Sequence[str],
    exits: dict[int, str] | Sequence[int],
    run: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    """A subcommand with --archive, a description, examples and its exit codes in its --help.

    `exits` lists the codes the command can end with; a dict gives a code (1) a meaning of its own.
    """
    meanings = {**EXIT_MEANINGS, **(exits if isinstance(exits, dict) else {})}
    codes = "\n".join(f"  {code:<4} {meanings[code]}" for code in sorted(exits))
    parser = commands.add_parser(
        name,
        help=summary,
        description=wrap(description),
        epilog="examples:\n" + "\n".join(f"  {line}" for line in examples) + f"\n\nexit codes:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    archive_option(parser, argparse.SUPPRESS)
    parser.set_defaults(run=run)
    return parser


def wrap(text: str) -> str:
    """A paragraph of help wrapped to 100 columns (the help keeps its examples' lines as written)."""
    return textwrap.fill(text, 100)


def quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print exactly one line (new, changed, unchanged, errors, time; or what went wrong), for cron",
    )


def set_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a setting of crawler/settings.py or Scrapy's (checked: name and type)",
    )


def start_logging(archive: Path, quiet: bool, settings: dict[str, str] | None = None) -> bool:
    """Log the run to DIR/jcrawl.log; True when a live progress line is wanted (a terminal, not quiet).

    Raises FatalError when the archive cannot be written (the log file cannot be opened): before
    anything is done.
    """
    import logging

    from crawler import settings as defaults
    from crawler.run.logs import SILENT, configure_logging

    overrides = settings or {}
    interactive = sys.stderr.isatty() and not quiet
    try:
        archive.mkdir(parents=True, exist_ok=True)
        configure_logging(
            archive,
            SILENT if quiet else logging.WARNING,
            int(overrides.get("JCRAWL_LOG_MAX_BYTES", defaults.JCRAWL_LOG_MAX_BYTES)),
            int(overrides.get("JCRAWL_LOG_BACKUPS", defaults.JCRAWL_LOG_BACKUPS)),
        )
    except OSError as exc:
        raise FatalError(
            f"cannot write to the archive {archive} ({describe_os_error(exc)}); nothing was done"
        ) from None
    return interactive


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def port(text: str) -> int:
    """An argparse type: a TCP port to listen on, 1 to 65535."""
    value = positive(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is at most 65535, got {value}")
    return value


def output_file(text: str) -> Path:
    """An argparse type: a file a command writes, in a folder that exists (checked before any work, so
    a mistyped folder is a usage error, not a failure at the end of a long run)."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text}: it is a folder (name a file in it)")
    if not path.absolute().parent.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text}: there is no folder {path.absolute().parent}")
    return path


def describe_os_error(exc: OSError) -> str:
    """ "cannot open /x/y: Permission denied" rather than "[Errno 13] Permission denied: '/x/y'"."""
    what = exc.strerror or str(exc)
    return f"{exc.filename}: {what}" if exc.filename else what


def unwritable(exc: BaseException) -> bool:
    """True for an OSError that means a file or directory cannot be written (permissions, a read-only
    file system, a full disk)."""
    return isinstance(exc, OSError) and exc.errno in (
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.ENOSPC,
        errno.EDQUOT,
    )


def require_archive(archive: Path) -> None:
    """A usage error when there is no archive at `archive`."""
    from crawler.store import DB_NAME

    if not (archive / DB_NAME).exists():
        raise UsageError(
            f"no archive at {archive} (crawl something first: jcrawl crawl URL --archive {archive})"
        )


def open_store(archive: Path) -> Store:
    """The store of an existing archive, opened read-only; a usage error when there is none."""
    from crawler.store import Store

    require_archive(archive)
    return Store(archive, read_only=True)
