"""Request bodies parsed with orjson, with a nesting limit checked before validation."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

DEFAULT_MAX_DEPTH = 8


def too_deep(obj: Any, limit: int) -> bool:
    """True if arrays/objects nest deeper than `limit` (a bare number has depth 0)."""
    stack = [(obj, 1)] if isinstance(obj, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for value in node.values() if isinstance(node, dict) else node:
            if isinstance(value, dict | list):
                stack.append((value, depth + 1))
    return False


class _OrjsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            value = orjson.loads(body)  # orjson.JSONDecodeError is a json.JSONDecodeError: 422
            settings = getattr(self.app.state, "settings", None)
            limit = settings.max_json_depth if settings else DEFAULT_MAX_DEPTH
            if too_deep(value, limit):
                msg = f"JSON nests deeper than {limit} levels (the limit max_json_depth)"
                raise HTTPException(
                    422, detail=[{"loc": ["body"], "msg": msg, "type": "json_too_deep"}]
                )
            self._json = value
        return self._json


class OrjsonRoute(APIRoute):
    """An APIRoute whose JSON bodies go through orjson and the nesting limit."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            return await handler(_OrjsonRequest(request.scope, request.receive))

        return route_handler
