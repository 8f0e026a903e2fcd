"""Network: shortcut lesson, numerical safety, divergence, determinism, optimizers, validation."""

import warnings

import numpy as np
import pytest

from app.engine import (
    MATCHED_PAIRS,
    EngineError,
    Network,
    Trainer,
    load_dataset,
    make_optimizer,
)
from app.engine.activations import ACTIVATIONS
from app.engine.blocks import compute_cost
from app.engine.losses import LOSSES


@pytest.fixture(autouse=True)
def numpy_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield


@pytest.mark.parametrize(("out", "loss"), MATCHED_PAIRS.items())
def test_shortcut_agrees_with_the_explicit_path(out, loss):
    rng = np.random.default_rng(0)
    n_out = 3 if out == "softmax" else 1
    net = Network([2, 5, n_out], ["tanh", out], loss, seed=1)
    X = rng.standard_normal((2, 50))
    Y = np.eye(3)[:, rng.integers(0, 3, 50)] if out == "softmax" else rng.random((1, 50)).round()
    step = net.train_step(X, Y, learning_rate=0.1)
    assert step.dZ_shortcut is not None
    assert np.allclose(step.dZ_shortcut, step.layers[-1].A - Y, rtol=0, atol=0)
    assert step.shortcut_max_abs_diff < 1e-12
    assert np.allclose(step.dZ_explicit, step.dZ_shortcut, atol=1e-12)
    # dA[L] is the explicit dL/dA[L] of the loss, not the shortcut.
    assert np.allclose(step.layers[-1].dA, LOSSES[loss].dA(step.layers[-1].A, Y))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"])
def test_activations_are_safe_for_huge_z(name):
    Z = np.array([[-1e4, -800.0, 0.0, 800.0, 1e4], [1e4, 3.0, -1e4, 0.5, -1e4]])
    A = ACTIVATIONS[name].forward(Z)
    dZ = ACTIVATIONS[name].backward(np.ones_like(Z), Z, A)
    assert np.isfinite(A).all() and np.isfinite(dZ).all()
    if name == "sigmoid":
        assert A[0, 0] == 0.0 and A[0, 4] == 1.0
    if name == "softmax":
        assert np.allclose(A.sum(axis=0), 1.0)


@pytest.mark.parametrize(
    ("loss", "AL", "Y"),
    [
        ("binary_cross_entropy", [[0.0, 1.0, 0.0, 1.0]], [[0.0, 1.0, 1.0, 0.0]]),
        ("categorical_cross_entropy", [[0.0, 1.0], [1.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]),
        ("mean_squared_error", [[0.0, 1.0]], [[1e4, -1e4]]),
    ],
)
def test_losses_are_finite_when_AL_is_exactly_0_or_1(loss, AL, Y):
    cost = compute_cost(AL, Y, loss)
    dA = LOSSES[loss].dA(np.array(AL), np.array(Y))
    assert np.isfinite(cost) and cost >= 0 and np.isfinite(dA).all()


def test_saturated_sigmoid_network_trains_without_warnings():
    net = Network([1, 1], ["sigmoid"], "binary_cross_entropy", params={
        "W1": np.array([[1e4]]), "b1": np.array([[0.0]]),
    })  # fmt: skip
    X = np.array([[-1.0, 1.0]])
    Y = np.array([[1.0, 0.0]])  # both confidently wrong: A = 0 where Y = 1, A = 1 where Y = 0
    step = net.train_step(X, Y, learning_rate=0.1)
    assert np.isfinite(step.cost) and step.cost > 30
    # The explicit path loses the gradient at A = 0 or 1; the shortcut A - Y keeps it.
    assert step.layers[0].dZ.tolist() == [[-1.0, 1.0]]
    assert step.shortcut_max_abs_diff == pytest.approx(1.0)
    assert not step.diverged


def test_divergence_is_reported_as_state_and_reset_recovers():
    data = load_dataset("sine", n_samples=100, noise=0.0, seed=0)
    net = Network([1, 16, 1], ["relu", "linear"], "mean_squared_error", seed=0)
    trainer = Trainer(net, data, make_optimizer("gd", learning_rate=100.0))
    trainer.run(200)  # no NumPy warning or exception escapes: divergence is state
    assert trainer.diverged and trainer.iteration < 200
    with pytest.raises(EngineError, match="diverged"):
        trainer.step()
    trainer.reset()
    trainer.optimizer.set("learning_rate", 0.01)
    step = trainer.run(5)
    assert not trainer.diverged and np.isfinite(step.cost) and trainer.iteration == 5


def test_same_seed_same_parameters_bit_for_bit():
    def run():
        data = load_dataset("spiral", n_samples=200, noise=0.2, seed=5)
        net = Network([2, 8, 8, 1], ["relu", "tanh", "sigmoid"], "binary_cross_entropy", seed=5)
        trainer = Trainer(
            net, data, make_optimizer("adam", learning_rate=0.01), batch_size=32, seed=5
        )
        trainer.run(100)
        return net.params

    a, b = run(), run()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    data = load_dataset("spiral", n_samples=200, noise=0.2, seed=5)
    other = Network([2, 8, 8, 1], ["relu", "tanh", "sigmoid"], "binary_cross_entropy", seed=6)
    assert not np.array_equal(other.params["W1"], a["W1"])
    assert data.X_train.shape == (2, 160)


def test_reset_repeats_the_run_bit_for_bit():
    data = load_dataset("xor", n_samples=200, seed=1)
    net = Network([2, 4, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=2)
    trainer = Trainer(
        net, data, make_optimizer("momentum", learning_rate=0.1), batch_size=50, seed=3
    )
    first = [trainer.step().cost for _ in range(20)]
    trainer.reset()
    assert [trainer.step().cost for _ in range(20)] == first


def test_momentum_and_adam_match_the_course_formulas():
    W, g = np.array([[1.0, -2.0]]), np.array([[0.5, 0.25]])
    params, grads = {"W1": W.copy()}, {"dW1": g}
    momentum = make_optimizer("momentum", learning_rate=0.1, beta=0.9)
    momentum.update(params, grads)
    momentum.update(params, grads)
    v1 = 0.1 * g
    v2 = 0.9 * v1 + 0.1 * g
    assert np.allclose(params["W1"], W - 0.1 * v1 - 0.1 * v2)
    params = {"W1": W.copy()}
    adam = make_optimizer("adam", learning_rate=0.01)
    adam.update(params, grads)
    # First Adam step: v_hat = g, s_hat = g^2, so each weight moves by lr * g / (|g| + eps).
    assert np.allclose(params["W1"], W - 0.01 * g / (np.abs(g) + 1e-8))


def test_l2_adds_to_cost_and_gradient():
    rng = np.random.default_rng(0)
    net = Network([2, 3, 1], ["relu", "sigmoid"], "binary_cross_entropy", seed=0)
    X, Y = rng.standard_normal((2, 4)), np.array([[0.0, 1.0, 1.0, 0.0]])
    plain = net.backward(net.forward(X), Y)
    reg = net.backward(net.forward(X), Y, l2=0.7)
    W2 = sum(float(np.sum(net.params[k] ** 2)) for k in ("W1", "W2"))
    assert reg.cost == pytest.approx(plain.cost + 0.7 / 8 * W2)
    assert np.allclose(reg.layers[0].dW, plain.layers[0].dW + 0.7 / 4 * net.params["W1"])


def test_train_step_keeps_the_parameters_it_used():
    net = Network([2, 2, 1], ["relu", "sigmoid"], "binary_cross_entropy", seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    step = net.train_step(np.ones((2, 3)), np.ones((1, 3)), learning_rate=0.5)
    assert np.array_equal(step.layers[0].W, before["W1"])
    for layer in step.layers:  # the update is recorded: W_new = W - lr dW for plain GD
        assert np.array_equal(layer.W_new, net.params[f"W{layer.layer}"])
        assert np.allclose(layer.W_new, layer.W - 0.5 * layer.dW)
        assert np.allclose(layer.b_new, layer.b - 0.5 * layer.db)
    assert not np.array_equal(net.params["W1"], before["W1"]) or not step.layers[0].dW.any()
    assert step.layers[0].dA_prev is None and step.layers[1].dA_prev is not None


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"layers": [2]}, "layers", "at least 2"),
        ({"layers": [2, 0, 1]}, "layers[1]", "positive integer"),
        ({"activations": ["relu"]}, "activations", "one name per layer"),
        ({"activations": ["swish", "sigmoid"]}, "activations[0]", "one of"),
        ({"activations": ["softmax", "sigmoid"]}, "activations[0]", "only allowed in the output"),
        ({"loss": "hinge"}, "loss", "one of"),
        ({"loss": "categorical_cross_entropy"}, "loss", "does not fit a sigmoid output"),
        ({"init": "glorot"}, "init", "he, xavier"),
        ({"params": {"W1": [[1.0, 2.0]]}}, "params", "missing b1, W2, b2"),
        (
            {"params": {"W1": [[1.0, 2.0]], "b1": [[0.0]], "W2": [[1.0, 2.0]], "b2": [[0.0]]}},
            "params.W2",
            "(1, 1)",
        ),
    ],
)
def test_bad_configuration_names_the_field(kwargs, field, text):
    config = {
        "layers": [2, 1, 1],
        "activations": ["relu", "sigmoid"],
        "loss": "binary_cross_entropy",
    }
    with pytest.raises(EngineError) as err:
        Network(**(config | kwargs))
    assert err.value.field == field and text in str(err.value)


def test_bad_inputs_name_the_field():
    net = Network([2, 1], ["sigmoid"], "binary_cross_entropy")
    with pytest.raises(EngineError, match=r"\(2, m\)") as err:
        net.forward(np.ones((3, 4)))
    assert err.value.field == "X"
    with pytest.raises(EngineError, match="finite") as err:
        net.forward(np.array([[1.0, np.inf], [0.0, 0.0]]))
    with pytest.raises(EngineError, match=r"\(1, 4\)") as err:
        net.train_step(np.ones((2, 4)), np.ones((1, 3)), learning_rate=0.1)
    assert err.value.field == "Y"
    with pytest.raises(EngineError, match=r"\[0, 1\]"):
        net.train_step(np.ones((2, 2)), np.array([[2.0, 0.0]]), learning_rate=0.1)
