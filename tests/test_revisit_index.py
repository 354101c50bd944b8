"""The revisit index of a first crawl answers from memory, and asks the store once memory is not whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive.revisit import IDENTICAL_PAYLOAD_DIGEST, RevisitIndex
from crawler.store import Store
from crawler.store.rows import Batch

DIGEST = "sha1:AAAA"
NEW = "http://site.example/new"  # a URL never captured


def _capture(n: int) -> dict[str, Any]:
    return {
        "id": n,
        "url": f"http://site.example/{n}",
        "fetched_at": f"2026-01-0{n}T00:00:00Z",
        "status": 200,
        "warc_file": "a.warc.gz",
        "warc_offset": n * 1000,
        "warc_length": 900,
        "payload_digest": DIGEST,
        "record_id": f"<urn:uuid:{n}>",
    }


def _statements(store: Store, call: Callable[[], object]) -> list[str]:
    """The SQL statements `call` runs on `store`'s connection."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        store.conn.set_trace_callback(None)
    return statements


def test_a_store_without_full_captures_is_not_asked_until_memory_forgets_one(tmp_path: Path) -> None:
    store = Store(tmp_path / "archive")
    try:
        index = RevisitIndex(store, recent=2)
        assert index.complete
        first = _capture(1)
        store.write(Batch(captures=[first]))  # as the pipeline writes it, after the index has it
        index.remember(first)
        index.remember(_capture(2))
        assert index.complete
        match = index.match(first["url"], 200, DIGEST)
        assert match is not None and match[0] == IDENTICAL_PAYLOAD_DIGEST
        assert _statements(store, lambda: index.original(NEW)) == []  # a new URL: memory says so
        index.remember(_capture(3))  # memory is full: the first is forgotten, the store has it
        assert not index.complete
        original = index.original(first["url"])
        assert original is not None and original.record_id == first["record_id"]
        assert len(_statements(store, lambda: index.original(NEW))) == 1
        assert RevisitIndex(store).complete is False  # the next run starts from a store with captures
    finally:
        store.close()


def test_a_response_cut_short_leaves_the_answers_to_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "archive")
    try:
        index = RevisitIndex(store)
        cut = _capture(1)
        index.remember(cut, whole=False)
        assert index.original(cut["url"]) is None  # not in memory, nor yet in the store
        assert not index.complete
        store.write(Batch(captures=[cut]))
        assert index.original(cut["url"]) is not None  # the store counts it, as it always did
    finally:
        store.close()
