"""`jcrawl wacz`: package the archive as one WACZ file (the `wacz` package) that ReplayWeb.page opens.

The WACZ holds the finished WARC files, a CDXJ index of them, `pages/pages.jsonl` with one entry per
article (its capture's URL and time, and its title) and `datapackage.json` with every file's hash.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from wacz.main import main as wacz_main

from archive.index import finished_warcs
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


def write_wacz(store: Store, output: Path, title: str | None = None) -> tuple[int, int, list[Path]]:
    """Write the WACZ file `output`; return (WARC files, pages, unfinished files left out)."""
    files, unfinished = finished_warcs(store.archive)
    if not files:
        raise WaczError(f"{store.warc_dir} holds no finished WARC file to package")
    entries = pages(store)
    title = title or f"journal-crawler archive {store.archive.resolve().name}"
    with tempfile.TemporaryDirectory(prefix="jcrawl-wacz-") as tmp:
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
    return len(files), len(entries), unfinished
