"""A training run: a network, a dataset split, an optimizer and seeded mini-batches.

`Trainer.step()` does one iteration and keeps a cheap history (costs, accuracies,
per-layer gradient norms); `reset()` starts the same run again, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from app.engine.activations import Array
from app.engine.errors import EngineError
from app.engine.network import Network, Step
from app.engine.optimizers import Optimizer


class Split(Protocol):
    """What a trainer needs of a dataset (app.engine.datasets.Dataset has it)."""

    # Read-only members, so that frozen dataclasses (Dataset) and named tuples fit too.
    @property
    def task(self) -> str: ...
    @property
    def X_train(self) -> Array: ...
    @property
    def Y_train(self) -> Array: ...
    @property
    def X_test(self) -> Array: ...
    @property
    def Y_test(self) -> Array: ...


@dataclass(frozen=True)
class Metrics:
    """Cost and accuracy (None for regression) on both splits, with the current parameters."""

    train_cost: float
    test_cost: float
    train_accuracy: float | None
    test_accuracy: float | None


def accuracy(task: str, AL: Array, Y: Array) -> float | None:
    """Share of examples classified right: threshold 0.5 for binary, argmax for multiclass."""
    if task == "regression" or Y.shape[1] == 0:
        return None
    if task == "multiclass" or Y.shape[0] > 1:
        return float(np.mean(AL.argmax(axis=0) == Y.argmax(axis=0)))
    return float(np.mean((AL > 0.5) == (Y > 0.5)))


class Trainer:
    """Trains `network` on `data` with `optimizer`; batches reshuffled each epoch from `seed`."""

    def __init__(
        self,
        network: Network,
        data: Split,
        optimizer: Optimizer,
        batch_size: int | None = None,
        l2: float = 0.0,
        seed: int = 0,
    ) -> None:
        n_in, n_out = network.layers[0], network.layers[-1]
        if data.X_train.shape[0] != n_in or data.Y_train.shape[0] != n_out:
            raise EngineError(
                f"layers must start with {data.X_train.shape[0]} inputs and end with "
                f"{data.Y_train.shape[0]} outputs for this dataset; got {network.layers}",
                "layers",
            )
        self._order: NDArray[np.intp] | None = None
        self.network = network
        self.data = data
        self.optimizer = optimizer
        self.seed = seed
        self.batch_size = batch_size
        self.l2 = l2
        self.reset()

    @property
    def batch_size(self) -> int | None:
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int | None) -> None:
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise EngineError(
                f"batch_size must be a positive integer or null; got {value!r}", "batch_size"
            )
        self._batch_size = value
        self._order = None  # a new batch size starts a new epoch

    @property
    def l2(self) -> float:
        return self._l2

    @l2.setter
    def l2(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise EngineError(f"l2 must be a number in [0, 100]; got {value!r}", "l2")
        self._l2 = float(value)

    @property
    def full_batch(self) -> bool:
        m = self.data.X_train.shape[1]
        return self._batch_size is None or self._batch_size >= m

    def reset(self) -> None:
        """Parameters from the seed again, iteration 0, optimizer state and history cleared."""
        self.network.reinitialize()
        self.optimizer.reset()
        self.iteration = 0
        self.diverged = False
        self.history: list[dict[str, object]] = []
        self.last_step: Step | None = None
        self.last_batch: tuple[Array, Array] = (self.data.X_train, self.data.Y_train)
        self._rng = np.random.default_rng([self.seed, 1])
        self._order = None
        self._cursor = 0

    def _next_batch(self) -> tuple[Array, Array]:
        X, Y = self.data.X_train, self.data.Y_train
        if self.full_batch:
            return X, Y
        assert self._batch_size is not None
        m = X.shape[1]
        if self._order is None or self._cursor >= m:
            self._order = self._rng.permutation(m)
            self._cursor = 0
        idx = self._order[self._cursor : self._cursor + self._batch_size]
        self._cursor += self._batch_size
        return X[:, idx], Y[:, idx]

    def step(self) -> Step:
        """One iteration on the next mini-batch; a non-finite cost marks the run diverged."""
        if self.diverged:
            raise EngineError("the run diverged; reset it (or lower the learning rate)", "session")
        X, Y = self._next_batch()
        step = self.network.train_step(X, Y, optimizer=self.optimizer, l2=self.l2)
        self.iteration += 1
        self.last_step, self.last_batch = step, (X, Y)
        self.diverged = step.diverged
        self.history.append(self._record(step))
        return step

    def run(self, n: int) -> Step:
        """n iterations (stopping early if the run diverges); returns the last step."""
        if n < 1:
            raise EngineError(f"steps must be at least 1; got {n}", "steps")
        step = self.step()
        for _ in range(n - 1):
            if self.diverged:
                break
            step = self.step()
        return step

    def evaluate(self) -> Metrics:
        """Cost and accuracy on the training and test splits with the current parameters."""
        d = self.data
        with np.errstate(all="ignore"):
            A_train = self.network.predict(d.X_train)
            A_test = self.network.predict(d.X_test) if d.X_test.shape[1] else None
            loss = self.network.loss_fn
            return Metrics(
                loss.cost(A_train, d.Y_train),
                loss.cost(A_test, d.Y_test) if A_test is not None else float("nan"),
                accuracy(d.task, A_train, d.Y_train),
                accuracy(d.task, A_test, d.Y_test) if A_test is not None else None,
            )

    def _record(self, step: Step) -> dict[str, object]:
        metrics = self.evaluate()
        with np.errstate(all="ignore"):  # norms of a diverged step are inf, not an error
            dW_norms = [float(np.linalg.norm(s.dW)) for s in step.layers]
            dA_norms = [float(np.linalg.norm(s.dA)) for s in step.layers]
        return {
            "iteration": self.iteration,
            "cost": step.cost,
            "train_cost": metrics.train_cost,
            "test_cost": metrics.test_cost,
            "train_accuracy": metrics.train_accuracy,
            "test_accuracy": metrics.test_accuracy,
            "dW_norms": dW_norms,
            "dA_norms": dA_norms,
        }
