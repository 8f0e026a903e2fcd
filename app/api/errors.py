"""Errors in FastAPI's shape: 4xx with {"detail": [{"loc": [...], "msg": ..., "type": ...}]}.

The engine raises EngineError with a field path such as "params.W2" or "activations[1]";
it becomes 422 with loc ["body", "params", "W2"]. Nothing a client sends may become a 500.
"""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.api.encoding import dumps
from app.engine import EngineError

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class ApiError(Exception):
    """A client error with a status, the field it concerns and what was expected."""

    def __init__(
        self, status: int, message: str, field: str | None = None, kind: str = "value_error"
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.kind = kind


class Message(BaseModel):
    """An error with one message (404, 409, 413)."""

    detail: str


def field_loc(field: str | None, root: str = "body") -> list[str | int]:
    """ "params.W2" -> ["body", "params", "W2"]; "activations[1]" -> ["body", "activations", 1]."""
    loc: list[str | int] = [root]
    for name, index in _PART.findall(field or ""):
        loc.append(int(index) if index else name)
    return loc


def detail(message: str, field: str | None, kind: str = "value_error") -> list[dict[str, object]]:
    return [{"loc": field_loc(field), "msg": message, "type": kind}]


def json_error(status: int, content: object) -> Response:
    return Response(dumps(content), status_code=status, media_type="application/json")


async def _engine_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, EngineError)
    return json_error(422, {"detail": detail(exc.message, exc.field)})


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if exc.status == 422:
        return json_error(422, {"detail": detail(exc.message, exc.field, exc.kind)})
    return json_error(exc.status, {"detail": exc.message})


def add_error_handlers(app: FastAPI) -> None:
    """EngineError and ApiError become 4xx answers; RequestValidationError stays FastAPI's 422."""
    app.add_exception_handler(EngineError, _engine_error)
    app.add_exception_handler(ApiError, _api_error)
