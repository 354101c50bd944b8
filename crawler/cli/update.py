"""`jcrawl update`: crawl the archive's sites again, fetching what is new or due (for cron)."""

from __future__ import annotations

import argparse

from crawler.cli.cluster import cluster_option, cluster_requested
from crawler.cli.common import (
    UsageError,
    add_command,
    quiet_option,
    require_archive,
    set_option,
    start_logging,
)
from crawler.cli.crawl import RUN_EXITS, exit_code
from crawler.cli.set_options import parse_set_options


def register(commands: argparse._SubParsersAction) -> None:
    update = add_command(
        commands,
        "update",
        "crawl the archive's sites again: new pages in full, known ones when due and conditionally",
        "Crawl every site of the archive again (or one) with the start URLs and settings of its "
        "crawls, fetching only what can be new: start pages, sitemaps and feeds, new URLs, and known "
        "articles when they are due by their age, asked for conditionally (a 304 costs a revisit "
        "record). Edited articles get a new version (`jcrawl history`). Made for cron: --quiet prints "
        "one line, everything else goes to DIR/jcrawl.log.",
        [
            "jcrawl update --quiet",
            "jcrawl update --site journal.example --all",
            "0 * * * *  $HOME/.local/bin/jcrawl update --archive $HOME/journals --quiet   # crontab",
        ],
        RUN_EXITS,
        run_update_command,
    )
    update.add_argument(
        "--site", metavar="NAME", help="only this site: its host[:port], any URL of it, or its profile's name"
    )
    update.add_argument(
        "--all", action="store_true", help="check every known page now (still with conditional requests)"
    )
    quiet_option(update)
    set_option(update)
    cluster_option(update)


def run_update_command(args: argparse.Namespace) -> int:
    from crawler import startup

    startup.begin("update")  # before its imports (crawler/startup.py)
    from crawler.policy.recheck import PolicyError
    from crawler.run.update import UnknownSite, UpdateOptions, run_update

    require_archive(args.archive)  # before logging, which would create the directory
    settings = parse_set_options(args.set)
    if cluster_requested(args):
        from crawler.cli.cluster import seed_update

        return seed_update(args, settings)
    options = UpdateOptions(args.archive, site=args.site, recheck_all=args.all, settings=settings)
    options.progress = start_logging(args.archive, args.quiet, settings)
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
    return exit_code(result.results)
