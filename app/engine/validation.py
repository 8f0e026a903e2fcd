"""Turning caller data into finite float64 matrices, with errors that name the field."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.engine.activations import Array
from app.engine.errors import EngineError


def as_matrix(value: Any, field: str) -> Array:
    """A finite 2-D float64 array from an array or nested lists, or EngineError naming `field`."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError):
        msg = f"{field} must be a 2-D list of numbers with equal-length rows"
        raise EngineError(msg, field) from None
    if arr.ndim != 2:
        raise EngineError(f"{field} must be 2-D (rows of numbers); got {arr.ndim}-D", field)
    if not np.isfinite(arr).all():
        raise EngineError(f"{field} must contain only finite numbers (no NaN or infinity)", field)
    return arr


def check_shape(arr: Array, shape: tuple[int, int], field: str, name: str = "") -> None:
    """EngineError naming `field` unless `arr` has `shape`."""
    if arr.shape != shape:
        expected = f"{name} = {shape}" if name else str(shape)
        raise EngineError(f"{field} must have shape {expected}; got {arr.shape}", field)
