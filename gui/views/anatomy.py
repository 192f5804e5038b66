"""A model as layers of units: what the network diagram, the learned
equation and a data view showing one unit read from a model snapshot.

All three models of the app are layered networks. The neural network is
``inputs -> hidden layers -> outputs``; logistic regression is the
one-neuron network ``inputs -> sigmoid unit`` and linear regression
``inputs -> identity unit(s)``. Layers are numbered from the inputs:

- layer 0: the input features, after the input transform (``x1``, ``x1^2``,
  ``sin(x1)``, ...): ``inputs.points`` of a spec, in raw units;
- layers 1 .. H: the hidden layers (the network only);
- layer H + 1: the outputs: ``P(classes_[1])`` for two classes (one unit),
  one probability per class for more, the predicted values for regression.

Weights: the network's ``coefs_`` (they act on the standardised inputs when
the network normalises them: what it learned), and for the one-neuron models
``coef_``/``intercept_``, in the raw units of the features they see (the
numbers of the learned equation). Pure NumPy: runs in the render process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, is_classifier

from .colors import PALETTE
from .frame import PlaneSpec

#: the models drawn as layers of units
LAYERED_MODELS = (NeuralNetwork, LinearRegression, LogisticRegression)
#: the one-neuron models: their weights are the learned equation's coefficients
ONE_NEURON_MODELS = (LinearRegression, LogisticRegression)

#: weight and value colours, as in TensorFlow Playground: orange for positive,
#: blue for negative (the first two palette hues)
POSITIVE = PALETTE[1]
NEGATIVE = PALETTE[0]
WHITE = (255, 255, 255)
#: how far from white a unit's strongest value is tinted (0..1)
UNIT_TINT = 0.8
#: strength levels of a weight line (and of its coefficient's colour)
WEIGHT_LEVELS = 6
#: opacity of the weakest and the strongest weight line
WEIGHT_ALPHA = (0.25, 1.0)
#: width in pixels of the weakest and the strongest weight line
WEIGHT_WIDTH = (0.6, 4.0)
#: colour levels of a unit's picture
UNIT_LEVELS = 256


def model_class(model) -> type:
    """The class of ``model`` (an estimator or its class)."""
    return model if isinstance(model, type) else type(model)


def is_layered(model) -> bool:
    """Whether ``model`` (an estimator or its class) is drawn as layers of units."""
    return issubclass(model_class(model), LAYERED_MODELS)


def is_one_neuron(model) -> bool:
    """Whether ``model`` is logistic or linear regression (one layer of weights)."""
    return issubclass(model_class(model), ONE_NEURON_MODELS)


@dataclass(frozen=True)
class Unit:
    """One unit of a model: ``layer`` (0: the inputs, then the hidden layers,
    the last: the outputs) and its ``index`` in the layer. ``label`` names it
    for a person ("hidden layer 1, unit 3"); it takes no part in equality."""

    layer: int
    index: int
    label: str = field(default="", compare=False)


@dataclass(frozen=True, eq=False)
class Anatomy:
    """A fitted model's layers.

    Attributes
    ----------
    sizes : tuple of int
        Units per layer, inputs first, outputs last.
    weights : list of ndarray
        ``weights[l]`` of shape ``(sizes[l], sizes[l + 1])``: from unit ``i``
        of layer ``l`` to unit ``j`` of layer ``l + 1``.
    biases : list of ndarray
        ``biases[l]`` of shape ``(sizes[l + 1],)``: the biases of layer ``l + 1``.
    """

    sizes: tuple[int, ...]
    weights: list
    biases: list


def anatomy(model) -> Anatomy:
    """The layers of a fitted ``model`` (see the module docstring)."""
    if hasattr(model, "coefs_"):  # the network
        weights = [np.asarray(w, dtype=np.float64) for w in model.coefs_]
        biases = [np.asarray(b, dtype=np.float64) for b in model.intercepts_]
    else:  # one neuron: coef_ (d,) or (k, d) for several outputs
        coef = np.asarray(model.coef_, dtype=np.float64)
        weights = [coef.reshape(-1, 1) if coef.ndim == 1 else coef.T]
        biases = [np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))]
    sizes = (weights[0].shape[0], *(w.shape[1] for w in weights))
    return Anatomy(sizes, weights, biases)


def layer_values(model, points: np.ndarray) -> list[np.ndarray]:
    """Every unit's value on ``points`` (the model's inputs, ``(m, d)``):
    ``[points, a_1, ..., a_H, outputs]``, each ``(m, units)``. Outputs are
    ``P(classes_[1])`` for two classes, every class's probability for more,
    the predictions (raw units) for regression."""
    points = np.asarray(points)
    m = points.shape[0]
    if hasattr(model, "layer_activations"):
        values = model.layer_activations(points)
        return [points, *values[1:]]
    if is_classifier(model):
        return [points, np.asarray(model.predict_proba(points))[:, 1:]]
    return [points, np.asarray(model.predict(points)).reshape(m, -1)]


@dataclass(frozen=True, eq=False)
class LayerColours:
    """How the units of one layer are coloured: unit ``u``'s value ``v``
    maps to ``t = clip((v - centre[u]) / half[u], -1, 1)``, tinted from
    white towards the positive hue of its pair for ``t > 0`` and the
    negative one for ``t < 0`` (:func:`unit_colours`). ``hues``: the
    ``(negative, positive)`` pairs of RGB colours, ``pair[u]`` the one of
    unit ``u``. ``level[u]``: the value where the picture changes side
    (its contour)."""

    centre: np.ndarray  # (u,)
    half: np.ndarray  # (u,)
    hues: tuple  # ((negative rgb, positive rgb), ...)
    pair: np.ndarray  # (u,) int: index into hues
    level: np.ndarray  # (u,)

    def unit(self, index: int) -> LayerColours:
        """The colours of unit ``index`` alone."""
        keep = [index]
        return LayerColours(self.centre[keep], self.half[keep], (self.hues[self.pair[index]],),
                            np.zeros(1, np.intp), self.level[keep])


def _span(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column: the middle and half the range of the finite values."""
    if np.isfinite(values).all():
        low, high = values.min(axis=0), values.max(axis=0)
    else:
        finite = np.where(np.isfinite(values), values, np.nan)
        with np.errstate(all="ignore"):
            low, high = np.nan_to_num(np.nanmin(finite, axis=0)), np.nan_to_num(np.nanmax(finite, axis=0))
    return (low + high) / 2, (high - low) / 2


def layer_colours(model, layer: int, values: np.ndarray, n_layers: int) -> LayerColours:
    """Colours of ``layer``'s units (of ``n_layers``) from their ``values``
    ``(m, u)`` over the picture's points.

    - inputs and regression outputs: each unit from its own smallest value
      (blue) to its largest (orange);
    - hidden units: white at 0, the layer's largest ``|a|`` full colour, so
      a weak or dead unit looks weak beside its neighbours;
    - two classes: ``P(classes_[1])`` from class 0's colour (0) through white
      (0.5) to class 1's (1); more classes: white (0) to the class's colour (1).
    """
    u = values.shape[1]
    classifier = is_classifier(model)
    hues, pair = ((NEGATIVE, POSITIVE),), np.zeros(u, np.intp)
    if layer == 0 or (layer == n_layers - 1 and not classifier):
        centre, half = _span(values)
    elif layer < n_layers - 1:  # hidden
        largest = np.abs(values).max() if values.size else 0.0
        if not np.isfinite(largest):
            finite = np.abs(values[np.isfinite(values)])
            largest = finite.max() if finite.size else 0.0
        centre, half = np.zeros(u), np.full(u, float(largest))
    else:  # class probabilities
        classes = [int(code) for code in model.classes_]
        if u == 1:
            centre, half = np.full(1, 0.5), np.full(1, 0.5)
            hues = ((PALETTE[classes[0]], PALETTE[classes[1]]),)
        else:
            centre, half = np.zeros(u), np.ones(u)
            hues, pair = tuple((WHITE, PALETTE[code]) for code in classes), np.arange(u)
    half = np.where(half > 1e-12, half, 1.0)
    # a ReLU unit is 0 wherever it is off: its edge sits just above the centre
    several_classes = layer == n_layers - 1 and classifier and u > 1
    level = np.full(u, 0.5) if several_classes else centre + 1e-6 * half
    return LayerColours(centre, half, hues, pair, level)


_TABLES: dict[tuple, np.ndarray] = {}


def _table(negative: tuple, positive: tuple) -> np.ndarray:
    """``(UNIT_LEVELS,)`` uint32: the packed B, G, R, 255 colour at level
    ``k`` (``t = 2 k / (UNIT_LEVELS - 1) - 1``) between two hues; made once
    per pair of hues."""
    key = (tuple(negative), tuple(positive))
    table = _TABLES.get(key)
    if table is None:
        t = np.linspace(-1.0, 1.0, UNIT_LEVELS)  # (L,)
        hue = np.where(t[:, None] >= 0, np.array(positive, float), np.array(negative, float))  # (L, 3)
        rgb = 255.0 + (UNIT_TINT * np.abs(t))[:, None] * (hue - 255.0)
        pixels = np.full((UNIT_LEVELS, 4), 255, np.uint8)
        pixels[:, :3] = np.round(rgb[:, ::-1])  # B, G, R
        table = pixels.view(np.uint32).ravel()
        if len(_TABLES) > 64:
            _TABLES.clear()
        _TABLES[key] = table
    return table


def unit_colours(values: np.ndarray, colours: LayerColours) -> np.ndarray:
    """Packed colours ``(u, m)`` uint32 (bytes B, G, R, 255: ``QImage``'s
    ``Format_RGB32``) of every unit's ``values`` ``(m, u)``: white at the
    unit's centre, tinted ``UNIT_TINT * |t|`` of the way towards its
    positive or negative colour (:class:`LayerColours`); NaN is white."""
    values = np.asarray(values, dtype=np.float64).T  # (u, m)
    t = (values - colours.centre[:, None]) / colours.half[:, None]
    np.clip(t, -1.0, 1.0, out=t)
    np.nan_to_num(t, copy=False, nan=0.0)
    t += 1.0
    t *= (UNIT_LEVELS - 1) / 2
    level = np.rint(t).astype(np.intp)
    if len(colours.hues) == 1:
        return _table(*colours.hues[0])[level]
    tables = np.concatenate([_table(*pair) for pair in colours.hues])
    level += (colours.pair * UNIT_LEVELS)[:, None]
    return tables[level]


def weight_levels(weights: np.ndarray, scale: float) -> np.ndarray:
    """Signed strength level of each weight: ``sign(w) * ceil(K |w| / scale)``
    in ``-K .. K`` (``K = WEIGHT_LEVELS``), 0 for a zero or non-finite
    weight. ``scale``: the layer's largest ``|w|``, so a small network and
    a large one both use every level."""
    weights = np.nan_to_num(np.asarray(weights, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    if not scale > 0 or not np.isfinite(scale):
        return np.zeros(weights.shape, np.int64)
    strength = np.ceil(np.abs(weights) / scale * WEIGHT_LEVELS)
    return (np.sign(weights) * np.clip(strength, 0, WEIGHT_LEVELS)).astype(np.int64)


def layer_scale(weights: np.ndarray) -> float:
    """The largest finite ``|w|`` of a layer (0 with none)."""
    finite = np.abs(weights[np.isfinite(weights)])
    return float(finite.max()) if finite.size else 0.0


def level_style(level: int) -> tuple[tuple[int, int, int], float, float]:
    """``(rgb, alpha, width)`` of a weight line of signed ``level``."""
    strength = abs(int(level)) / WEIGHT_LEVELS
    alpha = WEIGHT_ALPHA[0] + (WEIGHT_ALPHA[1] - WEIGHT_ALPHA[0]) * strength
    width = WEIGHT_WIDTH[0] + (WEIGHT_WIDTH[1] - WEIGHT_WIDTH[0]) * strength
    return (POSITIVE if level > 0 else NEGATIVE), alpha, width


# -- names ----------------------------------------------------------------------
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def feature_label(name: str, variables: tuple[str, ...] = ()) -> str:
    """A transform feature's name for a person: ``x1^2`` -> ``x1²``,
    ``x1*x2`` -> ``x1·x2``, ``sin(x1)`` -> ``sin x1``; ``x1``/``x2`` become
    ``variables[0]``/``variables[1]`` (the dataset's feature names), in
    parentheses when a power follows a name with spaces."""

    def variable(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        text = variables[index] if index < len(variables) else f"x{index + 1}"
        power = match.group(2)
        if power:
            if not re.fullmatch(r"\w+", text):
                text = f"({text})"
            return text + power[1:].translate(_SUPERSCRIPTS)
        return text

    name = re.sub(r"sin\((x\d)\)", r"sin \1", name)
    name = re.sub(r"\bx(\d)(\^\d+)?", variable, name)
    return name.replace("*", "·")


def input_labels(n_inputs: int, transform, variables: tuple[str, ...]) -> tuple[str, ...]:
    """Names of the model's ``n_inputs`` input features: the transform's
    (``x1²``, ...) with the dataset's feature names, or the dataset's own."""
    if transform is not None:
        return tuple(feature_label(name, variables) for name in transform.names)
    if len(variables) == n_inputs:
        return tuple(variables)
    return tuple(f"x{j + 1}" for j in range(n_inputs))


def number(value: float) -> str:
    """A coefficient for a person: ``2.31``, ``0.40``, ``1.2e-05``,
    ``-3.5e+04`` (with a minus sign, not a hyphen)."""
    value = float(value)
    if not np.isfinite(value):
        return "nan" if np.isnan(value) else ("∞" if value > 0 else "−∞")
    text = f"{value:.2f}" if value == 0 or 0.005 <= abs(value) < 1e4 else f"{value:.2g}"
    return text.replace("-", "−")


def unit_surface(grid, model, points: np.ndarray, unit: Unit):
    """The picture of one unit over ``grid`` (a ``GridSpec``; ``points``:
    the model's inputs on it, ``(ny * nx, d)``), coloured as the diagram
    colours it, with the line where it changes side (a hidden unit's
    ``a = 0``, an input's middle value, a probability of 0.5) as the
    boundary: a ``SurfacePicture`` the decision surface shows in place of
    the model's output. A unit the model does not have shows white."""
    from .contour import contour_segments
    from .surface import SurfacePicture

    values = layer_values(model, points)
    m = grid.nx * grid.ny
    if not (0 <= unit.layer < len(values) and 0 <= unit.index < values[unit.layer].shape[1]):
        white = np.full((grid.ny, grid.nx, 4), 255, np.uint8)
        return SurfacePicture(grid, white, None)
    layer_vals = values[unit.layer]
    one = layer_colours(model, unit.layer, layer_vals, len(values)).unit(unit.index)
    column = layer_vals[:, [unit.index]]  # (m, 1)
    bgra = unit_colours(column, one).reshape(m).view(np.uint8).reshape(grid.ny, grid.nx, 4)
    x, y = contour_segments(column[:, 0].reshape(grid.ny, grid.nx), grid.xs(), grid.ys(), float(one.level[0]))
    return SurfacePicture(grid, bgra, (x, y) if x.size else None)


@dataclass(frozen=True)
class UnitSurfaceSpec(PlaneSpec):
    """One unit's picture over the grid of a data view's plane
    (:func:`unit_surface`): what a data view that shows units computes in
    place of the model's output."""

    unit: Unit = Unit(0, 0)

    def compute(self, model, inputs):
        return unit_surface(self.grid, model, inputs.points, self.unit)
