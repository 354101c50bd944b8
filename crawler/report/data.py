"""The numbers behind each picture of the report, read from an archive's store."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from crawler.serve.views import CANNED_QUERIES
from crawler.store import Store

TOP = 15  # bars in a "by ..." chart


@dataclass
class Figure:
    """One picture: its title, what it shows, the kind of chart, and its rows (label, value, ...)."""

    key: str
    title: str
    caption: str
    kind: str  # "timeline", "bars", "stacked" or "rate"
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    empty: str = "nothing yet"


def _rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in store.conn.execute(sql).fetchall()]


def _top(store: Store, column: str) -> list[tuple[Any, ...]]:
    return _rows(
        store,
        f"SELECT COALESCE({column}, '(none)'), COUNT(*) FROM catalogue "
        f"GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}",
    )


def figures(store: Store) -> list[Figure]:
    """Every figure of the report, in order: the archive's shape first, then how crawls went."""
    last_run = store.conn.execute(
        "SELECT id FROM crawls WHERE kind IN ('crawl', 'update') ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return [
        Figure(
            "per_day",
            "Articles per day",
            "Articles by day of publication.",
            "timeline",
            ("day", "articles"),
            _rows(
                store,
                "SELECT substr(published, 1, 10), COUNT(*) FROM catalogue "
                "WHERE published IS NOT NULL GROUP BY 1 ORDER BY 1",
            ),
        ),
        Figure(
            "per_month",
            "Articles per month",
            "Articles by month of publication.",
            "bars",
            ("month", "articles"),
            _rows(
                store, "SELECT month, COUNT(*) FROM catalogue WHERE month IS NOT NULL GROUP BY 1 ORDER BY 1"
            ),
        ),
        Figure(
            "by_section",
            "Articles by section",
            f"The {TOP} largest sections.",
            "bars",
            ("section", "articles"),
            _top(store, "section"),
        ),
        Figure(
            "by_agency",
            "Articles by agency",
            "Wire agencies credited ((none): the site's own).",
            "bars",
            ("agency", "articles"),
            _top(store, "agency"),
        ),
        Figure(
            "by_site",
            "Articles by site",
            "Where the articles were crawled from.",
            "bars",
            ("site", "articles"),
            _top(store, "site"),
        ),
        Figure(
            "by_status",
            "Responses by status",
            "Every capture by HTTP status (304: unchanged since the last fetch).",
            "bars",
            ("status", "captures"),
            _rows(
                store, "SELECT CAST(status AS TEXT), COUNT(*) FROM captures GROUP BY status ORDER BY 2 DESC"
            ),
        ),
        Figure(
            "errors",
            "Errors by kind",
            "Fetch errors recorded across all runs.",
            "bars",
            ("kind", "errors"),
            _rows(store, "SELECT kind, COUNT(*) FROM errors GROUP BY kind ORDER BY 2 DESC"),
            empty="no errors recorded",
        ),
        Figure(
            "runs",
            "New, changed and unchanged articles per run",
            "For each crawl or update: articles added, given a new version, seen again unchanged.",
            "stacked",
            ("run", "new", "changed", "unchanged"),
            _article_changes(store),
        ),
        Figure(
            "rate",
            "Crawl rate in the last run",
            "Pages captured per second over the last crawl or update.",
            "rate",
            ("seconds", "pages per second"),
            _rate(store, last_run[0]) if last_run else [],
        ),
        Figure(
            "most_linked",
            "Most-linked articles",
            "Articles other articles link to from their text or as related reading.",
            "bars",
            ("article", "linked from"),
            _rows(
                store,
                f"SELECT title, linked_from FROM ({CANNED_QUERIES['most_linked']['sql']}) LIMIT {TOP}",
            ),
        ),
    ]


def _article_changes(store: Store) -> list[tuple[Any, ...]]:
    runs = store.conn.execute(
        "SELECT id, kind, started_at FROM crawls WHERE kind IN ('crawl', 'update') ORDER BY id"
    ).fetchall()
    rows = []
    for crawl_id, kind, started in runs:
        changes = store.article_changes(crawl_id)
        label = f"#{crawl_id} {kind} {started[:16].replace('T', ' ')}"
        rows.append((label, changes["new"], changes["changed"], changes["unchanged"]))
    return rows


def _rate(store: Store, crawl_id: int, buckets: int = 60) -> list[tuple[Any, ...]]:
    """(seconds since the run's first capture, pages per second) over about `buckets` intervals."""
    times = [
        row[0]
        for row in store.conn.execute(
            "SELECT (julianday(fetched_at) - julianday(MIN(fetched_at) OVER ())) * 86400 FROM captures "
            "WHERE crawl_id = ? ORDER BY fetched_at",
            (crawl_id,),
        )
    ]
    if not times:
        return []
    width = max(times[-1] / buckets, 0.5)
    counts: dict[int, int] = {}
    for t in times:
        counts[int(t // width)] = counts.get(int(t // width), 0) + 1
    return [(round(i * width, 1), round(counts.get(i, 0) / width, 1)) for i in range(max(counts) + 1)]


def summary(store: Store) -> dict[str, Any]:
    """The headline numbers: articles, sites, captures, runs, the publication span, the last run."""
    (articles, sites, first, last) = store.conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT site), MIN(published), MAX(published) FROM catalogue"
    ).fetchone()
    last_run = store.conn.execute(
        "SELECT id, kind, start_url, started_at, finished_at, stats FROM crawls ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return {
        "articles": articles,
        "sites": sites,
        "first": first,
        "last": last,
        "captures": store.conn.execute("SELECT COUNT(*) FROM captures").fetchone()[0],
        "runs": store.conn.execute("SELECT COUNT(*) FROM crawls").fetchone()[0],
        "last_run": (
            dict(zip(("id", "kind", "start_url", "started_at", "finished_at"), last_run[:5], strict=True))
            | {"stats": json.loads(last_run[5] or "{}")}
            if last_run
            else None
        ),
    }
