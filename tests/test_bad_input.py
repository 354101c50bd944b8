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
from contextlib import suppress
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer
from crawler.demo.site import build_site
from crawler.run.lock import ArchiveLock
from crawler.store import ARTICLE_COLUMNS, Batch, Store
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
    conn.execute("UPDATE article_data SET last_seen = last_seen")  # a page in the WAL
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
        with suppress(FileNotFoundError):  # SQLite's -wal and -shm come and go
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
# A damaged record is read past and named in a "damaged: FILE offset N: ..." line on stdout: exit 1.
READ_PAST = (1, None)
INDEX = {**READS, "damaged-db": DONE, "not-a-db": DONE, "damaged-warc": READ_PAST}  # the WARC files only
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
    "verify": (["verify"], {**READS, "damaged-warc": READ_PAST, "locked": IN_USE}),
    "index": (["index"], {**INDEX, "read-only": CANNOT_WRITE, "read-only-wal": CANNOT_WRITE}),
    "index --output": (["index", "--output", "{tmp}/out.cdxj"], INDEX),
    "wacz": (["wacz", "--output", "{tmp}/out.wacz"], {**READS, "damaged-warc": READ_PAST}),
    "report": (["report", "--output", "{tmp}/report.html"], READS),
    "reparse": (["reparse"], {**NEEDS_ONE, "damaged-warc": READ_PAST}),
}  # fmt: skip


def run_jcrawl(args: list[str], unprivileged: bool) -> subprocess.CompletedProcess:
    command = [*(AS_UNPRIVILEGED if unprivileged else []), sys.executable, "-m", "crawler.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)


CASES = [pytest.param(command, name, id=f"{command}-{name}") for command in COMMANDS for name in INPUTS]


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
    if expected[name] is READ_PAST:  # the damaged record named, the rest done
        (damage,) = [line for line in result.stdout.splitlines() if line.startswith("damaged: ")]
        assert ".warc.gz offset " in damage and result.stderr == "", result.stdout + result.stderr
    if name.startswith("read-only") and code == FATAL:
        assert "nothing was done" in result.stderr or "--output" in result.stderr


def _writable_again(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        with suppress(FileNotFoundError):
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


BAD_OPTIONS = {  # arguments (before --archive GOOD) -> words the one line on stderr holds
    ("crawl", "journal.example/news/"): "did you mean http://journal.example/news/?",
    ("crawl", "{site}", "-s", "CONCURRENT_REQUESTS=abc"): "CONCURRENT_REQUESTS takes a whole number",
    ("crawl", "{site}", "-s", "CONCURENT_REQUESTS=4"): "(did you mean CONCURRENT_REQUESTS?)",
    ("crawl", "{site}", "-s", "ROBOTSTXT_OBEY=yes"): "ROBOTSTXT_OBEY takes true or false",
    ("crawl", "{site}", "-s", "DOWNLOAD_DELAY=soon"): "DOWNLOAD_DELAY takes a number",
    ("crawl", "{site}", "-s", "JCRAWL_RECHECK_ARTICLES=[1]"): "JCRAWL_RECHECK_ARTICLES takes a JSON object",
    ("crawl", "{site}", "--max-pages", "0"): "--max-pages: must be at least 1",
    ("update", "-s", "NO_SUCH_THING=1"): "there is no setting NO_SUCH_THING",
    ("update", "--site", "elsewhere.example"): "no site 'elsewhere.example'",
    ("demo", "--port", "70000"): "a port is at most 65535",
    ("search",): "the following arguments are required: query",
    ("search", "x", "--limit", "many"): "--limit: not a number: 'many'",
    ("search", "x", "--limit", "0"): "--limit: must be at least 1",
    ("search", '"unbalanced'): "a double quote is not closed",
    ("show", "99999"): "no article with URL or id '99999'",
    ("history", "1", "--diff", "1", "9"): "no version 9",
    ("export", "--format", "xml"): "invalid choice: 'xml'",
    ("stats", "--bogus"): "unrecognized arguments: --bogus",
    ("verify", "--bogus"): "unrecognized arguments: --bogus",
    ("wacz", "--output", "{tmp}/out.zip"): "--output must name a .wacz file",
    ("wacz", "--output", "{tmp}/no/such/out.wacz"): "out.wacz: there is no folder {tmp}/no/such",
    ("index", "--output", "{tmp}/no/such/index.cdxj"): "there is no folder",
    ("report", "--output", "{tmp}"): "cannot write {tmp}: it is a folder",
    ("serve", "--port", "70000"): "--port: a port is at most 65535",
    ("serve", "--host", "192.0.2.1"): "cannot listen on 192.0.2.1:8001: Cannot assign requested address",
    ("reparse", "--since", "yesterday"): "--since takes an ISO 8601 date",
    ("reparse", "--rebuild", "--site", "x"): "--rebuild builds the whole database",
    ("import", "{tmp}/nothing.warc.gz"): "no such file",
    ("extract", "{tmp}/nothing.html"): "cannot read",
    ("nonsense",): "invalid choice: 'nonsense'",
}  # fmt: skip


@pytest.mark.parametrize("args", BAD_OPTIONS, ids=" ".join)
def test_bad_options_are_one_line_usage_errors(
    args: tuple[str, ...], good: Path, site: str, tmp_path: Path
) -> None:
    argv = [arg.format(site=site, tmp=tmp_path) for arg in args]
    result = run_jcrawl([*argv, "--archive", str(good)], unprivileged=False)
    assert result.returncode == USAGE, result.stderr[-3000:]
    words = BAD_OPTIONS[args].format(site=site, tmp=tmp_path)
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr, result.stderr
    assert result.stderr.startswith("jcrawl") and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_lists_the_exit_codes_it_ends_with(command: str) -> None:
    args, expected = COMMANDS[command]
    result = run_jcrawl([args[0], "--help"], unprivileged=False)
    listed = {int(line.split()[0]) for line in result.stdout.split("exit codes:\n", 1)[1].splitlines()}
    assert {code for code, _ in expected.values()} <= listed, result.stdout


def test_no_command_is_a_usage_error_that_names_the_help() -> None:
    result = run_jcrawl([], unprivileged=False)
    assert result.returncode == USAGE
    assert (
        result.stderr == "jcrawl: error: the following arguments are required: COMMAND (see jcrawl --help)\n"
    )


def test_a_damaged_database_is_rebuilt_from_the_warc_files(good: Path, tmp_path: Path) -> None:
    archive = damaged_db(good, tmp_path)
    refused = run_jcrawl(["search", "phosphate", "--archive", str(archive)], unprivileged=False)
    assert refused.returncode == FATAL and "jcrawl reparse --rebuild" in refused.stderr
    rebuilt = run_jcrawl(["reparse", "--rebuild", "--archive", str(archive)], unprivileged=False)
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    (aside,) = archive.glob("journal.db.old-*Z")
    assert f"The old database is {aside}." in rebuilt.stdout
    assert query(archive, "SELECT url, content_hash FROM articles ORDER BY url") == query(
        good, "SELECT url, content_hash FROM articles ORDER BY url"
    )
    assert run_jcrawl(["search", "phosphate", "--archive", str(archive)], unprivileged=False).returncode == 0


def test_a_closed_pipe_ends_the_output_quietly(tmp_path: Path) -> None:
    """`jcrawl export | head -1`: the reader goes away after one line of a megabyte of output."""
    store = Store(tmp_path)
    batch = Batch()
    for n in range(300):
        url = f"http://127.0.0.1:9/story-{n}/"
        batch.captures.append(
            {
                "id": n + 1,
                "url": url,
                "fetched_at": "2024-01-01T00:00:00Z",
                "warc_file": "x",
                "warc_offset": n,
                "warc_length": 1,
            }
        )
        batch.articles.append(
            {
                **dict.fromkeys(ARTICLE_COLUMNS),
                "url": url,
                "body": "word " * 800,
                "authors": "[]",
                "tags": "[]",
                "capture_id": n + 1,
                "first_seen": "2024-01-01",
                "last_seen": "2024-01-01",
                "profile_version": 0,
            }
        )
    store.write(batch)
    store.close()
    run = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "export", "--archive", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdout is not None and run.stderr is not None
    first = run.stdout.readline()
    run.stdout.close()
    stderr = run.stderr.read().decode()
    assert run.wait(timeout=60) == 141 and first.startswith(b'{"id": 1,')
    assert stderr == ""


def test_a_crawl_that_crashes_never_exits_0(site: str, tmp_path: Path) -> None:
    """A setting Scrapy cannot start with (a middleware that does not exist): exit 70, the one line
    names the error and where its traceback is."""
    result = run_jcrawl(
        [
            "crawl",
            site,
            "-s",
            'DOWNLOADER_MIDDLEWARES={"no.such.Middleware": 10}',
            "--archive",
            str(tmp_path),
        ],
        unprivileged=False,
    )
    assert result.returncode == 70, result.stderr[-3000:]
    assert result.stderr.splitlines() == [
        "jcrawl crawl: unexpected error: the crawl failed: ModuleNotFoundError: No module named 'no' "
        f"(the traceback is in {tmp_path / 'jcrawl.log'})"
    ]
    assert "Traceback" in (tmp_path / "jcrawl.log").read_text()
