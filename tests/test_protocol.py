"""Frames over a pipe: several at once, large ones, and what a forged or cut stream gives."""

from __future__ import annotations

import os
import struct
import threading

import numpy as np
import pytest

from grader.sandbox.plain import PlainDataError, encode
from grader.sandbox.protocol import ChannelClosed, FrameReader, FrameTimeout, write_frame


@pytest.fixture
def pipe():
    read_end, write_end = os.pipe()
    yield read_end, write_end
    for fd in (read_end, write_end):
        try:
            os.close(fd)
        except OSError:
            pass


def test_frames_written_together_are_read_one_by_one(pipe):
    read_end, write_end = pipe
    for index in range(50):
        write_frame(write_end, {"event": "unit", "index": index})
    reader = FrameReader(read_end)
    assert [reader.read_frame(deadline=None)["index"] for _ in range(50)] == list(range(50))


def test_a_frame_larger_than_the_pipe_arrives_whole(pipe):
    read_end, write_end = pipe
    big = np.arange(300_000, dtype=float)
    writer = threading.Thread(target=write_frame, args=(write_end, {"value": big, "after": "x"}))
    writer.start()
    reader = FrameReader(read_end)
    message = reader.read_frame()
    writer.join()
    assert np.array_equal(message["value"], big) and message["after"] == "x"


def test_a_cut_stream_closes_and_a_forged_length_is_refused(pipe):
    read_end, write_end = pipe
    payload = encode({"ok": True})
    os.write(write_end, struct.pack("<I", len(payload)) + payload[:3])
    os.close(write_end)
    with pytest.raises(ChannelClosed):
        FrameReader(read_end).read_frame()


def test_a_length_over_the_limit_is_refused_before_reading(pipe):
    read_end, write_end = pipe
    os.write(write_end, struct.pack("<I", 10_000_000))
    with pytest.raises(PlainDataError, match="larger than the limit"):
        FrameReader(read_end).read_frame(max_bytes=1_000_000)


def test_nothing_arriving_by_the_deadline_times_out(pipe):
    import time

    read_end, _ = pipe
    with pytest.raises(FrameTimeout):
        FrameReader(read_end).read_frame(deadline=time.monotonic() + 0.1)


def test_a_reader_that_stops_reading_makes_the_writer_time_out(pipe):
    import time

    _, write_end = pipe
    os.set_blocking(write_end, False)
    started = time.monotonic()
    with pytest.raises(FrameTimeout):
        write_frame(write_end, {"value": np.zeros(1_000_000)}, deadline=time.monotonic() + 0.2)
    assert time.monotonic() - started < 2
