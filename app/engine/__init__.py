"""The NumPy backprop engine."""
