"""The network diagram: the model drawn as TensorFlow Playground draws it.

Columns of nodes (the input features, each hidden layer, the outputs), each
node a small picture of what that unit computes over the plane of the data
view (blue negative, white zero, orange positive), and each weight a line
between two nodes: orange positive, blue negative, wider and more opaque the
larger ``|w|`` is within its layer. Logistic and linear regression show as
the one-neuron networks they are. Hovering a node tells its layer, index,
bias and range; hovering a line its weight; clicking a node shows that
unit's picture in the data view (see ``anatomy.Unit`` and the presenter's
focus).

Per frame the render process evaluates every layer once on a small grid
(``model.layer_activations``), colours every unit and composes all the
thumbnails into ONE picture at their places in the drawing (the GUI shows it
with one pixmap item), and sorts the weight lines into a dozen groups of one
colour and width (one path item each). The GUI thread only hands them over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .anatomy import (NEGATIVE, POSITIVE, WEIGHT_LEVELS, Unit, anatomy, input_labels, is_layered, layer_colours, layer_scale,
                      layer_values, unit_colours, weight_levels)
from ._shown import ShownOnlyView
from .frame import PlaneSpec
from .grid import GridSpec, frame_range

#: largest side of a node's picture, in pixels (also the grid it is computed on)
MAX_THUMBNAIL = 48
#: weight lines drawn per pair of layers at most: the strongest ...
MAX_LINES = 256
#: ... and in all at most one per LINE_AREA square pixels of the drawing,
#: between MIN_TOTAL_LINES and MAX_TOTAL_LINES (shared by the pairs of
#: layers, at least MIN_LINES each): more are a blur at the diagram's size,
#: and each costs the GUI thread time to draw
LINE_AREA = 250
MIN_TOTAL_LINES, MAX_TOTAL_LINES = 120, 600
MIN_LINES = 24
#: room for the column titles above the nodes and below them, in pixels
MARGIN_TOP, MARGIN_BOTTOM = 22, 6
#: nodes closer than this (pixels, centre to centre) thin the lines down ...
LINE_PITCH = 14.0
#: ... to at most this share of their width
MIN_LINE_WIDTH = 0.3
#: a character of a node's name, in pixels (8 pt), and what a name needs
#: besides, for the room names need
CHARACTER_WIDTH, LABEL_PADDING = 6.5, 8.0
#: nodes with a smaller side than this have no frame or bias mark, and no name beside them
MIN_DECORATED = 10
BACKGROUND = 0xFFFFFFFF  # packed B, G, R, A: white
FRAME = np.array([200, 200, 200, 255], np.uint8).view(np.uint32)[0]


@dataclass(frozen=True, eq=False)
class DiagramFrame:
    """One frame of the diagram, in the drawing's pixels (``canvas`` = (width, height)).

    Attributes
    ----------
    image : ndarray (height, width, 4) uint8
        The whole drawing's background with every node's picture: bytes
        B, G, R, 255 (``QImage.Format_RGB32``).
    lines : tuple of (level, x, y)
        The weight lines of signed strength ``level`` (``anatomy.weight_levels``),
        as loose segments: ``(x[2k], y[2k])`` to ``(x[2k+1], y[2k+1])``.
    rects : ndarray (n_nodes, 4)
        Every node's ``(x, y, side, side)``, layer by layer.
    layer, index : ndarray (n_nodes,) int
        Which unit each node is.
    bias, low, high : ndarray (n_nodes,)
        Its bias (NaN for the inputs) and its smallest and largest value over the plane.
    names : tuple of str
        Each node's name for a person ("hidden layer 1, unit 3").
    edges : ndarray (n_edges, 4)
        Every drawn line's ``(x0, y0, x1, y1)``; ``weights`` (n_edges,) its
        value, ``edge_units`` (n_edges, 3) its ``(layer, from, to)``.
    samples : tuple of (rows, columns) per layer
        The grid points a layer's node pictures show: pixel ``(r, c)`` of
        each picture is the unit's value at ``(grid.xs()[columns[c]],
        grid.ys()[rows[r]])`` (``rows`` top to bottom: decreasing y).
    titles : tuple of (x, text)
        The column titles, centred on x.
    labels : tuple of (x, y, text, align)
        Names beside the nodes: ``align`` "right" ends at x (inputs),
        "left" starts at x (outputs); centred on y.
    caption : str
        How to read the lines (and which are left out).
    line_width : float
        What the lines' widths are multiplied by (1, or less where the
        nodes are packed closer than a line's widest: so lines of crowded
        layers stay apart).
    """

    canvas: tuple[int, int]
    sizes: tuple[int, ...]
    image: np.ndarray
    lines: tuple
    rects: np.ndarray
    layer: np.ndarray
    index: np.ndarray
    bias: np.ndarray
    low: np.ndarray
    high: np.ndarray
    names: tuple[str, ...]
    edges: np.ndarray
    weights: np.ndarray
    edge_units: np.ndarray
    samples: tuple
    titles: tuple
    labels: tuple
    caption: str
    line_width: float = 1.0


@dataclass(frozen=True)
class Layout:
    """Where every node goes: ``x0[l]`` and ``side[l]`` of layer ``l``'s
    column, ``y0[l]`` (units,) the top of each node."""

    x0: tuple[int, ...]
    side: tuple[int, ...]
    y0: tuple[np.ndarray, ...]
    left: int
    right: int
    spacing: float


def layout(sizes: tuple[int, ...], canvas: tuple[int, int], max_side: int = MAX_THUMBNAIL,
           label_left: float = 0.0, label_right: float = 0.0) -> Layout:
    """Columns spread evenly across ``canvas``, leaving ``label_left`` and
    ``label_right`` pixels for the names beside the first and last column
    (at most a fifth and a quarter of the width); in each column, square
    nodes as large as fit (at most ``max_side``, at most half the spacing
    of the columns, 82% of a node's share of the height) stacked at a pitch
    of a third more, centred on the height."""
    width, height = canvas
    usable_height = max(height - MARGIN_TOP - MARGIN_BOTTOM, 4)
    shares = [usable_height / units for units in sizes]
    first, last = (min(max_side, share * 0.82) for share in (shares[0], shares[-1]))
    left = min(label_left, width * 0.2) + first / 2 + 8
    right = min(label_right, width * 0.25) + last / 2 + 8
    spacing = (width - left - right) / max(len(sizes) - 1, 1)
    x0, sides, y0 = [], [], []
    for column, (units, share) in enumerate(zip(sizes, shares)):
        side = int(max(2, min(max_side, spacing * 0.5, share * 0.82)))
        pitch = min(share, side + max(6.0, side * 0.35))
        top = MARGIN_TOP + (usable_height - pitch * units) / 2 + (pitch - side) / 2
        centre = left + column * spacing if len(sizes) > 1 else width / 2
        x0.append(int(round(centre - side / 2)))
        sides.append(side)
        y0.append(np.round(top + pitch * np.arange(units)).astype(np.intp))
    return Layout(tuple(x0), tuple(sides), tuple(y0), int(left), int(right), spacing)


def label_room(names: tuple[str, ...], units: int, height: int) -> float:
    """Pixels the names beside a column need (an estimate: the render
    process has no fonts), 0 when its nodes are too small to be named."""
    share = max(height - MARGIN_TOP - MARGIN_BOTTOM, 4) / max(units, 1)
    if share * 0.82 < MIN_DECORATED and units > 1:
        return 0.0
    return max((len(name) for name in names), default=0) * CHARACTER_WIDTH + LABEL_PADDING


def node_names(sizes, inputs: tuple[str, ...], outputs: tuple[str, ...]) -> tuple[str, ...]:
    """ "input x1²", "hidden layer 2, unit 5", "output: p(class 1)" for every node."""
    names = [f"input {name}" for name in inputs]
    for layer, units in enumerate(sizes[1:-1], start=1):
        names += [f"hidden layer {layer}, unit {unit + 1}" for unit in range(units)]
    return tuple(names + [f"output: {name}" for name in outputs])


def output_names(model, class_names: tuple[str, ...], n_outputs: int) -> tuple[str, ...]:
    """What each output unit is: ``p(class)`` per class (one unit for two
    classes: the second's), ``ŷ`` (``ŷ1``, ``ŷ2``, ... for several targets)."""
    classes = getattr(model, "classes_", None)
    if classes is not None and hasattr(model, "predict_proba") and getattr(model, "task", "") != "regression":
        shown = [int(code) for code in classes]
        if n_outputs == 1:
            shown = shown[1:]
        return tuple(f"p({class_names[code] if code < len(class_names) else code})" for code in shown)
    return ("ŷ",) if n_outputs == 1 else tuple(f"ŷ{k + 1}" for k in range(n_outputs))


@dataclass(frozen=True)
class DiagramSpec(PlaneSpec):
    """The diagram of the model on ``canvas`` (width, height) pixels, its
    nodes' pictures computed on ``grid`` (the data view's plane, as small
    as the largest node). ``variables``: the dataset's feature names;
    ``class_names``: its classes (the output names); ``max_lines``: weight
    lines drawn per pair of layers at most (the strongest; fewer when the
    network has many layers, see MAX_TOTAL_LINES)."""

    canvas: tuple[int, int] = (400, 300)
    variables: tuple[str, ...] = ()
    class_names: tuple[str, ...] = ()
    max_lines: int = MAX_LINES

    def compute(self, model, inputs) -> DiagramFrame:
        body = anatomy(model)
        sizes = body.sizes
        width, height = self.canvas
        inputs_named = input_labels(sizes[0], inputs.transform, self.variables)
        outputs_named = output_names(model, self.class_names, sizes[-1])
        place = layout(sizes, self.canvas, max(self.grid.nx, self.grid.ny),
                       label_room(inputs_named, sizes[0], height), label_room(outputs_named, sizes[-1], height))
        image = np.full((height, width), BACKGROUND, np.uint32)
        # The inputs are the grid's own points; the other layers are
        # evaluated on as many grid points as their largest node has pixels
        # (a wide layer has small nodes: a 64-unit layer needs a few dozen).
        grid = self.grid
        n_eval = max(place.side[1:])
        eval_rows, eval_columns = _samples(grid.ny, n_eval), _samples(grid.nx, n_eval)
        on_grid = inputs.points.reshape(grid.ny, grid.nx, -1)
        evaluated = layer_values(model, on_grid[eval_rows][:, eval_columns].reshape(n_eval * n_eval, -1))
        rects, layer_of, index_of, bias, low, high, samples = [], [], [], [], [], [], []
        for layer, units in enumerate(sizes):
            side = place.side[layer]
            if layer == 0:
                rows, columns = _samples(grid.ny, side), _samples(grid.nx, side)
                source = inputs.points.reshape(grid.ny, grid.nx, units)
                layer_vals = inputs.points
            else:
                pick_rows, pick_columns = _samples(n_eval, side), _samples(n_eval, side)
                rows, columns = eval_rows[pick_rows], eval_columns[pick_columns]
                layer_vals = evaluated[layer]
                source = layer_vals.reshape(n_eval, n_eval, units)[pick_rows][:, pick_columns]
            colours = layer_colours(model, layer, layer_vals, len(sizes))
            shown = source[::-1] if layer else source[rows][:, columns][::-1]  # image row 0: the top
            thumbnails = unit_colours(shown.reshape(side * side, units), colours).reshape(units, side, side)
            samples.append((rows[::-1].copy(), columns))
            x0, y0 = place.x0[layer], place.y0[layer]
            layer_bias = body.biases[layer - 1] if layer else np.full(units, np.nan)
            decorated = side >= MIN_DECORATED
            if decorated:  # a frame: the node's square one pixel larger, under the picture
                _paint(image, x0 - 1, y0 - 1, side + 2, np.full((units, side + 2, side + 2), FRAME, np.uint32))
            _paint(image, x0, y0, side, thumbnails)
            if decorated and layer:
                _paint_bias(image, x0, y0, side, layer_bias)
            rects.append(np.column_stack([np.full(units, x0), y0, np.full(units, side), np.full(units, side)]))
            layer_of.append(np.full(units, layer))
            index_of.append(np.arange(units))
            bias.append(layer_bias)
            smallest, largest = _value_range(layer_vals)
            low.append(smallest)
            high.append(largest)
        per_layer = lines_per_layer(len(sizes) - 1, self.canvas, self.max_lines)
        lines, edges, weights, edge_units, thinned = _lines(body, place, per_layer)
        return DiagramFrame(
            canvas=self.canvas, sizes=sizes, image=image.view(np.uint8).reshape(height, width, 4),
            lines=lines, rects=np.concatenate(rects).astype(float), layer=np.concatenate(layer_of),
            index=np.concatenate(index_of), bias=np.concatenate(bias), low=np.concatenate(low),
            high=np.concatenate(high), names=node_names(sizes, inputs_named, outputs_named), edges=edges,
            weights=weights, edge_units=edge_units, samples=tuple(samples), titles=_titles(sizes, place),
            labels=_labels(place, inputs_named, outputs_named), caption=_caption(thinned, per_layer),
            line_width=_line_width(place))


def lines_per_layer(n_pairs: int, canvas: tuple[int, int], max_lines: int = MAX_LINES) -> int:
    """Weight lines drawn at most between two layers, for ``n_pairs`` pairs
    of layers on ``canvas``: the drawing's share (one line per LINE_AREA
    pixels, within MIN_TOTAL_LINES..MAX_TOTAL_LINES) split evenly, at least
    MIN_LINES, at most ``max_lines``."""
    total = int(np.clip(canvas[0] * canvas[1] / LINE_AREA, MIN_TOTAL_LINES, MAX_TOTAL_LINES))
    return min(max_lines, max(MIN_LINES, total // max(n_pairs, 1)))


def _samples(n: int, side: int) -> np.ndarray:
    """``side`` indices spread evenly over ``0 .. n - 1`` (nearest points)."""
    return np.rint(np.linspace(0, n - 1, side)).astype(np.intp)


def _value_range(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's smallest and largest finite value (NaN for none)."""
    if not len(values):
        return np.full(values.shape[1], np.nan), np.full(values.shape[1], np.nan)
    if np.isfinite(values).all():
        return values.min(axis=0), values.max(axis=0)
    finite = np.where(np.isfinite(values), values, np.nan)
    with np.errstate(all="ignore"):
        return np.nanmin(finite, axis=0), np.nanmax(finite, axis=0)


def _paint(image: np.ndarray, x0: int, y0: np.ndarray, side: int, tiles: np.ndarray) -> None:
    """Put ``tiles`` (units, side, side) at ``(x0, y0[u])``: one indexed assignment per column."""
    height, width = image.shape
    rows = np.clip(y0[:, None] + np.arange(side)[None, :], 0, height - 1)  # (units, side)
    columns = np.clip(x0 + np.arange(side), 0, width - 1)  # (side,)
    image[rows[:, :, None], columns[None, None, :]] = tiles


def _paint_bias(image: np.ndarray, x0: int, y0: np.ndarray, side: int, bias: np.ndarray) -> None:
    """The bias as a small square in each node's lower left corner (with a
    white edge): orange positive, blue negative, stronger the larger
    ``|b|`` within the layer."""
    mark = max(3, side // 5)
    scale = layer_scale(bias)
    strength = np.abs(np.nan_to_num(bias)) / scale if scale > 0 else np.zeros(len(bias))
    hue = np.where((bias >= 0)[:, None], np.array(POSITIVE, float), np.array(NEGATIVE, float))  # (u, 3)
    rgb = 255.0 + (0.25 + 0.75 * strength)[:, None] * (hue - 255.0)
    pixels = np.full((len(bias), 4), 255, np.uint8)
    pixels[:, :3] = np.round(rgb[:, ::-1])
    colour = pixels.view(np.uint32)[:, 0]
    edge = np.full((len(bias), mark + 1, mark + 1), BACKGROUND, np.uint32)
    _paint(image, x0, y0 + side - mark - 1, mark + 1, edge)
    _paint(image, x0, y0 + side - mark, mark, np.broadcast_to(colour[:, None, None], (len(bias), mark, mark)))


def _lines(body, place: Layout, max_lines: int):
    """The weight lines: grouped by signed strength level (weakest first),
    the strongest ``max_lines`` of a layer when it has more; with every
    drawn line's ends, weight and units (for hovering)."""
    by_level: dict[int, list] = {}
    ends, weights, units = [], [], []
    thinned = False
    for layer, matrix in enumerate(body.weights):
        flat = matrix.ravel()
        magnitude = np.abs(np.nan_to_num(flat, nan=0.0, posinf=0.0, neginf=0.0))
        keep = np.arange(flat.size)
        if flat.size > max_lines:
            keep = np.sort(np.argpartition(magnitude, flat.size - max_lines)[-max_lines:])
            thinned = True
        source, target = np.divmod(keep, matrix.shape[1])
        x_start = place.x0[layer] + place.side[layer] + 1.0
        x_end = place.x0[layer + 1] - 1.0
        y_start = place.y0[layer][source] + place.side[layer] / 2
        y_end = place.y0[layer + 1][target] + place.side[layer + 1] / 2
        levels = weight_levels(flat[keep], layer_scale(matrix))
        segment = np.column_stack([np.full(keep.size, x_start), y_start, np.full(keep.size, x_end), y_end])
        for level in np.unique(levels[levels != 0]):
            chosen = segment[levels == level]
            by_level.setdefault(int(level), []).append(chosen)
        ends.append(segment)
        weights.append(flat[keep])
        units.append(np.column_stack([np.full(keep.size, layer), source, target]))
    lines = []
    for level in sorted(by_level, key=lambda value: (abs(value), value)):
        segments = np.concatenate(by_level[level])  # (k, 4): x0, y0, x1, y1
        lines.append((level, segments[:, [0, 2]].ravel(), segments[:, [1, 3]].ravel()))
    empty = np.empty((0, 4))
    return (tuple(lines), np.concatenate(ends) if ends else empty,
            np.concatenate(weights) if weights else np.empty(0),
            np.concatenate(units).astype(np.intp) if units else np.empty((0, 3), np.intp), thinned)


def _line_width(place: Layout) -> float:
    """1, or the closest pitch of nodes over LINE_PITCH (at least MIN_LINE_WIDTH)."""
    pitches = [float(np.min(np.diff(y0))) for y0 in place.y0 if len(y0) > 1]
    if not pitches:
        return 1.0
    return float(np.clip(min(pitches) / LINE_PITCH, MIN_LINE_WIDTH, 1.0))


def _titles(sizes, place: Layout) -> tuple:
    """Column titles, shorter as the columns crowd: "hidden 1", "h1", "1"."""
    short, shortest = place.spacing < 70, place.spacing < 45
    titles = []
    for layer, units in enumerate(sizes):
        if layer == 0:
            text = "in" if shortest else "inputs"
        elif layer == len(sizes) - 1:
            text = "out" if shortest else "output" if units == 1 else "outputs"
        else:
            text = str(layer) if shortest else f"h{layer}" if short else f"hidden {layer}"
        titles.append((place.x0[layer] + place.side[layer] / 2, text))
    return tuple(titles)


def _labels(place: Layout, inputs: tuple[str, ...], outputs: tuple[str, ...]) -> tuple:
    """Names beside the input nodes and the output nodes, where there is room."""
    labels = []
    last = len(place.side) - 1
    for layer, names, align in ((0, inputs, "right"), (last, outputs, "left")):
        side = place.side[layer]
        if side < MIN_DECORATED and len(names) > 1:
            continue
        x = place.x0[layer] - 6 if align == "right" else place.x0[layer] + side + 6
        for unit, name in enumerate(names):
            labels.append((float(x), float(place.y0[layer][unit] + side / 2), name, align))
    return tuple(labels)


def _caption(thinned: bool, max_lines: int) -> str:
    text = "Weights: orange +, blue −, wider = larger |w| in its layer · corner square: bias"
    if thinned:
        text += f" · the {max_lines} strongest of each layer drawn"
    return text


class NetworkDiagram(ShownOnlyView):
    """The model as a network: nodes that show their units, weight lines."""

    view_id = "network_diagram"
    title = "Network"
    slot = "side"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return is_layered(model)

    def create_widget(self):
        from .diagram import DiagramWidget

        widget = DiagramWidget()
        widget.size_changed.connect(self._spec_may_have_changed)  # the drawing's size
        widget.visibility_changed.connect(self._spec_may_have_changed)  # a hidden diagram computes nothing
        widget.unit_clicked.connect(self._on_unit_clicked)
        widget.back_clicked.connect(self._on_back_clicked)
        self._focus = None
        return widget

    def shown_spec(self) -> DiagramSpec | None:
        data = self.data
        if data is None or data.dataset.n_samples == 0:
            return None
        xy = data.xy()
        grid = GridSpec(frame_range(xy[:, 0]), frame_range(xy[:, 1]), MAX_THUMBNAIL, MAX_THUMBNAIL)
        return DiagramSpec(grid, data.base, data.shown, canvas=self.widget.canvas_size(),
                           variables=tuple(data.dataset.feature_names),
                           class_names=tuple(data.dataset.class_names or ()))

    def show_frame(self, result: DiagramFrame) -> None:
        self._frame_arrived()
        self.widget.show_diagram(result)

    def clear_frame(self) -> None:
        self.widget.clear()

    def set_focus(self, unit, possible: bool) -> None:
        self._focus = unit
        self.widget.set_focus(None if unit is None else (unit.layer, unit.index), possible)

    def _on_unit_clicked(self, layer: int, index: int, name: str) -> None:
        unit = Unit(layer, index, name)
        self._request_focus(None if unit == self._focus else unit)

    def _on_back_clicked(self) -> None:
        self._request_focus(None)


__all__ = ["NetworkDiagram", "DiagramSpec", "DiagramFrame", "layout", "WEIGHT_LEVELS"]
