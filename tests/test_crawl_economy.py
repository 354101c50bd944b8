"""Which links a crawl leaves alone by default (crawler/policy/economy.py), and which URL is an article's own
(crawler/extract/urls.py). The real systems' crawls (tests/systems) check both end to end."""

from __future__ import annotations

import re

import pytest
from scrapy.settings import Settings

from crawler.extract.urls import base_of_view, choose_permalink
from crawler.policy.economy import LinkPolicy

POST = "https://journal.example/2024/05/harbour-works/"


@pytest.mark.parametrize(
    ("url", "rel", "rule"),
    [
        (POST + "?replytocom=12", "nofollow", "nofollow"),
        (POST + "?replytocom=12", "", "comment_pages"),
        (POST + "comment-page-2/", "", "comment_pages"),
        (POST + "?cpage=3", "", "comment_pages"),
        (POST + "feed/", "", "comment_feeds"),
        ("https://journal.example/comments/feed/", "", "comment_feeds"),
        ("https://journal.example/wp-login.php?redirect_to=x", "", "account_pages"),
        ("https://journal.example/wp-admin/", "", "account_pages"),
        ("https://journal.example/user/login", "", "account_pages"),
        ("https://journal.example/?s=harbour", "", "search_pages"),
        ("https://journal.example/search/harbour/", "", "search_pages"),
        (POST + "photo-of-the-harbour/", "", "attachment_pages"),
        ("https://journal.example/?attachment_id=7", "", "attachment_pages"),
        ("https://journal.example/someone/", "ugc nofollow", "nofollow"),
        (POST + "2/", "", None),  # the post's second page
        ("https://journal.example/2024/05/other-story/", "", None),
        ("https://journal.example/feed/", "", None),  # the site's feed leads to articles
        ("https://journal.example/category/economy/feed/", "", None),
        ("https://journal.example/tag/harbour/", "tag", None),
    ],
)
def test_default_rules(url: str, rel: str, rule: str | None) -> None:
    assert LinkPolicy().skip(url, rel, article=POST) == rule


def test_each_rule_is_restored_by_its_setting() -> None:
    settings = Settings({"JCRAWL_FOLLOW_COMMENT_PAGES": True, "JCRAWL_FOLLOW_NOFOLLOW": True})
    policy = LinkPolicy.from_settings(settings)
    assert policy.skip(POST + "?replytocom=12", "nofollow", article=POST) is None
    assert policy.skip(POST + "feed/", article=POST) == "comment_feeds"


def test_include_and_exclude() -> None:
    policy = LinkPolicy(include=(re.compile("/2024/"),), exclude=(re.compile("/tag/"),))
    assert policy.skip("https://journal.example/2023/01/old/") == "not_included"
    assert policy.skip("https://journal.example/sitemap.xml", discovery=True) is None
    assert policy.skip("https://journal.example/2024/tag/x/", discovery=True) == "excluded"
    assert policy.skip(POST) is None


@pytest.mark.parametrize(
    ("view", "base"),
    [
        (POST + "comment-page-2/", POST),
        (POST + "amp/", POST),
        (POST + "amp/comment-page-3/", POST),
        (POST + "?replytocom=4", POST),
        (POST + "?amp", POST),
        (POST + "embed/", POST),
        ("https://journal.example/?p=12&replytocom=3", "https://journal.example/?p=12"),
        (POST, POST),
    ],
)
def test_the_base_of_a_view(view: str, base: str) -> None:
    assert base_of_view(view) == base


def test_a_canonical_naming_a_comment_page_is_not_the_permalink() -> None:
    # WordPress's block theme: the article's own page names its last comment page as canonical.
    chosen = choose_permalink(
        POST, POST + "comment-page-2/#comments", shortlink="https://journal.example/?p=12"
    )
    assert chosen.url == POST
    assert set(chosen.aliases) == {POST + "comment-page-2/", "https://journal.example/?p=12"}
    # A comment page naming itself, with og:url declaring the article: og:url wins.
    page = POST + "comment-page-3/"
    assert choose_permalink(page, page, og_url=POST).url == POST
    # An honest canonical (another spelling, or a moved article) is followed.
    assert choose_permalink(POST + "?utm_source=x", POST).url == POST
    assert choose_permalink(page, "https://journal.example/2024/05/harbour-works-resume/").url == (
        "https://journal.example/2024/05/harbour-works-resume/"
    )
    # A canonical on another host is not believed.
    assert choose_permalink(POST, "https://mirror.example/x/").url == POST
