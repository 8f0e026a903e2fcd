"""Request and response bodies. Inputs are strict (no "1" for 1, no extra keys, finite numbers);
limits come from the settings read at start-up, so the OpenAPI schema states them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from app.engine import ACTIVATIONS, INITIALIZERS, LOSSES, OPTIMIZERS
from app.engine.datasets import DATASETS, MAX_NOISE, MIN_N_SAMPLES
from app.settings import get_settings

_S = get_settings()
MAX_DIM = max(_S.max_units, _S.max_examples)
SEED_MAX = 2**32 - 1

if TYPE_CHECKING:  # the names come from the engine's registries at run time
    ActivationName: TypeAlias = str
    LossName: TypeAlias = str
    InitName: TypeAlias = str
    OptimizerName: TypeAlias = str
    DatasetName: TypeAlias = str
else:
    ActivationName = Literal[tuple(ACTIVATIONS)]
    LossName = Literal[tuple(LOSSES)]
    InitName = Literal[tuple(INITIALIZERS)]
    OptimizerName = Literal[tuple(OPTIMIZERS)]
    DatasetName = Literal[(*DATASETS, "csv")]

Row = Annotated[list[float], Field(min_length=1, max_length=MAX_DIM)]


def _equal_rows(rows: list[list[float]]) -> list[list[float]]:
    """Ragged rows: say which row and the length expected (row 0's)."""
    expected = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != expected:
            raise PydanticCustomError(
                "ragged_rows",
                "row {row} has {got} numbers; expected {expected} like row 0 "
                "(a matrix needs equal-length rows)",
                {"row": i, "got": len(row), "expected": expected},
            )
    return rows


Matrix = Annotated[
    list[Row],
    Field(min_length=1, max_length=MAX_DIM, description="rows of numbers, row-major"),
    AfterValidator(_equal_rows),
]
Units = Annotated[int, Field(ge=1, le=_S.max_units)]
OutMatrix = list[list[float]]
# Sessions may diverge: their numbers can be NaN or infinite, which JSON writes as null.
MaybeMatrix = list[list[float | None]]


class In(BaseModel):
    """Base of every request body."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


# -- networks and traces ---------------------------------------------------------------------


class NetworkIn(In):
    layers: list[Units] = Field(
        min_length=2, max_length=_S.max_layers, description="n[0..L], the input layer first"
    )
    activations: list[ActivationName] = Field(
        min_length=1, max_length=_S.max_layers - 1, description="g[1..L], one per layer 1..L"
    )
    loss: LossName
    init: InitName = "he"
    seed: int = Field(0, ge=0, le=SEED_MAX)


MAZUR: dict[str, Any] = {
    "layers": [2, 2, 2],
    "activations": ["sigmoid", "sigmoid"],
    "loss": "mean_squared_error",
    "params": {
        "W1": [[0.15, 0.2], [0.25, 0.3]],
        "b1": [[0.35], [0.35]],
        "W2": [[0.4, 0.45], [0.5, 0.55]],
        "b2": [[0.6], [0.6]],
    },
    "X": [[0.05], [0.1]],
    "Y": [[0.01], [0.99]],
    "learning_rate": 0.5,
}


class TraceIn(NetworkIn):
    """A network, its parameters (or init and seed) and a batch X, Y."""

    model_config = ConfigDict(json_schema_extra={"examples": [MAZUR]})

    params: dict[str, Matrix] | None = Field(
        None, max_length=2 * (_S.max_layers - 1), description="W1, b1, ..., WL, bL"
    )
    X: Matrix = Field(description="(n[0], m): examples are columns")
    Y: Matrix = Field(description="(n[L], m)")
    learning_rate: float | None = Field(None, ge=0, le=100)
    l2: float = Field(0.0, ge=0, le=100)


class GradcheckIn(NetworkIn):
    """The body of /api/trace plus epsilon and threshold (its learning_rate is ignored)."""

    model_config = ConfigDict(json_schema_extra={"examples": [MAZUR | {"epsilon": 1e-6}]})

    params: dict[str, Matrix] | None = Field(None, max_length=2 * (_S.max_layers - 1))
    X: Matrix
    Y: Matrix
    learning_rate: float | None = Field(
        None,
        ge=0,
        le=100,
        description="accepted so that a /api/trace body can be sent as it is, and ignored: "
        "a gradient check makes no update",
    )
    l2: float = Field(0.0, ge=0, le=100)
    epsilon: float = Field(1e-7, ge=1e-12, le=1e-2)
    threshold: float = Field(2e-7, gt=0, le=1, description="the course's 2e-7")


class TraceLayerOut(BaseModel):
    layer: int
    activation: str
    A_prev: OutMatrix
    W: OutMatrix
    b: OutMatrix
    Z: OutMatrix
    A: OutMatrix
    dA: OutMatrix
    dZ: OutMatrix
    dW: OutMatrix
    db: OutMatrix
    dA_prev: OutMatrix | None


class ShortcutOut(BaseModel):
    """For a matched output/loss pair, dZ[L] = A[L] - Y agrees with dA[L] * g'(Z[L])."""

    matched: bool
    formula: str
    dZ: OutMatrix | None
    max_abs_diff: float | None


class TraceOut(BaseModel):
    cost: float
    layers: list[TraceLayerOut]
    shortcut: ShortcutOut
    updated_params: dict[str, OutMatrix] | None


class GradcheckOut(BaseModel):
    difference: float = Field(
        description="||g - g_num|| / (||g|| + ||g_num||) over all parameters as one vector "
        "(the course's gradient_check_n); `passed` compares it with `threshold`"
    )
    per_param: dict[str, float] = Field(
        description="the same per parameter tensor (a tensor with tiny gradients can show "
        "rounding near 1e-7 without a bug)"
    )
    per_param_passed: dict[str, bool] = Field(
        description="per parameter tensor: is its own difference below `threshold`? (a "
        "faulty small tensor, e.g. db, barely moves the verdict over all parameters)"
    )
    max_difference: float = Field(description="the largest per_param value")
    threshold: float
    epsilon: float
    passed: bool
    verdict: str


# -- building blocks -------------------------------------------------------------------------

_A = [[1.0, 2.0], [3.0, 4.0]]
_W = [[0.5, -0.5]]
_B = [[0.1]]


def _example(**body: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [body]})


class LinearForwardIn(In):
    model_config = _example(A_prev=_A, W=_W, b=_B)
    A_prev: Matrix
    W: Matrix
    b: Matrix


class LinearActivationForwardIn(LinearForwardIn):
    model_config = _example(A_prev=_A, W=_W, b=_B, activation="relu")
    activation: ActivationName


class ComputeCostIn(In):
    model_config = _example(AL=[[0.8, 0.3]], Y=[[1.0, 0.0]], loss="binary_cross_entropy")
    AL: Matrix
    Y: Matrix
    loss: LossName


class LinearBackwardIn(LinearForwardIn):
    model_config = _example(dZ=[[0.2, -0.4]], A_prev=_A, W=_W, b=_B)
    dZ: Matrix


class LinearActivationBackwardIn(LinearForwardIn):
    model_config = _example(
        dA=[[0.2, -0.4]], A_prev=_A, W=_W, b=_B, Z=[[-0.9, -0.9]], activation="sigmoid"
    )
    dA: Matrix
    Z: Matrix
    activation: ActivationName


class CacheIn(In):
    A_prev: Matrix
    W: Matrix
    b: Matrix
    Z: Matrix


class ModelBackwardIn(In):
    model_config = _example(
        AL=[[0.6, 0.3]],
        Y=[[1.0, 0.0]],
        loss="binary_cross_entropy",
        activations=["relu", "sigmoid"],
        caches=[
            {
                "A_prev": _A,
                "W": [[0.5, -0.5], [0.3, 0.2]],
                "b": [[0.1], [0.0]],
                "Z": [[-0.9, -0.9], [0.9, 1.4]],
            },
            {
                "A_prev": [[0.0, 0.0], [0.9, 1.4]],
                "W": [[0.4, 0.3]],
                "b": [[0.1]],
                "Z": [[0.37, 0.52]],
            },
        ],
    )
    AL: Matrix
    Y: Matrix
    loss: LossName
    activations: list[ActivationName] = Field(min_length=1, max_length=_S.max_layers - 1)
    caches: list[CacheIn] = Field(min_length=1, max_length=_S.max_layers - 1)


class UpdateParametersIn(In):
    model_config = _example(
        params={"W1": _W, "b1": _B},
        grads={"dW1": [[0.1, 0.2]], "db1": [[0.05]]},
        learning_rate=0.1,
    )
    params: dict[str, Matrix] = Field(min_length=1, max_length=2 * (_S.max_layers - 1))
    grads: dict[str, Matrix] = Field(min_length=1, max_length=2 * (_S.max_layers - 1))
    learning_rate: float = Field(ge=0, le=100)


class ZOut(BaseModel):
    Z: OutMatrix


class ZAOut(BaseModel):
    Z: OutMatrix
    A: OutMatrix


class CostOut(BaseModel):
    cost: float


class LinearBackwardOut(BaseModel):
    dA_prev: OutMatrix
    dW: OutMatrix
    db: OutMatrix


class LinearActivationBackwardOut(LinearBackwardOut):
    dZ: OutMatrix


class BlockLayerOut(BaseModel):
    layer: int
    dA: OutMatrix
    dZ: OutMatrix
    dW: OutMatrix
    db: OutMatrix
    dA_prev: OutMatrix | None


class ModelBackwardOut(BaseModel):
    layers: list[BlockLayerOut]


class ParamsOut(BaseModel):
    params: dict[str, OutMatrix]


# -- sessions --------------------------------------------------------------------------------


class DatasetIn(In):
    name: DatasetName = "circle"
    n_samples: int = Field(400, ge=MIN_N_SAMPLES, le=_S.max_examples)
    noise: float = Field(0.1, ge=0, le=MAX_NOISE)
    train_fraction: float = Field(0.8, ge=0.1, le=0.9)
    csv: str | None = Field(None, max_length=_S.max_body_bytes, description="for name 'csv'")
    label_column: str | None = Field(None, max_length=200, description="default: last column")
    task: Literal["classification", "binary", "multiclass", "regression"] | None = None


class OptimizerIn(In):
    name: OptimizerName = "gd"
    learning_rate: float | None = Field(None, ge=0, le=100)
    beta: float | None = Field(None, ge=0, le=0.9999)
    beta1: float | None = Field(None, ge=0, le=0.9999)
    beta2: float | None = Field(None, ge=0, le=0.999999)
    epsilon: float | None = Field(None, ge=1e-12, le=1)


SESSION_EXAMPLE: dict[str, Any] = {
    "layers": [2, 16, 16, 1],
    "activations": ["relu", "relu", "sigmoid"],
    "loss": "binary_cross_entropy",
    "init": "he",
    "seed": 0,
    "dataset": {"name": "circle", "n_samples": 400, "noise": 0.1, "train_fraction": 0.8},
    "optimizer": {"name": "gd", "learning_rate": 0.1},
    "batch_size": None,
    "l2": 0.0,
}


class SessionIn(NetworkIn):
    """A network, a dataset, an optimizer; `layers` must fit the dataset's features/outputs."""

    model_config = ConfigDict(json_schema_extra={"examples": [SESSION_EXAMPLE]})

    dataset: DatasetIn = Field(default_factory=DatasetIn)
    optimizer: OptimizerIn = Field(default_factory=OptimizerIn)
    batch_size: int | None = Field(None, ge=1, le=_S.max_examples)
    l2: float = Field(0.0, ge=0, le=100)


class StepIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"steps": 10}]})
    steps: int = Field(1, ge=1, le=_S.max_steps_per_request)


class DatasetSummary(BaseModel):
    name: str
    task: str
    n_features: int
    n_outputs: int
    m_train: int
    m_test: int
    feature_names: list[str]
    class_names: list[str]
    input_range: list[list[float]] | None


class MetricsOut(BaseModel):
    train_cost: float | None
    test_cost: float | None
    train_accuracy: float | None
    test_accuracy: float | None


class HistoryOut(BaseModel):
    iteration: int
    cost: float | None
    train_cost: float | None
    test_cost: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    dW_norms: list[float | None]
    dA_norms: list[float | None]


class SessionOut(BaseModel):
    id: str
    config: dict[str, Any]
    dataset: DatasetSummary
    iteration: int
    diverged: bool
    learning_rate: float
    metrics: MetricsOut
    history: list[HistoryOut]


class SessionCreated(BaseModel):
    id: str
    config: dict[str, Any]
    dataset: DatasetSummary
    iteration: int


class StepLayerOut(BaseModel):
    layer: int
    activation: str
    A_prev: MaybeMatrix
    W: MaybeMatrix
    b: MaybeMatrix
    Z: MaybeMatrix
    A: MaybeMatrix
    dA: MaybeMatrix
    dZ: MaybeMatrix
    dW: MaybeMatrix
    db: MaybeMatrix
    dA_prev: MaybeMatrix | None


class StepTraceOut(BaseModel):
    cost: float | None
    layers: list[StepLayerOut]
    shortcut_max_abs_diff: float | None


class StepOut(BaseModel):
    iteration: int
    cost: float | None
    diverged: bool
    metrics: MetricsOut
    trace: StepTraceOut


class ExportOut(BaseModel):
    config: dict[str, Any]
    iteration: int
    params: dict[str, MaybeMatrix]
    trace: StepTraceOut | None


class CatalogOut(BaseModel):
    activations: list[str]
    hidden_activations: list[str]
    output_activations: list[str]
    losses: list[str]
    matched_pairs: dict[str, str]
    compatible_losses: dict[str, list[str]]
    initializers: list[str]
    optimizers: dict[str, dict[str, float]]
    datasets: dict[str, dict[str, Any]]
    blocks: list[str]
    limits: dict[str, float]
    protocol: int
    encodings: list[str]
