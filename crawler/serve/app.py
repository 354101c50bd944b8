"""The Datasette instance of an archive, and the web server `jcrawl serve` runs."""

from __future__ import annotations

import errno
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


def listen_problem(host: str, port: int) -> str | None:
    """Why nothing can listen on host:port (the port in use, an address not of this machine, a host
    name that does not resolve), or None when something can (connections closing there do not count,
    as for uvicorn)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(address)
    except OSError as exc:  # (socket.gaierror included)
        if exc.errno == errno.EADDRINUSE:
            return "the port is in use (try --port N)"
        return exc.strerror or str(exc)
    return None


def serve(archive: Path, host: str, port: int) -> None:
    """Serve the archive at http://host:port/ until interrupted (Ctrl-C, SIGTERM)."""
    uvicorn.run(make_datasette(archive).app(), host=host, port=port, log_level="warning", lifespan="on")
