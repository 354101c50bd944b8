"""A crawl's downloader middlewares are called (crawler/downloader.py) as Scrapy calls them: plain
results taken as they come, coroutines and Deferreds awaited (a Deferred with Scrapy's deprecation
warning), a Request from process_response sent instead of the response, a Response from
process_request passed on without a download, and a method's bad output failing its request alike."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from tests.helpers import CRAWL_OUTPUT_SPIDER, run_script

# One crawl with the crawler class named in argv[1] ("scrapy" or "journal"); prints what happened.
CRAWL = (
    """
import json, sys
import scrapy
from scrapy.http import HtmlResponse
from twisted.internet import defer

seen = []

class Plain:
    def process_request(self, request):
        seen.append(("plain request", request.url.rsplit("/", 1)[-1]))
        if request.url.endswith("/local"):
            return HtmlResponse(request.url, body=b"<html>made here</html>")

    def process_response(self, request, response):
        seen.append(("plain response", response.url.rsplit("/", 1)[-1], response.status))
        if response.url.endswith("/moved"):
            return request.replace(url=request.url.replace("/moved", "/b"))
        if response.url.endswith("/bad"):
            return {"not": "a response"}
        return response

class Awaited:
    async def process_request(self, request):
        seen.append(("async request", request.url.rsplit("/", 1)[-1]))

    def process_response(self, request, response):
        seen.append(("deferred response", response.url.rsplit("/", 1)[-1]))
        return defer.succeed(response)

class Output(scrapy.Spider):
    name = "output"
    custom_settings = {
        "DOWNLOADER_MIDDLEWARES": {__name__ + ".Plain": 10, __name__ + ".Awaited": 20},
        "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS": 1,
    }

    async def start(self):
        for path in ("a", "moved", "local", "bad"):
            yield scrapy.Request(sys.argv[2] + "/" + path)

    def parse(self, response):
        seen.append(("page", response.url.rsplit("/", 1)[-1], response.text))

"""
    + CRAWL_OUTPUT_SPIDER
    + """
print(json.dumps({"seen": sorted(map(list, seen)), "errors": stats.get("log_count/ERROR"),
                  "manager": type(crawler.engine.downloader.middleware).__name__}))
"""
)


def crawl(kind: str, url: str) -> dict:
    return run_script(CRAWL, kind, url)


def test_downloader_middlewares_are_called_as_scrapy_calls_them(httpserver: HTTPServer) -> None:
    for path in ("/a", "/b", "/moved", "/bad"):
        httpserver.expect_request(path).respond_with_data(f"<html>{path}</html>", content_type="text/html")
    url = httpserver.url_for("").rstrip("/")
    scrapy, journal = crawl("scrapy", url), crawl("journal", url)
    assert journal["seen"] == scrapy["seen"]
    assert ["page", "b", "<html>/b</html>"] in journal["seen"]  # the Request process_response gave
    assert ["page", "local", "<html>made here</html>"] in journal["seen"]  # no download
    assert not any(event[:2] == ["page", "bad"] for event in journal["seen"])
    assert journal["errors"] == scrapy["errors"] == 1
    assert "must return Response or Request" in journal["log"]
    for log in (scrapy["log"], journal["log"]):
        assert "Awaited.process_response returned a Deferred, this is deprecated" in log
    assert journal["manager"] == "LeanDownloaderMiddlewareManager"
