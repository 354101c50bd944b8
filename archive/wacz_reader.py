"""The WARC files and pages list of a WACZ file (the packaging ReplayWeb.page and browsertrix write),
unpacked for `jcrawl import`.

A WACZ is a ZIP holding `archive/*.warc[.gz]`, `pages/pages.jsonl` (the pages the collection is
about: URL, time, title), CDXJ indexes and `datapackage.json` with each file's SHA-256. Each WARC file
is unpacked as `<wacz name>-<warc name>` (so two WACZ files' `data.warc.gz` do not collide) and its
hash checked against the datapackage; the pages list is read for the import's summary.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from archive.reader import WARC_SUFFIXES

COPY_CHUNK = 1 << 20


class WaczReadError(ValueError):
    """The file is not a WACZ file `jcrawl import` can read (the message says why)."""


@dataclass
class Unpacked:
    """What a WACZ file gave: its WARC files (unpacked path, name in the archive), its pages' URLs,
    and a line per WARC file whose bytes differ from the datapackage's hash."""

    warcs: list[tuple[Path, str]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)


def unpack_wacz(path: Path, into: Path) -> Unpacked:
    """Unpack the WARC files of WACZ `path` into directory `into`; read its pages list."""
    if not path.is_file():
        raise WaczReadError(f"{path}: no such file")
    try:
        with zipfile.ZipFile(path) as wacz:
            names = wacz.namelist()
            warcs = [n for n in names if n.startswith("archive/") and n.endswith(WARC_SUFFIXES)]
            if not warcs:
                raise WaczReadError(f"{path}: a WACZ file with no WARC file under archive/")
            hashes = _hashes(wacz, names)
            unpacked = Unpacked(pages=_pages(wacz, names))
            for name in warcs:
                target_name = f"{path.stem}-{Path(name).name}"
                target = into / target_name
                digest = hashlib.sha256()
                with wacz.open(name) as source, open(target, "wb") as out:
                    while chunk := source.read(COPY_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                expected = hashes.get(name)
                if expected and expected.removeprefix("sha256:") != digest.hexdigest():
                    unpacked.damaged.append(
                        f"{path.name} {name}: its SHA-256 differs from datapackage.json's"
                    )
                unpacked.warcs.append((target, target_name))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WaczReadError(f"{path}: cannot be read as a WACZ (ZIP) file: {exc}") from None
    return unpacked


def _hashes(wacz: zipfile.ZipFile, names: list[str]) -> dict[str, str]:
    """path -> SHA-256 hex digest, from datapackage.json ({} without one)."""
    if "datapackage.json" not in names:
        return {}
    try:
        package = json.loads(wacz.read("datapackage.json"))
        return {r["path"]: r.get("hash") or r.get("stats", {}).get("hash", "") for r in package["resources"]}
    except (ValueError, KeyError, TypeError):
        return {}


def _pages(wacz: zipfile.ZipFile, names: list[str]) -> list[str]:
    """The URLs of `pages/pages.jsonl` (its header line and unreadable lines left out)."""
    if "pages/pages.jsonl" not in names:
        return []
    urls = []
    for line in wacz.read("pages/pages.jsonl").decode("utf-8", "replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("url"):
            urls.append(str(entry["url"]))
    return urls
