"""A page that moved by `<meta http-equiv=refresh>` is followed to where it moved, however the tag is
written and whatever the page's encoding."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.faultserver import article_html
from tests.helpers import jcrawl, query, serve_stories

REFRESHES = [
    ('<meta http-equiv="refresh" content="0; url=/moved-0/">', "utf-8"),
    ("<META HTTP-EQUIV='Refresh' CONTENT='0;URL=/moved-1/'>", "utf-8"),
    ('<meta http-equiv="refresh" content="0; url=/moved-2/">', "utf-16"),
    # Scrapy looks in the first 4,096 characters: 2,000 three-byte ones put the tag past 6,000 bytes,
    # inside the window of bytes the middleware scans before it decodes anything.
    (
        '<meta name="description" content="'
        + "東" * 2000
        + '"><meta http-equiv=refresh content="0;url=/moved-3/">',
        "utf-8",
    ),
]


def moved_page(head: str, encoding: str) -> Response:
    html = f"<!DOCTYPE html><html><head>{head}<title>Moved</title></head><body>Moved.</body></html>"
    return lambda request: Response(
        html.encode(encoding), headers={"Content-Type": f"text/html; charset={encoding}"}
    )


def test_a_meta_refresh_leads_to_the_page_it_names(httpserver: HTTPServer, tmp_path: Path) -> None:
    start = serve_stories(httpserver, [moved_page(head, encoding) for head, encoding in REFRESHES])
    for n in range(len(REFRESHES)):
        httpserver.expect_request(f"/moved-{n}/").respond_with_data(
            article_html(f"Moved story {n}"), content_type="text/html"
        )
    result = jcrawl("crawl", start, "--quiet", archive=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    titles = {title for (title,) in query(tmp_path, "SELECT title FROM articles")}
    assert titles == {f"Moved story {n}" for n in range(len(REFRESHES))}


def test_a_page_without_one_stays_where_it_is(httpserver: HTTPServer, tmp_path: Path) -> None:
    def page(request: Request) -> Response:  # "refresh" in the text, not in a meta tag
        return Response(article_html("Refresh of the harbour"), content_type="text/html")

    result = jcrawl("crawl", serve_stories(httpserver, [page]), "--quiet", archive=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert query(tmp_path, "SELECT title FROM articles") == [("Refresh of the harbour",)]
