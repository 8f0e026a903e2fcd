"""Errors in FastAPI's shape: 4xx with {"detail": [{"loc": [...], "msg": ..., "type": ...}]}.

The engine raises EngineError with a field path such as "params.W2" or "activations[1]";
it becomes 422 with loc ["body", "params", "W2"]. Nothing a client sends may become a 500.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

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


ECHO_LIMIT = 200  # characters of the offending input an error may echo


def _short(value: Any) -> Any:
    """`value` if its JSON is short, else the start of its JSON text (a 4 MB body echoes 200)."""
    try:
        text = dumps(value).decode()
    except TypeError:  # e.g. the bytes of a body that is not JSON
        value = str(value) if isinstance(value, bytes) else repr(value)
        text = dumps(value).decode()
    if len(text) <= ECHO_LIMIT:
        return value
    return text[:ECHO_LIMIT] + f"... ({len(text)} characters)"


class _NotFinite:
    """A number JSON may not carry here: NaN, Infinity, or a literal that overflows a float."""

    def __init__(self, token: str, overflow: bool) -> None:
        self.token = token
        self.overflow = overflow


def _parse_float(token: str) -> float | _NotFinite:
    value = float(token)
    return value if math.isfinite(value) else _NotFinite(token, True)


def _parse_int(token: str) -> int | _NotFinite:
    value = int(token)
    return value if math.isfinite(float(value)) else _NotFinite(token, True)


def _path(parts: list[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def find_not_finite(body: Any) -> dict[str, Any] | None:
    """Where the first NaN/Infinity/overflowing number sits in a JSON text, as an error."""
    if not isinstance(body, str | bytes | bytearray):
        return None
    try:
        doc = json.loads(
            body,
            parse_constant=lambda token: _NotFinite(token, False),
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except (ValueError, RecursionError, OverflowError):
        return None  # not valid JSON for other reasons too: keep the parser's position
    stack: list[tuple[Any, list[str | int]]] = [(doc, [])]
    while stack:
        node, parts = stack.pop()
        if isinstance(node, _NotFinite):
            what = (
                f"{node.token} overflows a float64 to infinity"
                if node.overflow
                else f"{node.token} is not allowed"
            )
            return {
                "type": "finite_number",
                "loc": ["body", *parts],
                "msg": f"body{_path(parts)}: {what}; expected a finite number",
                "input": node.token[:ECHO_LIMIT],
            }
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        # Reversed so the first one in document order is found first.
        stack.extend((value, [*parts, key]) for key, value in reversed(list(items)))
    return None


def shorten(errors: Any) -> list[dict[str, Any]]:
    """Pydantic's errors with `input` and `ctx` cut to ECHO_LIMIT characters."""
    out = []
    for error in errors:
        item = {k: error[k] for k in ("type", "loc", "msg") if k in error}
        if item.get("type") == "ragged_rows":  # name the matrix, as the engine's messages do
            item["msg"] = f"{_path(list(item['loc'][1:]))[1:]}: {item['msg']}"
        if "input" in error:
            item["input"] = _short(error["input"])
        if error.get("ctx"):
            item["ctx"] = {
                k: _short(v if isinstance(v, int | float) else str(v))
                for k, v in error["ctx"].items()
            }
        out.append(item)
    return out


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        located = await run_in_threadpool(find_not_finite, exc.body)
        if located is not None:
            errors = [located]
    return json_error(422, {"detail": shorten(errors)})


def add_error_handlers(app: FastAPI) -> None:
    """EngineError and ApiError become 4xx answers; request validation errors keep FastAPI's
    422 shape with their echoed input cut short and non-finite numbers located."""
    app.add_exception_handler(EngineError, _engine_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
