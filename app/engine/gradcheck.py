"""Gradient checking as in the course: centred differences over every parameter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.engine.activations import Array
from app.engine.network import Network


@dataclass(frozen=True)
class GradCheck:
    """Relative difference ||g - g_num|| / (||g|| + ||g_num||) per parameter tensor."""

    per_param: dict[str, float]
    max_difference: float
    threshold: float
    epsilon: float

    @property
    def passed(self) -> bool:
        return self.max_difference < self.threshold


def relative_difference(g: Array, g_num: Array) -> float:
    """||g - g_num|| / (||g|| + ||g_num||), 0 when both are zero."""
    denom = float(np.linalg.norm(g) + np.linalg.norm(g_num))
    return float(np.linalg.norm(g - g_num)) / denom if denom else 0.0


def gradient_check(
    network: Network,
    X: Array,
    Y: Array,
    epsilon: float = 1e-7,
    l2: float = 0.0,
    threshold: float = 1e-7,
) -> GradCheck:
    """Compare backprop's dW, db with (J(θ+ε) - J(θ-ε)) / 2ε for every entry of every tensor."""
    grads = network.backward(network.forward(X), Y, l2=l2).as_dict()
    probe = network.copy()
    per_param: dict[str, float] = {}
    for key, theta in network.params.items():
        g_num = np.zeros_like(theta)
        work = theta.copy()
        probe.params[key] = work
        for idx in np.ndindex(theta.shape):
            original = work[idx]
            work[idx] = original + epsilon
            plus = probe.cost(X, Y, l2)
            work[idx] = original - epsilon
            minus = probe.cost(X, Y, l2)
            work[idx] = original
            g_num[idx] = (plus - minus) / (2 * epsilon)
        probe.params[key] = theta.copy()
        per_param[key] = relative_difference(grads["d" + key], g_num)
    return GradCheck(per_param, max(per_param.values()), threshold, epsilon)
