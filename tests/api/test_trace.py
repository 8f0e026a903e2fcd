"""POST /api/trace: Matt Mazur's published numbers, agreement with finite differences, and
every kind of bad input answered with a 4xx that names the field."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import Network

# Matt Mazur, "A Step by Step Backpropagation Example" (2015): total error and the weights
# after one update with learning rate 0.5 (w1..w4 are W1, w5..w8 are W2, row-major).
MAZUR_COST = 0.298371109
MAZUR_W1 = [[0.149780716, 0.19956143], [0.24975114, 0.29950229]]
MAZUR_W2 = [[0.35891648, 0.408666186], [0.511301270, 0.561370121]]


def test_mazur_cost_and_updated_weights(client: TestClient, mazur: dict[str, Any]) -> None:
    r = client.post("/api/trace", json=mazur)
    assert r.status_code == 200, r.text
    body = r.json()
    assert math.isclose(body["cost"], MAZUR_COST, abs_tol=1e-9)
    np.testing.assert_allclose(body["updated_params"]["W2"], MAZUR_W2, atol=1e-8)
    np.testing.assert_allclose(body["updated_params"]["W1"], MAZUR_W1, atol=1e-8)
    out = body["layers"][1]
    np.testing.assert_allclose(out["A"], [[0.75136507], [0.772928465]], atol=1e-8)  # out_o1, o2
    # The explicit dL/dA[2] is A - Y for the 1/2-squared error; sigmoid + MSE has no shortcut.
    np.testing.assert_allclose(out["dA"], np.array(out["A"]) - np.array(mazur["Y"]), atol=1e-12)
    assert body["shortcut"]["matched"] is False and body["shortcut"]["dZ"] is None
    assert [layer["layer"] for layer in body["layers"]] == [1, 2]
    assert set(body["layers"][0]) == {
        "layer",
        "activation",
        "A_prev",
        "W",
        "b",
        "Z",
        "A",
        "dA",
        "dZ",
        "dW",
        "db",
        "dA_prev",
    }


def test_without_learning_rate_there_is_no_update(client: TestClient, mazur: dict) -> None:
    del mazur["learning_rate"]
    assert client.post("/api/trace", json=mazur).json()["updated_params"] is None


def test_matched_pair_reports_the_shortcut(client: TestClient) -> None:
    body = {
        "layers": [3, 4, 1],
        "activations": ["relu", "sigmoid"],
        "loss": "binary_cross_entropy",
        "init": "xavier",
        "seed": 3,
        "X": [[1, 2], [0.5, -1], [0, 3]],
        "Y": [[1, 0]],
    }
    r = client.post("/api/trace", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["shortcut"]["matched"] is True
    A, Y = np.array(out["layers"][1]["A"]), np.array(body["Y"])
    np.testing.assert_allclose(out["shortcut"]["dZ"], A - Y, atol=1e-12)
    np.testing.assert_allclose(out["layers"][1]["dZ"], A - Y, atol=1e-9)
    assert out["shortcut"]["max_abs_diff"] < 1e-9


def _numeric_grads(body: dict[str, Any], params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Centred differences of J computed by forward passes only (no backprop involved)."""
    net = Network(body["layers"], body["activations"], body["loss"], params=params)
    X, Y = np.array(body["X"]), np.array(body["Y"])
    out = {}
    eps = 1e-6
    for key, theta in params.items():
        g = np.zeros_like(theta)
        for idx in np.ndindex(theta.shape):
            old = theta[idx]
            theta[idx] = old + eps
            plus = net.cost(X, Y)
            theta[idx] = old - eps
            minus = net.cost(X, Y)
            theta[idx] = old
            g[idx] = (plus - minus) / (2 * eps)
        out[key] = g
    return out


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    layers = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    L = len(layers) - 1
    hidden = st.sampled_from(["tanh", "sigmoid", "linear"])
    activations = [draw(hidden) for _ in range(L - 1)]
    output, loss = draw(
        st.sampled_from(
            [
                ("sigmoid", "binary_cross_entropy"),
                ("linear", "mean_squared_error"),
                ("tanh", "mean_squared_error"),
                ("softmax", "categorical_cross_entropy"),
            ]
        )
    )
    if output == "softmax" and layers[-1] < 2:
        layers[-1] = 2
    m = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(layers[0], m))
    if output == "softmax":
        Y = np.eye(layers[-1])[:, rng.integers(0, layers[-1], m)]
    elif output == "sigmoid":
        Y = rng.integers(0, 2, size=(layers[-1], m)).astype(float)
    else:
        Y = rng.normal(size=(layers[-1], m))
    params = {}
    for l in range(1, L + 1):
        # Scale 0.5 keeps a sigmoid output from saturating at 1 - 1e-7, where centred
        # differences of log(1 - a) lose their digits (the oracle fails, not backprop).
        params[f"W{l}"] = (0.5 * rng.normal(size=(layers[l], layers[l - 1]))).tolist()
        params[f"b{l}"] = (0.5 * rng.normal(size=(layers[l], 1))).tolist()
    return {
        "layers": layers,
        "activations": [*activations, output],
        "loss": loss,
        "params": params,
        "X": X.tolist(),
        "Y": Y.tolist(),
    }


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=networks())
def test_trace_agrees_with_gradient_checks(client: TestClient, body: dict[str, Any]) -> None:
    r = client.post("/api/trace", json=body)
    assert r.status_code == 200, r.text
    layers = r.json()["layers"]
    params = {k: np.array(v) for k, v in body["params"].items()}
    numeric = _numeric_grads(body, params)
    for layer in layers:
        l = layer["layer"]
        for name in ("W", "b"):
            g, g_num = np.array(layer[f"d{name}"]), numeric[f"{name}{l}"]
            diff = np.linalg.norm(g - g_num) / max(np.linalg.norm(g) + np.linalg.norm(g_num), 1e-12)
            assert diff < 1e-5 or np.abs(g - g_num).max() < 1e-8, (name, l, diff)
    # ... and with the engine's own gradient check, through the API.
    check = client.post("/api/gradcheck", json={**body, "epsilon": 1e-6, "threshold": 1e-5})
    assert check.status_code == 200, check.text
    assert check.json()["max_difference"] < 1e-5


def _error(r: Any, status: int = 422) -> dict[str, Any]:
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail
    return dict(detail[0])


def test_wrong_shape_names_the_field_and_the_expected_shape(
    client: TestClient, mazur: dict
) -> None:
    mazur["params"]["W2"] = [[0.4, 0.45, 1.0], [0.5, 0.55, 1.0]]
    err = _error(client.post("/api/trace", json=mazur))
    assert err["loc"] == ["body", "params", "W2"]
    assert "params.W2" in err["msg"] and "(2, 2)" in err["msg"]


def test_ragged_rows_are_refused(client: TestClient, mazur: dict) -> None:
    mazur["X"] = [[0.05, 1.0], [0.1]]
    err = _error(client.post("/api/trace", json=mazur))
    assert err["loc"] == ["body", "X"] and "equal-length rows" in err["msg"]


def test_ragged_params_are_refused(client: TestClient, mazur: dict) -> None:
    mazur["params"]["W1"] = [[0.15], [0.25, 0.3]]
    err = _error(client.post("/api/trace", json=mazur))
    assert err["loc"] == ["body", "params", "W1"]


def test_y_that_does_not_fit(client: TestClient, mazur: dict) -> None:
    mazur["Y"] = [[0.01]]
    err = _error(client.post("/api/trace", json=mazur))
    assert err["loc"] == ["body", "Y"] and "(2, 1)" in err["msg"]


def test_nan_and_infinity_are_refused(client: TestClient, mazur: dict) -> None:
    for literal in (b"NaN", b"Infinity", b"-Infinity", b"1e999"):
        text = orjson_body(mazur).replace(b"0.05", literal, 1)
        r = client.post("/api/trace", content=text, headers={"content-type": "application/json"})
        assert r.status_code == 422, (literal, r.text)


def orjson_body(body: dict[str, Any]) -> bytes:
    import orjson

    return orjson.dumps(body)


def test_unknown_names_list_the_allowed_ones(client: TestClient, mazur: dict) -> None:
    for field, value, allowed in (
        ("activations", ["sigmoid", "swish"], "relu"),
        ("loss", "hinge", "binary_cross_entropy"),
        ("init", "glorot", "xavier"),
    ):
        body = {**mazur, field: value}
        err = _error(client.post("/api/trace", json=body))
        assert err["loc"][1] == field and allowed in err["msg"], err


def test_softmax_in_a_hidden_layer(client: TestClient, mazur: dict) -> None:
    mazur["activations"] = ["softmax", "sigmoid"]
    err = _error(client.post("/api/trace", json=mazur))
    assert err["loc"] == ["body", "activations", 0] and "output layer" in err["msg"]


def test_loss_that_does_not_fit_the_output(client: TestClient, mazur: dict) -> None:
    mazur["activations"] = ["sigmoid", "linear"]
    mazur["loss"] = "binary_cross_entropy"
    err = _error(client.post("/api/trace", json=mazur))
    assert err["loc"] == ["body", "loss"]


def test_bad_json(client: TestClient) -> None:
    r = client.post(
        "/api/trace", content=b'{"layers": [2, 2', headers={"content-type": "application/json"}
    )
    assert _error(r)["type"] == "json_invalid"


def test_deeply_nested_json_is_refused_fast(client: TestClient) -> None:
    for depth in (9, 100, 100_000):
        text = b"[" * depth + b"]" * depth
        start = time.perf_counter()
        r = client.post("/api/trace", content=text, headers={"content-type": "application/json"})
        assert time.perf_counter() - start < 1.0
        assert r.status_code == 422, r.text


def test_strings_for_numbers_and_extra_keys_are_refused(client: TestClient, mazur: dict) -> None:
    assert client.post("/api/trace", json={**mazur, "learning_rate": "0.5"}).status_code == 422
    err = _error(client.post("/api/trace", json={**mazur, "learningrate": 0.5}))
    assert err["loc"] == ["body", "learningrate"]


def test_limits_name_themselves(client: TestClient) -> None:
    body = {
        "layers": [2] * 9,
        "activations": ["tanh"] * 8,
        "loss": "mean_squared_error",
        "X": [[0.0], [0.0]],
        "Y": [[0.0], [0.0]],
    }
    assert _error(client.post("/api/trace", json=body))["loc"][:2] == ["body", "layers"]
    big = {
        "layers": [1000, 1000, 1],
        "activations": ["tanh", "linear"],
        "loss": "mean_squared_error",
        "X": [[0.0]] * 1000,
        "Y": [[0.0]],
    }
    err = _error(client.post("/api/trace", json=big))
    assert err["loc"] == ["body", "layers"] and "max_parameters" in err["msg"]


def test_overflow_is_a_422_not_a_500(client: TestClient, mazur: dict) -> None:
    mazur["params"]["W1"] = [[1e308, 1e308], [1e308, 1e308]]
    mazur["X"] = [[1e308], [1e308]]
    err = _error(client.post("/api/trace", json=mazur))
    assert "overflow" in err["msg"]


def test_large_network_trace(client: TestClient) -> None:
    """[784, 128, 64, 10] x 64 fits the limits (an MNIST-sized lesson)."""
    rng = np.random.default_rng(0)
    X = rng.random((784, 64)).round(3).tolist()
    Y = np.eye(10)[:, rng.integers(0, 10, 64)].tolist()
    body = {
        "layers": [784, 128, 64, 10],
        "activations": ["relu", "relu", "softmax"],
        "loss": "categorical_cross_entropy",
        "X": X,
        "Y": Y,
    }
    r = client.post("/api/trace", json=body)
    assert r.status_code == 200, r.text[:300]
    assert np.array(r.json()["layers"][0]["dW"]).shape == (128, 784)


def test_huge_body_is_413_naming_the_limit(client: TestClient) -> None:
    r = client.post(
        "/api/trace", content=b"[" + b"0," * (3 << 20), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and "max_body_bytes" in r.json()["detail"]
