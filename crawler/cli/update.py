"""`jcrawl update`: crawl the archive's sites again, fetching what is new or due (for cron)."""

from __future__ import annotations

import argparse

from crawler.cli.common import (
    EXIT_FETCH_ERRORS,
    EXIT_OK,
    UsageError,
    parse_set_options,
    require_archive,
    start_logging,
)
from crawler.recheck import PolicyError
from crawler.update import UnknownSite, UpdateOptions, run_update


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    update = commands.add_parser(
        "update",
        parents=[common],
        help="crawl the archive's sites again: new pages in full, known ones when due and conditionally",
    )
    update.add_argument(
        "--site", metavar="NAME", help="only this site: its host[:port], any URL of it, or its profile's name"
    )
    update.add_argument(
        "--all", action="store_true", help="check every known page now (still with conditional requests)"
    )
    update.add_argument(
        "--quiet", action="store_true", help="print only a one-line summary (new, changed, unchanged, errors)"
    )
    update.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="override a Scrapy setting"
    )
    update.set_defaults(run=run_update_command)


def run_update_command(args: argparse.Namespace) -> int:
    require_archive(args.archive)  # before logging, which would create the directory
    options = UpdateOptions(
        args.archive, site=args.site, recheck_all=args.all, settings=parse_set_options(args.set)
    )
    options.progress = start_logging(args.archive, args.quiet)
    try:
        result = run_update(options)
    except (UnknownSite, PolicyError) as exc:
        raise UsageError(str(exc)) from None
    if args.quiet:
        print(result.summary, flush=True)
    else:
        for crawl in result.results:
            print(crawl.summary)
        print(f"Update: {result.summary}.", flush=True)
    return EXIT_FETCH_ERRORS if result.fetch_errors else EXIT_OK
