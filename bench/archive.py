"""Archive benchmark: `jcrawl verify` against `warcio check`, and `jcrawl reparse` against the crawl.

    .venv/bin/python bench/archive.py [--pages 5000] [--archive DIR]

Crawls the shared bench site into a fresh archive (or takes an existing archive with --archive), then
times, on the same files in the same run: `warcio check` (every record's digests), `jcrawl verify`
(the same, plus gzip members, decoding and the database), and `jcrawl reparse` of a copy whose
journal.db was deleted. Prints wall seconds, peak memory (RSS) of each process and the ratios:
verify / warcio check (goal <= 2.0) and reparse / crawl. Only ratios from one run mean anything on a
shared machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import generated_bench_site  # noqa: E402

BIN = Path(sys.executable).parent


def timed(command: list[str | Path]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of a command; its output is discarded."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - started, usage.ru_maxrss / 1024, process.returncode


def crawl(pages: int, work: Path) -> tuple[Path, float]:
    """Crawl a freshly generated bench site of `pages` articles; the archive and the crawl's seconds."""
    archive = work / "archive"
    with generated_bench_site(work, pages, 1) as site:
        seconds, _, code = timed([BIN / "jcrawl", "crawl", site.url, "--archive", archive, "--quiet"])
    if code not in (0, 1):
        sys.exit(f"jcrawl crawl failed with exit code {code}")
    return archive, seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=5000, help="articles in the bench site")
    parser.add_argument("--archive", type=Path, help="an existing archive (not changed) instead of a crawl")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jcrawl-bench-archive-") as tmp:
        work = Path(tmp)
        crawl_seconds = None
        if args.archive:
            archive = args.archive
        else:
            archive, crawl_seconds = crawl(args.pages, work)
        warcs = sorted((archive / "warc").glob("*.warc.gz"))
        size = sum(path.stat().st_size for path in warcs) / 1e6
        check = timed([BIN / "warcio", "check", *warcs])
        verify = timed([BIN / "jcrawl", "verify", "--archive", archive])
        copy = Path(shutil.copytree(archive, work / "rebuilt", ignore=shutil.ignore_patterns("journal.db*")))
        reparse = timed([BIN / "jcrawl", "reparse", "--archive", copy])

    print(f"\narchive: {len(warcs)} WARC files, {size:,.1f} MB")
    print(f"  warcio check          {check[0]:7.1f} s  {check[1]:6.0f} MB peak RSS")
    print(f"  jcrawl verify         {verify[0]:7.1f} s  {verify[1]:6.0f} MB peak RSS  (exit {verify[2]})")
    print(f"  verify / warcio check {verify[0] / check[0]:7.2f}  (goal <= 2.0)")
    print(f"  jcrawl reparse        {reparse[0]:7.1f} s  {reparse[1]:6.0f} MB peak RSS  (exit {reparse[2]})")
    if crawl_seconds:
        print(f"  jcrawl crawl          {crawl_seconds:7.1f} s")
        print(f"  reparse / crawl       {reparse[0] / crawl_seconds:7.2f}")


if __name__ == "__main__":
    main()
