"""Store benchmark: how big `journal.db` is beside the WARC files it indexes, table by table.

    .venv/bin/python bench/store.py [--pages 5000]

Generates the shared bench site, serves it with nginx on 127.0.0.1 and crawls it with `jcrawl crawl`.
Prints journal.db bytes per WARC byte (goal <= 1.0) and the bytes of each table with its indexes
(SQLite's dbstat). Then the same archive as jcrawl stored it before its schema had versions
(version 0: every URL and text in full, tests/schema_v0.py), its size, and how long opening it takes
to migrate it in place: before and after in one run.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.store import Store  # noqa: E402
from tests.helpers import generated_bench_site  # noqa: E402
from tests.schema_v0 import downgrade  # noqa: E402

BIN = Path(sys.executable).parent
# Tables (with their indexes) as a researcher names them, in both layouts.
GROUPS = {
    "articles": ("articles", "article_data"),
    "links": ("links", "link_data"),
    "captures": ("captures", "capture_data"),
    "urls": ("urls",),
    "search index": ("articles_fts_data", "articles_fts_idx", "articles_fts_docsize", "articles_fts_config"),
}


def table_bytes(database: Path) -> dict[str, int]:
    """Bytes of each group of GROUPS (a table, its indexes), and of everything else, in `database`."""
    with closing(sqlite3.connect(database)) as conn:
        owner = dict(
            conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")
        )
        sizes = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))
    out = dict.fromkeys([*GROUPS, "other"], 0)
    for name, size in sizes.items():
        table = owner.get(name, name)
        group = next((g for g, tables in GROUPS.items() if table in tables), "other")
        out[group] += size
    return out


def warc_bytes(archive: Path) -> int:
    return sum(path.stat().st_size for path in (archive / "warc").iterdir())


def report(label: str, archive: Path, warc: int) -> None:
    database = archive / "journal.db"
    size = database.stat().st_size
    print(f"\n{label}: journal.db {size / 1e6:6.1f} MB = {size / warc:4.2f} x the WARC files (goal <= 1.0)")
    for group, n in table_bytes(database).items():
        print(f"  {group:<14} {n / 1e6:6.1f} MB  {n / warc:5.2f} x WARC")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=5000, help="articles in the bench site")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jcrawl-bench-store-") as tmp:
        work = Path(tmp)
        archive = work / "archive"
        with generated_bench_site(work, args.pages, 1) as site:
            subprocess.run(
                [BIN / "jcrawl", "crawl", site.url, "--archive", archive, "--quiet"],
                check=True,
                capture_output=True,
            )
        warc = warc_bytes(archive)
        print(f"bench site: {args.pages} articles, WARC files {warc / 1e6:.1f} MB")
        report("current schema", archive, warc)

        old = Path(shutil.copytree(archive, work / "archive-v0"))
        downgrade(old / "journal.db")
        report("the same archive as version 0 stored it", old, warc)
        started = time.monotonic()
        Store(old).close()
        print(f"\nopening the version 0 archive migrated it in {time.monotonic() - started:.1f} s; ", end="")
        print(f"journal.db is now {(old / 'journal.db').stat().st_size / warc:.2f} x the WARC files")


if __name__ == "__main__":
    main()
