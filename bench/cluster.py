"""Cluster benchmark: one worker, then two, crawling the same eight journals through one Redis.

    .venv/bin/python bench/cluster.py [--articles 1000] [--sites 8]
    make bench-cluster      # also part of `make bench`

Generates the bundled demo journal (crawler/demo/) `--sites` times (distinct seeds), each served by
nginx on its own loopback host (127.0.0.2, 127.0.0.3...), starts a private redis-server (AOF on), and
for 1 and then 2 workers: seeds every site (`jcrawl crawl URL --cluster R --seed-only`), runs the
workers (`jcrawl worker`) until the frontier is empty, and reads Redis's INFO commandstats. Prints
pages stored per second (pages / wall time from the first worker's start to the last one's end),
the scaling ratio of two workers over one, the workers' CPU ms per page and cores used (a ratio
below 2 with fewer than 2 cores used means the machine, not the cluster, held them back), Redis
commands per page (INFO commandstats: those the
scripts run included), per-worker throughput, and the pages per second of `jcrawl ingest` after.
Each worker extracts in its own process (JCRAWL_EXTRACT_WORKERS=0): two workers use two cores.
This machine is shared and noisy: only ratios from one run mean anything.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cluster_helpers import RedisServer, nginx_sites  # noqa: E402
from tests.helpers import free_port  # noqa: E402


def jcrawl(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *map(str, args)]


def commands_run(redis: RedisServer) -> int:
    """Commands Redis has run since its stats were reset (INFO commandstats)."""
    stats = redis.cli("INFO", "commandstats")
    return sum(int(line.split("calls=")[1].split(",")[0]) for line in stats.splitlines() if "calls=" in line)


def _children_cpu() -> float:
    """CPU seconds (user + system) of the child processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(redis: RedisServer, urls: list[str], archive: Path, workers: int) -> dict:
    redis.cli("FLUSHALL")
    for url in urls:
        subprocess.run(
            jcrawl("crawl", url, "--cluster", redis.url, "--seed-only", "--archive", archive), check=True
        )
    redis.cli("CONFIG", "RESETSTAT")
    cpu = _children_cpu()
    started = time.monotonic()
    settings = ["-s", "JCRAWL_EXTRACT_WORKERS=0", "-s", "JCRAWL_CLUSTER_SITES=4"]
    processes = [
        subprocess.Popen(
            jcrawl("worker", "--cluster", redis.url, "--archive", archive, "--worker-id", f"w{n}", *settings),
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    lines = [p.communicate()[0].strip() for p in processes]
    wall = time.monotonic() - started
    cpu = _children_cpu() - cpu
    if any(p.returncode for p in processes):
        raise RuntimeError(f"a worker failed: {lines}")
    pages = int(redis.cli("GET", "jcrawl:pages"))
    commands = commands_run(redis)
    started = time.monotonic()
    subprocess.run(jcrawl("ingest", "--cluster", redis.url, "--archive", archive), check=True)
    ingest = time.monotonic() - started
    return {
        "workers": workers,
        "pages": pages,
        "wall": round(wall, 1),
        "pages_per_second": round(pages / wall, 1),
        "redis_commands_per_page": round(commands / pages, 2),
        "cpu_ms_per_page": round(cpu * 1000 / pages, 1),
        "cores": round(cpu / wall, 2),
        "ingest_pages_per_second": round(pages / ingest, 1),
        "per_worker": lines,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="stories per journal")
    parser.add_argument("--sites", type=int, default=8, help="journals (on 127.0.0.2 and up)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        tmp_dir = Path(tmp)
        redis = RedisServer(free_port(), tmp_dir)
        redis.start()
        try:
            with nginx_sites(tmp_dir, args.sites, args.articles, log=False) as sites:
                urls = [site.url for site in sites]
                results = [run(redis, urls, tmp_dir / f"archive-{n}", n) for n in (1, 2)]
        finally:
            redis.stop()
    one, two = results
    hosts = f"127.0.0.2-{args.sites + 1}"
    print(f"Cluster benchmark: {args.sites} journals of {args.articles} stories, nginx on {hosts}")
    for result in results:
        print(
            f"  {result['workers']} worker(s): {result['pages']:,} pages in {result['wall']:,.1f} s = "
            f"{result['pages_per_second']:,.1f} pages/s; "
            f"{result['redis_commands_per_page']} Redis commands per page; "
            f"{result['cpu_ms_per_page']} CPU ms per page, {result['cores']} cores used"
        )
        for line in result["per_worker"]:
            print(f"    {line}")
        ingest = result["ingest_pages_per_second"]
        print(f"    then `jcrawl ingest`, the one database writer: {ingest:,.1f} pages/s")
    print(
        f"  scaling, 2 workers / 1: {two['pages_per_second'] / one['pages_per_second']:.2f}x (goal >= 1.7x)"
    )
    print(json.dumps({"sites": args.sites, "articles": args.articles, "runs": results}))


if __name__ == "__main__":
    main()
