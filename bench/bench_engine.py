"""Network.train_step against a minimal NumPy step doing the same math, interleaved.

The minimal step: forward, cost, backward with the shortcut dZ[L] = A[L] - Y, gradient
descent update; no gradient with respect to X, nothing recorded. Both run in the same
process in alternation, so machine noise hits both alike; we print medians and the ratio.
The run then repeats itself in a child process with BPV_MALLOC_TUNING=0, so the same
output shows what glibc's default malloc thresholds cost (page faults per step, time).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

from app.engine import Network

CASES = [
    ("[2,16,16,1] x 500, sigmoid", [2, 16, 16, 1], ["relu", "relu", "sigmoid"],
     "binary_cross_entropy", 500),
    ("[784,128,64,10] x 256, softmax", [784, 128, 64, 10], ["relu", "relu", "softmax"],
     "categorical_cross_entropy", 256),
]  # fmt: skip


def minimal_step(
    params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, out: str, lr: float
) -> float:
    L = len(params) // 2
    m = X.shape[1]
    A, caches, dA = X, [], X
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        caches.append((A, Z))
        if l < L:
            A = np.maximum(Z, 0)
        elif out == "sigmoid":
            A = 1 / (1 + np.exp(-Z))
        else:
            e = np.exp(Z - Z.max(axis=0, keepdims=True))
            A = e / e.sum(axis=0, keepdims=True)
    if out == "sigmoid":
        cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    else:
        cost = -np.sum(Y * np.log(A)) / m
    dZ = A - Y
    for l in range(L, 0, -1):
        A_prev, Z = caches[l - 1]
        if l < L:
            dZ = dA * (Z > 0)
        dW = dZ @ A_prev.T / m
        db = dZ.sum(axis=1, keepdims=True) / m
        if l > 1:
            dA = params[f"W{l}"].T @ dZ
        params[f"W{l}"] = params[f"W{l}"] - lr * dW
        params[f"b{l}"] = params[f"b{l}"] - lr * db
    return float(cost)


def main(rounds: int = 300) -> None:
    tuned = os.environ.get("BPV_MALLOC_TUNING") != "0"
    print(f"engine benchmark (malloc tuning {'on' if tuned else 'off'}), median of {rounds} rounds")
    rng = np.random.default_rng(0)
    for title, layers, acts, loss, m in CASES:
        X = rng.standard_normal((layers[0], m))
        labels = rng.integers(0, layers[-1] if layers[-1] > 1 else 2, m)
        Y = np.eye(layers[-1])[:, labels] if layers[-1] > 1 else labels[None, :].astype(float)
        net = Network(layers, acts, loss, init="he", seed=0)
        params = {k: v.copy() for k, v in net.params.items()}
        t_net, t_min = [], []
        for _ in range(20):  # warm-up
            net.train_step(X, Y, 0.01)
            minimal_step(params, X, Y, acts[-1], 0.01)
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(rounds):
            t0 = time.perf_counter()
            net.train_step(X, Y, 0.01)
            t1 = time.perf_counter()
            minimal_step(params, X, Y, acts[-1], 0.01)
            t2 = time.perf_counter()
            t_net.append(t1 - t0)
            t_min.append(t2 - t1)
        faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / (2 * rounds)
        a, b = statistics.median(t_net), statistics.median(t_min)
        print(f"  {title:32s} train_step {a * 1e3:7.3f} ms   minimal {b * 1e3:7.3f} ms   "
              f"ratio {a / b:5.2f} (target <= 1.2)   {faults:6.1f} page faults/step")  # fmt: skip
    if tuned:
        env = dict(os.environ, BPV_MALLOC_TUNING="0")
        subprocess.run([sys.executable, __file__, str(rounds)], env=env, check=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
