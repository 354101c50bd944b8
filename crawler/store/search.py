"""Full-text search over titles and bodies (FTS5): the one index configuration, the reading of a
person's query, ranked hits with snippets, and plain-words explanations of bad queries.

The index is the same for `jcrawl search`, `jcrawl serve` (Datasette) and anyone with `sqlite3`:
- `unicode61 remove_diacritics 2`, no stemmer: "Thiès" and "Thies" are one word, "this" another
  (an English stemmer made them one); French and Arabic words are matched as written.
- Arabic short vowels (harakat) and the tatweel are left out of the indexed text (`articles_fts_text`,
  a view over the stored articles), so a vocalised word is found by its unvocalised spelling instead
  of falling apart into letters (unicode61 reads combining marks as separators).
- Ranking: bm25 with the title weighing 10 times the body, stored as the index's `rank`, so
  `ORDER BY rank` is the same ranking everywhere.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from crawler.store.sql import parameters
from crawler.store.texts import text_sql

TOKENIZE = "unicode61 remove_diacritics 2"
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
# Arabic harakat (fathatan .. sukun, and the marks after them), superscript alef, tatweel.
ARABIC_MARKS = [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640"]
SEARCH_SYNTAX = (
    'words (all must match; covid-19, U.S. and al-Sarraj as written), "a phrase", -word (leave out), '
    "title:word, word*, a OR b, a NOT b, NEAR(a b, 10)"
)


def _without_marks(column: str) -> str:
    """SQL: `column` without ARABIC_MARKS (plain replace(), so any SQLite reads the view).

    The replacements run only on text holding the byte 0xD9, with which UTF-8 begins every one of the
    marks (and the Arabic letters around them): one scan of other text instead of one per mark,
    which was a fifth of the time an article took to store."""
    expression = column
    for mark in ARABIC_MARKS:
        expression = f"replace({expression}, char({ord(mark)}), '')"
    return f"CASE WHEN instr(CAST({column} AS BLOB), x'D9') THEN {expression} ELSE {column} END"


def _fts_schema() -> list[str]:
    """The statements creating the index, its source view, its triggers and its ranking.

    The triggers read the indexed text from the view: an article's row is still there before it is
    deleted or updated (its old text leaves the index) and already there after it is inserted or
    updated (its new text enters it)."""
    delete = (
        "INSERT INTO articles_fts (articles_fts, rowid, title, body) "
        "SELECT 'delete', id, title, body FROM articles_fts_text WHERE id = old.id;"
    )
    insert = (
        "INSERT INTO articles_fts (rowid, title, body) "
        "SELECT id, title, body FROM articles_fts_text WHERE id = new.id;"
    )
    return [
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles_fts_text', "
        f"content_rowid='id', tokenize='{TOKENIZE}')",
        f"CREATE VIEW articles_fts_text AS SELECT id, {_without_marks('title')} AS title, "
        f"{_without_marks('body')} AS body "
        # GROUP BY id (one row an id already): the body is read into the subquery's row once, where a
        # flattened subquery would inflate the text for each mention of `body` above (twice a row).
        f"FROM (SELECT id, title, {text_sql('body')} AS body FROM article_data GROUP BY id)",
        f"CREATE TRIGGER articles_ai AFTER INSERT ON article_data BEGIN {insert} END",
        f"CREATE TRIGGER articles_bd BEFORE DELETE ON article_data BEGIN {delete} END",
        # Title and text only: moving last_seen must not re-index an article.
        f"CREATE TRIGGER articles_bu BEFORE UPDATE OF title, text ON article_data BEGIN {delete} END",
        f"CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON article_data BEGIN {insert} END",
    ]


FTS_SCHEMA = _fts_schema()
FTS_NAMES = ("articles_fts", "articles_fts_text", "articles_ai", "articles_bd", "articles_bu", "articles_au")
_FTS_WANTED = dict(zip(FTS_NAMES, FTS_SCHEMA, strict=True))  # name -> the SQL that makes it
# Triggers an archive of schema version 0 has (on its `articles` table).
_OLD_TRIGGERS = ("articles_ad",)


def _stored_fts(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE name IN {parameters(len(FTS_NAMES))}", FTS_NAMES
    )
    return dict(rows.fetchall())


def fts_is_current(conn: sqlite3.Connection) -> bool:
    """Whether the full-text index, its source view and its triggers are as FTS_SCHEMA makes them."""
    return _stored_fts(conn) == _FTS_WANTED


def ensure_fts(conn: sqlite3.Connection) -> bool:
    """Create the full-text index, or rebuild it when it was made with another configuration (an
    archive from before: porter stemming); when only its source view or triggers changed (the text
    moved to other tables, the same text under the same ids), they are made again over the index as
    it is. Run inside the caller's write transaction. True if the index was built."""
    stored = _stored_fts(conn)
    if stored == _FTS_WANTED:
        return False
    for name in (*FTS_NAMES[2:], *_OLD_TRIGGERS):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    conn.execute("DROP VIEW IF EXISTS articles_fts_text")
    build = stored.get("articles_fts") != FTS_SCHEMA[0]
    if build:
        conn.execute("DROP TABLE IF EXISTS articles_fts")
    for statement in FTS_SCHEMA[not build :]:
        conn.execute(statement)
    if build:
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        conn.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', ?)",
            (f"bm25({TITLE_WEIGHT}, {BODY_WEIGHT})",),
        )
    return build


class QueryError(ValueError):
    """A search query the full-text index cannot parse; the message says what is wrong."""


# --- reading a person's query ---------------------------------------------------------------------
_PIECE = re.compile(r'\s+|-?"[^"]*"\*?|NEAR\(|-?\(|\)|[^\s"()]+')
_BAREWORD = re.compile(r"[A-Za-z0-9_\u0080-\U0010FFFF]+")  # what FTS5 reads unquoted
_COLUMN = re.compile(r"([A-Za-z_]\w*):(.*)", re.S)
_OPERATORS = ("AND", "OR", "NOT")
_NO_MARKS = str.maketrans(dict.fromkeys(ARABIC_MARKS, ""))


def fts_query(text: str) -> str:
    """The FTS5 query for what a person typed.

    Words with hyphens, dots or apostrophes (COVID-19, U.S., al-Sarraj, aujourd'hui) are quoted as
    phrases, so they need no quotes; `-word` leaves out articles with that word; quotes, AND/OR/NOT,
    NEAR(...), title:word and word* keep their FTS5 meaning. A query FTS5 cannot read is passed on as
    typed, for `explain_query_error` to explain.
    """
    text = text.translate(_NO_MARKS)
    if text.count('"') % 2:
        return text
    keep: list[str] = []
    leave_out: list[str] = []
    depth = near = 0
    for match in _PIECE.finditer(text):
        piece = match.group()
        if piece.isspace():
            continue
        negated = piece.startswith("-") and depth == 0 and piece != "-("
        piece = piece[1:] if piece.startswith("-") else piece
        if piece.endswith("("):
            depth += 1
            near += piece == "NEAR("
            items = [piece]
        elif piece == ")":
            depth -= 1
            near = max(0, near - 1)
            items = [piece]
        elif near:
            items = [_term(part) if part not in (",", "") else part for part in re.split(r"(,)", piece)]
        else:
            items = [_term(piece)]
        items = [item for item in items if item]
        if items:
            (leave_out if negated else keep).append(" ".join(items))
    if leave_out and not keep:
        raise QueryError(
            f"cannot search for {text!r}: a -word only leaves articles out; add a word to search for "
            f"(e.g. port -algiers). Queries: {SEARCH_SYNTAX}."
        )
    query = " ".join(keep)
    if leave_out:
        query = f"({query}) " + " ".join(f"NOT {item}" for item in leave_out)
    return query or text


def _term(piece: str) -> str:
    """One term of a query as FTS5 reads it: an operator, a column filter, a word, or a phrase."""
    if piece in _OPERATORS or piece.startswith('"'):
        return piece
    column = _COLUMN.fullmatch(piece)
    if column:
        rest = _term(column.group(2)) if column.group(2) else ""
        return f"{column.group(1)}: {rest}".rstrip()
    star = piece.endswith("*") and len(piece) > 1
    word = piece.rstrip("*") if star else piece
    initial = word.startswith("^") and len(word) > 1
    word = word[1:] if initial else word
    if not any(c.isalnum() for c in word):
        return ""  # punctuation alone: no word for the index to find
    if not _BAREWORD.fullmatch(word):
        word = f'"{word}"'
    return ("^" if initial else "") + word + (" *" if star and word.endswith('"') else "*" if star else "")


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
            f"there is no field {column.group(1)!r} to search (fields: title, body); "
            "a word before a colon names a field"
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
    """Full-text search over titles and bodies, best match first, with a snippet whose matched words
    are [between brackets].

    Each hit has id, url, title, published, authors (JSON), snippet and rank (bm25, lower is better).
    """
    sql = (
        "SELECT a.id, a.url, a.title, a.published, a.authors, "
        "snippet(articles_fts, -1, '[', ']', '…', 16) AS snippet, articles_fts.rank AS rank "
        "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
        "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT ?"
    )
    if not query.strip():
        raise QueryError(explain_query_error(query, ""))
    try:
        rows = conn.execute(sql, (fts_query(query), limit)).fetchall()
    except sqlite3.OperationalError as exc:
        raise QueryError(explain_query_error(query, str(exc))) from None
    names = ("id", "url", "title", "published", "authors", "snippet", "rank")
    hits = [dict(zip(names, row, strict=True)) for row in rows]
    for hit in hits:  # a snippet may span paragraphs: one line
        hit["snippet"] = " ".join((hit["snippet"] or "").split())
    return hits
