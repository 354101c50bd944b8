"""The WARC writer's own reading of an HTTP head (archive/exchange.py) gives what warcio's parser gives:
the status line, protocol and header pairs the records' digests, revisits and lookups rely on."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeadersParser

from archive.exchange import split_exchange

HEADS = [
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 3\r\n\r\n",
    b"HTTP/1.0 404 Not Found At All  \r\nserver:  x \r\nX-Folded: one\r\n  two\r\n\tthree\r\n\r\n",
    b"HTTP/1.1 299\r\nno colon here\r\n continued\r\nA:\r\n:empty name\r\nB : spaced\r\n\r\n",
    b"HTTP/1.1 200 Caf\xc3\xa9\nSet-Cookie: a=\xe9t\xe9\nLocation: /x\n\n",  # latin-1 on one line
    b"weird\r\n\r\n",
    b"\r\n\r\n",
]
LINE = st.text(alphabet=" \t:abcXY-\r\xe9\x0b", max_size=12)


def _warcio(head: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    parsed = StatusAndHeadersParser([], verify=False).parse(io.BytesIO(head))
    return parsed.protocol, parsed.statusline, parsed.headers


def _ours(head: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    exchange = split_exchange(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", head + b"body", "GET")
    assert exchange is not None
    parsed = exchange.response_head
    assert parsed.headers_buff == head  # written back as received
    return parsed.protocol, parsed.statusline, parsed.headers


@pytest.mark.parametrize("head", HEADS)
def test_heads_read_as_warcio_reads_them(head: bytes) -> None:
    assert _ours(head) == _warcio(head)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(LINE, min_size=1, max_size=8),
    st.sampled_from(["utf-8", "latin-1"]),
    st.sampled_from(["\r\n", "\n"]),
)
def test_any_head_reads_as_warcio_reads_it(lines: list[str], encoding: str, newline: str) -> None:
    text = newline.join(line.replace("\r", "") for line in lines)
    head = ("HTTP/1.1 200 OK" + newline).encode() + text.encode(encoding) + (newline * 2).encode()
    blank = (newline * 2).encode()
    cut = head.find(blank) + len(blank)  # the head ends at its first blank line
    assert _ours(head[:cut]) == _warcio(head[:cut])


@pytest.mark.parametrize("head", HEADS)
def test_a_read_head_has_every_field_warcio_gives_its_own(head: bytes) -> None:
    """Whatever fields warcio's StatusAndHeaders sets (a later version may add one), ours has too."""
    exchange = split_exchange(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", head + b"body", "GET")
    assert exchange is not None
    theirs = StatusAndHeadersParser([], verify=False).parse(io.BytesIO(head))
    assert vars(theirs).keys() <= vars(exchange.response_head).keys()
