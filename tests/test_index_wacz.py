"""`jcrawl index` (CDXJ) and `jcrawl wacz` (a WACZ file `wacz validate` accepts, one page per article)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import jcrawl, query
from tests.test_import import write_foreign_warc


def test_index_locates_every_capture(small_archive: Path, tmp_path: Path) -> None:
    output = tmp_path / "index.cdxj"
    result = jcrawl("index", "--output", output, archive=small_archive)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = output.read_text().splitlines()
    assert lines == sorted(lines)  # a sorted CDXJ index, as replay tools binary-search it
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    indexed = {
        (e["filename"], int(e["offset"]), int(e["length"]), e["url"]) for e in entries if "status" in e
    }
    captures = set(query(small_archive, "SELECT warc_file, warc_offset, warc_length, url FROM captures"))
    assert indexed == captures


def test_wacz_validates_and_lists_every_article_with_its_title(small_archive: Path, tmp_path: Path) -> None:
    output = tmp_path / "journal.wacz"
    result = jcrawl("wacz", "--output", output, "--title", "Test Journal", archive=small_archive)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "300 pages" in result.stdout

    wacz = Path(sys.executable).parent / "wacz"
    validate = subprocess.run([wacz, "validate", "-f", output], capture_output=True, text=True)
    assert validate.returncode == 0 and "Validation succeeded" in validate.stdout, validate.stdout

    with zipfile.ZipFile(output) as package:
        names = set(package.namelist())
        header, *pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
        datapackage = json.loads(package.read("datapackage.json"))
        warcs = {name for name in names if name.startswith("archive/")}
        for name in warcs:
            assert package.read(name) == (small_archive / "warc" / Path(name).name).read_bytes()
    assert {"indexes/index.cdx.gz", "indexes/index.idx", "datapackage-digest.json"} <= names
    assert warcs == {f"archive/{p.name}" for p in (small_archive / "warc").glob("*.warc.gz")}
    assert header["format"] == "json-pages-1.0" and datapackage["title"] == "Test Journal"
    expected = query(
        small_archive,
        "SELECT c.url, a.title FROM articles a JOIN captures c ON c.id = a.capture_id",
    )
    assert sorted((p["url"], p["title"]) for p in pages) == sorted(expected)
    assert len(pages) == 300 and all(p["ts"] for p in pages)


def test_wacz_needs_a_wacz_file_name(small_archive: Path, tmp_path: Path) -> None:
    result = jcrawl("wacz", "--output", tmp_path / "journal.zip", archive=small_archive)
    assert result.returncode == 2 and ".wacz" in result.stderr


def test_damaged_records_are_left_out_of_index_and_wacz_and_named(tmp_path: Path) -> None:
    """A record whose gzip member is damaged: one line naming it, exit 1, the rest indexed and packed."""
    warc = tmp_path / "foreign.warc.gz"
    write_foreign_warc(warc, compress=True)
    archive = tmp_path / "archive"
    assert jcrawl("import", warc, archive=archive).returncode == 0
    (offset, length), *_ = query(archive, "SELECT warc_offset, warc_length FROM captures ORDER BY id")
    copy = archive / "warc" / warc.name
    data = bytearray(copy.read_bytes())
    data[offset + length // 2] ^= 0xFF
    copy.write_bytes(bytes(data))

    index = jcrawl("index", archive=archive)
    assert index.returncode == 1 and "Traceback" not in index.stderr, index.stderr[-2000:]
    damaged = [line for line in index.stdout.splitlines() if line.startswith("damaged:")]
    assert len(damaged) == 1 and damaged[0].startswith(f"damaged: {warc.name} offset {offset}: ")
    entries = [
        json.loads(line.split(" ", 2)[2]) for line in (archive / "index.cdxj").read_text().splitlines()
    ]
    indexed = {(entry.get("url", ""), int(entry["offset"])) for entry in entries}
    assert all(at != offset for _, at in indexed)  # left out...
    assert {url.rsplit("/", 2)[1] for url, _ in indexed if "-story" in url} == {
        "chunked-story",
        "chunked-gzip-story",
        "gzip-story",  # ...but its revisit (a whole record) is in
    }

    output = tmp_path / "damaged.wacz"
    packed = jcrawl("wacz", "--output", output, archive=archive)
    assert packed.returncode == 1 and "Traceback" not in packed.stderr, packed.stderr[-2000:]
    assert sum(line.startswith("damaged:") for line in packed.stdout.splitlines()) == 1
    validate = subprocess.run(
        [Path(sys.executable).with_name("wacz"), "validate", "-f", output], capture_output=True, text=True
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
