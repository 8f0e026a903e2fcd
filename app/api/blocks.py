"""`POST /api/blocks/{name}`: the course's building blocks, one call each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.api.common import TOO_LARGE, all_finite, json_response
from app.api.errors import ApiError
from app.api.routing import OrjsonRoute
from app.api.schemas import (
    ComputeCostIn,
    CostOut,
    LinearActivationBackwardIn,
    LinearActivationBackwardOut,
    LinearActivationForwardIn,
    LinearBackwardIn,
    LinearBackwardOut,
    LinearForwardIn,
    ModelBackwardIn,
    ModelBackwardOut,
    ParamsOut,
    UpdateParametersIn,
    ZAOut,
    ZOut,
)
from app.engine import blocks as b

router = APIRouter(prefix="/api/blocks", tags=["blocks"], route_class=OrjsonRoute)

BLOCKS = (
    "linear_forward",
    "linear_activation_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "model_backward",
    "update_parameters",
)


def _finite(values: Any) -> Any:
    """`values` unchanged, or 422 when the block overflowed float64."""
    flat = values.values() if isinstance(values, dict) else values
    for v in flat:
        if isinstance(v, dict | list):
            _finite(v)
        elif not isinstance(v, str | int) and not all_finite(v):
            raise ApiError(422, "the numbers overflow float64; use smaller inputs", None)
    return values


async def _run(fn: Callable[[], dict[str, Any]]) -> Response:
    return json_response(_finite(await run_in_threadpool(fn)))


@router.post("/linear_forward", response_model=ZOut, responses=TOO_LARGE)
async def linear_forward(body: LinearForwardIn) -> Response:
    """Z = W A_prev + b."""
    return await _run(lambda: {"Z": b.linear_forward(body.A_prev, body.W, body.b)})


@router.post("/linear_activation_forward", response_model=ZAOut, responses=TOO_LARGE)
async def linear_activation_forward(body: LinearActivationForwardIn) -> Response:
    """Z = W A_prev + b and A = g(Z)."""

    def run() -> dict[str, Any]:
        Z, A = b.linear_activation_forward(body.A_prev, body.W, body.b, body.activation)
        return {"Z": Z, "A": A}

    return await _run(run)


@router.post("/compute_cost", response_model=CostOut, responses=TOO_LARGE)
async def compute_cost(body: ComputeCostIn) -> Response:
    """J = (1/m) sum of the per-example loss."""
    return await _run(lambda: {"cost": b.compute_cost(body.AL, body.Y, body.loss)})


@router.post("/linear_backward", response_model=LinearBackwardOut, responses=TOO_LARGE)
async def linear_backward(body: LinearBackwardIn) -> Response:
    """dA_prev = W^T dZ, dW = (1/m) dZ A_prev^T, db = (1/m) sum of dZ over examples."""

    def run() -> dict[str, Any]:
        dA_prev, dW, db = b.linear_backward(body.dZ, body.A_prev, body.W, body.b)
        return {"dA_prev": dA_prev, "dW": dW, "db": db}

    return await _run(run)


@router.post(
    "/linear_activation_backward", response_model=LinearActivationBackwardOut, responses=TOO_LARGE
)
async def linear_activation_backward(body: LinearActivationBackwardIn) -> Response:
    """dZ = dA * g'(Z) from the cached Z, then linear_backward."""

    def run() -> dict[str, Any]:
        dZ, dA_prev, dW, db = b.linear_activation_backward(
            body.dA, body.A_prev, body.W, body.b, body.Z, body.activation
        )
        return {"dZ": dZ, "dA_prev": dA_prev, "dW": dW, "db": db}

    return await _run(run)


@router.post("/model_backward", response_model=ModelBackwardOut, responses=TOO_LARGE)
async def model_backward(body: ModelBackwardIn) -> Response:
    """Every layer's dA, dZ, dW, db, dA_prev from AL, Y and the caches (layer 1 first)."""

    def run() -> dict[str, Any]:
        caches = [c.model_dump() for c in body.caches]
        return {"layers": b.model_backward(body.AL, body.Y, body.loss, body.activations, caches)}

    return await _run(run)


@router.post("/update_parameters", response_model=ParamsOut, responses=TOO_LARGE)
async def update_parameters(body: UpdateParametersIn) -> Response:
    """W[l] - learning_rate dW[l], b[l] - learning_rate db[l] for every parameter."""
    return await _run(
        lambda: {"params": b.update_parameters(body.params, body.grads, body.learning_rate)}
    )
