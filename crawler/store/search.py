"""Full-text search over titles and bodies (FTS5), and plain-words explanations of bad queries."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

SEARCH_SYNTAX = (
    'words (all must match), "a phrase", title:word, word*, a OR b, a NOT b, NEAR(a b, 10); '
    'put text in double quotes to search for it literally, e.g. "covid-19"'
)


class QueryError(ValueError):
    """A search query the full-text index cannot parse; the message says what is wrong."""


def explain_query_error(query: str, message: str) -> str:
    """A person's explanation of SQLite's complaint `message` about FTS5 query `query`."""
    column = re.match(r"no such column: (.*)", message)
    near = re.match(r'fts5: syntax error near "(.*)"', message)
    if not query.strip():
        problem = "the query is empty"
    elif message == "unterminated string" or query.count('"') % 2:
        problem = 'a double quote is not closed (write "a phrase" with a quote at each end)'
    elif column:
        problem = (
            f"there is no field {column.group(1)!r} to search (fields: title, body); a word before a "
            "colon, or after a leading '-', names a field"
        )
    elif near and near.group(1) == "":
        problem = "the query ends too early (an unclosed parenthesis or NEAR(, or a trailing AND/OR/NOT?)"
    elif near:
        problem = f"it cannot be read at {near.group(1)!r}"
    elif message.startswith("unknown special query"):
        problem = "a lone '*' is not a query (put * after the start of a word: econom*)"
    else:
        problem = message
    return f"cannot search for {query!r}: {problem}. Queries: {SEARCH_SYNTAX}."


def search(conn: sqlite3.Connection, query: str, limit: int = 10) -> list[dict[str, Any]]:
    """Full-text search over titles and bodies, best match first, with a highlighted snippet.

    Each hit has id, url, title, published, authors (JSON), snippet and rank (bm25, lower is better).
    """
    sql = (
        "SELECT a.id, a.url, a.title, a.published, a.authors, "
        "snippet(articles_fts, -1, '[', ']', '…', 16) AS snippet, bm25(articles_fts, 10.0, 1.0) AS rank "
        "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?"
    )
    try:
        rows = conn.execute(sql, (query, limit)).fetchall()
    except sqlite3.OperationalError as exc:
        raise QueryError(explain_query_error(query, str(exc))) from None
    names = ("id", "url", "title", "published", "authors", "snippet", "rank")
    return [dict(zip(names, row, strict=True)) for row in rows]
