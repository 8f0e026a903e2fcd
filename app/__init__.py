"""backprop-viz: see backpropagation happen, in the deeplearning.ai course's notation."""

__version__ = "0.1.0"
