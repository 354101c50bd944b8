"""Every real publishing system of the test suite, served at once: `served_systems(run)`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from tests.systems.pelican import serve_pelican
from tests.systems.wordpress import serve_wordpress


class SystemSite(Protocol):
    """One served site of a real system, as the tests see it."""

    system: str  # "wordpress", "pelican"
    url: str  # the home page, ending in "/"

    @property
    def theme(self) -> str: ...

    def requests(self) -> list[tuple[str, int]]:
        """(request target, status) of each request the site's server answered so far."""
        ...

    def truth(self) -> dict:
        """{"posts": [...], "pages": [...], "attachments": [...], "timezone": ...}: what the site
        shows, from the system itself; per post at least permalink, title, authors, published,
        modified, section, tags, language, blocks (the corpus body), comment_page_urls and
        comment_texts."""
        ...


@contextmanager
def served_systems(run: Path) -> Iterator[list[SystemSite]]:
    """Start every system under `run` and yield its sites; stop them afterwards."""
    with serve_wordpress(run / "wordpress") as wordpress, serve_pelican(run / "pelican") as pelican:
        yield [*wordpress.sites.values(), pelican]
