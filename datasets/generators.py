"""Synthetic dataset generators and their registry.

Each generator draws ``n_samples`` rows from a known shape plus Gaussian noise
and returns a :class:`~datasets.dataset.Dataset`. ``GENERATORS`` maps a name to
a :class:`GeneratorSpec` (label, task, options with ranges and defaults) so the
GUI can list the generators and build their controls without knowing them;
``make(name, ...)`` validates everything and calls one.

Conventions shared by every generator:

- ``random_state`` (None, an int >= 0 or a ``numpy.random.Generator``) seeds a
  private ``np.random.default_rng``; the global NumPy state is never touched.
- The clean data is drawn first and the noise last, and nothing is drawn when
  ``noise == 0``: the same seed with another noise level gives the same
  underlying points, so a noise slider only moves points off their shape.
- Classification: ``noise`` is the standard deviation of Gaussian jitter added
  to each input coordinate; classes are balanced (class of row ``i`` is
  ``i mod k``, counts differ by at most one); class names are
  ``"class 0", "class 1", ...``.
- Regression: ``noise`` is the standard deviation of Gaussian noise added to
  the target (time_series: to the observed signal, so windows and targets are
  both noisy).
- Inputs lie in a fixed, documented range (before noise) so views can frame
  the data: roughly ``[-1.5, 1.5]`` on every axis; each generator's docstring
  gives its exact range.
- Everything is vectorised: a million samples take well under a second.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from datasets.dataset import MAX_CLASSES, Dataset, default_class_names

#: Largest ``n_samples`` a generator accepts (2 features x 10 million rows = 160 MB).
MAX_N_SAMPLES = 10_000_000


@dataclass(frozen=True)
class Option:
    """A generator option beyond ``n_samples`` / ``noise`` / ``random_state``.

    ``kind`` is ``int`` or ``float``; ``low``/``high`` are inclusive bounds
    (``None`` = unbounded). The GUI builds a spin box from it.
    """

    name: str
    kind: type
    default: object
    label: str
    help: str
    low: float | None = None
    high: float | None = None

    def validate(self, value, generator: str):
        """``value`` converted to ``kind``, or ValueError naming the option and the value."""
        where = f"option {self.name}={value!r} of generator {generator!r}"
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{where}: must be {'an integer' if self.kind is int else 'a number'}")
        if self.kind is int:
            if not isinstance(value, numbers.Integral):
                raise ValueError(f"{where}: must be an integer")
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(f"{where}: must be finite")
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ValueError(f"{where}: must be within [{self.low}, {self.high}]")
        return value


@dataclass(frozen=True)
class GeneratorSpec:
    """Everything the GUI needs to offer one generator.

    ``function(n_samples=None, noise=None, random_state=None, **options)``
    returns a ``Dataset``; ``None`` means the default. ``n_features`` is the
    number of input columns with default options (time_series: its default
    window). ``max_noise`` is the largest noise ``make`` accepts.
    """

    name: str
    label: str
    task: str
    n_features: int
    function: Callable[..., Dataset]
    options: tuple[Option, ...]
    default_n_samples: int
    default_noise: float
    max_noise: float

    def option(self, name: str) -> Option:
        """The option called ``name`` (ValueError if there is none)."""
        for option in self.options:
            if option.name == name:
                return option
        names = ", ".join(option.name for option in self.options) or "none"
        raise ValueError(f"generator {self.name!r} has no option {name!r} (its options: {names})")


#: name -> GeneratorSpec, in the order the GUI lists them.
GENERATORS: dict[str, GeneratorSpec] = {}


def make(name: str, n_samples=None, noise=None, random_state=None, **options) -> Dataset:
    """Generate the dataset ``name`` (a key of ``GENERATORS``).

    ``n_samples`` (1..10,000,000), ``noise`` (0..spec.max_noise) and each
    option default to the spec's defaults when ``None``. Raises ValueError
    naming the bad name, parameter or option and its value.
    """
    if name not in GENERATORS:
        raise ValueError(f"unknown generator name={name!r}; choose one of: {', '.join(GENERATORS)}")
    return GENERATORS[name].function(n_samples=n_samples, noise=noise, random_state=random_state, **options)


def _rng(random_state) -> np.random.Generator:
    """A private generator from ``random_state`` (None, int >= 0, Generator, SeedSequence)."""
    if isinstance(random_state, bool):
        raise ValueError(f"random_state must be None, an integer >= 0 or a numpy Generator, got {random_state!r}")
    try:
        return np.random.default_rng(random_state)
    except (TypeError, ValueError):
        raise ValueError(
            f"random_state must be None, an integer >= 0 or a numpy Generator, got {random_state!r}"
        ) from None


def _register(name, label, task, n_features, default_n_samples, default_noise, max_noise, options=()):
    """Decorator: wrap a core generator with validation and add it to ``GENERATORS``.

    The core is called as ``core(n_samples, noise, rng, **options)`` with
    validated values and returns ``(X, y)`` or a ``Dataset``.
    """

    def decorate(core):
        def generate(n_samples=None, noise=None, random_state=None, **given):
            spec = GENERATORS[name]
            if n_samples is None:
                n_samples = spec.default_n_samples
            if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
                raise ValueError(f"n_samples must be an integer, got {n_samples!r}")
            if not 1 <= n_samples <= MAX_N_SAMPLES:
                raise ValueError(f"n_samples must be within [1, {MAX_N_SAMPLES}], got {n_samples!r}")
            if noise is None:
                noise = spec.default_noise
            if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not math.isfinite(noise):
                raise ValueError(f"noise must be a finite number, got {noise!r}")
            if not 0.0 <= noise <= spec.max_noise:
                raise ValueError(f"noise must be within [0, {spec.max_noise}] for generator {name!r}, got {noise!r}")
            values = {}
            for key, value in given.items():
                option = spec.option(key)
                values[key] = option.default if value is None else option.validate(value, name)
            for option in spec.options:
                values.setdefault(option.name, option.default)
            result = core(int(n_samples), float(noise), _rng(random_state), **values)
            if isinstance(result, Dataset):
                return result
            X, y = result
            if task == "classification":
                n_classes = values.get("n_classes", 2)
                return Dataset(X, y, task, ("x1", "x2"), default_class_names(n_classes), name)
            feature_names = ("x",) if X.shape[1] == 1 else tuple(f"x{j + 1}" for j in range(X.shape[1]))
            return Dataset(X, y, task, feature_names, (), name)

        generate.__name__ = generate.__qualname__ = core.__name__
        generate.__doc__ = core.__doc__
        GENERATORS[name] = GeneratorSpec(
            name, label, task, n_features, generate, tuple(options), default_n_samples, default_noise, max_noise
        )
        return generate

    return decorate


def _balanced_codes(n_samples: int, n_classes: int) -> np.ndarray:
    """Class codes ``i mod k`` for rows ``i = 0..n-1``: (n,) int64, counts differ by at most one."""
    return np.arange(n_samples, dtype=np.int64) % n_classes


def _jitter(X: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """``X + N(0, noise^2)`` per coordinate; draws nothing when ``noise == 0``."""
    if noise > 0:
        X += rng.normal(0.0, noise, size=X.shape)
    return X


def _target_noise(y: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    if noise > 0:
        y += rng.normal(0.0, noise, size=y.shape)
    return y


# --------------------------------------------------------------- classification


@_register("moons", "Two moons", "classification", 2, 200, 0.1, 0.5)
def moons(n_samples, noise, rng):
    """Two interleaving half circles.

    With ``t ~ U(0, pi)``: class 0 is ``(cos t - 0.5, sin t - 0.25)``, class 1
    is its point reflection through the origin ``(0.5 - cos t, 0.25 - sin t)``.
    Range before noise: ``x1 in [-1.5, 1.5]``, ``x2 in [-0.75, 0.75]``.
    """
    codes = _balanced_codes(n_samples, 2)
    t = rng.uniform(0.0, np.pi, n_samples)
    X = np.column_stack([np.cos(t) - 0.5, np.sin(t) - 0.25])  # (n, 2), class 0 shape
    X[codes == 1] *= -1.0
    return _jitter(X, noise, rng), codes


@_register(
    "circles",
    "Circles",
    "classification",
    2,
    200,
    0.1,
    0.5,
    options=(Option("factor", float, 0.5, "Inner radius", "Radius of the inner circle relative to the outer one.", 0.1, 0.9),),
)
def circles(n_samples, noise, rng, factor):
    """A circle inside another: class 0 on the unit circle, class 1 on radius ``factor``.

    ``x = r (cos a, sin a)`` with ``a ~ U(0, 2 pi)`` and ``r = 1`` or ``factor``.
    Range before noise: the unit disc, ``[-1, 1]`` on both axes.
    """
    codes = _balanced_codes(n_samples, 2)
    angle = rng.uniform(0.0, 2.0 * np.pi, n_samples)
    radius = np.where(codes == 0, 1.0, factor)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])  # (n, 2)
    return _jitter(X, noise, rng), codes


@_register("xor", "XOR", "classification", 2, 200, 0.05, 0.5)
def xor(n_samples, noise, rng):
    """Exclusive or of the signs: class 1 where ``x1 * x2 < 0`` (quadrants II and IV).

    ``x`` is uniform on ``[-1, 1]^2`` given its class: magnitudes ``U(0, 1)``,
    the sign of ``x1`` random, the sign of ``x2`` equal to it for class 0 and
    opposite for class 1 (so classes stay balanced). Labels hold before the
    noise is added. Range before noise: ``[-1, 1]`` on both axes.
    """
    codes = _balanced_codes(n_samples, 2)
    magnitude = rng.uniform(0.0, 1.0, size=(n_samples, 2))
    sign1 = np.where(rng.uniform(size=n_samples) < 0.5, -1.0, 1.0)
    sign2 = np.where(codes == 1, -sign1, sign1)
    X = magnitude * np.column_stack([sign1, sign2])  # (n, 2)
    return _jitter(X, noise, rng), codes


@_register(
    "blobs",
    "Gaussian blobs",
    "classification",
    2,
    300,
    0.25,
    1.0,
    options=(Option("n_classes", int, 3, "Classes", "Number of blobs, one class each.", 2, MAX_CLASSES),),
)
def blobs(n_samples, noise, rng, n_classes):
    """``k`` Gaussian blobs, one per class, centred evenly on the unit circle.

    Centre of class ``c``: ``(cos a_c, sin a_c)`` with ``a_c = pi/2 + 2 pi c / k``;
    each point is its centre plus ``N(0, noise^2)`` per axis, so ``noise`` is
    the blob's standard deviation (``noise = 0`` puts every point on its centre).
    Range: centres on the unit circle, points within about ``1 + 3 noise``.
    """
    codes = _balanced_codes(n_samples, n_classes)
    angles = np.pi / 2 + 2.0 * np.pi * np.arange(n_classes) / n_classes
    centres = np.column_stack([np.cos(angles), np.sin(angles)])  # (k, 2)
    X = centres[codes]  # (n, 2), fancy indexing copies
    return _jitter(X, noise, rng), codes


@_register(
    "spiral",
    "Spiral",
    "classification",
    2,
    300,
    0.05,
    0.3,
    options=(
        Option("n_classes", int, 2, "Arms", "Number of spiral arms, one class each.", 2, MAX_CLASSES),
        Option("turns", float, 1.0, "Turns", "How many times each arm winds around the centre.", 0.25, 3.0),
    ),
)
def spiral(n_samples, noise, rng, n_classes, turns):
    """``k`` interleaved Archimedean spiral arms, one class each.

    With ``r ~ U(0.05, 1)``, arm ``c`` has angle ``theta = 2 pi (turns r + c / k)``
    and ``x = r (cos theta, sin theta)``. Range before noise: the unit disc.
    """
    codes = _balanced_codes(n_samples, n_classes)
    # Starting at 0.05 keeps points out of the centre, where every arm meets.
    radius = rng.uniform(0.05, 1.0, n_samples)
    theta = 2.0 * np.pi * (turns * radius + codes / n_classes)
    X = radius[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])  # (n, 2)
    return _jitter(X, noise, rng), codes


@_register(
    "linear",
    "Linearly separable",
    "classification",
    2,
    200,
    0.0,
    0.5,
    options=(
        Option("margin", float, 0.2, "Margin", "Width of the empty strip between the two classes.", 0.0, 1.0),
    ),
)
def linear(n_samples, noise, rng, margin):
    """Two classes on either side of a line through the origin, a strip of width ``margin`` between.

    The boundary's normal ``u = (cos phi, sin phi)`` has a random direction
    ``phi ~ U(0, 2 pi)`` and ``v = (-sin phi, cos phi)`` runs along it. Each
    point is ``s v + t u`` with ``s ~ U(-1, 1)`` and
    ``|t| = margin/2 + U(0, 1 - margin/2)``, ``t > 0`` for class 1: the distance
    to the boundary is at least ``margin / 2`` (before noise), so the classes are
    linearly separable with that margin. Range before noise: the rotated square
    ``|s|, |t| <= 1``, inside the disc of radius ``sqrt(2) ~ 1.42``.
    """
    phi = rng.uniform(0.0, 2.0 * np.pi)
    normal = np.array([np.cos(phi), np.sin(phi)])
    along = np.array([-np.sin(phi), np.cos(phi)])
    codes = _balanced_codes(n_samples, 2)
    s = rng.uniform(-1.0, 1.0, n_samples)
    distance = margin / 2 + rng.uniform(0.0, 1.0 - margin / 2, n_samples)
    t = np.where(codes == 1, distance, -distance)
    X = s[:, None] * along + t[:, None] * normal  # (n, 2)
    return _jitter(X, noise, rng), codes


# ------------------------------------------------------------------ regression


@_register(
    "line",
    "Line (1 feature)",
    "regression",
    1,
    100,
    0.1,
    1.0,
    options=(
        Option("slope", float, 1.0, "Slope", "Slope of the line.", -3.0, 3.0),
        Option("intercept", float, 0.5, "Intercept", "Value of the line at x = 0.", -2.0, 2.0),
    ),
)
def line(n_samples, noise, rng, slope, intercept):
    """``y = slope x + intercept + eps`` with ``x ~ U(-1, 1)``, ``eps ~ N(0, noise^2)``.

    Range: ``x in [-1, 1]``; ``|y| <= |slope| + |intercept|`` before noise
    (defaults: ``y in [-0.5, 1.5]``).
    """
    x = rng.uniform(-1.0, 1.0, n_samples)
    y = slope * x + intercept
    return x[:, None], _target_noise(y, noise, rng)


@_register(
    "sine",
    "Sine (1 feature)",
    "regression",
    1,
    200,
    0.1,
    1.0,
    options=(
        Option("frequency", float, 1.0, "Frequency", "Periods of the sine over the x range [-1, 1].", 0.25, 5.0),
    ),
)
def sine(n_samples, noise, rng, frequency):
    """``y = sin(pi frequency x) + eps`` with ``x ~ U(-1, 1)``, ``eps ~ N(0, noise^2)``.

    ``frequency`` periods fit in ``[-1, 1]``. Range: ``x in [-1, 1]``,
    ``y in [-1, 1]`` before noise.
    """
    x = rng.uniform(-1.0, 1.0, n_samples)
    y = np.sin(np.pi * frequency * x)
    return x[:, None], _target_noise(y, noise, rng)


@_register("plane", "Plane (2 features)", "regression", 2, 300, 0.1, 1.0)
def plane(n_samples, noise, rng):
    """``y = 0.8 x1 - 0.5 x2 + 0.2 + eps`` with ``x ~ U(-1, 1)^2``, ``eps ~ N(0, noise^2)``.

    Range: ``x in [-1, 1]^2``, ``y in [-1.1, 1.5]`` before noise.
    """
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = 0.8 * X[:, 0] - 0.5 * X[:, 1] + 0.2
    return X, _target_noise(y, noise, rng)


@_register(
    "bumps",
    "Gaussian bumps (2 features)",
    "regression",
    2,
    400,
    0.05,
    1.0,
    options=(
        Option("n_bumps", int, 3, "Bumps", "Number of Gaussian bumps (alternately up and down).", 1, 8),
        Option("width", float, 0.3, "Width", "Standard deviation of each bump.", 0.1, 0.6),
    ),
)
def bumps(n_samples, noise, rng, n_bumps, width):
    """A sum of Gaussian bumps, alternately up and down, over ``x ~ U(-1, 1)^2``.

    ``f(x) = sum_j (-1)^j exp(-|x - c_j|^2 / (2 width^2))`` and
    ``y = f(x) / s + eps``, with ``eps ~ N(0, noise^2)``. The ``m`` centres
    ``c_j`` sit evenly on the circle of radius 0.55 (the origin when ``m = 1``),
    rotated by a random angle. ``s`` is the largest ``|f|`` on a 101 x 101 grid
    over ``[-1, 1]^2``: wide neighbouring bumps of opposite signs cancel, and
    the scale keeps the surface at full height whatever the options.
    Range: ``x in [-1, 1]^2``; ``|y| <= 1`` before noise (to within 1%
    between grid points).
    """
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    start = rng.uniform(0.0, 2.0 * np.pi)
    angles = start + 2.0 * np.pi * np.arange(n_bumps) / n_bumps
    radius = 0.0 if n_bumps == 1 else 0.55
    centres = radius * np.column_stack([np.cos(angles), np.sin(angles)])  # (m, 2)
    signs = np.where(np.arange(n_bumps) % 2 == 0, 1.0, -1.0)  # (m,)

    def surface(points):  # (p, 2) -> (p,)
        values = np.zeros(points.shape[0])
        # One bump at a time keeps memory at O(p) rather than a (p, m, 2) temporary.
        for centre, sign in zip(centres, signs):
            squared = (points[:, 0] - centre[0]) ** 2 + (points[:, 1] - centre[1]) ** 2
            values += sign * np.exp(-squared / (2.0 * width**2))
        return values

    axis = np.linspace(-1.0, 1.0, 101)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)  # (101 * 101, 2)
    scale = np.abs(surface(grid)).max()
    y = surface(X) / scale
    return X, _target_noise(y, noise, rng)


@_register(
    "time_series",
    "Time series (window)",
    "regression",
    8,
    300,
    0.1,
    1.0,
    options=(
        Option("window", int, 8, "Window", "How many previous values predict the next one (features).", 1, 32),
        Option("period", float, 25.0, "Period", "Period of the signal, in time steps.", 4.0, 200.0),
    ),
)
def time_series(n_samples, noise, rng, window, period):
    """A noisy periodic signal cut into windows: the previous ``w`` values predict the next.

    Signal, for time steps ``t = 0 .. n + w - 1``:
    ``s_t = sin(2 pi t / P + phi1) + 0.4 sin(6 pi t / P + phi2) + eps_t``, with
    random phases ``phi1, phi2 ~ U(0, 2 pi)`` and ``eps_t ~ N(0, noise^2)``.
    Row ``i``: ``X[i] = (s_i, ..., s_{i+w-1})`` (features ``"t-w" .. "t-1"``),
    ``y[i] = s_{i+w}``, ``time[i] = i + w``. Shapes: X (n, w), y (n,), time (n,).
    Range before noise: every value within ``[-1.4, 1.4]``; time in ``[w, n + w - 1]``.
    """
    phases = rng.uniform(0.0, 2.0 * np.pi, 2)
    steps = np.arange(n_samples + window, dtype=np.float64)
    signal = np.sin(2.0 * np.pi * steps / period + phases[0]) + 0.4 * np.sin(6.0 * np.pi * steps / period + phases[1])
    signal = _target_noise(signal, noise, rng)
    # Row i is signal[i : i + window]; the view is copied into X by Dataset.
    X = np.lib.stride_tricks.sliding_window_view(signal, window)[:n_samples]  # (n, w)
    y = signal[window:]  # (n,)
    feature_names = tuple(f"t-{lag}" for lag in range(window, 0, -1))
    return Dataset(X, y, "regression", feature_names, (), "time_series", time=steps[window:])
