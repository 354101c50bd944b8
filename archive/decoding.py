"""HTTP bodies as a client reads them: content-codings (gzip, x-gzip, deflate, br, zstd, stacked) and
chunked transfer-coding undone.

One function, `decode_content`, serves the crawl (crawler/downloadermiddlewares/decoding.py,
in place of Scrapy's HttpCompressionMiddleware) and every read-back (`reparse`, `import`, `verify`),
so a page archived as the server sent it is decoded the same way when the database is rebuilt.

Like Scrapy, a body cut short (a truncated gzip or brotli stream) gives what decodes of it; a body
whose first bytes do not decode raises UndecodableBody, and one that grows past `max_size` bytes
raises BodyTooLarge (the guard against compression bombs).
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable, Iterable

import brotli

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

# What the crawler sends in Accept-Encoding, in order; x-gzip is decoded too (an old alias of gzip).
ACCEPTED_CODINGS = ("gzip", "deflate", "br", "zstd")
GZIP_ID = b"\x1f\x8b"  # the first bytes of every gzip member (RFC 1952)
CHUNK = 1 << 16
# The most a body decodes to (the sitemaps.org limit for one file), against compression bombs: the
# crawl's DOWNLOAD_MAXSIZE by default, and the bound of every read-back and of `jcrawl extract`.
MAX_DECODED = 50 * 1024 * 1024


class UndecodableBody(ValueError):
    """A body that does not decode with the content-coding its headers name."""


class BodyTooLarge(UndecodableBody):
    """A body that decodes to more than the allowed number of bytes."""

    def __init__(self, size: int, max_size: int):
        super().__init__(f"it decodes to more than {max_size:,} bytes (DOWNLOAD_MAXSIZE)")
        self.size = size
        self.max_size = max_size


def content_codings(values: Iterable[str | bytes]) -> list[str]:
    """The codings of Content-Encoding header values, in the order applied (`gzip, br` is gzip first)."""
    codings = []
    for value in values:
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        codings += [coding.strip().lower() for coding in text.split(",") if coding.strip()]
    return [coding for coding in codings if coding != "identity"]


def decode_content(body: bytes, codings: list[str], max_size: int = 0) -> tuple[bytes, list[str]]:
    """Undo `codings` (as `content_codings` gives them) from the last applied to the first.

    Returns the decoded body and the codings left undone: decoding stops at the first coding it does
    not know, as a browser would (the body is then still coded with what is left). `max_size` (0: no
    limit) bounds the decoded size.
    """
    left = list(codings)
    while left and left[-1] in DECODERS:
        coding = left.pop()
        if body:
            body = DECODERS[coding](body, max_size)
    return body, left


def gzipped(data: bytes) -> bool:
    """Whether `data` starts as gzip does: a body gzipped without a Content-Encoding saying so (a
    .xml.gz sitemap, a page saved as it came)."""
    return data[:2] == GZIP_ID


def gunzip_head(body: bytes, limit: int) -> bytes:
    """The first `limit` bytes a gzip body decodes to, inflating no further (a .xml.gz sitemap read up
    to the sitemaps.org size limit: a gzip bomb costs no more memory than `limit`). A cut-short stream
    gives what it had; raises UndecodableBody when its first bytes do not decode."""
    return _zlib(body, limit, zlib.MAX_WBITS | 16, members=True, cut=True)


def _limited(size: int, max_size: int) -> None:
    if max_size and size > max_size:
        raise BodyTooLarge(size, max_size)


def _zlib(body: bytes, max_size: int, wbits: int, members: bool, cut: bool = False) -> bytes:
    """Inflate (gzip members one after the other when `members`); a cut-short stream gives what it had.
    Past `max_size` bytes, raises BodyTooLarge, or when `cut` gives the first `max_size` bytes."""
    out: list[bytes] = []
    size = 0
    data = body
    while data:
        inflater = zlib.decompressobj(wbits)
        try:
            chunk = inflater.decompress(data, CHUNK)
            while chunk:
                size += len(chunk)
                if cut and size >= max_size:
                    out.append(chunk[: len(chunk) - (size - max_size)])
                    return b"".join(out)
                _limited(size, max_size)
                out.append(chunk)
                chunk = inflater.decompress(inflater.unconsumed_tail, CHUNK) if not inflater.eof else b""
        except zlib.error as exc:
            if out:  # what decoded before the damage, as Scrapy keeps it
                break
            raise UndecodableBody(str(exc)) from None
        data = inflater.unused_data if members and inflater.eof else b""
        if not gzipped(data):  # trailing garbage after the last member is ignored, as gzip does
            break
    return b"".join(out)


def _gunzip(body: bytes, max_size: int) -> bytes:
    return _zlib(body, max_size, zlib.MAX_WBITS | 16, members=True)


def _inflate(body: bytes, max_size: int) -> bytes:
    """`deflate` is zlib-wrapped by the standard, raw deflate from some servers."""
    try:
        return _zlib(body, max_size, zlib.MAX_WBITS, members=False)
    except BodyTooLarge:
        raise
    except UndecodableBody:
        return _zlib(body, max_size, -zlib.MAX_WBITS, members=False)


def _unbrotli(body: bytes, max_size: int) -> bytes:
    decompressor = brotli.Decompressor()
    out: list[bytes] = []
    size = 0
    try:
        chunk = decompressor.process(body, output_buffer_limit=CHUNK)
        while chunk:
            size += len(chunk)
            _limited(size, max_size)
            out.append(chunk)
            if decompressor.is_finished():
                break
            chunk = decompressor.process(b"", output_buffer_limit=CHUNK)
    except brotli.error as exc:
        if out:
            return b"".join(out)
        raise UndecodableBody(f"brotli: {exc}") from None
    return b"".join(out)


def _unzstd(body: bytes, max_size: int) -> bytes:
    out: list[bytes] = []
    size = 0
    data = body
    try:
        while data:
            decompressor = zstd.ZstdDecompressor()
            chunk = decompressor.decompress(data, CHUNK)
            while chunk:
                size += len(chunk)
                _limited(size, max_size)
                out.append(chunk)
                chunk = b"" if decompressor.eof else decompressor.decompress(b"", CHUNK)
            data = decompressor.unused_data if decompressor.eof else b""
    except zstd.ZstdError as exc:
        if out:
            return b"".join(out)
        raise UndecodableBody(f"zstd: {exc}") from None
    return b"".join(out)


DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": _gunzip,
    "x-gzip": _gunzip,
    "deflate": _inflate,
    "br": _unbrotli,
    "zstd": _unzstd,
}


def dechunk(body: bytes) -> bytes:
    """The body of a `Transfer-Encoding: chunked` message without its framing (RFC 9112 section 7.1).

    A body cut short gives the chunks it holds. A body that does not open with a chunk-size line is
    returned as it is: some recorders (pywb) stored bodies de-chunked and kept the header, and
    readers (warcio, browsers) take such a body as not chunked.
    """
    out: list[bytes] = []
    position = 0
    while position < len(body):
        end = body.find(b"\n", position)
        if end < 0:
            return b"".join(out) if out else body  # cut inside a chunk-size line
        size_field = body[position:end].split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            if out or position:
                break
            return body
        if size == 0:
            break  # the last chunk; trailer fields may follow
        start = end + 1
        out.append(body[start : start + size])
        position = start + size
        if body[position : position + 2] == b"\r\n":
            position += 2
        elif body[position : position + 1] == b"\n":
            position += 1
    return b"".join(out)
