"""`jcrawl crawl URL` and `jcrawl demo`."""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from crawler.cli.common import (
    EXIT_FETCH_ERRORS,
    EXIT_OK,
    UsageError,
    open_store,
    parse_set_options,
    start_logging,
)
from crawler.crawl import CrawlOptions, CrawlResult, one_line_summary, run_crawl
from crawler.extract.profile import load_profile
from crawler.recheck import PolicyError
from crawler.urls import normalize_url

DEMO_QUERY = "phosphate"


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    crawl = commands.add_parser(
        "crawl", parents=[common], help="crawl a journal from a home page, section page, feed or sitemap"
    )
    crawl.add_argument("url", nargs="?", help="start URL (http or https; default: the --site profile's)")
    crawl.add_argument(
        "--site",
        metavar="NAME|FILE",
        help="site profile: a name in crawler/profiles/ (e.g. north-africa) or a TOML file of yours",
    )
    crawl.add_argument(
        "--max-pages", type=_positive, metavar="N", help="send at most N requests (robots.txt included)"
    )
    for flag, explained in (
        ("--include", "follow only pages whose URL matches (repeatable; sitemaps and feeds are still read)"),
        ("--exclude", "never request a URL that matches (repeatable)"),
    ):
        crawl.add_argument(flag, action="append", type=_regex, default=[], metavar="REGEX", help=explained)
    crawl.add_argument(
        "--max-depth", type=_positive, metavar="N", help="follow links at most N hops from the start"
    )
    crawl.add_argument(
        "--concurrency", type=_positive, metavar="N", help="requests in flight at once (default 16)"
    )
    crawl.add_argument("--quiet", action="store_true", help="print only a one-line summary (for cron)")
    crawl.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="override a Scrapy setting"
    )
    crawl.set_defaults(run=run_crawl_command)

    demo = commands.add_parser(
        "demo", parents=[common], help="serve the bundled sample journal on 127.0.0.1 and crawl it"
    )
    demo.add_argument(
        "--articles", type=_positive, default=60, metavar="N", help="articles in the sample site"
    )
    demo.set_defaults(run=run_demo)


def run_crawl_command(args: argparse.Namespace) -> int:
    settings = {}
    if args.site:
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
    if normalize_url(args.url) is None:
        raise UsageError(f"not an http(s) URL: {args.url!r}")
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
    try:
        result = _crawl(options, quiet=args.quiet)
    except PolicyError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_FETCH_ERRORS if result.fetch_errors else EXIT_OK


def run_demo(args: argparse.Namespace) -> int:
    from crawler.demo.server import start_demo_site

    with (
        tempfile.TemporaryDirectory(prefix="jcrawl-demo-") as tmp,
        start_demo_site(Path(tmp), articles=args.articles) as server,
    ):
        print(f"Serving the sample journal at {server.url}", flush=True)
        _crawl(CrawlOptions(server.url, args.archive), quiet=False)
    store = open_store(args.archive)
    try:
        hits = store.search(DEMO_QUERY, limit=3)
    finally:
        store.close()
    print(f"\nSample search: jcrawl search {DEMO_QUERY} --archive {args.archive}")
    for hit in hits:
        print(f"  [{hit['id']}] {hit['title']}\n      {hit['snippet']}")
    return EXIT_OK if hits else EXIT_FETCH_ERRORS


def _crawl(options: CrawlOptions, quiet: bool) -> CrawlResult:
    options.progress = start_logging(options.archive, quiet)
    result = run_crawl(options)
    print(one_line_summary([result]) if quiet else result.summary, flush=True)
    return result


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"not a regular expression: {text!r} ({exc})") from None
    return text
