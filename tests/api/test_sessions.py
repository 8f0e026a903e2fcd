"""Session routes: create, get, step, reset, export, delete; limits, eviction, expiry."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from api_helpers import SESSION_BODY, make_client
from fastapi.testclient import TestClient

from app.api.store import SessionStore

DIVERGING: dict[str, Any] = {
    "layers": [1, 8, 1],
    "activations": ["tanh", "linear"],
    "loss": "mean_squared_error",
    "dataset": {"name": "sine", "n_samples": 100},
    "optimizer": {"name": "gd", "learning_rate": 100},
}


def test_create_answers_201_with_an_unguessable_id(client: TestClient) -> None:
    r = client.post("/api/sessions", json=SESSION_BODY)
    assert r.status_code == 201, r.text
    out = r.json()
    assert len(out["id"]) >= 32  # token_urlsafe(24): 192 random bits
    assert out["iteration"] == 0 and out["dataset"]["m_train"] == 160
    assert out["config"]["optimizer"] == {"name": "gd", "learning_rate": 0.1}
    other = client.post("/api/sessions", json=SESSION_BODY).json()["id"]
    assert other != out["id"]


def test_get_step_and_history(client: TestClient, session_id: str) -> None:
    r = client.post(f"/api/sessions/{session_id}/step", json={"steps": 3})
    assert r.status_code == 200, r.text
    step = r.json()
    assert step["iteration"] == 3 and step["diverged"] is False
    layers = step["trace"]["layers"]
    assert np.array(layers[0]["A"]).shape == (8, 160)  # the whole batch
    assert layers[0]["dA_prev"] is None  # no gradient with respect to X
    info = client.get(f"/api/sessions/{session_id}").json()
    assert info["iteration"] == 3 and len(info["history"]) == 3
    assert info["history"][-1]["cost"] == pytest.approx(step["cost"])
    assert len(info["history"][0]["dW_norms"]) == 3
    assert 0 <= info["metrics"]["train_accuracy"] <= 1


def test_the_same_seed_repeats_and_reset_goes_back(client: TestClient, session_id: str) -> None:
    first = client.post(f"/api/sessions/{session_id}/step", json={"steps": 2}).json()["cost"]
    other = client.post("/api/sessions", json=SESSION_BODY).json()["id"]
    assert client.post(f"/api/sessions/{other}/step", json={"steps": 2}).json()["cost"] == first
    r = client.post(f"/api/sessions/{session_id}/reset")
    assert r.status_code == 200 and r.json()["iteration"] == 0
    assert (
        client.post(f"/api/sessions/{session_id}/step", json={"steps": 2}).json()["cost"] == first
    )


def test_export_json_and_npz(client: TestClient, session_id: str) -> None:
    client.post(f"/api/sessions/{session_id}/step", json={"steps": 1})
    out = client.get(f"/api/sessions/{session_id}/export").json()
    assert out["iteration"] == 1 and set(out["params"]) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    r = client.get(f"/api/sessions/{session_id}/export", params={"format": "npz"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
    npz = np.load(io.BytesIO(r.content))
    np.testing.assert_allclose(npz["W1"], out["params"]["W1"])
    assert npz["layer1_dZ"].shape == (8, 160) and npz["layer3_A"].shape == (1, 160)
    assert "layer1_dA_prev" not in npz.files and float(npz["cost"]) == pytest.approx(
        out["trace"]["cost"]
    )
    r = client.get(f"/api/sessions/{session_id}/export", params={"format": "csv"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "format"]


def test_export_at_iteration_zero(client: TestClient, session_id: str) -> None:
    out = client.get(f"/api/sessions/{session_id}/export").json()
    assert out["iteration"] == 0 and out["trace"]["cost"] > 0


def test_delete_then_404(client: TestClient, session_id: str) -> None:
    assert client.delete(f"/api/sessions/{session_id}").status_code == 204
    for method, path in (("GET", ""), ("POST", "/step"), ("GET", "/export"), ("DELETE", "")):
        r = client.request(method, f"/api/sessions/{session_id}{path}", json={"steps": 1})
        assert r.status_code == 404 and "not found" in r.json()["detail"]


def test_layers_must_fit_the_dataset(client: TestClient) -> None:
    body = {**SESSION_BODY, "layers": [3, 8, 1], "activations": ["tanh", "sigmoid"]}
    r = client.post("/api/sessions", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "layers"]
    assert "2 inputs" in r.json()["detail"][0]["msg"]


def test_dataset_and_optimizer_errors(client: TestClient) -> None:
    bad = {**SESSION_BODY, "dataset": {"name": "mnist"}}
    r = client.post("/api/sessions", json=bad)
    assert r.status_code == 422 and "circle" in r.json()["detail"][0]["msg"]
    bad = {**SESSION_BODY, "optimizer": {"name": "gd", "beta": 0.9}}
    r = client.post("/api/sessions", json=bad)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "optimizer", "beta"]
    bad = {**SESSION_BODY, "dataset": {"name": "circle", "n_samples": 5000}}
    assert client.post("/api/sessions", json=bad).status_code == 422


def test_csv_upload_and_bad_csv(client: TestClient) -> None:
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{i % 2}" for i in range(40))
    body = {
        "layers": [2, 4, 1],
        "activations": ["relu", "sigmoid"],
        "loss": "binary_cross_entropy",
        "dataset": {"name": "csv", "csv": "a,b,label\n" + rows},
    }
    r = client.post("/api/sessions", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["dataset"]["task"] == "binary" and "csv" not in r.json()["config"]["dataset"]
    body["dataset"]["csv"] = "a,b,label\n1,2,0\n1,x,1\n" + rows
    r = client.post("/api/sessions", json=body)
    assert r.status_code == 422
    err = r.json()["detail"][0]
    assert err["loc"] == ["body", "dataset", "csv"] and "line 3" in err["msg"]
    body["dataset"] = {"name": "csv"}
    assert client.post("/api/sessions", json=body).status_code == 422


def test_step_limits(client: TestClient, session_id: str) -> None:
    r = client.post(f"/api/sessions/{session_id}/step", json={"steps": 10_001})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "steps"
    assert client.post(f"/api/sessions/{session_id}/step", json={"steps": 0}).status_code == 422
    with make_client(max_step_work=1e6) as small:
        sid = small.post("/api/sessions", json=SESSION_BODY).json()["id"]
        r = small.post(f"/api/sessions/{sid}/step", json={"steps": 100})
        assert r.status_code == 422 and "max_step_work" in r.json()["detail"][0]["msg"]


def test_diverged_session_answers_409_until_reset(client: TestClient) -> None:
    sid = client.post("/api/sessions", json=DIVERGING).json()["id"]
    r = client.post(f"/api/sessions/{sid}/step", json={"steps": 500})
    assert r.status_code == 200 and r.json()["diverged"] is True and r.json()["cost"] is None
    info = client.get(f"/api/sessions/{sid}")
    assert info.status_code == 200 and info.json()["diverged"] is True
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": 1}).status_code == 409
    assert client.get(f"/api/sessions/{sid}/export").status_code == 200
    client.post(f"/api/sessions/{sid}/reset")
    assert client.post(f"/api/sessions/{sid}/step", json={"steps": 1}).status_code == 200


def test_least_recently_used_session_is_evicted() -> None:
    with make_client(max_sessions=2) as c:
        a, b = (c.post("/api/sessions", json=SESSION_BODY).json()["id"] for _ in range(2))
        c.get(f"/api/sessions/{a}")  # a is now the most recently used
        new = c.post("/api/sessions", json=SESSION_BODY).json()["id"]
        assert c.get(f"/api/sessions/{b}").status_code == 404
        assert c.get(f"/api/sessions/{a}").status_code == 200
        assert c.get(f"/api/sessions/{new}").status_code == 200


class _Fake:
    def __init__(self, sid: str) -> None:
        self.id, self.closed, self.lock = sid, False, None


def test_store_expires_idle_sessions() -> None:
    now = [0.0]
    store: SessionStore[Any] = SessionStore(10, idle_seconds=60, clock=lambda: now[0])
    a, b = _Fake("a"), _Fake("b")
    store.add(a)
    now[0] = 50
    store.add(b)
    now[0] = 100
    assert store.sweep() == [a] and a.closed and not b.closed
    assert store.get("a") is None and store.get("b") is b
    now[0] = 1000
    assert store.sweep() == [b] and len(store) == 0


def test_an_open_stream_keeps_its_session_from_expiring() -> None:
    now = [0.0]
    store: SessionStore[Any] = SessionStore(10, idle_seconds=60, clock=lambda: now[0])
    watched, plain = _Fake("watched"), _Fake("plain")
    watched.on_close = {lambda: None}  # a connected stream's listener
    store.add(watched)
    store.add(plain)
    now[0] = 200  # idle for 200 s > 60 s, but less than 4 x 60 s
    assert store.sweep() == [plain] and not watched.closed
    watched.on_close = set()  # the stream disconnected
    assert store.sweep() == [watched] and watched.closed


def test_a_paused_stream_outlives_the_idle_timeout_in_the_app() -> None:
    import time

    with make_client(session_idle_seconds=0.2) as c:
        sid = c.post("/api/sessions", json=SESSION_BODY).json()["id"]
        with c.websocket_connect(f"/api/sessions/{sid}/stream") as ws:
            assert ws.receive_json()["type"] == "hello"
            time.sleep(0.45)  # past 0.2 s idle, within 4 x 0.2 s
            ws.send_json({"action": "step"})
            while (msg := ws.receive_json()).get("step") != 1 or msg["type"] != "frame":
                assert msg["type"] in ("frame", "grid", "event"), msg  # step 0, "stepping"
                assert msg.get("event") != "closed", msg
        time.sleep(0.6)  # closed: now it expires
        assert c.get(f"/api/sessions/{sid}").status_code == 404


def test_idle_sweeper_runs_in_the_app() -> None:
    import time

    with make_client(session_idle_seconds=0.2) as c:
        sid = c.post("/api/sessions", json=SESSION_BODY).json()["id"]
        time.sleep(0.5)
        assert c.get(f"/api/sessions/{sid}").status_code == 404
