"""The course's building blocks: same numbers as the network's trace, on any caches."""

from typing import Any

import numpy as np
import pytest

from app.engine import EngineError, Network
from app.engine.blocks import (
    compute_cost,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    model_backward,
    update_parameters,
)


@pytest.fixture
def run():
    rng = np.random.default_rng(3)
    net = Network([3, 4, 2], ["tanh", "softmax"], "categorical_cross_entropy", seed=3)
    X = rng.standard_normal((3, 5))
    Y = np.eye(2)[:, rng.integers(0, 2, 5)]
    trace = net.forward(X)
    return net, X, Y, trace, net.backward(trace, Y)


def test_forward_blocks_match_the_trace(run):
    net, X, _, trace, _ = run
    l1, l2 = trace.layers
    assert np.array_equal(linear_forward(X, net.params["W1"], net.params["b1"]), l1.Z)
    Z, A = linear_activation_forward(l1.A, net.params["W2"], net.params["b2"], "softmax")
    assert np.array_equal(Z, l2.Z) and np.allclose(A, l2.A, atol=0, rtol=1e-15)


def test_backward_blocks_match_the_trace(run):
    _, X, Y, trace, grads = run
    l1, l2 = trace.layers
    g1, g2 = grads.layers
    dA_prev, dW, db = linear_backward(g2.dZ, l2.A_prev, l2.W, l2.b)
    assert np.allclose(dA_prev, g2.dA_prev) and np.allclose(dW, g2.dW) and np.allclose(db, g2.db)
    dZ, dA_prev, dW, db = linear_activation_backward(g1.dA, X, l1.W, l1.b, l1.Z, "tanh")
    assert np.allclose(dZ, g1.dZ) and np.allclose(dW, g1.dW) and np.allclose(dA_prev, g1.dA_prev)
    assert compute_cost(l2.A, Y, "categorical_cross_entropy") == pytest.approx(grads.cost)


def test_model_backward_on_caches_that_come_from_no_forward_pass():
    """A learner's own caches: any numbers of the right shapes; checked against a hand chain."""
    rng = np.random.default_rng(7)
    A0, W1, b1, Z1 = (rng.standard_normal(s) for s in [(2, 3), (4, 2), (4, 1), (4, 3)])
    W2, b2, Z2 = (rng.standard_normal(s) for s in [(1, 4), (1, 1), (1, 3)])
    A1 = np.maximum(Z1, 0)  # what layer 2 received: relu of the given Z1
    AL = 1 / (1 + np.exp(-Z2))
    Y = np.array([[1.0, 0.0, 1.0]])
    caches = [
        {"A_prev": A0, "W": W1, "b": b1, "Z": Z1},
        {"A_prev": A1, "W": W2, "b": b2, "Z": Z2},
    ]
    out = model_backward(AL, Y, "binary_cross_entropy", ["relu", "sigmoid"], caches)
    dZ2 = AL - Y
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (Z1 > 0)
    assert np.allclose(out[1]["dZ"], dZ2)
    assert np.allclose(out[1]["dW"], dZ2 @ A1.T / 3)
    assert np.allclose(out[1]["dA_prev"], dA1)
    assert np.allclose(out[0]["dA"], dA1)
    assert np.allclose(out[0]["dZ"], dZ1)
    assert np.allclose(out[0]["dW"], dZ1 @ A0.T / 3)
    assert np.allclose(out[0]["db"], dZ1.mean(axis=1, keepdims=True))
    assert np.allclose(out[0]["dA_prev"], W1.T @ dZ1)


def test_update_parameters_returns_new_arrays():
    params = {"W1": np.ones((2, 2)), "b1": np.zeros((2, 1))}
    grads = {"dW1": np.full((2, 2), 2.0), "db1": np.ones((2, 1))}
    new = update_parameters(params, grads, 0.5)
    assert new["W1"].tolist() == [[0.0, 0.0], [0.0, 0.0]] and new["b1"].tolist() == [[-0.5]] * 2
    assert params["W1"].tolist() == [[1.0, 1.0], [1.0, 1.0]]


@pytest.mark.parametrize(
    ("call", "field", "text"),
    [
        (lambda: linear_forward([[1.0], [2.0]], [[1.0, 2.0, 3.0]], [[0.0]]), "W", "(n[l], 2)"),
        (lambda: linear_forward([[1.0]], [[1.0]], [[0.0], [1.0]]), "b", "(n[l], 1)"),
        (lambda: linear_forward([[1.0, 2.0], [3.0]], [[1.0]], [[0.0]]), "A_prev", "equal-length"),
        (lambda: linear_forward([[float("nan")]], [[1.0]], [[0.0]]), "A_prev", "finite"),
        (lambda: linear_backward([[1.0, 2.0]], [[1.0]], [[1.0]], [[0.0]]), "dZ", "(n[l], m)"),
        (
            lambda: linear_activation_forward([[1.0]], [[1.0]], [[0.0]], "swish"),
            "activation",
            "relu",
        ),
        (lambda: compute_cost([[0.5]], [[1.0]], "hinge"), "loss", "binary_cross_entropy"),
        (lambda: update_parameters({"W1": [[1.0]]}, {}, 0.1), "grads.dW1", "dW1"),
        (
            lambda: model_backward([[0.5]], [[1.0]], "binary_cross_entropy", ["sigmoid"], [{}]),
            "caches[0]",
            "missing A_prev",
        ),
    ],
)
def test_errors_name_the_argument(call, field, text):
    with pytest.raises(EngineError) as err:
        call()
    assert err.value.field == field
    assert text in str(err.value)


def _two_layer_caches(n_out: int = 2) -> list[dict[str, Any]]:
    rng = np.random.default_rng(3)
    Z1 = rng.standard_normal((2, 3))
    return [
        {"A_prev": rng.standard_normal((2, 3)), "W": np.eye(2), "b": np.zeros((2, 1)), "Z": Z1},
        {
            "A_prev": np.tanh(Z1),
            "W": rng.standard_normal((n_out, 2)),
            "b": np.zeros((n_out, 1)),
            "Z": rng.standard_normal((n_out, 3)),
        },
    ]


def test_model_backward_refuses_what_a_network_refuses():
    """As /api/trace: softmax only in the output layer, and a loss that fits the output."""
    AL = np.full((2, 3), 0.5)
    Y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    with pytest.raises(EngineError) as err:
        model_backward(AL, Y, "mean_squared_error", ["softmax", "sigmoid"], _two_layer_caches())
    assert err.value.field == "activations[0]" and "only allowed in the output" in str(err.value)
    with pytest.raises(EngineError) as err:
        model_backward(AL, Y, "categorical_cross_entropy", ["tanh", "sigmoid"], _two_layer_caches())
    assert err.value.field == "loss" and "sigmoid" in str(err.value)
    for activations, loss in [
        (["tanh", "softmax"], "categorical_cross_entropy"),
        (["tanh", "sigmoid"], "binary_cross_entropy"),
        (["tanh", "linear"], "mean_squared_error"),
    ]:
        assert len(model_backward(AL, Y, loss, activations, _two_layer_caches())) == 2


@pytest.mark.parametrize("loss", ["binary_cross_entropy", "categorical_cross_entropy"])
@pytest.mark.parametrize("bad", [1.5, -1.0])
def test_compute_cost_refuses_al_outside_0_1_for_cross_entropy(loss: str, bad: float) -> None:
    with pytest.raises(EngineError) as err:
        compute_cost([[0.5, bad]], [[1.0, 0.0]], loss)
    assert err.value.field == "AL" and "[0, 1]" in str(err.value) and f"{bad:g}" in str(err.value)
    with pytest.raises(EngineError) as err:
        compute_cost([[0.5, 0.5]], [[1.0, 2.0]], loss)
    assert err.value.field == "Y"
    # Mean squared error takes any numbers; the edges 0 and 1 are fine for cross-entropy.
    assert compute_cost([[bad]], [[0.0]], "mean_squared_error") == pytest.approx(bad * bad / 2)
    assert np.isfinite(compute_cost([[0.0, 1.0]], [[0.0, 1.0]], loss))
