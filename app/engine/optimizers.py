"""Update rules (the course's forms): gradient descent, momentum, Adam.

Computing gradients is the network's job; an optimizer only applies them. Updates replace
the arrays in `params` (they never write into them), so a recorded step keeps the
parameters its forward pass used.
"""

from __future__ import annotations

import numpy as np

from app.engine.activations import Array
from app.engine.errors import EngineError

OPTIMIZERS: dict[str, dict[str, float]] = {
    "gd": {"learning_rate": 0.1},
    "momentum": {"learning_rate": 0.1, "beta": 0.9},
    "adam": {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}

_LIMITS: dict[str, tuple[float, float]] = {
    "learning_rate": (0.0, 100.0),
    "beta": (0.0, 0.9999),
    "beta1": (0.0, 0.9999),
    "beta2": (0.0, 0.999999),
    "epsilon": (1e-12, 1.0),
}


class Optimizer:
    """Applies {"dW1": .., "db1": ..} to {"W1": .., "b1": ..}; `hyper` may be changed live."""

    def __init__(self, name: str, hyper: dict[str, float]) -> None:
        self.name = name
        self.hyper = hyper
        self.t = 0
        self._v: dict[str, Array] = {}
        self._s: dict[str, Array] = {}

    def set(self, key: str, value: float) -> None:
        """Change one hyper-parameter (validated), effective from the next update."""
        self.hyper[key] = check_hyper(self.name, key, value)

    def reset(self) -> None:
        """Forget the velocities and the step count."""
        self.t = 0
        self._v.clear()
        self._s.clear()

    def update(self, params: dict[str, Array], grads: dict[str, Array]) -> None:
        self.t += 1
        lr = self.hyper["learning_rate"]
        for key in list(params):
            g = grads["d" + key]
            if self.name == "gd":
                params[key] = params[key] - lr * g
            elif self.name == "momentum":
                beta = self.hyper["beta"]
                v = beta * self._v.get(key, 0.0) + (1.0 - beta) * g
                self._v[key] = v
                params[key] = params[key] - lr * v
            else:
                b1, b2, eps = self.hyper["beta1"], self.hyper["beta2"], self.hyper["epsilon"]
                v = b1 * self._v.get(key, 0.0) + (1.0 - b1) * g
                s = b2 * self._s.get(key, 0.0) + (1.0 - b2) * (g * g)
                self._v[key], self._s[key] = v, s
                v_hat = v / (1.0 - b1**self.t)
                s_hat = s / (1.0 - b2**self.t)
                params[key] = params[key] - lr * v_hat / (np.sqrt(s_hat) + eps)


def check_hyper(name: str, key: str, value: float) -> float:
    """A validated hyper-parameter of optimizer `name`, or EngineError naming it."""
    field = f"optimizer.{key}"
    if key not in OPTIMIZERS[name]:
        raise EngineError(
            f"{key} is not a hyper-parameter of {name}; use {', '.join(OPTIMIZERS[name])}", field
        )
    lo, hi = _LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise EngineError(f"{key} must be a number in [{lo}, {hi}]; got {value!r}", field)
    return float(value)


def make_optimizer(name: str, **hyper: float) -> Optimizer:
    """An optimizer by name with defaults from OPTIMIZERS, overridden by `hyper`."""
    if name not in OPTIMIZERS:
        raise EngineError(
            f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {name!r}", "optimizer.name"
        )
    values = dict(OPTIMIZERS[name])
    for key, value in hyper.items():
        values[key] = check_hyper(name, key, value)
    return Optimizer(name, values)
