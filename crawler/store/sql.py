"""Small helpers over SQLite: a table's columns, a script's statements one by one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator


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
