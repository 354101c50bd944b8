"""A page's links as the store writes them (crawler/store/writes.py): written again, a page's links
replace those it had; re-extracted pages replace theirs the same way; URLs are looked up however many
SQLite's limit on variables lets one statement name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.store import Batch, Store
from crawler.store.writes import url_ids

SITE = "http://journal.example"


def links_of(store: Store, source: str) -> list[tuple[str, str, str]]:
    return store.conn.execute(
        "SELECT target_url, kind, anchor_text FROM links WHERE source_url = ? ORDER BY 1", (source,)
    ).fetchall()


def page_links(source: str, *targets: str) -> Batch:
    links = [(source, f"{SITE}/{t}", "body", t.upper()) for t in targets]
    return Batch(links=links, link_sources={source})


def test_a_pages_links_replace_those_it_had_and_leave_other_pages_alone(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a, b = f"{SITE}/a", f"{SITE}/b"
    store.write(page_links(a, "x", "y"))
    store.write(page_links(b, "x"))
    store.write(page_links(a, "y", "z"))
    assert links_of(store, a) == [(f"{SITE}/y", "body", "Y"), (f"{SITE}/z", "body", "Z")]
    assert links_of(store, b) == [(f"{SITE}/x", "body", "X")]
    store.write(page_links(a))  # a page with no links left: none stored
    assert links_of(store, a) == []
    store.replace_extractions([], {b: [(b, f"{SITE}/w", "nav", "W")], f"{SITE}/never-stored": []})
    assert links_of(store, b) == [(f"{SITE}/w", "nav", "W")]
    store.close()


def test_urls_are_looked_up_in_as_many_statements_as_the_variable_limit_needs(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "urls.db")
    conn.execute("CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT UNIQUE)")
    urls = {f"{SITE}/{n}" for n in range(10)}
    conn.executemany("INSERT INTO urls (url) VALUES (?)", [(u,) for u in sorted(urls)])
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 3)
    ids = url_ids(conn, urls | {f"{SITE}/unknown"})
    assert ids == dict(conn.execute("SELECT url, id FROM urls"))
