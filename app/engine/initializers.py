"""Parameter initializers: W[l] is (n[l], n[l-1]), b[l] is (n[l], 1) of zeros."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

INITIALIZERS: tuple[str, ...] = ("he", "xavier", "scaled_normal", "zeros")


def _scale(init: str, n_prev: int) -> float:
    if init == "he":
        return float(np.sqrt(2.0 / n_prev))
    if init == "xavier":
        return float(np.sqrt(1.0 / n_prev))
    if init == "scaled_normal":
        return 0.01  # the course's randn * 0.01
    return 0.0


def init_params(layers: list[int], init: str, rng: np.random.Generator) -> dict[str, Array]:
    """W1, b1, ..., WL, bL drawn layer by layer from `rng` (so one seed gives one network)."""
    params: dict[str, Array] = {}
    for l in range(1, len(layers)):
        shape = (layers[l], layers[l - 1])
        scale = _scale(init, layers[l - 1])
        params[f"W{l}"] = rng.standard_normal(shape) * scale if scale else np.zeros(shape)
        params[f"b{l}"] = np.zeros((layers[l], 1))
    return params
