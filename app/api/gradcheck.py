"""`POST /api/gradcheck`: backprop's gradients against centred differences."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.api.common import (
    TOO_LARGE,
    build_network,
    columns_of,
    json_response,
    parameter_count,
    settings_of,
)
from app.api.errors import ApiError
from app.api.routing import OrjsonRoute
from app.api.schemas import GradcheckIn, GradcheckOut
from app.engine import gradient_check
from app.engine.validation import as_matrix
from app.settings import Settings

router = APIRouter(prefix="/api", tags=["gradcheck"], route_class=OrjsonRoute)


def gradcheck(body: GradcheckIn, settings: Settings) -> dict[str, Any]:
    """Relative difference per parameter tensor, and the verdict (runs in a worker thread)."""
    count = parameter_count(body.layers)
    if count > settings.max_gradcheck_parameters:
        raise ApiError(
            422,
            f"layers {body.layers} have {count} parameters; gradient checking is limited to "
            f"max_gradcheck_parameters = {settings.max_gradcheck_parameters}",
            "layers",
        )
    m = columns_of(body.X)
    if m > settings.max_gradcheck_examples:
        raise ApiError(
            422,
            f"X has {m} example columns; gradient checking is limited to "
            f"max_gradcheck_examples = {settings.max_gradcheck_examples}",
            "X",
        )
    net = build_network(body, settings)
    X, Y = as_matrix(body.X, "X"), as_matrix(body.Y, "Y")
    net.backward(net.forward(X), Y)  # validates Y against the network first
    result = gradient_check(net, X, Y, body.epsilon, body.l2, body.threshold)
    values = [*result.per_param.values(), result.max_difference, result.difference]
    if not all(v == v and abs(v) != float("inf") for v in values):
        raise ApiError(422, "the numbers overflow float64; use smaller params or X", "params")
    worst = max(result.per_param, key=result.per_param.__getitem__)
    verdict = (
        f"passed: the relative difference over all parameters, {result.difference:.3g}, "
        f"is below {result.threshold:g}"
        if result.passed
        else f"failed: the relative difference over all parameters is {result.difference:.3g} "
        f">= {result.threshold:g}; the largest per tensor is {worst} "
        f"({result.per_param[worst]:.3g})"
    )
    return {
        "difference": result.difference,
        "per_param": result.per_param,
        "per_param_passed": {k: v < result.threshold for k, v in result.per_param.items()},
        "max_difference": result.max_difference,
        "threshold": result.threshold,
        "epsilon": result.epsilon,
        "passed": result.passed,
        "verdict": verdict,
    }


@router.post("/gradcheck", response_model=GradcheckOut, responses=TOO_LARGE)
async def post_gradcheck(body: GradcheckIn, request: Request) -> Response:
    """||g - g_num|| / (||g|| + ||g_num||), g_num by centred differences: over all parameters
    as one vector (the course's verdict) and per parameter tensor (to find a faulty layer).

    `passed` and `verdict` are over all parameters, as the course's `gradient_check_n`: a
    small tensor (e.g. a db of a few numbers) weighs little in that vector, so a bug in it
    can pass. Its own difference is in `per_param`, and `per_param_passed` says for each
    tensor whether that difference is below `threshold`."""
    return json_response(await run_in_threadpool(gradcheck, body, settings_of(request)))
