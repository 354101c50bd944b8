"""The Datasette plugin of `jcrawl serve`: the search function every query shares, cells that read
like a catalogue, the article page and the WARC record of a capture."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import datasette
from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from crawler.serve.article import article_page
from crawler.serve.metadata import ARTICLE_PAGE, CAPTURE_RECORD
from crawler.serve.sanitise import clean_html
from crawler.store.search import QueryError, fts_query
from crawler.store.texts import register_functions


def _inline_script_hashes() -> str:
    """CSP hashes of the inline scripts of Datasette's page template (it closes open menus)."""
    template = Path(datasette.__file__).parent / "templates" / "_close_open_menus.html"
    scripts = re.findall(r"<script>(.*?)</script>", template.read_text(encoding="utf-8"), re.S)
    return " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts
    )


# The article page shows sanitised HTML; the policy makes sure even so: no script but Datasette's own,
# images from anywhere (the articles' original ones), nothing else remote.
ARTICLE_POLICY = (
    f"default-src 'self'; script-src 'self' {_inline_script_hashes()}; img-src 'self' http: https: data:; "
    "style-src 'self' 'unsafe-inline'; object-src 'none'; frame-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
LIST_COLUMNS = ("authors", "tags")


@hookimpl
def prepare_connection(conn: Any) -> None:
    """fts_query(text): what a person typed as an FTS5 query, as `jcrawl search` reads it (an empty
    form asks for nothing: '""' matches no article, where '' would be an error); and the functions
    the `articles` view reads the compressed text with."""
    conn.create_function("fts_query", 1, _query_or_nothing, deterministic=True)
    register_functions(conn)


def _query_or_nothing(text: str | None) -> str:
    try:
        return fts_query(text) if text and text.strip() else '""'
    except QueryError:  # only -words: nothing to look for
        return '""'


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, datasette: Any) -> Any:
    """Titles link to the article page, JSON lists read as lists, snippets show matches marked."""
    keys = row.keys()  # a sqlite3.Row: `in row` would look at its values
    if column == "title" and value and "id" in keys:
        href = datasette.urls.path(ARTICLE_PAGE.format(id=row["id"]))
        return Markup(f'<a class="jcrawl-title" href="{escape(href)}">{escape(value)}</a>')
    if column in LIST_COLUMNS and isinstance(value, str) and value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            return None
        if not isinstance(items, list):
            return None
        return Markup(", ".join(str(escape(item)) for item in items) or '<span class="jcrawl-none"></span>')
    if column in ("published", "modified") and isinstance(value, str) and "T" in value:
        return Markup(f'<time datetime="{escape(value)}">{escape(value[:16].replace("T", " "))}</time>')
    if column == "snippet" and isinstance(value, str):
        marked = str(escape(value)).replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
        return Markup(f'<span class="jcrawl-snippet">{marked}</span>')
    if column == "body_html" and value and "url" in keys:
        return Markup(f'<div class="jcrawl-body">{clean_html(value, row["url"])}</div>')
    if column == "capture_id" and value:
        return Markup(f'<a href="{escape(datasette.urls.path(CAPTURE_RECORD.format(id=value)))}">{value}</a>')
    return None


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/article/(?P<id>\d+)$", show_article),
        (r"^/-/capture/(?P<id>\d+)$", capture_record),
    ]


async def show_article(datasette: Any, request: Any) -> Response:
    """The article page: text, metadata, links in and out, versions, capture."""
    db = datasette.get_database()
    page_path = datasette.urls.path(ARTICLE_PAGE)
    article_id = int(request.url_vars["id"])
    page = await db.execute_fn(lambda conn: article_page(conn, article_id, page_path))
    if page is None:
        return Response.html(f"No article {article_id} in this archive.", status=404)
    page.update(database=db.name, capture_path=CAPTURE_RECORD)
    response = Response.html(await datasette.render_template("article.html", page, request=request))
    response.headers["Content-Security-Policy"] = ARTICLE_POLICY
    return response


async def capture_record(datasette: Any, request: Any) -> Response:
    """The WARC record of a capture, as it is in the archive's WARC file (one gzip member)."""
    db = datasette.get_database()
    found = await db.execute(
        "SELECT warc_file, warc_offset, warc_length FROM captures WHERE id = ?", [int(request.url_vars["id"])]
    )
    if not found.rows:
        return Response.text("No such capture in this archive.", status=404)
    name, offset, length = found.rows[0]
    path = Path(db.path).parent / "warc" / Path(name).name
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            record = f.read(length)
    except OSError as exc:
        return Response.text(f"The WARC file {name} cannot be read: {exc.strerror}", status=404)
    return Response(
        record,
        content_type="application/warc",
        headers={"Content-Disposition": f'attachment; filename="{Path(name).stem}-{offset}.warc.gz"'},
    )
