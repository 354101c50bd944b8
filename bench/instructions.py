"""Instructions per page under valgrind's callgrind: jcrawl beside bare Scrapy, on one bench site.

    .venv/bin/python bench/instructions.py [--pages 2000] [--small 400] [--large 1200]

CPU time on this shared machine drifts by up to ~30% from minute to minute; an instruction count does
not. Each command runs twice under callgrind (the two runs side by side), stopped after SMALL and
LARGE responses (jcrawl's --max-pages, Scrapy's CLOSESPIDER_PAGECOUNT): instructions per page are the
slope between the two runs, so start-up stays out of it (printed apart, as the intercept). For jcrawl
the crawler's process and the others (the extraction pool's forkserver and workers) are counted apart.
Slow: valgrind runs programs ~50x slower (~25 minutes at the defaults).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crawl import BASELINE, BIN  # noqa: E402
from bench.measure import processes  # noqa: E402
from tests.helpers import generated_bench_site  # noqa: E402


def start(command: list[str | Path], out: Path) -> subprocess.Popen:
    """`command` under callgrind, every process it starts traced: one `PID.cg` file each in `out`."""
    out.mkdir(parents=True)
    valgrind = ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out}/%p.cg"]
    return subprocess.Popen(
        [*valgrind, *command],
        cwd=out,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its process group: every process it starts, found by `_wait_group`
    )


def _wait_group(group: int) -> None:
    """Wait until no process of the process group `group` is left: jcrawl's extraction workers end
    after the crawler's process, and callgrind writes a process's counts when it ends."""
    while any(fields[2] == str(group) and fields[0] != "Z" for _, fields in processes()):
        time.sleep(0.2)


def counts(process: subprocess.Popen, out: Path) -> tuple[int, int]:
    """Once `process` and every process it started have ended: the instructions of its own process,
    and of all the others."""
    process.wait()
    _wait_group(process.pid)
    own = others = 0
    for path in out.glob("*.cg"):
        text = path.read_text(errors="replace")
        pid = int(re.search(r"^pid: (\d+)", text, re.M).group(1))  # type: ignore[union-attr]
        total = int(re.search(r"^summary: (\d+)", text, re.M).group(1))  # type: ignore[union-attr]
        if pid == process.pid:
            own += total
        else:
            others += total
    return own, others


def command(variant: str, url: str, pages: int, out: Path) -> list[str | Path]:
    """The bare Scrapy spider or `jcrawl crawl`, stopped after `pages` responses."""
    if variant == "scrapy":
        spider = ["runspider", BASELINE, "-a", f"start_url={url}", "-s", "LOG_LEVEL=WARNING"]
        return [BIN / "scrapy", *spider, "-s", f"CLOSESPIDER_PAGECOUNT={pages}"]
    return [BIN / "jcrawl", "crawl", url, "--archive", out / "archive", "--quiet", "--max-pages", str(pages)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="articles of the bench site")
    parser.add_argument("--small", type=int, default=400, help="responses of the first run")
    parser.add_argument("--large", type=int, default=1200, help="responses of the second run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jcrawl-instructions-") as tmp:
        work = Path(tmp)
        rows = {}
        with generated_bench_site(work, args.pages, 1) as site:
            for variant in ("scrapy", "jcrawl"):
                runs = []
                for size in (args.small, args.large):
                    out = work / f"{variant}-{size}"
                    runs.append((start(command(variant, site.url, size, out), out), out))
                small, large = (counts(process, out) for process, out in runs)
                span = args.large - args.small
                rows[variant] = [(b - a) / span for a, b in zip(small, large, strict=True)]
                rows[variant].append(small[0] + small[1] - sum(rows[variant]) * args.small)
                print(f"{variant}: {small} / {large} instructions (own process, others)", flush=True)
    print(f"\ninstructions per page (the slope between {args.small:,} and {args.large:,} responses)")
    print(f"{'variant':<8} {'own process':>12} {'others':>10} {'total':>10} {'start-up':>10} {'/ bare':>7}")
    bare = sum(rows["scrapy"][:2])
    for variant, (own, others, fixed) in rows.items():
        total = own + others
        sizes = f"{own / 1e6:>10.2f} M {others / 1e6:>8.2f} M {total / 1e6:>8.2f} M {fixed / 1e9:>8.2f} G"
        print(f"{variant:<8} {sizes} {total / bare:>6.2f}x")


if __name__ == "__main__":
    main()
