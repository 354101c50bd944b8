"""A small journal whose articles carry two house lines that read like prose, for site-learning tests.

A publisher's note and a funder's credit sit inside every article's text, in plain <p>s: no generic
rule can tell them from the story, only their repetition across the site's pages.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

from pytest_httpserver import HTTPServer

ARTICLES = 24
HOUSE_LINES = (
    "Dunes Media Group publishes this journal every week from its newsroom in Nouakchott, with "
    "correspondents in six countries of the region.",
    "Our coverage of the regional economy is supported by the Sahel Press Foundation, which has no "
    "say over what we write or whom we interview.",
)
# Vocabulary of the stories' own sentences.
VOCABULARY = (
    "port cargo ministry tender solar grid phosphate mine lenders bond tariff customs harbour berth railway "
    "corridor cement drought harvest wheat imports exports budget deficit reform union strike"
)
WORDS = VOCABULARY.split()


def story(n: int) -> tuple[str, list[str]]:
    """Title and paragraphs of article n: its own sentences, deterministic."""
    rng = random.Random(n)
    title = f"Story {n}: " + " ".join(rng.sample(WORDS, 4)).capitalize()
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 40))).capitalize() + "." for _ in range(4)
    ]
    return title, paragraphs


def article_page(n: int) -> str:
    title, paragraphs = story(n)
    text = "".join(f"<p>{p}</p>" for p in paragraphs[:2])
    text += f"<p>{HOUSE_LINES[0]}</p>"
    text += "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    text += f"<p><em>{HOUSE_LINES[1]}</em></p>"
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{title} - Desert Ledger</title>'
        '<meta property="og:type" content="article"></head><body>'
        f'<article><h1 class="headline">{title}</h1><div class="story-text">{text}</div></article>'
        '<p><a href="/">Home</a></p></body></html>'
    )


@contextmanager
def serve_house_lines_site() -> Iterator[HTTPServer]:
    """The journal on 127.0.0.1: a home page linking every article; stopped afterwards."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    links = "".join(f'<li><a href="/news/story-{n}/">Story {n}</a></li>' for n in range(ARTICLES))
    server.expect_request("/").respond_with_data(
        f"<html><body><ul>{links}</ul></body></html>", content_type="text/html"
    )
    for n in range(ARTICLES):
        server.expect_request(f"/news/story-{n}/").respond_with_data(
            article_page(n), content_type="text/html; charset=utf-8"
        )
    server.no_handler_status_code = 404
    server.start()
    try:
        yield server
    finally:
        server.stop()
