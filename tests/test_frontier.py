"""The crawl's frontier: the backend contract (every backend passes the same tests), and a crawl that
holds only a few requests and fingerprints in memory storing what a crawl holding them all stores."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer, start_demo_site
from crawler.frontier.backend import FrontierBackend, FrontierEntry, MemoryFrontier
from crawler.frontier.sqlite import SqliteFrontier
from crawler.policy.seen import SeenSet
from crawler.store import Batch, Store
from tests.helpers import jcrawl, query


def sqlite_frontier(archive: Path) -> SqliteFrontier:
    store = Store(archive)
    crawl_id = store.begin_crawl("http://journal.example/")
    store.close()
    return SqliteFrontier(archive, crawl_id, buffer=3)


BACKENDS: dict[str, Callable[[Path], FrontierBackend]] = {
    "memory": lambda _archive: MemoryFrontier(),
    "sqlite": sqlite_frontier,
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FrontierBackend]:
    frontier = BACKENDS[request.param](tmp_path)
    frontier.open()
    yield frontier
    frontier.close()


def entry(url: str, priority: int = 0) -> FrontierEntry:
    return FrontierEntry(f"http://journal.example/{url}", priority, 1, False, url.encode())


def test_each_url_is_pushed_once_and_then_seen(backend: FrontierBackend) -> None:
    assert backend.push([entry("a"), entry("b"), entry("a")], claim=False) == [True, True, False]
    assert backend.push([entry("b", 5)], claim=True) == [False]
    assert backend.seen("http://journal.example/a") and not backend.seen("http://journal.example/c")
    backend.mark(["http://journal.example/c"])
    assert backend.seen("http://journal.example/c")
    assert backend.push([entry("c")], claim=False) == [False]  # set aside: never requested


def test_a_page_stored_from_outside_the_frontier_is_seen_once_acknowledged(tmp_path: Path) -> None:
    """A start URL or a redirect's target gets its frontier row from the store pipeline (Batch.done),
    not from a push: the frontier, which answers most new URLs from memory, learns it from `ack`."""
    frontier = sqlite_frontier(tmp_path)
    frontier.open()
    start = "http://journal.example/start"
    assert not frontier.seen(start)
    store = Store(tmp_path)
    store.write(Batch(done=[(frontier.crawl_id, start)]))
    store.close()
    frontier.ack([start])
    assert frontier.seen(start) and frontier.push([entry("start")], claim=False) == [False]
    frontier.close()


def test_waiting_entries_come_back_best_first_newest_first_and_once(backend: FrontierBackend) -> None:
    backend.push([entry("old"), entry("top", 2), entry("new"), entry("mid", 1)], claim=False)
    backend.push([entry("held", 9)], claim=True)  # the caller keeps it: never handed out
    assert backend.waiting() == {0: 2, 1: 1, 2: 1}
    popped = backend.pop(3)
    assert [e.url.rsplit("/", 1)[1] for e in popped] == ["top", "mid", "new"]
    assert popped[0] == entry("top", 2)  # with its serialised request
    assert [e.url.rsplit("/", 1)[1] for e in backend.pop(5)] == ["old"]
    assert backend.pop(5) == [] and not backend.waiting()


def test_a_resumed_frontier_hands_out_again_what_a_dead_run_claimed_and_not_what_it_finished(
    tmp_path: Path,
) -> None:
    first = sqlite_frontier(tmp_path)
    first.open()
    first.push([entry("kept", 3)], claim=True)
    first.push([entry("a"), entry("b"), entry("c")], claim=False)
    assert len(first.pop(2)) == 2
    first.flush()
    # The store marks a page done with its rows (crawler/pipelines.py); then the process dies.
    store = Store(tmp_path)
    with store.transaction() as conn:
        conn.execute("UPDATE frontier SET done = 1 WHERE url = ?", ("http://journal.example/c",))
    store.close()
    again = SqliteFrontier(tmp_path, first.crawl_id)
    again.open()
    assert again.resumed and again.seen("http://journal.example/c")
    assert sorted(e.url.rsplit("/", 1)[1] for e in again.pop(10)) == ["a", "b", "kept"]
    again.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with start_demo_site(tmp_path_factory.mktemp("demo-site")) as server:
        yield server


def test_a_crawl_holding_few_requests_in_memory_stores_the_same_articles(
    site: DemoServer, tmp_path: Path
) -> None:
    archives = {}
    for name, settings in {
        "roomy": [],
        "tight": ["JCRAWL_SCHEDULER_MEMORY=3", "JCRAWL_SEEN_MEMORY=8"],
    }.items():
        archives[name] = tmp_path / name
        options = [f"--set={s}" for s in settings]
        result = jcrawl("crawl", site.url, "--quiet", *options, archive=archives[name])
        assert result.returncode == 0, result.stderr[-3000:]
    (stats,) = query(archives["tight"], "SELECT stats FROM crawls")[0]
    assert json.loads(stats)["scheduler/dequeued/disk"] > 30  # most requests waited in the database
    for sql in (
        "SELECT url, title, body FROM articles ORDER BY url",
        "SELECT source_url, target_url, kind FROM links ORDER BY 1, 2, 3",
    ):
        assert query(archives["tight"], sql) == query(archives["roomy"], sql)
    # each URL fetched once (robots.txt: by Scrapy's robots middleware and the spider, for its sitemaps),
    # and the finished crawl's frontier is gone
    twice = "SELECT url FROM captures WHERE url NOT LIKE '%/robots.txt' GROUP BY url HAVING COUNT(*) > 1"
    assert query(archives["tight"], twice) == []
    assert query(archives["tight"], "SELECT COUNT(*) FROM frontier") == [(0,)]
    # ... and so are its pages: journal.db holds only what it stores
    assert query(archives["tight"], "PRAGMA freelist_count") == [(0,)]


def test_a_pages_links_are_sorted_out_as_the_seen_set_answers_each(tmp_path: Path) -> None:
    """`unseen` answers for a page's links what `in` answers for each: from memory (both generations)
    and, once memory has forgotten, from the frontier."""
    backend = MemoryFrontier()
    seen = SeenSet(4, lambda: backend)
    urls = [f"http://journal.example/{n}" for n in range(6)]
    for url in urls[:4]:
        seen.add(url)  # the first two have moved to the older generation, then been dropped
        backend.mark([url])
    links = [None, urls[0], urls[3], urls[5], urls[3]]
    assert seen.unseen(links) == [url is not None and url not in seen for url in links]
    assert seen.unseen(links) == [False, False, False, True, False]


def test_sorting_out_a_pages_links_leaves_memory_as_asking_each_would() -> None:
    """A link found in the older generation moves to the newer one, which may then fill and become
    the older: the links after it are read from the generations as they are by then, so that memory
    keeps (and later forgets) the same URLs as with `in` asked of each."""
    urls = [f"http://journal.example/{n}" for n in range(4)]
    by_call, by_link = SeenSet(4), SeenSet(4)
    for seen in (by_call, by_link):
        for url in urls[:3]:  # the first two fill the newer generation, which becomes the older one
            seen.add(url)
    links = [urls[0], urls[2], urls[3]]  # the first moves up and fills the newer generation again
    assert by_call.unseen(links) == [url not in by_link for url in links] == [False, False, True]
    assert (by_call.recent, by_call.older) == (by_link.recent, by_link.older)
