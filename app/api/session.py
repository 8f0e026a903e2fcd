"""One live training run: a trainer, its dataset, and what its stream needs.

The methods here do the NumPy work; callers run them in a worker thread while holding
`lock`, so one session's steps never interleave.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.api.common import check_network_size, parameter_count
from app.api.errors import ApiError
from app.api.frames import frame, grid, initial_step
from app.api.schemas import SessionIn
from app.api.store import new_id
from app.engine import Network, Step, Trainer, make_optimizer
from app.engine.datasets import DATASETS, Dataset, load_csv, load_dataset
from app.engine.datasets._base import SUGGESTED_OUTPUT
from app.engine.losses import LOSSES
from app.settings import Settings

HISTORY_LIMIT = 10_000  # entries kept per session; the oldest go first


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def check_session_size(body: SessionIn, data: Dataset, settings: Settings) -> None:
    """422 naming dataset.n_samples, batch_size or layers, whichever a limit is about."""
    m = data.m_train + data.m_test
    if m > settings.max_examples:
        raise ApiError(
            422,
            f"the dataset has {m} examples; the limit max_examples is {settings.max_examples}",
            "dataset.n_samples" if body.dataset.name != "csv" else "dataset.csv",
        )
    if body.batch_size is not None and body.batch_size > settings.max_examples:
        raise ApiError(
            422,
            f"batch_size is {body.batch_size}; the limit max_examples is {settings.max_examples}",
            "batch_size",
        )
    widest = max(body.layers)
    elements = widest * data.m_train
    if elements > settings.max_tensor_elements:
        layer = body.layers.index(widest)
        raise ApiError(
            422,
            f"layers[{layer}] has {widest} units; over the dataset's {data.m_train} training "
            f"examples that is {elements} elements, and the limit max_tensor_elements is "
            f"{settings.max_tensor_elements}: use at most "
            f"{settings.max_tensor_elements // data.m_train} units per layer or at most "
            f"{settings.max_tensor_elements // widest} training examples (dataset.n_samples "
            "x dataset.train_fraction)",
            "layers",
        )


def used_dataset(requested: dict[str, Any], data: Dataset) -> dict[str, Any]:
    """The dataset config as used: the real example count; noise null where there is none."""
    used = {k: v for k, v in requested.items() if k != "csv"}
    used["n_samples"] = data.m_train + data.m_test  # iris/digits cap it, a CSV has its own
    spec = DATASETS.get(requested["name"])
    if spec is None or not spec.has_noise:
        used["noise"] = None  # iris, digits and CSV files ignore it
    return used


def check_targets(net: Network, data: Dataset) -> None:
    """422 naming `loss` when the loss cannot fit the dataset's targets (e.g. BCE on sine)."""
    if not net.loss_fn.needs_probabilities:
        return
    lo = min(float(data.Y_train.min()), float(data.Y_test.min()) if data.m_test else math.inf)
    hi = max(float(data.Y_train.max()), float(data.Y_test.max()) if data.m_test else -math.inf)
    if lo >= 0.0 and hi <= 1.0:
        return
    activation, loss = SUGGESTED_OUTPUT[data.task]
    fitting = sorted(name for name, fn in LOSSES.items() if not fn.needs_probabilities)
    raise ApiError(
        422,
        f"loss {net.loss} needs targets Y in [0, 1], but the dataset {data.name!r} is a "
        f"{data.task} set with targets from {lo:.4g} to {hi:.4g}; use "
        f"{' or '.join(fitting)}; the dataset's suggested pair is output activation "
        f"{activation} with loss {loss}",
        "loss",
    )


@dataclass(eq=False)
class Session:
    id: str
    config: dict[str, Any]
    dataset: Dataset
    trainer: Trainer
    settings: Settings
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    closed: bool = False
    window_start: int = 0
    on_close: set[Callable[[], None]] = field(default_factory=set)
    # Open streams, told after any step, reset or live set (on the event loop) with its
    # source and the event its client should get too ({"event": "reset"}).
    on_change: set[Callable[[object, dict[str, Any] | None], None]] = field(default_factory=set)
    # Bumped by every change a frame shows (a step, a reset, a live set).
    version: int = 0
    # Encoded frames and grids of (version, window_start), shared by the open streams.
    _encoded: dict[tuple[str, bool], bytes | None] = field(default_factory=dict)
    _encoded_of: tuple[int, int] = (-1, -1)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def create(cls, body: SessionIn, settings: Settings) -> Session:
        """Load the dataset, build network, optimizer and trainer (EngineError/ApiError: 422)."""
        check_network_size(body.layers, settings)
        d = body.dataset
        if d.name == "csv":
            if d.csv is None:
                raise ApiError(
                    422, "dataset.csv must hold the CSV text for name 'csv'", "dataset.csv"
                )
            data = load_csv(d.csv, d.label_column, d.train_fraction, body.seed, d.task)
        else:
            data = load_dataset(d.name, d.n_samples, d.noise, d.train_fraction, body.seed)
        check_session_size(body, data, settings)
        net = Network(body.layers, body.activations, body.loss, body.init, body.seed)
        check_targets(net, data)
        hyper = {
            k: v for k, v in body.optimizer.model_dump(exclude={"name"}).items() if v is not None
        }
        optimizer = make_optimizer(body.optimizer.name, **hyper)
        trainer = Trainer(net, data, optimizer, body.batch_size, body.l2, body.seed)
        config = body.model_dump()
        config["dataset"] = used_dataset(config["dataset"], data)
        config["optimizer"] = {"name": optimizer.name, **optimizer.hyper}
        return cls(new_id(), config, data, trainer, settings)

    def changed(self, source: object = None, event: dict[str, Any] | None = None) -> None:
        """Tell every open stream (but `source`) that the shown step changed, and `event`."""
        for callback in list(self.on_change):
            callback(source, event)

    # -- state ------------------------------------------------------------------------------

    @property
    def network(self) -> Network:
        return self.trainer.network

    @property
    def iteration(self) -> int:
        return self.trainer.iteration

    @property
    def learning_rate(self) -> float:
        return float(self.trainer.optimizer.hyper["learning_rate"])

    def current(self) -> tuple[Step, np.ndarray, np.ndarray]:
        """The step to show now: the last one, or iteration 0's pass without an update."""
        if self.trainer.last_step is not None:
            X, Y = self.trainer.last_batch
            return self.trainer.last_step, X, Y
        X, Y = self.dataset.X_train, self.dataset.Y_train
        return initial_step(self.network, X, Y, self.trainer.l2), X, Y

    def metrics(self) -> dict[str, Any]:
        if self.trainer.history:
            record = self.trainer.history[-1]
            keys = ("train_cost", "test_cost", "train_accuracy", "test_accuracy")
            return {k: _finite_or_none(record[k]) for k in keys}
        m = self.trainer.evaluate()
        return {
            "train_cost": _finite_or_none(m.train_cost),
            "test_cost": _finite_or_none(m.test_cost),
            "train_accuracy": m.train_accuracy,
            "test_accuracy": m.test_accuracy,
        }

    def summary(self) -> dict[str, Any]:
        d = self.dataset
        return {
            "name": d.name,
            "task": d.task,
            "n_features": d.n_features,
            "n_outputs": d.n_outputs,
            "m_train": d.m_train,
            "m_test": d.m_test,
            "feature_names": list(d.feature_names),
            "class_names": list(d.class_names),
            "input_range": [list(r) for r in d.input_range] if d.input_range else None,
        }

    # -- work (call in a worker thread, holding the lock) -----------------------------------

    def check_steps(self, steps: int, field: str = "steps") -> None:
        """422 when `steps` is over the per-request limits."""
        s = self.settings
        if steps > s.max_steps_per_request:
            raise ApiError(
                422,
                f"steps is {steps}; the limit max_steps_per_request is {s.max_steps_per_request}",
                field,
            )
        m = self.trainer.batch_size or self.dataset.m_train
        work = steps * parameter_count(self.network.layers) * min(m, self.dataset.m_train)
        if work > s.max_step_work:
            most = max(1, int(s.max_step_work // (work / steps)))
            raise ApiError(
                422,
                f"{steps} steps of this network and batch are over the limit max_step_work "
                f"({s.max_step_work:g} parameter x example updates); at most {most} steps",
                field,
            )

    def run(self, steps: int) -> Step:
        """`steps` iterations (stopping at divergence); 409 if the run already diverged."""
        if self.trainer.diverged:
            raise ApiError(409, "the run diverged; reset it (or lower the learning rate)")
        self.version += 1
        step = self.trainer.run(steps)
        history = self.trainer.history
        if len(history) > HISTORY_LIMIT:
            del history[: len(history) - HISTORY_LIMIT]
        return step

    def frame(self) -> dict[str, Any]:
        step, X, Y = self.current()
        with np.errstate(over="ignore"):  # a diverged run's values overflow float32: inf
            return self._frame(step, X, Y)

    def _frame(self, step: Step, X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
        norms = None
        if self.trainer.history and step is self.trainer.last_step:
            record = self.trainer.history[-1]
            norms = record["dW_norms"], record["dA_norms"]
        return frame(
            step,
            self.iteration,
            X,
            Y,
            matched=self.network.matched,
            metrics=self.metrics(),
            learning_rate=self.learning_rate,
            window_start=self.window_start,
            window_size=self.settings.window_size,
            norms=norms,  # type: ignore[arg-type]
        )

    def grid(self) -> dict[str, Any] | None:
        with np.errstate(over="ignore"):
            return grid(
                self.network,
                self.iteration,
                self.dataset.input_range,
                self.settings.grid_resolution,
            )

    def reset(self) -> None:
        self.version += 1
        self.trainer.reset()

    def encoded(
        self, kind: str, binary: bool, encode: Callable[[dict[str, Any] | None], bytes | None]
    ) -> bytes | None:
        """The frame or grid (`kind`) of now, encoded once for every stream that sends it."""
        state = (self.version, self.window_start)
        if state != self._encoded_of:
            self._encoded.clear()
            self._encoded_of = state
        key = (kind, binary)
        if key not in self._encoded:
            self._encoded[key] = encode(self.frame() if kind == "frame" else self.grid())
        return self._encoded[key]

    def trace(self) -> dict[str, Any]:
        """The shown step's full tensors (the whole batch), for the step and export routes."""
        step, _, _ = self.current()
        layers = [
            {
                "layer": s.layer,
                "activation": s.activation,
                "A_prev": s.A_prev,
                "W": s.W,
                "b": s.b,
                "Z": s.Z,
                "A": s.A,
                "dA": s.dA,
                "dZ": s.dZ,
                "dW": s.dW,
                "db": s.db,
                "dA_prev": s.dA_prev,
            }
            for s in step.layers
        ]
        return {
            "cost": _finite_or_none(step.cost),
            "layers": layers,
            "shortcut_max_abs_diff": _finite_or_none(step.shortcut_max_abs_diff),
        }

    def describe(self) -> dict[str, Any]:
        history = [
            {
                k: _finite_or_none(v)
                if not isinstance(v, list)
                else [_finite_or_none(x) for x in v]
                for k, v in h.items()
            }
            for h in self.trainer.history
        ]
        return {
            "id": self.id,
            "config": self.config,
            "dataset": self.summary(),
            "iteration": self.iteration,
            "diverged": self.trainer.diverged,
            "learning_rate": self.learning_rate,
            "metrics": self.metrics(),
            "history": history,
        }
