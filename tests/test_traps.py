"""Crawler traps and scope: endless URL spaces are cut by rules and reported; the crawl stays on its site.

One crawl of a small journal with every trap on the list; each test reads the server's request log,
the store and the crawl summary.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from scrapy import Request as ScrapyRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from werkzeug import Request, Response

from crawler.policy.scope import ScopeLimits, TrapRules, url_pattern
from spiders.journal import JournalSpider
from tests.faultserver import article_html
from tests.helpers import callback_output, jcrawl, query

BUDGET = 15  # JCRAWL_PATTERN_BUDGET for this crawl
NEXT_YEAR = datetime.now(UTC).year + 1


def page(*links: str, title: str = "Listing") -> Response:
    anchors = "".join(f'<a href="{href}">{href}</a>' for href in links)
    head = f'<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{title}</title>'
    return Response(f"<html><head>{head}</head><body>{anchors}</body></html>", mimetype="text/html")


def calendar(request: Request) -> Response:
    """/events/YYYY/MM/: a month with links to the months before and after, for ever."""
    year, month = map(int, request.path.split("/")[2:4])
    before = (year, month - 1) if month > 1 else (year - 1, 12)
    after = (year, month + 1) if month < 12 else (year + 1, 1)
    return page(*(f"/events/{y}/{m:02d}/" for y, m in (before, after)), title="Events")


def session_copy(request: Request) -> Response:
    """/(S(token))/story/N/: the site in an ASP.NET-style cookieless session, new token on every page."""
    story = request.path.split("/story/")[1].strip("/")
    token = secrets.token_hex(12)
    return Response(
        article_html(f"Story {story}").replace(
            "</body>", f'<a href="/(S({token}))/story/{story}/">more</a></body>'
        ),
        mimetype="text/html",
    )


def story(request: Request) -> Response:
    """/story/N/: an article; every link out carries a fresh session id, as some sites do."""
    n = int(request.path.split("/")[2])
    sid = secrets.token_hex(8)
    links = [f"/story/{(n + 1) % 5}/?PHPSESSID={sid}", f"/story/{(n + 2) % 5}/;jsessionid={sid}"]
    anchors = "".join(f'<a href="{href}">next</a>' for href in links)
    return Response(article_html(f"Story {n}").replace("</body>", anchors + "</body>"), mimetype="text/html")


def search(request: Request) -> Response:
    """/filter?q=..: each result page links to itself with one more parameter."""
    return page(f"{request.full_path.rstrip('?')}&q=more")


def pages(request: Request) -> Response:
    """/list/?page=N: pagination that never ends."""
    n = int(request.args.get("page", "1"))
    return page(f"/list/?page={n + 1}")


def nested(request: Request) -> Response:
    """/loop/...: a relative link that nests the path into itself."""
    return page("a/", "b/")


@dataclass
class Crawled:
    archive: Path
    result: subprocess.CompletedProcess
    paths: list[str]  # every request the server got, path and query

    def asked(self, pattern: str) -> list[str]:
        return [p for p in self.paths if re.match(pattern, p)]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    try:
        home = [
            f"/events/{NEXT_YEAR}/10/",
            "/(S(0123456789abcdef01234567))/story/1/",
            "/story/0/",
            "/filter?q=x",
            "/list/?page=1",
            "/loop/",
            "/private/secret/",
            "/caf%C3%A9/",
            "/café/",
            "/caf%c3%a9/",
            "/%7Euser/",
            "/~user/",
            f"http://localhost:{server.port}/elsewhere/",
            "http://example.invalid/offsite/",
            "ftp://127.0.0.1/file",
            "mailto:desk@example.com",
            "javascript:void(0)",
        ]
        server.no_handler_status_code = 404
        server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
        server.expect_request("/").respond_with_response(page(*home, title="Home"))
        server.expect_request(re.compile(r"^/events/\d+/\d+/$")).respond_with_handler(calendar)
        server.expect_request(re.compile(r"^/\(S\(\w+\)\)/story/\d+/$")).respond_with_handler(session_copy)
        server.expect_request(re.compile(r"^/story/\d+/$")).respond_with_handler(story)
        server.expect_request("/filter").respond_with_handler(search)
        server.expect_request("/list/").respond_with_handler(pages)
        server.expect_request(re.compile(r"^/loop/")).respond_with_handler(nested)
        for path in ("/café/", "/~user/", "/private/secret/"):
            server.expect_request(path).respond_with_response(page(title=path))
        archive = tmp_path_factory.mktemp("traps")
        result = jcrawl(
            "crawl",
            server.url_for("/"),
            "-s",
            f"JCRAWL_PATTERN_BUDGET={BUDGET}",
            archive=archive,
            timeout=120,
        )
        paths = [req.environ["REQUEST_URI"] for req, _ in server.log]
    finally:
        server.clear()
        server.stop()
    return Crawled(archive, result, paths)


def test_the_crawl_ends_and_reports_what_it_cut(crawled: Crawled) -> None:
    assert crawled.result.returncode in (0, 1), crawled.result.stderr[-3000:]
    summary = crawled.result.stdout
    match = re.search(r"([\d,]+) links not followed as likely crawler traps \(([^)]*)\)", summary)
    assert match, summary
    cut = {name: int(n) for name, n in (item.rsplit(" ", 1) for item in match.group(2).split(", "))}
    assert set(cut) == {"calendar", "pattern budget", "path repeat", "query params"}
    assert sum(cut.values()) == int(match.group(1))
    [(stats,)] = query(crawled.archive, "SELECT stats FROM crawls")
    stats = json.loads(stats)
    assert stats["jcrawl/trap/calendar"] >= 1 and stats["jcrawl/trap/pattern_budget"] >= 1


def test_a_calendar_never_reaches_past_next_year(crawled: Crawled) -> None:
    months = crawled.asked(r"/events/")
    years = {int(p.split("/")[2]) for p in months}
    assert max(years) == NEXT_YEAR  # next year's events may exist; the year after is a trap
    # Going back in time it meets the budget of its pattern, /events/N/N/ (plus requests in flight).
    assert len(months) <= BUDGET + 16


def test_endless_pagination_is_bounded_by_its_pattern_budget(crawled: Crawled) -> None:
    listed = crawled.asked(r"/list/\?page=")
    assert BUDGET <= len(listed) <= BUDGET + 2  # one page at a time: at most one in flight


def test_a_growing_query_string_is_cut(crawled: Crawled) -> None:
    searches = crawled.asked(r"/filter")
    assert (
        searches
        and max(len(parse_qsl(urlsplit(p).query)) for p in searches) <= ScopeLimits().max_query_params
    )


def test_a_path_nesting_into_itself_is_cut(crawled: Crawled) -> None:
    loops = crawled.asked(r"/loop/")
    assert loops and all(max(p.split("/").count(s) for s in ("a", "b")) <= 2 for p in loops)


def test_session_ids_do_not_multiply_pages(crawled: Crawled) -> None:
    # Known session parameters are dropped from URLs: each story is fetched once.
    for n in range(5):
        assert crawled.asked(rf"/story/{n}/$") == [f"/story/{n}/"]
    # An unknown session token in the path makes copies of a page that teach nothing: the budget ends them.
    assert len(crawled.asked(r"/\(S\(")) <= BUDGET + 2
    (stories,) = query(crawled.archive, "SELECT COUNT(*) FROM articles WHERE title LIKE 'Story %'")
    assert stories[0] >= 5


def test_scope_robots_offsite_and_schemes(crawled: Crawled) -> None:
    assert not crawled.asked(r"/private/")  # robots.txt
    assert not crawled.asked(r"/elsewhere/")  # localhost is another site than 127.0.0.1
    assert not crawled.asked(r"/(offsite|file)")
    (off,) = query(crawled.archive, "SELECT COUNT(*) FROM captures WHERE url NOT LIKE 'http://127.0.0.1:%'")
    assert off == (0,)


def test_percent_encoding_and_unicode_spellings_are_one_url(crawled: Crawled) -> None:
    assert crawled.asked(r"/caf") == ["/caf%C3%A9/"]
    assert crawled.asked(r"/(~|%7E)user") == ["/~user/"]


# --- the rules themselves --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("http://j.example/" + "x" * 3000, "url_length"),
        ("http://j.example" + "/d" + "".join(f"/{n}" for n in range(20)), "path_depth"),
        ("http://j.example/a/b/a/b/a/b/", "path_repeat"),
        ("http://j.example/s?" + "&".join(f"p{n}=1" for n in range(13)), "query_params"),
        ("http://j.example/s?q=" + "x" * 600, "query_params"),
        ("http://j.example/events/2031-05/", "calendar"),
        ("http://j.example/cal?year=2040&month=1", "calendar"),
        ("http://j.example/2024/05/a-story/", None),
        ("http://j.example/news/2050/", None),  # a number, not a date
        ("http://j.example/list?page=3", None),
    ],
)
def test_rules(url: str, rule: str | None) -> None:
    assert TrapRules(ScopeLimits(), this_year=2026).check(url) == rule


def test_pattern_budget_spares_patterns_that_keep_finding_articles() -> None:
    rules = TrapRules(ScopeLimits(pattern_budget=3), this_year=2026)
    for n in range(10):
        assert rules.check(f"http://j.example/news/{n}") is None
        rules.fetched(f"http://j.example/news/{n}", found_article=True)
    for n in range(3):
        assert rules.check(f"http://j.example/list?page={n}") is None
        rules.fetched(f"http://j.example/list?page={n}", found_article=False)
    assert rules.check("http://j.example/list?page=3") == "pattern_budget"
    assert rules.check("http://j.example/news/11") is None
    assert rules.cut == {"pattern_budget": 1}


def test_patterns_mask_numbers_and_tokens_not_words() -> None:
    assert url_pattern("http://j.example/list?page=17") == "j.example/list?page=N"
    assert url_pattern("http://j.example/s/a8f3c9d2e1b4f5a6c7d8/x") == "j.example/s/T/x"
    assert url_pattern("http://j.example/2024/05/port-of-algiers/") == "j.example/N/N/port-of-algiers/"


def test_unchanged_pages_do_not_spend_their_patterns_budget() -> None:
    """An update's 304s for known /news/N articles are no sign of a trap: new /news/N are still followed."""
    settings = {"JCRAWL_PATTERN_BUDGET": 3, "JCRAWL_ARCHIVE": ""}
    spider = JournalSpider.from_crawler(
        get_crawler(JournalSpider, settings), start_url="http://journal.example/"
    )
    for n in range(10):
        url = f"http://journal.example/news/{n}"
        request = ScrapyRequest(url, meta={"jcrawl_pattern_url": url})
        assert callback_output(spider.parse(HtmlResponse(url, status=304, request=request))) == []
    assert spider._follow("http://journal.example/news/99", None, 0) is not None


# --- calendars with the default settings: cut after tens of fetches, whichever way they step ---------
def agenda(request: Request) -> Response:
    """/agenda/?year=Y&month=M: a month, linking the month before and the month after."""
    year, month = int(request.args["year"]), int(request.args["month"])
    before = (year, month - 1) if month > 1 else (year - 1, 12)
    after = (year, month + 1) if month < 12 else (year + 1, 1)
    return page(*(f"/agenda/?year={y}&month={m}" for y, m in (before, after)), title="Agenda")


def day(request: Request) -> Response:
    """/day/YYYY-MM-DD/: a day, linking the day before and the day after."""
    today = datetime.strptime(request.path.split("/")[2], "%Y-%m-%d").replace(tzinfo=UTC)
    return page(*(f"/day/{d:%Y-%m-%d}/" for d in (today - timedelta(days=1), today + timedelta(days=1))))


def _date_of(path: str) -> str:
    """2020-06 for /agenda/?year=2020&month=6, 2020-06-15 for /day/2020-06-15/."""
    if path.startswith("/day/"):
        return path.split("/")[2]
    args = dict(parse_qsl(urlsplit(path).query))
    return f"{int(args['year']):04d}-{int(args['month']):02d}"


def test_calendars_are_cut_after_tens_of_fetches_in_both_directions(tmp_path: Path) -> None:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    try:
        server.no_handler_status_code = 404
        server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
        home = ["/agenda/?year=2020&month=6", "/day/2020-06-15/", "/story/0/"]
        server.expect_request("/").respond_with_response(page(*home, title="Home"))
        server.expect_request("/agenda/").respond_with_handler(agenda)
        server.expect_request(re.compile(r"^/day/[\d-]+/$")).respond_with_handler(day)
        server.expect_request(re.compile(r"^/story/\d+/$")).respond_with_handler(story)
        result = jcrawl("crawl", server.url_for("/"), archive=tmp_path, timeout=120)
        paths = [req.environ["REQUEST_URI"] for req, _ in server.log]
    finally:
        server.clear()
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    budget = ScopeLimits().pattern_budget
    for calendar_path, start in (("/agenda/", "2020-06"), ("/day/", "2020-06-15")):
        asked = [p for p in paths if p.startswith(calendar_path)]
        assert budget <= len(asked) <= budget + 20, (calendar_path, len(asked))  # tens, not a thousand
        dates = {_date_of(p) for p in asked}
        assert min(dates) < start < max(dates)  # it went both ways before it was cut
    assert re.search(r"links not followed as likely crawler traps \(.*pattern budget \d+", result.stdout)
    assert len([p for p in paths if p.startswith("/story/")]) == 5  # the articles are all there
