"""Errors in FastAPI's shape: 4xx with {"detail": [{"loc": [...], "msg": ..., "type": ...}]}.

The engine raises EngineError with a field path such as "params.W2" or "activations[1]";
it becomes 422 with loc ["body", "params", "W2"]. Nothing a client sends may become a 500.
"""

from __future__ import annotations

import json
import math
import re
import sys
from itertools import chain
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from app.api.encoding import dumps
from app.engine import EngineError

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
ECHO_LIMIT = 200  # characters of the offending input an error may echo
MESSAGE_LIMIT = 500  # characters of a message of ours (it may quote e.g. a CSV header)


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """`text`, or its start and its length when it is longer than `limit` characters."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"... ({len(text)} characters)"


def _clip_loc(loc: Any) -> list[Any]:
    return [clip(part) if isinstance(part, str) else part for part in loc]


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
        loc.append(int(index) if index else clip(name))
    return loc


def detail(message: str, field: str | None, kind: str = "value_error") -> list[dict[str, object]]:
    return [{"loc": field_loc(field), "msg": clip(message, MESSAGE_LIMIT), "type": kind}]


def json_error(status: int, content: object) -> Response:
    return Response(dumps(content), status_code=status, media_type="application/json")


async def _engine_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, EngineError)
    return json_error(422, {"detail": detail(exc.message, exc.field)})


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if exc.status == 422:
        return json_error(422, {"detail": detail(exc.message, exc.field, exc.kind)})
    return json_error(exc.status, {"detail": clip(exc.message, MESSAGE_LIMIT)})


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
    """NaN, Infinity or -Infinity: the token JSON may not carry here."""

    def __init__(self, token: str) -> None:
        self.token = token


_FLOAT_MAX = sys.float_info.max
_NUMBERS = frozenset({int, float, bool})
_NOT_NUMBERS = frozenset({str, type(None)})
# Any JSON string (its contents may hold digits, quotes and brackets).
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
# A number literal that may overflow a float64: 300+ integer digits, or a 2+ digit exponent.
_MAY_OVERFLOW = re.compile(
    r"(?<![\d.eE+\-])-?(?:\d{300,}(?:\.\d+)?(?:[eE][+-]?\d+)?|\d+(?:\.\d+)?[eE]\+?\d{2,})"
)

# An integer literal of more than 400 digits (digits within strings only get shorter).
_LONG_INT = re.compile(r"(?<![\d.eE+\-])(-?\d{400})\d+(?![\d.eE])")


def _too_large(value: Any) -> bool:
    """An int or float of the parsed JSON that is no finite float64 (compared exactly)."""
    return bool(value > _FLOAT_MAX or value < -_FLOAT_MAX)


def _overflows(token: str) -> bool:
    if any(c in token for c in ".eE"):
        return math.isinf(float(token))
    digits = token.lstrip("-")
    if len(digits) > 309:
        return True  # 10**309 > float max; int() may also refuse this many digits
    return _too_large(int(token))


def _overflowing_token(text: str) -> str | None:
    """The first number literal (outside strings) that overflows a float64."""
    numbers = _STRING.sub('""', text)  # no digits of a string can match
    for match in _MAY_OVERFLOW.finditer(numbers):
        if _overflows(match.group()):
            return match.group()
    return None


def _bad(node: Any) -> bool:
    if isinstance(node, _NotFinite):
        return True
    return type(node) in _NUMBERS and _too_large(node)


_CHUNK = 4096


def _plain(values: list[Any]) -> bool:
    """Only finite float64 numbers, or only strings and nulls (checked at C speed: no
    Python call per item)."""
    types = set(map(type, values))
    if types <= _NOT_NUMBERS:
        return True
    return types <= _NUMBERS and max(values) <= _FLOAT_MAX and min(values) >= -_FLOAT_MAX


def _skippable(chunk: list[Any]) -> bool:
    """Plain values, or lists of plain values (a matrix's rows, e.g. [[0], [0], ...])."""
    if _plain(chunk):
        return True
    if set(map(type, chunk)) == {list}:
        return _plain(list(chain.from_iterable(chunk)))
    return False


def _list_items(values: list[Any]) -> Any:
    """(index, item) of a list, skipping chunks of plain finite numbers (matrix rows)."""
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        if not _skippable(chunk):
            yield from enumerate(chunk, start)


def _first_bad(doc: Any) -> list[str | int] | None:
    """The path of the first (in document order) NaN, Infinity or too large number."""
    if _bad(doc):
        return []
    path: list[str | int] = []
    stack: list[Any] = []  # iterators over (key, value) of the open containers

    def children(node: Any) -> Any:
        if isinstance(node, dict):
            return iter(node.items())
        if isinstance(node, list):
            return _list_items(node)
        return None

    top = children(doc)
    if top is None:
        return None
    stack.append(top)
    while stack:
        for key, value in stack[-1]:
            if _bad(value):
                return [*path, key]
            inner = children(value)
            if inner is not None:
                path.append(key)
                stack.append(inner)
                break
        else:
            stack.pop()
            if path:
                path.pop()
    return None


def _path(parts: list[Any]) -> str:
    """[X, 0, 1] -> ".X[0][1]" (a long key cut to 40 characters)."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{clip(str(p), 40)}" for p in parts)


def find_not_finite(body: Any) -> dict[str, Any] | None:
    """Where the first NaN/Infinity/overflowing number sits in a JSON text, as an error.

    The body is parsed once more with the stdlib's C parser (no per-number callbacks) and
    the parsed value walked; paths are built only for the number found.
    """
    if isinstance(body, bytes | bytearray):
        try:
            body = bytes(body).decode()
        except UnicodeDecodeError:
            return None
    if not isinstance(body, str):
        return None
    try:
        doc = json.loads(body, parse_constant=_NotFinite)
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            return None  # not valid JSON for other reasons too: keep the parser's position
        # An integer over int()'s digit limit (4,300): keep its first 400 digits, still
        # too large for a float64 (the whole literal is reported from the text).
        try:
            doc = json.loads(_LONG_INT.sub(r"\1", body), parse_constant=_NotFinite)
        except (ValueError, RecursionError):
            return None
    except RecursionError:
        return None
    parts = _first_bad(doc)
    if parts is None:
        return None
    node: Any = doc
    for part in parts:
        node = node[part]
    if isinstance(node, _NotFinite):
        token, what = node.token, f"{node.token} is not allowed"
    else:
        token = _overflowing_token(body) or repr(node)
        what = f"{clip(token, 40)} overflows a float64 to infinity"
    return {
        "type": "finite_number",
        "loc": ["body", *parts],
        "msg": f"body{_path(parts)}: {what}; expected a finite number",
        "input": token,  # cut to ECHO_LIMIT by shorten()
    }


def shorten(errors: Any) -> list[dict[str, Any]]:
    """Pydantic's errors with `loc` strings, `msg`, `input` and `ctx` cut to ECHO_LIMIT."""
    out = []
    for error in errors:
        item = {k: error[k] for k in ("type", "loc", "msg") if k in error}
        if item.get("type") == "ragged_rows":  # name the matrix, as the engine's messages do
            item["msg"] = f"{_path(list(item['loc'][1:]))[1:]}: {item['msg']}"
        if "loc" in item:  # e.g. an unknown key of 100 KB
            item["loc"] = _clip_loc(item["loc"])
        if isinstance(item.get("msg"), str):
            item["msg"] = clip(item["msg"])
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
