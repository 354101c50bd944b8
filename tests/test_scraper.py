"""A crawl handles a page's output one object at a time (crawler/scraper.py), through its spider
middlewares (crawler/spidermw.py), as Scrapy handles it: the same items reach the pipelines in the
same order and the same requests are sent, an error half-way through a page's output is logged and
counted while what came before it is kept, and a middleware recovering from it is called alike."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from tests.helpers import CRAWL_OUTPUT_SPIDER, run_script

# One crawl with the crawler class named in argv[1] ("scrapy" or "journal"); prints what happened.
CRAWL = (
    """
import json, sys
import scrapy

seen = []

class Record:
    def process_item(self, item):
        seen.append(("item", item["name"]))
        return item

class Recover:
    def process_spider_exception(self, response, exception):
        return [{"name": "recovered from " + str(exception)}]

# argv[3]: the spider middlewares: Scrapy's ("scrapy": HttpErrorMiddleware has a
# process_spider_exception), none with one ("plain"), or one that recovers ("recover")
MIDDLEWARES = {
    "scrapy": {},
    "plain": {"scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None},
    "recover": {"scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None, __name__ + ".Recover": 10},
}[sys.argv[3]]

class Output(scrapy.Spider):
    name = "output"
    custom_settings = {"ITEM_PIPELINES": {__name__ + ".Record": 1}, "CONCURRENT_ITEMS": 1,
                       "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS": 1,
                       "SPIDER_MIDDLEWARES": MIDDLEWARES}

    async def start(self):
        yield scrapy.Request(sys.argv[2] + "/")

    def parse(self, response):
        seen.append(("page", response.url.rsplit("/", 1)[-1]))
        if response.url.endswith("/"):
            yield {"name": "first"}
            yield response.follow("/a")
            yield {"name": "second"}
            yield response.follow("/b")
            raise ValueError("broken page")
        yield {"name": "on " + response.url.rsplit("/", 1)[-1]}

"""
    + CRAWL_OUTPUT_SPIDER
    + """
print(json.dumps({"seen": seen, "errors": stats.get("spider_exceptions/ValueError"),
                  "scraper": type(crawler.engine.scraper).__name__ if crawler.engine else None,
                  "spidermw": type(crawler.engine.scraper.spidermw).__name__ if crawler.engine else None}))
"""
)


def crawl(kind: str, url: str, middlewares: str = "scrapy") -> dict:
    return run_script(CRAWL, kind, url, middlewares)


@pytest.mark.parametrize("middlewares", ["scrapy", "plain"])
def test_a_page_output_is_handled_as_scrapy_handles_it(httpserver: HTTPServer, middlewares: str) -> None:
    for path in ("/", "/a", "/b"):
        httpserver.expect_request(path).respond_with_data(
            "<html><body>page</body></html>", content_type="text/html"
        )
    url = httpserver.url_for("").rstrip("/")
    scrapy, journal = crawl("scrapy", url, middlewares), crawl("journal", url, middlewares)
    # The start page's output in order; then the two pages it linked to (which comes first is the
    # scheduler's and the downloads' affair), each page's output after it.
    for seen in (scrapy["seen"], journal["seen"]):
        assert seen[:3] == [["page", ""], ["item", "first"], ["item", "second"]]
        assert sorted(seen[3:]) == [["item", "on a"], ["item", "on b"], ["page", "a"], ["page", "b"]]
        assert seen.index(["item", "on a"]) == seen.index(["page", "a"]) + 1
    assert journal["errors"] == scrapy["errors"] == 1
    assert "ValueError: broken page" in journal["log"]
    assert journal["scraper"] == "SequentialScraper"
    assert journal["spidermw"] == "LeanSpiderMiddlewareManager"


def test_a_middleware_recovering_from_a_pages_error_is_called_as_scrapy_calls_it(
    httpserver: HTTPServer,
) -> None:
    for path in ("/", "/a", "/b"):
        httpserver.expect_request(path).respond_with_data(
            "<html><body>page</body></html>", content_type="text/html"
        )
    url = httpserver.url_for("").rstrip("/")
    scrapy, journal = crawl("scrapy", url, "recover"), crawl("journal", url, "recover")
    assert journal["seen"][:4] == scrapy["seen"][:4]
    assert sorted(journal["seen"]) == sorted(scrapy["seen"])
    assert ["item", "recovered from broken page"] in journal["seen"]
    assert journal["errors"] == scrapy["errors"]
