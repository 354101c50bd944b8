"""`jcrawl import`, `verify`, `index`, `wacz` and `reparse`: the archivist's commands."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.cli.common import (
    EXIT_FATAL,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    UsageError,
    add_command,
    common_exits,
    describe_os_error,
    open_store,
    output_file,
    start_logging,
    unwritable,
)
from crawler.errors import FatalError
from crawler.words import plural

if TYPE_CHECKING:
    from archive.ingest import IngestResult

# A command that reads the WARC files through reads past a damaged record, names it and ends with 1.
READ_PAST = {EXIT_PROBLEMS: "damaged records were read past (one `damaged: FILE offset N: why` line each)"}
WRITE_EXITS = {**common_exits(EXIT_OK, EXIT_USAGE, EXIT_LOCKED, EXIT_FATAL, EXIT_INTERRUPTED), **READ_PAST}


def register(commands: argparse._SubParsersAction) -> None:
    imp = add_command(
        commands,
        "import",
        "copy WARC files from other crawlers into the archive, index them and extract their articles",
        "Bring in WARC files made by other crawlers (wget --warc-file, Heritrix, browsertrix; gzipped "
        "or not): each is read through first (if one is not a WARC file, nothing is imported), copied "
        "into DIR/warc/, its records indexed and its pages extracted as a crawl would.",
        [
            "jcrawl import crawl.warc.gz",
            "jcrawl import heritrix/*.warc.gz --archive ~/journals",
            "wget --warc-file=site -r https://journal.example/ && jcrawl import site.warc.gz",
        ],
        WRITE_EXITS,
        run_import,
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="WARC")

    add_command(
        commands,
        "verify",
        "read every WARC record, check digests and that every database row points at a sound record",
        "Read every record of every WARC file in full (gzip CRCs, block and payload digests) and check "
        "that every captures and articles row points at a whole, matching record. One line per problem "
        "(damaged, dangling, missing-file, orphan). Works on a read-only copy of an archive.",
        [
            "jcrawl verify",
            "jcrawl verify --archive /mnt/backup/journals",
            "jcrawl verify || mail -s jcrawl me",
        ],
        {
            **common_exits(EXIT_USAGE, EXIT_LOCKED, EXIT_FATAL),
            EXIT_OK: "no problem found",
            EXIT_PROBLEMS: "problems found (listed on stdout)",
        },
        run_verify,
    )

    index = add_command(
        commands,
        "index",
        "write a CDXJ index of the WARC files (default DIR/index.cdxj)",
        "Write a sorted CDXJ index of the finished WARC files (cdxj-indexer), which pywb serves a "
        "collection from. With --output it works on a read-only archive.",
        ["jcrawl index", "jcrawl index --output /tmp/journal.cdxj", "jcrawl index && wb-manager ..."],
        {**common_exits(EXIT_OK, EXIT_USAGE, EXIT_FATAL), **READ_PAST},
        run_index,
    )
    index.add_argument("--output", "-o", type=output_file, metavar="FILE", help="where to write the index")

    wacz = add_command(
        commands,
        "wacz",
        "package the archive as a WACZ file (for ReplayWeb.page)",
        "Package the finished WARC files, their index, a page list (one entry per article) and "
        "datapackage.json into one WACZ file, which ReplayWeb.page opens.",
        [
            "jcrawl wacz --output journal.wacz",
            "jcrawl wacz --output journal.wacz --title 'The Sahel Business Review, 2024'",
        ],
        {**common_exits(EXIT_OK, EXIT_USAGE, EXIT_FATAL), **READ_PAST},
        run_wacz,
    )
    wacz.add_argument("--output", "-o", type=output_file, required=True, metavar="FILE.wacz")
    wacz.add_argument("--title", help="the collection's title (default: the archive directory's name)")

    reparse = add_command(
        commands,
        "reparse",
        "rebuild captures, articles and links from the WARC files alone, with the current extractor",
        "Rebuild the database from the WARC files: index the records no row points at, and extract "
        "every capture again with the current extractor and the site's newest archived profile. "
        "Run it after upgrading journal-crawler. --rebuild moves journal.db aside (a damaged one, "
        "say) and builds a new one whole; only the errors, the frontier and crawl stats are not in "
        "the WARC files.",
        [
            "jcrawl reparse",
            "jcrawl reparse --since 2024-05-01 --site journal.example",
            "jcrawl reparse --rebuild",
        ],
        WRITE_EXITS,
        run_reparse,
    )
    reparse.add_argument(
        "--since", metavar="DATE", help="only captures fetched on or after DATE (ISO 8601, e.g. 2024-05-01)"
    )
    reparse.add_argument(
        "--site", metavar="SITE", help="only this site's captures (host[:port], without www.)"
    )
    reparse.add_argument(
        "--rebuild",
        action="store_true",
        help="move journal.db aside (to journal.db.old-TIME) and build a new one from the WARC files",
    )


def run_import(args: argparse.Namespace) -> int:
    from archive.importer import import_warcs
    from archive.ingest import WarcReadError
    from crawler.run.lock import ArchiveLock
    from crawler.run.recovery import recover_warc_files
    from crawler.store import Store

    start_logging(args.archive, quiet=False)
    with ArchiveLock(args.archive, "jcrawl import"):
        store = Store(args.archive)
        try:
            recover_warc_files(store)
            result = import_warcs(store, args.files)
        except WarcReadError as exc:  # a file given is not what it should be: nothing was imported
            raise UsageError(_without_record_bytes(exc)) from None
        finally:
            store.close()
    done = result.ingest
    again = f" ({len(result.already_there)} already in the archive)" if result.already_there else ""
    print(
        f"Imported {plural(done.files, 'WARC file')}{again} into {args.archive}: "
        f"{done.records:,} captures ({done.captures_added:,} new), {done.pages:,} pages extracted, "
        f"{plural(done.articles, 'article')}{_read_back(done)}."
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
    from archive.verify import verify_archive
    from crawler.run.lock import ArchiveLock
    from crawler.store import DB_NAME, WARC_DIR, Store

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
    verdict = "no problems" if report.clean else plural(len(report.problems), "problem")
    notes = f" ({_bodies(len(report.notes))}, kept as the servers sent them)" if report.notes else ""
    print(
        f"Checked {report.records:,} records in {plural(report.files, 'WARC file')} "
        f"({report.bytes / 1e6:,.1f} MB){rows}: {verdict}{notes}."
    )
    return EXIT_OK if report.clean else EXIT_PROBLEMS


def run_index(args: argparse.Namespace) -> int:
    from archive.index import write_index
    from crawler.store import WARC_DIR

    if not (args.archive / WARC_DIR).is_dir():
        raise UsageError(f"no archive at {args.archive} (no warc/ directory)")
    try:
        path, lines, unfinished, damaged = write_index(args.archive, args.output)
    except OSError as exc:
        if not unwritable(exc) or args.output:
            raise
        raise FatalError(
            f"cannot write {describe_os_error(exc)} (--output FILE writes the index elsewhere)"
        ) from None
    for line in damaged:
        print(f"damaged: {line} (left out)")
    print(f"Wrote {path}: {plural(lines, 'line')}.{_left_out(unfinished)}")
    return EXIT_PROBLEMS if damaged else EXIT_OK


def run_wacz(args: argparse.Namespace) -> int:
    from archive.wacz import WaczError, write_wacz

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
    print(
        f"Wrote {args.output}: {plural(files, 'WARC file')}, {plural(pages, 'page')}.{_left_out(unfinished)}"
    )
    return EXIT_PROBLEMS if damaged else EXIT_OK


def _left_out(unfinished: list[Path]) -> str:
    if not unfinished:
        return ""
    names = ", ".join(path.name for path in unfinished)
    return f" Left out {plural(len(unfinished), 'unfinished file')} a crawl is writing or left: {names}."


def run_reparse(args: argparse.Namespace) -> int:
    from archive.ingest import WarcReadError
    from archive.reparse import reparse
    from crawler.run.lock import ArchiveLock
    from crawler.run.recovery import recover_warc_files
    from crawler.store import WARC_DIR, Store

    if not (args.archive / WARC_DIR).is_dir():
        raise UsageError(f"no archive at {args.archive} (no warc/ directory)")
    if args.rebuild and (args.since or args.site):
        raise UsageError("--rebuild builds the whole database: it takes no --since or --site")
    since = _since(args.since) if args.since else None
    start_logging(args.archive, quiet=False)
    with ArchiveLock(args.archive, "jcrawl reparse"):
        moved = _move_database_aside(args.archive) if args.rebuild else None
        store = Store(args.archive)
        try:
            recover_warc_files(store)  # what a killed run left open is closed at its last whole record
            result = reparse(store, since=since, site=args.site.removeprefix("www.") if args.site else None)
        except WarcReadError as exc:  # the archive's own file is damaged
            raise FatalError(f"{_without_record_bytes(exc)} (`jcrawl verify` lists the damage)") from None
        finally:
            store.close()
    print(
        f"Reparsed {plural(result.files, 'WARC file')} of {args.archive}: "
        f"{result.records:,} captures ({result.captures_added:,} indexed anew), "
        f"{result.pages:,} pages extracted, {plural(result.articles, 'article')}{_read_back(result)}."
        + (f" The old database is {moved}." if moved else "")
    )
    return _damage(result)


def _without_record_bytes(exc: Exception) -> str:
    """The error without the bytes warcio quotes from a record that cannot be read ("first line: ...")."""
    return re.sub(r"first line: .*", "first line: (not shown: not text)", str(exc), flags=re.DOTALL)


def _move_database_aside(archive: Path) -> Path | None:
    """Rename journal.db (and its -wal and -shm files) to journal.db.old-TIME; the new name, or None
    when there was no database."""
    from crawler.store import DB_NAME

    database = archive / DB_NAME
    if not database.exists():
        return None
    aside = database.with_name(f"{DB_NAME}.old-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
    for suffix in ("-wal", "-shm", ""):  # the database last: a crash leaves it with its journal
        part = database.with_name(DB_NAME + suffix)
        if part.exists():
            part.rename(aside.with_name(aside.name + suffix))
    return aside


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
