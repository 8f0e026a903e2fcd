"""Streams of one session: no render for a closed socket, shared frames, told changes."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import pytest
from api_helpers import SESSION_BODY

from app.api.schemas import SessionIn
from app.api.session import Session
from app.api.store import SessionStore
from app.api.stream import Stream
from app.settings import Settings


def _stream(session: Session) -> Stream:
    ws: Any = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace()))
    return Stream(ws, session, SessionStore(10, idle_seconds=60), binary=False)


def _session(**limits: Any) -> Session:
    return Session.create(SessionIn.model_validate(SESSION_BODY), Settings(**limits))


def test_a_stopped_refresher_renders_no_more_than_its_frame_in_flight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = _session(grid_hz=2.0)
    renders: list[float] = []
    frame = Session.frame

    def slow(self: Session) -> dict[str, Any]:
        renders.append(time.monotonic())
        time.sleep(0.1)
        return frame(self)

    monkeypatch.setattr(Session, "frame", slow)

    async def run() -> float:
        conn = _stream(session)
        conn._last_grid = asyncio.get_running_loop().time()  # a grid just went out
        conn.changed(None)  # another stream stepped: a frame now, the grid in 0.5 s
        await asyncio.sleep(0.05)  # the refresh is rendering, holding the lock
        start = time.monotonic()
        await conn.stop_refresh()  # the socket closed
        took = time.monotonic() - start
        await asyncio.sleep(0.6)
        return took

    took = asyncio.run(run())
    assert len(renders) == 1, renders  # no second render (with the grid) for a closed socket
    assert took < 0.3, took  # nor a wait for the grid's turn


def test_a_step_is_rendered_once_for_every_stream_of_the_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from api_helpers import make_client
    from test_stream import open_stream, receive_until

    calls = {"frame": 0, "grid": 0}
    frame, grid = Session.frame, Session.grid

    def counted_frame(self: Session) -> dict[str, Any]:
        calls["frame"] += 1
        return frame(self)

    def counted_grid(self: Session) -> dict[str, Any] | None:
        calls["grid"] += 1
        return grid(self)

    monkeypatch.setattr(Session, "frame", counted_frame)
    monkeypatch.setattr(Session, "grid", counted_grid)
    with make_client() as c:
        sid = c.post("/api/sessions", json=SESSION_BODY).json()["id"]
        with open_stream(c, sid) as one, open_stream(c, sid) as two, open_stream(c, sid) as three:
            for ws in (one, two, three):
                receive_until(ws, "grid")
            assert calls == {"frame": 1, "grid": 1}  # three hellos, one encoding
            one.send_json({"action": "step"})
            for ws in (one, two, three):
                assert receive_until(ws, "frame")["step"] == 1
            assert calls == {"frame": 2, "grid": 2}, calls
            # The binary encoding is its own entry.
            with open_stream(c, sid, "binary") as four:
                four.receive_bytes()
                four.receive_bytes()
            assert calls["frame"] == 3


def test_hello_sets_the_grid_clock() -> None:
    session = _session()

    async def run() -> float:
        conn = _stream(session)
        await conn.hello()
        return conn._last_grid

    assert asyncio.run(run()) > 0  # a refresh right after the hello sends no second grid
