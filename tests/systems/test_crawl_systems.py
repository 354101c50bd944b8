"""Real publishing systems crawled as a new user would: `jcrawl crawl HOME` with no options.

WordPress (both default themes) and Pelican, each filled with the same journal (authors, sections,
tags, threaded and paged comments, images, French and Arabic posts). Each post must be one row at
its permalink, however many addresses the system gives it; bodies must hold the story and nothing of
the comments, the forms or the widgets; and at least 90% of the requests must go to articles, the
listings that lead to them, feeds, sitemaps and robots.txt.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.extract.urls import is_view_url
from crawler.urls import normalize_url
from tests.helpers import jcrawl, query
from tests.systems.conftest import SITES, SystemCrawl

# What the comment forms and the widgets of these themes say; none of it belongs to a story.
NOT_STORY = (
    "Leave a Reply",
    "Leave a Comment",
    "Your email address will not be published",
    "Post Comment",
    "Name *",
    "Comment *",
    "Recent Posts",
    "Recent Comments",
    " says:",
)


@pytest.fixture(params=SITES)
def crawl(request: pytest.FixtureRequest, system_crawls: dict[str, SystemCrawl]) -> SystemCrawl:
    return system_crawls[request.param]


def test_each_post_is_found_once_at_its_permalink(crawl: SystemCrawl) -> None:
    score = crawl.score
    assert score.found == score.posts == len(crawl.truth["posts"]), crawl.result.stdout
    assert score.duplicates == 0
    # Comment pages, reply forms, shortlinks and attachment pages are no article rows of their own.
    urls = [url for (url,) in query(crawl.archive, "SELECT url FROM articles")]
    assert not [url for url in urls if is_view_url(url)]
    others = {normalize_url(p["shortlink"]) for p in crawl.truth["posts"] if p.get("shortlink")}
    others |= {normalize_url(a["permalink"]) for a in crawl.truth["attachments"]}
    assert not others & set(urls)


def test_only_posts_are_articles_static_pages_and_listings_are_crawled(crawl: SystemCrawl) -> None:
    """About, Contact, the charter, home, category, tag, author and date archives: fetched (so in the
    archive, and their links followed) but not stored as articles, whose rows a researcher expects
    to be the site's posts."""
    pages = {normalize_url(p["permalink"]) for p in crawl.truth["pages"]}
    assert len(pages) == 3
    stored = {url for (url,) in query(crawl.archive, "SELECT url FROM articles")}
    assert stored == {normalize_url(p["permalink"]) for p in crawl.truth["posts"]}
    fetched = {urlsplit(target).path for target, status in crawl.requests if status == 200}
    assert {urlsplit(url).path for url in pages} <= fetched
    assert crawl.score.requests["listing"] > 0


def test_bodies_hold_the_story_and_no_comment_form_or_widget_text(crawl: SystemCrawl) -> None:
    bodies = dict(query(crawl.archive, "SELECT url, body FROM articles"))
    for post in crawl.truth["posts"]:
        body = bodies[normalize_url(post["permalink"])]
        for text in NOT_STORY:
            assert text not in body, (post["permalink"], text)
        for comment in post["comment_texts"]:
            assert comment[:60] not in body, post["permalink"]
    assert crawl.score.body_f1 >= 0.98


def test_nine_requests_in_ten_go_to_articles_listings_feeds_and_sitemaps(crawl: SystemCrawl) -> None:
    score = crawl.score
    assert score.useful_share >= 0.9, (score.requests, score.other_paths[:30])
    # The crawl's own account says so too.
    match = re.search(r"Requests: ([^(]*)\((\d+)% of page requests useful\)", crawl.result.stdout)
    assert match, crawl.result.stdout
    assert int(match.group(2)) >= 90
    counted = sum(int(n.replace(",", "")) for n in re.findall(r"(\d[\d,]*) [a-z]", match.group(1)))
    assert counted == len(crawl.requests)  # every request the server answered, by kind


def test_links_to_views_and_visitor_pages_are_not_followed_and_reported(crawl: SystemCrawl) -> None:
    targets = [target for target, _status in crawl.requests]
    assert not [t for t in targets if "replytocom=" in t or "/comment-page-" in t]
    assert not [t for t in targets if re.search(r"wp-login|wp-admin|[?&]s=|/comments/feed/", t)]
    attachments = {normalize_url(a["permalink"]) for a in crawl.truth["attachments"]}
    fetched = {normalize_url(crawl.site.url + t.lstrip("/")) for t in targets}
    assert not attachments & fetched
    if crawl.site.system == "wordpress":
        assert re.search(r"Links not followed: .*comment pages.*JCRAWL_FOLLOW_", crawl.result.stdout)


@pytest.mark.parametrize("name", [s for s in SITES if s.startswith("wordpress")])
def test_every_alias_finds_the_article_and_adds_no_row(
    name: str, system_crawls: dict[str, SystemCrawl], tmp_path: Path
) -> None:
    crawl = system_crawls[name]
    post = next(p for p in crawl.truth["posts"] if len(p["comment_page_urls"]) >= 2)
    permalink = normalize_url(post["permalink"])
    for alias in (post["comment_page_urls"][1], post["shortlink"], post["permalink"] + "?replytocom=1"):
        shown = jcrawl("show", alias, archive=crawl.archive)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.splitlines()[1] == permalink, alias
    # A later crawl that meets the aliases (comment pages followed this time) adds no row.
    archive = tmp_path / "archive"
    shutil.copytree(crawl.archive, archive)
    (before,) = query(archive, "SELECT COUNT(*) FROM articles")[0]
    again = jcrawl(
        "crawl",
        post["comment_page_urls"][0],
        "-s",
        "JCRAWL_FOLLOW_COMMENT_PAGES=true",
        "-s",
        "JCRAWL_REQUISITES=false",  # the theme's stylesheets and images would share the 40 requests
        "--include",  # this post's pages only, so the budget is not spent on other posts first
        re.escape(urlsplit(permalink).path),
        "--max-pages",
        "40",
        archive=archive,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert query(archive, "SELECT COUNT(*) FROM articles")[0] == (before,)
    (comment_pages,) = query(archive, "SELECT COUNT(*) FROM captures WHERE url LIKE '%/comment-page-%'")[0]
    assert comment_pages >= 2  # it did meet them


def test_include_and_exclude_scope_a_crawl(system_crawls: dict[str, SystemCrawl], tmp_path: Path) -> None:
    crawl = system_crawls["pelican-notmyidea"]
    before = len(crawl.site.requests())
    result = jcrawl(
        "crawl", crawl.site.url, "--include", r"/2025/", "--exclude", r"/tag/", "--exclude", "/author/",
        archive=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    targets = [t for t, _ in crawl.site.requests()[before:]]
    assert not [t for t in targets if "/tag/" in t or "/author/" in t]
    urls = [url for (url,) in query(tmp_path, "SELECT url FROM articles")]
    wanted = {normalize_url(p["permalink"]) for p in crawl.truth["posts"] if "/2025/" in p["permalink"]}
    assert set(urls) == wanted  # every 2025 post (through the sitemap), nothing else
    assert "not included" in result.stdout and "excluded" in result.stdout


def test_max_pages_is_a_hard_cap_on_requests(system_crawls: dict[str, SystemCrawl], tmp_path: Path) -> None:
    crawl = system_crawls["wordpress-twentytwentyone"]
    before = len(crawl.site.requests())
    result = jcrawl("crawl", crawl.site.url, "--max-pages", "25", archive=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert len(crawl.site.requests()) - before == 25
    assert "max_pages" in result.stdout and "Crawled 25 pages" in result.stdout
