"""Crawl benchmark: the full pipeline (WARC + extraction + SQLite) against a bare Scrapy crawl.

    .venv/bin/python bench/crawl.py [--pages 5000] [--repeats 2]

Generates the shared bench site, serves it with nginx on 127.0.0.1, and runs, interleaved, the bare
Scrapy baseline spider (`../shared/bench/baseline/journal_spider.py`: follow every link, keep nothing)
and `jcrawl crawl URL` with no options. Prints pages/second of each (responses / wall time of the whole
process) and their ratio: this machine is noisy, so only ratios from the same run mean anything.

Then it serves edition 1 of the site (a week later: 50 new articles, 20 edited) at the same URL, runs
`jcrawl update` on each crawl's archive and prints the update's wall time as a fraction of the crawl's.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import SHARED, free_port, make_bench_site, serve_bench_site  # noqa: E402

BASELINE = SHARED / "bench" / "baseline" / "journal_spider.py"
BIN = Path(sys.executable).parent


def run_baseline(url: str, work: Path) -> tuple[int, float]:
    """Responses and wall seconds of the bare Scrapy spider."""
    started = time.monotonic()
    result = subprocess.run(
        [BIN / "scrapy", "runspider", BASELINE, "-a", f"start_url={url}"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.monotonic() - started
    match = re.search(r"'downloader/response_count': (\d+)", result.stderr)
    return int(match.group(1)) if match else 0, elapsed


def run_pipeline(url: str, archive: Path) -> tuple[int, float]:
    """Responses and wall seconds of `jcrawl crawl URL` into a fresh archive."""
    started = time.monotonic()
    subprocess.run(
        [BIN / "jcrawl", "crawl", url, "--archive", archive, "--quiet"], check=True, capture_output=True
    )
    elapsed = time.monotonic() - started
    with sqlite3.connect(archive / "journal.db") as conn:
        (responses,) = conn.execute("SELECT COUNT(*) FROM captures").fetchone()
    return responses, elapsed


def run_update(archive: Path) -> float:
    """Wall seconds of `jcrawl update` on an archive."""
    started = time.monotonic()
    subprocess.run(
        [BIN / "jcrawl", "update", "--archive", archive, "--quiet"], check=True, capture_output=True
    )
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=5000, help="articles in the bench site")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jcrawl-bench-") as tmp:
        work = Path(tmp)
        port = free_port()
        make_bench_site(work / "site", port, args.pages, 1)
        with serve_bench_site(work / "site", port, work / "nginx") as site:
            rates: dict[str, list[float]] = {"scrapy": [], "jcrawl": []}
            crawl_seconds = []
            for i in range(args.repeats):
                responses, seconds = run_baseline(site.url, work)
                rates["scrapy"].append(responses / seconds)
                print(f"run {i + 1}: bare scrapy  {responses:>6} responses in {seconds:6.1f} s", flush=True)
                responses, seconds = run_pipeline(site.url, work / f"archive-{i}")
                rates["jcrawl"].append(responses / seconds)
                crawl_seconds.append(seconds)
                print(f"run {i + 1}: jcrawl crawl {responses:>6} responses in {seconds:6.1f} s", flush=True)
        make_bench_site(work / "site-e1", port, args.pages, 1, "--edition", "1")
        with serve_bench_site(work / "site-e1", port, work / "nginx-e1"):
            fractions = []
            for i, crawled in enumerate(crawl_seconds):
                seconds = run_update(work / f"archive-{i}")
                fractions.append(seconds / crawled)
                print(f"run {i + 1}: jcrawl update (edition 1) in {seconds:6.1f} s", flush=True)
    scrapy, jcrawl = statistics.median(rates["scrapy"]), statistics.median(rates["jcrawl"])
    print(f"\nbench site: {args.pages} articles, medians of {args.repeats} interleaved runs")
    print(f"  bare Scrapy (links only)               {scrapy:7.1f} pages/s")
    print(f"  jcrawl (WARC + extraction + SQLite)    {jcrawl:7.1f} pages/s")
    print(f"  ratio jcrawl / bare Scrapy             {jcrawl / scrapy:7.2f}  (goal >= 1.0)")
    print(f"  update time / first crawl time         {statistics.median(fractions):7.2f}  (goal <= 0.15)")


if __name__ == "__main__":
    main()
