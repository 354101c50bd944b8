"""The article page of `jcrawl serve`: an article's text rendered safely, its metadata, its typed
links in and out, its versions with a readable diff, and where its capture is in the WARC files."""

from __future__ import annotations

import difflib
import html
import json
import sqlite3
from itertools import pairwise
from typing import Any

from markupsafe import Markup

from crawler.history import text_lines
from crawler.serve.sanitise import clean_html
from crawler.store import links as store_links
from crawler.urls import normalize_url, site_of


def _rows(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def article_page(conn: sqlite3.Connection, article_id: int, page_path: str) -> dict[str, Any] | None:
    """Everything the article page shows, None when there is no article `article_id`.

    `page_path` is the path of an article page with `{id}` in it, for links to archived articles.
    """
    found = _rows(conn, "SELECT * FROM articles WHERE id = ?", (article_id,))
    if not found:
        return None
    article = found[0]
    for column in ("authors", "tags"):
        article[column] = json.loads(article[column] or "[]")
    article["site"] = site_of(article["url"])
    links_out = store_links.links_out(conn, article["url"])
    links_in = store_links.links_in(conn, article["url"])
    archived = {link["url"]: page_path.format(id=link["id"]) for link in links_out if link["id"]}

    def local_link(url: str) -> str | None:
        return archived.get(normalize_url(url) or url)

    if article["body_html"]:
        body = Markup(clean_html(article["body_html"], article["url"], local_link))
    else:  # no HTML kept: the plain text, one paragraph per blank-line block
        body = Markup("".join(f"<p>{html.escape(p)}</p>" for p in (article["body"] or "").split("\n\n")))
    capture = _rows(conn, "SELECT * FROM captures WHERE id = ?", (article["capture_id"],))
    versions = _versions(conn, article, capture[0] if capture else None)
    return {
        "article": article,
        "body": body,
        "links_out": _by_kind(links_out),
        "links_in": _by_kind(links_in),
        "capture": capture[0] if capture else None,
        "versions": versions,
        "diffs": [
            {"old": old["version"], "new": new["version"], "lines": diff_lines(old, new)}
            for old, new in reversed(list(pairwise(versions)))
        ],
    }


def _by_kind(links: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Links grouped by kind, in the order kinds first appear."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        groups.setdefault(link["kind"], []).append(link)
    return list(groups.items())


def _versions(
    conn: sqlite3.Connection, article: dict[str, Any], capture: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The article's versions, oldest first, the current text last (as `jcrawl history` lists them)."""
    versions = _rows(
        conn,
        "SELECT version, seen_at, title, body FROM article_versions WHERE article_id = ? ORDER BY version",
        (article["id"],),
    )
    seen = capture["fetched_at"] if capture else article["first_seen"]
    versions.append(
        {"version": len(versions) + 1, "seen_at": seen, "title": article["title"], "body": article["body"]}
    )
    for version in versions:
        version["words"] = len((version["body"] or "").split())
    return versions


def diff_lines(old: dict[str, Any], new: dict[str, Any], context: int = 1) -> list[dict[str, Any]]:
    """What changed from version `old` to `new`, sentence by sentence: each line has a kind (same,
    removed, added, changed, skipped) and its HTML, with the changed words of a changed sentence in
    <del> and <ins>; unchanged stretches shrink to `context` sentences around each change."""
    a = text_lines(old["title"], old["body"] or "")
    b = text_lines(new["title"], new["body"] or "")
    lines: list[dict[str, Any]] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        if lines:
            lines.append({"kind": "skipped", "html": Markup("…")})
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [{"kind": "same", "html": Markup.escape(line)} for line in a[i1:i2] if line]
                continue
            pairs = list(zip(a[i1:i2], b[j1:j2], strict=False)) if tag == "replace" else []
            lines += [{"kind": "changed", "html": word_diff(x, y)} for x, y in pairs]
            lines += [{"kind": "removed", "html": Markup.escape(x)} for x in a[i1 + len(pairs) : i2] if x]
            lines += [{"kind": "added", "html": Markup.escape(y)} for y in b[j1 + len(pairs) : j2] if y]
    return lines


def word_diff(old: str, new: str) -> Markup:
    """One sentence's change: removed words in <del>, added words in <ins>."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(html.escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{html.escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{html.escape(' '.join(b[j1:j2]))}</ins>")
    return Markup(" ".join(out))
