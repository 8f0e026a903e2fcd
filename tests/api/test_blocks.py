"""POST /api/blocks/{name}: each building block against NumPy written out by hand."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from app.api.blocks import BLOCKS

A_prev = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, 0.5]])
W = np.array([[0.5, -0.5], [0.25, 0.1]])
b = np.array([[0.1], [-0.2]])
Z = W @ A_prev + b


def post(client: TestClient, name: str, **body: object) -> dict:
    payload = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in body.items()}
    r = client.post(f"/api/blocks/{name}", json=payload)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_linear_forward(client: TestClient) -> None:
    np.testing.assert_allclose(post(client, "linear_forward", A_prev=A_prev, W=W, b=b)["Z"], Z)


def test_linear_activation_forward(client: TestClient) -> None:
    out = post(client, "linear_activation_forward", A_prev=A_prev, W=W, b=b, activation="relu")
    np.testing.assert_allclose(out["Z"], Z)
    np.testing.assert_allclose(out["A"], np.maximum(Z, 0))


def test_compute_cost(client: TestClient) -> None:
    AL, Y = np.array([[0.8, 0.3]]), np.array([[1.0, 0.0]])
    cost = post(client, "compute_cost", AL=AL, Y=Y, loss="binary_cross_entropy")["cost"]
    assert np.isclose(cost, -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def test_linear_backward(client: TestClient) -> None:
    dZ = np.array([[0.2, -0.4, 0.1], [0.0, 0.3, -0.3]])
    out = post(client, "linear_backward", dZ=dZ, A_prev=A_prev, W=W, b=b)
    np.testing.assert_allclose(out["dW"], dZ @ A_prev.T / 3)
    np.testing.assert_allclose(out["db"], dZ.sum(axis=1, keepdims=True) / 3)
    np.testing.assert_allclose(out["dA_prev"], W.T @ dZ)


def test_linear_activation_backward(client: TestClient) -> None:
    dA = np.array([[0.2, -0.4, 0.1], [0.0, 0.3, -0.3]])
    out = post(
        client,
        "linear_activation_backward",
        dA=dA,
        A_prev=A_prev,
        W=W,
        b=b,
        Z=Z,
        activation="sigmoid",
    )
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    np.testing.assert_allclose(out["dZ"], dZ)
    np.testing.assert_allclose(out["dW"], dZ @ A_prev.T / 3)
    np.testing.assert_allclose(out["dA_prev"], W.T @ dZ)


def test_model_backward_matches_the_chain(client: TestClient) -> None:
    W2, b2 = np.array([[0.4, -0.3]]), np.array([[0.1]])
    A1 = np.tanh(Z)
    Z2 = W2 @ A1 + b2
    AL = 1 / (1 + np.exp(-Z2))
    Y = np.array([[1.0, 0.0, 1.0]])
    caches = [
        {"A_prev": A_prev.tolist(), "W": W.tolist(), "b": b.tolist(), "Z": Z.tolist()},
        {"A_prev": A1.tolist(), "W": W2.tolist(), "b": b2.tolist(), "Z": Z2.tolist()},
    ]
    out = post(
        client,
        "model_backward",
        AL=AL,
        Y=Y,
        loss="binary_cross_entropy",
        activations=["tanh", "sigmoid"],
        caches=caches,
    )["layers"]
    dZ2 = AL - Y
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (1 - A1**2)
    np.testing.assert_allclose(out[1]["dZ"], dZ2, atol=1e-12)
    np.testing.assert_allclose(out[1]["dA_prev"], dA1, atol=1e-12)
    np.testing.assert_allclose(out[0]["dZ"], dZ1, atol=1e-12)
    np.testing.assert_allclose(out[0]["dW"], dZ1 @ A_prev.T / 3, atol=1e-12)
    assert [layer["layer"] for layer in out] == [1, 2]


def test_update_parameters(client: TestClient) -> None:
    out = post(
        client,
        "update_parameters",
        params={"W1": W.tolist(), "b1": b.tolist()},
        grads={"dW1": np.ones_like(W).tolist(), "db1": np.ones_like(b).tolist()},
        learning_rate=0.5,
    )["params"]
    np.testing.assert_allclose(out["W1"], W - 0.5)
    np.testing.assert_allclose(out["b1"], b - 0.5)


def test_block_errors_name_the_argument(client: TestClient) -> None:
    r = client.post(
        "/api/blocks/linear_forward",
        json={"A_prev": A_prev.tolist(), "W": [[1.0, 2.0, 3.0]], "b": [[0.0]]},
    )
    assert r.status_code == 422
    err = r.json()["detail"][0]
    assert err["loc"] == ["body", "W"] and "(n[l], 2)" in err["msg"]
    r = client.post(
        "/api/blocks/update_parameters",
        json={"params": {"W1": [[1.0]]}, "grads": {}, "learning_rate": 0.1},
    )
    assert r.status_code == 422
    r = client.post(
        "/api/blocks/update_parameters",
        json={"params": {"W1": [[1.0]]}, "grads": {"dW2": [[1.0]]}, "learning_rate": 0.1},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "grads", "dW1"]
    r = client.post(
        "/api/blocks/linear_activation_forward",
        json={"A_prev": [[1.0]], "W": [[1.0]], "b": [[0.0]], "activation": "gelu"},
    )
    assert r.status_code == 422 and "relu" in r.json()["detail"][0]["msg"]


def test_unknown_block_is_404(client: TestClient) -> None:
    assert client.post("/api/blocks/conv_forward", json={}).status_code == 404


def test_every_block_is_routed(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {p.rsplit("/", 1)[1] for p in paths if p.startswith("/api/blocks/")} == set(BLOCKS)
