"""Helpers the routes share: limits on network size, JSON responses, the documented errors."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
from fastapi import Request
from fastapi.responses import Response

from app.api.encoding import dumps
from app.api.errors import ApiError, Message
from app.engine import Network
from app.settings import Settings

TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": Message, "description": "The body is over max_body_bytes"}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Message, "description": "No such session (or it expired)"}
}


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def json_response(content: Any, status: int = 200) -> Response:
    """orjson-encoded JSON (NumPy arrays included); skips re-validation of large tensors."""
    return Response(dumps(content), status_code=status, media_type="application/json")


def parameter_count(layers: list[int]) -> int:
    return sum(n * (n_prev + 1) for n_prev, n in pairwise(layers))


def check_network_size(layers: list[int], settings: Settings, m: int | None = None) -> None:
    """422 naming the limit when the network (or its activations for m examples) is too big."""
    count = parameter_count(layers)
    if count > settings.max_parameters:
        raise ApiError(
            422,
            f"layers {layers} have {count} parameters; the limit max_parameters is "
            f"{settings.max_parameters}",
            "layers",
        )
    if m is not None:
        if m > settings.max_examples:
            raise ApiError(
                422,
                f"X has {m} example columns; the limit max_examples is {settings.max_examples}",
                "X",
            )
        biggest = max(layers) * m
        if biggest > settings.max_tensor_elements:
            raise ApiError(
                422,
                f"a layer of {max(layers)} units over {m} examples has {biggest} elements; "
                f"the limit max_tensor_elements is {settings.max_tensor_elements}",
                "X",
            )


def columns_of(matrix: list[list[float]]) -> int:
    return len(matrix[0]) if matrix else 0


def build_network(body: Any, settings: Settings) -> Network:
    """A Network from a NetworkIn-like body (params optional), after the size limits."""
    check_network_size(body.layers, settings, columns_of(body.X) if hasattr(body, "X") else None)
    params = getattr(body, "params", None)
    # Nested lists go to the engine as they are: it names the ragged or misshapen tensor.
    return Network(body.layers, body.activations, body.loss, body.init, body.seed, params)


def all_finite(*arrays: Any) -> bool:
    return all(a is None or bool(np.isfinite(a).all()) for a in arrays)
