"""How the store writes a batch (crawler/store/writes.py): rows inserted a chunk to a statement are
those inserted one by one; each batch gives its new URLs ids in their sorted order; an article seen
again moves its last sighting, and a new one keeps its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.extract import Article
from crawler.store import Batch, Store
from crawler.store.sql import insert_rows

SITE = "http://journal.example"
TABLE = "CREATE TABLE t (id INTEGER PRIMARY KEY, key TEXT UNIQUE, n INTEGER)"
UPSERT = " ON CONFLICT(key) DO UPDATE SET n = n + excluded.n"


def test_rows_inserted_a_chunk_to_a_statement_are_those_inserted_one_by_one() -> None:
    rows = [(f"k{i % 23}", i) for i in range(50)]  # 50 rows: three chunks of 16 and two alone
    chunked, one_by_one = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    for conn in (chunked, one_by_one):
        conn.execute(TABLE)
    insert_rows(chunked, "INSERT INTO t (key, n)", rows, UPSERT)
    one_by_one.executemany("INSERT INTO t (key, n) VALUES (?, ?)" + UPSERT, rows)
    table = "SELECT * FROM t ORDER BY id"
    assert chunked.execute(table).fetchall() == one_by_one.execute(table).fetchall()
    insert_rows(chunked, "INSERT INTO t (key, n)", [])  # nothing to write


def page(source: str, *targets: str) -> Batch:
    links = [(f"{SITE}/{source}", f"{SITE}/{t}", "body", t) for t in targets]
    return Batch(links=links, link_sources={f"{SITE}/{source}"})


def test_each_batch_gives_its_new_urls_ids_in_sorted_order(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for batch in (page("a", "x", "y"), page("b", "x"), page("a", "y", "z"), page("c", "b", "x", "y")):
        store.write(batch)
    names = ["a", "x", "y", "b", "z", "c"]
    assert store.conn.execute("SELECT url, id FROM urls ORDER BY id").fetchall() == [
        (f"{SITE}/{name}", n) for n, name in enumerate(names, 1)
    ]
    links = "SELECT source_url, target_url FROM links ORDER BY 1, 2"
    assert [(s[-1], t[-1]) for s, t in store.conn.execute(links)] == [
        ("a", "y"),
        ("a", "z"),
        ("b", "x"),
        ("c", "b"),
        ("c", "x"),
        ("c", "y"),
    ]
    store.close()


def article(n: int, body: str) -> Article:
    return Article(url=f"{SITE}/{n}/", is_article=True, title=f"Title {n}", body=body, body_html=body)


def test_an_article_seen_again_moves_its_last_sighting_and_a_new_one_keeps_its_own(tmp_path: Path) -> None:
    store = Store(tmp_path)
    first = Batch()
    first.add_page(article(1, "One."), None, "2026-01-01T00:00:00Z")
    store.write(first)
    again = Batch()
    again.add_page(article(1, "One."), None, "2026-01-03T00:00:00Z")  # unchanged
    again.add_page(article(2, "Two."), None, "2026-01-02T00:00:00Z")  # new
    again.add_page(article(2, "Two, edited."), None, "2026-01-04T00:00:00Z")  # changed within the batch
    again.seen.append((f"{SITE}/1/", "2026-01-05T00:00:00Z"))  # unchanged (a 304)
    again.seen.append((f"{SITE}/never-stored/", "2026-01-05T00:00:00Z"))
    store.write(again)
    rows = store.conn.execute("SELECT url, first_seen, last_seen, body FROM articles ORDER BY id").fetchall()
    assert rows == [
        (f"{SITE}/1/", "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z", "One."),
        (f"{SITE}/2/", "2026-01-02T00:00:00Z", "2026-01-04T00:00:00Z", "Two, edited."),
    ]
    versions = store.conn.execute("SELECT version, seen_at, body FROM article_versions").fetchall()
    assert versions == [(1, "2026-01-02T00:00:00Z", "Two.")]
    store.close()
