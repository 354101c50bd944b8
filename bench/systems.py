"""Real-systems benchmark: `jcrawl crawl` of WordPress (both default themes) and Pelican.

    .venv/bin/python bench/systems.py [--json FILE]

Serves the test suite's real publishing systems (tests/systems: Debian's WordPress behind nginx,
PHP-FPM and MariaDB; Pelican from PyPI behind nginx), crawls each site with no options and prints,
per system and theme: posts found at their permalink, duplicate rows, other rows (static pages or
listings stored as articles), the exact-metadata rates (title, authors, published instant, section,
tags), the body's token F1, the share of useful requests (articles, listings, feeds, sitemaps,
robots.txt, from the server's own log) and the crawl time. Only ratios from one run compare: this
machine is shared.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import jcrawl  # noqa: E402
from tests.systems.scoring import score  # noqa: E402
from tests.systems.sites import served_systems  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as run, served_systems(Path(run)) as sites:
        for site in sites:
            name = f"{site.system}-{site.theme}"
            archive = Path(run) / f"archive-{name}"
            before = len(site.requests())
            started = time.monotonic()
            result = jcrawl("crawl", site.url, archive=archive, timeout=3600)
            seconds = time.monotonic() - started
            if result.returncode not in (0, 1):
                sys.exit(f"{name}: jcrawl crawl failed: {result.stderr[-2000:]}")
            scored = score(archive, site.url, site.truth(), site.requests()[before:])
            print(scored.line(name, seconds), flush=True)
            results[name] = {
                "posts": scored.posts,
                "found": scored.found,
                "duplicates": scored.duplicates,
                "other_rows": scored.other_rows,
                "exact": scored.exact,
                "body_f1": round(scored.body_f1, 4),
                "requests": dict(scored.requests),
                "useful_share": round(scored.useful_share, 4),
                "seconds": round(seconds, 1),
            }
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
