"""`jcrawl index` (CDXJ) and `jcrawl wacz` (a WACZ file `wacz validate` accepts, one page per article)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import jcrawl, query


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
