"""The web API: routers per resource, error handlers, the body-size limit, the session store."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator

from fastapi import FastAPI

from app.api import blocks, catalog, gradcheck, sessions, stream, trace
from app.api.batcher import batching
from app.api.errors import add_error_handlers
from app.api.middleware import BodySizeLimit
from app.api.session import Session
from app.api.store import SessionStore
from app.settings import Settings


def install_api(app: FastAPI, settings: Settings) -> None:
    """Add the API's routers, exception handlers, body-size middleware and session store."""
    app.state.settings = settings
    app.state.store = SessionStore[Session](settings.max_sessions, settings.session_idle_seconds)
    for module in (trace, blocks, gradcheck, catalog, sessions, stream):
        app.include_router(module.router)
    add_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Sweep idle sessions and batch the play loops' work while the app runs."""
    # Everything imported so far lives as long as the process: move it out of the garbage
    # collector's sight, so a full collection walks only new objects (measured: 30 ms
    # pauses down to 8 ms with 60 playing streams, which showed in the p99 frame gap).
    gc.freeze()
    store: SessionStore[Session] = app.state.store
    async with store.sweeping(), batching() as batcher:
        app.state.batcher = batcher
        yield
