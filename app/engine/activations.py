"""Activation functions g and their backward rules dZ = dA * g'(Z), looked up by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """g[l] with its backward rule: `backward(dA, Z, A)` returns dZ (same shape as Z)."""

    name: str
    forward: Callable[[Array], Array]
    backward: Callable[[Array, Array, Array], Array]
    formula: str
    derivative: str
    output_only: bool = False


def _sigmoid(Z: Array) -> Array:
    # For Z << 0, exp(-Z) overflows to inf and 1 / (1 + inf) is exactly the right 0.0.
    with np.errstate(over="ignore"):
        out: Array = 1.0 / (1.0 + np.exp(-Z))
    return out


def _softmax(Z: Array) -> Array:
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    out: Array = e / e.sum(axis=0, keepdims=True)
    return out


def _softmax_backward(dA: Array, Z: Array, A: Array) -> Array:
    # Jacobian-vector product of softmax, per example column.
    out: Array = A * (dA - (A * dA).sum(axis=0, keepdims=True))
    return out


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "relu",
            lambda Z: np.maximum(Z, 0.0),
            lambda dA, Z, A: dA * (Z > 0),
            "max(0, Z)",
            "1 if Z > 0 else 0",
        ),
        Activation(
            "leaky_relu",
            lambda Z: np.where(Z > 0, Z, LEAKY_SLOPE * Z),
            lambda dA, Z, A: dA * np.where(Z > 0, 1.0, LEAKY_SLOPE),
            "max(0.01 Z, Z)",
            "1 if Z > 0 else 0.01",
        ),
        Activation(
            "tanh",
            np.tanh,
            lambda dA, Z, A: dA * (1.0 - A * A),
            "tanh(Z)",
            "1 - A²",
        ),
        Activation(
            "sigmoid",
            _sigmoid,
            lambda dA, Z, A: dA * A * (1.0 - A),
            "1 / (1 + e^-Z)",
            "A (1 - A)",
        ),
        Activation(
            "linear",
            lambda Z: Z.copy(),
            lambda dA, Z, A: dA.copy(),
            "Z",
            "1",
        ),
        Activation(
            "softmax",
            _softmax,
            _softmax_backward,
            "e^Z / Σ e^Z",
            "A ⊙ (dA - Σ A ⊙ dA)",
            output_only=True,
        ),
    )
}
