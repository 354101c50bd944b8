"""`jcrawl import`, `verify`, `index`, `wacz` and `reparse`: the archivist's commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from archive.importer import import_warcs
from archive.ingest import WarcReadError
from crawler.cli.common import EXIT_OK, UsageError
from crawler.store import Store


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imp = commands.add_parser(
        "import",
        parents=[common],
        help="copy WARC files from other crawlers into the archive, index them and extract their articles",
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="WARC")
    imp.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    store = Store(args.archive)
    try:
        result = import_warcs(store, args.files)
    except WarcReadError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    done = result.ingest
    again = f" ({len(result.already_there)} already in the archive)" if result.already_there else ""
    print(
        f"Imported {done.files} WARC file{'s' * (done.files != 1)}{again} into {args.archive}: "
        f"{done.records:,} captures ({done.captures_added:,} new), {done.pages:,} pages extracted, "
        f"{done.articles:,} articles."
    )
    return EXIT_OK
