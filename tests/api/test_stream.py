"""WS /api/sessions/{id}/stream: every action, errors that keep the connection open,
divergence, the binary encoding against the JSON one, and a closed session."""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from api_helpers import SESSION_BODY, assert_close, decode_binary
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from test_sessions import DIVERGING

from app.api.stream import Stream
from app.engine.datasets import DATASETS


def receive_until(
    ws: WebSocketTestSession, kind: str, event: str | None = None, limit: int = 500
) -> dict[str, Any]:
    """Skip messages until one of `kind` (and `event`) arrives."""
    for _ in range(limit):
        m: dict[str, Any] = ws.receive_json()
        if m["type"] == kind and (event is None or m.get("event") == event):
            return m
    raise AssertionError(f"no {kind} {event or ''} in {limit} messages")


def open_stream(client: TestClient, sid: str, encoding: str = "json") -> WebSocketTestSession:
    return client.websocket_connect(f"/api/sessions/{sid}/stream?encoding={encoding}")


def test_hello_then_a_frame_and_a_grid(client: TestClient, session_id: str) -> None:
    with open_stream(client, session_id) as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello" and hello["protocol"] == 1
        assert hello["session"] == session_id and hello["iteration"] == 0
        assert hello["config"]["layers"] == [2, 8, 8, 1] and hello["window_size"] == 32
        assert np.array(hello["data"]["X_train"]).shape == (2, 160)
        assert hello["input_range"] == [[-6.0, 6.0], [-6.0, 6.0]]
        assert hello["limits"]["max_fps"] == 60
        frame = ws.receive_json()
        assert frame["type"] == "frame" and frame["step"] == 0
        assert frame["columns"] == list(range(32)) and frame["m"] == 160
        layer = frame["layers"][0]
        assert np.array(layer["A"]).shape == (8, 32) and np.array(layer["W"]).shape == (8, 2)
        assert layer["dA_prev"] is None and frame["layers"][1]["dA_prev"] is not None
        assert frame["shortcut"]["matched"] is True and frame["shortcut"]["max_abs_diff"] < 1e-9
        assert np.array(frame["X"]).shape == (2, 32) and np.array(frame["Y"]).shape == (1, 32)
        assert {"dW_norm", "dA_norm", "dW", "db", "dZ", "Z"} <= set(layer)
        grid = ws.receive_json()
        assert grid["type"] == "grid" and grid["resolution"] == 40
        assert np.array(grid["output"]).shape == (40, 40)
        assert [np.array(u).shape for u in grid["units"]] == [(8, 40, 40), (8, 40, 40)]


def test_frame_matches_the_rest_trace(client: TestClient, session_id: str) -> None:
    with open_stream(client, session_id) as ws:
        receive_until(ws, "grid")
        ws.send_json({"action": "step"})
        frame = receive_until(ws, "frame")
    assert frame["step"] == 1
    export = client.get(f"/api/sessions/{session_id}/export").json()["trace"]
    for got, full in zip(frame["layers"], export["layers"], strict=True):
        np.testing.assert_allclose(got["A"], np.array(full["A"])[:, :32], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(got["dW"], full["dW"], rtol=1e-5, atol=1e-7)
    assert abs(frame["cost"] - export["cost"]) < 1e-12


def test_play_paces_frames_and_pause_stops(client: TestClient, session_id: str) -> None:
    with open_stream(client, session_id) as ws:
        receive_until(ws, "grid")
        ws.send_json({"action": "play", "fps": 40})
        assert receive_until(ws, "event", "playing")["fps"] == 40
        start = time.monotonic()
        steps = []
        while time.monotonic() - start < 0.5:
            m = ws.receive_json()
            if m["type"] == "frame":
                steps.append(m["step"])
        assert steps == sorted(steps) and 8 <= len(steps) <= 30
        ws.send_json({"action": "pause"})
        paused = receive_until(ws, "event", "paused")
        ws.send_json({"action": "step"})
        frame = receive_until(ws, "frame")
        assert frame["step"] == paused["step"] + 1


def test_multi_step_reports_progress(client: TestClient, session_id: str) -> None:
    with open_stream(client, session_id) as ws:
        receive_until(ws, "grid")
        ws.send_json({"action": "step", "steps": 300})
        done = 0
        while done < 300:
            done = receive_until(ws, "event", "progress")["done"]
        frame = receive_until(ws, "frame")
        assert frame["step"] == 300
        assert receive_until(ws, "grid")["step"] == 300


def test_set_applies_live(client: TestClient, session_id: str) -> None:
    with open_stream(client, session_id) as ws:
        receive_until(ws, "grid")
        ws.send_json({"action": "set", "learning_rate": 0.03, "window_start": 100})
        event = receive_until(ws, "event", "set")
        assert event["values"] == {"learning_rate": 0.03, "window_start": 100}
        frame = receive_until(ws, "frame")
        assert frame["columns"][0] == 100 and frame["learning_rate"] == 0.03
        ws.send_json({"action": "set", "window_start": 2000})
        frame = receive_until(ws, "frame")
        assert frame["columns"] == list(range(128, 160))  # clamped to the batch
        ws.send_json({"action": "set", "l2": 0.5, "batch_size": 16, "fps": 10})
        receive_until(ws, "event", "set")
        ws.send_json({"action": "step"})
        assert receive_until(ws, "frame")["m"] == 16


def test_bad_commands_answer_errors_and_keep_the_connection(
    client: TestClient, session_id: str
) -> None:
    bad: list[tuple[Any, str | None]] = [
        ("not json", None),
        ([1, 2], None),
        ({"action": "jump"}, "action"),
        ({"action": "play", "fps": 1000}, "fps"),
        ({"action": "play", "fps": "fast"}, "fps"),
        ({"action": "step", "steps": 0}, "steps"),
        ({"action": "step", "steps": 10**9}, "steps"),
        ({"action": "set", "learning_rate": -1}, "optimizer.learning_rate"),
        ({"action": "set", "beta": 0.9}, "beta"),
        ({"action": "set"}, None),
        ({"action": "pause", "now": True}, "now"),
    ]
    with open_stream(client, session_id) as ws:
        receive_until(ws, "grid")
        for command, field in bad:
            if isinstance(command, str):
                ws.send_text(command)
            else:
                ws.send_json(command)
            err = receive_until(ws, "error")
            assert err["message"] and err["field"] == field, (command, err)
        ws.send_bytes(b"\x00")
        assert "JSON text" in receive_until(ws, "error")["message"]
        ws.send_json({"action": "step"})
        assert receive_until(ws, "frame")["step"] == 1


def test_divergence_stops_playing_and_reset_recovers(client: TestClient) -> None:
    sid = client.post("/api/sessions", json=DIVERGING).json()["id"]
    with open_stream(client, sid) as ws:
        receive_until(ws, "grid")
        ws.send_json({"action": "play", "fps": 60})
        event = receive_until(ws, "event", "diverged")
        assert "reset" in event["message"]
        ws.send_json({"action": "play"})
        assert receive_until(ws, "error")["field"] == "session"
        ws.send_json({"action": "reset"})
        receive_until(ws, "event", "reset")
        frame = receive_until(ws, "frame")
        assert frame["step"] == 0 and frame["diverged"] is False
        ws.send_json({"action": "step"})
        assert receive_until(ws, "frame")["step"] == 1


def test_binary_encoding_carries_the_same_messages(client: TestClient) -> None:
    a = client.post("/api/sessions", json=SESSION_BODY).json()["id"]
    b = client.post("/api/sessions", json=SESSION_BODY).json()["id"]
    with open_stream(client, a) as ws_json, open_stream(client, b, "binary") as ws_bin:
        for _ in range(3):  # hello, frame, grid
            j = ws_json.receive_json()
            k = decode_binary(ws_bin.receive_bytes())
            j.pop("session", None), k.pop("session", None)
            if j["type"] == "hello":
                assert k["encoding"] == "binary"
                j.pop("encoding"), k.pop("encoding")
            assert_close(j, k, rel=1e-6)
        for ws in (ws_json, ws_bin):
            ws.send_json({"action": "step", "steps": 5})
        j = receive_until(ws_json, "frame")
        for _ in range(50):
            k = decode_binary(ws_bin.receive_bytes())
            if k["type"] == "frame":
                break
        assert j["step"] == k["step"] == 5
        assert_close(j, k, rel=1e-6)


def test_unknown_session_and_bad_encoding(client: TestClient, session_id: str) -> None:
    with client.websocket_connect("/api/sessions/nope/stream") as ws:
        assert ws.receive_json()["field"] == "session"
    with open_stream(client, session_id, "xml") as ws:
        assert ws.receive_json()["field"] == "encoding"


def test_deleted_session_closes_its_stream(client: TestClient, session_id: str) -> None:
    with open_stream(client, session_id) as ws:
        receive_until(ws, "grid")
        client.delete(f"/api/sessions/{session_id}")  # told at once, without a command
        assert receive_until(ws, "event", "closed")["message"]


class _BlockedSocket:
    """A WebSocket whose sends wait until released, like a reader that stopped reading."""

    app = SimpleNamespace(state=SimpleNamespace())

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.sent: list[str] = []

    async def send_text(self, text: str) -> None:
        await self.release.wait()
        self.sent.append(text)


def test_slow_reader_holds_at_most_one_frame(client: TestClient, session_id: str) -> None:
    """Frames the reader did not take are replaced, not queued; control messages are kept."""
    session = client.app.state.store.get(session_id)  # type: ignore[attr-defined]

    async def scenario() -> list[str]:
        sock = _BlockedSocket()
        conn = Stream(sock, session, client.app.state.store, binary=False)  # type: ignore[arg-type,attr-defined]
        sender = asyncio.create_task(conn.sender())
        conn.post_encoded(b'{"type":"frame","step":0}')
        await asyncio.sleep(0.01)  # the sender is now stuck sending frame 0
        for n in range(1, 100):
            conn.post_encoded(f'{{"type":"frame","step":{n}}}'.encode())
            assert conn._frame is not None and conn._control == deque()
        conn.event("paused")
        sock.release.set()
        await asyncio.sleep(0.05)
        sender.cancel()
        return sock.sent

    sent = asyncio.run(scenario())
    assert [json.loads(m).get("step") for m in sent] == [0, 0, 99]
    assert json.loads(sent[1])["event"] == "paused"


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_streams(client: TestClient, name: str) -> None:
    spec = DATASETS[name]
    body = {
        "layers": [spec.n_features, 6, spec.n_outputs],
        "activations": ["relu", spec.suggested_output_activation],
        "loss": spec.suggested_loss,
        "dataset": {"name": name, "n_samples": 200},
        "optimizer": {"name": "adam", "learning_rate": 0.01},
        "batch_size": 32,
    }
    r = client.post("/api/sessions", json=body)
    assert r.status_code == 201, r.text
    with open_stream(client, r.json()["id"]) as ws:
        hello = ws.receive_json()
        assert (hello["data"] is None) == (spec.n_features > 2)
        ws.send_json({"action": "step", "steps": 3})
        frame = receive_until(ws, "frame")
        while frame["step"] < 3:
            frame = receive_until(ws, "frame")
        assert frame["m"] == 32 and len(frame["columns"]) == 32
        if spec.n_features <= 2:
            grid = receive_until(ws, "grid")
            assert grid["step"] == 3 and ("y_range" in grid) == (spec.n_features == 2)
