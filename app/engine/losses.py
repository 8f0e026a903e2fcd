"""Losses as in DESIGN.md: J = (1/m) sum_i L(a_i, y_i); `dA` is dL/dA[L] per example (no 1/m)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

# A[L] is clipped to [EPS, 1 - EPS] inside log and division, so A[L] of exactly 0 or 1
# gives a large but finite cost and dA instead of inf/NaN.
EPS = 1e-15


@dataclass(frozen=True)
class Loss:
    """A per-example loss L(a, y): `total` sums it over units and examples, `dA` is dL/dA."""

    name: str
    total: Callable[[Array, Array], float]
    dA: Callable[[Array, Array], Array]
    formula: str
    gradient: str
    needs_probabilities: bool

    def cost(self, AL: Array, Y: Array) -> float:
        """J = (1/m) sum over the m example columns of the loss."""
        return self.total(AL, Y) / int(AL.shape[1])


def _clip(AL: Array) -> Array:
    # np.minimum/np.maximum: the same as np.clip at a third of its call overhead.
    return np.minimum(np.maximum(AL, EPS), 1.0 - EPS)


def _bce(AL: Array, Y: Array) -> float:
    A = _clip(AL)
    return -float((Y * np.log(A) + (1.0 - Y) * np.log1p(-A)).sum())


def _bce_dA(AL: Array, Y: Array) -> Array:
    A = _clip(AL)
    out: Array = -(Y / A) + (1.0 - Y) / (1.0 - A)
    return out


def _cce(AL: Array, Y: Array) -> float:
    return -float((Y * np.log(np.maximum(AL, EPS))).sum())


def _cce_dA(AL: Array, Y: Array) -> Array:
    out: Array = -Y / np.maximum(AL, EPS)
    return out


def _mse(AL: Array, Y: Array) -> float:
    D = AL - Y
    return 0.5 * float((D * D).sum())


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "binary_cross_entropy",
            _bce,
            _bce_dA,
            "-(y log a + (1 - y) log(1 - a))",
            "-(Y / A - (1 - Y) / (1 - A))",
            needs_probabilities=True,
        ),
        Loss(
            "categorical_cross_entropy",
            _cce,
            _cce_dA,
            "-Σ_k y_k log a_k",
            "-Y / A",
            needs_probabilities=True,
        ),
        Loss(
            "mean_squared_error",
            _mse,
            lambda AL, Y: AL - Y,
            "½ Σ_k (a_k - y_k)²",
            "A - Y",
            needs_probabilities=False,
        ),
    )
}

# Output activation -> the loss for which the chain rule collapses to dZ[L] = A[L] - Y.
MATCHED_PAIRS: dict[str, str] = {
    "sigmoid": "binary_cross_entropy",
    "softmax": "categorical_cross_entropy",
    "linear": "mean_squared_error",
}

# Output activation -> the losses that make sense after it (cross-entropy needs probabilities).
COMPATIBLE_LOSSES: dict[str, tuple[str, ...]] = {
    "sigmoid": ("binary_cross_entropy", "mean_squared_error"),
    "softmax": ("categorical_cross_entropy", "mean_squared_error"),
    "linear": ("mean_squared_error",),
    "tanh": ("mean_squared_error",),
    "relu": ("mean_squared_error",),
    "leaky_relu": ("mean_squared_error",),
}


def is_matched(activation: str, loss: str) -> bool:
    """True when dZ[L] = A[L] - Y holds for this output activation and loss."""
    return MATCHED_PAIRS.get(activation) == loss
