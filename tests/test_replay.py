"""Replay: pywb (in a venv of its own, it pins old dependencies) serves archived articles as captured."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from tests.helpers import ROOT, BenchSite, free_port, jcrawl, listening, query

PYWB_VENV = ROOT / ".venv-pywb"  # kept between runs (ignored by git); `make clean` removes it


@pytest.fixture(scope="session")
def pywb_bin() -> Path:
    """The bin/ directory of a venv with pywb, built on first use."""
    stamp = PYWB_VENV / ".installed"
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", PYWB_VENV], check=True, capture_output=True)
        install = subprocess.run(
            [PYWB_VENV / "bin" / "pip", "install", "-q", "pywb"], capture_output=True, text=True, timeout=600
        )
        if install.returncode != 0:
            pytest.skip(f"pip cannot install pywb here: {install.stderr.strip().splitlines()[-1:]}")
        stamp.touch()
    return PYWB_VENV / "bin"


@pytest.fixture(scope="module")
def wayback(pywb_bin: Path, small_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """pywb serving two collections of the small archive on 127.0.0.1: `added` indexed by
    `wb-manager add`, `indexed` by `jcrawl index` (its WARC files linked in); yields the base URL."""
    root = tmp_path_factory.mktemp("pywb")
    warcs = sorted((small_archive / "warc").glob("*.warc.gz"))
    for collection in ("added", "indexed"):
        subprocess.run(
            [pywb_bin / "wb-manager", "init", collection], cwd=root, check=True, capture_output=True
        )
    subprocess.run(
        [pywb_bin / "wb-manager", "add", "added", *warcs], cwd=root, check=True, capture_output=True
    )
    indexed = root / "collections" / "indexed"
    for warc in warcs:
        (indexed / "archive" / warc.name).symlink_to(warc)
    made = jcrawl("index", "--output", indexed / "indexes" / "index.cdxj", archive=small_archive)
    assert made.returncode == 0, made.stderr
    port = free_port()
    server = subprocess.Popen(
        [pywb_bin / "wayback", "-p", str(port), "-b", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    with listening(server, port) as url:
        yield url


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


@pytest.mark.parametrize("collection", ["added", "indexed"])
def test_pywb_replays_an_archived_article(
    wayback: str, collection: str, small_archive: Path, small_site: BenchSite
) -> None:
    url, title, fetched_at = query(
        small_archive,
        "SELECT c.url, a.title, c.fetched_at FROM articles a JOIN captures c ON c.id = a.capture_id "
        "ORDER BY a.id LIMIT 1 OFFSET 7",
    )[0]
    timestamp = "".join(ch for ch in fetched_at if ch.isdigit())[:14]

    status, _, frame = fetch(f"{wayback}/{collection}/{timestamp}/{url}")  # pywb's frame around the page
    assert status == 200 and b"replay_iframe" in frame
    status, _, page = fetch(f"{wayback}/{collection}/{timestamp}mp_/{url}")  # the page, links rewritten
    assert status == 200
    assert title in lxml.html.fromstring(page).findtext(".//title")
    assert (
        f"/{collection}/{timestamp}mp_/{url.split('/', 3)[0]}//".encode() in page
    )  # links stay in the archive

    status, headers, raw = fetch(f"{wayback}/{collection}/{timestamp}id_/{url}")  # the page as captured
    assert status == 200
    if headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    original = small_site.directory / urlsplit(url).path.strip("/") / "index.html"
    assert raw == original.read_bytes()
