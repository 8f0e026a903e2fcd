"""Data sets for the visualizer, in the course's layout (examples are columns).

`DATASETS` describes the built-in sets (TensorFlow Playground's circle, xor, gauss and
spiral; moons; the course's planar flower; sine regression; real iris and digits),
`load_dataset` generates or loads one with a seeded split, and `load_csv` turns a user's
CSV text into the same `Dataset`. Pure NumPy and the standard library.
"""

from app.engine.datasets._base import Dataset, DatasetSpec
from app.engine.datasets.catalog import (
    DATASETS,
    MAX_NOISE,
    MAX_SYNTHETIC_SAMPLES,
    MIN_N_SAMPLES,
    load_dataset,
)
from app.engine.datasets.csv_loader import (
    CSV_MAX_BYTES,
    CSV_MAX_CLASSES,
    CSV_MAX_COLUMNS,
    CSV_MAX_ROWS,
    CSV_TASKS,
    load_csv,
)

__all__ = [
    "CSV_MAX_BYTES",
    "CSV_MAX_CLASSES",
    "CSV_MAX_COLUMNS",
    "CSV_MAX_ROWS",
    "CSV_TASKS",
    "DATASETS",
    "MAX_NOISE",
    "MAX_SYNTHETIC_SAMPLES",
    "MIN_N_SAMPLES",
    "Dataset",
    "DatasetSpec",
    "load_csv",
    "load_dataset",
]
