"""Small datasets generated with NumPy for the algorithm tests (no dependency
on the datasets package), and a central finite-difference gradient."""

from __future__ import annotations

import numpy as np


def two_moons(n: int, noise: float, rng: np.random.Generator):
    """Two interleaving half circles; labels 0/1 alternate so classes are balanced."""
    label = np.arange(n) % 2
    t = rng.uniform(0.0, np.pi, n)
    x = np.where(label == 0, np.cos(t), 1.0 - np.cos(t))
    y = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
    return np.column_stack([x, y]) + noise * rng.normal(size=(n, 2)), label


def spiral(n: int, n_classes: int, noise: float, rng: np.random.Generator):
    """``n_classes`` interleaved spiral arms, one and a bit turns each."""
    label = np.arange(n) % n_classes
    radius = rng.uniform(0.1, 1.0, n)
    angle = 3.0 * radius + 2.0 * np.pi * label / n_classes + noise * rng.normal(size=n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), label


def sine(n: int, noise: float, rng: np.random.Generator):
    """``y = sin(x) + noise`` on ``x`` in [-3, 3], X of shape (n, 1)."""
    x = rng.uniform(-3.0, 3.0, n)
    return x[:, None], np.sin(x) + noise * rng.normal(size=n)


def numerical_gradient(f, theta: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences ``(f(theta + eps e_i) - f(theta - eps e_i)) / (2 eps)``;
    ``theta`` is modified in place and restored."""
    grad = np.empty_like(theta)
    for i in range(theta.size):
        saved = theta.flat[i]
        theta.flat[i] = saved + eps
        up = f()
        theta.flat[i] = saved - eps
        down = f()
        theta.flat[i] = saved
        grad.flat[i] = (up - down) / (2.0 * eps)
    return grad
