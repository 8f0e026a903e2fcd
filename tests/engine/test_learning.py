"""End to end: the engine's Trainer learns the built-in data sets.

Each threshold has a reference: the Playground sets are separable by small networks
(and not by logistic regression), the course reports ~90% for the planar flower with
4 tanh hidden units against ~67% with 1, a small MLP is well above 90% on the UCI digits,
and a regression fit cannot beat the noise floor noise^2 / 2 (the 1/2 of the course's MSE).
All runs are full batch or seeded mini-batches, so every number here is reproducible.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.engine import Network, Trainer, load_csv, load_dataset, make_optimizer
from app.engine.datasets import Dataset
from app.engine.training import Metrics

BCE = "binary_cross_entropy"
CCE = "categorical_cross_entropy"


def _train(
    data: Dataset,
    layers: list[int],
    activations: list[str],
    loss: str,
    optimizer: str,
    learning_rate: float,
    steps: int,
    *,
    init: str = "he",
    batch_size: int | None = None,
    seed: int = 0,
) -> Metrics:
    net = Network(layers, activations, loss, init=init, seed=seed)
    trainer = Trainer(
        net, data, make_optimizer(optimizer, learning_rate=learning_rate), batch_size, seed=seed
    )
    trainer.run(steps)
    assert not trainer.diverged
    assert trainer.iteration == steps
    return trainer.evaluate()


@pytest.mark.parametrize("name", ["circle", "xor"])
@pytest.mark.parametrize("hidden", ["relu", "tanh"])
def test_small_network_fits_playground_sets_with_adam(name: str, hidden: str) -> None:
    data = load_dataset(name, n_samples=400, noise=0.1, seed=0)
    m = _train(data, [2, 8, 8, 1], [hidden, hidden, "sigmoid"], BCE, "adam", 0.03, 300)
    assert m.train_accuracy is not None and m.train_accuracy > 0.95
    assert m.test_accuracy is not None and m.test_accuracy > 0.85


@pytest.mark.parametrize("name", ["circle", "xor"])
def test_small_network_fits_playground_sets_with_plain_gradient_descent(name: str) -> None:
    data = load_dataset(name, n_samples=400, noise=0.1, seed=1)
    m = _train(data, [2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], BCE, "gd", 0.3, 1000, seed=1)
    assert m.train_accuracy is not None and m.train_accuracy > 0.95


@pytest.mark.parametrize("name", ["circle", "xor"])
def test_logistic_regression_cannot_fit_them(name: str) -> None:
    # The same sets are not linearly separable: a network without a hidden layer stays near chance.
    data = load_dataset(name, n_samples=400, noise=0.0, seed=0)
    m = _train(data, [2, 1], ["sigmoid"], BCE, "adam", 0.03, 500)
    assert m.train_accuracy is not None and m.train_accuracy < 0.7


def test_spiral_needs_and_gets_a_wider_network() -> None:
    data = load_dataset("spiral", n_samples=400, noise=0.1, seed=0)
    m = _train(data, [2, 16, 16, 1], ["tanh", "tanh", "sigmoid"], BCE, "adam", 0.03, 1000)
    assert m.train_accuracy is not None and m.train_accuracy > 0.95


def test_planar_flower_hidden_layer_size_as_in_the_course() -> None:
    # Course 1 week 3: n_h = 4 tanh units, gradient descent with learning rate 1.2 and
    # randn * 0.01 initialization reach ~90%; n_h = 1 stays near 67%. One seed can land in
    # a poor local minimum (as in the course's own runs), so take the median of three.
    seeds = (1, 2, 3)
    accuracies: dict[int, list[float]] = {4: [], 1: []}
    for n_h, results in accuracies.items():
        for seed in seeds:
            data = load_dataset("flower", n_samples=400, noise=0.2, seed=seed)
            m = _train(
                data, [2, n_h, 1], ["tanh", "sigmoid"], BCE, "gd", 1.2, 2500,
                init="scaled_normal", seed=seed,
            )  # fmt: skip
            assert m.train_accuracy is not None
            results.append(m.train_accuracy)
    assert float(np.median(accuracies[4])) > 0.88
    assert max(accuracies[1]) < 0.8


def test_digits_modest_network_generalizes() -> None:
    data = load_dataset("digits", n_samples=1797, seed=0)
    m = _train(data, [64, 32, 10], ["relu", "softmax"], CCE, "adam", 0.01, 150)
    assert m.test_accuracy is not None and m.test_accuracy > 0.9


def test_digits_with_seeded_mini_batches() -> None:
    data = load_dataset("digits", n_samples=1797, seed=1)
    m = _train(
        data, [64, 32, 10], ["relu", "softmax"], CCE, "adam", 0.01, 100, batch_size=128, seed=1
    )
    assert m.test_accuracy is not None and m.test_accuracy > 0.9


def test_iris_standardized_features_learn_quickly() -> None:
    data = load_dataset("iris", n_samples=150, seed=0)
    m = _train(data, [4, 8, 3], ["relu", "softmax"], CCE, "adam", 0.01, 300)
    assert m.train_accuracy is not None and m.train_accuracy > 0.95
    assert m.test_accuracy is not None and m.test_accuracy > 0.9


def test_sine_regression_reaches_the_noise_floor() -> None:
    noise = 0.1
    data = load_dataset("sine", n_samples=400, noise=noise, seed=0)
    m = _train(data, [1, 16, 16, 1], ["tanh", "tanh", "linear"], "mean_squared_error", "adam",
               0.01, 1000)  # fmt: skip
    floor = noise**2 / 2  # J = 1/(2m) sum (a - y)^2 and the best a is sin(x)
    assert m.train_accuracy is None and m.test_accuracy is None
    assert 0.5 * floor < m.test_cost < 1.6 * floor


def test_csv_upload_trains_like_the_built_in_set() -> None:
    source = load_dataset("circle", n_samples=400, noise=0.0, seed=2)
    X = np.hstack([source.X_train, source.X_test])
    Y = np.hstack([source.Y_train, source.Y_test])[0]
    rows = zip(X[0].tolist(), X[1].tolist(), Y.tolist(), strict=True)
    lines = ["x1,x2,inside"] + [f"{a!r},{b!r},{int(c)}" for a, b, c in rows]
    data = load_csv("\n".join(lines) + "\n", seed=2)
    assert data.task == "binary" and data.class_names == ("0", "1")
    m = _train(data, [2, 8, 8, 1], ["tanh", "tanh", "sigmoid"], BCE, "adam", 0.03, 300, seed=2)
    assert m.train_accuracy is not None and m.train_accuracy > 0.95
