"""Datasets: shapes, determinism, the generators' geometry (checked against the rules of
TensorFlow Playground / make_moons / the course's load_planar_dataset), the real data
against published facts, argument validation and CSV error reporting."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.datasets import (
    CSV_MAX_BYTES,
    CSV_MAX_COLUMNS,
    CSV_MAX_ROWS,
    DATASETS,
    Dataset,
    DatasetSpec,
    load_csv,
    load_dataset,
)
from app.engine.datasets.real import read_digits, read_iris
from app.engine.errors import EngineError

ALL = sorted(DATASETS)
SYNTHETIC = [name for name in ALL if not DATASETS[name].real]
PLAYGROUND_2D = ["circle", "xor", "gauss", "spiral"]


def _all_X(d: Dataset) -> np.ndarray:
    return np.hstack([d.X_train, d.X_test])


def _all_Y(d: Dataset) -> np.ndarray:
    return np.hstack([d.Y_train, d.Y_test])


def _arrays(d: Dataset) -> list[np.ndarray]:
    return [d.X_train, d.Y_train, d.X_test, d.Y_test]


# --- catalog and shapes -------------------------------------------------------------------


def test_catalog_lists_the_contracted_sets() -> None:
    assert set(DATASETS) == {
        "circle", "xor", "gauss", "spiral", "moons", "flower", "sine", "iris", "digits",
    }  # fmt: skip
    for name, spec in DATASETS.items():
        assert isinstance(spec, DatasetSpec)
        assert spec.name == name
        assert spec.min_n_samples <= spec.default_n_samples <= spec.max_n_samples
        assert len(spec.feature_names) == spec.n_features
        pair = {
            "binary": ("sigmoid", "binary_cross_entropy"),
            "multiclass": ("softmax", "categorical_cross_entropy"),
            "regression": ("linear", "mean_squared_error"),
        }[spec.task]
        assert (spec.suggested_output_activation, spec.suggested_loss) == pair
        if spec.task == "multiclass":
            assert spec.n_outputs == len(spec.class_names)
        else:
            assert spec.n_outputs == 1
        assert spec.has_noise == (not spec.real)
        assert 0 <= spec.default_noise <= spec.max_noise


@pytest.mark.parametrize("name", ALL)
def test_shapes_dtypes_and_labels(name: str) -> None:
    spec = DATASETS[name]
    n = min(400, spec.max_n_samples)
    d = load_dataset(name, n_samples=n, noise=0.1, train_fraction=0.75, seed=3)
    assert d.name == name and d.task == spec.task
    assert (d.n_features, d.n_outputs) == (spec.n_features, spec.n_outputs)
    assert d.m_train + d.m_test == n
    assert d.m_train == math.floor(0.75 * n + 0.5)  # round half up
    assert d.X_train.shape == (spec.n_features, d.m_train)
    assert d.X_test.shape == (spec.n_features, d.m_test)
    assert d.Y_train.shape == (spec.n_outputs, d.m_train)
    assert d.Y_test.shape == (spec.n_outputs, d.m_test)
    for a in _arrays(d):
        assert a.dtype == np.float64
        assert np.isfinite(a).all()
    Y = _all_Y(d)
    if spec.task == "binary":
        assert set(np.unique(Y)) == {0.0, 1.0}
    elif spec.task == "multiclass":
        assert set(np.unique(Y)) == {0.0, 1.0}
        assert (Y.sum(axis=0) == 1.0).all()
    assert d.feature_names == spec.feature_names
    assert d.class_names == spec.class_names


@pytest.mark.parametrize("name", PLAYGROUND_2D)
def test_playground_sets_draw_on_the_playground_plane(name: str) -> None:
    d = load_dataset(name, n_samples=1000, noise=0.0, seed=1)
    assert d.input_range == ((-6.0, 6.0), (-6.0, 6.0))
    assert (np.abs(_all_X(d)) <= 6.0).all()


@pytest.mark.parametrize("name", ["moons", "flower"])
def test_padded_ranges_contain_the_data(name: str) -> None:
    d = load_dataset(name, n_samples=500, noise=0.3, seed=2)
    assert d.input_range is not None and len(d.input_range) == 2
    X = _all_X(d)
    for (lo, hi), row in zip(d.input_range, X, strict=True):
        assert lo < row.min() and row.max() < hi
        assert hi - lo < 1.5 * (row.max() - row.min())


def test_classes_are_roughly_balanced() -> None:
    for name in SYNTHETIC:
        if DATASETS[name].task != "binary":
            continue
        d = load_dataset(name, n_samples=401, noise=0.0, seed=0)
        assert d.m_train + d.m_test == 401
        assert abs(_all_Y(d).sum() - 200.5) <= 0.5 or name == "xor"


# --- determinism ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_same_seed_bit_identical_other_seed_differs(name: str) -> None:
    n = min(300, DATASETS[name].max_n_samples)
    a = load_dataset(name, n_samples=n, noise=0.2, seed=7)
    b = load_dataset(name, n_samples=n, noise=0.2, seed=7)
    for x, y in zip(_arrays(a), _arrays(b), strict=True):
        assert x.tobytes() == y.tobytes()
    c = load_dataset(name, n_samples=n, noise=0.2, seed=8)
    assert not np.array_equal(a.X_train, c.X_train)


def test_loading_does_not_share_arrays_between_calls() -> None:
    a = load_dataset("digits", n_samples=50, seed=0)
    a.X_train[:] = 123.0
    b = load_dataset("digits", n_samples=50, seed=0)
    assert b.X_train.max() <= 1.0


# --- generator geometry: noise 0 reproduces the source's rule exactly -------------------------


def test_circle_noise_zero_is_separable_by_radius_with_playground_rule() -> None:
    d = load_dataset("circle", n_samples=2000, noise=0.0, seed=4)
    X, y = _all_X(d), _all_Y(d)[0]
    r = np.hypot(X[0], X[1])
    # Playground: inside radius 5 * 0.5 is +1, points drawn from r < 2.5 or 3.5 <= r <= 5.
    assert np.array_equal(y == 1.0, r < 2.5)
    assert not ((r >= 2.5) & (r < 3.5)).any()
    assert r.max() <= 5.0


def test_circle_noise_flips_labels_near_the_boundary() -> None:
    d = load_dataset("circle", n_samples=2000, noise=0.5, seed=4)
    X, y = _all_X(d), _all_Y(d)[0]
    wrong = (y == 1.0) != (np.hypot(X[0], X[1]) < 2.5)
    assert 0.02 < wrong.mean() < 0.5


def test_xor_noise_zero_follows_sign_rule_and_padding() -> None:
    d = load_dataset("xor", n_samples=2000, noise=0.0, seed=5)
    X, y = _all_X(d), _all_Y(d)[0]
    assert np.array_equal(y == 1.0, X[0] * X[1] >= 0)
    assert (np.abs(X) >= 0.3).all() and (np.abs(X) <= 5.3).all()
    noisy = load_dataset("xor", n_samples=2000, noise=0.3, seed=5)
    Xn, yn = _all_X(noisy), _all_Y(noisy)[0]
    assert ((yn == 1.0) != (Xn[0] * Xn[1] >= 0)).mean() > 0.02


@pytest.mark.parametrize(("noise", "variance"), [(0.0, 0.5), (0.25, 2.25), (0.5, 4.0)])
def test_gauss_variance_follows_playground_scale(noise: float, variance: float) -> None:
    d = load_dataset("gauss", n_samples=2000, noise=noise, seed=6)
    X, y = _all_X(d), _all_Y(d)[0]
    for label, centre in ((1.0, 2.0), (0.0, -2.0)):
        pts = X[:, y == label]
        assert np.allclose(pts.mean(axis=1), centre, atol=0.2)
        assert np.allclose(pts.var(axis=1), variance, rtol=0.15)


def test_spiral_noise_zero_lies_on_the_two_spirals() -> None:
    d = load_dataset("spiral", n_samples=400, noise=0.0, seed=0)
    X, y = _all_X(d), _all_Y(d)[0]
    r = np.hypot(X[0], X[1])
    keep = r > 1e-9  # the centre point has no angle
    # x = r sin t, y = r cos t with t = 1.75 * 2 pi * r / 5 (+ pi for the negative class)
    t = 1.75 * 2 * math.pi * r / 5 + np.where(y == 1.0, 0.0, math.pi)
    angle_error = np.angle(np.exp(1j * (np.arctan2(X[0], X[1]) - t)))
    assert np.abs(angle_error[keep]).max() < 1e-9
    assert r.max() < 5.0
    jitter = _all_X(load_dataset("spiral", n_samples=400, noise=0.5, seed=0)) - X
    assert np.abs(jitter).max() <= 0.5 and np.abs(jitter).max() > 0.4


def test_moons_noise_zero_lies_on_the_half_circles() -> None:
    d = load_dataset("moons", n_samples=300, noise=0.0, seed=0)
    X, y = _all_X(d), _all_Y(d)[0]
    upper, lower = X[:, y == 0.0], X[:, y == 1.0]
    assert np.allclose(np.hypot(upper[0], upper[1]), 1.0) and (upper[1] >= -1e-12).all()
    assert np.allclose(np.hypot(lower[0] - 1.0, lower[1] - 0.5), 1.0)
    assert (lower[1] <= 0.5 + 1e-12).all()
    assert upper.shape[1] == 150 and lower.shape[1] == 150


def test_flower_noise_zero_matches_the_course_formula() -> None:
    d = load_dataset("flower", n_samples=400, noise=0.0, seed=0)
    X, y = _all_X(d), _all_Y(d)[0]
    for j in (0, 1):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, 200)
        r = 4 * np.sin(4 * t)
        expected = np.stack([r * np.sin(t), r * np.cos(t)])
        got = X[:, y == j]
        key = np.lexsort(got)
        assert np.allclose(got[:, key], expected[:, np.lexsort(expected)])


def test_sine_noise_zero_is_the_sine() -> None:
    d = load_dataset("sine", n_samples=500, noise=0.0, seed=0)
    x, y = _all_X(d)[0], _all_Y(d)[0]
    assert np.allclose(y, np.sin(x)) and (np.abs(x) <= math.pi).all()
    assert d.input_range == ((-math.pi, math.pi),)
    noisy = load_dataset("sine", n_samples=2000, noise=0.3, seed=0)
    residual = _all_Y(noisy)[0] - np.sin(_all_X(noisy)[0])
    assert abs(residual.std() - 0.3) < 0.03


# --- real data ------------------------------------------------------------------------------


def test_iris_raw_matches_published_facts() -> None:
    X, labels = read_iris()
    assert X.shape == (4, 150)
    assert np.bincount(labels).tolist() == [50, 50, 50]
    assert X[:, 0].tolist() == [5.1, 3.5, 1.4, 0.2] and labels[0] == 0
    # Summary table in scikit-learn's iris description (2 decimals, from the UCI version).
    assert np.allclose(X.mean(axis=1), [5.84, 3.05, 3.76, 1.20], atol=0.01)
    assert X.min(axis=1).tolist() == [4.3, 2.0, 1.0, 0.1]
    assert X.max(axis=1).tolist() == [7.9, 4.4, 6.9, 2.5]


def test_iris_dataset_all_rows_standardized_with_training_statistics() -> None:
    d = load_dataset("iris", n_samples=2000, train_fraction=0.8, seed=0)  # capped at 150
    assert (d.m_train, d.m_test) == (120, 30)
    assert _all_Y(d).sum(axis=1).tolist() == [50.0, 50.0, 50.0]
    assert d.class_names == ("setosa", "versicolor", "virginica")
    assert np.allclose(d.X_train.mean(axis=1), 0.0) and np.allclose(d.X_train.std(axis=1), 1.0)
    assert d.feature_mean is not None and d.feature_std is not None
    raw, _ = read_iris()
    restored = np.sort(_all_X(d) * d.feature_std + d.feature_mean, axis=1)
    assert np.allclose(restored, np.sort(raw, axis=1))


def test_iris_smaller_n_samples_is_a_seeded_subset() -> None:
    d = load_dataset("iris", n_samples=60, seed=1)
    assert d.m_train + d.m_test == 60
    assert d.feature_mean is not None and d.feature_std is not None
    rows = {tuple(c) for c in np.round((_all_X(d) * d.feature_std + d.feature_mean).T, 6)}
    raw, _ = read_iris()
    assert rows <= {tuple(c) for c in np.round(raw.T, 6)}
    other = load_dataset("iris", n_samples=60, seed=2)
    assert not np.array_equal(_all_Y(d), _all_Y(other))


# First image of scikit-learn's load_digits() (digits.images[0], a "0"), from its docs.
FIRST_DIGIT = [
    [0, 0, 5, 13, 9, 1, 0, 0],
    [0, 0, 13, 15, 10, 15, 5, 0],
    [0, 3, 15, 2, 0, 11, 8, 0],
    [0, 4, 12, 0, 0, 8, 8, 0],
    [0, 5, 8, 0, 0, 9, 8, 0],
    [0, 4, 11, 0, 1, 12, 7, 0],
    [0, 2, 14, 5, 10, 12, 0, 0],
    [0, 0, 6, 13, 10, 0, 0, 0],
]


def test_digits_shape_scale_counts_and_first_image() -> None:
    d = load_dataset("digits", n_samples=1797, seed=0)
    X, Y = _all_X(d), _all_Y(d)
    assert X.shape == (64, 1797) and Y.shape == (10, 1797)
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.allclose(X * 16, np.round(X * 16))  # 17 grey levels
    assert Y.sum(axis=1).astype(int).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    first = np.array(FIRST_DIGIT, dtype=np.float64).reshape(64, 1) / 16
    hits = np.flatnonzero((first == X).all(axis=0))
    assert hits.size == 1
    assert Y[:, hits[0]].argmax() == 0
    raw, labels = read_digits()
    assert np.array_equal(raw[:, 0] * 16, np.array(FIRST_DIGIT).ravel()) and labels[0] == 0


def test_digits_is_not_standardized_and_has_no_range() -> None:
    d = load_dataset("digits", n_samples=200, seed=0)
    assert d.feature_mean is None and d.input_range is None
    assert d.feature_names[9] == "pixel_1_1"


# --- argument validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"name": "mnist"}, "dataset.name", "unknown dataset 'mnist'; expected one of: circle"),
        ({"name": 3}, "dataset.name", "unknown dataset 3"),
        (
            {"n_samples": 5},
            "dataset.n_samples",
            "n_samples must be an integer between 10 and 2000 for 'circle', got 5",
        ),
        ({"n_samples": 2001}, "dataset.n_samples", "between 10 and 2000 for 'circle', got 2001"),
        ({"n_samples": 100.0}, "dataset.n_samples", "got 100.0"),
        ({"n_samples": True}, "dataset.n_samples", "got True"),
        (
            {"name": "iris", "n_samples": 9},
            "dataset.n_samples",
            "n_samples must be an integer of at least 10 for 'iris' "
            "(values above 150 use all 150 examples), got 9",
        ),
        (
            {"noise": 0.6},
            "dataset.noise",
            "noise must be a number between 0 and 0.5 for 'circle', got 0.6",
        ),
        ({"noise": -0.1}, "dataset.noise", "got -0.1"),
        ({"noise": math.nan}, "dataset.noise", "got nan"),
        ({"noise": "0.1"}, "dataset.noise", "got '0.1'"),
        ({"name": "iris", "noise": -1.0}, "dataset.noise", "for 'iris', got -1.0"),
        (
            {"train_fraction": 0.95},
            "dataset.train_fraction",
            "train_fraction must be a number between 0.1 and 0.9, got 0.95",
        ),
        ({"train_fraction": 0.05}, "dataset.train_fraction", "got 0.05"),
        ({"seed": -1}, "seed", "seed must be an integer between 0 and 4294967295, got -1"),
        ({"seed": 1.5}, "seed", "got 1.5"),
    ],
)
def test_load_dataset_validation(kwargs: dict[str, object], field: str, message: str) -> None:
    args: dict[str, object] = {"name": "circle", **kwargs}
    with pytest.raises(EngineError) as info:
        load_dataset(**args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert message in str(info.value)


def test_real_sets_ignore_noise_and_extreme_splits_stay_non_empty() -> None:
    assert load_dataset("iris", noise=0.3, seed=0).m_train == 120
    d = load_dataset("circle", n_samples=10, train_fraction=0.1, seed=0)
    assert (d.m_train, d.m_test) == (1, 9)
    d = load_dataset("circle", n_samples=10, train_fraction=0.9, seed=0)
    assert (d.m_train, d.m_test) == (9, 1)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(ALL),
    n_samples=st.integers(10, 2000),
    noise=st.floats(0.0, 0.5),
    train_fraction=st.floats(0.1, 0.9),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_valid_arguments_give_a_clean_split(
    name: str, n_samples: int, noise: float, train_fraction: float, seed: int
) -> None:
    spec = DATASETS[name]
    d = load_dataset(name, n_samples, noise, train_fraction, seed)
    n = min(n_samples, spec.max_n_samples)
    assert d.m_train + d.m_test == n
    assert d.m_train >= 1 and d.m_test >= 1
    assert abs(d.m_train - train_fraction * n) <= 1
    assert all(np.isfinite(a).all() for a in _arrays(d))


# --- CSV ------------------------------------------------------------------------------------

GOOD_CSV = """sepal_length,petal_width,species
5.1,0.2,setosa
4.9,0.2,setosa
6.3,1.8,virginica
5.8,1.9,virginica
7.0,1.4,versicolor
6.4,1.5,versicolor
5.0,0.3,setosa
6.5,2.0,virginica
5.9,1.3,versicolor
4.6,0.2,setosa
"""


def test_csv_multiclass_with_text_labels() -> None:
    d = load_csv(GOOD_CSV, seed=0)
    assert d.name == "csv" and d.task == "multiclass"
    assert d.class_names == ("setosa", "versicolor", "virginica")
    assert d.feature_names == ("sepal_length", "petal_width")
    assert (d.m_train, d.m_test) == (8, 2)
    assert d.X_train.shape == (2, 8) and d.Y_train.shape == (3, 8)
    assert np.allclose(d.X_train.mean(axis=1), 0.0) and np.allclose(d.X_train.std(axis=1), 1.0)
    assert d.input_range is not None and len(d.input_range) == 2
    # Every example keeps its own label: undo the standardization and look the row up.
    assert d.feature_mean is not None and d.feature_std is not None
    rows = {}
    for line in GOOD_CSV.strip().splitlines()[1:]:
        a, b, species = line.split(",")
        rows[(float(a), float(b))] = species
    X = _all_X(d) * d.feature_std + d.feature_mean
    for x, y in zip(X.T, _all_Y(d).T, strict=True):
        assert rows[(round(x[0], 9), round(x[1], 9))] == d.class_names[int(y.argmax())]


def test_csv_label_by_name_binary_integer_labels() -> None:
    text = "label,x1,x2\n" + "".join(f"{i % 2},{i},{i * i % 7}\n" for i in range(20))
    d = load_csv(text, label_column="label", train_fraction=0.5, seed=1)
    assert d.task == "binary" and d.class_names == ("0", "1")
    assert d.feature_names == ("x1", "x2") and d.Y_train.shape == (1, 10)
    assert d.feature_mean is not None and d.feature_std is not None
    x1 = np.round((_all_X(d) * d.feature_std + d.feature_mean)[0]).astype(int)
    assert np.array_equal(_all_Y(d)[0], (x1 % 2).astype(float))


def test_csv_regression_inferred_and_forced() -> None:
    text = "x,y\n" + "".join(f"{i},{i / 3:.4f}\n" for i in range(30))
    d = load_csv(text, seed=0)
    assert d.task == "regression" and d.class_names == () and d.n_outputs == 1
    assert np.allclose(np.sort(_all_Y(d)[0]), np.round(np.arange(30) / 3, 4))
    many = "x,y\n" + "".join(f"{i},{i}\n" for i in range(25))  # 25 integer values > 20
    assert load_csv(many).task == "regression"
    few = "x,y\n" + "".join(f"{i},{i % 3}\n" for i in range(12))
    assert load_csv(few).task == "multiclass"
    forced = load_csv(few, task="regression")
    assert forced.task == "regression"
    assert sorted(set(_all_Y(forced)[0])) == [0.0, 1.0, 2.0]
    assert load_csv(few, task="multiclass").n_outputs == 3


def test_csv_numeric_class_names_sort_by_value_and_blank_lines_are_skipped() -> None:
    text = "a,b\n\n1,10\n2,9\n3,10\n4,2\n\n5,9\n6,2\n7,10\n8,9\n9,2\n10,10\n\n"
    d = load_csv(text)
    assert d.class_names == ("2", "9", "10") and d.m_train + d.m_test == 10


def test_csv_binary_forced_needs_two_classes() -> None:
    with pytest.raises(EngineError, match='task "binary" needs exactly 2 classes') as info:
        load_csv(GOOD_CSV, task="binary")
    assert info.value.field == "dataset.csv"


def _rows(n: int, cols: int = 2) -> str:
    return "".join(",".join(str(i + c) for c in range(cols)) + f",{i % 2}\n" for i in range(n))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the CSV is empty"),
        ("\n  \n", "the CSV is empty"),
        (
            "1,2,3\n4,5,6\n",
            "line 1: the first line must be a header naming the columns, "
            'but it holds only numbers (e.g. "1")',
        ),
        ("a,b,y\n", "the CSV has a header but no data rows"),
        ("y\n1\n", "line 1: the header has 1 column; need at least one feature column"),
        ("a,,y\n" + _rows(10), "line 1, column 2: empty column name in the header"),
        ("a,b,a\n" + _rows(10), 'line 1, column 3: duplicate column name "a"'),
        ("a,b,y\n" + _rows(5) + "1,2\n" + _rows(5), "line 7 has 2 values, the header has 3"),
        (
            "a,b,y\n" + _rows(5) + "1,abc,0\n" + _rows(5),
            'line 7, column 2 ("b"): "abc" is not a number',
        ),
        ("a,b,y\n" + _rows(3) + "1, ,0\n" + _rows(5), 'line 5, column 2 ("b"): empty value'),
        (
            "a,b,y\n" + _rows(3) + "nan,1,0\n" + _rows(5),
            'line 5, column 1 ("a"): "nan" is not a finite number',
        ),
        (
            "a,b,y\n" + _rows(3) + "1,-inf,0\n" + _rows(5),
            'line 5, column 2 ("b"): "-inf" is not a finite number',
        ),
        (
            "a,b,y\n" + _rows(3) + "1,1_000,0\n" + _rows(5),
            'line 5, column 2 ("b"): "1_000" is not a number',
        ),
        ("a,b,y\n" + _rows(3) + "1,2,\n" + _rows(5), 'line 5, column 3 ("y"): empty label'),
        (
            "a,b,y\n" + _rows(3) + "1,2,inf\n" + _rows(5),
            'line 5, column 3 ("y"): "inf" is not a finite number',
        ),
        # the first problem wins: a bad value on line 3 before a ragged line 6
        ("a,b,y\n1,2,0\nx,2,0\n1,2,1\n1,2,0\n1,2\n", 'line 3, column 1 ("a"): "x" is not a number'),
        (
            "a,b,y\n" + _rows(4),
            "the CSV has 4 data rows; train_fraction 0.8 splits them into 3 training "
            "and 1 test rows, but each split needs at least 2",
        ),
        (
            "a,y\n" + "".join(f"{i},same\n" for i in range(10)),
            'label column "y" has only one value ("same")',
        ),
        (
            "a,y\n" + "".join(f"{i},c{i}\n" for i in range(21)),
            'label column "y" has 21 distinct values; classification supports at most 20',
        ),
        ('a,b,y\n1,"2\n', "malformed CSV"),
    ],
)
def test_csv_errors_name_line_and_column(text: str, message: str) -> None:
    with pytest.raises(EngineError) as info:
        load_csv(text)
    assert info.value.field == "dataset.csv"
    assert message in str(info.value)


def test_csv_forced_regression_rejects_text_labels_at_their_cell() -> None:
    with pytest.raises(EngineError) as info:
        load_csv(GOOD_CSV, task="regression")
    assert info.value.field == "dataset.csv"
    assert str(info.value) == 'line 2, column 3 ("species"): "setosa" is not a number'


def test_csv_limits() -> None:
    too_wide = ",".join(f"f{i}" for i in range(CSV_MAX_COLUMNS + 1)) + ",y\n"
    with pytest.raises(EngineError, match=f"{CSV_MAX_COLUMNS + 1} feature columns; at most 100"):
        load_csv(too_wide + ",".join(["1"] * (CSV_MAX_COLUMNS + 2)) + "\n")
    widest = ",".join(f"f{i}" for i in range(CSV_MAX_COLUMNS)) + ",y\n"
    widest += "".join(
        ",".join(str(i * j % 5) for j in range(CSV_MAX_COLUMNS)) + f",{i % 2}\n" for i in range(10)
    )
    assert load_csv(widest).n_features == CSV_MAX_COLUMNS
    rows = "a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(CSV_MAX_ROWS + 1))
    with pytest.raises(EngineError) as info:
        load_csv(rows)
    assert f"line {CSV_MAX_ROWS + 2}: the CSV has more than {CSV_MAX_ROWS} data rows" in str(
        info.value
    )
    assert (
        load_csv("a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(CSV_MAX_ROWS))).m_train == 8000
    )
    big = "a,y\n" + "1,0\n" * (CSV_MAX_BYTES // 4 + 1)
    with pytest.raises(EngineError, match=f"at most {CSV_MAX_BYTES} bytes") as info:
        load_csv(big)
    assert info.value.field == "dataset.csv"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"label_column": "colour"},
            "dataset.label_column",
            "label column 'colour' not found; the columns are: sepal_length, petal_width, species",
        ),
        (
            {"task": "clustering"},
            "dataset.task",
            "task must be one of classification, binary, multiclass, regression "
            "or None (infer), got 'clustering'",
        ),
        ({"train_fraction": 1.0}, "dataset.train_fraction", "between 0.1 and 0.9, got 1.0"),
        ({"seed": -3}, "seed", "got -3"),
    ],
)
def test_csv_argument_errors(kwargs: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(EngineError) as info:
        load_csv(GOOD_CSV, **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert message in str(info.value)


def test_csv_is_deterministic_and_handles_bom_quotes_and_spaces() -> None:
    text = '\ufeff"x one", x2 ,y\n' + "".join(
        f' {i} ,"{i % 4}", {"ab"[i % 2]} \n' for i in range(12)
    )
    a, b = load_csv(text, seed=9), load_csv(text, seed=9)
    assert a.feature_names == ("x one", "x2") and a.class_names == ("a", "b")
    for x, y in zip(_arrays(a), _arrays(b), strict=True):
        assert x.tobytes() == y.tobytes()
    assert not np.array_equal(a.Y_train, load_csv(text, seed=10).Y_train)
