"""Regular expressions compiled at start-up, kept between runs as Python keeps compiled bytecode.

A crawl's start-up compiles some 350 regular expressions (the extractor's tables of month names,
scripts, bylines; Scrapy's, Twisted's and their libraries'). Python compiles each in Python (re._parser,
re._compiler) into a program for its C matcher: a third of a one-page crawl's instructions
(callgrind), paid again by the extraction workers' forkserver (crawler/startup.py). Between `install`
and `save`, each pattern is made from its program as the last such start-up kept it, handed straight
to the matcher (`_sre.compile`, which checks it) with the same pattern, flags and groups: the very
Pattern compiling it anew makes (tests/test_regex_cache.py). `save` writes the programs of the
patterns compiled meanwhile beside this package's bytecode, if the file lacked any: only a
start-up's, never those a crawl compiles later (some from what its pages hold).

The file is one interpreter's (its name carries the cache tag, its contents the exact Python version
and the matcher's MAGIC); a missing, stale or unreadable one, or a program the matcher refuses, only
means compiling as before, and none is written when Python writes no bytecode
(PYTHONDONTWRITEBYTECODE) or cannot write there.
"""

from __future__ import annotations

import _sre
import contextlib
import marshal
import os
import sys
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

FOLDER = Path(__file__).resolve().parent / "__pycache__"
# A file written by another Python is never read: the matcher's programs change between versions.
STAMP = (sys.version, _sre.MAGIC)

Key = tuple[str | bytes, int]
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_compile = _compiler.compile  # Python's
_kept: dict[Key, Program] = {}  # the programs read from the file
_used: dict[Key, Program] = {}  # the programs of the patterns compiled since `install`
_name = ""  # of the file in use ("" while not installed)


def path(name: str) -> Path:
    """The file of the start-up called `name`, for this interpreter."""
    return FOLDER / f"regex-{name}.{sys.implementation.cache_tag}.marshal"


def install(name: str) -> None:
    """Compile patterns from the programs the last start-up called `name` kept, until `save`."""
    global _name
    _name = name
    _kept.clear()
    _used.clear()
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        stamp, programs = marshal.loads(path(name).read_bytes())
        if stamp == STAMP:
            _kept.update(programs)
    _compiler.compile = _compiled


def installed() -> bool:
    """True between `install` and `save`."""
    return bool(_name)


def save() -> None:
    """Compile patterns as Python does again; write the programs of those compiled since `install`,
    if the file lacked any (or held one the matcher refused)."""
    global _name
    if not _name:
        return
    _compiler.compile = _compile
    name, _name = _name, ""
    if _used.items() <= _kept.items() or sys.dont_write_bytecode:  # (a refused program: not kept)
        return
    target = path(name)
    temporary = target.with_name(f"{target.name}.{os.getpid()}")
    with contextlib.suppress(OSError):
        FOLDER.mkdir(exist_ok=True)
        temporary.write_bytes(marshal.dumps((STAMP, _used)))
        os.replace(temporary, target)  # whole or not at all, whoever else writes it
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)


def program(pattern: str | bytes, flags: int) -> Program:
    """What Python's re._compiler.compile hands the matcher for `pattern` and `flags`, after the
    pattern itself."""
    tree = _parser.parse(pattern, flags)
    code = list(map(int, _compiler._code(tree, flags)))  # its opcodes are int subclasses marshal refuses
    groupindex = tree.state.groupdict
    indexgroup: list[str | None] = [None] * tree.state.groups
    for group, index in groupindex.items():
        indexgroup[index] = group
    return flags | tree.state.flags, code, tree.state.groups - 1, groupindex, tuple(indexgroup)


def _compiled(pattern: Any, flags: int = 0) -> Any:
    """re._compiler.compile, from the kept program when there is one."""
    if type(pattern) not in (str, bytes) or flags & _compiler.SRE_FLAG_DEBUG:  # (marshal: exact types)
        return _compile(pattern, flags)
    key = (pattern, int(flags))  # (a RegexFlag, from a caller of re._compiler's own)
    found = _kept.get(key)
    if found is not None:
        try:
            made = _sre.compile(pattern, *found)
        except (RuntimeError, TypeError, ValueError, OverflowError):  # a damaged file: the matcher refused it
            found = None
    if found is None:
        try:
            found = program(*key)
            made = _sre.compile(pattern, *found)
        except Exception:  # a bad pattern, or a Python whose re._compiler differs: Python's own says
            return _compile(pattern, flags)
    _used[key] = found
    return made
