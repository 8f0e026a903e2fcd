"""The course's building blocks, one function each, on caches the caller supplies.

They need not come from a real forward pass, so a learner can check their own
implementation block by block. Shapes are checked and errors name the argument.
"""

from __future__ import annotations

from typing import Any

from app.engine.activations import ACTIVATIONS, Array
from app.engine.errors import EngineError
from app.engine.losses import LOSSES
from app.engine.network import LayerCache, _check_activations, _check_loss, backward_pass
from app.engine.validation import as_matrix, check_shape


def _linear_args(A_prev: Any, W: Any, b: Any) -> tuple[Array, Array, Array]:
    A_prev, W, b = as_matrix(A_prev, "A_prev"), as_matrix(W, "W"), as_matrix(b, "b")
    check_shape(
        W, (W.shape[0], A_prev.shape[0]), "W", f"(n[l], n[l-1]) = (n[l], {A_prev.shape[0]})"
    )
    check_shape(b, (W.shape[0], 1), "b", "(n[l], 1)")
    return A_prev, W, b


def _activation(name: str, field: str = "activation") -> str:
    if name not in ACTIVATIONS:
        raise EngineError(f"{field} must be one of {', '.join(ACTIVATIONS)}; got {name!r}", field)
    return name


def _loss(name: str) -> str:
    if name not in LOSSES:
        raise EngineError(f"loss must be one of {', '.join(LOSSES)}; got {name!r}", "loss")
    return name


def _probabilities(AL: Array, Y: Array, loss: str) -> None:
    """Cross-entropy takes probabilities: AL and Y in [0, 1] (no silent clipping)."""
    if not LOSSES[loss].needs_probabilities:
        return
    for name, value in (("AL", AL), ("Y", Y)):
        lo, hi = float(value.min()), float(value.max())
        if lo < 0.0 or hi > 1.0:
            raise EngineError(
                f"{name} must be in [0, 1] for {loss} (probabilities); got values from "
                f"{lo:.6g} to {hi:.6g}",
                name,
            )


def linear_forward(A_prev: Any, W: Any, b: Any) -> Array:
    """Z = W A_prev + b: A_prev (n[l-1], m), W (n[l], n[l-1]), b (n[l], 1) -> Z (n[l], m)."""
    A_prev, W, b = _linear_args(A_prev, W, b)
    Z: Array = W @ A_prev + b
    return Z


def linear_activation_forward(A_prev: Any, W: Any, b: Any, activation: str) -> tuple[Array, Array]:
    """(Z, A) with Z = W A_prev + b and A = g(Z)."""
    Z = linear_forward(A_prev, W, b)
    return Z, ACTIVATIONS[_activation(activation)].forward(Z)


def compute_cost(AL: Any, Y: Any, loss: str) -> float:
    """J = (1/m) sum of the per-example loss; AL and Y are (n[L], m)."""
    AL, Y = as_matrix(AL, "AL"), as_matrix(Y, "Y")
    check_shape(Y, AL.shape, "Y", "the shape of AL")
    _probabilities(AL, Y, _loss(loss))
    return LOSSES[loss].cost(AL, Y)


def linear_backward(dZ: Any, A_prev: Any, W: Any, b: Any) -> tuple[Array, Array, Array]:
    """(dA_prev, dW, db) = (W^T dZ, (1/m) dZ A_prev^T, (1/m) sum over columns of dZ)."""
    A_prev, W, b = _linear_args(A_prev, W, b)
    dZ = as_matrix(dZ, "dZ")
    check_shape(dZ, (W.shape[0], A_prev.shape[1]), "dZ", "(n[l], m)")
    m = A_prev.shape[1]
    dW: Array = (dZ @ A_prev.T) / m
    db: Array = dZ.sum(axis=1, keepdims=True) / m
    dA_prev: Array = W.T @ dZ
    return dA_prev, dW, db


def linear_activation_backward(
    dA: Any, A_prev: Any, W: Any, b: Any, Z: Any, activation: str
) -> tuple[Array, Array, Array, Array]:
    """(dZ, dA_prev, dW, db): dZ = dA * g'(Z) from the cached Z, then linear_backward."""
    A_prev, W, b = _linear_args(A_prev, W, b)
    shape = (W.shape[0], A_prev.shape[1])
    dA, Z = as_matrix(dA, "dA"), as_matrix(Z, "Z")
    check_shape(Z, shape, "Z", "(n[l], m)")
    check_shape(dA, shape, "dA", "(n[l], m)")
    g = ACTIVATIONS[_activation(activation)]
    dZ = g.backward(dA, Z, g.forward(Z))
    dA_prev, dW, db = linear_backward(dZ, A_prev, W, b)
    return dZ, dA_prev, dW, db


def model_backward(
    AL: Any, Y: Any, loss: str, activations: list[str], caches: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per layer, first to last, {layer, dA, dZ, dW, db, dA_prev} from [{A_prev, W, b, Z}]."""
    if not isinstance(caches, list) or not caches:
        raise EngineError("caches must be a non-empty list of {A_prev, W, b, Z}", "caches")
    if not isinstance(activations, list) or len(activations) != len(caches):
        raise EngineError(
            f"activations must have one name per cache ({len(caches)})", "activations"
        )
    built: list[LayerCache] = []
    for i, (cache, act) in enumerate(zip(caches, activations, strict=True)):
        field = f"caches[{i}]"
        missing = [k for k in ("A_prev", "W", "b", "Z") if k not in cache]
        if missing:
            raise EngineError(f"{field} is missing {', '.join(missing)}", field)
        A_prev, W, b = _linear_args(cache["A_prev"], cache["W"], cache["b"])
        Z = as_matrix(cache["Z"], f"{field}.Z")
        check_shape(Z, (W.shape[0], A_prev.shape[1]), f"{field}.Z", "(n[l], m)")
        name = _activation(act, f"activations[{i}]")
        if built and A_prev.shape != built[-1].Z.shape:
            raise EngineError(
                f"{field}.A_prev must have the shape of caches[{i - 1}].Z {built[-1].Z.shape}",
                f"{field}.A_prev",
            )
        built.append(LayerCache(i + 1, name, A_prev, W, b, Z, ACTIVATIONS[name].forward(Z)))
    # As a Network (and /api/trace) would: softmax only at the output, a fitting loss.
    _check_activations(list(activations), len(built), built[-1].W.shape[0])
    _check_loss(loss, activations[-1])
    AL = as_matrix(AL, "AL")
    check_shape(AL, built[-1].Z.shape, "AL", "the shape of the last cache's Z")
    built[-1].A = AL
    Y = as_matrix(Y, "Y")
    check_shape(Y, AL.shape, "Y", "the shape of AL")
    _probabilities(AL, Y, loss)
    grads = backward_pass(built, Y, loss)
    return [
        {"layer": g.layer, "dA": g.dA, "dZ": g.dZ, "dW": g.dW, "db": g.db, "dA_prev": g.dA_prev}
        for g in grads.layers
    ]


def update_parameters(
    params: dict[str, Any], grads: dict[str, Any], learning_rate: float
) -> dict[str, Array]:
    """New params W[l] - learning_rate dW[l], b[l] - learning_rate db[l]; inputs unchanged."""
    out: dict[str, Array] = {}
    for key, value in params.items():
        p = as_matrix(value, f"params.{key}")
        if "d" + key not in grads:
            raise EngineError(f"grads must have d{key} for params.{key}", f"grads.d{key}")
        g = as_matrix(grads["d" + key], f"grads.d{key}")
        check_shape(g, p.shape, f"grads.d{key}", f"the shape of params.{key}")
        out[key] = p - learning_rate * g
    return out
