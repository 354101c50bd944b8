"""`jcrawl update` (crawl the archive's sites again, for cron) and `jcrawl history URL`."""

from __future__ import annotations

import argparse
import json

from crawler.cli.common import (
    EXIT_FETCH_ERRORS,
    EXIT_OK,
    UsageError,
    open_store,
    parse_set_options,
    start_logging,
)
from crawler.history import version_diff
from crawler.recheck import PolicyError
from crawler.update import UnknownSite, UpdateOptions, run_update


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    update = commands.add_parser(
        "update",
        parents=[common],
        help="crawl the archive's sites again: new pages in full, known ones when due and conditionally",
    )
    update.add_argument("--site", metavar="NAME", help="only this site (its host[:port], or any URL of it)")
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

    history = commands.add_parser(
        "history", parents=[common], help="the versions of an article and what changed between them"
    )
    history.add_argument("key", metavar="URL|ID")
    history.add_argument(
        "--diff",
        nargs=2,
        type=int,
        metavar=("A", "B"),
        help="compare versions A and B (default: the last two)",
    )
    history.add_argument("--json", action="store_true", help="the versions as JSON")
    history.set_defaults(run=run_history)


def run_update_command(args: argparse.Namespace) -> int:
    open_store(args.archive).close()  # a usage error when there is no archive
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


def run_history(args: argparse.Namespace) -> int:
    store = open_store(args.archive)
    try:
        article = store.article(args.key)
        if article is None:
            raise UsageError(f"no article with URL or id {args.key!r}")
        versions = store.versions(article)
    finally:
        store.close()
    if args.json:
        print(json.dumps(versions, ensure_ascii=False, indent=1))
        return EXIT_OK
    numbers = [v["version"] for v in versions]
    if args.diff:
        old, new = args.diff
    elif len(numbers) > 1:
        old, new = numbers[-2:]
    else:
        old = new = None
    for number in (old, new):
        if number is not None and number not in numbers:
            raise UsageError(f"no version {number}: the article has versions 1 to {numbers[-1]}")
    print(article["title"] or "(no title)")
    print(article["url"])
    print(f"{len(versions)} version{'s' * (len(versions) != 1)}; last seen {article['last_seen']}")
    for v in versions:
        current = "  (current)" if v is versions[-1] else ""
        words = len((v["body"] or "").split())
        print(f"  {v['version']:>3}  first seen {v['seen_at']}  {words:,} words  {v['title']}{current}")
    if old is not None:
        print()
        print(version_diff(versions[old - 1], versions[new - 1]) or f"versions {old} and {new} are the same")
    return EXIT_OK
