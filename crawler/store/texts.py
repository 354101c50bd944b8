"""An article's text, stored once and compressed: body, body_html and lead in one zlib blob.

The three hold nearly the same words (body_html is body with markup, lead is usually its first
paragraph), so one compressed blob of the three is far smaller than the three stored apart
(`bench/store.py` prints the database's size against the WARC bytes). The blob
is in the format of the `sqlar` functions the `sqlite3` shell has built in: `sqlar_uncompress(data,
size)` gives the bytes back (zlib, or the bytes as they are when compressing did not make them
smaller). The `articles` view reads the columns back with it, so `sqlite3 journal.db` reads them
as before; any other connection registers the two functions first (`register_functions`).

Stored columns of `article_data`: text (the blob), text_size (its uncompressed bytes), and the byte
sizes of body, body_html and lead in it, in that order (NULL for a NULL column).
"""

from __future__ import annotations

import sqlite3
import zlib
from typing import Any

PARTS = ("body", "body_html", "lead")
SIZE_COLUMNS = ("body_size", "html_size", "lead_size")
STORED_COLUMNS = ("text", "text_size", *SIZE_COLUMNS)
# zlib level of an article's text: level 1 takes about 0.7 of the default level's (6) CPU for 5% more
# compressed bytes (about 1% more database), and any level reads back the same.
TEXT_LEVEL = 1


def sqlar_compress(data: Any, level: int = zlib.Z_DEFAULT_COMPRESSION) -> Any:
    """The sqlite3 shell's sqlar_compress: a BLOB zlib-compressed (at `level`) when that makes it
    smaller."""
    if not isinstance(data, bytes):
        return data
    packed = zlib.compress(data, level)
    return packed if len(packed) < len(data) else data


def sqlar_uncompress(data: Any, size: int | None) -> Any:
    """The sqlite3 shell's sqlar_uncompress: `data` as it is when `size` is its length (stored
    uncompressed) or not positive, else inflated."""
    if data is None or not size or size <= 0 or len(data) == size:
        return data
    return zlib.decompress(data)


def register_functions(conn: sqlite3.Connection) -> None:
    """Give `conn` the functions the `articles` view reads the text with (the `sqlite3` shell has
    them built in; Python's sqlite3 module, Datasette and other programs need them registered)."""
    conn.create_function("sqlar_compress", 1, sqlar_compress, deterministic=True)
    conn.create_function("sqlar_uncompress", 2, sqlar_uncompress, deterministic=True)


def pack(body: str | None, body_html: str | None, lead: str | None) -> tuple[Any, ...]:
    """(text, text_size, body_size, html_size, lead_size): the stored columns of an article's text."""
    parts = [None if value is None else value.encode("utf-8") for value in (body, body_html, lead)]
    whole = b"".join(part for part in parts if part)
    return (
        sqlar_compress(whole, TEXT_LEVEL),
        len(whole),
        *(None if part is None else len(part) for part in parts),
    )


def text_sql(part: str, row: str = "") -> str:
    """SQL reading `part` (body, body_html or lead) from the stored columns of `row` (a table alias
    with its dot, e.g. "a.", or "new." in a trigger)."""
    index = PARTS.index(part)
    size = f"{row}{SIZE_COLUMNS[index]}"
    start = " + ".join(["1", *(f"COALESCE({row}{c}, 0)" for c in SIZE_COLUMNS[:index])])
    whole = f"sqlar_uncompress({row}text, {row}text_size)"
    # substr() of an empty BLOB is NULL: an empty part is ''
    part = f"CAST(substr({whole}, {start}, {size}) AS TEXT)"
    return f"CASE WHEN {size} > 0 THEN {part} WHEN {size} = 0 THEN '' END"
