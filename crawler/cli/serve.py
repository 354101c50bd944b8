"""`jcrawl serve`: browse, facet and search the archive in a web page (Datasette)."""

from __future__ import annotations

import argparse

from crawler.cli.common import (
    EXIT_FATAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_command,
    common_exits,
    port,
    require_archive,
)


def register(commands: argparse._SubParsersAction) -> None:
    serve = add_command(
        commands,
        "serve",
        "browse, facet and search the archive in a web page (Datasette, read-only)",
        "Serve the archive read-only with Datasette: a catalogue of articles with facets, ranked search "
        "with snippets, article pages with versions and links, canned queries, CSV/JSON. It keeps "
        "serving while a crawl or update writes; Ctrl-C stops it.",
        [
            "jcrawl serve",
            "jcrawl serve --archive ~/journals --port 8080",
            "jcrawl serve --host 0.0.0.0    # for the others on your network too",
        ],
        {
            **common_exits(EXIT_OK, EXIT_USAGE, EXIT_FATAL),
            EXIT_INTERRUPTED: "stopped with Ctrl-C (143: by SIGTERM), the way it ends",
        },
        run_serve,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=port, default=8001, metavar="N", help="port (default: 8001)")


def run_serve(args: argparse.Namespace) -> int:
    require_archive(args.archive)
    from crawler.serve.app import listen_problem, serve  # Datasette loads only for this command

    problem = listen_problem(args.host, args.port)
    if problem:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {problem}")
    print(f"Serving {args.archive} at http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    serve(args.archive, args.host, args.port)
    return EXIT_OK
