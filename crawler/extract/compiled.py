"""The hot extraction modules compiled with mypyc, and the choice, at import, of compiled or source.

`setup.py` compiles MODULES (the walk, the body and container choices, the metadata pickers and what
they call; not `learn` and `model`, whose classes cross a process boundary pickled, nor `article`,
whose entry points take any input and never raise, nor `embedded`, `encoding`, `profile`)
into C extension modules beside their sources when the package is installed (`pip install -e .`, as
`make` does). Compiling the walk, body and container modules took about 15% off extraction's CPU;
compiling the metadata modules too took about 5% more off a bench-site page's instructions (callgrind). The
shared library they load is named after a digest of the sources it was built from
(`native_<digest>__mypyc`), so a build is used only while the sources are those it was built from:
after an edit or a `git pull` the sources run, as Python, until the next install compiles them again.
`JCRAWL_PURE=1` runs the sources whatever is built (and `setup.py` then compiles nothing).

The compiled modules declare their module-level constants (tables, patterns, memos) `Final`: compiled
code then reads each from a C static, where it would otherwise look the name up in the module's dict
at every use (about 2% of a bench page's instructions, callgrind).

The digest covers every module of this package and `crawler/urls.py`, not only MODULES: compiled code
checks the values it receives from the modules it imports against the types they had at the build.

This module is imported first by `crawler/extract/__init__.py`, before any of MODULES, and is itself
never compiled (`setup.py` loads it by path, with no dependency installed).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path

MODULES = (
    "agency",
    "around",
    "authors",
    "blocks",
    "body",
    "boilerplate",
    "classes",
    "container",
    "credit",
    "dates",
    "head",
    "headline",
    "jsonld",
    "language",
    "link_lines",
    "links",
    "marks",
    "memo",
    "metadata",
    "months",
    "negatives",
    "own_page",
    "page",
    "page_dates",
    "prose",
    "prune",
    "relative",
    "render",
    "sitename",
    "teasers",
    "terms",
    "text",
    "text_lines",
    "title",
    "urls",
    "wording",
)
PACKAGE = "crawler.extract"
HERE = Path(__file__).resolve().parent


def digest(folder: Path = HERE) -> str:
    """A digest of the sources the compiled code depends on, in the package `folder`."""
    sha = hashlib.sha256()
    for path in [*sorted(folder.glob("*.py")), folder.parent / "urls.py"]:
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:16]


def library(folder: Path = HERE) -> str:
    """The name (in the package) of the shared library built from the sources now in `folder`."""
    return f"native_{digest(folder)}__mypyc"


def built(folder: Path = HERE) -> bool:
    """Whether `folder` holds the compiled modules built from its sources: the shared library and every
    module's extension beside it, for this interpreter."""
    suffix = EXTENSION_SUFFIXES[0]  # (the one setuptools builds: e.g. .cpython-311-x86_64-linux-gnu.so)
    names = [library(folder), *MODULES]
    return all((folder / (name + suffix)).is_file() for name in names)


class _Sources(MetaPathFinder):
    """Imports the package's modules from their sources, ahead of the path finder (which prefers an
    extension module beside a source: a stale one, here; also of a module no longer in MODULES)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        package, _, module = name.rpartition(".")
        source = HERE / f"{module}.py"
        if package != PACKAGE or not source.is_file():
            return None
        return importlib.util.spec_from_file_location(name, source)


COMPILED = os.environ.get("JCRAWL_PURE") != "1" and built()
if not COMPILED:
    sys.meta_path.insert(0, _Sources())
