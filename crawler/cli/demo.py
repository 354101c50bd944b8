"""`jcrawl demo`: serve the bundled sample journal on 127.0.0.1 and crawl it (or update it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    UsageError,
    add_command,
    open_store,
    port,
    positive,
    start_logging,
)
from crawler.cli.crawl import RUN_EXITS, crawl, exit_code

if TYPE_CHECKING:
    from crawler.demo.server import DemoServer

DEMO_PORT = 8642  # fixed, so that a second `jcrawl demo` updates the site the first one crawled
DEMO_QUERY = "phosphate"


def register(commands: argparse._SubParsersAction) -> None:
    demo = add_command(
        commands,
        "demo",
        "serve the bundled sample journal on 127.0.0.1 and crawl it",
        "Serve The Sahel Business Review, a generated WordPress-style journal, on 127.0.0.1:PORT and "
        "crawl it into the archive; run again, it updates the archive from the same site. --serve "
        "keeps the site up afterwards so that `jcrawl update` and the other commands can be tried on "
        "it, and publishes the next edition (new stories, corrected ones) each time you press Enter.",
        [
            "jcrawl demo",
            "jcrawl demo --serve    # then, in another terminal: jcrawl update",
            "jcrawl demo --edition 2 --port 8700 --archive /tmp/demo",
        ],
        {**RUN_EXITS, EXIT_OK: "done (with --serve: the site was stopped with Ctrl-C)"},
        run_demo,
    )
    demo.add_argument("--articles", type=positive, default=60, metavar="N", help="stories in edition 1")
    demo.add_argument(
        "--port", type=port, default=DEMO_PORT, metavar="N", help=f"port on 127.0.0.1 (default {DEMO_PORT})"
    )
    demo.add_argument(
        "--edition",
        type=positive,
        default=1,
        metavar="N",
        help="serve edition N: 5 new and 3 corrected stories each",
    )
    demo.add_argument(
        "--serve",
        action="store_true",
        help="keep the site up after the crawl, until Ctrl-C; Enter publishes the next edition",
    )


def run_demo(args: argparse.Namespace) -> int:
    import tempfile

    from crawler.demo.server import DemoServer
    from crawler.demo.site import build_site

    if args.articles < 5:
        raise UsageError("--articles: the sample journal needs at least 5 stories")
    with tempfile.TemporaryDirectory(prefix="jcrawl-demo-") as tmp:
        try:
            server = DemoServer(Path(tmp), port=args.port)
        except OSError as exc:
            raise UsageError(
                f"cannot serve on 127.0.0.1:{args.port} ({exc.strerror}): choose another --port"
            ) from None
        with server:
            build_site(Path(tmp), server.url, args.articles, edition=args.edition)
            server.start()
            print(f"Serving the sample journal at {server.url} (edition {args.edition})", flush=True)
            code = _crawl_or_update(server.url, args.archive)
            if code >= EXIT_INTERRUPTED:  # stopped by a signal: stop, as asked
                return code
            _sample_search(args.archive)
            if args.serve:
                _serve(server, args)
    return code


def _crawl_or_update(url: str, archive: Path) -> int:
    """Crawl the demo site, or update it when the archive holds it already (a second `jcrawl demo`)."""
    from crawler import startup

    startup.begin("demo")  # before its imports (crawler/startup.py)
    from crawler.run.crawl import CrawlOptions
    from crawler.run.update import UpdateOptions, run_update

    if not _holds_site(archive, url):
        return exit_code([crawl(CrawlOptions(url, archive), quiet=False)])
    print(f"The archive {archive} holds this site already: updating it (jcrawl update --site {url})")
    options = UpdateOptions(archive, site=url)
    options.progress = start_logging(archive, quiet=False)
    result = run_update(options)
    for one in result.results:
        print(one.summary)
    print(f"Update: {result.summary}.", flush=True)
    return exit_code(result.results)


def _holds_site(archive: Path, url: str) -> bool:
    from crawler.store import DB_NAME
    from crawler.urls import site_of

    if not (archive / DB_NAME).exists():
        return False
    store = open_store(archive)
    try:
        return store.site(site_of(url)) is not None
    finally:
        store.close()


def _sample_search(archive: Path) -> None:
    store = open_store(archive)
    try:
        hits = store.search(DEMO_QUERY, limit=3)
    finally:
        store.close()
    print(f"\nSample search: jcrawl search {DEMO_QUERY} --archive {archive}")
    for hit in hits:
        print(f"  [{hit['id']}] {hit['title']}\n      {hit['snippet']}")


def _serve(server: DemoServer, args: argparse.Namespace) -> None:
    """Keep serving until Ctrl-C (or SIGTERM); each line on stdin publishes the next edition."""
    from crawler.demo.site import NEW_PER_EDITION, build_site

    edition = args.edition
    print(
        f"\nThe sample journal stays up at {server.url} until Ctrl-C. Try, in another terminal:\n"
        f"  jcrawl update --archive {args.archive}\n"
        f"  jcrawl stats --archive {args.archive}\n"
        "Press Enter to publish the next edition (new stories, corrected ones).",
        flush=True,
    )
    try:
        for _line in sys.stdin:
            edition += 1
            manifest = build_site(server.directory, server.url, args.articles, edition=edition)
            print(
                f"Published edition {edition}: {NEW_PER_EDITION} new stories, {len(manifest['corrected'])} "
                f"corrected. `jcrawl update --archive {args.archive}` fetches them.",
                flush=True,
            )
        _wait_forever()  # stdin is closed (a background job): serve on
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (crawler.cli.main raises it): the way to stop
        print("Stopped the sample journal.", flush=True)


def _wait_forever() -> None:
    import threading

    threading.Event().wait()
