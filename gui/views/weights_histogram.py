"""Weights: how the network's weights are spread, layer by layer, as it
trains. Initialisation sets the spread (He or Glorot: wider for the narrow
first layer), learning moves weights away from it, L2 pulls them back
towards zero, and a learning rate that is too high shows as weights running
off to large values before the loss explodes.

A side view; added as the example of a view that is one file plus one line
in ``gui.views.registry``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frame import FrameSpec, View

BINS = 41


@dataclass(frozen=True, eq=False)
class WeightsFrame:
    """``edges`` ``(bins + 1,)``, symmetric around 0; ``shares[l, b]`` the
    share of layer ``l``'s weights in bin ``b`` (``(layers, bins)``, each row
    sums to 1, or 0 when the layer has no finite weight); ``shapes[l]`` the
    layer's ``(fan_in, fan_out)``."""

    edges: np.ndarray
    shares: np.ndarray
    shapes: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class WeightsSpec(FrameSpec):
    """Histograms of every layer's weights (biases left out), on one set of
    bins from ``-m`` to ``m``, ``m`` the largest finite ``|w|``."""

    bins: int = BINS

    def compute(self, model, inputs) -> WeightsFrame:
        layers = [np.asarray(w, dtype=np.float64) for w in getattr(model, "coefs_", [])]
        finite = [w[np.isfinite(w)] for w in layers]
        largest = max((float(np.abs(w).max()) for w in finite if w.size), default=0.0)
        limit = largest if largest > 0 else 1.0
        edges = np.linspace(-limit, limit, self.bins + 1)
        shares = np.zeros((len(layers), self.bins))
        for layer, values in enumerate(finite):
            if values.size:
                shares[layer] = np.histogram(values, edges)[0] / values.size
        return WeightsFrame(edges, shares, tuple(w.shape for w in layers))


class WeightsHistogram(View):
    """The network's weights per layer, as histograms."""

    view_id = "weights_histogram"
    title = "Weights"
    slot = "side"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return bool(getattr(model, "hidden_layers", ()))  # a network with hidden layers

    def create_widget(self):
        import pyqtgraph as pg
        from PySide6 import QtGui, QtWidgets

        from ._style import PlotView, set_label
        from .colors import PALETTE

        widget = PlotView()
        set_label(widget.plot_item, "bottom", "weight value")
        set_label(widget.plot_item, "left", "share of weights")
        widget.plot_item.setMouseEnabled(x=False, y=False)
        widget.setToolTip("How each layer's weights are spread: initialisation sets the width, training "
                          "moves them, L2 pulls them towards 0, too high a learning rate blows them up.")
        self._curves: list = []
        for rgb in PALETTE:
            pen = QtGui.QPen(QtGui.QColor(*rgb))
            pen.setWidthF(2.0)
            pen.setCosmetic(True)
            curve = QtWidgets.QGraphicsPathItem()  # painted by Qt, no Python on the paint path
            curve.setPen(pen)
            widget.plot_item.addItem(curve)
            self._curves.append(curve)
        # legend markers, one per layer (a path item cannot be a legend sample)
        self._samples = [pg.PlotDataItem(pen=pg.mkPen(rgb, width=2)) for rgb in PALETTE]
        self._shapes: tuple = ()
        self._range = (0.0, 0.0)  # the x limit and the y top shown
        self._path = pg.arrayToQPath
        return widget

    def spec(self) -> WeightsSpec | None:
        return None if self.data is None or self.data.dataset.n_samples == 0 else WeightsSpec()

    def show_frame(self, result: WeightsFrame) -> None:
        from PySide6 import QtGui

        edges, shares = result.edges, result.shares
        # A step curve per layer: (e0, 0), (e0, s0), (e1, s0), (e1, s1), ..., (eB, 0).
        x = np.repeat(edges, 2)
        for layer, curve in enumerate(self._curves):
            if layer < len(shares):
                y = np.concatenate([[0.0], np.repeat(shares[layer], 2), [0.0]])
                curve.setPath(self._path(x, y))
                curve.show()
            else:
                curve.setPath(QtGui.QPainterPath())
                curve.hide()
        if result.shapes != self._shapes:
            self._shapes = result.shapes
            self.widget._set_legend([(self._samples[layer], f"layer {layer + 1} ({fan_in}→{fan_out})")
                                     for layer, (fan_in, fan_out) in enumerate(result.shapes)
                                     if layer < len(self._samples)], max_columns=3)
        # The axes move only when the histograms outgrow them or shrink to a
        # half: re-made ticks cost the GUI thread a millisecond each.
        limit, top = float(edges[-1]), float(shares.max()) if shares.size else 0.0
        shown_limit, shown_top = self._range
        if not (shown_limit / 2 < limit <= shown_limit) or not (shown_top / 2 < top <= shown_top):
            self._range = (limit * 1.25, max(top * 1.25, 1e-3))
            self.widget.plot_item.vb.setRange(xRange=(-self._range[0], self._range[0]),
                                              yRange=(0.0, self._range[1]), padding=0)
