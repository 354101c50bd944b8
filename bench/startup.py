"""Start-up benchmark: how long `jcrawl` read commands take, end to end, on a 50,000-article archive.

    .venv/bin/python bench/startup.py [--articles 50000] [--repeats 7] [--archive DIR] [--baseline SRC]

Generates (once, then reuses) an archive whose journal.db holds `--articles` synthetic articles (about
400 words each, from a fixed vocabulary and seed; no WARC files: the read commands read the database
only), then times whole `jcrawl` processes as a user starts them: `--help`, `search` (a rare word and
a common one), `show`, `stats` and `history`. Prints the median wall time of each; the goal for
`jcrawl search` is 0.25 s. This machine is noisy: compare numbers from the same run only, which
`--baseline SRC` gives: the same commands run from another source tree (e.g. `git archive main | tar
-x -C /tmp/main`), interleaved with this one's, and the ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.store import Batch, Store  # noqa: E402

DEFAULT_ARCHIVE = ROOT / "bench-out" / "startup-archive"
VOCABULARY = (
    "market port mine energy solar grid water loan bank minister budget export import price output "
    "harbour railway road drought harvest cotton gold uranium oil gas refinery pipeline tariff tax "
    "union strike council election court ruling report survey growth inflation currency reserve "
    "investor contract tender project plant capacity megawatt tonne shipment customs border trade"
)
WORDS = VOCABULARY.split()
RARE_WORD = "phosphate"  # in one article of 500
GOAL_SEARCH_SECONDS = 0.25


def make_archive(archive: Path, count: int) -> None:
    """An archive of `count` synthetic articles (deterministic: seed 1), written in batches."""
    rng = random.Random(1)
    store = Store(archive)
    try:
        crawl_id = store.begin_crawl("http://127.0.0.1:9/", "2024-01-01T00:00:00Z")
        for start in range(0, count, 1000):
            batch = Batch()
            for i in range(start, min(start + 1000, count)):
                words = rng.choices(WORDS, k=400)
                if i % 500 == 0:
                    words[rng.randrange(400)] = RARE_WORD
                body = "\n\n".join(" ".join(words[p : p + 80]) for p in range(0, 400, 80))
                url = f"http://127.0.0.1:9/2024/{i % 12 + 1:02d}/story-{i}/"
                seen = f"2024-{i % 12 + 1:02d}-01T00:00:00Z"
                batch.captures.append(
                    {"id": i + 1, "url": url, "fetched_at": seen, "status": 200, "warc_file": "none.warc.gz",
                     "warc_offset": i, "warc_length": 1, "crawl_id": crawl_id}
                )  # fmt: skip
                batch.articles.append(
                    {"url": url, "title": " ".join(words[:8]).capitalize(), "authors": '["A. Writer"]',
                     "published": seen, "modified": None, "section": WORDS[i % 10], "tags": "[]",
                     "language": "en", "agency": None, "lead": None, "body": body,
                     "body_html": "".join(f"<p>{p}</p>" for p in body.split("\n\n")), "word_count": 400,
                     "content_hash": hashlib.sha256(body.encode()).hexdigest(), "top_image": None,
                     "capture_id": i + 1, "first_seen": seen, "last_seen": seen, "profile_version": 0}
                )  # fmt: skip
            store.write(batch)
        store.finish_crawl(crawl_id, {"finish_reason": "finished"}, "2024-01-01T01:00:00Z")
    finally:
        store.close()


def timed(args: list[str], archive: Path, repeats: int, sources: list[Path]) -> list[float]:
    """Median wall seconds of `jcrawl ARGS --archive archive` (output discarded) run from each source
    tree, the runs interleaved."""
    times: list[list[float]] = [[] for _ in sources]
    for _ in range(repeats):
        for source, runs in zip(sources, times, strict=True):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "crawler.cli", *args, "--archive", archive],
                cwd=source,  # `python -m` puts the working directory first on sys.path
                env=dict(os.environ, PYTHONPATH=str(source)),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
            )
            runs.append(time.perf_counter() - started)
    return [statistics.median(runs) for runs in times]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE, help="made once, then reused")
    parser.add_argument("--baseline", type=Path, metavar="SRC", help="another source tree to compare with")
    args = parser.parse_args()
    args.archive = args.archive.resolve()
    marker = args.archive / f".bench-{args.articles}"
    if not marker.exists():
        print(f"generating {args.articles:,} articles into {args.archive} ...", flush=True)
        if (args.archive / "journal.db").exists():
            (args.archive / "journal.db").unlink()
        make_archive(args.archive, args.articles)
        marker.touch()
    commands = {
        "jcrawl --help": ["--help"],
        f"jcrawl search {RARE_WORD}": ["search", RARE_WORD],
        "jcrawl search market": ["search", "market"],
        "jcrawl show 1": ["show", "1"],
        "jcrawl stats": ["stats"],
        "jcrawl history 1": ["history", "1"],
    }
    sources = [ROOT, *([args.baseline.resolve()] if args.baseline else [])]
    print(
        f"\narchive of {args.articles:,} articles, median of {args.repeats} runs (wall time, whole process)"
    )
    if args.baseline:
        print(f"  {'':<28} {'this':>8} {'baseline':>9} {'ratio':>6}")
    for label, command in commands.items():
        seconds = timed(command, args.archive, args.repeats, sources)
        goal = f"  (goal <= {GOAL_SEARCH_SECONDS})" if command[0] == "search" else ""
        compared = f" {seconds[1]:7.3f} s {seconds[0] / seconds[1]:6.2f}" if args.baseline else ""
        print(f"  {label:<28} {seconds[0]:6.3f} s{compared}{goal}", flush=True)


if __name__ == "__main__":
    main()
