"""Crawl benchmark: jcrawl beside bare Scrapy, Scrapy + warcio and wget, on one bench site, in one run.

    .venv/bin/python bench/crawl.py [--pages 5000] [--repeats 2] [--variants ...] [--no-update]
    make bench          # 5,000 articles, every variant; then peak memory at 20,000
    make bench-scale    # 100,000 articles: jcrawl and bare Scrapy once each

Generates the shared bench site, serves it with nginx on 127.0.0.1 and runs, interleaved:

- `scrapy`: the shared baseline spider (`../shared/bench/baseline/journal_spider.py`): follow every
  link, keep nothing;
- `scrapy+warc`: the same writing every request and response to a gzipped WARC with warcio;
- `wget+warc`: `wget --recursive --warc-file` (one connection);
- `jcrawl`: `jcrawl crawl URL` with no options (WARC + extraction in worker processes + SQLite);
- `jcrawl-1p`: the same with extraction in the crawler's own process (JCRAWL_EXTRACT_WORKERS=0);
- `jcrawl-twisted`: `jcrawl crawl URL` with every exchange made by Scrapy's Twisted client, not the lean
  one in front of it (JCRAWL_LEAN_HTTP=False, crawler/handlers/lean.py).

For each: responses, pages/s (responses / wall time of the whole command), CPU ms per page (user +
system of every process of the command, the extraction workers included; `main ms`: the command's own
process only, for jcrawl the crawler's process), cores used (CPU / wall)
and peak resident memory (the command's process; and its whole tree). Medians over the repeats; the
ratios to bare Scrapy are the medians of each round's ratio (a round runs every variant back to
back, so the machine's drift from round to round, up to ~30% here, cancels out of them).
This machine is shared and noisy: only ratios from one run mean anything.

Unless --no-update, it then serves edition 1 of the site (a week later: 50 new articles, 20 edited)
at the same URL, runs `jcrawl update` on each jcrawl archive and prints the update's wall time as a
fraction of the crawl's.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import Measurement, measure  # noqa: E402
from tests.helpers import SHARED, generated_bench_site, make_bench_site, serve_bench_site  # noqa: E402

BASELINE = SHARED / "bench" / "baseline" / "journal_spider.py"
BIN = Path(sys.executable).parent
VARIANTS = ("scrapy", "scrapy+warc", "wget+warc", "jcrawl", "jcrawl-1p", "jcrawl-twisted")
# The settings of each jcrawl variant.
JCRAWL_OPTIONS = {
    "jcrawl": [],
    "jcrawl-1p": ["--set=JCRAWL_EXTRACT_WORKERS=0"],
    "jcrawl-twisted": ["--set=JCRAWL_LEAN_HTTP=False"],
}
# Responses of a WARC file by status, read with warcio (for wget).
COUNT_WARC = """
import json, sys
from warcio.archiveiterator import ArchiveIterator
with open(sys.argv[1], "rb") as f:
    print(sum(1 for r in ArchiveIterator(f) if r.rec_type == "response"))
"""


@dataclass
class Run:
    variant: str
    responses: int
    cost: Measurement
    archive: Path | None = None  # a jcrawl run's archive

    @property
    def pages_per_s(self) -> float:
        return self.responses / self.cost.wall

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cost.cpu / max(1, self.responses)

    @property
    def main_cpu_ms_per_page(self) -> float:
        """The command's own process only: for jcrawl, the crawler's process without its workers."""
        return 1000 * self.cost.main_cpu / max(1, self.responses)


def run_variant(variant: str, url: str, out: Path) -> Run:
    """Crawl `url` with one variant, into the fresh directory `out`."""
    out.mkdir(parents=True)
    spider = ["runspider", BASELINE, "-a", f"start_url={url}"]
    if variant.startswith("scrapy"):
        extra = ["-s", f"WARC_FILE={out / 'crawl.warc.gz'}"] if variant == "scrapy+warc" else []
        cost = measure([BIN / "scrapy", *spider, *extra], cwd=out)
        match = re.search(r"'downloader/response_count': (\d+)", cost.stderr)
        return Run(variant, int(match.group(1)) if match else 0, cost)
    if variant == "wget+warc":
        command = ["wget", "--recursive", "--level=inf", "--no-verbose", "--directory-prefix", out / "files"]
        command += [f"--warc-file={out / 'crawl'}", "--output-file", out / "wget.log", url]
        cost = measure(command, cwd=out, ok=(0, 8))  # 8: the server answered some 404s
        count = subprocess.run(
            [sys.executable, "-c", COUNT_WARC, out / "crawl.warc.gz"],
            capture_output=True,
            text=True,
            check=True,
        )
        return Run(variant, int(count.stdout), cost)
    archive = out / "archive"
    cost = measure([BIN / "jcrawl", "crawl", url, "--archive", archive, "--quiet", *JCRAWL_OPTIONS[variant]])
    with sqlite3.connect(archive / "journal.db") as conn:
        (responses,) = conn.execute("SELECT COUNT(*) FROM captures").fetchone()
    return Run(variant, responses, cost, archive)


def report(runs: list[Run], pages: int, repeats: int) -> list[dict]:
    """Print the table of medians (and ratios to bare Scrapy); return its rows."""
    rows = []
    bare = [r for r in runs if r.variant == "scrapy"]  # one per round, in order
    for variant in dict.fromkeys(r.variant for r in runs):
        mine = [r for r in runs if r.variant == variant]

        def med(value: object, mine: list[Run] = mine) -> float:
            return statistics.median(value(r) for r in mine)  # type: ignore[operator]

        def ratio(value: object, mine: list[Run] = mine) -> float:
            """The median of each round's ratio to the bare Scrapy run of that round."""
            pairs = zip(mine, bare, strict=False)
            return statistics.median([value(r) / value(b) for r, b in pairs] or [float("nan")])  # type: ignore[operator]

        rows.append(
            {
                "variant": variant,
                "responses": med(lambda r: r.responses),
                "pages_per_s": med(lambda r: r.pages_per_s),
                "cpu_ms_per_page": med(lambda r: r.cpu_ms_per_page),
                "main_cpu_ms_per_page": med(lambda r: r.main_cpu_ms_per_page),
                "cores": med(lambda r: r.cost.cores),
                "peak_rss_mb": med(lambda r: r.cost.peak_rss),
                "peak_tree_rss_mb": med(lambda r: r.cost.peak_tree_rss),
                "speed_ratio": ratio(lambda r: r.pages_per_s),
                "cpu_ratio": ratio(lambda r: r.cpu_ms_per_page),
            }
        )
    print(f"\nbench site: {pages:,} articles, medians of {repeats} interleaved run(s), one machine, one run")
    print(f"{'variant':<14} {'responses':>9} {'pages/s':>8} {'CPU ms/page':>12} {'main ms':>8} {'cores':>6} "
          f"{'RSS MB':>7} {'tree MB':>8} {'pages/s / bare':>15} {'CPU / bare':>11}")  # fmt: skip
    for row in rows:
        speed, cpu = row["speed_ratio"], row["cpu_ratio"]
        print(
            f"{row['variant']:<14} {row['responses']:>9,.0f} {row['pages_per_s']:>8.1f} "
            f"{row['cpu_ms_per_page']:>12.2f} {row['main_cpu_ms_per_page']:>8.2f} {row['cores']:>6.2f} "
            f"{row['peak_rss_mb']:>7.0f} "
            f"{row['peak_tree_rss_mb']:>8.0f} {speed:>15.2f} {cpu:>11.2f}"
        )
    return rows


def database_ratio(runs: list[Run]) -> None:
    """journal.db bytes per WARC byte, for the first jcrawl archive."""
    archive = next((r.archive for r in runs if r.archive is not None), None)
    if archive is None:
        return
    warc = sum(p.stat().st_size for p in (archive / "warc").glob("*.warc.gz"))
    db = sum(p.stat().st_size for p in archive.glob("journal.db*"))
    print(f"journal.db / WARC bytes: {db / 1e6:.1f} MB / {warc / 1e6:.1f} MB = {db / warc:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=5000, help="articles in the bench site")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help="comma-separated, of: " + ", ".join(VARIANTS)
    )
    parser.add_argument("--no-update", action="store_true", help="skip the update of edition 1")
    parser.add_argument("--json", type=Path, help="also write the table here")
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    if unknown := set(variants) - set(VARIANTS):
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")

    with tempfile.TemporaryDirectory(prefix="jcrawl-bench-") as tmp:
        work = Path(tmp)
        runs: list[Run] = []
        with generated_bench_site(work, args.pages, 1) as site:
            for i in range(args.repeats):
                for variant in variants:
                    run = run_variant(variant, site.url, work / f"{variant}-{i}")
                    runs.append(run)
                    print(
                        f"run {i + 1}: {variant:<14} {run.responses:>7,} responses in "
                        f"{run.cost.wall:7.1f} s, {run.cost.cpu:6.1f} s CPU, {run.cost.peak_rss:5.0f} MB",
                        flush=True,
                    )
        rows = report(runs, args.pages, args.repeats)
        database_ratio(runs)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2))
        crawled = [r for r in runs if r.archive is not None]
        if crawled and not args.no_update:
            update_fraction(work, site.port, args.pages, crawled)


def update_fraction(work: Path, port: int, pages: int, crawled: list[Run]) -> None:
    """Serve edition 1 and print `jcrawl update`'s wall time as a fraction of each crawl's."""
    make_bench_site(work / "site-e1", port, pages, 1, "--edition", "1")
    fractions = []
    with serve_bench_site(work / "site-e1", port, work / "nginx-e1"):
        for run in crawled:
            assert run.archive is not None
            cost = measure([BIN / "jcrawl", "update", "--archive", run.archive, "--quiet"])
            fractions.append(cost.wall / run.cost.wall)
            print(f"{run.variant}: jcrawl update (edition 1) in {cost.wall:6.1f} s", flush=True)
    print(f"update time / first crawl time: {statistics.median(fractions):.2f}  (goal <= 0.15)")


if __name__ == "__main__":
    main()
