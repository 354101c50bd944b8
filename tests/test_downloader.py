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


# One crawl through the downloader and the engine themselves: their signals in order, slots queued
# behind a delay, a download that fails, a redirect, the engine's log lines, and what the downloader
# holds at the end.
DOWNLOADS = (
    """
import json, sys
import scrapy
from scrapy import signals

events = []

class Output(scrapy.Spider):
    name = "output"
    custom_settings = {
        "LOG_LEVEL": "DEBUG", "ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": 0.05, "DOWNLOAD_DELAY_JITTER": 0, "RETRY_ENABLED": False,
    }

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        for name in ("request_reached_downloader", "response_downloaded", "request_left_downloader",
                     "response_received"):
            crawler.signals.connect(spider.note(name), signal=getattr(signals, name), weak=False)
        crawler.signals.connect(spider.closed_, signal=signals.spider_closed)
        return spider

    def note(self, name):
        def receiver(request, **kwargs):
            # The refused request fails at once, in a race with the first page's response: it is left
            # out of the counts of requests in the downloader, and its own events carry none.
            page = request.url.rsplit("/", 1)[-1]
            active = self.crawler.engine.downloader.active
            held = None if page == "refused" else sum(not r.url.endswith("/refused") for r in active)
            events.append([name, page, held])
        return receiver

    async def start(self):
        for path in ("a", "b", "c", "moved"):
            yield scrapy.Request(sys.argv[2] + "/" + path)
        yield scrapy.Request("http://127.0.0.1:9/refused", errback=self.failed)

    def parse(self, response):
        events.append(["page", response.url.rsplit("/", 1)[-1], response.meta["download_slot"]])

    def failed(self, failure):
        events.append(["failed", failure.request.url.rsplit("/", 1)[-1], type(failure.value).__name__])

    def closed_(self):
        downloader = self.crawler.engine.downloader
        held = sum(len(slot.queue) + len(slot.active) for slot in downloader.slots.values())
        events.append(["closed", len(downloader.active), held])

"""
    + CRAWL_OUTPUT_SPIDER
    + """
print(json.dumps({"events": events, "classes": [type(crawler.engine).__name__,
                  type(crawler.engine.downloader).__name__, type(crawler.engine.scraper).__name__]}))
"""
)


def test_the_downloader_queues_signals_and_fails_as_scrapys(httpserver: HTTPServer) -> None:
    for path in ("/a", "/b", "/c", "/d"):
        httpserver.expect_request(path).respond_with_data(f"<html>{path}</html>", content_type="text/html")
    httpserver.expect_request("/moved").respond_with_data("", status=301, headers={"Location": "/d"})
    url = httpserver.url_for("").rstrip("/")
    scrapy, journal = run_script(DOWNLOADS, "scrapy", url), run_script(DOWNLOADS, "journal", url)
    assert scrapy["classes"] == ["ExecutionEngine", "Downloader", "Scraper"]
    assert journal["classes"] == ["LeanEngine", "LeanDownloader", "SequentialScraper"]
    assert sorted(map(str, journal["events"])) == sorted(map(str, scrapy["events"]))
    assert ["failed", "refused", "DownloadConnectionRefusedError"] in journal["events"]
    assert ["page", "d", "localhost"] in journal["events"]
    assert journal["events"][-1] == ["closed", 0, 0]
    assert _engine_lines(journal["log"]) == _engine_lines(scrapy["log"])
    assert (
        len([line for line in _engine_lines(journal["log"]) if "Crawled (" in line]) == 4
    )  # (not the redirect)
    assert [e for e in journal["events"] if e[1] != "refused"] == [
        e for e in scrapy["events"] if e[1] != "refused"
    ]


def _engine_lines(log: str) -> list[str]:
    """The engine's and the scraper's log lines, without their times, in order of their URLs."""
    lines = [line.split(" ", 2)[-1] for line in log.splitlines() if "[scrapy.core.engine]" in line]
    lines += [line.split(" ", 2)[-1] for line in log.splitlines() if "[scrapy.core.scraper]" in line]
    return sorted(line for line in lines if "Spider opened" not in line)
