"""Every way a page writes a link resolves to the address a browser would follow."""

from __future__ import annotations

from crawler.extract import extract_article

HREFS = {
    "https://other.example.net/a?b=1&c=2": "https://other.example.net/a?b=1&c=2",
    "/2024/03/root-relative/": "https://news.example.org/2024/03/root-relative/",
    "/": "https://news.example.org/",
    "//cdn.example.net/protocol-relative": "https://cdn.example.net/protocol-relative",
    "../sibling-page/": "https://news.example.org/2024/03/sibling-page/",
    "/with-fragment/#comments": "https://news.example.org/with-fragment/",
    "  /padded/\n": "https://news.example.org/padded/",
    "/a path/with spaces": "https://news.example.org/a%20path/with%20spaces",
    "/tab\tinside/": "https://news.example.org/tabinside/",
    "HTTPS://Upper.example.net/x": "https://Upper.example.net/x",
    "/caf\u00e9/": "https://news.example.org/caf\u00e9/",
}
DROPPED = (
    "javascript:void(0)",
    "#top",
    "mailto:desk@example.org",
    "https:///no-host",
    "ftp://files.example.org/x",
)


def test_each_spelling_of_an_href_gives_the_address_a_browser_follows():
    anchors = "".join(f'<li><a href="{h}">link {i}</a></li>' for i, h in enumerate([*HREFS, *DROPPED]))
    html = f"<html><body><h1>Links</h1><ul>{anchors}</ul></body></html>"
    a = extract_article(html.encode(), "https://news.example.org/2024/03/this-page/")
    urls = {link.url for link in a.links}
    for href, url in HREFS.items():
        assert url in urls, href
    assert len(urls) == len(HREFS)  # and nothing for the hrefs that are no page


def test_a_relative_href_leads_from_the_page_that_writes_it():
    """A site writes the same relative links on pages at different depths (a theme's `../` links, a
    pager's `?page=2`): each page's link leads from where that page is, not from the first page read."""
    hrefs = ("../sibling-page/", "?page=2", "/\t/?page=3")  # (the last: `//?page=3` once its tab goes)
    html = "".join(f'<li><a href="{h}">link {i}</a></li>' for i, h in enumerate(hrefs))
    html = f"<html><body><h1>Links</h1><ul>{html}</ul></body></html>".encode()
    for page in (
        "https://news.example.org/2024/03/this-page/",
        "https://news.example.org/2024/04/other/deeper/",
    ):
        urls = {link.url for link in extract_article(html, page).links}
        parent = page.rsplit("/", 2)[0]
        assert urls >= {f"{parent}/sibling-page/", f"{page}?page=2", f"{page}?page=3"}, page
