"""The plain-data codec: what may cross the sandbox boundary, and forged bytes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.sandbox.plain import PlainDataError, decode, encode


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 10**40, 1.5, float("inf"), 2 + 3j, "héllo", b"\x00\xff",
    [1, [2.0, None]], (1, "a"), {"dw": 1.0, 3: [1]}, {},
])
def test_round_trip_python_values(value):
    assert decode(encode(value)) == value
    assert type(decode(encode(value))) is type(value)


@pytest.mark.parametrize("array", [
    np.arange(6, dtype=np.float64).reshape(2, 3),
    np.array([[True, False]]),
    np.zeros((0, 4), dtype=np.int32),
    np.array(3.5),
    np.arange(12, dtype=np.float32).reshape(3, 4).T,  # not contiguous
    np.array([1 + 2j], dtype=np.complex128),
    np.array([1, 2], dtype=">i8"),  # big-endian input comes back native
])
def test_round_trip_arrays(array):
    back = decode(encode(array))
    assert type(back) is np.ndarray
    assert back.shape == array.shape and back.dtype == array.dtype.newbyteorder("=")
    assert np.array_equal(back, array)
    assert back.flags.writeable


def test_numpy_scalars_keep_their_type():
    back = decode(encode({"cost": np.float64(0.25), "n": np.int64(3)}))
    assert type(back["cost"]) is np.float64 and back["cost"] == 0.25
    assert type(back["n"]) is np.int64


class Liar:
    def __eq__(self, other):
        return True


class Sub(np.ndarray):
    pass


@pytest.mark.parametrize("value, words", [
    (Liar(), "unsupported type"),
    (np.array([Liar()], dtype=object), "dtype object"),
    (np.arange(3).view(Sub), "unsupported type"),
    (np.array(["a"]), "dtype <U1"),
    ({(1, 2): 3}, "key of type tuple"),
    (type("F", (float,), {})(1.0), "unsupported type"),
    (type("D", (dict,), {})(), "unsupported type"),
    (lambda: 1, "unsupported type"),
])
def test_rejects_what_is_not_plain_data(value, words):
    with pytest.raises(PlainDataError, match=words):
        encode(value)


def test_rejects_deep_nesting():
    value: list = []
    for _ in range(40):
        value = [value]
    with pytest.raises(PlainDataError, match="nested"):
        encode(value)


@pytest.mark.parametrize("data", [
    b"", b"Z", b"I" + (5).to_bytes(8, "little") + b"12", b"S" + (2**40).to_bytes(8, "little"),
    b"A" + (6).to_bytes(8, "little") + b"O8|2,2" + (0).to_bytes(8, "little"),
    b"A" + (5).to_bytes(8, "little") + b"f8|-2" + (0).to_bytes(8, "little"),
    b"A" + (4).to_bytes(8, "little") + b"f8|3" + (8).to_bytes(8, "little") + b"\0" * 8,
    encode(1) + b"x",
    b"M" + (1).to_bytes(8, "little") + encode([1]) + encode(2),
])
def test_forged_bytes_raise_plain_data_error(data):
    with pytest.raises(PlainDataError):
        decode(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_decode_never_raises_anything_else(data):
    try:
        decode(data)
    except PlainDataError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=60), st.integers(min_value=0, max_value=59))
def test_mutated_encodings_never_raise_anything_else(noise, position):
    data = bytearray(encode({"dw": np.arange(6.0).reshape(3, 2), "db": 0.5, "costs": [1.0, 2.0]}))
    data[position % len(data)] ^= noise[0] or 1
    try:
        decode(bytes(data))
    except PlainDataError:
        pass
