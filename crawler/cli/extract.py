"""`jcrawl extract FILE...`: run the extractor on saved HTML files, one JSON record per file."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.cli.common import EXIT_OK, EXIT_USAGE, UsageError, add_command


def register(commands: argparse._SubParsersAction) -> None:
    extract = add_command(
        commands,
        "extract",
        "extract article records from HTML files",
        "Run the extractor on saved HTML pages, as a crawl would on the responses: one JSON record per "
        "file (title, authors, dates, agency, body, links...). A gzipped file (page.html.gz) is read "
        "decompressed. Needs no archive.",
        [
            "jcrawl extract page.html",
            "jcrawl extract saved/*.html --url https://journal.example/2024/05/story/",
            "jcrawl extract page.html | jq .body",
        ],
        (EXIT_OK, EXIT_USAGE),
        run_extract,
    )
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE")
    extract.add_argument("--url", help="the URL the page was fetched from (default: its file:// URL)")


def run_extract(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from archive.decoding import MAX_DECODED, UndecodableBody, decode_content, gzipped
    from crawler.extract import extract_article

    for path in args.files:
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        if gzipped(body):  # saved as it came (Content-Encoding: gzip), or gzipped since
            try:
                body, _ = decode_content(body, ["gzip"], MAX_DECODED)
            except UndecodableBody as exc:
                raise UsageError(f"cannot decompress {path}: {exc}") from None
        article = extract_article(body, args.url or path.resolve().as_uri())
        record = dataclasses.asdict(article)
        record["word_count"] = article.word_count
        record["content_hash"] = article.content_hash
        print(json.dumps(record, ensure_ascii=False))
    return EXIT_OK
