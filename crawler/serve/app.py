"""The Datasette instance of an archive, and the web server `jcrawl serve` runs."""

from __future__ import annotations

import socket
from pathlib import Path

import uvicorn
from datasette.app import Datasette
from datasette.plugins import pm

from crawler.serve import plugin
from crawler.serve.metadata import build_metadata
from crawler.store import DB_NAME, Store

HERE = Path(__file__).parent
SETTINGS = {
    "default_page_size": 50,
    "suggest_facets": False,  # the catalogue names its facets; suggestions cost a query per column
    "facet_time_limit_ms": 1000,
    "sql_time_limit_ms": 5000,
}


def make_datasette(archive: Path) -> Datasette:
    """Datasette over `archive`'s database, read-only, with our metadata, plugin and templates.

    The store is opened first, as every read command does: an older archive is migrated (its views,
    the researchers' among them, made) if it can be written, before Datasette opens the file read-only.
    """
    store = Store(archive, read_only=True)
    try:
        metadata = build_metadata(store.conn, archive)
    finally:
        store.close()
    if not pm.is_registered(plugin):
        pm.register(plugin, name="jcrawl")
    return Datasette(
        [str(archive / DB_NAME)],
        metadata=metadata,
        template_dir=str(HERE / "templates"),
        static_mounts=[("jcrawl-static", str(HERE / "static"))],
        settings=SETTINGS,
    )


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port (connections closing there do not count, as for uvicorn)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def serve(archive: Path, host: str, port: int) -> None:
    """Serve the archive at http://host:port/ until interrupted (Ctrl-C, SIGTERM)."""
    uvicorn.run(make_datasette(archive).app(), host=host, port=port, log_level="warning", lifespan="on")
