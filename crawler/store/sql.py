"""Small helpers over SQLite: a table's columns, a script's statements one by one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The names of `table`'s columns."""
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def statements(script: str) -> Iterator[str]:
    """The SQL statements of `script`, one by one (a trigger's body keeps its semicolons)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def parameters(count: int) -> str:
    """ "(?, ?, ...)": `count` parameters of a statement."""
    return f"({', '.join('?' * count)})"


def insert_rows(
    conn: sqlite3.Connection, head: str, rows: Sequence[Sequence[Any]], tail: str = "", chunk: int = 16
) -> None:
    """Run `head` + "VALUES (?, ...)" + `tail` (an INSERT, or an upsert) for each of `rows`, in order:
    `chunk` rows to a statement, then the rest one by one. Each run of a statement costs about what
    writing a small row does (binding, opening the table's and indexes' cursors); one SQL text a
    chunk, whatever the batch, is prepared once."""
    if not rows:
        return
    one = parameters(len(rows[0]))
    whole = len(rows) - len(rows) % chunk
    if whole:
        chunks = [
            [value for row in rows[start : start + chunk] for value in row]
            for start in range(0, whole, chunk)
        ]
        conn.executemany(f"{head} VALUES {', '.join([one] * chunk)}{tail}", chunks)
    conn.executemany(f"{head} VALUES {one}{tail}", rows[whole:])


def select_in(conn: sqlite3.Connection, head: str, values: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of `head` + "(?, ?, ...)" over `values`, in as few statements as SQLite's limit on
    variables allows."""
    most = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    for start in range(0, len(values), most):
        chunk = values[start : start + most]
        yield from conn.execute(head + parameters(len(chunk)), chunk)
