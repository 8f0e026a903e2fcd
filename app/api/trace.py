"""`POST /api/trace`: one forward and backward pass of a network the caller describes."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.api.common import TOO_LARGE, all_finite, build_network, json_response, settings_of
from app.api.errors import ApiError
from app.api.routing import OrjsonRoute
from app.api.schemas import TraceIn, TraceOut
from app.engine import Network
from app.engine.blocks import update_parameters
from app.engine.validation import as_matrix
from app.settings import Settings

router = APIRouter(prefix="/api", tags=["trace"], route_class=OrjsonRoute)

SHORTCUT = "dZ[L] = A[L] - Y"


def shortcut_formula(matched: bool) -> str:
    if matched:
        return f"{SHORTCUT} (matched output and loss: the same as dA[L] * g'(Z[L]))"
    return "no shortcut for this output and loss: dZ[L] = dA[L] * g'(Z[L])"


def trace(body: TraceIn, settings: Settings) -> dict[str, Any]:
    """The response of /api/trace (runs in a worker thread)."""
    net = build_network(body, settings)
    X, Y = as_matrix(body.X, "X"), as_matrix(body.Y, "Y")
    with np.errstate(all="ignore"):  # overflow is checked below and answered with a 422
        fwd = net.forward(X)
        grads = net.backward(fwd, Y, l2=body.l2)
        return trace_response(net, fwd, grads, body.learning_rate)


def trace_response(
    net: Network, fwd: Any, grads: Any, learning_rate: float | None
) -> dict[str, Any]:
    layers = []
    for c, g in zip(fwd.layers, grads.layers, strict=True):
        arrays = (c.A_prev, c.W, c.b, c.Z, c.A, g.dA, g.dZ, g.dW, g.db, g.dA_prev)
        if not all_finite(*arrays):
            raise ApiError(
                422,
                f"the numbers overflow float64 in layer {c.layer}; use smaller params or X",
                "params",
            )
        layers.append(
            {
                "layer": c.layer,
                "activation": c.activation,
                "A_prev": c.A_prev,
                "W": c.W,
                "b": c.b,
                "Z": c.Z,
                "A": c.A,
                "dA": g.dA,
                "dZ": g.dZ,
                "dW": g.dW,
                "db": g.db,
                "dA_prev": g.dA_prev,
            }
        )
    if not all_finite(grads.cost, grads.dZ_shortcut):
        raise ApiError(422, "the cost overflows float64; use smaller params or X", "params")
    updated = None
    if learning_rate is not None:
        updated = update_parameters(net.params, grads.as_dict(), learning_rate)
        if not all_finite(*updated.values()):
            raise ApiError(422, "the update overflows float64", "learning_rate")
    return {
        "cost": grads.cost,
        "layers": layers,
        "shortcut": {
            "matched": net.matched,
            "formula": shortcut_formula(net.matched),
            "dZ": grads.dZ_shortcut,
            "max_abs_diff": grads.shortcut_max_abs_diff,
        },
        "updated_params": updated,
    }


@router.post("/trace", response_model=TraceOut, responses=TOO_LARGE)
async def post_trace(body: TraceIn, request: Request) -> Response:
    """One forward and backward pass: every layer's A_prev, W, b, Z, A, dA, dZ, dW, db, dA_prev.

    With `learning_rate`, `updated_params` holds one gradient descent step's result.
    """
    return json_response(await run_in_threadpool(trace, body, settings_of(request)))
