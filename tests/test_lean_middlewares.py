"""Scrapy's downloader middlewares called only when they have something to do (crawler/downloadermiddlewares/
cookies.py, redirect.py, httpproxy.py) leave requests and responses as Scrapy's do."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware as ScrapyCookiesMiddleware
from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware as ScrapyHttpProxyMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as ScrapyRedirectMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.cookies import CookiesMiddleware
from crawler.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from crawler.downloadermiddlewares.redirect import RedirectMiddleware


def _exchange(middleware_class: type, jar_cookies: bool, set_cookie: bool) -> tuple:
    """The Cookie header sent with a second request, and the jar's cookies after its response."""
    crawler = get_crawler()
    middleware = middleware_class.from_crawler(crawler)
    first = Request("http://journal.example/", cookies={"seen": "1"} if jar_cookies else None)
    middleware.process_request(first)
    second = Request("http://journal.example/a/", headers={"Cookie": "stale=1"})
    middleware.process_request(second)
    fields = {"Set-Cookie": "visit=2; Path=/"} if set_cookie else {"Server": "x"}
    middleware.process_response(second, HtmlResponse(second.url, headers=fields, body=b"<html></html>"))
    third = Request("http://journal.example/b/")
    middleware.process_request(third)
    jar = middleware.jars[None]
    return (
        second.headers.getlist("Cookie"),
        third.headers.getlist("Cookie"),
        sorted(c.name for c in jar),
        jar.processed,
    )


@pytest.mark.parametrize("jar_cookies", [False, True])
@pytest.mark.parametrize("set_cookie", [False, True])
def test_cookies_are_scrapys(jar_cookies: bool, set_cookie: bool) -> None:
    assert _exchange(CookiesMiddleware, jar_cookies, set_cookie) == _exchange(
        ScrapyCookiesMiddleware, jar_cookies, set_cookie
    )


def test_a_response_without_cookies_is_left_alone() -> None:
    middleware = CookiesMiddleware.from_crawler(get_crawler())
    request, response = Request("http://journal.example/"), Response("http://journal.example/")
    assert middleware.process_response(request, response) is response


def _redirected(middleware_class: type, status: int, meta: dict) -> tuple:
    middleware = middleware_class.from_crawler(get_crawler())
    request = Request("http://journal.example/a/#part", meta=dict(meta))
    response = Response(request.url, status=status, headers={"Location": "/b/"}, request=request)
    result = middleware.process_response(request, response)
    if result is response:
        return ("response",)
    return (result.url, result.method, sorted(result.meta.items()), dict(result.headers))


@pytest.mark.parametrize("status", [200, 204, 301, 302, 303, 304, 307, 308, 404, 500])
@pytest.mark.parametrize("meta", [{}, {"dont_redirect": True}, {"handle_httpstatus_list": [301]}])
def test_redirects_are_scrapys(status: int, meta: dict) -> None:
    assert _redirected(RedirectMiddleware, status, meta) == _redirected(
        ScrapyRedirectMiddleware, status, meta
    )


def _proxied(middleware_class: type, meta: dict, headers: dict) -> tuple:
    middleware = middleware_class.from_crawler(get_crawler())
    request = Request("http://journal.example/", meta=dict(meta), headers=headers)
    assert middleware.process_request(request) is None
    return sorted(request.meta.items()), dict(request.headers)


PROXY_CASES = [
    ({}, {}),
    ({"proxy": "http://user:pass@proxy.example:3128"}, {}),
    ({"proxy": None}, {}),
    ({}, {"Proxy-Authorization": "Basic eDp5"}),
    ({"_auth_proxy": "http://proxy.example:3128"}, {"Proxy-Authorization": "Basic eDp5"}),
]


@pytest.mark.parametrize(("meta", "headers"), PROXY_CASES)
@pytest.mark.parametrize("environment", [None, "http://envuser:pw@envproxy.example:8080"])
def test_proxies_are_scrapys(
    meta: dict, headers: dict, environment: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    if environment:
        monkeypatch.setenv("http_proxy", environment)
    assert _proxied(HttpProxyMiddleware, meta, headers) == _proxied(ScrapyHttpProxyMiddleware, meta, headers)
