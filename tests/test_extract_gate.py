"""The "not an article" gate on real pages: development sets keep every article, the bench site's
listing and static pages stay out."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from crawler.extract import extract_article
from tests.helpers import SHARED, make_bench_site

BENCHMARKS = SHARED / "benchmarks"
SETS = ("zyte-article-extraction", "postlight-parser", "goose3", "newspaper4k")


@pytest.mark.parametrize("name", SETS)
def test_no_development_page_with_a_body_is_judged_not_an_article(name: str) -> None:
    bench = BENCHMARKS / name
    if not (bench / "ground-truth.json").exists():
        pytest.skip(f"../shared/benchmarks/{name} is not beside the project")
    truth = json.loads((bench / "ground-truth.json").read_text("utf-8"))
    rejected = []
    for pid, item in truth.items():
        has_body = item.get("articleBody") or item.get("body") or item.get("content_snippets")
        if not has_body or item.get("page_type", "article") != "article":
            continue
        html = gzip.decompress((bench / "html" / f"{pid}.html.gz").read_bytes())
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if not extract_article(html, item["url"], headers=headers).is_article:
            rejected.append(item["url"])
    assert rejected == []


def test_bench_site_listing_and_static_pages_are_not_articles(tmp_path: Path) -> None:
    port = 8199
    make_bench_site(tmp_path, port, pages=60)
    base = f"http://127.0.0.1:{port}"
    articles = {json.loads(line)["url"] for line in (tmp_path / "ground_truth.jsonl").open()}
    wrong = []
    for f in sorted(tmp_path.rglob("*.html")):
        rel = f.relative_to(tmp_path).as_posix()
        url = f"{base}/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
        a = extract_article(f.read_bytes(), url)
        if a.is_article != (a.url in articles):
            wrong.append((url, a.is_article))
    assert len(articles) == 60
    assert wrong == []
