"""`jcrawl crawl URL`."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.cli.cluster import cluster_option, cluster_requested
from crawler.cli.common import (
    EXIT_FATAL,
    EXIT_FETCH_ERRORS,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_command,
    common_exits,
    positive,
    quiet_option,
    set_option,
    start_logging,
)
from crawler.cli.set_options import check_url, parse_set_options

if TYPE_CHECKING:
    from crawler.run.crawl import CrawlOptions, CrawlResult

RUN_EXITS = {
    **common_exits(EXIT_OK, EXIT_USAGE, EXIT_LOCKED, EXIT_FATAL, EXIT_INTERRUPTED),
    EXIT_FETCH_ERRORS: "done, but some pages could not be fetched (network failures, server errors after "
    "retries; 404s are recorded but do not count)",
}


def register(commands: argparse._SubParsersAction) -> None:
    crawl = add_command(
        commands,
        "crawl",
        "crawl a journal from a home page, section page, feed or sitemap",
        "Crawl one site into the archive: every response into the WARC files, every article into "
        "journal.db. It follows sitemaps, feeds, section pages and each article's links, on the start "
        "URL's site only, politely (robots.txt, AutoThrottle). A crawl that was interrupted or killed "
        "is resumed by the next crawl of its site. The site is remembered for `jcrawl update`.",
        [
            "jcrawl crawl https://journal.example/",
            "jcrawl crawl https://journal.example/ --max-pages 500 --archive ~/journals",
            "jcrawl crawl --site north-africa -s DOWNLOAD_DELAY=2",
        ],
        RUN_EXITS,
        run_crawl_command,
    )
    crawl.add_argument("url", nargs="?", help="start URL (http or https; default: the --site profile's)")
    crawl.add_argument(
        "--site",
        metavar="NAME|FILE",
        help="site profile: a name in crawler/profiles/ (e.g. north-africa) or a TOML file of yours",
    )
    crawl.add_argument(
        "--max-pages", type=positive, metavar="N", help="send at most N requests (robots.txt included)"
    )
    for flag, explained in (
        ("--include", "follow only pages whose URL matches (repeatable; sitemaps and feeds are still read)"),
        ("--exclude", "never request a URL that matches (repeatable)"),
    ):
        crawl.add_argument(flag, action="append", type=_regex, default=[], metavar="REGEX", help=explained)
    crawl.add_argument(
        "--max-depth", type=positive, metavar="N", help="follow links at most N hops from the start"
    )
    crawl.add_argument(
        "--concurrency", type=positive, metavar="N", help="requests in flight at once (default 16)"
    )
    quiet_option(crawl)
    set_option(crawl)
    cluster_option(crawl)


def run_crawl_command(args: argparse.Namespace) -> int:
    from crawler import startup

    startup.begin("crawl")  # before its imports (crawler/startup.py)
    from crawler.run.crawl import CrawlOptions

    settings = {}
    if args.site:
        from crawler.extract.profile import load_profile

        try:
            profile = load_profile(args.site)
        except (OSError, ValueError) as exc:
            raise UsageError(f"--site {args.site}: {exc}") from None
        args.url = args.url or next(iter(profile.start_urls), None)
        # A file of the user's is kept by its absolute path: updates run from cron, elsewhere.
        settings["JCRAWL_SITE_PROFILE"] = (
            str(Path(args.site).resolve()) if Path(args.site).is_file() else args.site
        )
    if not args.url:
        raise UsageError("give a start URL (or a --site profile that has start_urls)")
    check_url(args.url)
    if args.include:
        settings["JCRAWL_INCLUDE"] = args.include
    if args.exclude:
        settings["JCRAWL_EXCLUDE"] = args.exclude
    settings.update(parse_set_options(args.set))
    options = CrawlOptions(
        args.url,
        args.archive,
        max_pages=args.max_pages,
        max_depth=args.max_depth,
        concurrency=args.concurrency,
        settings=settings,
    )
    if cluster_requested(args):  # seed the cluster's frontier, then work as one of its workers
        from crawler.cli.cluster import seed_and_work
        from crawler.run.crawl import site_settings

        return seed_and_work(args, [([args.url], site_settings(options))], "crawl", settings)
    return exit_code([crawl(options, quiet=args.quiet)])


def crawl(options: CrawlOptions, quiet: bool) -> CrawlResult:
    """Run one crawl as `jcrawl crawl` does and print its summary (`quiet`: the one line)."""
    from crawler.policy.recheck import PolicyError
    from crawler.run.crawl import one_line_summary, run_crawl

    options.progress = start_logging(options.archive, quiet, options.settings)
    try:
        result = run_crawl(options)
    except PolicyError as exc:
        raise UsageError(str(exc)) from None
    print(one_line_summary([result]) if quiet else result.summary, flush=True)
    return result


def exit_code(results: list[CrawlResult]) -> int:
    """128 + the signal that interrupted the run, else 1 when pages could not be fetched, else 0."""
    interrupted = max((r.interrupted for r in results), default=0)
    if interrupted:
        return 128 + interrupted
    return EXIT_FETCH_ERRORS if any(r.fetch_errors for r in results) else EXIT_OK


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"not a regular expression: {text!r} ({exc})") from None
    return text
