"""The researcher's front in a real browser: `jcrawl serve` on an archive crawled from the demo journal,
and `jcrawl report`, driven with Debian's Chromium (headless, through Playwright; no browser is
downloaded). Screenshots go to the test's output folder."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from crawler.demo.server import DemoServer, start_demo_site
from tests.helpers import free_port, jcrawl, listening, query, start_jcrawl

CHROMIUM = Path("/usr/bin/chromium")
# Chromium as root, offline, with nothing of its own to fetch or sync.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
sync_api = pytest.importorskip("playwright.sync_api")


EDITED = ("Finance Minister", "Finance Minister and deputy prime minister")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo journal, served for the module."""
    with start_demo_site(tmp_path_factory.mktemp("demo-site")) as server:
        yield server


@pytest.fixture(scope="module")
def archive(site: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo journal crawled, one story edited, then updated (the report has a run of each kind,
    the article page a version to compare)."""
    directory = tmp_path_factory.mktemp("front-archive")
    crawled = jcrawl("crawl", site.url, archive=directory)
    assert crawled.returncode in (0, 1), crawled.stderr[-2000:]
    story = next(
        page
        for page in site.directory.glob("20*/*/*/index.html")
        if EDITED[0] in page.read_text(encoding="utf-8")
    )
    story.write_text(story.read_text(encoding="utf-8").replace(*EDITED, 1), encoding="utf-8")
    updated = jcrawl("update", "--all", "--quiet", archive=directory)
    assert updated.returncode in (0, 1), updated.stderr[-2000:]
    assert " 1 changed" in updated.stdout, updated.stdout
    return directory


@pytest.fixture(scope="module")
def server(archive: Path) -> Iterator[str]:
    """`jcrawl serve` on the archive; its base URL."""
    port = free_port()
    with listening(start_jcrawl("serve", "--archive", archive, "--port", str(port)), port) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh tab that collects console errors and uncaught exceptions in `page.problems`."""
    tab = browser.new_page()
    tab.problems = []
    tab.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    yield tab
    tab.close()


def screenshot(page: object, path: Path, height: int = 1600) -> None:
    """The top of the page, up to `height` pixels tall (what the README shows)."""
    full = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(
        path=path, full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": min(full, height)}
    )


def articles_containing(archive: Path, word: str) -> set[int]:
    """Ids of the articles whose title or body holds `word` (as Python reads the text)."""
    rows = query(archive, "SELECT id, title, body FROM articles")
    return {i for i, title, body in rows if re.search(rf"\b{word}\b", f"{title}\n{body}", re.I)}


def hit_ids(page: object) -> list[int]:
    return [int(cell.inner_text()) for cell in page.locator("table.rows-and-columns td.col-id").all()]


def test_search_shows_ranked_hits_with_snippets_and_finds_thies_only_where_it_is(
    server: str, archive: Path, page: object, tmp_path: Path
) -> None:
    page.goto(f"{server}/journal/search")
    page.fill("input[name=q]", "Thiès")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_selector("table.rows-and-columns")
    screenshot(page, tmp_path / "search.png")
    found = hit_ids(page)
    expected = articles_containing(archive, "Thiès")
    assert expected and set(found) == expected
    assert not articles_containing(archive, "this") <= set(found)  # "this" is another word
    snippets = page.locator("td.col-snippet").all()
    assert len(snippets) == len(found)
    for snippet in snippets:  # the word is marked in each
        marks = snippet.locator("mark").all_inner_texts()
        assert marks and {m.lower() for m in marks} == {"thiès"}
    # best match first: the order of the index's ranking (bm25, the title weighing 10 times the body)
    ranks = [
        row[0]
        for row in query(
            archive, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'thiès' ORDER BY rank"
        )
    ]
    assert found == ranks
    # without the accent, the same articles
    page.goto(f"{server}/journal/search?q=Thies")
    assert set(hit_ids(page)) == expected
    assert page.problems == []


def test_an_article_page_shows_its_text_rendered(
    server: str, archive: Path, page: object, tmp_path: Path
) -> None:
    page.goto(f"{server}/journal/search?q={quote('phosphate')}")
    title = page.locator("td.col-title a").first
    heading = title.inner_text()
    title.click()
    page.wait_for_selector(".jcrawl-body")
    screenshot(page, tmp_path / "article.png")
    assert page.locator("h1").inner_text() == heading
    body = page.locator(".jcrawl-body")
    assert body.locator("p").count() >= 2
    text = body.inner_text()
    ((stored,),) = query(archive, "SELECT body FROM articles WHERE title = ?", (heading,))
    assert stored.split("\n\n")[0] in text
    assert not re.search(r"</?(p|div|span|a|h\d)\b", text)  # no raw tags
    assert body.locator("script").count() == 0
    assert page.locator("text=Download the WARC record").count() == 1
    assert page.locator(".jcrawl-versions tr").count() >= 2  # header + the current version
    assert page.problems == []


def test_an_edited_article_shows_what_changed(
    server: str, archive: Path, page: object, tmp_path: Path
) -> None:
    page.goto(f"{server}/journal/edited_articles")
    page.locator("td.col-title a").first.click()
    page.wait_for_selector(".jcrawl-diff")
    screenshot(page, tmp_path / "versions.png", 5000)
    assert page.locator(".jcrawl-versions tr").count() == 3  # header, version 1, version 2 (current)
    assert page.locator(".jcrawl-diff ins").all_inner_texts() == ["and deputy prime minister"]
    assert page.problems == []


def test_facets_by_section_and_by_month(server: str, page: object, tmp_path: Path) -> None:
    page.goto(f"{server}/journal/catalogue")
    screenshot(page, tmp_path / "catalogue.png")
    for facet in ("section", "month"):
        page.goto(f"{server}/journal/catalogue")
        choice = page.locator(f'.facet-info[data-column="{facet}"] li a').first
        label = choice.inner_text()
        expected = int(page.locator(f'.facet-info[data-column="{facet}"] li').first.inner_text().split()[-1])
        choice.click()
        page.wait_for_url(re.compile(rf"{facet}="))
        cells = page.locator(f"table.rows-and-columns td.col-{facet}").all_inner_texts()
        assert cells and set(cells) == {label}
        assert len(cells) == min(expected, 50)
        assert page.locator("h3").first.inner_text().startswith(f"{expected} row")
    screenshot(page, tmp_path / "facet.png", 900)
    assert page.problems == []


def test_the_report_draws_every_chart_offline(archive: Path, page: object, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = jcrawl("report", "--output", report, archive=archive)
    assert result.returncode == 0, result.stderr
    html = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing to fetch
    page.route(
        "**/*",
        lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_(),
    )
    page.goto(report.as_uri())
    screenshot(page, tmp_path / "report.png", 2400)
    figures = page.locator("figure").all()
    assert len(figures) == 10
    for figure in figures:
        name = figure.get_attribute("id")
        svg = figure.locator("svg")
        assert svg.count() == 1, name
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, name
        marks = svg.locator("g[id^=patch] path, g[id^=line2d] path, g[id^=PolyCollection] path").count()
        assert marks >= 2, f"{name}: {marks} marks"  # the axes' background and at least one bar or line
        assert figure.locator("table tr").count() >= 2, name
    assert page.problems == []


def test_csv_and_json_of_the_catalogue_and_of_a_search(server: str, archive: Path) -> None:
    with urllib.request.urlopen(f"{server}/journal/catalogue.csv?_size=max") as response:
        rows = list(csv.DictReader(io.TextIOWrapper(response, encoding="utf-8")))
    ((articles,),) = query(archive, "SELECT COUNT(*) FROM articles")
    assert len(rows) == articles and {"title", "published", "authors", "section", "site"} <= set(rows[0])
    with urllib.request.urlopen(
        f"{server}/journal/search.json?q=COVID-19+OR+Thi%C3%A8s&_shape=array"
    ) as response:
        hits = json.load(response)
    assert {hit["id"] for hit in hits} == articles_containing(archive, "Thiès")
    assert all("<mark>" in hit["snippet"] for hit in hits)


def test_it_keeps_serving_while_an_update_writes(server: str, archive: Path) -> None:
    update = start_jcrawl("update", "--all", "--archive", archive)
    statuses = []
    try:
        while update.poll() is None and len(statuses) < 500:
            for path in (
                "/journal/catalogue.json?_size=5",
                "/-/article/1",
                "/journal/search.json?q=phosphate",
            ):
                with urllib.request.urlopen(server + path) as response:
                    statuses.append(response.status)
    finally:
        update.communicate(timeout=300)
    assert update.returncode in (0, 1)
    assert statuses and set(statuses) == {200}
