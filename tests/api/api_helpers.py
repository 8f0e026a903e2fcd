"""Helpers for the API tests: request bodies, an app with changed limits, a binary decoder."""

from __future__ import annotations

import struct
from typing import Any

import orjson
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

MAZUR_BODY: dict[str, Any] = {
    "layers": [2, 2, 2],
    "activations": ["sigmoid", "sigmoid"],
    "loss": "mean_squared_error",
    "params": {
        "W1": [[0.15, 0.2], [0.25, 0.3]],
        "b1": [[0.35], [0.35]],
        "W2": [[0.4, 0.45], [0.5, 0.55]],
        "b2": [[0.6], [0.6]],
    },
    "X": [[0.05], [0.1]],
    "Y": [[0.01], [0.99]],
    "learning_rate": 0.5,
}

SESSION_BODY: dict[str, Any] = {
    "layers": [2, 8, 8, 1],
    "activations": ["tanh", "tanh", "sigmoid"],
    "loss": "binary_cross_entropy",
    "seed": 0,
    "dataset": {"name": "circle", "n_samples": 200, "noise": 0.1, "train_fraction": 0.8},
    "optimizer": {"name": "gd", "learning_rate": 0.1},
}


def make_client(**limits: Any) -> TestClient:
    """A TestClient of an app with some settings changed (use it in a `with`)."""
    return TestClient(create_app(Settings(**limits)))


def decode_binary(buffer: bytes) -> dict[str, Any]:
    """An independent decoder of the README's binary format: tensors back to nested lists."""
    (length,) = struct.unpack_from("<I", buffer, 0)
    header = orjson.loads(buffer[4 : 4 + length])
    base = (4 + length + 3) // 4 * 4
    table = header.pop("$tensors")

    def tensor(i: int) -> Any:
        shape, offset = table[i]["shape"], table[i]["offset"]
        assert (base + offset) % 4 == 0
        count = 1
        for n in shape:
            count *= n
        flat = struct.unpack_from(f"<{count}f", buffer, base + offset)
        flat_list = [None if v != v else v for v in flat]  # NaN is null in JSON

        def nest(values: list[Any], dims: list[int]) -> Any:
            if len(dims) == 1:
                return values
            step = len(values) // dims[0] if dims[0] else 0
            return [nest(values[k * step : (k + 1) * step], dims[1:]) for k in range(dims[0])]

        return nest(flat_list, shape) if shape else flat_list

    def restore(obj: Any) -> Any:
        if isinstance(obj, dict):
            if obj.keys() == {"$t"}:
                return tensor(obj["$t"])
            return {k: restore(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [restore(v) for v in obj]
        return obj

    result: dict[str, Any] = restore(header)
    return result


def assert_close(a: Any, b: Any, rel: float = 1e-6, path: str = "") -> None:
    """Deep comparison of JSON values with a float tolerance."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_close(a[k], b[k], rel, f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, rel, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, int | float) and not isinstance(b, bool):
        assert abs(a - b) <= rel * max(1.0, abs(a), abs(b)), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"
