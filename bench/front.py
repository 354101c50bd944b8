"""Researcher's front benchmark: search latency and `jcrawl report` time on the 5,000-article bench site.

    .venv/bin/python bench/front.py [--pages 5000] [--queries 300] [--archive DIR]

Generates the shared bench site, serves it with nginx on 127.0.0.1 and crawls it with `jcrawl crawl`
(or uses the archive given with --archive), then:
- runs two-word queries (pairs of words the index holds, drawn with a fixed seed among those in 1% to
  40% of the articles, then among the commonest, in over 40%) through the store's search (bm25,
  snippets, 10 hits), and prints p50 and p95 latency (goal: under 50 ms);
- times `jcrawl report` on the archive (the whole process, wall time).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.store import Store  # noqa: E402
from tests.helpers import generated_bench_site  # noqa: E402

BIN = Path(sys.executable).parent


def crawl_bench_site(pages: int, work: Path) -> Path:
    """An archive of the bench site with `pages` articles, crawled with `jcrawl crawl`."""
    archive = work / "archive"
    with generated_bench_site(work, pages) as site:
        started = time.monotonic()
        subprocess.run([BIN / "jcrawl", "crawl", site.url, "--archive", archive, "--quiet"], check=True)
        print(f"crawled {site.url} in {time.monotonic() - started:.0f} s")
    return archive


def two_word_queries(store: Store, count: int, low: float = 0.01, high: float = 0.4) -> list[str]:
    """`count` pairs of indexed words, each in `low` to `high` of the articles (fixed seed)."""
    (articles,) = store.conn.execute("SELECT COUNT(*) FROM articles").fetchone()
    store.conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, articles_fts, row)"
    )
    words = [
        term
        for (term,) in store.conn.execute(
            "SELECT term FROM temp.vocab WHERE doc BETWEEN ? AND ? AND length(term) > 3 ORDER BY term",
            (max(1, int(articles * low)), int(articles * high)),
        )
    ]
    rng = random.Random(13)
    return [" ".join(rng.sample(words, 2)) for _ in range(count)]


def search_latency(archive: Path, count: int, low: float, high: float) -> tuple[float, float, float]:
    """p50, p95 (ms) and hits per query of `count` two-word searches (words in `low` to `high` of the
    articles)."""
    store = Store(archive)
    try:
        queries = two_word_queries(store, count, low, high)
        for query in queries[:20]:  # warm the page cache
            store.search(query)
        times, hits = [], 0
        for query in queries:
            started = time.perf_counter()
            hits += len(store.search(query, limit=10))
            times.append((time.perf_counter() - started) * 1000)
    finally:
        store.close()
    quantiles = statistics.quantiles(times, n=20)
    return statistics.median(times), quantiles[18], hits / len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=5000, help="articles in the bench site")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--archive", type=Path, help="an archive to measure instead of crawling the site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jcrawl-bench-front-") as tmp:
        archive = args.archive or crawl_bench_site(args.pages, Path(tmp))
        Store(archive).close()  # an older archive's index is rebuilt here, not inside the timings
        for label, low, high in (("words in 1-40% of articles", 0.01, 0.4), ("words in over 40%", 0.4, 1.0)):
            p50, p95, hits = search_latency(archive, args.queries, low, high)
            print(f"search, two {label}, {args.queries} queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms", end="")
            print(f" ({hits:.1f} hits each)")
        started = time.monotonic()
        subprocess.run(
            [BIN / "jcrawl", "report", "--archive", archive, "--output", Path(tmp) / "report.html"],
            check=True,
            capture_output=True,
        )
        print(f"jcrawl report: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
