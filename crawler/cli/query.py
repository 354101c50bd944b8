"""`jcrawl search`, `show`, `export`, `stats` and `history`: read the store."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any, TextIO

from crawler.cli.common import (
    EXIT_FATAL,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    UsageError,
    add_command,
    open_store,
    positive,
)
from crawler.store import ARTICLE_COLUMNS, SEARCH_SYNTAX, QueryError
from crawler.words import besides_http_errors

READ_EXITS = (EXIT_OK, EXIT_USAGE, EXIT_FATAL)
# Every article column but the HTML body (plain text is what an export is for).
EXPORT_COLUMNS = ("id", *(c for c in ARTICLE_COLUMNS if c != "body_html"))


def register(commands: argparse._SubParsersAction) -> None:
    search = add_command(
        commands,
        "search",
        "full-text search over titles and bodies",
        "Search the archive's articles (SQLite FTS5; the words as written, diacritics folded): the best "
        "matches first, each with its id, title, date, URL and a snippet. Reads journal.db only, so it "
        "works on a read-only copy of an archive and while a crawl runs.",
        [
            "jcrawl search phosphate",
            "jcrawl search port -algiers 'title:solar' --limit 20",
            "jcrawl search '\"world bank\" loan*' --json | jq .url",
        ],
        READ_EXITS,
        run_search,
    )
    search.__class__ = _QueryParser  # `jcrawl search -algiers port`: a -word is part of the query
    search.add_argument("query", nargs="+", help=f"what to look for: {SEARCH_SYNTAX}")
    search.add_argument("--limit", type=positive, default=10, metavar="N", help="at most N hits (default 10)")
    search.add_argument("--json", action="store_true", help="one JSON object per hit")

    show = add_command(
        commands,
        "show",
        "print one article by URL or id",
        "Print an article's clean record: title, URL, authors, date, section, agency, the text, and "
        "its typed links (previous, next, related, in the text).",
        [
            "jcrawl show 42",
            "jcrawl show https://journal.example/2024/05/some-story/",
            "jcrawl show 42 --json",
        ],
        READ_EXITS,
        run_show,
    )
    show.add_argument("key", metavar="URL|ID")
    show.add_argument("--json", action="store_true", help="the whole record as JSON")

    export = add_command(
        commands,
        "export",
        "write every article as JSON lines or CSV",
        "Write every article (oldest publication first), every column but the HTML body, as JSON "
        "lines (lists kept) or CSV (lists joined with '; ').",
        [
            "jcrawl export > articles.jsonl",
            "jcrawl export --format csv --output articles.csv",
            "jcrawl export | head -3",
        ],
        READ_EXITS,
        run_export,
    )
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument(
        "--output", "-o", type=argparse.FileType("w", encoding="utf-8"), default=sys.stdout, metavar="FILE"
    )

    stats = add_command(
        commands,
        "stats",
        "counts and sizes of the archive",
        "Count the archive's runs, captures, articles, links and recorded errors, the size of its WARC "
        "files and database, its last run, and its biggest sections.",
        ["jcrawl stats", "jcrawl stats --json", "jcrawl --archive ~/journals stats"],
        READ_EXITS,
        run_stats,
    )
    stats.add_argument("--json", action="store_true")

    history = add_command(
        commands,
        "history",
        "the versions of an article and what changed between them",
        "List an article's versions (an update files the old text as a version when an article is "
        "edited) and show a word diff between the last two, or between versions A and B.",
        [
            "jcrawl history https://journal.example/2024/05/some-story/",
            "jcrawl history 42 --diff 1 3",
            "jcrawl history 42 --json",
        ],
        READ_EXITS,
        run_history,
    )
    history.add_argument("key", metavar="URL|ID")
    history.add_argument(
        "--diff",
        nargs=2,
        type=int,
        metavar=("A", "B"),
        help="compare versions A and B (default: the last two)",
    )
    history.add_argument("--json", action="store_true", help="the versions as JSON")


class _QueryParser(Parser):
    """The `search` parser: an argument with one leading '-' that is not exactly one of its options is
    a word of the query (`-word` leaves articles out), not an unknown option."""

    def _parse_optional(self, arg_string: str) -> Any:
        if arg_string[:1] == "-" and arg_string[:2] != "--" and arg_string not in self._option_string_actions:
            return None
        return super()._parse_optional(arg_string)


def run_search(args: argparse.Namespace) -> int:
    text = " ".join(args.query)
    store = open_store(args.archive)
    try:
        hits = store.search(text, limit=args.limit)
    except QueryError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    for hit in hits:
        if args.json:
            print(json.dumps(hit, ensure_ascii=False))
        else:
            print(f"[{hit['id']}] {hit['title']}  ({(hit['published'] or '')[:10]})\n    {hit['url']}")
            print(f"    {hit['snippet']}")
    if not args.json:
        print(f"{len(hits)} hit{'s' * (len(hits) != 1)} for {text!r}", file=sys.stderr)
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    store = open_store(args.archive)
    try:
        article = store.article(args.key)
    finally:
        store.close()
    if article is None:
        raise UsageError(f"no article with URL or id {args.key!r}")
    if args.json:
        print(json.dumps(article, ensure_ascii=False, indent=1))
        return EXIT_OK
    print(article["title"] or "(no title)")
    print(article["url"])
    meta = [
        ", ".join(article["authors"]),
        article["published"],
        article["section"],
        article["agency"] and f"agency: {article['agency']}",
    ]
    print(" | ".join(m for m in meta if m))
    print()
    print(article["body"])
    if article["links"]:
        print("\nLinks:")
        for link in article["links"]:
            print(f"  {link['kind']:<9} {link['target_url']}  {link['anchor_text'] or ''}")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    store = open_store(args.archive)
    try:
        write_export(store.articles(), args.format, args.output)
    finally:
        store.close()
    return EXIT_OK


def write_export(articles: Any, fmt: str, out: TextIO) -> None:
    """Articles as JSON lines (lists kept) or CSV (lists joined with '; ')."""
    if fmt == "jsonl":
        for article in articles:
            out.write(json.dumps({k: article[k] for k in EXPORT_COLUMNS}, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for article in articles:
        row = dict(article)
        row["authors"] = "; ".join(article["authors"])
        row["tags"] = "; ".join(article["tags"])
        writer.writerow(row)


def run_stats(args: argparse.Namespace) -> int:
    store = open_store(args.archive)
    try:
        stats = store.stats()
    finally:
        store.close()
    if args.json:
        print(json.dumps(stats, indent=1))
        return EXIT_OK
    print(f"{'archive':<11} {stats['archive']}")
    for name in ("crawls", "captures", "articles", "links"):
        print(f"{name:<11} {stats[name]:,}")
    print(f"{'errors':<11} {stats['errors']:,}{besides_http_errors(stats['http_errors'])}")
    print(f"{'warc files':<11} {stats['warc_files']:,} ({stats['warc_bytes'] / 1e6:,.1f} MB)")
    print(f"{'database':<11} {stats['db_bytes'] / 1e6:,.1f} MB")
    last = stats["last_crawl"]
    if last:
        resumable = last["kind"] in ("crawl", "update")
        end = last["finished_at"] or (
            "unfinished: the next crawl or update resumes it" if resumable else "unfinished"
        )
        source = last["start_url"] or "WARC files"
        print(f"{'last run':<11} #{last['id']} {last['kind']} of {source} ({last['started_at']} - {end})")
    for section, count in stats["sections"].items():
        print(f"  {section:<20} {count:,}")
    return EXIT_OK


def run_history(args: argparse.Namespace) -> int:
    store = open_store(args.archive)
    try:
        article = store.article(args.key)
        if article is None:
            raise UsageError(f"no article with URL or id {args.key!r}")
        versions = store.versions(article)
    finally:
        store.close()
    if args.json:
        print(json.dumps(versions, ensure_ascii=False, indent=1))
        return EXIT_OK
    from crawler.history import version_diff  # difflib: only for the diff

    numbers = [v["version"] for v in versions]
    if args.diff:
        old, new = args.diff
    elif len(numbers) > 1:
        old, new = numbers[-2:]
    else:
        old = new = None
    for number in (old, new):
        if number is not None and number not in numbers:
            raise UsageError(f"no version {number}: the article has versions 1 to {numbers[-1]}")
    print(article["title"] or "(no title)")
    print(article["url"])
    print(f"{len(versions)} version{'s' * (len(versions) != 1)}; last seen {article['last_seen']}")
    for v in versions:
        current = "  (current)" if v is versions[-1] else ""
        words = len((v["body"] or "").split())
        print(f"  {v['version']:>3}  first seen {v['seen_at']}  {words:,} words  {v['title']}{current}")
    if old is not None:
        print()
        print(version_diff(versions[old - 1], versions[new - 1]) or f"versions {old} and {new} are the same")
    return EXIT_OK
