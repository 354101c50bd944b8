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


class PackedTexts:
    """Texts being written, by their blob: the full-text index's trigger reads each
    article's body back through sqlar_uncompress as its row is written (crawler/store/search.py), and
    a connection registered with them (`register_functions`) gives a noted blob's text back without
    inflating it again. A blob is found by its last bytes (zlib's checksum of the text, and the end of
    its compressed stream) and then compared whole: hashing whole blobs cost half of what it saved."""

    KEY_BYTES = 16

    def __init__(self) -> None:
        self._texts: dict[bytes, tuple[bytes, bytes]] = {}

    def note(
        self, stored: tuple[Any, ...], body: str | None, body_html: str | None, lead: str | None
    ) -> None:
        """`stored`: what `pack` made of the three parts (where it was made: an extraction worker)."""
        blob, size = stored[0], stored[1]
        if type(blob) is bytes and len(blob) != size:  # compressed
            whole = b"".join(part for part in _encoded((body, body_html, lead)) if part)
            self._texts[blob[-self.KEY_BYTES :]] = (blob, whole)

    def clear(self) -> None:
        """Forget the texts noted (written: their rows are indexed)."""
        self._texts.clear()

    def uncompress(self, data: Any, size: int | None) -> Any:
        """sqlar_uncompress, the text of a noted blob taken as noted."""
        noted = self._texts.get(data[-self.KEY_BYTES :]) if type(data) is bytes else None
        return noted[1] if noted is not None and noted[0] == data else sqlar_uncompress(data, size)


def register_functions(conn: sqlite3.Connection, packed: PackedTexts | None = None) -> None:
    """Give `conn` the functions the `articles` view reads the text with (the `sqlite3` shell has
    them built in; Python's sqlite3 module, Datasette and other programs need them registered).
    `packed`: texts being written, which `conn` reads back as noted (see PackedTexts)."""
    conn.create_function("sqlar_compress", 1, sqlar_compress, deterministic=True)
    uncompress = sqlar_uncompress if packed is None else packed.uncompress
    conn.create_function("sqlar_uncompress", 2, uncompress, deterministic=True)


def pack(body: str | None, body_html: str | None, lead: str | None) -> tuple[Any, ...]:
    """(text, text_size, body_size, html_size, lead_size): the stored columns of an article's text."""
    parts = _encoded((body, body_html, lead))
    whole = b"".join(part for part in parts if part)
    return (
        sqlar_compress(whole, TEXT_LEVEL),
        len(whole),
        *(None if part is None else len(part) for part in parts),
    )


def _encoded(parts: tuple[str | None, ...]) -> list[bytes | None]:
    return [None if value is None else value.encode("utf-8") for value in parts]


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
