"""The crawl's own record building (`RecordBuilder.http_record`) writes the bytes warcio's
`create_warc_record` and `_write_warc_record` write for the same HTTP message: the same WARC headers
in the same order, the same digests, the same block. Only the record's id and date, new for each
record, differ; they are taken over from warcio's record before the bytes are compared."""

from __future__ import annotations

import io

import pytest
from warcio.statusandheaders import StatusAndHeaders

from archive.exchange import split_exchange
from archive.revisit import entity_digest
from archive.writer import WARC_VERSION, RecordBuilder

REQUEST = b"GET /story/ HTTP/1.1\r\nUser-Agent: test\r\nAccept-Encoding: gzip\r\nHost: 127.0.0.1:8000\r\n\r\n"
POST = (
    b"POST /form/ HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nHost: 127.0.0.1\r\n\r\nhello"
)
PAGE = b"<html><body><p>" + b"A story told twice. " * 50 + b"</p></body></html>"
CHUNKED = b"%x\r\n%s\r\n0\r\n\r\n" % (len(PAGE), PAGE)

RESPONSES = {
    "sized": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
    % (len(PAGE), PAGE),
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n" + CHUNKED,
    "gzip-coded": b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00",
    "identity-coded": b"HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\n\r\n" + PAGE,
    "no body": b"HTTP/1.1 204 No Content\r\nServer: test\r\n\r\n",
    "lower-case, repeated": b"HTTP/1.1 299 Odd\r\nx-seen: 1\r\nX-Seen: 2\r\ncontent-length: 2\r\n\r\nok",
}


def warcio_bytes(
    builder: RecordBuilder, record_type: str, uri: str, head, payload: bytes, extra: dict
) -> bytes:
    record = builder.create_warc_record(
        uri,
        record_type,
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_headers_dict=extra,
        http_headers=head,
    )
    out = io.BytesIO()
    builder._write_warc_record(out, record)
    return out.getvalue()


def same_record(
    builder: RecordBuilder, record_type: str, uri: str, head, payload: bytes, extra: dict
) -> None:
    """Build the record both ways and compare them, the new record's id and date set to warcio's."""
    expected = warcio_bytes(builder, record_type, uri, head, payload, extra)
    record = builder.http_record(record_type, uri, head, payload, extra, entity_digest(head, payload))
    ours = record.to_bytes()
    for name in ("WARC-Record-ID", "WARC-Date"):
        if name not in extra:
            theirs = expected.split(f"{name}: ".encode(), 1)[1].split(b"\r\n", 1)[0].decode()
            ours = ours.replace(
                f"{name}: {record.get_header(name)}\r\n".encode(), f"{name}: {theirs}\r\n".encode()
            )
    assert ours == expected
    assert record.coded == (b"Content-Encoding: gzip" in expected)


@pytest.mark.parametrize("kind", sorted(RESPONSES))
def test_a_wire_exchange_is_written_as_warcio_writes_it(kind: str) -> None:
    builder = RecordBuilder(None, gzip=False, warc_version=WARC_VERSION)
    exchange = split_exchange(REQUEST if kind != "no body" else POST, RESPONSES[kind], "GET")
    assert exchange is not None
    extra = {"WARC-IP-Address": "127.0.0.1"}
    if kind == "sized":
        extra["WARC-Truncated"] = "length"
    same_record(
        builder,
        "response",
        "http://127.0.0.1:8000/story/",
        exchange.response_head,
        exchange.response_body,
        extra,
    )
    concurrent = {"WARC-Date": "2026-01-02T03:04:05.678901Z", "WARC-Concurrent-To": "<urn:uuid:x>"}
    same_record(
        builder,
        "request",
        "http://127.0.0.1:8000/story/",
        exchange.request_head,
        exchange.request_body,
        concurrent,
    )


def test_headers_rebuilt_from_another_handler_are_written_as_warcio_writes_them() -> None:
    """Headers warcio encodes itself (a value outside ASCII is %-encoded), and a header the given
    WARC headers hold already (replaced where it stands)."""
    builder = RecordBuilder(None, gzip=False, warc_version=WARC_VERSION)
    head = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html"), ("X-Name", "café")], protocol="HTTP/1.1"
    )
    extra = {"Content-Type": "application/http; msgtype=response", "WARC-Target-URI": "http://x/"}
    same_record(builder, "response", "http://127.0.0.1/café", head, PAGE, extra)
