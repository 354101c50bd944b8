#!/usr/bin/env python3
"""Extraction benchmark: our extractor against trafilatura, on real pages and on the bench site.

    .venv/bin/python bench/extraction.py [--shared ../shared] [--out bench-out] [--site-pages 1000]

1. Zyte article-extraction benchmark (`SHARED/benchmarks/zyte-article-extraction`, 181 pages from 126
   sites): runs `extract_article` and trafilatura (`fast=True`) over the same pages in the same run,
   scores both with the benchmark's own `score.py` and prints F1, precision, recall, accuracy and
   pages/second, plus the speed ratio.
2. Bench site (`SHARED/bench/site/make_site.py`, generated in a temp dir): extracts every page,
   scores the articles with the site's `score.py` and prints its metrics and ms per article page.

Predictions are written to `--out` (JSON) so a run can be inspected afterwards.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.extract import extract_article  # noqa: E402


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed_run(fn, pages: list[tuple[str, bytes, str]], repeat: int) -> tuple[dict[str, str], float]:
    """Run `fn(html, url)` over all pages `repeat` times; (predictions, best wall time in seconds)."""
    best = float("inf")
    preds: dict[str, str] = {}
    for _ in range(repeat):
        start = time.perf_counter()
        out = {pid: fn(html, url) for pid, html, url in pages}
        best = min(best, time.perf_counter() - start)
        preds = out
    return preds, best


def ours(html: bytes, url: str) -> str:
    return extract_article(html, url).body


def trafilatura_fast(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, fast=True) or ""


def zyte(shared: Path, out: Path, repeat: int, worst: int) -> dict:
    bench = shared / "benchmarks" / "zyte-article-extraction"
    score = load_module(bench / "score.py", "zyte_score")
    truth = score.load_truth(bench / "ground-truth.json")
    pages = [
        (pid, gzip.decompress((bench / "html" / f"{pid}.html.gz").read_bytes()), item["url"])
        for pid, item in truth.items()
    ]
    results = {}
    for name, fn in (("journal-crawler", ours), ("trafilatura-fast", trafilatura_fast)):
        fn(pages[0][1], pages[0][2])  # warm imports
        preds, seconds = timed_run(fn, pages, repeat)
        (out / f"zyte-{name}.json").write_text(
            json.dumps({pid: {"articleBody": text} for pid, text in preds.items()}, ensure_ascii=False),
            "utf-8",
        )
        metrics, rows = score.score(truth, preds)
        metrics["pages_per_second"] = len(pages) / seconds
        results[name] = (metrics, rows)
    print(f"\nZyte article-extraction benchmark ({len(pages)} pages), same run:")
    print(f"{'system':<18} {'F1':>6} {'prec':>6} {'recall':>6} {'acc':>6} {'pages/s':>8}")
    for name, (m, _rows) in results.items():
        print(
            f"{name:<18} {m['f1']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} {m['accuracy']:6.3f} "
            f"{m['pages_per_second']:8.1f}"
        )
    ratio = (
        results["journal-crawler"][0]["pages_per_second"] / results["trafilatura-fast"][0]["pages_per_second"]
    )
    print(f"speed ratio (ours / trafilatura): {ratio:.2f}x")
    if worst:
        print(f"\nworst {worst} pages for journal-crawler (page F1, P, R, pred/true tokens, url):")
        for r in sorted(results["journal-crawler"][1], key=lambda r: (r["f1"], r["id"]))[:worst]:
            p = "  -  " if r["p"] is None else f"{r['p']:.3f}"
            tokens = f"{r['pred_tokens']:>6}/{r['true_tokens']:<6}"
            print(f"  {r['f1']:.3f}  P={p} R={r['r']:.3f}  {tokens} {r['id'][:10]} {r['url']}")
    return {name: m for name, (m, _rows) in results.items()} | {"speed_ratio": ratio}


def bench_site(shared: Path, out: Path, pages: int, seed: int) -> dict:
    site_dir = shared / "bench" / "site"
    base = "http://127.0.0.1:8199"
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run(
            [sys.executable, str(site_dir / "make_site.py"), "--pages", str(pages), "--seed", str(seed),
             "--out", str(site), "--base-url", base],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        redirects = _redirects(site / "redirects.map", base)
        rows, times, article_times = [], [], []
        for f in sorted(site.rglob("*.html")):
            rel = f.relative_to(site).as_posix()
            url = base + "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
            data = f.read_bytes()
            start = time.perf_counter()
            a = extract_article(data, url)
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            if not a.is_article:
                continue
            article_times.append(elapsed)
            related = [
                redirects.get(link.url, link.url) for link in a.links if link.kind in ("recent", "related")
            ]
            rows.append({
                "url": a.url, "title": a.title, "author": a.authors[0] if a.authors else None,
                "published": (a.published or "")[:10], "body": a.body, "related_urls": related,
                "agency": a.agency,
            })  # fmt: skip
        pred = out / "bench-site-predictions.jsonl"
        pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
        proc = subprocess.run(
            [sys.executable, str(site_dir / "score.py"), str(site / "ground_truth.jsonl"), str(pred)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        metrics = json.loads(proc.stdout)
        truth = {json.loads(line)["url"]: json.loads(line) for line in (site / "ground_truth.jsonl").open()}
    agency_ok = sum(
        (r["agency"] or None) == (truth[r["url"]]["agency"] or None) for r in rows if r["url"] in truth
    )
    metrics["agency_exact"] = round(agency_ok / max(1, len(truth)), 4)
    metrics["ms_per_article_median"] = round(1000 * statistics.median(article_times), 3)
    metrics["ms_per_page_median"] = round(1000 * statistics.median(times), 3)
    metrics["pages_extracted"] = len(times)
    print(f"\nBench site ({pages} articles, seed {seed}; related URLs resolved through the site's 301s):")
    for key, value in metrics.items():
        print(f"  {key:<24} {value}")
    return metrics


def _redirects(path: Path, base: str) -> dict[str, str]:
    """Old slug -> new URL, as a crawler learns it from the 301 responses."""
    out = {}
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.strip().rstrip(";").split()
            if len(parts) == 2:
                old, new = parts
                out[base + old] = new if new.startswith("http") else base + new
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "bench-out")
    ap.add_argument("--repeat", type=int, default=2, help="timing runs per extractor (best is kept)")
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--site-pages", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-zyte", action="store_true")
    ap.add_argument("--skip-site", action="store_true")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    summary = {}
    if not args.skip_zyte:
        summary["zyte"] = zyte(args.shared, args.out, args.repeat, args.worst)
    if not args.skip_site:
        summary["bench_site"] = bench_site(args.shared, args.out, args.site_pages, args.seed)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
