"""crawler/startup.py in a real crawl: the crawl runs with the collector on and Python's own regex
compiler once its start-up has ended, and its next start-up makes every pattern from the kept programs."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.helpers import run_script

CRAWL = """
import gc, json, re, sys
from crawler import regex_cache
regex_cache.FOLDER = __import__("pathlib").Path(sys.argv[2])
sys.dont_write_bytecode = False
import spiders.journal  # (its patterns are compiled here, before the start-up: not kept)

during = {}
closed = spiders.journal.JournalSpider.closed

def noting(spider, reason):
    during.update(collector=gc.isenabled(), frozen=gc.get_freeze_count() > 0,
                  compiler=re._compiler.compile is regex_cache._compile)
    return closed(spider, reason)

spiders.journal.JournalSpider.closed = noting
from crawler.cli import main
code = main(["crawl", sys.argv[1], "--archive", sys.argv[3], "--quiet"])
kept = all(regex_cache._kept.get(key) == program for key, program in regex_cache._used.items())
print(json.dumps({"code": code, "during": during, "used": len(regex_cache._used), "kept": kept}))
"""


def test_a_crawl_runs_past_its_start_up_and_the_next_one_reuses_it(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/").respond_with_data(
        "<html><head><title>Front</title></head><body><p>A journal.</p></body></html>",
        content_type="text/html",
    )
    for missing in ("/robots.txt", "/sitemap.xml"):
        httpserver.expect_request(missing).respond_with_data("", status=404)
    url, cache = httpserver.url_for("/"), tmp_path / "cache"
    first = run_script(CRAWL, url, str(cache), str(tmp_path / "a"))
    assert first["code"] == 0
    assert first["during"] == {"collector": True, "frozen": True, "compiler": True}
    assert [path.name.split(".")[0] for path in cache.iterdir()] == ["regex-crawl"]
    assert first["used"] > 0 and not first["kept"]  # (nothing kept yet: all compiled, then written)

    second = run_script(CRAWL, url, str(cache), str(tmp_path / "b"))
    assert second["code"] == 0
    assert second["during"] == first["during"]
    assert second["used"] == first["used"] and second["kept"]
