"""Streams of one session: no render for a closed socket, shared frames, told changes."""

from __future__ import annotations

import asyncio
import json
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


def _events(ws: Any, until_step: int) -> list[dict[str, Any]]:
    """The events up to the first frame of step `until_step` (at most 100 messages)."""
    events = []
    for _ in range(100):
        m = ws.receive_json()
        if m["type"] == "event":
            events.append(m)
        if m["type"] == "frame" and m["step"] == until_step:
            return events
    raise AssertionError(f"no frame of step {until_step} in 100 messages")


def test_set_and_reset_made_elsewhere_reach_every_stream(client: Any, session_id: str) -> None:
    from test_stream import open_stream, receive_until

    with open_stream(client, session_id) as one, open_stream(client, session_id) as two:
        receive_until(one, "grid")
        receive_until(two, "grid")
        one.send_json({"action": "set", "learning_rate": 0.05, "fps": 5, "l2": 0.5})
        told = receive_until(two, "event", "set")
        assert told["values"] == {"learning_rate": 0.05, "l2": 0.5}  # fps is one's own
        assert receive_until(one, "event", "set")["values"]["fps"] == 5
        one.send_json({"action": "set", "fps": 7})  # nothing for two
        receive_until(one, "event", "set")
        one.send_json({"action": "step"})
        assert [e["event"] for e in _events(two, 1)] == []
        assert client.post(f"/api/sessions/{session_id}/reset").status_code == 200
        for ws in (one, two):
            assert [e["event"] for e in _events(ws, 0)] == ["reset"]
        two.send_json({"action": "step"})
        _events(two, 1)
        two.send_json({"action": "reset"})
        assert [e["event"] for e in _events(one, 0)][-1:] == ["reset"]


def test_a_playing_stream_told_of_a_reset_says_it_plays_on(client: Any, session_id: str) -> None:
    from test_stream import open_stream, receive_until

    with open_stream(client, session_id) as ws:
        receive_until(ws, "grid")
        ws.send_json({"action": "play", "fps": 30})
        receive_until(ws, "event", "playing")
        client.post(f"/api/sessions/{session_id}/reset")
        receive_until(ws, "event", "reset")
        assert receive_until(ws, "event")["event"] == "playing"  # the page shows Pause
        ws.send_json({"action": "pause"})
        receive_until(ws, "event", "paused")


@pytest.mark.parametrize(
    ("command", "action"),
    [({"action": "play", "fps": 30}, "play"), ({"action": "step"}, "step")],
)
def test_an_internal_failure_is_logged_not_echoed(
    client: Any,
    session_id: str,
    command: dict[str, Any],
    action: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from test_stream import open_stream, receive_until

    def broken(*_: Any) -> None:
        raise KeyError("/srv/app/secret internal detail")

    session: Session = client.app.state.store.get(session_id)
    monkeypatch.setattr(session.trainer, "run", broken)
    with open_stream(client, session_id) as ws:
        receive_until(ws, "grid")
        ws.send_json(command)
        error = receive_until(ws, "error")
        assert "secret" not in error["message"] and "KeyError" not in error["message"]
        assert error["message"].startswith(f"training stopped: the {action} failed"), error
        receive_until(ws, "event", "paused")
    assert "secret internal detail" in caplog.text  # the detail is in the server's log


def test_hello_comes_first_when_another_stream_changes_the_session_meanwhile() -> None:
    """The route listens for changes before hello; a reset made elsewhere while hello waits
    for the session's lock is told after hello, never before it."""

    async def main() -> list[str]:
        s = Session.create(SessionIn.model_validate(SESSION_BODY), Settings())
        ws = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace()))
        conn = Stream(ws, s, SessionStore(10, idle_seconds=60), binary=False)  # type: ignore[arg-type]
        s.on_change.add(conn.changed)
        await s.lock.acquire()  # another stream's reset holds the lock
        hello = asyncio.create_task(conn.hello())
        await asyncio.sleep(0.01)
        s.reset()
        s.lock.release()
        s.changed(object(), {"event": "reset"})
        await hello
        return [json.loads(m)["type"] + ":" + json.loads(m).get("event", "") for m in conn._control]

    assert asyncio.run(main()) == ["hello:", "event:reset"]
