"""The compiled extraction modules (mypyc, see crawler/extract/compiled.py): they extract what their
sources extract, an edited source runs instead of its stale build, and the build's type check passes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo.site import build_site
from crawler.extract import compiled, extract_article
from tests.helpers import ROOT, SHARED

# Every page's record (the whole Article, as bench/golden.py writes it), one JSON line each: the pages
# given as lines `id<TAB>path<TAB>url` on stdin; those whose id starts with "site/" are extracted again
# with the profile learned from them (body.py's learned-boilerplate path).
RECORDS = """
import dataclasses, gzip, json, sys
from pathlib import Path
from crawler.extract import compiled, extract_article
from crawler.extract.article import extract_page
from crawler.extract.learn import ProfileLearner

def record(pid, article):
    fields = dataclasses.asdict(article) | {"id": pid, "content_hash": article.content_hash}
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)

pages = []
for line in sys.stdin.read().splitlines():
    pid, path, url = line.split("\\t")
    data = Path(path).read_bytes()
    pages.append((pid, gzip.decompress(data) if path.endswith(".gz") else data, url))
print(json.dumps({"compiled": compiled.COMPILED}))
learner = ProfileLearner(min_pages=3)
for pid, html, url in pages:
    extraction = extract_page(html, url)
    if pid.startswith("site/"):
        learner.observe(extraction)
    print(record(pid, extraction.article))
profile = learner.snapshot()
for pid, html, url in pages:
    if pid.startswith("site/"):
        print(record(pid + "+profile", extract_page(html, url, profile=profile).article))
"""


def _records(pages: list[tuple[str, Path, str]], pure: bool) -> list[str]:
    """The records of `pages` from the compiled modules, or from their sources when `pure`."""
    env = {k: v for k, v in os.environ.items() if k != "JCRAWL_PURE"} | ({"JCRAWL_PURE": "1"} if pure else {})
    out = subprocess.run(
        [sys.executable, "-c", RECORDS],
        input="".join(f"{pid}\t{path}\t{url}\n" for pid, path, url in pages),
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=600,
    ).stdout.splitlines()  # fmt: skip
    assert out[0] == f'{{"compiled": {str(not pure).lower()}}}', out[0]
    return out[1:]


def _needs_build() -> None:
    if not compiled.COMPILED:
        pytest.skip("the extraction modules are not compiled from these sources (`pip install -e .` does it)")


def test_compiled_and_pure_give_the_same_records(tmp_path: Path) -> None:
    """The demo journal's pages (with and without the profile learned from them) and, when ../shared is
    beside the project, every development set's pages."""
    _needs_build()
    base = "http://127.0.0.1:8000/"
    build_site(tmp_path, base, articles=40)
    pages = [
        (f"site/{path.relative_to(tmp_path)}", path, base + str(path.relative_to(tmp_path).parent) + "/")
        for path in sorted(tmp_path.rglob("index.html"))
    ]
    for truth in sorted(SHARED.glob("benchmarks/*/ground-truth.json")):
        pages += [(f"{truth.parent.name}/{p.name}", p, "https://site.example/" + p.name) for p in
                  sorted((truth.parent / "html").glob("*.html.gz"))]  # fmt: skip
    compiled_records, pure_records = _records(pages, pure=False), _records(pages, pure=True)
    assert len(compiled_records) > len(pages) > 40
    differ = [a[:300] for a, b in zip(compiled_records, pure_records, strict=True) if a != b]
    assert not differ, differ


EDITED = """
from pathlib import Path
import crawler.extract.blocks as blocks, crawler.extract.memo as memo, crawler.extract.page as page
from crawler.extract import compiled, extract_article
line = "<p>Paragraph {} of the story tells what the council decided on the bridge, and why so late.</p>"
story = "".join(line.format(i) for i in range(6))
html = f"<html><head><title>The vote</title></head><body><article><h1>The vote</h1>{story}</article>"
body = extract_article(html.encode(), "http://a.example/2024/05/bridge-vote").body
suffixes = Path(blocks.__file__).suffix, Path(page.__file__).suffix, Path(memo.__file__).suffix
print(compiled.COMPILED, *suffixes, getattr(blocks, "EDITED", False), len(body))
"""


def test_an_edited_source_runs_instead_of_its_stale_build(tmp_path: Path) -> None:
    """A copy of the package with its build runs compiled; edit one source and all of them run from
    source (compiled code calls its compiled siblings directly: a mixture would run the old code), and
    so does a module taken out of MODULES (its stale build is beside it)."""
    _needs_build()
    shutil.copytree(ROOT / "crawler", tmp_path / "crawler", ignore=shutil.ignore_patterns("__pycache__"))

    def run() -> str:
        env = {k: v for k, v in os.environ.items() if k != "JCRAWL_PURE"} | {"PYTHONPATH": str(tmp_path)}
        command = [sys.executable, "-c", EDITED]
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip()

    built = run().split()
    assert built[:5] == ["True", ".so", ".so", ".so", "False"]
    with (tmp_path / "crawler" / "extract" / "blocks.py").open("a") as source:
        source.write("\nEDITED = True\n")
    edited = run().split()
    assert edited[:5] == ["False", ".py", ".py", ".py", "True"]
    assert edited[5] == built[5] != "0"  # (the same body, of some length)
    selection = tmp_path / "crawler" / "extract" / "compiled.py"
    selection.write_text(selection.read_text().replace('"memo", ', ""))
    assert run().split()[:5] == ["False", ".py", ".py", ".py", "True"]


def test_the_compiled_modules_type_check() -> None:
    """What the build's mypy check needs (a type error makes it install them uncompiled, with a warning
    pip hides): run `mypy` on them as setup.py does to see why."""
    api = pytest.importorskip("mypy.api", reason="mypy is not installed (the test extra brings it)")
    paths = [str(ROOT / "crawler" / "extract" / f"{name}.py") for name in compiled.MODULES]
    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), *paths])
    assert status == 0, out + err


def test_make_builds_the_compiled_modules() -> None:
    """`make` (pip install -e .) compiles them, and again when a source changed (the Makefile's stamp)."""
    if Path(sys.executable).parent != ROOT / ".venv" / "bin":
        pytest.skip("runs with the project's .venv (make test)")
    assert compiled.COMPILED, "no compiled modules of these sources: see `pip install -e .`'s warning"


@pytest.mark.parametrize("article_body", [["One paragraph.", "Another."], {"@value": "The text."}, 42, True])
def test_a_json_ld_article_body_not_a_string_leaves_the_article(article_body: object) -> None:
    """JSON-LD may hold any JSON where schema.org says text; the compiled modules take `articleBody` as
    a str only (another type raised TypeError in them, and the page silently lost its article)."""
    ld = {"@type": "NewsArticle", "headline": "The vote", "articleBody": article_body}
    line = "<p>Paragraph {} of the story tells what the council decided on the bridge, and why so late.</p>"
    story = "".join(line.format(i) for i in range(6))
    html = (
        f'<html><head><title>The vote</title><script type="application/ld+json">{json.dumps(ld)}</script>'
        f"</head><body><article><h1>The vote</h1>{story}</article></body></html>"
    )
    article = extract_article(html.encode(), "http://a.example/2024/05/bridge-vote")
    assert article.is_article and article.body.count("Paragraph") == 6, article
