"""The recheck policy and the update plan: which known pages an update fetches again, and how."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.policy.plan import FETCH, RECHECK, CrawlPlan, KnownUrl, StoredLastmods, StoredUrls
from crawler.policy.recheck import PolicyError, RecheckPolicy
from crawler.store import Store

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).isoformat().replace("+00:00", "Z")


def policy(**overrides: object) -> RecheckPolicy:
    settings = Settings()
    settings.setmodule("crawler.settings")
    settings.setdict(overrides)
    return RecheckPolicy.from_settings(settings)


@pytest.mark.parametrize(
    ("age_days", "fetched_hours_ago", "due"),
    [
        (1, 0.5, True),  # younger than 2 days: every run
        (10, 20, False),  # younger than 30 days: daily
        (10, 25, True),
        (100, 24 * 6, False),  # younger than a year: weekly
        (100, 24 * 8, True),
        (800, 24 * 29, False),  # older: every 30 days
        (800, 24 * 31, True),
    ],
)
def test_articles_are_due_by_age_as_documented(age_days: float, fetched_hours_ago: float, due: bool) -> None:
    assert policy().article_due(ago(days=age_days), ago(hours=fetched_hours_ago), NOW) is due


def test_other_pages_are_due_weekly_and_the_intervals_are_settings() -> None:
    assert not policy().page_due(ago(days=6), NOW)
    assert policy().page_due(ago(days=8), NOW)
    assert policy(JCRAWL_RECHECK_PAGES=1).page_due(ago(days=2), NOW)
    custom = policy(JCRAWL_RECHECK_ARTICLES='{"7": 0, "older": 2}')
    assert custom.article_due(ago(days=5), ago(minutes=1), NOW)
    assert not custom.article_due(ago(days=50), ago(days=1), NOW)


@pytest.mark.parametrize("value", ['{"2": "soon"}', "every day", '["2", 0]'])
def test_an_unreadable_policy_is_a_clear_error(value: str) -> None:
    with pytest.raises(PolicyError, match="JCRAWL_RECHECK_ARTICLES must map ages to intervals in days"):
        policy(JCRAWL_RECHECK_ARTICLES=value)


def plan(incremental: bool = True, crawl_id: int | None = None) -> CrawlPlan:
    known = {
        "/old-article": KnownUrl(ago(days=1), 200, 1, etag='W/"a1"', born=ago(days=900)),
        "/new-article": KnownUrl(
            ago(hours=2), 200, 1, last_modified="Mon, 01 Jun 2026 10:00:00 GMT", born=ago(days=1)
        ),
        "/sitemap.xml": KnownUrl(ago(hours=1), 200, 1, xml=True),
        "/category/page/7/": KnownUrl(ago(days=1), 200, 1),
        "/broken": KnownUrl(ago(hours=1), 503, 1),
        "/done-before-the-kill": KnownUrl(ago(minutes=1), 200, 2, born=ago(days=1)),
        "/captured-as-it-was-killed": KnownUrl(ago(minutes=1), 200, 2, etag='W/"k2"', born=ago(days=1)),
    }
    lastmods = {"/old-article": "2024-01-01T10:00:00+01:00"}
    finished = {"/done-before-the-kill"}  # its page and links were stored before the kill
    return CrawlPlan(
        known,
        incremental=incremental,
        crawl_id=crawl_id,
        policy=policy(),
        lastmods=lastmods,
        finished=finished,
        now=NOW,
    )


def test_an_update_fetches_new_urls_hubs_and_due_pages_and_rechecks_known_ones() -> None:
    update = plan()
    assert update.decide("/never-seen") == FETCH
    assert update.decide("/sitemap.xml") == FETCH  # sitemaps and feeds: every run, in full
    assert update.decide("/category/page/7/", hub=True) == FETCH  # linked from a start page
    assert update.decide("/category/page/7/") is None  # deeper: weekly
    assert update.decide("/new-article") == RECHECK  # a day old: every run
    assert update.decide("/old-article") is None  # old, fetched yesterday
    assert update.decide("/old-article", hub=True) is None  # a hub's link does not make an article due
    assert update.decide("/broken") == RECHECK  # the last answer was a 5xx
    assert update.conditional_headers("/old-article") == {"If-None-Match": 'W/"a1"'}
    assert update.conditional_headers("/new-article") == {
        "If-Modified-Since": "Mon, 01 Jun 2026 10:00:00 GMT"
    }


def test_a_changed_sitemap_lastmod_makes_a_page_due_and_is_recorded_once_it_is_done() -> None:
    update = plan()
    assert update.decide("/old-article", lastmod="2024-01-01T10:00:00+01:00") is None
    assert update.decide("/old-article", lastmod="2026-05-30T10:00:00+01:00") == RECHECK
    update.saw_lastmod("/old-article", "2026-05-30T10:00:00+01:00")
    assert update.take_lastmods() == []  # not fetched yet: a kill now must leave it due
    update.page_done(["/old-article"])
    assert update.take_lastmods() == [("/old-article", "2026-05-30T10:00:00+01:00")]
    # Without a stored lastmod, the sitemap's date is compared with the last fetch.
    assert update.decide("/category/page/7/", lastmod=ago(hours=1)) == RECHECK
    assert update.decide("/category/page/7/", lastmod=ago(days=3)) is None


def test_a_crawl_fetches_everything_and_a_resumed_one_skips_what_it_captured() -> None:
    crawl = plan(incremental=False)
    assert crawl.decide("/old-article") == FETCH and crawl.conditional_headers("/never-seen") == {}
    resumed = plan(incremental=False, crawl_id=2)
    assert resumed.decide("/done-before-the-kill") is None
    assert resumed.decide("/captured-as-it-was-killed") == FETCH  # its links may not have been stored
    assert resumed.decide("/old-article") == FETCH


def test_a_resumed_update_asks_again_in_full_for_a_page_it_captured_but_did_not_finish() -> None:
    """The killed run's request was a recheck, and its answer's row was committed but not its page's:
    asked again with that answer's validators, the server would say 304 and the page stay unread."""
    resumed = plan(crawl_id=2)
    assert resumed.conditional_headers("/captured-as-it-was-killed") == {}
    assert resumed.conditional_headers("/old-article") == {"If-None-Match": 'W/"a1"'}  # an earlier run's
    assert plan().conditional_headers("/captured-as-it-was-killed") == {"If-None-Match": 'W/"k2"'}


def test_the_plan_asks_the_archive_once_about_a_url_it_keeps_asking_about(tmp_path: Path) -> None:
    """Remembering two answers, an update keeps the one it uses again and again (a section page linked
    from every story) while the stories pass through: it asks the archive about the section once."""
    store = Store(tmp_path)
    try:
        with store.conn:  # an earlier crawl of the site recorded a sitemap lastmod
            store.conn.execute("INSERT INTO sitemap_lastmod VALUES ('http://127.0.0.1/about/', '2026-01-01')")
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        known = StoredUrls(store, "127.0.0.1", store.next_capture_id(), 2)
        lastmods = StoredLastmods(store, 2, "127.0.0.1")
        for n in range(5):
            for url in ("http://127.0.0.1/section/", f"http://127.0.0.1/story-{n}/"):
                assert known.get(url) is None and lastmods.get(url) is None  # a fresh archive
        assert lastmods.get("http://127.0.0.1/about/") == "2026-01-01"
        assert sum("FROM urls" in statement for statement in statements) == 1 + 5
        # whether the site has any (once), the section once, each story, the page with one
        assert sum("FROM sitemap_lastmod" in statement for statement in statements) == 1 + 1 + 5 + 1
    finally:
        store.close()


def test_a_first_crawl_does_not_ask_for_sitemap_lastmods_it_cannot_have(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        with store.conn:  # another site's
            store.conn.execute("INSERT INTO sitemap_lastmod VALUES ('http://127.0.0.2/about/', '2026-01-01')")
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        lastmods = StoredLastmods(store, 2, "127.0.0.1")
        assert [lastmods.get(f"http://127.0.0.1/story-{n}/") for n in range(5)] == [None] * 5
        lastmods["http://127.0.0.1/story-0/"] = "2026-02-02"  # as this run records them
        assert lastmods.get("http://127.0.0.1/story-0/") == "2026-02-02"
        assert sum("FROM sitemap_lastmod" in statement for statement in statements) == 1  # the site has none
    finally:
        store.close()
