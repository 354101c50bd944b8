"""The retry policy's arithmetic, and the store's retries when another process holds the database."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from crawler.downloadermiddlewares.retry import retry_after_seconds, retry_delay
from crawler.extract import Article
from crawler.store import Batch, Store, article_row
from tests.helpers import query

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),  # already past: retry now
        ("Wed, 25 Nov 2026 12:00:30", 30.0),  # no zone: GMT, as HTTP dates are
        (None, None),
        ("", None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
    ],
)
def test_retry_after_header(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, now=NOW) == seconds


def test_retry_after_wins_within_the_cap_and_gives_up_beyond_it() -> None:
    assert retry_delay(1, 30.0, backoff=1.0, cap=60.0) == 30.0
    assert retry_delay(3, 0.0, backoff=1.0, cap=60.0) == 0.0
    assert retry_delay(1, 61.0, backoff=1.0, cap=60.0) is None


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    for attempt in (1, 2, 3, 4):
        delays = [retry_delay(attempt, None, backoff=1.0, cap=60.0) for _ in range(200)]
        nominal = 2 ** (attempt - 1)
        assert all(0.5 * nominal <= d <= 1.5 * nominal for d in delays)
        assert len(set(delays)) > 100  # jittered: failed requests do not come back in step
    assert retry_delay(20, None, backoff=1.0, cap=60.0) == 60.0


def test_a_write_waits_out_another_process_holding_the_lock(tmp_path: Path) -> None:
    """Another connection holds the write lock longer than busy_timeout: tenacity retries the batch."""
    store = Store(tmp_path)
    store.conn.execute("PRAGMA busy_timeout = 50")  # give up waiting quickly, so the retry is needed
    other = sqlite3.connect(tmp_path / "journal.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, other.execute, ("COMMIT",))
    release.start()
    batch = Batch()
    batch.articles.append(
        article_row(Article(url="http://j.example/a/", title="A"), None, "2026-01-01T00:00:00Z")
    )
    try:
        store.write(batch)
    finally:
        release.join()
        store.close()
        other.close()
    assert query(tmp_path, "SELECT title FROM articles") == [("A",)]


def test_other_database_errors_are_not_retried(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.conn.execute("DROP TABLE errors")
    batch = Batch()
    batch.errors.append({"url": "http://j.example/", "at": "2026-01-01T00:00:00Z", "kind": "http"})
    batch.articles.append(
        article_row(Article(url="http://j.example/b/", title="B"), None, "2026-01-01T00:00:00Z")
    )
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        store.write(batch)
    assert query(tmp_path, "SELECT COUNT(*) FROM articles") == [(0,)]  # the batch was rolled back whole
    store.close()
