"""The binary format: layout, alignment and round trips (decoded independently of the app)."""

from __future__ import annotations

import struct

import numpy as np
from api_helpers import decode_binary

from app.api.encoding import decode_binary as app_decode
from app.api.encoding import dumps, encode_binary


def test_layout_and_alignment() -> None:
    msg = {"type": "frame", "a": np.arange(6.0).reshape(2, 3), "rest": [{"b": np.ones((1, 1))}]}
    data = encode_binary(msg)
    (length,) = struct.unpack_from("<I", data)
    header = data[4 : 4 + length]
    assert header.startswith(b"{") and b'"$t":0' in header and b'"$tensors"' in header
    base = (4 + length + 3) // 4 * 4
    assert len(data) == base + 7 * 4
    assert data[4 + length : base] == bytes(base - 4 - length)
    assert struct.unpack_from("<6f", data, base) == (0, 1, 2, 3, 4, 5)


def test_round_trip_matches_json() -> None:
    rng = np.random.default_rng(0)
    msg = {
        "type": "grid",
        "step": 3,
        "x": None,
        "ok": True,
        "name": "é",
        "output": rng.normal(size=(5, 5)),
        "units": [rng.normal(size=(2, 5, 5))],
        "empty": np.zeros((0, 4)),
        "nan": np.array([[np.nan, 1.0]]),
    }
    decoded = decode_binary(encode_binary(msg))
    import orjson

    via_json = orjson.loads(dumps(msg))
    assert decoded["units"][0][1][2] == [float(np.float32(v)) for v in msg["units"][0][1][2]]
    np.testing.assert_allclose(decoded["output"], via_json["output"], rtol=1e-6)
    assert decoded["nan"] == via_json["nan"] == [[None, 1.0]]
    assert decoded["empty"] == [] and via_json["empty"] == []
    assert {k: v for k, v in decoded.items() if not isinstance(v, list)} == {
        "type": "grid",
        "step": 3,
        "x": None,
        "ok": True,
        "name": "é",
    }
    back = app_decode(encode_binary(msg))
    assert back["units"][0].dtype == np.float32 and back["units"][0].shape == (2, 5, 5)


def test_json_handles_views_and_numpy_scalars() -> None:
    a = np.arange(12.0).reshape(3, 4)
    assert dumps({"w": a[:, 1:3], "n": np.float64(0.5), "i": np.int64(2)}) == (
        b'{"w":[[1.0,2.0],[5.0,6.0],[9.0,10.0]],"n":0.5,"i":2}'
    )
