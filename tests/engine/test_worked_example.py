"""Matt Mazur's "A Step by Step Backpropagation Example": a 2-2-2 sigmoid network, squared error.

The expected numbers are derived here by hand with scalar `math` (no NumPy, no engine), and
also compared with the values the article publishes.
"""

import math

import numpy as np
import pytest

from app.engine import Network

W1 = [[0.15, 0.20], [0.25, 0.30]]
b1 = [[0.35], [0.35]]
W2 = [[0.40, 0.45], [0.50, 0.55]]
b2 = [[0.60], [0.60]]
X = [[0.05], [0.10]]
Y = [[0.01], [0.99]]
LR = 0.5


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def by_hand() -> dict[str, float]:
    """The article's computation, one scalar at a time."""
    i1, i2 = X[0][0], X[1][0]
    h = [sig(W1[j][0] * i1 + W1[j][1] * i2 + b1[j][0]) for j in range(2)]
    o = [sig(W2[k][0] * h[0] + W2[k][1] * h[1] + b2[k][0]) for k in range(2)]
    E = sum(0.5 * (Y[k][0] - o[k]) ** 2 for k in range(2))
    # delta_o = dE/dout * dout/dnet = (o - y) * o (1 - o)
    delta_o = [(o[k] - Y[k][0]) * o[k] * (1 - o[k]) for k in range(2)]
    dW2 = [[delta_o[k] * h[j] for j in range(2)] for k in range(2)]
    dh = [sum(delta_o[k] * W2[k][j] for k in range(2)) for j in range(2)]  # dE/dout_h
    delta_h = [dh[j] * h[j] * (1 - h[j]) for j in range(2)]
    dW1 = [[delta_h[j] * x for x in (i1, i2)] for j in range(2)]
    out = {"h1": h[0], "h2": h[1], "o1": o[0], "o2": o[1], "E": E}
    for k in range(2):
        for j in range(2):
            out[f"W2_{k}{j}"] = W2[k][j] - LR * dW2[k][j]
            out[f"W1_{k}{j}"] = W1[k][j] - LR * dW1[k][j]
            out[f"dW2_{k}{j}"] = dW2[k][j]
            out[f"dW1_{k}{j}"] = dW1[k][j]
        out[f"delta_o{k}"] = delta_o[k]
        out[f"dh{k}"] = dh[k]
    return out


def network() -> Network:
    params = {k: np.array(v) for k, v in {"W1": W1, "b1": b1, "W2": W2, "b2": b2}.items()}
    return Network([2, 2, 2], ["sigmoid", "sigmoid"], "mean_squared_error", params=params)


def test_forward_backward_and_update_match_the_hand_derivation():
    hand = by_hand()
    net = network()
    step = net.train_step(np.array(X), np.array(Y), learning_rate=LR)
    l1, l2 = step.layers
    assert step.cost == pytest.approx(hand["E"], abs=1e-9)
    assert l1.A[:, 0] == pytest.approx([hand["h1"], hand["h2"]], abs=1e-9)
    assert l2.A[:, 0] == pytest.approx([hand["o1"], hand["o2"]], abs=1e-9)
    # dA[2] = A[2] - Y for the 1/2 squared error; dZ[2] is Mazur's delta_o.
    assert l2.dA[:, 0] == pytest.approx([hand["o1"] - 0.01, hand["o2"] - 0.99], abs=1e-9)
    assert l2.dZ[:, 0] == pytest.approx([hand["delta_o0"], hand["delta_o1"]], abs=1e-9)
    # dA[1] handed down to layer 1 is W[2]^T dZ[2]: Mazur's dE_total/dout_h.
    assert l2.dA_prev[:, 0] == pytest.approx([hand["dh0"], hand["dh1"]], abs=1e-9)
    assert l1.dA[:, 0] == pytest.approx([hand["dh0"], hand["dh1"]], abs=1e-9)
    for k in range(2):
        for j in range(2):
            assert l2.dW[k, j] == pytest.approx(hand[f"dW2_{k}{j}"], abs=1e-9)
            assert l1.dW[k, j] == pytest.approx(hand[f"dW1_{k}{j}"], abs=1e-9)
            assert net.params["W2"][k, j] == pytest.approx(hand[f"W2_{k}{j}"], abs=1e-9)
            assert net.params["W1"][k, j] == pytest.approx(hand[f"W1_{k}{j}"], abs=1e-9)
    # The step keeps the parameters its forward pass used.
    assert l2.W.tolist() == W2


def test_published_numbers():
    net = network()
    step = net.train_step(np.array(X), np.array(Y), learning_rate=LR)
    assert step.cost == pytest.approx(0.298371109, abs=1e-9)
    assert step.layers[1].A[:, 0] == pytest.approx([0.75136507, 0.772928465], abs=1e-8)
    # w5..w8 and w1..w4 after one update, as printed in the article.
    assert net.params["W2"].ravel() == pytest.approx(
        [0.35891648, 0.408666186, 0.511301270, 0.561370121], abs=1e-8
    )
    assert net.params["W1"].ravel() == pytest.approx(
        [0.149780716, 0.19956143, 0.24975114, 0.29950229], abs=1e-8
    )


def test_unmatched_pair_has_no_shortcut():
    step = network().train_step(np.array(X), np.array(Y), learning_rate=LR)
    assert step.dZ_shortcut is None and step.shortcut_max_abs_diff is None
