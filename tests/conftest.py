"""Shared fixtures (helpers live in tests/helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import BenchSite, free_port, make_bench_site, serve_bench_site


@pytest.fixture(scope="session")
def bench_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BenchSite]:
    """The 2,000-article bench site (seed 7), served for the whole session."""
    port = free_port()
    directory = tmp_path_factory.mktemp("bench-site")
    make_bench_site(directory, port, pages=2000)
    with serve_bench_site(directory, port, tmp_path_factory.mktemp("nginx")) as site:
        yield site
