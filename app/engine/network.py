"""A fully-connected network in the course's notation, with a per-layer trace of both passes.

Examples are columns: X is (n[0], m), Y is (n[L], m). Layer l computes
Z[l] = W[l] A[l-1] + b[l] and A[l] = g[l](Z[l]); the backward pass walks from L down to 1,
turning dA[l] into dZ[l], dW[l], db[l] and handing dA[l-1] = W[l]^T dZ[l] to the layer below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.engine.activations import ACTIVATIONS, Array
from app.engine.errors import EngineError
from app.engine.initializers import INITIALIZERS, init_params
from app.engine.losses import COMPATIBLE_LOSSES, LOSSES, is_matched
from app.engine.optimizers import Optimizer
from app.engine.validation import as_matrix, check_shape


@dataclass(slots=True)
class LayerCache:
    """Layer l forward: A_prev (n[l-1], m), W (n[l], n[l-1]), b (n[l], 1), Z, A (n[l], m)."""

    layer: int
    activation: str
    A_prev: Array
    W: Array
    b: Array
    Z: Array
    A: Array


@dataclass(slots=True)
class ForwardTrace:
    """Every layer's cache, layer 1 first."""

    layers: list[LayerCache]

    @property
    def AL(self) -> Array:
        return self.layers[-1].A


@dataclass(slots=True)
class LayerGrads:
    """Backward pass of layer l: dA, dZ (n[l], m), dW (n[l], n[l-1]), db (n[l], 1), dA_prev."""

    layer: int
    dA: Array
    dZ: Array
    dW: Array
    db: Array
    dA_prev: Array | None


@dataclass(slots=True)
class Gradients:
    """The backward pass, layer 1 first, and the output-layer lesson.

    For a matched output/loss pair `dZ_shortcut` is A[L] - Y and it is what flows down
    (it is exact and stays stable when A[L] saturates); `dZ_explicit` is dA[L] * g'(Z[L])
    and `shortcut_max_abs_diff` is how far apart the two are.
    """

    cost: float
    layers: list[LayerGrads]
    dZ_explicit: Array
    dZ_shortcut: Array | None
    shortcut_max_abs_diff: float | None

    def as_dict(self) -> dict[str, Array]:
        """{"dW1": ..., "db1": ..., ...} for `update_parameters` and optimizers."""
        out: dict[str, Array] = {}
        for g in self.layers:
            out[f"dW{g.layer}"] = g.dW
            out[f"db{g.layer}"] = g.db
        return out


@dataclass(slots=True)
class LayerStep:
    """One layer of a training step.

    W and b are the parameters this step's forward pass used; W_new and b_new are what the
    update made of them (W_new - W is the step the optimizer actually took).
    """

    layer: int
    activation: str
    A_prev: Array
    W: Array
    b: Array
    Z: Array
    A: Array
    dA: Array
    dZ: Array
    dW: Array
    db: Array
    dA_prev: Array | None
    W_new: Array
    b_new: Array


@dataclass(slots=True)
class Step:
    """Everything one training iteration did, layer 1 first."""

    cost: float
    layers: list[LayerStep]
    dZ_explicit: Array
    dZ_shortcut: Array | None
    shortcut_max_abs_diff: float | None
    diverged: bool


class Network:
    """A fully-connected network: `layers` is n[0..L], `activations` g[1..L].

    >>> net = Network([2, 4, 1], ["relu", "sigmoid"], "binary_cross_entropy", seed=0)
    >>> step = net.train_step(X, Y, learning_rate=0.1)   # X (2, m), Y (1, m)
    """

    def __init__(
        self,
        layers: list[int],
        activations: list[str],
        loss: str,
        init: str = "he",
        seed: int = 0,
        params: dict[str, Array] | None = None,
    ) -> None:
        self.layers = _check_layers(layers)
        self.L = len(self.layers) - 1
        self.activations = _check_activations(activations, self.L, self.layers[-1])
        self.loss = _check_loss(loss, self.activations[-1])
        if init not in INITIALIZERS:
            raise EngineError(
                f"init must be one of {', '.join(INITIALIZERS)}; got {init!r}", "init"
            )
        self.init = init
        self.seed = seed
        self.matched = is_matched(self.activations[-1], self.loss)
        self._g = [ACTIVATIONS[a] for a in self.activations]
        self._keys = [(f"W{l}", f"b{l}") for l in range(1, self.L + 1)]
        self._checked: tuple[object, object] = (None, None)
        self.loss_fn = LOSSES[self.loss]
        self.params = (
            self._check_params(params)
            if params is not None
            else init_params(self.layers, init, np.random.default_rng(seed))
        )

    # -- passes ---------------------------------------------------------------------------

    def forward(self, X: Array) -> ForwardTrace:
        """Forward pass on X (n[0], m); every layer's A_prev, Z, A is kept for backward."""
        return self._forward(self._check_X(X))

    def _forward(self, A: Array) -> ForwardTrace:
        caches = []
        params = self.params
        for l, g in enumerate(self._g, start=1):
            W, b = params[self._keys[l - 1][0]], params[self._keys[l - 1][1]]
            Z = W @ A + b
            A_next = g.forward(Z)
            caches.append(LayerCache(l, g.name, A, W, b, Z, A_next))
            A = A_next
        return ForwardTrace(caches)

    def backward(
        self, trace: ForwardTrace, Y: Array, *, with_dX: bool = True, l2: float = 0.0
    ) -> Gradients:
        """Backward pass from Y (n[L], m): per layer dA, dZ, dW, db and dA_prev.

        With `with_dX=False` layer 1's dA_prev (the gradient with respect to X) is skipped.
        `l2` adds (l2 / 2m) sum ||W||^2 to the cost and (l2 / m) W to each dW.
        """
        Y = self._check_Y(Y, trace.AL.shape[1])
        return backward_pass(trace.layers, Y, self.loss, with_dX=with_dX, l2=l2)

    def train_step(
        self,
        X: Array,
        Y: Array,
        learning_rate: float | None = None,
        *,
        optimizer: Optimizer | None = None,
        l2: float = 0.0,
    ) -> Step:
        """Forward, backward and one update (by `optimizer`, else gradient descent).

        The step keeps the parameters its forward pass used; `self.params` holds the updated ones.
        A non-finite cost or parameter marks the step `diverged` instead of raising.
        """
        if optimizer is None and learning_rate is None:
            raise EngineError("give learning_rate or optimizer", "learning_rate")
        X = self._check_X(X)
        Y = self._check_Y(Y, X.shape[1])
        self._checked = (X, Y)  # a trainer passes the same full-batch arrays every step
        with np.errstate(all="ignore"):
            trace = self._forward(X)
            grads = backward_pass(trace.layers, Y, self.loss, with_dX=False, l2=l2)
            if optimizer is not None:
                optimizer.update(self.params, grads.as_dict())
            else:
                lr = float(learning_rate)  # type: ignore[arg-type]
                for g in grads.layers:
                    self.params[f"W{g.layer}"] = self.params[f"W{g.layer}"] - lr * g.dW
                    self.params[f"b{g.layer}"] = self.params[f"b{g.layer}"] - lr * g.db
        # A cost that is NaN or infinite is what divergence means; parameters that overflowed
        # in this update make the next step's cost non-finite, so that step reports it.
        diverged = not math.isfinite(grads.cost)
        layers = [
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
                self.params[self._keys[c.layer - 1][0]],
                self.params[self._keys[c.layer - 1][1]],
            )
            for c, g in zip(trace.layers, grads.layers, strict=True)
        ]
        return Step(
            grads.cost,
            layers,
            grads.dZ_explicit,
            grads.dZ_shortcut,
            grads.shortcut_max_abs_diff,
            diverged,
        )

    def predict(self, X: Array) -> Array:
        """A[L] for X (n[0], m)."""
        return self.forward(X).AL

    def cost(self, X: Array, Y: Array, l2: float = 0.0) -> float:
        """J for X, Y with the current parameters."""
        trace = self.forward(X)
        Y = self._check_Y(Y, trace.AL.shape[1])
        J = self.loss_fn.cost(trace.AL, Y)
        if l2:
            J += l2 / (2 * Y.shape[1]) * sum(float(np.sum(c.W * c.W)) for c in trace.layers)
        return J

    def copy(self) -> Network:
        """An independent network with the same configuration and a copy of the parameters."""
        return Network(
            self.layers,
            self.activations,
            self.loss,
            self.init,
            self.seed,
            {k: v.copy() for k, v in self.params.items()},
        )

    def reinitialize(self) -> None:
        """Draw the parameters again from `init` and `seed` (bit-identical to a new network)."""
        self.params = init_params(self.layers, self.init, np.random.default_rng(self.seed))

    # -- validation -----------------------------------------------------------------------

    def _check_params(self, params: dict[str, Array]) -> dict[str, Array]:
        expected = [f"{p}{l}" for l in range(1, self.L + 1) for p in ("W", "b")]
        missing = [k for k in expected if k not in params]
        extra = sorted(set(params) - set(expected))
        if missing or extra:
            raise EngineError(
                f"params must have exactly {', '.join(expected)}"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unexpected {', '.join(extra)}" if extra else ""),
                "params",
            )
        out = {}
        for l in range(1, self.L + 1):
            shapes = {"W": (self.layers[l], self.layers[l - 1]), "b": (self.layers[l], 1)}
            for p, shape in shapes.items():
                key = f"{p}{l}"
                value = as_matrix(params[key], f"params.{key}")
                check_shape(value, shape, f"params.{key}")
                out[key] = value
        return out

    def _check_X(self, X: Array) -> Array:
        if X is self._checked[0]:
            return X
        X = as_matrix(X, "X")
        if X.shape[0] != self.layers[0]:
            raise EngineError(
                f"X must have shape (n[0], m) = ({self.layers[0]}, m); got {X.shape}", "X"
            )
        return X

    def _check_Y(self, Y: Array, m: int) -> Array:
        if Y is self._checked[1] and Y.shape[1] == m:
            return Y
        Y = as_matrix(Y, "Y")
        check_shape(Y, (self.layers[-1], m), "Y", "(n[L], m)")
        if self.loss_fn.needs_probabilities and (Y.min() < 0 or Y.max() > 1):
            raise EngineError(f"Y must be in [0, 1] for {self.loss}", "Y")
        return Y


def _check_layers(layers: list[int]) -> list[int]:
    if not isinstance(layers, list | tuple) or len(layers) < 2:
        raise EngineError("layers must be a list n[0..L] of at least 2 sizes", "layers")
    for i, n in enumerate(layers):
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise EngineError(f"layers[{i}] must be a positive integer; got {n!r}", f"layers[{i}]")
    return [int(n) for n in layers]


def _check_activations(activations: list[str], L: int, n_out: int) -> list[str]:
    if not isinstance(activations, list | tuple) or len(activations) != L:
        raise EngineError(
            f"activations must have one name per layer 1..L ({L}); got {activations!r}",
            "activations",
        )
    for i, name in enumerate(activations):
        field = f"activations[{i}]"
        if name not in ACTIVATIONS:
            raise EngineError(
                f"{field} must be one of {', '.join(ACTIVATIONS)}; got {name!r}", field
            )
        if ACTIVATIONS[name].output_only and i < L - 1:
            raise EngineError(f"{field}: {name} is only allowed in the output layer", field)
    if activations[-1] == "softmax" and n_out < 2:
        raise EngineError("softmax output needs at least 2 units in n[L]", f"activations[{L - 1}]")
    return list(activations)


def _check_loss(loss: str, output_activation: str) -> str:
    if loss not in LOSSES:
        raise EngineError(f"loss must be one of {', '.join(LOSSES)}; got {loss!r}", "loss")
    allowed = COMPATIBLE_LOSSES[output_activation]
    if loss not in allowed:
        raise EngineError(
            f"loss {loss} does not fit a {output_activation} output; use {' or '.join(allowed)}",
            "loss",
        )
    return loss


def backward_pass(
    caches: list[LayerCache], Y: Array, loss: str, *, with_dX: bool = True, l2: float = 0.0
) -> Gradients:
    """The backward pass over caches (layer 1 first) whose shapes are already checked."""
    g = [ACTIVATIONS[c.activation] for c in caches]
    L = len(caches)
    m = Y.shape[1]
    out = caches[-1]
    cost = LOSSES[loss].cost(out.A, Y)
    if l2:
        cost += l2 / (2 * m) * sum(float(np.sum(c.W * c.W)) for c in caches)
    dA = LOSSES[loss].dA(out.A, Y)
    dZ_explicit = g[-1].backward(dA, out.Z, out.A)
    dZ_shortcut: Array | None = None
    diff: float | None = None
    dZ = dZ_explicit
    if is_matched(out.activation, loss):
        dZ_shortcut = out.A - Y
        diff = float(np.abs(dZ_explicit - dZ_shortcut).max())
        dZ = dZ_shortcut
    grads: list[LayerGrads] = []
    for c in reversed(caches):
        if c.layer < L:
            dZ = g[c.layer - 1].backward(dA, c.Z, c.A)
        dW = (dZ @ c.A_prev.T) / m
        if l2:
            dW += (l2 / m) * c.W
        db = dZ.sum(axis=1, keepdims=True) / m
        dA_prev = c.W.T @ dZ if (c.layer > 1 or with_dX) else None
        grads.append(LayerGrads(c.layer, dA, dZ, dW, db, dA_prev))
        if dA_prev is not None:
            dA = dA_prev
    grads.reverse()
    return Gradients(cost, grads, dZ_explicit, dZ_shortcut, diff)
