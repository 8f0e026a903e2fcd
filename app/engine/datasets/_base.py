"""Dataset containers, argument checks, the seeded train/test split and standardization."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from app.engine.errors import EngineError

Array = NDArray[np.float64]
Task = Literal["binary", "multiclass", "regression"]
Range = tuple[tuple[float, float], ...]

TRAIN_FRACTION_MIN = 0.1
TRAIN_FRACTION_MAX = 0.9
SEED_MAX = 2**32 - 1

# What the output layer and loss should be for each task (the matched pairs).
SUGGESTED_OUTPUT: dict[str, tuple[str, str]] = {
    "binary": ("sigmoid", "binary_cross_entropy"),
    "multiclass": ("softmax", "categorical_cross_entropy"),
    "regression": ("linear", "mean_squared_error"),
}


@dataclass(frozen=True, eq=False)
class Dataset:
    """A split data set in the course's layout: examples are columns.

    X_* is (n_features, m); Y_* is (1, m) of 0.0/1.0 for "binary", one-hot (K, m) for
    "multiclass" and (1, m) real targets for "regression". `input_range` is the box to draw
    (one (lo, hi) per feature) for 1-D and 2-D sets, else None. `feature_mean`/`feature_std`
    ((n_features, 1)) are the training-split statistics when the features were standardized.
    """

    name: str
    task: Task
    X_train: Array
    Y_train: Array
    X_test: Array
    Y_test: Array
    n_features: int
    n_outputs: int
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    input_range: Range | None
    feature_mean: Array | None = field(default=None)
    feature_std: Array | None = field(default=None)

    @property
    def m_train(self) -> int:
        """Number of training examples."""
        return int(self.X_train.shape[1])

    @property
    def m_test(self) -> int:
        """Number of test examples."""
        return int(self.X_test.shape[1])


@dataclass(frozen=True)
class DatasetSpec:
    """What a built-in data set is and which arguments it accepts (for catalogs and forms).

    `n_samples` must lie in [min_n_samples, max_n_samples]; for real data sets larger values
    are capped at max_n_samples instead (there are no more examples). `noise` must lie in
    [0, max_noise] when has_noise; otherwise it is ignored.
    """

    name: str
    task: Task
    n_features: int
    n_outputs: int
    description: str
    default_n_samples: int
    max_n_samples: int
    has_noise: bool
    suggested_output_activation: str
    suggested_loss: str
    min_n_samples: int = 10
    default_noise: float = 0.0
    max_noise: float = 0.0
    noise_description: str = ""
    feature_names: tuple[str, ...] = ()
    class_names: tuple[str, ...] = ()
    real: bool = False


def check_int(value: object, field_name: str, what: str, lo: int, hi: int, suffix: str = "") -> int:
    """`value` as an int in [lo, hi], else EngineError naming `field_name`."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
        if lo <= number <= hi:
            return number
    raise EngineError(
        f"{what} must be an integer between {lo} and {hi}{suffix}, got {value!r}",
        field=field_name,
    )


def check_float(
    value: object, field_name: str, what: str, lo: float, hi: float, suffix: str = ""
) -> float:
    """`value` as a finite float in [lo, hi], else EngineError naming `field_name`."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    number = float(value) if ok else math.nan  # type: ignore[arg-type]
    if not (math.isfinite(number) and lo <= number <= hi):
        raise EngineError(
            f"{what} must be a number between {lo:g} and {hi:g}{suffix}, got {value!r}",
            field=field_name,
        )
    return number


def check_split_args(train_fraction: object, seed: object) -> tuple[float, int]:
    """Validate the arguments every loader shares."""
    fraction = check_float(
        train_fraction,
        "dataset.train_fraction",
        "train_fraction",
        TRAIN_FRACTION_MIN,
        TRAIN_FRACTION_MAX,
    )
    return fraction, check_int(seed, "seed", "seed", 0, SEED_MAX)


def n_train_for(m: int, train_fraction: float) -> int:
    """Training-split size: round(train_fraction * m), kept within [1, m - 1]."""
    return min(max(math.floor(train_fraction * m + 0.5), 1), m - 1)


def split_columns(
    X: Array, Y: Array, n_keep: int, train_fraction: float, rng: np.random.Generator
) -> tuple[Array, Array, Array, Array]:
    """Shuffle the columns, keep n_keep, cut them into (X_train, Y_train, X_test, Y_test)."""
    order = rng.permutation(X.shape[1])[:n_keep]
    n_train = n_train_for(n_keep, train_fraction)
    train, test = order[:n_train], order[n_train:]
    return (
        np.ascontiguousarray(X[:, train]),
        np.ascontiguousarray(Y[:, train]),
        np.ascontiguousarray(X[:, test]),
        np.ascontiguousarray(Y[:, test]),
    )


def standardize(X_train: Array, X_test: Array) -> tuple[Array, Array, Array, Array]:
    """Z-score both splits with the training split's mean and std (std 1 for a constant feature)."""
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True)
    std = np.where(std > 1e-12, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std, mean, std


def one_hot(labels: NDArray[np.int64], k: int) -> Array:
    """(K, m) one-hot columns for integer labels in 0..K-1."""
    Y = np.zeros((k, labels.size), dtype=np.float64)
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def padded_range(X: Array, pad_fraction: float = 0.1) -> Range:
    """Per-feature (lo, hi) of the data, widened by pad_fraction of the span, rounded out to 0.1."""
    out: list[tuple[float, float]] = []
    for row in X:
        lo, hi = float(row.min()), float(row.max())
        pad = pad_fraction * (hi - lo) if hi > lo else 0.5
        out.append((math.floor((lo - pad) * 10) / 10, math.ceil((hi + pad) * 10) / 10))
    return tuple(out)
