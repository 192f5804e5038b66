"""The loss landscape of logistic and linear regression: gradient descent as
what it is, a walk downhill.

A contour map of the training loss over two of the model's parameters (the
others held at their current values), with the path the parameters have
taken and the current point moving every frame. The parameters are the
ones the learned equation shows, in raw units: ``θ = (w_1, ..., w_d, b)``
(``coef_``, ``intercept_``; the first output of a multi-output linear
regression), the loss the one the loss chart shows (for ``normalize=True``
linear regression the MSE of standardised targets, ``MSE / Var(y)``;
logistic regression's cross-entropy; plus the L2 and L1 terms on the
weights of the standardised inputs, ``w_j s_j`` (``/ s_y`` for linear
regression), as ``algorithms.inspect.training_terms`` counts them).

The surface is computed in the render process on an ``n x n`` grid over
the window the view asks for, vectorised:

- linear regression: the loss is quadratic in any two parameters. With the
  residual ``r = A θ - y`` (``A = [X, 1]``, the training rows), and ``a``,
  ``c`` the two parameters' columns of ``A``, moving them by
  ``Δ = (Δa, Δc)`` gives ``L(Δ) = s (r·r + 2 Δ·(Aᵀ r) + Δᵀ (Aᵀ A) Δ) / n``
  (``s = 1 / Var(y)`` or 1): one product of the grid's ``(G, 2)`` steps
  with a 2x2 matrix. Its lowest point in the window's plane is
  ``Δ* = -(AᵀA)⁻¹ Aᵀ r``, where gradient descent is heading (with no L1
  term; with one, the lowest grid point);
- logistic regression: the logits of every row at every grid point are
  ``Z = z + [a c] Δᵀ`` (one ``(n, 2) @ (2, G)`` product), the loss the mean
  of ``softplus(Z) - y Z`` per grid point (rows beyond ``max_rows``
  are sampled evenly, said on the view).

The path is kept by the view, one point per frame (each frame carries the
parameters; ``View.epoch`` and ``View.generation`` say which model and
epoch, so a new model starts a new path). In slow motion every epoch is a frame, and each step is drawn as an
arrow: the update gradient descent made, ``-learning_rate x gradient``, so a
learning rate that is too large shows as steps overshooting the valley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .anatomy import input_labels, is_one_neuron
from .contour import contour_segments
from ._shown import ShownOnlyView
from .frame import FrameSpec
from .grid import GridSpec

#: grid points per axis of the surface
GRID_POINTS = 48
#: logistic regression's surface reads at most this many rows (evenly sampled)
MAX_ROWS = 2000
#: contour lines drawn (at squared spacing: evenly spaced rings in a bowl)
CONTOURS = 10
#: steps drawn as arrows at most (the latest)
MAX_ARROWS = 40
#: fraction of the path's span added around it when the window follows it
PADDING = 0.3
VALLEY = (33, 102, 172)  # the colour of the lowest loss (white is the highest)
VALLEY_TINT = 0.75


@dataclass(frozen=True, eq=False)
class LandscapeFrame:
    """One frame of the landscape.

    Attributes
    ----------
    grid : GridSpec
        The window (x: parameter ``axes[0]``, y: ``axes[1]``).
    bgra : ndarray (n, n, 4) uint8
        The loss coloured (row ``j``: ``grid.ys()[j]``), B, G, R, 255.
    loss : ndarray (n, n)
        The loss on the grid.
    contours : (x, y) arrays
        The contour lines, as loose segments.
    params : ndarray (d + 1,)
        The current parameters ``(w_1, ..., w_d, b)``.
    names : tuple of str
        Their names (``w(x1)``, ..., ``b``).
    current_loss : float
        The loss at ``params``.
    minimum : ndarray (2,)
        The lowest point of the loss in the window's plane (linear: exact,
        where gradient descent is heading with the others held; logistic:
        the lowest grid point).
    exact_minimum : bool
        Whether ``minimum`` is exact (linear regression) rather than a grid point.
    rows_used, rows_total : int
        Training rows the surface reads, of all training rows.
    """

    grid: GridSpec
    bgra: np.ndarray
    loss: np.ndarray
    contours: tuple
    params: np.ndarray
    names: tuple[str, ...]
    current_loss: float
    minimum: np.ndarray
    exact_minimum: bool
    rows_used: int
    rows_total: int


def parameters(model) -> np.ndarray:
    """``θ = (w_1, ..., w_d, b)`` in raw units (the first output's)."""
    coef = np.asarray(model.coef_, dtype=np.float64)
    coef = coef if coef.ndim == 1 else coef[0]
    intercept = np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))[0]
    return np.append(coef, intercept)


def parameter_names(feature_names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"w({name})" for name in feature_names) + ("b",)


def _softplus(z: np.ndarray) -> np.ndarray:
    """``log(1 + e^z) = max(z, 0) + log1p(e^-|z|)``, in place on a scratch copy
    (``np.logaddexp`` is several times slower)."""
    out = np.abs(z)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(z, 0)
    return out


@dataclass(frozen=True)
class LandscapeSpec(FrameSpec):
    """The loss over parameters ``axes`` (indices into ``θ``) on the window
    ``x_range`` x ``y_range`` (``n`` points per axis), on the training rows
    (``train``: ``np.packbits`` of the training-row mask of ``n_rows`` rows;
    empty: all rows)."""

    axes: tuple[int, int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    variables: tuple[str, ...] = ()
    train: bytes = b""
    n_rows: int = 0
    n: int = GRID_POINTS
    max_rows: int = MAX_ROWS
    rows: bool = True

    def compute(self, model, inputs) -> LandscapeFrame:
        X, y = np.asarray(inputs.rows, dtype=np.float64), np.asarray(inputs.y)
        if self.train and self.n_rows == len(X):
            keep = np.unpackbits(np.frombuffer(self.train, np.uint8), count=self.n_rows).astype(bool)
            X, y = X[keep], y[keep]
        theta = parameters(model)
        d = len(theta) - 1
        names = parameter_names(input_labels(d, inputs.transform, self.variables))
        i, j = self.axes
        if not (0 <= i < len(theta) and 0 <= j < len(theta) and i != j):
            i, j = (0, 1)
        grid = GridSpec(self.x_range, self.y_range, self.n, self.n)
        A = np.column_stack([X, np.ones(len(X))])  # (n, d + 1)
        steps = grid.points() - theta[[i, j]]  # (G, 2): Δ of the two parameters
        pair = A[:, [i, j]]  # (n, 2)
        logistic = hasattr(model, "predict_proba")
        if logistic:
            loss, current, minimum, used = self._logistic(model, A, y, theta, (i, j), pair, steps, grid)
            exact = False
        else:
            loss, current, minimum, exact = self._linear(model, A, y, theta, (i, j), pair, steps, grid)
            used = len(X)
        loss = loss.reshape(grid.ny, grid.nx)
        bgra, contours = _picture(loss, grid)
        return LandscapeFrame(grid, bgra, loss, contours, theta, names, current, minimum, exact, used, len(X))

    def _linear(self, model, A, y, theta, axes, pair, steps, grid):
        """``L(Δ) = s (r·r + 2 Δ·(Aᵀr) + Δᵀ(AᵀA)Δ) / n`` over the grid, plus the L1 term."""
        target = np.asarray(y, dtype=np.float64)
        target = target if target.ndim == 1 else target[:, 0]
        n = max(len(target), 1)
        normalize = bool(model.normalize) and len(target) > 0 and target.var() > 0
        scale = 1.0 / target.var() if normalize else 1.0
        residual = A @ theta - target  # (n,)
        gradient = pair.T @ residual  # (2,)
        curvature = pair.T @ pair  # (2, 2)
        base = residual @ residual
        loss = scale * (base + 2 * steps @ gradient + np.einsum("gi,ij,gj->g", steps, curvature, steps)) / n
        # the network's weights: w_j s_j / s_y (inputs and targets standardised)
        weight_scale = _weight_scale(A, model.normalize) / (target.std() if normalize else 1.0)
        at_theta, on_grid = _penalties(model, theta, weight_scale, steps, axes)
        loss += on_grid
        exact = not getattr(model, "l1", 0.0)
        if exact:
            try:
                minimum = theta[list(axes)] - np.linalg.solve(curvature, gradient)
            except np.linalg.LinAlgError:  # a constant feature: no single lowest point
                exact = False
        if not exact:
            minimum = grid.points()[int(np.nanargmin(loss))] if np.isfinite(loss).any() else theta[list(axes)]
        return loss, float(scale * base / n) + at_theta, minimum, exact

    def _logistic(self, model, A, y, theta, axes, pair, steps, grid):
        """The mean of ``softplus(z) - t z`` (``t`` 1 for ``classes_[1]``)
        over the grid, plus the L2 and L1 terms."""
        target = (np.asarray(y) == model.classes_[1]).astype(np.float64)
        weight_scale = _weight_scale(A, model.normalize)  # from every training row
        rows = len(target)
        if rows > self.max_rows:  # evenly spread rows: the picture needs no more
            chosen = np.linspace(0, rows - 1, self.max_rows).astype(np.intp)
            A, target, pair = A[chosen], target[chosen], pair[chosen]
        z = A @ theta  # (n,)
        current = float(np.mean(_softplus(z) - target * z))
        logits = (z[:, None] + (pair @ steps.T)).astype(np.float32)  # (n, G): the one product
        loss = (_softplus(logits).sum(axis=0, dtype=np.float64) - target @ logits) / max(len(target), 1)
        at_theta, on_grid = _penalties(model, theta, weight_scale, steps, axes)
        loss += on_grid
        minimum = grid.points()[int(np.nanargmin(loss))] if np.isfinite(loss).any() else theta[list(axes)]
        return loss, current + at_theta, minimum, len(target)


def _weight_scale(A: np.ndarray, normalize: bool) -> np.ndarray:
    """``s_j`` per parameter: the standard deviation of feature ``j`` over
    the training rows (1 without normalisation, or for a constant feature),
    0 for the bias (never penalised)."""
    spread = A[:, :-1].std(axis=0) if normalize and len(A) else np.ones(A.shape[1] - 1)
    return np.append(np.where(spread > 0, spread, 1.0), 0.0)


def _penalties(model, theta: np.ndarray, weight_scale: np.ndarray, steps: np.ndarray, axes):
    """``(l2/2) Σ v_j² + l1 Σ |v_j|`` with ``v = θ · weight_scale``: at ``θ``,
    and over the grid (``θ`` with the two ``axes`` moved by ``steps``)."""
    l2, l1 = float(getattr(model, "l2", 0.0) or 0.0), float(getattr(model, "l1", 0.0) or 0.0)

    def term(values):
        return 0.5 * l2 * values**2 + l1 * np.abs(values)

    at_theta = float(np.sum(term(theta * weight_scale)))
    on_grid = np.full(len(steps), at_theta)
    for column, index in enumerate(axes):
        scale = weight_scale[index]
        on_grid += term((theta[index] + steps[:, column]) * scale) - term(theta[index] * scale)
    return at_theta, on_grid


def _picture(loss: np.ndarray, grid: GridSpec):
    """The loss coloured (valley blue, heights white, by ``sqrt`` of the
    height above the lowest point: a bowl's rings evenly spaced) and its
    contours at ``low + (high - low) (k / K)^2``."""
    finite = loss[np.isfinite(loss)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    span = high - low if high > low else 1.0
    height = np.sqrt(np.clip(np.nan_to_num((loss - low) / span, nan=1.0), 0.0, 1.0))
    strength = VALLEY_TINT * (1.0 - height)  # (ny, nx)
    rgb = 255.0 + strength[..., None] * (np.array(VALLEY, float) - 255.0)
    bgra = np.full(loss.shape + (4,), 255, np.uint8)
    bgra[..., :3] = np.round(rgb[..., ::-1])
    xs, ys = grid.xs(), grid.ys()
    segments_x, segments_y = [], []
    for k in range(1, CONTOURS + 1):
        x, y = contour_segments(loss, xs, ys, low + span * (k / (CONTOURS + 1)) ** 2)
        segments_x.append(x)
        segments_y.append(y)
    return bgra, (np.concatenate(segments_x), np.concatenate(segments_y))


def follow(path: np.ndarray, window: tuple | None, minimum: np.ndarray | None = None):
    """The window ``((x_low, x_high), (y_low, y_high))`` to show ``path``
    ``(m, 2)`` (and ``minimum``) in: ``window`` itself while everything
    fits in it and fills at least a quarter of it on each axis, else the
    bounding box with PADDING of its span on each side (at least one unit
    around a single point, relative to its size)."""
    points = path if minimum is None or not np.all(np.isfinite(minimum)) else np.vstack([path, minimum])
    points = points[np.all(np.isfinite(points), axis=1)]
    if not len(points):
        return window or ((-1.0, 1.0), (-1.0, 1.0))
    low, high = points.min(axis=0), points.max(axis=0)
    if window is not None:
        (x0, x1), (y0, y1) = window
        inside = x0 <= low[0] and high[0] <= x1 and y0 <= low[1] and high[1] <= y1
        filled = (high[0] - low[0]) >= 0.25 * (x1 - x0) and (high[1] - low[1]) >= 0.25 * (y1 - y0)
        if inside and filled:
            return window
    span = high - low
    floor = 0.5 * np.maximum(np.abs(low + high) / 2, 1.0)  # a lone point: a unit around it
    half = np.maximum(span / 2 * (1 + 2 * PADDING), floor)
    centre = (low + high) / 2
    return ((float(centre[0] - half[0]), float(centre[0] + half[0])),
            (float(centre[1] - half[1]), float(centre[1] + half[1])))


class LossLandscape(ShownOnlyView):
    """Logistic and linear regression: the loss over two parameters, and
    the path gradient descent takes on it."""

    view_id = "loss_landscape"
    title = "Loss landscape"
    slot = "side"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return is_one_neuron(model)

    def create_widget(self):
        from .landscape_widget import LandscapeWidget

        widget = LandscapeWidget()
        widget.visibility_changed.connect(self._spec_may_have_changed)  # a hidden landscape computes nothing
        widget.axes_chosen.connect(self._on_axes_chosen)
        self._axes = (0, 1)
        self._window = None  # ((x_low, x_high), (y_low, y_high)) asked of the render process
        self._path: list[tuple[int, np.ndarray]] = []  # (epoch, θ) per frame of this model
        self._generation = None
        self._last = None  # the last frame
        return widget

    def shown_spec(self) -> LandscapeSpec | None:
        data = self.data
        if data is None or data.dataset.n_samples == 0:
            return None
        window = self._window or ((-1.0, 1.0), (-1.0, 1.0))
        train = ~data.val_mask
        packed = np.packbits(train).tobytes() if not train.all() else b""
        return LandscapeSpec(self._axes, window[0], window[1], tuple(data.dataset.feature_names), packed,
                             data.dataset.n_samples)

    # -- the path ------------------------------------------------------------------
    def path(self) -> np.ndarray:
        """The recorded parameters, ``(m, d + 1)``, one row per frame."""
        return np.array([theta for _, theta in self._path]) if self._path else np.empty((0, 0))

    def epochs(self) -> np.ndarray:
        return np.array([epoch for epoch, _ in self._path], dtype=np.int64)

    def _record(self, theta: np.ndarray) -> None:
        """Add this frame's parameters to the path. A new model starts a new
        path; an epoch at or before the last one recorded (the timeline
        showing an earlier epoch, training going on from one) cuts the path
        back to the epochs before it: the path leads to the frame shown."""
        generation, epoch = self.generation, self.epoch
        if generation != self._generation or (self._path and len(self._path[-1][1]) != len(theta)):
            self._generation = generation
            self._path = []
        if epoch is None:
            epoch = self._path[-1][0] + 1 if self._path else 0
        while self._path and self._path[-1][0] >= epoch:
            self._path.pop()
        self._path.append((epoch, theta))

    def show_frame(self, result: LandscapeFrame) -> None:
        self._frame_arrived()
        self._record(np.array(result.params, dtype=np.float64))
        self._last = result
        path = self.path()
        i, j = self._axes if max(self._axes) < len(result.params) else (0, 1)
        shown = path[:, [i, j]]
        epochs = self.epochs()
        steps = np.flatnonzero(np.diff(epochs) == 1)[-MAX_ARROWS:]  # one epoch apart: a gradient step
        self.widget.show_landscape(result, shown, steps, (i, j))
        # Linear regression's lowest point is exact: where the path is heading, framed too.
        window = follow(shown, self._window, result.minimum if result.exact_minimum else None)
        if window != self._window:
            self._window = window
            self._spec_changed()

    def clear_frame(self) -> None:
        self._path = []
        self._last = None
        self.widget.clear()

    def _on_axes_chosen(self, first: int, second: int) -> None:
        self._axes = (first, second)
        self._window = None
        if self._path:
            self._window = follow(self.path()[:, [first, second]], None)
        self._spec_changed()
