"""The `jcrawl` parser and dispatch: each command module registers its subcommands (importing only the
standard library: each command imports what it needs when it runs), and every error a command can
meet ends as one line on stderr and a documented exit code."""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from crawler import __version__, interrupts
from crawler.cli import archive, cluster, crawl, demo, extract, query, report, serve, update
from crawler.cli.common import (
    EXIT_BUG,
    EXIT_FATAL,
    EXIT_FETCH_ERRORS,
    EXIT_LOCKED,
    EXIT_MEANINGS,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    UsageError,
    archive_option,
    default_archive,
    describe_os_error,
    interrupted_exit_code,
    unwritable,
    wrap,
)
from crawler.errors import CrawlFailed, DatabaseDamaged, FatalError, is_damage, is_read_only
from crawler.run.lock import ArchiveLocked
from crawler.run.logs import LOG_FILE
from crawler.store import DB_NAME

MAX_LINE = 2000  # characters of an error line (a quoted query can be long)
# The module that registers each command (tests/test_help.py checks it against what they register), in
# the order `jcrawl --help` lists them.
COMMAND_MODULE = {
    "crawl": crawl,
    "update": update,
    "demo": demo,
    **dict.fromkeys(("search", "show", "export", "stats", "history"), query),
    "extract": extract,
    **dict.fromkeys(("import", "verify", "index", "wacz", "reparse"), archive),
    "serve": serve,
    "report": report,
    **dict.fromkeys(("worker", "cluster", "ingest"), cluster),
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMAND_MODULE.values()))
EXAMPLES = (
    "jcrawl demo                                   # a sample journal on 127.0.0.1, crawled into ./data",
    "jcrawl crawl https://journal.example/ --archive ~/journals",
    "jcrawl --archive ~/journals search 'phosphate NEAR(exports)'",
    "jcrawl update --quiet                         # from cron",
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The `jcrawl` parser. For the command line `argv` of a command, only the commands of that
    command's module are registered: building every command's parser cost each run some 45 M
    instructions (callgrind), the crawl's alone 4 M. For help, a mistyped command, or any option
    before the command but --archive DIR, every command is (argparse then says what it always said)."""
    meanings = {
        **EXIT_MEANINGS,
        EXIT_FETCH_ERRORS: "crawl, update: some pages could not be fetched; verify: problems found; "
        "import, reparse, index, wacz: damaged records were read past",
    }
    codes = "\n".join(f"  {code:<4} {meaning}" for code, meaning in sorted(meanings.items()))
    parser = Parser(
        prog="jcrawl",
        description=wrap(
            "Crawl online journals into a WARC archive (the source of truth) and a searchable SQLite "
            "store of clean article records. `jcrawl COMMAND --help` tells more about each command."
        ),
        epilog="examples:\n" + "\n".join(f"  {line}" for line in EXAMPLES) + f"\n\nexit codes:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"jcrawl {__version__}")
    archive_option(parser, default_archive())
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _modules(argv):
        module.register(commands)
    return parser


def _modules(argv: Sequence[str] | None) -> Sequence[ModuleType]:
    """The command modules to register for the command line `argv` (None: all): the module of its
    command, when the command comes first or after --archive DIR alone; else all."""
    rest = list(argv) if argv is not None else []
    if rest[:1] == ["--archive"]:
        rest = rest[2:]
    elif rest[:1] and str(rest[0]).startswith("--archive="):
        rest = rest[1:]
    module = COMMAND_MODULE.get(rest[0]) if rest else None
    return (module,) if module is not None else COMMAND_MODULES


def run(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` and run its command; the documented exit code (README "Exit codes")."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        try:
            return int(args.run(args) or EXIT_OK)
        except Exception as exc:  # after Ctrl-C or SIGTERM, whatever swallowed it: the interruption
            if (interruption := interrupts.received()) is None:
                raise
            raise interruption from exc
    except UsageError as exc:
        return fail(args, EXIT_USAGE, f"error: {exc}")
    except ArchiveLocked as exc:  # another crawl or update is running on this archive
        return fail(args, EXIT_LOCKED, str(exc))
    except CrawlFailed as exc:  # a bug inside Scrapy's run: the traceback is in the log already
        return fail(
            args, EXIT_BUG, f"unexpected error: {exc} (the traceback is in {args.archive / LOG_FILE})"
        )
    except FatalError as exc:  # the archive or the database cannot be written, or is damaged
        return fail(args, EXIT_FATAL, f"fatal: {exc}")
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM outside a crawl: crawler.cli.main says it
        if getattr(args, "quiet", False):
            print(f"interrupted (exit {interrupted_exit_code(exc)})", flush=True)
        raise
    except BrokenPipeError:  # the reader went away (`| head`): crawler.cli.main ends quietly
        raise
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return fail(args, EXIT_FATAL, f"fatal: {DatabaseDamaged(args.archive / DB_NAME, str(exc))}")
        if is_read_only(exc):
            return fail(args, EXIT_FATAL, f"fatal: cannot write the database in {args.archive}: {exc}")
        return bug(args, exc)
    except OSError as exc:
        if unwritable(exc):
            return fail(args, EXIT_FATAL, f"fatal: cannot write {describe_os_error(exc)}")
        return bug(args, exc)
    except Exception as exc:
        return bug(args, exc)


def fail(args: argparse.Namespace, code: int, message: str) -> int:
    """Say in one line on stderr why the command ends; with --quiet, in the one line on stdout too.

    The line is printable text of at most MAX_LINE characters, whatever bytes the message quotes (a
    damaged record's binary "first line", say)."""
    message = _printable(message)
    print(f"jcrawl {args.command}: {message}", file=sys.stderr, flush=True)
    if getattr(args, "quiet", False):
        print(f"{message.removeprefix('error: ').removeprefix('fatal: ')} (exit {code})", flush=True)
    return code


def _printable(message: str) -> str:
    """`message` on one line, without control characters, at most MAX_LINE characters."""
    message = re.sub(r"[\x00-\x1f\x7f-\x9f\ufffd]+", " ", message)
    return message if len(message) <= MAX_LINE else message[: MAX_LINE - 1] + "…"


def bug(args: argparse.Namespace, exc: Exception) -> int:
    """An error jcrawl did not expect: its traceback into the archive's log (or a file of its own),
    one line to the user."""
    import traceback

    where = _crash_log(args.archive)
    try:
        with open(where, "a", encoding="utf-8") as log:
            log.write(f"jcrawl {args.command}: unexpected error\n{traceback.format_exc()}\n")
    except OSError:
        where = None
    details = f"the traceback is in {where}" if where else "no file could be written for the traceback"
    return fail(
        args, EXIT_BUG, f"unexpected error: {type(exc).__name__}: {exc} ({details}; please report it)"
    )


def _crash_log(archive: Path) -> Path:
    """The archive's log if it can be written, else a file in the temporary directory."""
    import tempfile

    log = archive / LOG_FILE
    return (
        log
        if os.access(log if log.exists() else archive, os.W_OK)
        else Path(tempfile.gettempdir()) / "jcrawl-error.log"
    )
