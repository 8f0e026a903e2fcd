"""Stream messages from engine steps: frames (a window of example columns) and input grids.

Tensors stay NumPy float32 arrays here; `encoding` writes them as JSON lists or binary.
Only the window's columns of A, Z, dA, dZ are copied, so a frame's size does not grow
with the batch.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from app.engine import Network, Step
from app.engine.network import LayerStep, backward_pass

F32 = np.float32


def initial_step(network: Network, X: np.ndarray, Y: np.ndarray, l2: float = 0.0) -> Step:
    """Forward and backward of the current parameters without an update (iteration 0's frame)."""
    with np.errstate(all="ignore"):
        trace = network.forward(X)
        grads = backward_pass(trace.layers, Y, network.loss, with_dX=False, l2=l2)
    layers = [
        # No update at iteration 0: W_new and b_new are W and b.
        LayerStep(
            c.layer,
            c.activation,
            c.A_prev,
            c.W,
            c.b,
            c.Z,
            c.A,
            g.dA,
            g.dZ,
            g.dW,
            g.db,
            g.dA_prev,
            c.W,
            c.b,
        )
        for c, g in zip(trace.layers, grads.layers, strict=True)
    ]
    cost = grads.cost
    return Step(
        cost,
        layers,
        grads.dZ_explicit,
        grads.dZ_shortcut,
        grads.shortcut_max_abs_diff,
        not np.isfinite(cost),
    )


def window(m: int, start: int, size: int) -> tuple[int, int]:
    """[lo, hi) of at most `size` columns starting near `start`, kept inside 0..m."""
    w = min(size, m)
    lo = min(max(start, 0), m - w)
    return lo, lo + w


def _cols(a: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return a[:, lo:hi].astype(F32)


def _norm(a: np.ndarray) -> float:
    return float(np.sqrt(np.einsum("ij,ij->", a, a)))


def frame(
    step: Step,
    iteration: int,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    matched: bool,
    metrics: dict[str, Any],
    learning_rate: float,
    window_start: int,
    window_size: int,
    norms: tuple[list[float], list[float]] | None = None,
) -> dict[str, Any]:
    """The `frame` message of `step` (iteration `iteration`) on the batch X, Y.

    `norms` are the layers' ||dW|| and ||dA|| if already known (the trainer's history).
    """
    lo, hi = window(X.shape[1], window_start, window_size)
    if norms is None:
        norms = [_norm(s.dW) for s in step.layers], [_norm(s.dA) for s in step.layers]
    layers = []
    for s, dW_norm, dA_norm in zip(step.layers, *norms, strict=True):
        layers.append(
            {
                "layer": s.layer,
                "activation": s.activation,
                "A": _cols(s.A, lo, hi),
                "Z": _cols(s.Z, lo, hi),
                "dA": _cols(s.dA, lo, hi),
                "dZ": _cols(s.dZ, lo, hi),
                "dA_prev": None if s.dA_prev is None else _cols(s.dA_prev, lo, hi),
                "W": s.W.astype(F32),
                "b": s.b.astype(F32),
                "dW": s.dW.astype(F32),
                "db": s.db.astype(F32),
                "W_new": s.W_new.astype(F32),
                "b_new": s.b_new.astype(F32),
                "dW_norm": dW_norm,
                "dA_norm": dA_norm,
            }
        )
    shortcut = step.dZ_shortcut
    return {
        "type": "frame",
        "step": iteration,
        "cost": step.cost,
        "train_cost": metrics.get("train_cost"),
        "test_cost": metrics.get("test_cost"),
        "train_accuracy": metrics.get("train_accuracy"),
        "test_accuracy": metrics.get("test_accuracy"),
        "learning_rate": learning_rate,
        "m": X.shape[1],
        "window_start": lo,
        "columns": list(range(lo, hi)),
        "X": _cols(X, lo, hi),
        "Y": _cols(Y, lo, hi),
        "layers": layers,
        "shortcut": {
            "matched": matched,
            "dZ": None if shortcut is None else _cols(shortcut, lo, hi),
            "max_abs_diff": step.shortcut_max_abs_diff,
        },
        "diverged": step.diverged,
    }


def _picture(a: np.ndarray) -> np.ndarray:
    """float32 rounded to 3 decimals: plenty for a heat map, and a third of the JSON."""
    out = a.astype(F32)
    out *= 1000
    np.rint(out, out=out)
    out /= 1000
    return out


@lru_cache(maxsize=64)
def grid_points(input_range: tuple[tuple[float, float], ...], resolution: int) -> np.ndarray:
    """The points the grid is drawn at: (2, r*r) for a plane (x fastest), (1, 4r) for a line."""
    if len(input_range) == 2:
        (x0, x1), (y0, y1) = input_range
        gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
        points = np.vstack([gx.ravel(), gy.ravel()])
    else:
        ((x0, x1),) = input_range
        points = np.linspace(x0, x1, 4 * resolution)[np.newaxis, :]
    points.setflags(write=False)
    return points


def grid(
    network: Network, iteration: int, input_range: Any, resolution: int
) -> dict[str, Any] | None:
    """The network's output and every hidden unit over the input plane (2-D) or line (1-D)."""
    if (
        input_range is None
        or len(input_range) not in (1, 2)
        or network.layers[0] != len(input_range)
    ):
        return None
    key = tuple((float(lo), float(hi)) for lo, hi in input_range)
    points = grid_points(key, resolution)
    shape = (resolution, resolution) if len(key) == 2 else (points.shape[1],)
    with np.errstate(all="ignore"):
        trace = network.forward(points)
    units = [_picture(c.A.reshape((c.A.shape[0], *shape))) for c in trace.layers[:-1]]
    message: dict[str, Any] = {"type": "grid", "step": iteration, "resolution": resolution}
    message["x_range"] = list(key[0])
    if len(key) == 2:
        message["y_range"] = list(key[1])  # output[i][j] is at (x_j, y_i)
    else:
        message["x"] = points[0].astype(F32)
    message |= {"output": _picture(trace.AL[0].reshape(shape)), "units": units}
    return message
