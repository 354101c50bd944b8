"""Other tools' WARC, ARC and WACZ files (../shared/warcs, several damaged on purpose) read back whole.

Each file is imported into an archive of its own and verified; the expected outcome is what the file
holds (see ../shared/warcs/README.md): its captures, articles, revisits linked to their original,
the damaged records reported (by offset), and the exit codes of `import` and `verify`.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from crawler.cli import main
from tests.helpers import SHARED, jcrawl, query

WARCS = SHARED / "warcs"


class Outcome(NamedTuple):
    exit: int  # of `jcrawl import` (and of `jcrawl verify` on the archive it made, unless refused)
    captures: int
    linked: int  # revisits whose original was found (revisit_of set)
    articles: int
    damaged: tuple[int, ...] = ()  # offsets of the damaged records reported, once each


OUTCOMES = {
    # Webrecorder/pywb recorder: 9 revisits of iana.org assets whose originals are in iana.warc.gz.
    "pywb__dupes.warc.gz": Outcome(0, 12, 1, 0),
    # Hand-edited: the second response's payload no longer matches its digest; the revisits name the
    # first by WARC-Refers-To-Target-URI + WARC-Refers-To-Date.
    "pywb__example-extra.warc": Outcome(1, 3, 2, 0, (3207,)),
    "pywb__example-url-agnostic-orig.warc.gz": Outcome(0, 1, 0, 0),
    "pywb__example-url-agnostic-revisit.warc.gz": Outcome(0, 1, 0, 0),  # its original: the file above
    "pywb__example-wget-1-14.warc.gz": Outcome(0, 1, 0, 0),
    "pywb__example-wpull.warc.gz": Outcome(0, 1, 0, 0),
    "pywb__example2.warc.gz": Outcome(0, 1, 0, 0),  # gzip Content-Encoding
    "pywb__httpbin-resource.warc.gz": Outcome(0, 0, 0, 0),  # a resource record only
    # Pages stored de-chunked with their Transfer-Encoding header kept; stylesheets, scripts, fonts.
    # The articles: the 14 reference pages under a headline (the home page is not one).
    "pywb__iana.warc.gz": Outcome(0, 171, 114, 14),
    "pywb__missing-status-text.warc": Outcome(0, 1, 0, 0),
    "pywb__valid_example_1.wacz": Outcome(0, 1, 0, 0),
    "warc-specifications__20130729-heritrix-original.warc.gz": Outcome(0, 1, 0, 0),
    "warc-specifications__20130729-heritrix-revisit-with-http-headers.warc.gz": Outcome(0, 1, 0, 0),
    "warc-specifications__20141124-heritrix-server-not-modified.warc.gz": Outcome(0, 1, 0, 0),
    "warc-specifications__20141129-heritrix-original.warc.gz": Outcome(0, 1, 0, 1),
    "warc-specifications__20141129-heritrix-revisit-with-http-headers-and-new-warc-headers.warc.gz": Outcome(
        0, 1, 0, 0
    ),
    "warc-specifications__hello-world.warc.gz": Outcome(0, 1, 0, 0),  # text/plain: not a page
    "warcat__at.warc": Outcome(0, 2, 0, 1),
    "warcat__at.warc.gz": Outcome(0, 2, 0, 1),
    "warcat__bad_http_chunked_content.warc": Outcome(0, 1, 0, 0),
    "warcat__long_url.warc": Outcome(0, 1, 0, 0),
    "warcat__not_utf8_http_header.warc": Outcome(0, 1, 0, 0),
    "warcio__bad.arc": Outcome(0, 3, 0, 0),
    "warcio__example-digest.warc": Outcome(1, 0, 0, 0, (0,)),  # a request whose payload digest is wrong
    "warcio__example-iana.org-chunked.warc": Outcome(0, 1, 0, 0),  # iana.org's home page
    "warcio__example-resource.warc.gz": Outcome(0, 0, 0, 0),
    "warcio__example-space-in-target-uri.warc.gz": Outcome(0, 0, 0, 0),  # warcio only warns: no damage
    # example.com's headline and paragraph at a deep URL: as short a story as a brief.
    "warcio__example-space-in-url.arc": Outcome(0, 1, 0, 1),
    "warcio__example-trunc.warc": Outcome(1, 0, 0, 0, (1197,)),  # the response is cut short
    "warcio__example-wget-bad-target-uri.warc.gz": Outcome(0, 1, 0, 0),
    # A record whose block continues in the gzip members after its own: reported once.
    "warcio__example-wrong-chunks.warc.gz": Outcome(1, 0, 0, 0, (0,)),
    "warcio__example.arc": Outcome(0, 1, 0, 0),
    "warcio__example.arc.gz": Outcome(0, 1, 0, 0),
    "warcio__example.warc": Outcome(0, 2, 1, 0),
    "warcio__example.warc.gz": Outcome(0, 2, 1, 0),
    "warcio__post-test.warc.gz": Outcome(0, 3, 0, 0),
}
# Files `import` refuses whole (exit 2, nothing copied), and what it says.
REFUSED = {
    "warcio__example-bad-non-chunked.warc.gz": "warcio recompress",  # gzipped as one stream
    "warcio__example-bad.warc.gz.bad": "not a WARC file name",
}
# Originals and their revisits in separate files: imported together, each revisit is linked.
PAIRS = [
    # WARC-Refers-To (and a target URI other than the revisit's own)
    ("pywb__example-url-agnostic-orig.warc.gz", "pywb__example-url-agnostic-revisit.warc.gz"),
    # no Refers-To fields at all: the target URI and payload digest
    (
        "warc-specifications__20130729-heritrix-original.warc.gz",
        "warc-specifications__20130729-heritrix-revisit-with-http-headers.warc.gz",
    ),
    # WARC-Refers-To-Target-URI + WARC-Refers-To-Date (WARC/1.1 fields), and a 304 without them
    (
        "warc-specifications__20141129-heritrix-original.warc.gz",
        "warc-specifications__20141129-heritrix-revisit-with-http-headers-and-new-warc-headers.warc.gz",
    ),
]

needs_shared = pytest.mark.skipif(not WARCS.is_dir(), reason="../shared/warcs is not beside the project")


def damage_offsets(output: str, name: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(rf"^damaged: {re.escape(name)} offset (\d+):", output, re.M))


@needs_shared
def test_every_shared_file_has_an_expected_outcome() -> None:
    files = {p.name for p in WARCS.iterdir() if p.name != "README.md"}
    assert files == set(OUTCOMES) | set(REFUSED)


def in_process(capsys: pytest.CaptureFixture, *args: str | Path) -> subprocess.CompletedProcess:
    """`jcrawl ARGS` run in this process (import and verify start no reactor): 1.5 s of start-up saved."""
    try:
        code = main([*map(str, args)])
    except SystemExit as exc:  # a usage error
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


@needs_shared
@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_import_and_verify_each_file(name: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    expected = OUTCOMES[name]
    archive = tmp_path / "archive"
    result = in_process(capsys, "import", WARCS / name, "--archive", archive)
    assert "Traceback" not in result.stderr
    assert result.returncode == expected.exit, result.stdout + result.stderr
    stored = name.removesuffix(".wacz") + "-" if name.endswith(".wacz") else name
    assert damage_offsets(result.stdout, stored) == expected.damaged, result.stdout
    (captures, linked), *_ = query(archive, "SELECT COUNT(*), COUNT(revisit_of) FROM captures")
    assert (captures, linked) == (expected.captures, expected.linked)
    assert query(archive, "SELECT COUNT(*) FROM articles") == [(expected.articles,)]
    # Every crawls row made by the import starts before it ends and names where it came from.
    for started, finished, start_url in query(
        archive, "SELECT started_at, finished_at, start_url FROM crawls"
    ):
        assert started <= finished and start_url and start_url != "None"

    verify = in_process(capsys, "verify", "--archive", archive)
    assert verify.returncode == expected.exit, verify.stdout
    assert len(re.findall(r"^damaged: ", verify.stdout, re.M)) == len(expected.damaged), verify.stdout
    assert "dangling" not in verify.stdout and "Traceback" not in verify.stderr


@needs_shared
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_files_that_cannot_be_located_are_refused(name: str, tmp_path: Path) -> None:
    result = jcrawl("import", WARCS / name, archive=tmp_path / "archive")
    assert result.returncode == 2 and REFUSED[name] in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not any((tmp_path / "archive" / "warc").glob("*"))


@needs_shared
@pytest.mark.parametrize("original, revisit", PAIRS, ids=["refers-to", "digest", "target-and-date"])
def test_revisits_of_other_tools_are_linked(original: str, revisit: str, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    result = jcrawl("import", WARCS / original, WARCS / revisit, archive=archive)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = query(archive, "SELECT id, warc_file, revisit_of FROM captures ORDER BY id")
    (first, first_file, none), (_, second_file, linked) = rows
    assert (first_file, second_file, none, linked) == (original, revisit, None, first)


@needs_shared
def test_a_revisit_is_not_linked_to_another_payload(tmp_path: Path) -> None:
    """Heritrix's 304 of www.bl.uk names no original but its digest, which the 2013 capture of the
    same URL does not have: it stays unlinked rather than linked to the wrong capture."""
    archive = tmp_path / "archive"
    files = [
        "warc-specifications__20130729-heritrix-original.warc.gz",
        "warc-specifications__20141124-heritrix-server-not-modified.warc.gz",
    ]
    result = jcrawl("import", *(WARCS / name for name in files), archive=archive)
    assert result.returncode == 0, result.stdout + result.stderr
    assert query(archive, "SELECT COUNT(*), COUNT(revisit_of) FROM captures") == [(2, 0)]


@needs_shared
def test_all_files_together_reparse_to_the_same_database(tmp_path: Path) -> None:
    """Everything whole is kept: import all, delete journal.db, reparse: the same captures and articles."""
    archive = tmp_path / "archive"
    result = jcrawl("import", *(WARCS / name for name in sorted(OUTCOMES)), archive=archive)
    assert result.returncode == 1  # the damaged files
    damaged = sorted(set(re.findall(r"^damaged: (.*)$", result.stdout, re.M)))
    assert len(damaged) == sum(len(o.damaged) for o in OUTCOMES.values())
    captures = (
        "SELECT url, fetched_at, status, warc_file, warc_offset, payload_digest FROM captures ORDER BY 4, 5"
    )
    articles = "SELECT url, title, content_hash FROM articles ORDER BY url"
    before = query(archive, captures), query(archive, articles)
    for path in archive.glob("journal.db*"):
        path.unlink()
    rebuilt = jcrawl("reparse", archive=archive)
    assert rebuilt.returncode == 1
    assert sorted(set(re.findall(r"^damaged: (.*)$", rebuilt.stdout, re.M))) == damaged
    assert (query(archive, captures), query(archive, articles)) == before


@needs_shared
def test_stylesheets_scripts_and_fonts_never_become_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """pywb's iana.org crawl holds pages, stylesheets, scripts, SVG images and fonts: only pages are
    extracted, and `search function` finds no script."""
    archive = tmp_path / "archive"
    assert in_process(capsys, "import", WARCS / "pywb__iana.warc.gz", "--archive", archive).returncode == 0
    types = query(
        archive, "SELECT DISTINCT c.content_type FROM articles a JOIN captures c ON c.id = a.capture_id"
    )
    assert types and all("text/html" in content_type.lower() for (content_type,) in types)
    kinds = {t.split(";")[0] for (t,) in query(archive, "SELECT DISTINCT content_type FROM captures")}
    assert {"text/css", "application/x-javascript", "image/svg+xml"} <= kinds
    found = in_process(capsys, "search", "function", "--archive", archive)
    assert ".js" not in found.stdout and ".css" not in found.stdout
