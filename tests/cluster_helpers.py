"""What the cluster's tests and benchmark run: a private redis-server, and demo journals on distinct
loopback hosts (127.0.0.2, 127.0.0.3...) that count the requests each host has in flight at once."""

from __future__ import annotations

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
from crawler.demo.site import build_site
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
    """The demo server's handler, counting the requests in flight (and the peak) on its server."""

    def respond(self, head: bool) -> None:
        site: Site = self.server.site  # type: ignore[attr-defined]
        with site.lock:
            site.in_flight += 1
            site.peak = max(site.peak, site.in_flight)
            site.requests += 1
        try:
            time.sleep(site.delay)  # a real server's time per page: requests overlap
            super().respond(head)
        finally:
            with site.lock:
                site.in_flight -= 1


@dataclass
class Site:
    """A demo journal served on its own loopback host."""

    url: str
    articles: list[str]
    delay: float
    directory: Path
    seed: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    peak: int = 0  # most requests in flight at once
    requests: int = 0


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
