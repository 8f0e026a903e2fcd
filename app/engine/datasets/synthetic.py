"""Seeded generators for the synthetic sets: (n, noise, rng) -> X (n_features, n), y (n,).

circle, xor, gauss and spiral follow TensorFlow Playground's `src/dataset.ts`
(Apache-2.0, Google 2016): same coordinates (the plane [-6, 6]^2), same noise semantics
(`noise` is Playground's slider value / 100, so 0..0.5), labels +1/-1 mapped to 1/0.
moons follows scikit-learn's make_moons, flower the course's load_planar_dataset.
Examples come out grouped by class; the caller shuffles them with the same rng.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from app.engine.datasets._base import Array

Labels = NDArray[np.float64]
Generator = Callable[[int, float, np.random.Generator], tuple[Array, Labels]]


def _halves(n: int) -> tuple[int, int]:
    """Class sizes for n examples: the first class gets the odd one out."""
    return n - n // 2, n // 2


def circle(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Labels]:
    """Disc of radius 2.5 (label 1) in a ring 3.5..5 (label 0); labels from the noisy position."""
    radius = 5.0
    parts = []
    for count, r_lo, r_hi in (
        (_halves(n)[0], 0.0, radius * 0.5),
        (_halves(n)[1], radius * 0.7, radius),
    ):
        r = rng.uniform(r_lo, r_hi, count)
        angle = rng.uniform(0.0, 2 * math.pi, count)
        x, y = r * np.sin(angle), r * np.cos(angle)
        noise_x = rng.uniform(-radius, radius, count) * noise
        noise_y = rng.uniform(-radius, radius, count) * noise
        label = np.hypot(x + noise_x, y + noise_y) < radius * 0.5
        parts.append((np.stack([x, y]), label.astype(np.float64)))
    return np.hstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Labels]:
    """Uniform in [-5, 5]^2 pushed 0.3 off the axes; label 1 where x*y >= 0 (noisy position)."""
    padding = 0.3
    x = rng.uniform(-5.0, 5.0, n)
    x += np.where(x > 0, padding, -padding)
    y = rng.uniform(-5.0, 5.0, n)
    y += np.where(y > 0, padding, -padding)
    noise_x = rng.uniform(-5.0, 5.0, n) * noise
    noise_y = rng.uniform(-5.0, 5.0, n) * noise
    label = (x + noise_x) * (y + noise_y) >= 0
    return np.stack([x, y]), label.astype(np.float64)


def gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Labels]:
    """Two Gaussians at (2, 2) (label 1) and (-2, -2) (label 0); variance 0.5 + 7 * noise."""
    variance = 0.5 + noise * (4.0 - 0.5) / 0.5  # Playground: linear map [0, .5] -> [0.5, 4]
    std = math.sqrt(variance)
    parts = []
    for count, centre, label in ((_halves(n)[0], 2.0, 1.0), (_halves(n)[1], -2.0, 0.0)):
        points = rng.normal(centre, std, (2, count))
        parts.append((points, np.full(count, label)))
    return np.hstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Labels]:
    """Two interleaved spirals (radius 0..5, 1.75 turns); coordinates jittered by U(-1,1)*noise."""
    parts = []
    for count, delta_t, label in ((_halves(n)[0], 0.0, 1.0), (_halves(n)[1], math.pi, 0.0)):
        i = np.arange(count, dtype=np.float64)
        r = i / count * 5
        t = 1.75 * i / count * 2 * math.pi + delta_t
        x = r * np.sin(t) + rng.uniform(-1.0, 1.0, count) * noise
        y = r * np.cos(t) + rng.uniform(-1.0, 1.0, count) * noise
        parts.append((np.stack([x, y]), np.full(count, label)))
    return np.hstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Labels]:
    """sklearn's make_moons: upper half circle (label 0), lower one (label 1), + N(0, noise^2)."""
    n_out, n_in = n // 2, n - n // 2
    outer = np.linspace(0.0, math.pi, n_out)
    inner = np.linspace(0.0, math.pi, n_in)
    X = np.vstack(
        [
            np.concatenate([np.cos(outer), 1 - np.cos(inner)]),
            np.concatenate([np.sin(outer), 1 - np.sin(inner) - 0.5]),
        ]
    )
    X += rng.normal(0.0, 1.0, X.shape) * noise
    return X, np.concatenate([np.zeros(n_out), np.ones(n_in)])


def flower(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Labels]:
    """The course's planar flower, r = 4 sin(4t); `noise` = std of its randn terms (course: 0.2)."""
    a = 4.0
    parts = []
    for j, count in enumerate(_halves(n)):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, count) + rng.standard_normal(count) * noise
        r = a * np.sin(4 * t) + rng.standard_normal(count) * noise
        parts.append((np.stack([r * np.sin(t), r * np.cos(t)]), np.full(count, float(j))))
    return np.hstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def sine(n: int, noise: float, rng: np.random.Generator) -> tuple[Array, Labels]:
    """1-D regression: x ~ U(-pi, pi), y = sin(x) + noise * randn."""
    x = rng.uniform(-math.pi, math.pi, n)
    y = np.sin(x) + noise * rng.standard_normal(n)
    return x[np.newaxis, :], y


GENERATORS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "moons": moons,
    "flower": flower,
    "sine": sine,
}
