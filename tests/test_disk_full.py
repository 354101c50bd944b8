"""A full disk stops the crawl cleanly: exit code 4, a clear message, a valid archive, an honest store.

The archive's WARC directory, or the directory holding journal.db, is a small tmpfs that the crawl
fills up. Needs root (mount); skipped with the reason otherwise.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from archive.reader import read_record
from tests.faultserver import Route, article_html, html, serve
from tests.helpers import assert_archive_honest, jcrawl, query

PAGES = 150


def site() -> dict[str, Route]:
    """A home page linking PAGES articles of about 24 kB that compress poorly (10 kB each in the WARC)."""
    rng = random.Random(11)
    routes: dict[str, Route] = {
        f"/p/{n}/": html(article_html(f"Story {n}", [rng.randbytes(3000).hex() for _ in range(4)]))
        for n in range(PAGES)
    }
    routes["/"] = html("<html><body>" + "".join(f'<a href="{p}">{p}</a>' for p in routes) + "</body></html>")
    return routes


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `path` for the duration of the block."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", path], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", path], check=False)


def crawl_until_full(archive: Path, *says: str) -> int:
    """Crawl into `archive`; check that it stopped on a full disk, saying `says`; return the captures."""
    with serve(site()) as server:
        result = jcrawl(
            "crawl", server.url("/"), "--concurrency", "4", "-s", "JCRAWL_BATCH_SIZE=20", archive=archive
        )
    assert result.returncode == 4, result.stderr[-3000:]
    for text in says:
        assert text in result.stderr
    assert "Traceback" not in result.stderr
    return assert_archive_honest(archive)


def test_a_full_warc_disk_stops_the_crawl_cleanly(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with tmpfs(archive / "warc", "600k"):
        captured = crawl_until_full(
            archive,
            "jcrawl crawl: fatal: cannot write the WARC archive: cannot write",
            "No space left on device",
        )
        assert 0 < captured < PAGES  # it stopped when the disk was full, with what fitted kept


def test_a_full_database_disk_stops_the_crawl_cleanly(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with tmpfs(archive, "1m"), tmpfs(archive / "warc", "64m"):
        stored = crawl_until_full(
            archive, "jcrawl crawl: fatal: cannot write the database", "database or disk is full"
        )
        assert 0 < stored < PAGES  # the batches committed before the disk filled up are kept


def test_the_writer_cuts_a_failed_write_back_to_its_last_whole_record(tmp_path: Path) -> None:
    """The writer alone, on a 64 kB tmpfs: records until the disk is full, then none."""
    from warcio.warcwriter import WARCWriter

    from archive.writer import WarcFileWriter, WarcWriteError

    builder = WARCWriter(None, warc_version="WARC/1.1")
    rng = random.Random(2)
    with tmpfs(tmp_path / "warc", "64k") as directory:
        writer = WarcFileWriter(directory, "t", 10**9, {"software": "test"})
        locations = []
        with pytest.raises(WarcWriteError, match="No space left on device"):
            for n in range(100):
                payload = rng.randbytes(5000)
                record = builder.create_warc_record(f"urn:test:{n}", "resource", payload=io.BytesIO(payload))
                locations.append(writer.write(record))
        path = directory / (locations[-1].file + ".open")
        assert path.stat().st_size == locations[-1].offset + locations[-1].length
        with pytest.raises(WarcWriteError):  # and it stays refused: no record after a gap
            writer.write(builder.create_warc_record("urn:test:late", "resource", payload=io.BytesIO(b"x")))
        writer.close()
        for n, location in enumerate(locations):
            record = read_record(directory, location.file, location.offset, location.length)
            assert record.rec_headers.get_header("WARC-Target-URI") == f"urn:test:{n}"


def test_an_unwritable_log_file_does_not_stop_the_crawl(tmp_path: Path) -> None:
    """jcrawl.log on a full device (/dev/full): one line on stderr, and the crawl goes on."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "jcrawl.log").symlink_to("/dev/full")
    with serve({"/": html(article_html("Still crawled"))}) as server:
        result = jcrawl("crawl", server.url("/"), archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("logging to stderr only") == 1 and "Traceback" not in result.stderr
    assert query(archive, "SELECT title FROM articles") == [("Still crawled",)]
