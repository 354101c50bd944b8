"""Scrapy's cookies, handled by Scrapy's code only when there are cookies to handle."""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares import cookies
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.headers import drop_header, has_header


class CookiesMiddleware(cookies.CookiesMiddleware):
    """Scrapy's CookiesMiddleware, which wraps every request and response for `http.cookiejar` even
    when there is nothing to do: a request that sets no cookies going out while its jar holds none
    (Scrapy removes its Cookie header and adds none), and a response that sets none (no Set-Cookie or
    Set-Cookie2 header). Those are done here with the same outcome; everything else is Scrapy's."""

    def process_request(self, request: Request) -> Request | Response | None:
        meta = request.meta
        if meta.get("dont_merge_cookies", False):
            return None
        jar = self.jars[meta.get("cookiejar")]
        if request.cookies or jar._cookies:
            return super().process_request(request)
        drop_header(request.headers, b"Cookie")
        # add_cookie_header counts the requests with a host, to clear expired cookies every so many
        # (of an empty jar, nothing)
        if urlparse_cached(request).hostname:
            jar.processed += 1
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        headers = response.headers
        if has_header(headers, b"Set-Cookie") or has_header(headers, b"Set-Cookie2"):
            return super().process_response(request, response)
        return response
