"""Every command against every bad input: the documented exit code, one line on stderr, no traceback.

The inputs: no archive at DIR, an empty directory, a read-only archive (with and without WAL files),
a damaged journal.db, a file that is not a database, a damaged WARC record, an archive locked by
another run, and bad options. A read-only archive is made with `chmod -R a-w`; as root, whom file
modes do not stop, the command runs without the capabilities that let root write anyway (setpriv).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from crawler.lock import ArchiveLock
from tests.helpers import ROOT, free_port, jcrawl, query

# Root ignores file modes unless it runs without these capabilities.
AS_UNPRIVILEGED = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable"]
    if os.geteuid() == 0
    else []
)
ARTICLES = 5
USAGE, LOCKED, FATAL = 2, 3, 4


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo journal (5 stories) on a free loopback port, for the whole module."""
    server = DemoServer(tmp_path_factory.mktemp("site"), port=free_port())
    with server:
        build_site(server.directory, server.url, ARTICLES)
        server.start()
        yield server.url


@pytest.fixture(scope="module")
def good(site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the demo journal, its database checkpointed (no -wal or -shm files left)."""
    archive = tmp_path_factory.mktemp("good")
    result = jcrawl("crawl", site, archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    sqlite3.connect(archive / "journal.db").close()  # the last connection out removes the WAL files
    assert not list(archive.glob("journal.db-*"))
    return archive


@pytest.fixture(scope="module")
def other_warc(good: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WARC file to import: the good archive's, under a name no archive here has."""
    (source,) = sorted((good / "warc").glob("*.warc.gz"))
    copy = tmp_path_factory.mktemp("import") / "other-crawler.warc.gz"
    shutil.copyfile(source, copy)
    return copy


# --- the inputs: each makes the archive a command is run on ---------------------------------------
def missing(good: Path, tmp: Path) -> Path:
    return tmp / "nothing-here"


def empty(good: Path, tmp: Path) -> Path:
    (tmp / "empty").mkdir()
    return tmp / "empty"


def read_only(good: Path, tmp: Path) -> Path:
    archive = shutil.copytree(good, tmp / "read-only")
    _chmod_tree(archive, ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return archive


def read_only_with_wal(good: Path, tmp: Path) -> Path:
    """A read-only copy taken while a writer had the database open: its -wal and -shm files too."""
    archive = shutil.copytree(good, tmp / "read-only-wal")
    conn = sqlite3.connect(archive / "journal.db")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("UPDATE articles SET last_seen = last_seen")  # a page in the WAL
    shutil.copytree(archive, tmp / "copy")  # what a backup of the running archive holds
    conn.close()
    shutil.rmtree(archive)
    (tmp / "copy").rename(archive)
    assert (archive / "journal.db-wal").exists()
    _chmod_tree(archive, ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return archive


def damaged_db(good: Path, tmp: Path) -> Path:
    """journal.db with its first page garbled after the header: its schema cannot be read."""
    archive = shutil.copytree(good, tmp / "damaged-db")
    with open(archive / "journal.db", "r+b") as f:
        f.seek(100)
        f.write(bytes(range(256)) * 15)
    return archive


def not_a_db(good: Path, tmp: Path) -> Path:
    archive = shutil.copytree(good, tmp / "not-a-db")
    (archive / "journal.db").write_bytes(b"this is not a database\n" * 200)
    return archive


def damaged_warc(good: Path, tmp: Path) -> Path:
    """One byte flipped in the middle of the compressed data of article 1's response record."""
    archive = shutil.copytree(good, tmp / "damaged-warc")
    ((name, offset, length),) = query(
        archive,
        "SELECT warc_file, warc_offset, warc_length FROM captures WHERE id = "
        "(SELECT capture_id FROM articles WHERE id = 1)",
    )
    with open(archive / "warc" / name, "r+b") as f:
        f.seek(offset + length // 2)
        byte = f.read(1)[0]
        f.seek(offset + length // 2)
        f.write(bytes([byte ^ 0xFF]))
    return archive


def locked(good: Path, tmp: Path) -> Path:
    return shutil.copytree(good, tmp / "locked")  # the test holds the lock while the command runs


def _chmod_tree(root: Path, mask: int) -> None:
    for path in [*root.rglob("*"), root]:
        path.chmod(path.stat().st_mode & mask)


INPUTS: dict[str, Callable[[Path, Path], Path]] = {
    "missing": missing,
    "empty": empty,
    "read-only": read_only,
    "read-only-wal": read_only_with_wal,
    "damaged-db": damaged_db,
    "not-a-db": not_a_db,
    "damaged-warc": damaged_warc,
    "locked": locked,
}

# --- the commands and what each input must give: (exit code, words the one line on stderr holds) ----
NO_ARCHIVE = (USAGE, "no archive at")
IN_USE = (LOCKED, "is in use by")
DAMAGED = (FATAL, "jcrawl reparse --rebuild")
CANNOT_WRITE = (FATAL, "cannot write")
DONE = (0, None)
READS = {  # a command that only reads the database
    "missing": NO_ARCHIVE,
    "empty": NO_ARCHIVE,
    "read-only": DONE,
    "read-only-wal": DONE,
    "damaged-db": DAMAGED,
    "not-a-db": DAMAGED,
    "damaged-warc": DONE,
    "locked": DONE,
}
WRITES = {  # a command that makes or changes an archive (it creates one where there is none)
    "missing": DONE,
    "empty": DONE,
    "read-only": CANNOT_WRITE,
    "read-only-wal": CANNOT_WRITE,
    "damaged-db": DAMAGED,
    "not-a-db": DAMAGED,
    "damaged-warc": DONE,
    "locked": IN_USE,
}
INDEX = {**READS, "damaged-db": DONE, "not-a-db": DONE}  # reads the WARC files only
NEEDS_ONE = {**WRITES, "missing": NO_ARCHIVE, "empty": NO_ARCHIVE}  # update and reparse
COMMANDS: dict[str, tuple[list[str], dict[str, tuple[int, str | None]]]] = {
    "crawl": (["crawl", "{site}"], WRITES),
    "demo": (["demo", "--port", "{port}", "--articles", "5"], WRITES),
    "update": (["update"], {**NEEDS_ONE, "damaged-warc": DONE}),
    "search": (["search", "phosphate"], READS),
    "show": (["show", "1"], READS),
    "export": (["export"], READS),
    "stats": (["stats"], READS),
    "history": (["history", "1"], READS),
    "import": (["import", "{warc}"], WRITES),
    "verify": (["verify"], {**READS, "damaged-warc": (1, None), "locked": IN_USE}),
    "index": (["index"], {**INDEX, "read-only": CANNOT_WRITE, "read-only-wal": CANNOT_WRITE}),
    "index --output": (["index", "--output", "{tmp}/out.cdxj"], INDEX),
    "wacz": (["wacz", "--output", "{tmp}/out.wacz"], READS),
    "reparse": (["reparse"], {**NEEDS_ONE, "damaged-warc": (FATAL, "jcrawl verify")}),
}  # fmt: skip
# index and wacz name each damaged record they skip (one line each) and go on: the `archive` branch.
SKIPS_DAMAGED_RECORDS = {
    ("index", "damaged-warc"),
    ("index --output", "damaged-warc"),
    ("wacz", "damaged-warc"),
}


def run_jcrawl(args: list[str], unprivileged: bool) -> subprocess.CompletedProcess:
    command = [*(AS_UNPRIVILEGED if unprivileged else []), sys.executable, "-m", "crawler.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)


CASES = [
    pytest.param(
        command,
        name,
        marks=[pytest.mark.xfail(strict=True, reason="needs the archive branch: damaged records skipped")]
        if (command, name) in SKIPS_DAMAGED_RECORDS
        else [],
        id=f"{command}-{name}",
    )
    for command in COMMANDS
    for name in INPUTS
]


@pytest.mark.parametrize(("command", "name"), CASES)
def test_every_command_on_every_bad_input(
    command: str, name: str, good: Path, site: str, other_warc: Path, tmp_path: Path
) -> None:
    args, expected = COMMANDS[command]
    code, words = expected[name]
    archive = INPUTS[name](good, tmp_path)
    values = {"site": site, "port": str(free_port()), "warc": str(other_warc), "tmp": str(tmp_path)}
    argv = [arg.format(**values) for arg in args] + ["--archive", str(archive)]
    try:
        if name == "locked":
            with ArchiveLock(archive, "a test holding the lock"):
                result = run_jcrawl(argv, unprivileged=False)
        else:
            result = run_jcrawl(argv, unprivileged=name.startswith("read-only"))
    finally:
        _writable_again(tmp_path)  # for pytest to remove it
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "unexpected error" not in output, output[-3000:]
    assert result.returncode == code, output[-3000:]
    if code in (USAGE, LOCKED, FATAL):
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith(f"jcrawl {args[0]}: ") and words in result.stderr, result.stderr
    if (command, name) in SKIPS_DAMAGED_RECORDS:
        assert all("damaged" in line or "skipped" in line for line in result.stderr.splitlines()), (
            result.stderr
        )
    if name.startswith("read-only") and code == FATAL:
        assert "nothing was done" in result.stderr or "--output" in result.stderr


def _writable_again(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
