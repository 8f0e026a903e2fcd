"""Gradient checking as in the course: centred differences over every parameter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.engine.activations import Array
from app.engine.network import Network


@dataclass(frozen=True)
class GradCheck:
    """Relative differences ||g - g_num|| / (||g|| + ||g_num||) between backprop and centred
    differences: `difference` over all parameters as one vector (the course's
    gradient_check_n, which gives the verdict), and per parameter tensor (to find the layer).

    Per tensor, rounding alone can pass the course's 2e-7 for a tensor whose gradients are
    tiny next to the cost (J's rounding error / epsilon is an absolute error of ~1e-9), so
    per-tensor numbers locate a bug but do not decide the verdict.
    """

    per_param: dict[str, float]
    max_difference: float
    threshold: float
    epsilon: float
    difference: float

    @property
    def passed(self) -> bool:
        return self.difference < self.threshold


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
    threshold: float = 2e-7,
) -> GradCheck:
    """Compare backprop's dW, db with (J(θ+ε) - J(θ-ε)) / 2ε for every entry of every tensor.

    epsilon 1e-7 and threshold 2e-7 are the course's; `passed` compares the difference over
    all parameters with the threshold, as the course's gradient_check_n does.
    """
    grads = network.backward(network.forward(X), Y, l2=l2).as_dict()
    probe = network.copy()
    per_param: dict[str, float] = {}
    flat: list[Array] = []
    flat_num: list[Array] = []
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
        flat.append(grads["d" + key].ravel())
        flat_num.append(g_num.ravel())
    overall = relative_difference(np.concatenate(flat), np.concatenate(flat_num))
    return GradCheck(per_param, max(per_param.values()), threshold, epsilon, overall)
