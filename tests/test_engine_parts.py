"""What Scrapy's parts around the spider still do in a crawl, as jcrawl runs them with less work per
page (crawler/spidermiddlewares/lean.py, crawler/downloadermiddlewares/offsite.py): a followed link
is requested with the page it was found on as Referer, a redirect to another host is not followed,
and --max-depth counts links from the start page."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.helpers import jcrawl


def page(title: str, links: str = "") -> str:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{title} opened a new berth this spring, the port authority said on Monday.</p>"
        f"</article>{links}</body></html>"
    )


def test_referer_offsite_redirect_and_depth(httpserver: HTTPServer, tmp_path: Path) -> None:
    s = httpserver
    s.no_handler_status_code = 404
    s.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    s.expect_request("/").respond_with_data(
        page("Home", '<a href="/first/">first</a> <a href="/moved/">moved</a>'), content_type="text/html"
    )
    s.expect_request("/first/").respond_with_data(
        page("First", '<a href="/second/">second</a>'), content_type="text/html"
    )
    s.expect_request("/second/").respond_with_data(
        page("Second", '<a href="/third/">third</a>'), content_type="text/html"
    )
    s.expect_request("/third/").respond_with_data(page("Third"), content_type="text/html")
    # The crawl starts at localhost: the server's other name is another site.
    s.expect_request("/moved/").respond_with_data(
        "", status=301, headers={"Location": f"http://127.0.0.1:{s.port}/elsewhere/"}
    )
    s.expect_request("/elsewhere/").respond_with_data(page("Elsewhere"), content_type="text/html")

    result = jcrawl("crawl", s.url_for("/"), "--max-depth", "2", archive=tmp_path)
    assert result.returncode == 0, result.stderr

    referers = {request.path: request.headers.get("Referer") for request, _ in s.log}
    assert referers["/first/"] == s.url_for("/")
    assert referers["/second/"] == s.url_for("/first/")
    assert "/moved/" in referers and "/elsewhere/" not in referers
    assert "/third/" not in referers  # three links away from the start page
