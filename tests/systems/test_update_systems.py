"""`jcrawl update` on stock WordPress, which sends no ETag, no Last-Modified and no sitemap lastmod.

Its own copy of the sites (they are edited). Before the first crawl two posts are published three
hours ago (due at every run, by the default recheck policy). Then, through WordPress's API: the first
fresh post and an old post are edited, the second fresh post and an old post only get comments, and
new posts are published, some of them quoting the line a few of the site's articles quote. The
update must add exactly the new posts, version exactly the edited post that was due (the old one is
not due: `--all` finds it), version nothing for comments, and learn nothing from the quotation,
however much of its own sample quotes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.urls import normalize_url
from tests.helpers import jcrawl, query
from tests.systems.corpus import QUOTATION, corpus
from tests.systems.wordpress import CORPUS_SEED, WordPress, WordPressSite, serve_wordpress

HOURS = 3600
FRESH_EDITED, FRESH_COMMENTED = 1000, 1001
OLD_EDITED, OLD_COMMENTED = 5, 7
NEW = (2000, 2001, 2002, 2003, 2004, 2005, 2006)


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    with serve_wordpress(tmp_path_factory.mktemp("wordpress-update")) as served:
        yield served


def _post(serial: int, hours_ago: float, quote: bool = False) -> dict:
    """A corpus-like post (the corpus's first post, re-titled), published `hours_ago`."""
    template = corpus(CORPUS_SEED)["posts"][0]
    blocks = [
        {"type": "p", "text": f"Post {serial}: " + b["text"]} for b in template["blocks"] if b["type"] == "p"
    ]
    if quote:
        blocks.insert(1, {"type": "quote", "text": QUOTATION[0], "cite": QUOTATION[1]})
    return template | {
        "serial": serial,
        "title": f"Harbour works resume after the storm {serial}",
        "blocks": blocks,
        "seconds_ago": int(hours_ago * HOURS),
        "modified_after_hours": None,
        "comments": [],
        "sticky": False,
        "link_to": None,
        "image": False,
    }


def _comments(n: int) -> list[dict]:
    return [
        {"author": "Reader", "text": f"A reader's comment number {i}.", "parent": None, "after_hours": 0.1}
        for i in range(n)
    ]


def _articles(archive: Path) -> dict[str, str]:
    return dict(query(archive, "SELECT url, content_hash FROM articles"))


def _versioned(archive: Path) -> set[str]:
    rows = query(
        archive, "SELECT DISTINCT a.url FROM article_versions v JOIN articles a ON a.id = v.article_id"
    )
    return {url for (url,) in rows}


@pytest.mark.parametrize("name", ["classic", "block"])
def test_an_update_finds_the_new_posts_and_the_due_edits_and_nothing_else(
    name: str, wordpress: WordPress, tmp_path: Path
) -> None:
    site: WordPressSite = wordpress.sites[name]
    site.apply({"new_posts": [_post(FRESH_EDITED, 3), _post(FRESH_COMMENTED, 3.5)]})
    archive = tmp_path / "archive"
    first = jcrawl("crawl", site.url, archive=archive)
    assert first.returncode == 0, first.stderr[-3000:]
    before = _articles(archive)

    truth = site.apply(
        {
            "edit": [
                {"serial": FRESH_EDITED, "append": "Update: the harbour master confirmed the date."},
                {"serial": OLD_EDITED, "title": "A corrected headline for an old story"},
            ],
            "comments": [
                {"serial": FRESH_COMMENTED, "comments": _comments(12)},  # several comment pages now
                {"serial": OLD_COMMENTED, "comments": _comments(3)},
            ],
            "new_posts": [_post(serial, 0.5, quote=True) for serial in NEW],
        }
    )
    by_serial = {p["serial"]: normalize_url(p["permalink"]) for p in truth["posts"]}
    update = jcrawl("update", archive=archive)
    assert update.returncode == 0, update.stderr[-3000:]
    after = _articles(archive)

    assert set(after) - set(before) == {by_serial[s] for s in NEW}
    assert _versioned(archive) == {by_serial[FRESH_EDITED]}
    assert after[by_serial[FRESH_COMMENTED]] == before[by_serial[FRESH_COMMENTED]]

    # The quotation was in most of the update's new articles, and in 5% of the site's: it stays in all.
    quoting = {
        by_serial[p["serial"]]
        for p in truth["posts"]
        if any(b.get("cite") == QUOTATION[1] for b in p["blocks"])
    }
    bodies = dict(query(archive, "SELECT url, body FROM articles"))
    assert len(quoting) >= len(NEW) + 3
    assert all(QUOTATION[0] in bodies[url] for url in quoting)

    # --all fetches every known page now: the old edit is found too; comments still make no version.
    everything = jcrawl("update", "--all", archive=archive)
    assert everything.returncode == 0, everything.stderr[-3000:]
    assert _versioned(archive) == {by_serial[FRESH_EDITED], by_serial[OLD_EDITED]}
