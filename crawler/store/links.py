"""An article's links out and in, each with the archived article it points at or comes from (the
article page of `jcrawl serve`): integer joins over the stored rows."""

from __future__ import annotations

import sqlite3
from typing import Any

LINKS_OUT = (
    "SELECT l.kind, t.url, l.anchor_text, a.id, a.title FROM link_data l "
    "JOIN urls t ON t.id = l.target_id LEFT JOIN article_data a ON a.url_id = l.target_id "
    "WHERE l.source_id = (SELECT id FROM urls WHERE url = ?) ORDER BY t.url, l.kind, l.anchor_text"
)
LINKS_IN = (
    "SELECT l.kind, s.url, l.anchor_text, a.id, a.title FROM link_data l "
    "JOIN urls s ON s.id = l.source_id LEFT JOIN article_data a ON a.url_id = l.source_id "
    "WHERE l.target_id = (SELECT id FROM urls WHERE url = ?) ORDER BY a.published DESC"
)
NAMES = ("kind", "url", "anchor_text", "id", "title")


def links_out(conn: sqlite3.Connection, url: str) -> list[dict[str, Any]]:
    """The links of page `url`: kind, url (the target), anchor_text, and the id and title of the
    archived article it points at (None when it points elsewhere); in the order `Store.article` gives."""
    return [dict(zip(NAMES, row, strict=True)) for row in conn.execute(LINKS_OUT, (url,))]


def links_in(conn: sqlite3.Connection, url: str) -> list[dict[str, Any]]:
    """The links to page `url`: kind, url (the source), anchor_text, and the id and title of the
    archived article they are in (None for another page); newest article first."""
    return [dict(zip(NAMES, row, strict=True)) for row in conn.execute(LINKS_IN, (url,))]
