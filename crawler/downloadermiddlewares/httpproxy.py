"""Scrapy's proxy middleware, called on for the requests it has something to do with."""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares import httpproxy
from scrapy.http import Response

from crawler.headers import has_header


class HttpProxyMiddleware(httpproxy.HttpProxyMiddleware):
    """Scrapy's HttpProxyMiddleware, which reads every request's meta and headers to do nothing when no
    proxy is set (by the environment or the request) and the request has no proxy credentials: here
    such a request is left as it is at once; any other is Scrapy's."""

    def process_request(self, request: Request) -> Request | Response | None:
        meta = request.meta
        if (
            self.proxies
            or "proxy" in meta
            or "_auth_proxy" in meta
            or has_header(request.headers, b"Proxy-Authorization")
        ):
            return super().process_request(request)
        return None
