"""load_csv: CSV text -> a standardized, split Dataset, or an error naming line and column."""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from app.engine.datasets._base import (
    Array,
    Dataset,
    Task,
    check_split_args,
    n_train_for,
    one_hot,
    padded_range,
    split_columns,
    standardize,
)
from app.engine.errors import EngineError

CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_MAX_ROWS = 10_000
CSV_MAX_COLUMNS = 100  # feature columns, not counting the label
CSV_MAX_CLASSES = 20
CSV_MIN_SPLIT_ROWS = 2
CSV_TASKS = ("classification", "binary", "multiclass", "regression")

_FIELD = "dataset.csv"


def _fail(message: str) -> EngineError:
    return EngineError(message, field=_FIELD)


def _number(cell: str) -> float | None:
    """The cell as a float (possibly inf/nan), or None when it is not a number at all."""
    text = cell.strip()
    if not text or "_" in text:  # float() would accept "1_000"; a CSV should not
        return None
    try:
        return float(text)
    except ValueError:
        return None


class _Table:
    """The parsed text: header names and (line number, cells) per data row."""

    def __init__(self, text: str) -> None:
        reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), strict=True)
        self.header: list[str] = []
        self.rows: list[tuple[int, list[str]]] = []
        # A structural error (ragged row, too many rows) stops the reading; it is raised after
        # the rows before it were checked, so the caller always hears of the FIRST problem.
        self.pending: EngineError | None = None
        try:
            for cells in reader:
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue  # blank line
                if not self.header:
                    self.header = self._check_header(cells, reader.line_num)
                    continue
                if len(cells) != len(self.header):
                    self.pending = _fail(
                        f"line {reader.line_num} has {len(cells)} values, "
                        f"the header has {len(self.header)}"
                    )
                    break
                if len(self.rows) == CSV_MAX_ROWS:
                    self.pending = _fail(
                        f"line {reader.line_num}: the CSV has more than {CSV_MAX_ROWS} data rows"
                    )
                    break
                self.rows.append((reader.line_num, cells))
        except csv.Error as exc:
            self.pending = _fail(f"line {reader.line_num}: malformed CSV ({exc})")
        if not self.header:
            raise self.pending or _fail(
                "the CSV is empty; expected a header line naming the columns, then data rows"
            )

    @staticmethod
    def _check_header(cells: list[str], line: int) -> list[str]:
        names = [c.strip() for c in cells]
        if all(_number(n) is not None for n in names):
            raise _fail(
                f"line {line}: the first line must be a header naming the columns, "
                f'but it holds only numbers (e.g. "{names[0]}")'
            )
        if len(names) < 2:
            raise _fail(
                f"line {line}: the header has {len(names)} column; "
                "need at least one feature column and a label column"
            )
        if len(names) - 1 > CSV_MAX_COLUMNS:
            raise _fail(
                f"line {line}: the CSV has {len(names) - 1} feature columns; "
                f"at most {CSV_MAX_COLUMNS} are supported"
            )
        seen: set[str] = set()
        for col, name in enumerate(names, start=1):
            if not name:
                raise _fail(f"line {line}, column {col}: empty column name in the header")
            if name in seen:
                raise _fail(f'line {line}, column {col}: duplicate column name "{name}"')
            seen.add(name)
        return names

    def where(self, line: int, col: int) -> str:
        return f'line {line}, column {col + 1} ("{self.header[col]}")'


def _label_index(header: list[str], label_column: object) -> int:
    if label_column is None:
        return len(header) - 1
    if isinstance(label_column, str) and label_column.strip() in header:
        return header.index(label_column.strip())
    raise EngineError(
        f"label column {label_column!r} not found; the columns are: {', '.join(header)}",
        field="dataset.label_column",
    )


def _read_values(table: _Table, label: int, numeric_labels: bool) -> tuple[Array, list[str]]:
    """Features as (n_features, m) and the raw label cells; the first bad value raises."""
    m, n_cols = len(table.rows), len(table.header)
    X = np.empty((m, n_cols - 1), dtype=np.float64)
    labels: list[str] = []
    for i, (line, cells) in enumerate(table.rows):
        for col, cell in enumerate(cells):
            is_label = col == label
            value = _number(cell)
            if is_label and not numeric_labels:
                text = cell.strip()
                if not text:
                    raise _fail(f"{table.where(line, col)}: empty label")
                if value is not None and not math.isfinite(value):
                    raise _fail(f'{table.where(line, col)}: "{text}" is not a finite number')
                labels.append(text)
                continue
            if value is None:
                shown = cell.strip()
                what = "empty value" if not shown else f'"{shown}" is not a number'
                raise _fail(f"{table.where(line, col)}: {what}")
            if not math.isfinite(value):
                raise _fail(f'{table.where(line, col)}: "{cell.strip()}" is not a finite number')
            if is_label:
                labels.append(cell.strip())
            else:
                X[i, col if col < label else col - 1] = value
    return np.ascontiguousarray(X.T), labels


def _classes(labels: list[str], label_name: str) -> tuple[tuple[str, ...], list[int]]:
    """Sorted class names (numeric labels by value, named as integers when whole) and indices."""
    numbers = [_number(v) for v in labels]
    if all(v is not None for v in numbers):
        values = [float(v) for v in numbers if v is not None]
        names = [str(int(v)) if v.is_integer() else repr(v) for v in values]
        order = sorted(set(zip(values, names, strict=True)))
        class_names = tuple(dict.fromkeys(name for _, name in order))
    else:
        names = labels
        class_names = tuple(sorted(set(names)))
    if len(class_names) < 2:
        raise _fail(
            f'label column "{label_name}" has only one value ("{class_names[0]}"); '
            "classification needs at least 2 classes"
        )
    if len(class_names) > CSV_MAX_CLASSES:
        raise _fail(
            f'label column "{label_name}" has {len(class_names)} distinct values; '
            f"classification supports at most {CSV_MAX_CLASSES} classes "
            "(use numeric labels and task='regression' for a continuous target)"
        )
    index = {name: k for k, name in enumerate(class_names)}
    return class_names, [index[name] for name in names]


def _infer_task(labels: list[str]) -> str:
    numbers = [_number(v) for v in labels]
    if any(v is None for v in numbers):
        return "classification"
    whole = all(v is not None and v.is_integer() for v in numbers)
    return "classification" if whole and len(set(numbers)) <= CSV_MAX_CLASSES else "regression"


def load_csv(
    text: str,
    label_column: str | None = None,
    train_fraction: float = 0.8,
    seed: int = 0,
    task: str | None = None,
) -> Dataset:
    """Parse CSV text (header row, numeric features, one label column; default: the last).

    task: None infers it (integer or text labels with at most 20 distinct values ->
    classification, binary when there are 2; otherwise regression), or one of
    "classification", "binary", "multiclass", "regression" to force it. Features are
    standardized with training-split statistics; regression targets are kept as given.
    Errors raise EngineError(field="dataset.csv") giving the 1-based line and column of the
    first bad value ("dataset.label_column", "dataset.task", "dataset.train_fraction" and
    "seed" for bad arguments).
    """
    fraction, seed_value = check_split_args(train_fraction, seed)
    if task is not None and task not in CSV_TASKS:
        raise EngineError(
            f"task must be one of {', '.join(CSV_TASKS)} or None (infer), got {task!r}",
            field="dataset.task",
        )
    if not isinstance(text, str):
        raise _fail(f"the CSV must be text, got {type(text).__name__}")
    # len(text) <= its UTF-8 size, so a huge text is refused before it is encoded.
    size = len(text) if len(text) > CSV_MAX_BYTES else len(text.encode("utf-8", "replace"))
    if size > CSV_MAX_BYTES:
        raise _fail(f"the CSV is {size} bytes; at most {CSV_MAX_BYTES} bytes are accepted")
    table = _Table(text)
    label = _label_index(table.header, label_column)
    X, labels = _read_values(table, label, numeric_labels=task == "regression")
    if table.pending is not None:
        raise table.pending
    if not labels:
        raise _fail("the CSV has a header but no data rows")
    m = X.shape[1]
    n_train = n_train_for(m, fraction) if m >= 2 else m
    if min(n_train, m - n_train) < CSV_MIN_SPLIT_ROWS:
        raise _fail(
            f"the CSV has {m} data rows; train_fraction {fraction:g} splits them into "
            f"{n_train} training and {m - n_train} test rows, but each split needs at least "
            f"{CSV_MIN_SPLIT_ROWS}"
        )
    label_name = table.header[label]
    kind = task or _infer_task(labels)
    resolved: Task = "regression"
    class_names: tuple[str, ...] = ()
    if kind == "regression":
        Y = np.array([[float(v) for v in labels]], dtype=np.float64)
    else:
        class_names, indices = _classes(labels, label_name)
        if kind == "binary" and len(class_names) != 2:
            raise _fail(
                f'task "binary" needs exactly 2 classes; label column "{label_name}" has '
                f"{len(class_names)}: {', '.join(class_names)}"
            )
        codes = np.array(indices, dtype=np.int64)
        if len(class_names) == 2 and kind != "multiclass":
            resolved, Y = "binary", codes[np.newaxis, :].astype(np.float64)
        else:
            resolved, Y = "multiclass", one_hot(codes, len(class_names))
    rng = np.random.default_rng(seed_value)
    X_train, Y_train, X_test, Y_test = split_columns(X, Y, m, fraction, rng)
    X_train, X_test, mean, std = standardize(X_train, X_test)
    features = tuple(name for col, name in enumerate(table.header) if col != label)
    return Dataset(
        name="csv",
        task=resolved,
        X_train=X_train,
        Y_train=Y_train,
        X_test=X_test,
        Y_test=Y_test,
        n_features=len(features),
        n_outputs=Y.shape[0],
        feature_names=features,
        class_names=class_names,
        input_range=padded_range(np.hstack([X_train, X_test])) if len(features) <= 2 else None,
        feature_mean=mean,
        feature_std=std,
    )
