"""multiprocessing.Connection's message framing, for a loop that reads and writes pipes without blocking.

A Connection's `send_bytes` writes a 4-byte big-endian length (or -1 and an 8-byte length, beyond
2 GiB) and then the message, and its `recv_bytes` reads until the whole message is in. A reactor
cannot wait like that: a worker stopped (SIGSTOP, a debugger) between its writes would stop the
crawl with it. So the crawler's side of the extraction pool (crawler/extraction_pool.py) reads what a
pipe holds into a buffer and takes a message out once it is whole (`take_frame`), and writes a
`frame` as far as the pipe takes it; the workers keep their blocking Connections.
"""

from __future__ import annotations

import struct

_SHORT = struct.Struct("!i")
_LONG = struct.Struct("!Q")


def frame(message: bytes) -> bytes:
    """`message` with the header Connection.recv_bytes expects before it."""
    if len(message) > 0x7FFFFFFF:
        return _SHORT.pack(-1) + _LONG.pack(len(message)) + message
    return _SHORT.pack(len(message)) + message


def take_frame(buffer: bytearray) -> bytes | None:
    """The first whole message in `buffer` (removed from it), or None while it is not all in."""
    if len(buffer) < _SHORT.size:
        return None
    (size,) = _SHORT.unpack_from(buffer)
    start = _SHORT.size
    if size == -1:
        if len(buffer) < start + _LONG.size:
            return None
        (size,) = _LONG.unpack_from(buffer, start)
        start += _LONG.size
    end = start + size
    if len(buffer) < end:
        return None
    message = bytes(buffer[start:end])
    del buffer[:end]
    return message
