#!/usr/bin/env python3
"""Wake-up benchmark: the CPU a process spends on extraction right after it has slept.

    .venv/bin/python bench/wake.py [--shared ../shared] [--pages 1000] [--rounds 5] [--sleep 0.002]

Extracts the bench site's pages (generated in a temporary directory) in this process as an extraction
worker does (`extract_for_crawl`), sleeping `--sleep` seconds before every k-th page, and prints the
median CPU time of the extraction alone per page for each k, the rounds interleaved. It is why the
extraction pool hands a worker pages in batches (crawler/extraction_pool.py): a worker given one page
at a time sleeps before every page. On this 2-core VM a 2 ms sleep before every page raised the CPU
per page ~1.5x (2.9 against 1.9 ms) and a sleep before every eighth hardly at all.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.extraction import generated_site, site_pages  # noqa: E402
from crawler.extract.profile import SiteProfile  # noqa: E402
from crawler.extraction_pool import extract_for_crawl  # noqa: E402

EVERY = (0, 1, 2, 4, 8, 16)  # sleep before every k-th page (0: never)
HEADERS = {"Content-Type": "text/html; charset=utf-8"}


def cpu_ms_per_page(pages: list[tuple[bytes, str]], every: int, sleep: float) -> float:
    """Extraction CPU per page (ms), sleeping `sleep` s before every `every`-th page (0: never)."""
    profile, spent = SiteProfile(), 0.0
    for n, (body, url) in enumerate(pages):
        if every and n % every == 0:
            time.sleep(sleep)
        start = time.process_time()
        extract_for_crawl(body, url, HEADERS, profile, True, True)
        spent += time.process_time() - start
    return 1000 * spent / len(pages)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--pages", type=int, default=1000, help="articles in the bench site")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sleep", type=float, default=0.002, help="seconds slept each time")
    args = parser.parse_args()
    with generated_site(args.shared, args.pages, 7) as site:
        pages = [(body, url) for _, body, url in site_pages(site)]
    results: dict[int, list[float]] = {every: [] for every in EVERY}
    for _ in range(args.rounds):
        for every in EVERY:
            results[every].append(cpu_ms_per_page(pages, every, args.sleep))
    never = statistics.median(results[0])
    print(f"\nextraction CPU per page, {len(pages)} bench-site pages, {args.sleep * 1000:g} ms sleeps, "
          f"medians of {args.rounds} interleaved rounds")  # fmt: skip
    for every, times in results.items():
        label = "never" if every == 0 else f"before every {every}"
        median = statistics.median(times)
        print(f"  sleep {label:<18} {median:6.3f} ms/page  {median / never:5.2f}x")


if __name__ == "__main__":
    main()
