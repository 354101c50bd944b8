#!/usr/bin/env python3
"""Golden output: proof that a change to extraction (a speed-up, a restructuring) extracts the same.

    .venv/bin/python bench/golden.py write DIR   # every record of every page, before the change
    .venv/bin/python bench/golden.py check DIR   # after it: each page whose record differs, by field

The pages: every development set in `../shared/benchmarks/` (with and without a Content-Type header)
and the generated bench site, once without a profile and once with the profile learned from the site
itself. A record is the whole `Article` (every field, links included) and its content hash, as JSON
Lines per source. `check` exits 1 when any record differs, 0 when all are the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from extraction import ROOT, SETS, generated_site, set_pages, site_pages

from crawler.extract.article import extract_page
from crawler.extract.learn import ProfileLearner
from crawler.extract.model import Article

HTML = {"Content-Type": "text/html; charset=utf-8"}


def record(pid: str, article: Article) -> str:
    """One page's record as a JSON line (keys sorted, so equal records are equal lines)."""
    fields = dataclasses.asdict(article) | {"id": pid, "content_hash": article.content_hash}
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)


def sources(shared: Path, site_size: int) -> Iterator[tuple[str, list[str]]]:
    """(source name, its records) for every source of pages."""
    for name in SETS:
        bench = shared / "benchmarks" / name
        if not (bench / "ground-truth.json").exists():
            continue
        pages = set_pages(bench)
        yield name, [record(pid, extract_page(html, url, HTML).article) for pid, html, url in pages]
        yield f"{name}-no-headers", [record(pid, extract_page(html, url).article) for pid, html, url in pages]
    with generated_site(shared, site_size, seed=7) as site:
        pages = site_pages(site)
        learner = ProfileLearner(min_pages=3)
        plain = []
        for pid, html, url in pages:
            extraction = extract_page(html, url)
            learner.observe(extraction)
            plain.append(record(pid, extraction.article))
        yield "bench-site", plain
        profile = learner.snapshot()
        profiled = [record(pid, extract_page(html, url, profile=profile).article) for pid, html, url in pages]
        yield "bench-site-profiled", profiled


def differences(old: list[str], new: list[str]) -> Iterator[str]:
    """'id: field, field' for each record that differs (or is missing on one side)."""
    before = {row["id"]: row for row in map(json.loads, old)}
    after = {row["id"]: row for row in map(json.loads, new)}
    for pid in sorted(before.keys() | after.keys()):
        a, b = before.get(pid), after.get(pid)
        if a is None or b is None:
            yield f"{pid}: only {'after' if a is None else 'before'}"
        elif a != b:
            yield f"{pid}: " + ", ".join(sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=("write", "check"))
    ap.add_argument("dir", type=Path)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--site-pages", type=int, default=1000)
    args = ap.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    changed = 0
    for name, lines in sources(args.shared, args.site_pages):
        path = args.dir / f"{name}.jsonl"
        if args.action == "write":
            path.write_text("".join(line + "\n" for line in lines), "utf-8")
            print(f"{name}: {len(lines)} records written")
            continue
        if not path.exists():
            print(f"{name}: no golden file, run `write` first")
            changed += 1
            continue
        diffs = list(differences(path.read_text("utf-8").splitlines(), lines))
        changed += len(diffs)
        print(f"{name}: {len(lines)} records, {len(diffs)} differ")
        for line in diffs[:20]:
            print(f"  {line}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
