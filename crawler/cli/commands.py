"""The `jcrawl` parser and dispatch: each command module registers its subcommand; all take --archive."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from crawler import __version__
from crawler.cli import archive, crawl, extract, query, report, serve, update
from crawler.cli.common import EXIT_FATAL, EXIT_LOCKED, EXIT_OK, EXIT_USAGE, UsageError, archive_option
from crawler.fatal import FatalError
from crawler.lock import ArchiveLocked

COMMAND_MODULES = (crawl, update, query, extract, archive, serve, report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jcrawl", description="Crawl online journals into a WARC archive and a searchable article store."
    )
    parser.add_argument("--version", action="version", version=f"jcrawl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = archive_option()
    for module in COMMAND_MODULES:
        module.register(commands, common)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` and run its command; the documented exit code (README "Exit codes")."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or EXIT_OK)
    except UsageError as exc:
        parser.exit(EXIT_USAGE, f"jcrawl {args.command}: error: {exc}\n")
    except ArchiveLocked as exc:  # another crawl or update is running on this archive
        print(f"jcrawl {args.command}: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except FatalError as exc:  # the archive or the database cannot be written
        print(f"jcrawl {args.command}: fatal: {exc}", file=sys.stderr)
        return EXIT_FATAL
