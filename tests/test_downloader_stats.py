"""The lean downloader stats (crawler/downloadermiddlewares/stats.py) count what Scrapy's do, to the byte."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.stats import LeanDownloaderStats

REQUESTS = [
    Request("http://127.0.0.1:8642/"),
    Request("https://journal.example/2024/05/some-story/?page=2&x=%C3%A9", headers={"Accept": "text/html"}),
    Request(
        "http://journal.example/a;params?q=1",
        method="POST",
        body=b"name=value",
        headers={"X-Many": ["one", "two", "three"], "Referer": "http://journal.example/", "Empty": []},
    ),
    Request("http://xn--thies-bva.example/caf%C3%A9//double"),
]
RESPONSES = [
    Response(
        "http://127.0.0.1/", status=200, body=b"<html>hello</html>", headers={"Content-Type": "text/html"}
    ),
    HtmlResponse(
        "http://127.0.0.1/", status=404, body=b"", headers={"Set-Cookie": ["a=1", "b=2"], "Server": "x"}
    ),
    Response("http://127.0.0.1/", status=799, body=b"odd"),  # no header, a status Scrapy has no reason for
]


def _stats(middleware_class: type[DownloaderStats]) -> dict:
    crawler = get_crawler()
    crawler.stats.open_spider()
    middleware = middleware_class.from_crawler(crawler)
    for request in REQUESTS:
        middleware.process_request(request)
    for request, response in zip(REQUESTS, RESPONSES, strict=False):
        middleware.process_response(request, response)
    return crawler.stats.get_stats()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_stats_are_scrapys_own() -> None:
    lean, scrapy = _stats(LeanDownloaderStats), _stats(DownloaderStats)
    assert lean["downloader/request_bytes"] > 0 and lean["downloader/response_bytes"] > 0
    assert lean == scrapy
