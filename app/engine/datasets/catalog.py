"""The built-in data sets (DATASETS) and load_dataset, the one seeded entry point to them."""

from __future__ import annotations

import math
import numbers

import numpy as np

from app.engine.datasets._base import (
    SUGGESTED_OUTPUT,
    Array,
    Dataset,
    DatasetSpec,
    Range,
    Task,
    check_float,
    check_int,
    check_split_args,
    one_hot,
    padded_range,
    split_columns,
    standardize,
)
from app.engine.datasets.real import (
    DIGITS_CLASSES,
    DIGITS_FEATURES,
    IRIS_CLASSES,
    IRIS_FEATURES,
    read_digits,
    read_iris,
)
from app.engine.datasets.synthetic import GENERATORS
from app.engine.errors import EngineError

MIN_N_SAMPLES = 10
MAX_SYNTHETIC_SAMPLES = 2000
MAX_NOISE = 0.5
PLAYGROUND_RANGE: Range = ((-6.0, 6.0), (-6.0, 6.0))

_PLAYGROUND_NOISE = (
    "Playground units (its Noise slider / 100): positions are displaced by up to "
    "noise x 5 before labelling, so labels near the boundary flip"
)


def _spec(
    name: str,
    task: Task,
    description: str,
    *,
    n_features: int = 2,
    classes: tuple[str, ...] = ("0", "1"),
    features: tuple[str, ...] = ("x1", "x2"),
    noise: str = "",
    default_noise: float = 0.1,
    max_n: int = MAX_SYNTHETIC_SAMPLES,
    default_n: int = 400,
    real: bool = False,
) -> DatasetSpec:
    activation, loss = SUGGESTED_OUTPUT[task]
    return DatasetSpec(
        name=name,
        task=task,
        n_features=n_features,
        n_outputs=len(classes) if task == "multiclass" else 1,
        description=description,
        default_n_samples=default_n,
        max_n_samples=max_n,
        has_noise=not real,
        suggested_output_activation=activation,
        suggested_loss=loss,
        min_n_samples=MIN_N_SAMPLES,
        default_noise=0.0 if real else default_noise,
        max_noise=0.0 if real else MAX_NOISE,
        noise_description=noise,
        feature_names=features,
        class_names=classes if task != "regression" else (),
        real=real,
    )


_PG = ("negative", "positive")  # Playground's -1 / +1

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        _spec(
            "circle",
            "binary",
            "TensorFlow Playground's circle: a disc (positive) inside a ring (negative).",
            classes=_PG,
            noise=_PLAYGROUND_NOISE,
        ),
        _spec(
            "xor",
            "binary",
            "TensorFlow Playground's exclusive or: positive where x1 and x2 have the same sign.",
            classes=_PG,
            noise=_PLAYGROUND_NOISE,
        ),
        _spec(
            "gauss",
            "binary",
            "TensorFlow Playground's two Gaussians, centred at (2, 2) (positive) and (-2, -2).",
            classes=_PG,
            noise="Playground units: the variance of each Gaussian is 0.5 + 7 x noise",
        ),
        _spec(
            "spiral",
            "binary",
            "TensorFlow Playground's two interleaved spirals.",
            classes=_PG,
            noise="Playground units: each coordinate is moved by up to +-noise",
        ),
        _spec(
            "moons",
            "binary",
            "Two interleaving half circles (like scikit-learn's make_moons).",
            classes=("upper", "lower"),
            noise="standard deviation of the Gaussian noise added to each coordinate",
        ),
        _spec(
            "flower",
            "binary",
            "The course's planar 'flower' (load_planar_dataset): two classes of 4 petals.",
            classes=("red", "blue"),
            noise="standard deviation of the randn terms in angle and radius (the course uses 0.2)",
            default_noise=0.2,
        ),
        _spec(
            "sine",
            "regression",
            "1-D regression: y = sin(x) + noise for x uniform in [-pi, pi].",
            n_features=1,
            features=("x",),
            noise="standard deviation of the Gaussian noise added to y",
        ),
        _spec(
            "iris",
            "multiclass",
            "Fisher's iris (real data): 150 flowers, 4 measurements, 3 species; standardized.",
            n_features=4,
            classes=IRIS_CLASSES,
            features=IRIS_FEATURES,
            max_n=150,
            default_n=150,
            real=True,
        ),
        _spec(
            "digits",
            "multiclass",
            "UCI handwritten digits (real data): 1797 8x8 images, pixels scaled to [0, 1].",
            n_features=64,
            classes=DIGITS_CLASSES,
            features=DIGITS_FEATURES,
            max_n=1797,
            default_n=1797,
            real=True,
        ),
    )
}


def _check_name(name: object) -> DatasetSpec:
    if not isinstance(name, str) or name not in DATASETS:
        raise EngineError(
            f"unknown dataset {name!r}; expected one of: {', '.join(DATASETS)}",
            field="dataset.name",
        )
    return DATASETS[name]


def _check_n_samples(spec: DatasetSpec, n_samples: object) -> int:
    if not spec.real:
        return check_int(
            n_samples,
            "dataset.n_samples",
            "n_samples",
            spec.min_n_samples,
            spec.max_n_samples,
            f" for {spec.name!r}",
        )
    if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool):
        number = int(n_samples)
        if number >= spec.min_n_samples:
            return min(number, spec.max_n_samples)
    raise EngineError(
        f"n_samples must be an integer of at least {spec.min_n_samples} for {spec.name!r} "
        f"(values above {spec.max_n_samples} use all {spec.max_n_samples} examples), "
        f"got {n_samples!r}",
        field="dataset.n_samples",
    )


def _check_noise(spec: DatasetSpec, noise: object) -> float:
    if spec.has_noise:
        return check_float(
            noise, "dataset.noise", "noise", 0.0, spec.max_noise, f" for {spec.name!r}"
        )
    # Real data has no noise knob; accept (and ignore) any sane value a form may send.
    return check_float(noise, "dataset.noise", "noise", 0.0, math.inf, f" for {spec.name!r}")


def load_dataset(
    name: str,
    n_samples: int = 400,
    noise: float = 0.1,
    train_fraction: float = 0.8,
    seed: int = 0,
) -> Dataset:
    """Generate (or load) a built-in data set and split it; bit-identical for the same arguments.

    Raises EngineError with field "dataset.name", "dataset.n_samples", "dataset.noise",
    "dataset.train_fraction" or "seed" when an argument is out of range.
    """
    spec = _check_name(name)
    n = _check_n_samples(spec, n_samples)
    noise_value = _check_noise(spec, noise)
    fraction, seed_value = check_split_args(train_fraction, seed)
    rng = np.random.default_rng(seed_value)
    mean: Array | None = None
    std: Array | None = None
    if spec.real:
        X, labels = read_iris() if spec.name == "iris" else read_digits()
        Y = one_hot(labels, len(spec.class_names))
        X_train, Y_train, X_test, Y_test = split_columns(X, Y, n, fraction, rng)
        if spec.name == "iris":
            X_train, X_test, mean, std = standardize(X_train, X_test)
        input_range: Range | None = None
    else:
        X, y = GENERATORS[spec.name](n, noise_value, rng)
        X_train, Y_train, X_test, Y_test = split_columns(X, y[np.newaxis, :], n, fraction, rng)
        if spec.name in ("moons", "flower"):
            input_range = padded_range(X)
        elif spec.name == "sine":
            input_range = ((-math.pi, math.pi),)
        else:
            input_range = PLAYGROUND_RANGE
    return Dataset(
        name=spec.name,
        task=spec.task,
        X_train=X_train,
        Y_train=Y_train,
        X_test=X_test,
        Y_test=Y_test,
        n_features=spec.n_features,
        n_outputs=spec.n_outputs,
        feature_names=spec.feature_names,
        class_names=spec.class_names,
        input_range=input_range,
        feature_mean=mean,
        feature_std=std,
    )
