"""Extraction is total and deterministic: no input makes it fail, and a record never depends on the process.

`extract_article` turns any exception into a "not an article" record, which would hide a bug behind
an empty record; these tests call the unguarded `_extract` so that a crash in the extractor fails.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import Article
from crawler.extract.article import _extract, extract_page
from crawler.extract.profile import SiteProfile, load_profile
from tests.helpers import ROOT, shared
from tests.test_fuzz import CONTENT_TYPES, mutated_html

PROFILES = [None, load_profile("north-africa"), SiteProfile(drop_selectors=("p:nth-child(2)",))]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(mutated_html(), st.binary(max_size=2000), st.text(max_size=500).map(str.encode)),
    content_type=CONTENT_TYPES,
    profile=st.sampled_from(PROFILES),
)
def test_extraction_never_fails(body: bytes, content_type: str, profile: SiteProfile | None) -> None:
    headers = {"Content-Type": content_type} if content_type else None
    article = _extract(body, "https://journal.example/2023/08/story/", headers, profile).article
    assert isinstance(article, Article)
    assert isinstance(article.body, str) and isinstance(article.body_html, str)
    assert all(link.url.startswith(("http://", "https://")) for link in article.links)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
# schema.org properties of an article that the extractor reads, and JSON-LD keywords
LD_KEYS = ["@id", "@graph", "headline", "name", "author", "datePublished", "dateModified", "image",
           "url", "mainEntityOfPage", "articleBody", "description", "articleSection", "keywords", "publisher",
           "inLanguage", "isPartOf", "sourceOrganization"]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ld=st.dictionaries(st.sampled_from(LD_KEYS), JSON, min_size=1, max_size=8))
def test_json_ld_of_any_json_never_fails(ld: dict) -> None:
    """JSON-LD may hold any JSON where schema.org says text or a URL: no value of another type may reach
    code that takes it as that type (the compiled modules raise TypeError on it)."""
    ld = {"@type": "NewsArticle"} | ld  # (the extractor reads an article's JSON-LD only)
    line = "<p>Paragraph {} of the story tells what the council decided on the bridge, and why so late.</p>"
    html = (
        f'<html><head><title>The vote</title><script type="application/ld+json">{json.dumps(ld)}</script>'
        f"</head><body><article><h1>The vote</h1>{''.join(line.format(i) for i in range(6))}</article>"
    )
    assert isinstance(_extract(html.encode(), "https://a.example/2024/05/vote", None, None).article, Article)


def test_odd_arguments_give_a_record() -> None:
    for body, url, headers in [
        (b"<p>x</p>" * 10, "not a url", None),
        ("<html><body><p>str, not bytes</p></body></html>", "https://a.example/", {"content-type": 5}),
        (b"<html>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000, "https://a.example/", {}),
        (b'<a href="http://[::1">x</a><base href="javascript:x"><img src="//">', "https://a.example/", {}),
        (
            b'<link rel="canonical" href="http://[::1">'
            b'<script type="application/ld+json">{"@type": "NewsArticle"}</script>',
            "https://a.example/",
            {},
        ),
        (None, None, None),
    ]:
        assert isinstance(_extract(body, url, headers, None).article, Article)


def test_a_failed_extraction_is_said_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    """`extract_page` records a page it failed on as not an article, and says so (a compiled module's
    TypeError on a value of an unexpected type would otherwise lose the article silently)."""
    url = "https://a.example/2024/05/story"
    with caplog.at_level(logging.WARNING, logger="crawler.extract.article"):
        article = extract_page(12345, url).article  # type: ignore[arg-type]  # (no page makes it fail)
    assert not article.is_article and article.url == url
    [record] = caplog.records
    assert record.levelname == "WARNING" and not record.exc_info
    assert url in record.getMessage() and "TypeError" in record.getMessage()


DETERMINISM = """
import gzip, hashlib, json, sys
from dataclasses import asdict
from pathlib import Path
from crawler.extract import extract_article
html = sorted(Path(sys.argv[1]).glob("*.html.gz"))[:60]
digest = hashlib.sha256()
for path in html:
    record = asdict(extract_article(gzip.decompress(path.read_bytes()), "https://site.example/" + path.name))
    digest.update(json.dumps(record, sort_keys=True).encode())
print(digest.hexdigest())
"""


def test_records_do_not_depend_on_the_process() -> None:
    """The same pages give the same records under different string-hash seeds (set and dict orders)."""
    html = shared("benchmarks/zyte-article-extraction/html")
    digests = {
        subprocess.run(
            [sys.executable, "-c", DETERMINISM, str(html)],
            cwd=ROOT, env={"PYTHONHASHSEED": seed, "PATH": ""}, capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "2")
    }  # fmt: skip
    assert len(digests) == 1 and len(digests.pop().strip()) == 64
