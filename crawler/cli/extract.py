"""`jcrawl extract FILE...`: run the extractor on saved HTML files, one JSON record per file."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from crawler.cli.common import EXIT_OK, UsageError
from crawler.extract import extract_article


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    extract = commands.add_parser("extract", parents=[common], help="extract article records from HTML files")
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE")
    extract.add_argument("--url", help="the URL the page was fetched from (default: its file:// URL)")
    extract.set_defaults(run=run_extract)


def run_extract(args: argparse.Namespace) -> int:
    for path in args.files:
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        article = extract_article(body, args.url or path.resolve().as_uri())
        record = dataclasses.asdict(article)
        record["word_count"] = article.word_count
        record["content_hash"] = article.content_hash
        print(json.dumps(record, ensure_ascii=False))
    return EXIT_OK
