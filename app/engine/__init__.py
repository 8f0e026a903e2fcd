"""The NumPy backprop engine, in the deeplearning.ai course's notation.

Pure NumPy and the standard library, usable from a notebook:

    from app.engine import Network
    net = Network([2, 16, 16, 1], ["relu", "relu", "sigmoid"], "binary_cross_entropy", seed=0)
    step = net.train_step(X, Y, learning_rate=0.1)   # X (2, m), Y (1, m)
"""

from app.engine._malloc import tune_malloc
from app.engine.activations import ACTIVATIONS, Activation
from app.engine.datasets import DATASETS, Dataset, DatasetSpec, load_csv, load_dataset
from app.engine.errors import EngineError
from app.engine.gradcheck import GradCheck, gradient_check
from app.engine.initializers import INITIALIZERS, init_params
from app.engine.losses import COMPATIBLE_LOSSES, LOSSES, MATCHED_PAIRS, Loss, is_matched
from app.engine.network import (
    ForwardTrace,
    Gradients,
    LayerCache,
    LayerGrads,
    LayerStep,
    Network,
    Step,
)
from app.engine.optimizers import OPTIMIZERS, Optimizer, make_optimizer
from app.engine.training import Metrics, Trainer

tune_malloc()

__all__ = [
    "ACTIVATIONS",
    "COMPATIBLE_LOSSES",
    "DATASETS",
    "INITIALIZERS",
    "LOSSES",
    "MATCHED_PAIRS",
    "OPTIMIZERS",
    "Activation",
    "Dataset",
    "DatasetSpec",
    "EngineError",
    "ForwardTrace",
    "GradCheck",
    "Gradients",
    "LayerCache",
    "LayerGrads",
    "LayerStep",
    "Loss",
    "Metrics",
    "Network",
    "Optimizer",
    "Step",
    "Trainer",
    "gradient_check",
    "init_params",
    "is_matched",
    "load_csv",
    "load_dataset",
    "make_optimizer",
    "tune_malloc",
]
