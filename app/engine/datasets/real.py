"""The real data sets shipped in app/engine/data (provenance and licences: data/LICENSES.md)."""

from __future__ import annotations

import gzip
import io
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from app.engine.datasets._base import Array

IRIS_FEATURES = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")
IRIS_CLASSES = ("setosa", "versicolor", "virginica")
DIGITS_FEATURES = tuple(f"pixel_{row}_{col}" for row in range(8) for col in range(8))
DIGITS_CLASSES = tuple(str(d) for d in range(10))


def _data_file(name: str) -> bytes:
    return (resources.files("app.engine") / "data" / name).read_bytes()


def _parse(text: str) -> NDArray[np.float64]:
    return np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.float64, ndmin=2)


@lru_cache(maxsize=1)
def read_iris() -> tuple[Array, NDArray[np.int64]]:
    """Fisher's iris in centimetres, as (X (4, 150), labels (150,) in 0..2); read-only arrays."""
    _, body = _data_file("iris.csv").decode("ascii").split("\n", 1)  # header: 150,4,<classes>
    rows = _parse(body)
    X = np.ascontiguousarray(rows[:, :4].T)
    labels = rows[:, 4].astype(np.int64)
    X.flags.writeable = False
    labels.flags.writeable = False
    return X, labels


@lru_cache(maxsize=1)
def read_digits() -> tuple[Array, NDArray[np.int64]]:
    """The 8x8 UCI digits as scikit-learn ships them: X (64, 1797) scaled to [0, 1], labels 0..9."""
    rows = _parse(gzip.decompress(_data_file("digits.csv.gz")).decode("ascii"))
    X = np.ascontiguousarray(rows[:, :64].T) / 16.0
    labels = rows[:, 64].astype(np.int64)
    X.flags.writeable = False
    labels.flags.writeable = False
    return X, labels
