"""Placeholder extractor (replaced by the extract branch): title, date, paragraphs, links."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping

import lxml.html

from crawler.extract.model import NAV, Article, Link


def extract_article(
    body: bytes, url: str, headers: Mapping[str, str] | None = None, profile: object = None
) -> Article:
    """Extract a clean record from an HTML page. Never raises."""
    try:
        tree = lxml.html.document_fromstring(body or b"<html></html>", base_url=url)
    except Exception:
        return Article(url=url)
    tree.make_links_absolute(url, handle_failures="discard")
    canonical = tree.xpath("string(//link[@rel='canonical']/@href)") or url
    article = Article(url=canonical, canonical_url=canonical)
    ld = {}
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        with contextlib.suppress(ValueError):
            ld = json.loads(script)
    h1 = tree.xpath("string((//h1|//h2[@class='title'])[1])").strip()
    article.title = h1 or None
    article.published = (
        ld.get("datePublished")
        or tree.xpath("string(//meta[@property='article:published_time']/@content)")
        or None
    )
    content = tree.xpath(
        "//*[contains(@class,'entry-content') or contains(@class,'td-post-content')"
        " or contains(@class,'storycontent')]"
    )
    if content:
        paragraphs = [p.text_content().strip() for p in content[0].iter("p", "h2") if not p.get("class")]
        article.body = "\n\n".join(p for p in paragraphs if p)
        article.is_article = bool(article.body)
    for a in tree.iter("a"):
        href = a.get("href")
        if href and href.startswith("http"):
            rel = a.get("rel") or ""
            kind = "previous" if rel == "prev" else "next" if rel == "next" else NAV
            article.links.append(Link(href.split("#")[0], kind, a.text_content().strip()))
    article.feeds = tree.xpath("//link[@rel='alternate'][contains(@type,'xml')]/@href")
    return article
