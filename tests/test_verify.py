"""`jcrawl verify`: one flipped byte anywhere is caught and named; rows pointing nowhere are listed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from crawler.run.lock import ArchiveLock
from tests.helpers import ROOT, jcrawl, query
from tests.test_import import write_foreign_warc


@pytest.fixture
def archive(small_archive: Path, tmp_path: Path) -> Path:
    """A copy of the crawled small archive that a test may damage."""
    return Path(shutil.copytree(small_archive, tmp_path / "archive"))


def flip(path: Path, position: int) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= 0xFF
    path.write_bytes(bytes(data))


def an_article_capture(archive: Path) -> tuple[int, str, int, int, int]:
    """(capture id, WARC file, offset, length, article id) of one article's response record."""
    return query(
        archive,
        "SELECT c.id, c.warc_file, c.warc_offset, c.warc_length, a.id FROM articles a "
        "JOIN captures c ON c.id = a.capture_id ORDER BY a.id LIMIT 1 OFFSET 100",
    )[0]


def test_a_sound_archive_verifies_clean(small_archive: Path) -> None:
    result = jcrawl("verify", archive=small_archive)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "no problems" in result.stdout and "300 articles rows" in result.stdout


@pytest.mark.parametrize(
    "where",
    [
        lambda length: length // 2,  # inside the compressed data
        lambda length: length - 6,  # the gzip trailer (CRC-32)
        lambda length: 3,  # the gzip header's flags
    ],
    ids=["compressed-data", "gzip-trailer", "gzip-header"],
)
def test_a_flipped_byte_is_caught_and_the_record_named(archive: Path, where) -> None:
    capture_id, warc_file, offset, length, article_id = an_article_capture(archive)
    flip(archive / "warc" / warc_file, offset + where(length))

    result = jcrawl("verify", archive=archive)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"damaged: {warc_file} offset {offset}:") for line in lines), lines[:5]
    assert any(line.startswith(f"dangling: captures #{capture_id} ") for line in lines)
    assert any(line.startswith(f"dangling: articles #{article_id} ") for line in lines)
    # Reading went on after the damage: the records that follow are not reported.
    assert sum(line.startswith("damaged:") for line in lines) <= 2, lines
    assert "Traceback" not in result.stderr


def test_a_flipped_byte_in_an_uncompressed_warc_header_is_caught(tmp_path: Path) -> None:
    warc = tmp_path / "plain.warc"
    write_foreign_warc(warc, compress=False)
    archive = tmp_path / "archive"
    assert jcrawl("import", warc, archive=archive).returncode == 0
    copy = archive / "warc" / "plain.warc"
    (offset,) = query(archive, "SELECT warc_offset FROM captures ORDER BY id LIMIT 1")[0]
    data = copy.read_bytes()
    # The last character of the payload digest in the record's WARC header.
    digest_at = data.index(b"WARC-Payload-Digest: ", offset)
    flip(copy, data.index(b"\r\n", digest_at) - 1)

    result = jcrawl("verify", archive=archive)
    assert result.returncode == 1
    assert f"damaged: plain.warc offset {offset}: payload digest failed" in result.stdout


def test_missing_files_orphans_and_rows_pointing_nowhere_are_listed(archive: Path) -> None:
    capture_id, warc_file, offset, _, _ = an_article_capture(archive)
    with sqlite3.connect(archive / "journal.db") as db:
        db.execute("UPDATE capture_data SET warc_offset = warc_offset + 1 WHERE id = ?", (capture_id,))
        db.execute("INSERT INTO urls (url) VALUES ('http://127.0.0.1/gone/')")
        db.execute(
            "INSERT INTO capture_data (url_id, fetched_at, warc_file, warc_offset, warc_length) "
            "VALUES (last_insert_rowid(), '2024-01-01T00:00:00Z', 'gone.warc.gz', 0, 100)"
        )
        db.execute(
            "DELETE FROM capture_data WHERE id = (SELECT MAX(id) FROM capture_data WHERE warc_file = ?)",
            (warc_file,),
        )
        db.execute("UPDATE article_data SET capture_id = 999999 WHERE id = 1")

    result = jcrawl("verify", archive=archive)
    assert result.returncode == 1
    out = result.stdout
    assert (
        f"dangling: captures #{capture_id} " in out
        and f"no whole record starts at {warc_file} offset {offset + 1}" in out
    )
    assert "missing-file: gone.warc.gz: 1 captures rows point into it" in out
    assert f"orphan: {warc_file}: 2 response/revisit records have no captures row" in out
    assert "dangling: articles #1 " in out and "its capture #999999 does not exist" in out
    assert "damaged:" not in out


def test_verify_without_an_archive_is_a_usage_error(tmp_path: Path) -> None:
    result = jcrawl("verify", archive=tmp_path / "nothing")
    assert result.returncode == 2 and "no archive at" in result.stderr


def test_verify_reads_a_read_only_archive_and_creates_nothing(tmp_path: Path) -> None:
    warc = tmp_path / "foreign.warc.gz"
    write_foreign_warc(warc, compress=True)
    # Outside pytest's own (private) temporary directory, so that another user can reach it.
    reachable = Path(tempfile.mkdtemp(prefix="jcrawl-read-only-"))
    reachable.chmod(0o755)
    archive = reachable / "archive"
    assert jcrawl("import", warc, archive=archive).returncode == 0
    files = sorted(archive.rglob("*"))
    for path in [archive, *files]:
        path.chmod(path.stat().st_mode & ~0o222)
    command = [sys.executable, "-m", "crawler.cli", "verify", "--archive", str(archive)]
    if os.geteuid() == 0:  # root writes anywhere: run as nobody, who cannot
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop privileges")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no problems" in result.stdout and "4 captures" in result.stdout
        assert sorted(archive.rglob("*")) == files  # no lock file, no -wal or -shm
    finally:
        for path in [archive, *files]:
            path.chmod(path.stat().st_mode | 0o200)
        shutil.rmtree(reachable)


def test_verify_waits_for_no_reader_but_for_a_writer(tmp_path: Path) -> None:
    warc = tmp_path / "foreign.warc.gz"
    write_foreign_warc(warc, compress=True)
    archive = tmp_path / "archive"
    assert jcrawl("import", warc, archive=archive).returncode == 0
    with ArchiveLock(archive, "jcrawl verify", shared=True):
        assert jcrawl("verify", archive=archive).returncode == 0  # two readers
        blocked = jcrawl("import", warc, archive=archive)
        assert blocked.returncode == 3 and "a reader such as jcrawl verify" in blocked.stderr
    with ArchiveLock(archive, "jcrawl crawl"):
        blocked = jcrawl("verify", archive=archive)
        assert blocked.returncode == 3 and f"pid {os.getpid()} (jcrawl crawl" in blocked.stderr
