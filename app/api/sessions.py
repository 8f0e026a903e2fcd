"""Session routes: create, inspect, step, reset, export and delete a live training run."""

from __future__ import annotations

import io
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.api.common import NOT_FOUND, TOO_LARGE, json_response, settings_of
from app.api.errors import ApiError, Message
from app.api.routing import OrjsonRoute
from app.api.schemas import (
    ExportOut,
    SessionCreated,
    SessionIn,
    SessionOut,
    StepIn,
    StepOut,
)
from app.api.session import Session
from app.api.store import SessionStore

router = APIRouter(prefix="/api/sessions", tags=["sessions"], route_class=OrjsonRoute)

DIVERGED: dict[int | str, dict[str, Any]] = {
    409: {"model": Message, "description": "The run diverged; reset it first"}
}


def store_of(request: Request) -> SessionStore[Session]:
    store: SessionStore[Session] = request.app.state.store
    return store


def find(request: Request, session_id: str) -> Session:
    session = store_of(request).get(session_id)
    if session is None:
        raise ApiError(404, "Session not found (unknown id, deleted or expired)")
    return session


@router.post("", status_code=201, response_model=SessionCreated, responses=TOO_LARGE)
async def create_session(body: SessionIn, request: Request) -> Response:
    """Start a training run; the id (192 random bits) is the only way to reach it."""
    session = await run_in_threadpool(Session.create, body, settings_of(request))
    store_of(request).add(session)
    return json_response(
        {
            "id": session.id,
            "config": session.config,
            "dataset": session.summary(),
            "iteration": session.iteration,
        },
        201,
    )


@router.get("/{session_id}", response_model=SessionOut, responses=NOT_FOUND)
async def get_session(session_id: str, request: Request) -> Response:
    """Config, iteration, current metrics, and the history of costs and gradient norms."""
    session = find(request, session_id)
    async with session.lock:
        return json_response(await run_in_threadpool(session.describe))


def _step(session: Session, steps: int) -> dict[str, Any]:
    session.check_steps(steps)
    step = session.run(steps)
    return {
        "iteration": session.iteration,
        "cost": step.cost if np.isfinite(step.cost) else None,
        "diverged": step.diverged,
        "metrics": session.metrics(),
        "trace": session.trace(),
    }


@router.post(
    "/{session_id}/step", response_model=StepOut, responses=NOT_FOUND | DIVERGED | TOO_LARGE
)
async def step_session(session_id: str, body: StepIn, request: Request) -> Response:
    """Train `steps` iterations; answers the last step's cost and full trace."""
    session = find(request, session_id)
    async with session.lock:
        answer = await run_in_threadpool(_step, session, body.steps)
    session.changed()  # open streams send the new frame
    return json_response(answer)


@router.post("/{session_id}/reset", response_model=SessionCreated, responses=NOT_FOUND)
async def reset_session(session_id: str, request: Request) -> Response:
    """Back to iteration 0 with the seed's parameters (the run repeats bit for bit)."""
    session = find(request, session_id)
    async with session.lock:
        await run_in_threadpool(session.reset)
    session.changed(event={"event": "reset"})
    return json_response(
        {
            "id": session.id,
            "config": session.config,
            "dataset": session.summary(),
            "iteration": session.iteration,
        }
    )


def _npz(session: Session) -> bytes:
    arrays: dict[str, Any] = dict(session.network.params)  # Any: the stubs type **kw as bool
    trace = session.trace()
    for layer in trace["layers"]:
        for key, value in layer.items():
            if isinstance(value, np.ndarray):
                arrays[f"layer{layer['layer']}_{key}"] = value
    arrays["cost"] = np.array(np.nan if trace["cost"] is None else trace["cost"])
    arrays["iteration"] = np.array(session.iteration)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


@router.get(
    "/{session_id}/export",
    response_model=ExportOut,
    responses=NOT_FOUND
    | {
        200: {
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
            "description": "JSON, or with format=npz a NumPy .npz archive",
        }
    },
)
async def export_session(
    session_id: str,
    request: Request,
    format: Literal["json", "npz"] = Query("json", description="json or npz (numpy.load)"),
) -> Response:
    """Parameters W1, b1, ... and the last trace (npz names: layer1_dZ, layer2_A, ...)."""
    session = find(request, session_id)
    async with session.lock:
        if format == "npz":
            data = await run_in_threadpool(_npz, session)
            headers = {"Content-Disposition": f'attachment; filename="bpv-{session.iteration}.npz"'}
            return Response(data, media_type="application/octet-stream", headers=headers)

        def export() -> dict[str, Any]:
            return {
                "config": session.config,
                "iteration": session.iteration,
                "params": session.network.params,
                "trace": session.trace(),
            }

        return json_response(await run_in_threadpool(export))


@router.delete("/{session_id}", status_code=204, responses=NOT_FOUND)
async def delete_session(session_id: str, request: Request) -> Response:
    """End the run now (its streams are told and closed)."""
    if store_of(request).remove(session_id) is None:
        raise ApiError(404, "Session not found (unknown id, deleted or expired)")
    return Response(status_code=204)
