"""`jcrawl wacz`: package the archive as one WACZ file (the `wacz` package) that ReplayWeb.page opens.

The WACZ holds the finished WARC files, a CDXJ index of them, `pages/pages.jsonl` with one entry per
article (its capture's URL and time, and its title) and `datapackage.json` with every file's hash.
A WARC file with damaged records goes in as a copy holding its whole records only (the WACZ's index
points into that copy), and each damaged record is named.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from wacz.main import main as wacz_main

from archive.index import finished_warcs
from archive.records import Damaged, read_archive
from crawler.store import Store


class WaczError(Exception):
    """The wacz package could not build the file; the message holds what it said."""


def pages(store: Store) -> list[dict[str, str]]:
    """One page entry per article: the URL and time of the capture it was extracted from, its title."""
    rows = store.rows(
        "SELECT c.url, c.fetched_at, a.title FROM articles a JOIN captures c ON c.id = a.capture_id "
        "ORDER BY c.fetched_at, a.id"
    )
    return [{"url": row["url"], "ts": row["fetched_at"], "title": row["title"] or row["url"]} for row in rows]


def whole_records_copy(path: Path, into: Path, damaged: list[str]) -> Path:
    """`path` itself if it has no damaged record; else a copy in `into` holding its whole records."""
    whole: list[tuple[int, int]] = []  # (offset, length) of each whole record
    found: list[str] = []
    for item in read_archive(path, check_digests=False):
        if isinstance(item, Damaged):
            found.append(f"{path.name} offset {item.offset}: {item.message}")
        else:
            whole.append((item.offset, item.length))
    if not found:
        return path
    damaged += found
    copy = into / path.name
    gzipped = path.name.endswith(".gz")
    with open(path, "rb") as source, open(copy, "wb") as out:
        for offset, length in whole:
            source.seek(offset)
            out.write(source.read(length))
            if not gzipped:
                out.write(b"\r\n\r\n")  # an uncompressed record's length leaves out the blank lines
    return copy


def write_wacz(
    store: Store, output: Path, title: str | None = None
) -> tuple[int, int, list[Path], list[str]]:
    """Write the WACZ file `output`; return (WARC files, pages, unfinished files left out, a line per
    damaged record left out)."""
    files, unfinished = finished_warcs(store.archive)
    if not files:
        raise WaczError(f"{store.warc_dir} holds no finished WARC file to package")
    entries = pages(store)
    title = title or f"journal-crawler archive {store.archive.resolve().name}"
    damaged: list[str] = []
    with tempfile.TemporaryDirectory(prefix="jcrawl-wacz-") as tmp:
        files = [whole_records_copy(path, Path(tmp), damaged) for path in files]
        pages_file = Path(tmp) / "pages.jsonl"
        header = {"format": "json-pages-1.0", "id": "pages", "title": "Articles"}
        pages_file.write_text(
            "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in [header, *entries]),
            encoding="utf-8",
        )
        partial = output.with_name(f".{output.name}.part")
        said = io.StringIO()  # wacz prints its progress; kept for the error message
        arguments = ["create", "-o", str(partial), "-p", str(pages_file), "--title", title]
        try:
            with contextlib.redirect_stdout(said):
                failed = wacz_main([*arguments, *map(str, files)])
            if failed:
                raise WaczError(" ".join(said.getvalue().split()[-40:]))
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return len(files), len(entries), unfinished, damaged
