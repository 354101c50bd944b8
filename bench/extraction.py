#!/usr/bin/env python3
"""Extraction benchmark: our extractor against trafilatura, on every development set and the bench site.

    .venv/bin/python bench/extraction.py [--shared ../shared] [--out bench-out] [--sets zyte,goose3]

1. Every benchmark in `SHARED/benchmarks/` (Zyte article extraction, postlight-parser, goose3,
   newspaper4k): `extract_article`, trafilatura with its defaults and trafilatura `fast=True` run over
   the same pages in the same run; each set is scored with its own `score.py` (read its DATA.md):
   body, and every metadata field its ground truth has. One table per set, then a summary line per
   set with the body scores, pages per CPU second and our speed ratio to trafilatura `fast=True`, how many
   pages whose truth has a body our gate judged "not an article" and how many pages the set marks as
   non-articles (postlight-parser) it took for articles.
2. Bench site (`SHARED/bench/site/make_site.py`, generated in a temp dir): extracts every page,
   scores the articles with the site's `score.py` and prints its metrics, ms per article page and
   how many listing/static pages were taken for articles.

Predictions are written to `--out` (JSON Lines per set and system) so a run can be inspected afterwards.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import importlib.util
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.extract import compiled, extract_article  # noqa: E402

SETS = ("zyte-article-extraction", "postlight-parser", "goose3", "newspaper4k")
SYSTEMS = ("journal-crawler", "trafilatura", "trafilatura-fast")
OURS, TRAF, FAST = SYSTEMS
# The body metrics of the field-scored sets (score.py names), shown in the summary line.
BODY_METRICS = {
    "postlight-parser": ("snippets in body", "snippets tail in body"),
    "goose3": ("body prefix found", "body token recall", "body token F1 (complete truth)"),
    "newspaper4k": ("body token recall", "body token F1 (complete truth)"),
}

ARTICLES_ONLY = " (articles only)"  # suffix of body metrics over pages the set marks as articles
Page = tuple[str, bytes, str]  # (id, html bytes, url)
Prediction = dict  # id, title, authors, published, body, lead, top_image, tags, is_article
Extractor = Callable[[bytes, str], Prediction]


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the systems: each returns a prediction with the fields the scorers read -------------------------


def ours(html: bytes, url: str) -> Prediction:
    a = extract_article(html, url, headers={"Content-Type": "text/html; charset=utf-8"})
    return {
        "title": a.title, "authors": a.authors, "published": a.published, "body": a.body,
        "lead": a.lead, "top_image": a.top_image, "tags": a.tags, "is_article": a.is_article,
    }  # fmt: skip


def _trafilatura(html: bytes, url: str, fast: bool) -> Prediction:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, fast=fast, with_metadata=True)
    if doc is None:
        return {"body": "", "is_article": False}
    d = doc if isinstance(doc, dict) else doc.as_dict()
    author = d.get("author")
    names = author.split(";") if isinstance(author, str) else author or []
    authors = [x.strip() for x in names if x.strip()]
    tags = d.get("tags") or d.get("categories") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    return {
        "title": d.get("title"), "authors": authors, "published": d.get("date"), "body": d.get("text") or "",
        "lead": d.get("description"), "top_image": d.get("image"), "tags": tags, "is_article": True,
    }  # fmt: skip


def trafilatura_default(html: bytes, url: str) -> Prediction:
    return _trafilatura(html, url, fast=False)


def trafilatura_fast(html: bytes, url: str) -> Prediction:
    return _trafilatura(html, url, fast=True)


def _text_only(fast: bool) -> Extractor:
    """trafilatura.extract (text only, no metadata pass): what the Zyte set scores, timed fairly."""

    def run(html: bytes, url: str) -> Prediction:
        import trafilatura

        return {"body": trafilatura.extract(html, url=url, fast=fast) or "", "is_article": True}

    return run


def timed_runs(runs: dict[str, Extractor], pages: list[Page], repeat: int) -> tuple[dict, dict[str, float]]:
    """Run every extractor over all pages `repeat` times; (predictions, CPU seconds) per extractor.

    Each extractor is charged for its own work, garbage collection included, and for nothing else:
    - The extractors take turns page by page (the first one rotating), each call timed in CPU time, so
      a load that comes and goes on this noisy machine falls on all of them alike.
    - Before a call, every object that exists (earlier pages' predictions, what the other extractors
      keep) is frozen out of the collector's reach, untimed: the collections a call triggers scan its
      own objects only. After the call, inside its timed span, the young generations are collected,
      so a call that leaves cyclic garbage pays for collecting it. (Not a full collection: that also
      empties the interpreter's free lists, which would slow the next call's allocations.)
    - Every round runs in a process forked from this one after the warm-up, so each round sees the
      pages for the first time, as a crawl does: memos filled by the same page in an earlier round
      (ours keep class names and URLs per site, trafilatura's keep lines of text) would flatter
      whoever memoises most.
    The best round is kept.
    """
    for fn in runs.values():
        fn(pages[0][1], pages[0][2])  # warm imports and compiled patterns
    preds: dict[str, dict[str, Prediction]] = {}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        preds, spent = _in_child(_timed_round, runs, pages)
        best = {name: min(best[name], spent[name]) for name in runs}
    return preds, best


def _timed_round(runs: dict[str, Extractor], pages: list[Page]) -> tuple[dict, dict[str, float]]:
    """One round of `timed_runs`: (predictions, CPU seconds) per extractor."""
    names = list(runs)
    spent = dict.fromkeys(names, 0.0)
    preds: dict[str, dict[str, Prediction]] = {name: {} for name in names}
    clock = time.process_time
    gc.collect()
    for i, (pid, html, url) in enumerate(pages):
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            gc.freeze()
            start = clock()
            preds[name][pid] = runs[name](html, url)
            gc.collect(1)
            spent[name] += clock() - start
    gc.unfreeze()
    return preds, spent


def _in_child(fn: Callable, *args):
    """`fn(*args)` run in a forked child process (which starts from this process's state and leaves
    it unchanged); its result is sent back through a pipe."""
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)

    def child() -> None:
        send.send(fn(*args))

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    send.close()  # (the child's copy stays open: a child that dies sends an end of file)
    try:
        result = receive.recv()
    except EOFError:
        result = None
    process.join()
    if process.exitcode:
        raise RuntimeError(f"timing round failed in its child process (exit code {process.exitcode})")
    return result


def _pages(bench: Path, truth: dict) -> list[Page]:
    return [
        (pid, gzip.decompress((bench / "html" / f"{pid}.html.gz").read_bytes()), item["url"])
        for pid, item in sorted(truth.items())
    ]


def set_pages(bench: Path) -> list[Page]:
    """A development set's pages, in id order."""
    truth = json.loads((bench / "ground-truth.json").read_text("utf-8"))
    if set(truth) == {"version", "output"}:  # the Zyte set's wrapper
        truth = truth["output"]
    return _pages(bench, truth)


def _write(out: Path, name: str, preds: dict[str, Prediction]) -> None:
    lines = (json.dumps({"id": pid, **p}, ensure_ascii=False) + "\n" for pid, p in preds.items())
    (out / f"{name}.jsonl").write_text("".join(lines), "utf-8")


# -- Zyte: body only, shingle P/R/F1 ------------------------------------------------------------------


def zyte(bench: Path, out: Path, repeat: int, worst: int) -> dict:
    score = load_module(bench / "score.py", "zyte_score")
    truth = score.load_truth(bench / "ground-truth.json")
    pages = _pages(bench, truth)
    runs = {OURS: ours, TRAF: _text_only(False), FAST: _text_only(True)}
    results, rows_ours, rejected = {}, [], 0
    all_preds, cpu = timed_runs(runs, pages, repeat)
    for name, preds in all_preds.items():
        _write(out, f"zyte-{name}", preds)
        metrics, rows = score.score(truth, {pid: p["body"] for pid, p in preds.items()})
        metrics["pages_per_second"] = len(pages) / cpu[name]
        results[name] = metrics
        if name == OURS:
            rows_ours = rows
            rejected = sum(not p["is_article"] for p in preds.values())
    print(f"\n== zyte-article-extraction ({len(pages)} pages; body shingle P/R/F1, as published)")
    print(f"{'system':<18} {'F1':>6} {'prec':>6} {'recall':>6} {'acc':>6} {'pages/CPU-s':>12}")
    for name, m in results.items():
        print(
            f"{name:<18} {m['f1']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} {m['accuracy']:6.3f} "
            f"{m['pages_per_second']:12.1f}"
        )
    if worst:
        print(f"worst {worst} pages for journal-crawler (page F1, P, R, pred/true tokens, url):")
        for r in sorted(rows_ours, key=lambda r: (r["f1"], r["id"]))[:worst]:
            p = "  -  " if r["p"] is None else f"{r['p']:.3f}"
            tokens = f"{r['pred_tokens']:>6}/{r['true_tokens']:<6}"
            print(f"  {r['f1']:.3f}  P={p} R={r['r']:.3f}  {tokens} {r['id'][:10]} {r['url']}")
    ratio = results[OURS]["pages_per_second"] / results[FAST]["pages_per_second"]
    summary = {
        "body": {n: {k: round(m[k], 4) for k in ("f1", "precision", "recall")} for n, m in results.items()},
        "pages_per_second": {n: round(m["pages_per_second"], 1) for n, m in results.items()},
        "speed_ratio_vs_fast": round(ratio, 2),
        "not_article_with_body": rejected,
    }
    b = summary["body"]
    summary["line"] = (
        f"zyte-article-extraction: body F1 {b[OURS]['f1']:.3f} (P {b[OURS]['precision']:.3f} "
        f"R {b[OURS]['recall']:.3f}) vs trafilatura {b[TRAF]['f1']:.3f} (R {b[TRAF]['recall']:.3f}), "
        f"fast {b[FAST]['f1']:.3f}; speed {ratio:.2f}x trafilatura fast; "
        f"{rejected} pages with a body judged not an article"
    )
    return summary


# -- postlight-parser, goose3, newspaper4k: every field the truth has -----------------------------------


def field_set(name: str, bench: Path, out: Path, repeat: int, worst: int) -> dict:
    score = load_module(bench / "score.py", f"{name.replace('-', '_')}_score")
    truth = json.loads((bench / "ground-truth.json").read_text("utf-8"))
    pages = _pages(bench, truth)
    runs = {OURS: ours, TRAF: trafilatura_default, FAST: trafilatura_fast}
    means: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    speed: dict[str, float] = {}
    per_page: dict[str, float] = {}
    rejected: list[str] = []
    non_articles: list[tuple[str, bool]] = []  # (id, judged an article) of pages marked non-article
    all_preds, cpu = timed_runs(runs, pages, repeat)
    for system, preds in all_preds.items():
        _write(out, f"{name}-{system}", preds)
        speed[system] = len(pages) / cpu[system]
        agg: dict[str, list[float]] = {}
        for pid, t in truth.items():
            s = score.score_page(t, preds.get(pid, {}))
            for k, v in s.items():
                agg.setdefault(k, []).append(v)
                if k in BODY_METRICS[name] and t.get("page_type", "article") == "article":
                    agg.setdefault(k + ARTICLES_ONLY, []).append(v)  # as score.py --articles-only
            if system == OURS:
                body_keys = [k for k in s if k.startswith(("body", "snippets"))]
                if body_keys:
                    per_page[pid] = sum(s[k] for k in body_keys) / len(body_keys)
                has_body = t.get("body") or t.get("content_snippets")
                listed = t.get("page_type", "article") == "article"
                if has_body and listed and not preds[pid]["is_article"]:
                    rejected.append(pid)
                if not listed:
                    non_articles.append((pid, preds[pid]["is_article"]))
        means[system] = {k: sum(v) / len(v) for k, v in agg.items()}
        counts.update({k: len(v) for k, v in agg.items()})
    metrics = [m for m in score.ORDER if m in counts]
    if any(m + ARTICLES_ONLY in counts and counts[m + ARTICLES_ONLY] < counts[m] for m in BODY_METRICS[name]):
        metrics += [m + ARTICLES_ONLY for m in BODY_METRICS[name] if m + ARTICLES_ONLY in counts]
    width = max(len(m) for m in metrics) + 2
    print(f"\n== {name} ({len(pages)} pages; scored by its score.py)")
    print("metric".ljust(width) + "n".rjust(5) + "".join(s.rjust(18) for s in SYSTEMS))
    for m in metrics:
        cells = "".join(
            (f"{means[s][m]:.3f}" if m in means[s] else "n/a").rjust(18) for s in SYSTEMS
        )  # fmt: skip
        print(m.ljust(width) + str(counts[m]).rjust(5) + cells)
    print(
        "pages/CPU-second".ljust(width) + "".rjust(5) + "".join(f"{speed[s]:.1f}".rjust(18) for s in SYSTEMS)
    )
    if worst:
        print(f"worst {worst} pages for journal-crawler (mean of body metrics):")
        for pid, v in sorted(per_page.items(), key=lambda kv: (kv[1], kv[0]))[:worst]:
            print(f"  {v:.3f}  {pid}  {truth[pid].get('url', '')}")
    ratio = speed[OURS] / speed[FAST]
    shown = [m for m in BODY_METRICS[name] if m in means[OURS]]
    shown += [m + ARTICLES_ONLY for m in shown if m + ARTICLES_ONLY in metrics]
    body = {s: {m: round(means[s][m], 4) for m in shown} for s in SYSTEMS}
    parts = []
    for m in shown:
        if m in means[OURS]:
            parts.append(f"{m} {means[OURS][m]:.3f} vs {means[TRAF][m]:.3f} / fast {means[FAST][m]:.3f}")
    line = f"{name}: " + "; ".join(parts) + f"; speed {ratio:.2f}x trafilatura fast"
    line += f"; {len(rejected)} pages with a body judged not an article"
    if rejected:
        line += f" ({', '.join(rejected[:5])})"
    if non_articles:
        taken = [pid for pid, judged in non_articles if judged]
        line += f"; {len(taken)} of {len(non_articles)} non-article pages taken for articles"
    return {
        "metrics": {s: {m: round(v, 4) for m, v in means[s].items()} for s in SYSTEMS},
        "body": body,
        "pages_per_second": {s: round(v, 1) for s, v in speed.items()},
        "speed_ratio_vs_fast": round(ratio, 2),
        "not_article_with_body": rejected,
        "non_articles_taken": [pid for pid, judged in non_articles if judged],
        "line": line,
    }


# -- the bench site -----------------------------------------------------------------------------------


SITE_BASE = "http://127.0.0.1:8199"  # the generated site's address (never fetched: pages are read from disk)


@contextmanager
def generated_site(shared: Path, pages: int, seed: int) -> Iterator[Path]:
    """The bench site generated by the shared generator into a temporary directory."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run(
            [sys.executable, str(shared / "bench" / "site" / "make_site.py"), "--pages", str(pages),
             "--seed", str(seed), "--out", str(site), "--base-url", SITE_BASE],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        yield site


def site_pages(site: Path) -> list[Page]:
    """Every HTML page of a generated site, with the URL it is served at."""
    pages = []
    for f in sorted(site.rglob("*.html")):
        rel = f.relative_to(site).as_posix()
        pages.append((rel, f.read_bytes(), SITE_BASE + "/" + rel.removesuffix("index.html")))
    return pages


def bench_site(shared: Path, out: Path, pages: int, seed: int) -> dict:
    site_dir = shared / "bench" / "site"
    with generated_site(shared, pages, seed) as site:
        redirects = _redirects(site / "redirects.map", SITE_BASE)
        truth = {json.loads(line)["url"]: json.loads(line) for line in (site / "ground_truth.jsonl").open()}
        rows, times, article_times, false_articles = [], [], [], []
        for _, data, url in site_pages(site):
            start = time.perf_counter()
            a = extract_article(data, url)
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            if not a.is_article:
                continue
            if a.url not in truth:
                false_articles.append(url)
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
    agency_ok = sum(
        (r["agency"] or None) == (truth[r["url"]]["agency"] or None) for r in rows if r["url"] in truth
    )
    metrics["agency_exact"] = round(agency_ok / max(1, len(truth)), 4)
    metrics["ms_per_article_median"] = round(1000 * statistics.median(article_times), 3)
    metrics["ms_per_page_median"] = round(1000 * statistics.median(times), 3)
    metrics["pages_extracted"] = len(times)
    metrics["non_articles_taken_for_articles"] = len(false_articles)
    print(f"\n== bench site ({pages} articles, seed {seed}; related URLs resolved through the site's 301s)")
    for key, value in metrics.items():
        print(f"  {key:<32} {value}")
    for url in false_articles[:5]:
        print(f"  taken for an article: {url}")
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
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated benchmark names (or prefixes)")
    ap.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="timing rounds, each in a fresh forked process (see timed_runs); the best one is kept",
    )
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--site-pages", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-site", action="store_true")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    summary = {}
    wanted = [s for s in args.sets.split(",") if s]
    for name in [n for n in SETS if any(n.startswith(w) for w in wanted)]:
        bench = args.shared / "benchmarks" / name
        if not (bench / "ground-truth.json").exists():
            print(f"\n== {name}: not found under {bench.parent}, skipped")
            continue
        if name == "zyte-article-extraction":
            summary[name] = zyte(bench, args.out, args.repeat, args.worst)
        else:
            summary[name] = field_set(name, bench, args.out, args.repeat, args.worst)
    if not args.skip_site:
        summary["bench_site"] = bench_site(args.shared, args.out, args.site_pages, args.seed)
    print("\n== summary (one line per set)")
    # (its speed is the compiled modules' only when they are built from these sources: see compiled.py)
    print("extract_article:", "compiled (mypyc)" if compiled.COMPILED else "pure Python (sources not built)")
    for s in summary.values():
        if "line" in s:
            print(s["line"])
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
