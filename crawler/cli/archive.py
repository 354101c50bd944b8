"""`jcrawl import`, `verify`, `index`, `wacz` and `reparse`: the archivist's commands."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from archive.importer import import_warcs
from archive.index import write_index
from archive.ingest import IngestResult, WarcReadError
from archive.reparse import reparse
from archive.verify import verify_archive
from archive.wacz import WaczError, write_wacz
from crawler.cli.common import EXIT_OK, EXIT_PROBLEMS, UsageError, open_store
from crawler.lock import ArchiveLock
from crawler.recovery import recover_warc_files
from crawler.store import DB_NAME, WARC_DIR, Store


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    imp = commands.add_parser(
        "import",
        parents=[common],
        help="copy WARC files from other crawlers into the archive, index them and extract their articles",
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="WARC")
    imp.set_defaults(run=run_import)

    verify = commands.add_parser(
        "verify",
        parents=[common],
        help="read every WARC record, check digests and that every database row points at a sound record",
    )
    verify.set_defaults(run=run_verify)

    index = commands.add_parser(
        "index", parents=[common], help="write a CDXJ index of the WARC files (default DIR/index.cdxj)"
    )
    index.add_argument("--output", "-o", type=Path, metavar="FILE", help="where to write the index")
    index.set_defaults(run=run_index)

    wacz = commands.add_parser(
        "wacz", parents=[common], help="package the archive as a WACZ file (for ReplayWeb.page)"
    )
    wacz.add_argument("--output", "-o", type=Path, required=True, metavar="FILE.wacz")
    wacz.add_argument("--title", help="the collection's title (default: the archive directory's name)")
    wacz.set_defaults(run=run_wacz)

    reparse = commands.add_parser(
        "reparse",
        parents=[common],
        help="rebuild captures, articles and links from the WARC files alone, with the current extractor",
    )
    reparse.add_argument(
        "--since", metavar="DATE", help="only captures fetched on or after DATE (ISO 8601, e.g. 2024-05-01)"
    )
    reparse.add_argument(
        "--site", metavar="SITE", help="only this site's captures (host[:port], without www.)"
    )
    reparse.set_defaults(run=run_reparse)


def run_import(args: argparse.Namespace) -> int:
    with ArchiveLock(args.archive, "jcrawl import"):
        store = Store(args.archive)
        try:
            recover_warc_files(store)
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
        f"{done.articles:,} articles{_read_back(done)}."
    )
    if result.pages:
        print(
            f"The WACZ pages list names {len(result.pages):,} pages; "
            f"{len(result.pages_extracted):,} of them became articles."
        )
    return _damage(done)


def _read_back(done: IngestResult) -> str:
    """The summary's tail: revisits linked, bodies that do not decode, damaged records."""
    parts = []
    if done.revisits:
        parts.append(f"{done.revisits_linked:,} of {done.revisits:,} revisits linked to their original")
    if done.undecodable:
        parts.append(f"{_bodies(done.undecodable)} (`errors` rows of kind decoding)")
    if done.damaged:
        parts.append(f"{len(done.damaged):,} damaged records read past")
    return "; " + "; ".join(parts) if parts else ""


def _bodies(count: int) -> str:
    return f"{count:,} undecodable bod{'y' if count == 1 else 'ies'}"


def _damage(done: IngestResult) -> int:
    """One line per damaged record; exit 1 if there was any (every whole record was kept)."""
    for line in done.damaged:
        print(f"damaged: {line}")
    return EXIT_PROBLEMS if done.damaged else EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    has_db = (args.archive / DB_NAME).exists()
    if not has_db and not (args.archive / WARC_DIR).is_dir():
        raise UsageError(f"no archive at {args.archive} (no journal.db and no warc/ directory)")
    # Held while reading: a running crawl's files and rows would look damaged and dangling.
    with ArchiveLock(args.archive, "jcrawl verify", shared=True):
        store = Store(args.archive, read_only=True) if has_db else None
        try:
            report = verify_archive(args.archive, store)
        finally:
            if store is not None:
                store.close()
    for problem in [*report.problems, *report.notes]:
        print(problem)
    rows = (
        f", {report.captures:,} captures and {report.articles:,} articles rows"
        if has_db
        else " (no journal.db: the WARC files only)"
    )
    verdict = (
        "no problems"
        if report.clean
        else f"{len(report.problems):,} problem{'s' * (len(report.problems) != 1)}"
    )
    notes = f" ({_bodies(len(report.notes))}, kept as the servers sent them)" if report.notes else ""
    print(
        f"Checked {report.records:,} records in {report.files:,} WARC files "
        f"({report.bytes / 1e6:,.1f} MB){rows}: {verdict}{notes}."
    )
    return EXIT_OK if report.clean else EXIT_PROBLEMS


def run_index(args: argparse.Namespace) -> int:
    if not (args.archive / WARC_DIR).is_dir():
        raise UsageError(f"no archive at {args.archive} (no warc/ directory)")
    path, lines, unfinished, damaged = write_index(args.archive, args.output)
    for line in damaged:
        print(f"damaged: {line} (left out)")
    print(f"Wrote {path}: {lines:,} lines.{_left_out(unfinished)}")
    return EXIT_PROBLEMS if damaged else EXIT_OK


def run_wacz(args: argparse.Namespace) -> int:
    if args.output.suffix != ".wacz":
        raise UsageError(f"--output must name a .wacz file, got {str(args.output)!r}")
    store = open_store(args.archive)
    try:
        files, pages, unfinished, damaged = write_wacz(store, args.output, args.title)
    except WaczError as exc:
        raise UsageError(f"cannot write {args.output}: {exc}") from None
    finally:
        store.close()
    for line in damaged:
        print(f"damaged: {line} (left out)")
    print(f"Wrote {args.output}: {files} WARC files, {pages:,} pages.{_left_out(unfinished)}")
    return EXIT_PROBLEMS if damaged else EXIT_OK


def _left_out(unfinished: list[Path]) -> str:
    if not unfinished:
        return ""
    names = ", ".join(path.name for path in unfinished)
    return f" Left out {len(unfinished)} unfinished file(s) a crawl is writing or left: {names}."


def run_reparse(args: argparse.Namespace) -> int:
    if not (args.archive / WARC_DIR).is_dir():
        raise UsageError(f"no archive at {args.archive} (no warc/ directory)")
    since = _since(args.since) if args.since else None
    with ArchiveLock(args.archive, "jcrawl reparse"):
        store = Store(args.archive)
        try:
            recover_warc_files(store)  # what a killed run left open is closed at its last whole record
            result = reparse(store, since=since, site=args.site.removeprefix("www.") if args.site else None)
        except WarcReadError as exc:
            raise UsageError(str(exc)) from None
        finally:
            store.close()
    print(
        f"Reparsed {result.files} WARC file{'s' * (result.files != 1)} of {args.archive}: "
        f"{result.records:,} captures ({result.captures_added:,} indexed anew), "
        f"{result.pages:,} pages extracted, {result.articles:,} articles{_read_back(result)}."
    )
    return _damage(result)


def _since(text: str) -> str:
    """--since as a string that compares with WARC-Dates (UTC ISO 8601)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--since takes an ISO 8601 date such as 2024-05-01, got {text!r}") from None
    if len(text) == 10:  # a day: from its start
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
