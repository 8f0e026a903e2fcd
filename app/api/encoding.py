"""Encoding messages: JSON through orjson, and the compact float32 binary format.

Binary format (one WebSocket binary message per server message, all little-endian):

    bytes 0..3        uint32 H: length of the header in bytes
    bytes 4..4+H      UTF-8 JSON header: the message with every tensor replaced by
                      {"$t": i}, plus "$tensors": [{"shape": [r, c], "offset": o}, ...]
    zero padding      up to the next multiple of 4
    tensor data       starts at D = 4 + H rounded up to a multiple of 4; tensor i is
                      prod(shape) float32 values, row-major, at byte D + offset_i (a
                      multiple of 4, so `new Float32Array(buffer, D + offset, count)` in
                      JavaScript reads it in place)

Non-finite values stay NaN or infinity in float32; JSON writes them as null.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
import orjson

_JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def _default(obj: Any) -> Any:
    """What orjson cannot write itself: non-contiguous arrays and NumPy scalars."""
    if isinstance(obj, np.ndarray):
        return np.ascontiguousarray(obj)
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"cannot encode {type(obj).__name__}")


def dumps(message: Any) -> bytes:
    """JSON bytes; NumPy arrays become nested lists, NaN and infinity become null."""
    return orjson.dumps(message, default=_default, option=_JSON_OPTIONS)


def loads(data: bytes | str) -> Any:
    """Parse JSON text (rejects NaN and Infinity literals)."""
    return orjson.loads(data)


def _extract(obj: Any, tensors: list[np.ndarray]) -> Any:
    """`obj` with each ndarray replaced by {"$t": index}; the arrays appended to `tensors`."""
    if isinstance(obj, np.ndarray):
        tensors.append(obj)
        return {"$t": len(tensors) - 1}
    if isinstance(obj, dict):
        return {k: _extract(v, tensors) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_extract(v, tensors) for v in obj]
    return obj


def encode_binary(message: dict[str, Any]) -> bytes:
    """The binary format above: a JSON header, then every tensor as float32."""
    tensors: list[np.ndarray] = []
    header = _extract(message, tensors)
    data = [np.ascontiguousarray(t, dtype="<f4") for t in tensors]
    table, position = [], 0
    for arr in data:
        table.append({"shape": list(arr.shape), "offset": position})
        position += arr.nbytes
    header["$tensors"] = table
    body = dumps(header)
    start = _align(4 + len(body))
    return b"".join(
        [struct.pack("<I", len(body)), body, bytes(start - 4 - len(body)), *map(_bytes, data)]
    )


def _bytes(arr: np.ndarray) -> bytes:
    return arr.tobytes()


def _align(n: int) -> int:
    return (n + 3) & ~3


def decode_binary(buffer: bytes) -> dict[str, Any]:
    """The message a binary frame carries, tensors as float32 NumPy arrays (for clients, tests)."""
    (length,) = struct.unpack_from("<I", buffer, 0)
    header = orjson.loads(buffer[4 : 4 + length])
    table = header.pop("$tensors")
    base = _align(4 + length)
    arrays = [
        np.frombuffer(
            buffer, dtype="<f4", count=int(np.prod(t["shape"])), offset=base + t["offset"]
        ).reshape(t["shape"])
        for t in table
    ]

    def restore(obj: Any) -> Any:
        if isinstance(obj, dict):
            if obj.keys() == {"$t"}:
                return arrays[obj["$t"]]
            return {k: restore(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [restore(v) for v in obj]
        return obj

    result: dict[str, Any] = restore(header)
    return result
