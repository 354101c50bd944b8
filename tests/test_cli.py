"""The `jcrawl` commands a researcher uses on an archive: search, show, export, stats, extract."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from tests.helpers import BenchSite, jcrawl, query


@pytest.fixture(scope="module")
def some_article(bench_site: BenchSite) -> dict:
    return next(t for t in bench_site.ground_truth if t["template"] == "a" and t["agency"])


def test_search_ranks_and_snippets(bench_archive: Path, some_article: dict) -> None:
    words = " ".join(some_article["title"].split()[:3])
    result = jcrawl("search", f'"{words}"', "--json", "--limit", "50", archive=bench_archive)
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert some_article["url"] in [h["url"] for h in hits]
    assert all("[" in h["snippet"] and "]" in h["snippet"] for h in hits)
    assert [h["rank"] for h in hits] == sorted(h["rank"] for h in hits)


def test_search_text_output(bench_archive: Path) -> None:
    result = jcrawl("search", "phosphate", archive=bench_archive)
    assert result.returncode == 0
    assert "hits for 'phosphate'" in result.stderr
    assert "[" in result.stdout


@pytest.mark.parametrize("query_text", ['"unbalanced', "NEAR(", "title:", "AND"])
def test_search_syntax_errors_are_usage_errors(bench_archive: Path, query_text: str) -> None:
    result = jcrawl("search", query_text, archive=bench_archive)
    assert result.returncode == 2
    assert "cannot search for" in result.stderr and "Traceback" not in result.stderr


def test_show_by_url_and_id(bench_archive: Path, some_article: dict) -> None:
    by_url = jcrawl("show", some_article["url"], "--json", archive=bench_archive)
    assert by_url.returncode == 0, by_url.stderr
    record = json.loads(by_url.stdout)
    assert record["title"] == some_article["title"]
    by_id = jcrawl("show", str(record["id"]), archive=bench_archive)
    assert by_id.returncode == 0 and by_id.stdout.startswith(some_article["title"])
    # as a URL is pasted: without the permalink's trailing slash, with a dot segment, with tracking
    scheme, _, host, path = some_article["url"].split("/", 3)
    for pasted in (some_article["url"].rstrip("/"), f"{scheme}//{host}/./{path}?utm_source=feed"):
        found = jcrawl("show", pasted, archive=bench_archive)
        assert found.returncode == 0 and found.stdout.startswith(some_article["title"]), pasted
    missing = jcrawl("show", "http://127.0.0.1:9/nothing/", archive=bench_archive)
    assert missing.returncode == 2 and "no article" in missing.stderr


def test_export_jsonl_and_csv(bench_archive: Path) -> None:
    (count,) = query(bench_archive, "SELECT COUNT(*) FROM articles")[0]
    jsonl = jcrawl("export", "--format", "jsonl", archive=bench_archive)
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(rows) == count and isinstance(rows[0]["authors"], list) and rows[0]["body"]
    table = list(
        csv.DictReader(io.StringIO(jcrawl("export", "--format", "csv", archive=bench_archive).stdout))
    )
    assert len(table) == count and table[0]["url"].startswith("http://127.0.0.1:")


def test_stats(bench_archive: Path) -> None:
    result = jcrawl("stats", "--json", archive=bench_archive)
    stats = json.loads(result.stdout)
    assert stats["articles"] >= 2000 and stats["warc_files"] >= 1 and stats["captures"] > stats["articles"]


def test_extract_prints_one_record_per_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    paragraphs = "".join(
        f"<p>The port grew by a third in year {n}, officials said on Monday, citing figures from the "
        "harbour authority that also showed container traffic at a record high.</p>"
        for n in range(4)
    )
    page.write_text(
        "<html><head><title>Port Story</title></head><body><h1>Port Story</h1>"
        f"<div class='entry-content'>{paragraphs}</div></body></html>"
    )
    result = jcrawl("extract", page, page, "--url", "http://127.0.0.1/story/")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2 and records[0]["title"] == "Port Story" and "port grew" in records[0]["body"]
    assert records[0]["url"] == "http://127.0.0.1/story/"

    # A page saved gzipped is read decompressed; a file that only starts like gzip is a usage error.
    zipped = tmp_path / "page.html.gz"
    zipped.write_bytes(gzip.compress(page.read_bytes()))
    result = jcrawl("extract", zipped, "--url", "http://127.0.0.1/story/")
    assert json.loads(result.stdout)["body"] == records[0]["body"]
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"\x1f\x8b" + b"not gzip at all" * 10)
    result = jcrawl("extract", broken)
    assert (
        result.returncode == 2 and "cannot decompress" in result.stderr and "Traceback" not in result.stderr
    )


@pytest.mark.parametrize(
    "args",
    [
        ["crawl"],
        ["crawl", "not a url"],
        ["crawl", "http://127.0.0.1/", "--max-pages", "0"],
        ["crawl", "http://127.0.0.1/", "-s", "NOVALUE"],
        ["nonsense"],
        ["extract", "/nonexistent/file.html"],
    ],
)
def test_usage_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    result = jcrawl(*args, archive=tmp_path)
    assert result.returncode == 2
    assert "error" in result.stderr and "Traceback" not in result.stderr


def test_commands_on_a_missing_archive_say_so(tmp_path: Path) -> None:
    result = jcrawl("search", "x", archive=tmp_path / "nothing")
    assert result.returncode == 2 and "no archive at" in result.stderr
