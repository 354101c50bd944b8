"""The cluster's commands: `jcrawl worker`, `jcrawl cluster status`, `jcrawl ingest`, and the
`--cluster` option of `crawl` and `update` (seed the shared frontier, then work as a worker)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.cli.common import (
    EXIT_FATAL,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_command,
    quiet_option,
    set_option,
    start_logging,
)
from crawler.cli.set_options import parse_set_options

CLUSTER_EXITS = {
    EXIT_OK: "done: the cluster has no site left to crawl",
    EXIT_USAGE: "usage error: a bad option or value",
    EXIT_LOCKED: "another process already runs with this worker id (or holds the archive)",
    EXIT_FATAL: "the cluster's Redis cannot be reached (or stayed away longer than "
    "JCRAWL_CLUSTER_RETRY_SECONDS), or the archive cannot be written",
    EXIT_INTERRUPTED: "interrupted (128 + the signal): what was in flight goes back to the frontier",
}
URL_HELP = "the cluster's Redis, redis://HOST:PORT/DB (docs/cluster.md)"


def cluster_option(parser: argparse.ArgumentParser, required: bool = False, worker: bool = True) -> None:
    """--cluster redis://HOST:PORT/DB, and the --worker-id of a command that works as a worker."""
    parser.add_argument("--cluster", metavar="REDIS_URL", type=redis_url, required=required, help=URL_HELP)
    if not worker:
        return
    if not required:  # crawl, update: they seed, then work unless told not to
        parser.add_argument(
            "--seed-only",
            action="store_true",
            help="with --cluster: queue the crawl and return; the cluster's workers do it",
        )
    parser.add_argument(
        "--worker-id",
        metavar="ID",
        help="this worker's name, in its WARC files' names and DIR/workers/ID (default: HOST-PID; "
        "give the same one to a restarted worker so it closes what its killed run left open)",
    )


def cluster_requested(args: argparse.Namespace) -> bool:
    """True when `crawl` or `update` was given --cluster; a usage error for --seed-only without it."""
    if args.seed_only and not args.cluster:
        raise UsageError("--seed-only queues a crawl in a cluster: give --cluster redis://HOST:PORT/DB too")
    return bool(args.cluster)


def redis_url(text: str) -> str:
    """An argparse type: a redis://, rediss:// or unix:// URL."""
    if urlsplit(text).scheme not in ("redis", "rediss", "unix"):
        raise argparse.ArgumentTypeError(f"not a Redis URL: {text!r} (redis://HOST:PORT/DB)")
    return text


def register(commands: argparse._SubParsersAction) -> None:
    worker = add_command(
        commands,
        "worker",
        "join a crawl cluster and crawl its sites until none has work left",
        "Work for a cluster whose frontier is in Redis: lease a site with work (one worker per host at a "
        "time), crawl it with the settings it was seeded with, writing WARC files named with this "
        "worker's id into DIR/warc/, and take the next, until no site has work left. What a killed "
        "worker had in flight goes back to the frontier once its lease expires. `jcrawl ingest` builds "
        "the archive's database from the WARC files.",
        [
            "jcrawl worker --cluster redis://10.0.0.5:6379/0 --archive /mnt/journals",
            "jcrawl worker --cluster redis://127.0.0.1:6379/0 --worker-id $(hostname)-1",
        ],
        CLUSTER_EXITS,
        run_worker_command,
    )
    cluster_option(worker, required=True)
    quiet_option(worker)
    set_option(worker)

    cluster = add_command(
        commands,
        "cluster",
        "what a crawl cluster does: sites and their queues, workers alive, pages per second",
        "`jcrawl cluster status` shows each site of the cluster (queued or done, entries waiting, "
        "entries in flight, the worker holding it), the workers alive and the pages stored per second "
        "(measured over one second).",
        ["jcrawl cluster status --cluster redis://127.0.0.1:6379/0", "jcrawl cluster status --json"],
        {EXIT_OK: "done", EXIT_USAGE: CLUSTER_EXITS[EXIT_USAGE], EXIT_FATAL: CLUSTER_EXITS[EXIT_FATAL]},
        run_status_command,
    )
    cluster.add_argument("action", choices=("status",), help="status: print the cluster's state")
    cluster_option(cluster, required=True, worker=False)
    cluster.add_argument("--json", action="store_true", help="print it as JSON")

    ingest = add_command(
        commands,
        "ingest",
        "index the cluster's WARC files into the archive's database (its one writer)",
        "Index and extract every record of DIR/warc/ the database does not hold yet, as `jcrawl "
        "reparse` does, so the database is what one process would have built from the same captures. "
        "Files a live worker is writing wait for the next run; those a dead worker left open are "
        "closed at their last whole record first. Run it while the workers work, or after.",
        [
            "jcrawl ingest --cluster redis://127.0.0.1:6379/0 --archive /mnt/journals",
            "*/10 * * * *  jcrawl ingest --cluster redis://10.0.0.5:6379/0 --archive /mnt/journals --quiet",
        ],
        {code: text for code, text in CLUSTER_EXITS.items() if code != EXIT_INTERRUPTED},
        run_ingest_command,
    )
    cluster_option(ingest, required=True, worker=False)
    quiet_option(ingest)


def run_worker_command(args: argparse.Namespace) -> int:
    settings = parse_set_options(args.set)
    return work(args.cluster, args.archive, args.worker_id, settings, args.quiet)


def work(url: str, archive: Path, worker_id: str | None, settings: dict[str, Any], quiet: bool) -> int:
    """Run a worker of the cluster at `url` into `archive`, print what it did; its exit code."""
    from crawler import startup

    startup.begin("worker")  # before its imports (crawler/startup.py)
    from crawler.cluster.worker import Worker, default_worker_id

    worker = Worker(url, archive, worker_id or default_worker_id(), settings)
    start_logging(worker.state_dir, quiet, settings)
    result = worker.run()
    line = (
        f"Worker {worker.worker_id}: {len(result.sites_done):,} sites finished, {result.pages:,} pages "
        f"stored in {result.elapsed:,.1f} s"
        + (f", {result.pages / result.elapsed:,.1f} pages/s" if result.elapsed else "")
    )
    print(line + (" (interrupted)" if result.interrupted else "") + ".", flush=True)
    return 128 + result.interrupted if result.interrupted else EXIT_OK


def seed_and_work(
    args: argparse.Namespace,
    jobs: list[tuple[list[str], dict[str, Any]]],
    kind: str,
    settings: dict[str, Any],
) -> int:
    """`crawl --cluster` and `update --cluster`: queue each (start URLs, settings) job, then work."""
    from crawler.cluster.bloom import BloomShape
    from crawler.cluster.connection import connect
    from crawler.cluster.sites import seed
    from crawler.cluster.worker import command_settings

    scrapy_settings = command_settings(args.archive, settings)
    client = connect(args.cluster, scrapy_settings.getfloat("JCRAWL_CLUSTER_RETRY_SECONDS"))
    shape = BloomShape.sized(
        scrapy_settings.getint("JCRAWL_CLUSTER_SEEN_CAPACITY"),
        scrapy_settings.getfloat("JCRAWL_CLUSTER_SEEN_ERROR"),
    )
    for start_urls, site_settings in jobs:
        queued, new = seed(client, start_urls, site_settings, kind, shape)
        if not args.quiet:
            said = "queued" if new else "already queued, left as it is"
            print(f"{queued.site}: {said} ({kind})", flush=True)
    if args.seed_only:
        return EXIT_OK
    return work(args.cluster, args.archive, getattr(args, "worker_id", None), settings, args.quiet)


def run_status_command(args: argparse.Namespace) -> int:
    from crawler.cluster.connection import connect
    from crawler.cluster.sites import status

    state = status(connect(args.cluster))
    if args.json:
        print(json.dumps(state, indent=1, sort_keys=True))
        return EXIT_OK
    print(f"{'site':<32} {'state':<7} {'waiting':>8} {'in flight':>9}  worker")
    for name, site in state["sites"].items():
        counts = f"{site['waiting']:>8,} {site['in_flight']:>9,}"
        print(f"{name:<32} {site['state']:<7} {counts}  {site['worker'] or '-'}")
    print(f"{len(state['workers'])} workers alive:")
    for worker_id, worker in sorted(state["workers"].items()):
        sites = ", ".join(worker["sites"]) or "idle"
        print(f"  {worker_id}: {worker['pages']:,} pages in {worker['uptime']:,.0f} s; crawling {sites}")
    print(f"{state['pages']:,} pages stored; {state['pages_per_second']:,.1f} pages/s now.")
    return EXIT_OK


def run_ingest_command(args: argparse.Namespace) -> int:
    from crawler.cluster.connection import connect
    from crawler.cluster.ingest import ingest_cluster
    from crawler.cluster.worker import share_archive
    from crawler.run.lock import ArchiveLock
    from crawler.store import Store

    client = connect(args.cluster)
    start_logging(args.archive, args.quiet)
    # Beside the workers (a shared lock on the archive), one ingest at a time (DIR/workers/jcrawl.lock).
    with share_archive(args.archive), ArchiveLock(args.archive / "workers", "jcrawl ingest"):
        store = Store(args.archive)
        try:
            result, recovered, waiting = ingest_cluster(store, client)
        finally:
            store.close()
    print(
        f"Ingested {result.files:,} WARC files: {result.captures_added:,} new captures, "
        f"{result.articles:,} articles extracted"
        + (f"; closed {len(recovered)} files dead workers left open" if recovered else "")
        + (f"; {len(waiting)} files still being written wait for the next ingest" if waiting else "")
        + (f"; {len(result.damaged)} damaged records read past" if result.damaged else "")
        + ".",
        flush=True,
    )
    return EXIT_OK


def seed_update(args: argparse.Namespace, settings: dict[str, Any]) -> int:
    """`update --cluster`: queue an update of each site of the archive (or the --site one), then work."""
    from crawler.cli.common import open_store
    from crawler.run.update import RECHECK_ALL, UnknownSite, _sites

    store = open_store(args.archive)
    try:
        chosen = _sites(store, args.site)
    except UnknownSite as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    recheck = RECHECK_ALL if args.all else {}
    jobs = [(site["start_urls"], {**site["settings"], **recheck, **settings}) for site in chosen]
    return seed_and_work(args, jobs, "update", settings)
