"""The extraction pool's own framing (crawler/pipe_frames.py) is multiprocessing.Connection's: a frame
written raw is what a real Connection's recv_bytes reads, and what a real Connection's send_bytes
writes, read raw in pieces of any size, gives back the messages it sent."""

from __future__ import annotations

import multiprocessing
import os

from crawler.pipe_frames import frame, take_frame

MESSAGES = [b"", b"x", b"a page" * 1000, bytes(range(256)) * 100]  # 32 kB in all: the pipe holds them whole


def test_a_frame_written_raw_is_read_by_a_connection() -> None:
    reading, writing = multiprocessing.Pipe(duplex=False)
    try:
        for message in MESSAGES:
            os.write(writing.fileno(), frame(message))  # under the pipe's capacity: written whole
            assert reading.recv_bytes() == message
    finally:
        reading.close()
        writing.close()


def test_what_a_connection_sends_is_taken_whole_from_pieces() -> None:
    reading, writing = multiprocessing.Pipe(duplex=False)
    try:
        for message in MESSAGES:
            writing.send_bytes(message)
        sent = sum(len(frame(message)) for message in MESSAGES)
        received = b""
        while len(received) < sent:
            received += os.read(reading.fileno(), sent - len(received))
    finally:
        reading.close()
        writing.close()
    for piece in (1, 3, 4096, len(received)):
        buffer, taken = bytearray(), []
        for start in range(0, len(received), piece):
            buffer += received[start : start + piece]
            while (message := take_frame(buffer)) is not None:
                taken.append(message)
        assert taken == MESSAGES
        assert buffer == b""
