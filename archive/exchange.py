"""The request and response of one HTTP exchange as they crossed the connection (crawler/handlers/wiretap.py),
split into the parts a WARC record holds.

A `response` record's block is the status line and header block exactly as received (names' case,
order, repeats, the reason phrase, `Connection`) and the body as it came: with its chunked framing
when it came chunked (WARC 1.1, 6.3.2: the record holds the HTTP response "received over the
network"), cut at the end of the message. The `request` record holds the bytes written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

NO_BODY_STATUSES = frozenset({204, 304})


class RawHeaders(StatusAndHeaders):
    """Parsed HTTP headers that warcio writes back as the exact bytes they were parsed from."""

    def __init__(self, statusline: str, headers: list[tuple[str, str]], protocol: str, raw: bytes):
        # warcio's own __init__ sets its fields (whichever a version has); the headers are given to it
        # empty and set after, as they are str pairs already (its conversion checks each pair's types)
        super().__init__(statusline, [], protocol, total_len=len(raw))
        self.headers = headers
        self.raw = raw
        self.headers_buff = raw

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        self.headers_buff = self.raw


@dataclass(slots=True)
class Exchange:
    """One exchange: the request's head and body as written, the response's head and body as read."""

    request_head: RawHeaders
    request_body: bytes
    response_head: RawHeaders
    response_body: bytes

    @property
    def chunked(self) -> bool:
        return sent_chunked(self.response_head)


def split_exchange(
    sent: bytes, received: bytes, method: str, body_seen: int | None = None
) -> Exchange | None:
    """The exchange in `sent` and `received` (None if either holds no whole HTTP head).

    Interim 1xx responses before the final one are left out. The body ends where the message does
    (Content-Length, the last chunk, or the connection's end); `body_seen` (the length of the body
    Scrapy kept, when a limit cut the download) cuts an unframed body there too.
    """
    request = _head(sent, request=True)
    while True:
        response = _head(received)
        if response is None:
            return None
        head, rest = response
        status = head.get_statuscode()
        if not (status.startswith("1") and len(status) == 3 and status != "101"):
            break
        received = rest
    if request is None:
        return None
    request_head, request_body = request
    return Exchange(request_head, request_body, head, _message_body(head, rest, method, body_seen))


def _head(data: bytes, request: bool = False) -> tuple[RawHeaders, bytes] | None:
    """The head at the start of `data` (through its blank line), parsed, and what follows it."""
    end = data.find(b"\r\n\r\n")
    end = end + 4 if end >= 0 else -1
    bare = data.find(b"\n\n")
    if bare >= 0 and (end < 0 or bare + 2 < end):
        end = bare + 2
    if end < 0:
        return None
    view = memoryview(data)  # sliced without a copy: each part is copied once, into bytes
    raw = bytes(view[:end])
    try:
        parsed = _parse_head(raw.decode("utf-8").split("\n"))
    except UnicodeDecodeError:  # warcio decodes line by line, falling back to latin-1 for a line
        try:
            parsed = StatusAndHeadersParser([], verify=False).parse(io.BytesIO(raw))
        except Exception:
            return None
        parsed = (parsed.statusline, parsed.headers, parsed.protocol)
    return RawHeaders(*parsed, raw), bytes(view[end:])


def _parse_head(lines: list[str]) -> tuple[str, list[tuple[str, str]], str]:
    """(status line after its first word, headers, first word) of a head's lines, as warcio's
    StatusAndHeadersParser(verify=False) parses them: lines right-stripped, the head ending at the
    first blank one, continuation lines (a leading space or tab) appended to the header before, a
    line without a colon dropped. Its own loop, at a fraction of the parser's cost per line."""
    first = lines[0].rstrip()
    headers: list[tuple[str, str]] = []
    if not first:  # a blank first line: warcio's empty head
        return "", headers, ""
    name, value = "", None
    for line in lines[1:]:
        line = line.rstrip()
        if line.startswith((" ", "\t")) and (value is not None or name):
            if value is not None:
                value += line
            continue
        if value is not None:
            headers.append((name, value))
        if not line:
            name, value = "", None
            break
        name, colon, rest = line.partition(":")
        name, value = (name.rstrip(" \t"), rest.lstrip()) if colon else (name, None)
    if value is not None:
        headers.append((name, value))
    protocol, _, status = first.partition(" ")
    return status.strip(), headers, protocol


def _message_body(head: RawHeaders, rest: bytes, method: str, body_seen: int | None) -> bytes:
    status = head.get_statuscode()
    if method == "HEAD" or (status.isdigit() and int(status) in NO_BODY_STATUSES):
        return b""
    if sent_chunked(head):
        return rest[: chunked_end(rest)]
    length = head.get_header("Content-Length") or ""
    if length.strip().isdigit():
        rest = rest[: int(length)]
    return rest[:body_seen] if body_seen is not None else rest


def sent_chunked(head: StatusAndHeaders) -> bool:
    """Whether an HTTP message's body came with chunked framing (its Transfer-Encoding says so)."""
    return "chunked" in (head.get_header("Transfer-Encoding") or "").lower()


def chunked_end(body: bytes) -> int:
    """Where a chunked message body ends: after its last chunk and trailer (the body's length if cut)."""
    position = 0
    while True:
        line_end = body.find(b"\n", position)
        if line_end < 0:
            return len(body)
        try:
            size = int(body[position:line_end].split(b";", 1)[0].strip(), 16)
        except ValueError:
            return len(body)
        position = line_end + 1
        if size == 0:
            while True:  # trailer fields, then the blank line that ends the message
                line_end = body.find(b"\n", position)
                if line_end < 0:
                    return len(body)
                blank = not body[position:line_end].strip()
                position = line_end + 1
                if blank:
                    return position
        position += size
        if body[position : position + 2] == b"\r\n":
            position += 2
        elif body[position : position + 1] == b"\n":
            position += 1
