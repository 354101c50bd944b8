"""The gzip members of a file, one after the other, read in one streaming pass: the one scanner that
`verify`, `import`/`reparse` (archive/records.py) and the repair after a kill (crawler/run/recovery.py) use.

A WARC file written as it should be (`.warc.gz`, `.arc.gz`) is a series of gzip members, one per
record, so a member's offset and length locate its record. The file is read in large sequential
blocks and each member is inflated on its own, so zlib checks its CRC-32 and length: a flipped bit
anywhere in the compressed data or the trailer makes the member unreadable. An unreadable stretch
(a damaged member, garbage between members, a file cut inside a member) is handed out once, as
`Unreadable` at the offset where it starts, and reading goes on at the next whole member.
Memory holds one read block and one member, whatever the file's size.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b\x08"
READ_SIZE = 4 << 20  # one sequential read
FIRST_FEED = 1 << 14  # the first bytes of a member handed to zlib; doubled until it ends
MAX_FEED = 1 << 20


@dataclass(slots=True)
class Member:
    """A whole gzip member: where it lies in the file and what it inflates to."""

    offset: int
    length: int
    data: bytes


@dataclass(slots=True)
class Unreadable:
    """Bytes from `offset` on that hold no whole gzip member (`length` bytes, up to the next one)."""

    offset: int
    length: int
    reason: str


class _Blocks:
    """Random access to a file through one block of at most READ_SIZE (+ one request) bytes."""

    def __init__(self, f: BinaryIO):
        self.f = f
        self.start = 0
        self.data = b""
        f.seek(0, 2)
        self.size = f.tell()

    def view(self, position: int, length: int) -> memoryview:
        """Up to `length` bytes at `position` (fewer only at the end of the file)."""
        end = min(position + length, self.size)
        if not (self.start <= position and end <= self.start + len(self.data)):
            if self.start <= position < self.start + len(self.data):  # keep the tail, read on
                self.f.seek(self.start + len(self.data))
                self.data = self.data[position - self.start :] + self.f.read(max(READ_SIZE, length))
            else:
                self.f.seek(position)
                self.data = self.f.read(max(READ_SIZE, length))
            self.start = position
        return memoryview(self.data)[position - self.start : end - self.start]

    def find(self, needle: bytes, position: int) -> int:
        """The offset of the next `needle` at or after `position`, or -1."""
        while position < self.size:
            block = self.view(position, READ_SIZE)
            found = bytes(block).find(needle)
            if found >= 0:
                return position + found
            position += max(len(block) - len(needle) + 1, 1)
        return -1


def inflate_member(blocks: _Blocks, offset: int) -> Member:
    """The gzip member at `offset`; raises zlib.error when it is damaged or the file ends inside it.

    zlib is fed small slices first (most members are a few KB), so the bytes it copies of what
    follows the member stay few.
    """
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out = []
    position, feed = offset, FIRST_FEED
    while not inflater.eof:
        chunk = blocks.view(position, feed)
        if not chunk:
            raise zlib.error("the file ends inside this gzip member (truncated)")
        out.append(inflater.decompress(chunk))
        position += len(chunk)
        feed = min(feed * 2, MAX_FEED)
    length = position - offset - len(inflater.unused_data)
    return Member(offset, length, b"".join(out))


def gzip_members(
    f: BinaryIO, start: int = 0, accept: Callable[[bytes], bool] | None = None, resume: bool = True
) -> Iterator[Member | Unreadable]:
    """Every gzip member of `f` from `start` on, in order, and each unreadable stretch between them.

    `accept(data)` says whether a member's content is what the file should hold (a record); after
    damage, reading resumes at the next whole member it accepts. With `resume=False` the scan ends at
    the first unreadable stretch (the repair after a kill wants only the whole members before it).
    Trailing NUL bytes or blank lines at the end of a file are not damage.
    """
    blocks = _Blocks(f)
    offset = start
    while offset < blocks.size:
        try:
            if bytes(blocks.view(offset, 3)) != GZIP_MAGIC:
                raise zlib.error("not a gzip member")
            member = inflate_member(blocks, offset)
            if accept is not None and not accept(member.data):
                raise zlib.error("a gzip member that holds no record")
        except zlib.error as exc:
            if _blank_to_end(blocks, offset):
                return
            following = _next_member(blocks, offset, accept) if resume else None
            end = following.offset if following else blocks.size
            yield Unreadable(offset, end - offset, str(exc))
            if following is None:
                return
            member = following
        yield member
        offset = member.offset + member.length


def _blank_to_end(blocks: _Blocks, offset: int) -> bool:
    while offset < blocks.size:
        block = blocks.view(offset, READ_SIZE)
        if bytes(block).strip(b"\x00\r\n \t"):
            return False
        offset += len(block)
    return True


def _next_member(blocks: _Blocks, offset: int, accept: Callable[[bytes], bool] | None) -> Member | None:
    """The next whole (and accepted) member after `offset`: the magic bytes also occur by chance."""
    candidate = blocks.find(GZIP_MAGIC, offset + 1)
    while candidate >= 0:
        try:
            member = inflate_member(blocks, candidate)
            if accept is None or accept(member.data):
                return member
        except zlib.error:
            pass
        candidate = blocks.find(GZIP_MAGIC, candidate + 1)
    return None


def is_gzip(f: BinaryIO) -> bool:
    """True if `f` starts with a gzip member (its position is kept)."""
    position = f.tell()
    f.seek(0)
    head = f.read(3)
    f.seek(position)
    return head == GZIP_MAGIC
