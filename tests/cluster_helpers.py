"""What the cluster's tests and benchmark run: a private redis-server, and demo journals on distinct
loopback hosts (127.0.0.2, 127.0.0.3...): served by nginx, whose access logs tell how many requests
each host had at once (`nginx_sites`), or by the demo server, counting the requests each host got
(`demo_sites`)."""

from __future__ import annotations

import getpass
import grp
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer, _Handler
from crawler.demo.site import NOT_FOUND_FILE, REDIRECTS_FILE, build_site
from tests.helpers import free_port, wait_for_port


@dataclass
class RedisServer:
    """redis-server on 127.0.0.1:port with its append-only file in `directory`."""

    port: int
    directory: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)),
                *("--appendonly", "yes", "--appendfsync", "everysec", "--save", ""),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        """SIGTERM: Redis writes its append-only file and exits."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def cli(self, *args: str) -> str:
        """redis-cli's answer to a command."""
        command = [shutil.which("redis-cli") or "redis-cli", "-p", str(self.port), *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


@contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    """A private redis-server for one test, or skip saying it is not installed."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (make system-deps installs Debian's)")
    server = RedisServer(free_port(), directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class _CountingHandler(_Handler):
    """The demo server's handler, counting the requests its server got."""

    def respond(self, head: bool) -> None:
        site: Site = self.server.site  # type: ignore[attr-defined]
        with site.lock:
            site.requests += 1
        time.sleep(site.delay)  # a real server's time per page
        super().respond(head)


@dataclass
class Site:
    """A demo journal served on its own loopback host."""

    url: str
    articles: list[str]
    delay: float
    directory: Path
    seed: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    access_log: Path | None = None  # nginx's, when nginx serves it

    def most_at_once(self) -> int:
        """The most requests nginx's access log shows the host had at once."""
        assert self.access_log is not None, "only nginx logs requests"
        return most_at_once(self.access_log.read_text().splitlines())


def next_edition(site: Site, edition: int) -> dict:
    """Publish the site's `edition` (new stories, corrected ones) at the same URL; its manifest."""
    manifest = build_site(site.directory, site.url, len(site.articles), site.seed, edition)
    site.articles = [a["url"] for a in manifest["articles"]]
    return manifest


@contextmanager
def demo_sites(directory: Path, count: int, articles: int, delay: float = 0.0) -> Iterator[list[Site]]:
    """`count` demo journals of `articles` stories each, on 127.0.0.2, 127.0.0.3... (one port)."""
    port = free_port()
    with ExitStack() as stack:
        sites = []
        for n in range(count):
            server = DemoServer(directory / f"site-{n}", f"127.0.0.{n + 2}", port)
            stack.callback(server.stop)
            manifest = build_site(server.directory, server.url, articles=articles, seed=n + 1)
            site = Site(server.url, [a["url"] for a in manifest["articles"]], delay, server.directory, n + 1)
            server._httpd.RequestHandlerClass = _CountingHandler
            server._httpd.site = site  # type: ignore[attr-defined]
            server.start()
            sites.append(site)
        yield sites


# A line per request: when it ended ($msec, seconds since the epoch) and how long it took ($request_time,
# from its first byte read to its last byte sent), both to the millisecond.
LOG_FORMAT = "log_format timed '$msec $request_time $status \"$request\"';"
NGINX = """daemon off; worker_processes 1; pid {run}/nginx.pid; error_log {run}/error.log; {user}
events {{ worker_connections 1024; }}
http {{
  access_log off; client_body_temp_path {run}/body; proxy_temp_path {run}/proxy;
  fastcgi_temp_path {run}/fastcgi; uwsgi_temp_path {run}/uwsgi; scgi_temp_path {run}/scgi;
  types {{ text/html html; application/rss+xml rss; application/xml xml; text/plain txt; text/css css; }}
  keepalive_requests 100000; {log_format}
  {limit}
{servers}
}}
"""
SERVER = """  server {{ listen {host}:{port}; root {root}; index index.html index.rss; {log}
    error_page 404 /{not_found}; {pace}
{redirects}
  }}"""


def most_at_once(lines: list[str]) -> int:
    """The most requests open at once in access-log lines of the `timed` format.

    A request is open from its end minus its time to its end; both are rounded to the millisecond, so
    the next request of a keep-alive connection can seem to start a millisecond before the last one
    ended: an overlap of 1 ms or less is none."""
    events = []
    for line in lines:
        end, took = (float(field) for field in line.split()[:2])
        events += [(end - took + 0.0015, 1), (end, -1)]
    most = now = 0
    for _, change in sorted(events):  # at one instant an end (-1) sorts before a start
        now += change
        most = max(most, now)
    return most


@contextmanager
def nginx_sites(
    directory: Path, count: int, articles: int, per_second: int = 0, log: bool = True
) -> Iterator[list[Site]]:
    """`count` demo journals of `articles` stories on 127.0.0.2, 127.0.0.3..., served by one nginx.

    With `per_second`, nginx paces each host's requests to that many per second (`limit_req`, excess
    requests delayed, not refused): a request then takes time, so requests a client sends at once
    overlap in the access log (`Site.most_at_once`). `log=False`: no access log (for the benchmark)."""
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx is not installed (make system-deps installs Debian's)")
    port = free_port()
    run = directory / "nginx"
    run.mkdir(parents=True)
    servers, sites = [], []
    for n in range(count):
        host = f"127.0.0.{n + 2}"
        root = directory / f"site-{n}"
        manifest = build_site(root, f"http://{host}:{port}/", articles=articles, seed=n + 1)
        redirects = json.loads((root / REDIRECTS_FILE).read_text())
        access_log = run / f"{host}.log" if log else None
        servers.append(
            SERVER.format(
                host=host,
                port=port,
                root=root,
                not_found=NOT_FOUND_FILE,
                log=f"access_log {access_log} timed;" if access_log else "",
                pace="limit_req zone=hosts burst=10000;" if per_second else "",
                redirects="\n".join(
                    f"    location = {old} {{ return 301 http://{host}:{port}{new}; }}"
                    for old, new in redirects.items()
                ),
            )
        )
        url = f"http://{host}:{port}/"
        sites.append(
            Site(url, [a["url"] for a in manifest["articles"]], 0.0, root, n + 1, access_log=access_log)
        )
    limit = f"limit_req_zone $server_addr zone=hosts:1m rate={per_second}r/s;" if per_second else ""
    # nginx started by root runs its worker as `nobody`, which may not read a private temporary directory
    user = f"user {getpass.getuser()} {grp.getgrgid(os.getgid()).gr_name};" if os.geteuid() == 0 else ""
    conf = NGINX.format(run=run, user=user, log_format=LOG_FORMAT, limit=limit, servers="\n".join(servers))
    (run / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen(
        [shutil.which("nginx") or "/usr/sbin/nginx", "-c", run / "nginx.conf", "-p", run],
        stderr=subprocess.DEVNULL,
    )
    try:
        for site in sites:
            wait_for_port(port, host=site.url.split("/")[2].split(":")[0])
        yield sites
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
