"""Build: the package (pyproject.toml) and its hot extraction modules compiled with mypyc.

Which modules, and how the compiled copies are chosen at import, is in `crawler/extract/compiled.py`.
The compiled modules only make extraction faster: when mypyc rejects the sources (a type error) or
there is no C compiler, the package installs as Python with a warning; `JCRAWL_PURE=1` skips them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from setuptools import setup

PACKAGE = Path(__file__).resolve().parent / "crawler" / "extract"


def compiled_modules() -> list:
    """The mypyc extension modules, or none (with the reason on stderr)."""
    if os.environ.get("JCRAWL_PURE") == "1":
        return []
    spec = importlib.util.spec_from_file_location("_compiled", PACKAGE / "compiled.py")
    compiled = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compiled)  # (by path: the package's dependencies need not be installed)
    try:
        from mypyc.build import mypycify

        extensions = mypycify(
            [str(PACKAGE / f"{name}.py") for name in compiled.MODULES],
            group_name=f"{compiled.PACKAGE}.{compiled.library().removesuffix('__mypyc')}",
        )
    except (Exception, SystemExit) as error:  # (mypyc exits on a type error, having printed it)
        print(f"setup.py: extraction modules not compiled, they run as Python: {error!r}", file=sys.stderr)
        return []
    for extension in extensions:
        extension.optional = True  # a failed C build warns and leaves the module to its source
    # Earlier builds' libraries, of other sources, and their modules' stubs (a stub left beside a source
    # no longer compiled would be imported instead of it, and fail: its library is gone).
    for old in PACKAGE.iterdir():
        if old.name.endswith(tuple(EXTENSION_SUFFIXES)):
            old.unlink()
    return extensions


setup(ext_modules=compiled_modules())
