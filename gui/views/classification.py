"""The classification view: data points over the model's decision surface."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6 import QtCore, QtGui, QtWidgets

from ._scatter import UniformScatterItem
from ._style import (POINT_SIZE, WHITE, GridFramedView, as_mask, as_points, drawn_rows,
                     misclassified_sample, sample_note, train_sample, validation_sample)
from .colors import HIGHLIGHT, PALETTE
from .surface import SurfacePainter, SurfacePicture

# Grid points per axis of the decision surface (the worker evaluates the model
# on GRID_SIZE**2 points every frame).
GRID_SIZE = 200
RING_SIZE = 17
BOUNDARY_PEN = pg.mkPen((40, 40, 40, 220), width=2)


class SmoothImageItem(pg.ImageItem):
    """An ImageItem drawn with bilinear filtering, so a 200x200 grid of
    values stretched over many screen pixels shows smooth gradients, not
    blocks (the regression heatmap)."""

    def paint(self, painter, *args):
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


class SurfaceImageItem(QtWidgets.QGraphicsPixmapItem):
    """The decision surface: a plain Qt pixmap item.

    It shows opaque images of bytes B, G, R, 255 (``SurfacePicture.bgra``)
    as ``QImage.Format_RGB32``, which Qt scales without converting pixels,
    stretched with bilinear filtering: a 200x200 grid over many screen
    pixels shows smooth gradients, not blocks.

    Not a pyqtgraph ``ImageItem``: that one's ``paint`` is Python, and Qt
    calls it with the interpreter lock held for the whole scaled draw (about
    a millisecond a frame the training thread waited for). This item has no
    Python code on the paint path.

    Attributes
    ----------
    image : array of shape (rows, columns, 4), uint8, or None
        The image shown; row 0 is drawn at the rectangle's lower y (the
        plot's y axis points up).
    """

    def __init__(self):
        super().__init__()
        self.setShapeMode(QtWidgets.QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self.setTransformationMode(QtCore.Qt.TransformationMode.SmoothTransformation)
        self.image: np.ndarray | None = None
        self._placement = None

    def set_image(self, image: np.ndarray, rect: tuple[float, float, float, float]) -> None:
        """Show ``image`` (rows, columns, 4 uint8 B, G, R, 255) stretched over
        ``rect = (x, y, width, height)`` in the plot's coordinates."""
        image = np.ascontiguousarray(image)
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 4:
            raise ValueError(f"image must be uint8 of shape (rows, columns, 4), "
                             f"got {image.dtype} {image.shape}")
        rows, columns = image.shape[:2]
        # fromImage copies the pixels, so the QImage may view the array.
        self.setPixmap(QtGui.QPixmap.fromImage(fn.ndarray_to_qimage(image, QtGui.QImage.Format.Format_RGB32)))
        self.image = image
        placement = (tuple(rect), rows, columns)
        if placement != self._placement:
            x, y, width, height = rect
            self.setTransform(QtGui.QTransform(width / columns, 0.0, 0.0, height / rows, x, y))
            self._placement = placement


class BoundaryItem(QtWidgets.QGraphicsPathItem):
    """The 0.5 boundary: loose segments, drawn by Qt as one path (a
    pyqtgraph curve's Python paint ran every frame of a two-class run)."""

    def __init__(self, pen: QtGui.QPen):
        super().__init__()
        self.setPen(pen)
        self._x = self._y = np.empty(0)

    def setData(self, x, y) -> None:  # noqa: N802 - pyqtgraph's name
        """Segments from ``(x[2i], y[2i])`` to ``(x[2i+1], y[2i+1])``."""
        self._x, self._y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.setPath(pg.arrayToQPath(self._x, self._y, connect="pairs") if self._x.size
                     else QtGui.QPainterPath())

    def getData(self):  # noqa: N802 - pyqtgraph's name
        return self._x, self._y


class ClassificationView(GridFramedView):
    """Points of a 2-feature classification dataset over the decision surface.

    Layers, bottom to top: one pixmap item of the decision surface (the
    winning class's colour, pale where the model is unsure), the 0.5
    boundary line (two classes), rings around misclassified points, and per
    class two scatter items: training points (filled) and validation points
    (hollow: white fill, class-coloured outline). Each scatter item has one
    pen and brush for all its points, set once here, so ``set_data`` pushes
    positions only (see :mod:`._scatter`: 100k points in milliseconds, where
    per-point brushes cost over a second). Everything is created here once;
    the per-frame calls (:meth:`set_surface`, :meth:`set_misclassified`)
    only push new arrays.

    Attributes
    ----------
    plot_item : pg.PlotItem
        The plot the points live in (draw tools attach to it).
    surface_item : SurfaceImageItem
        The decision surface.
    boundary_item : BoundaryItem
        The 0.5 boundary (two classes), as loose segments.
    ring_item : pg.ScatterPlotItem
        Rings around misclassified points.
    train_items, validation_items : list[pg.ScatterPlotItem]
        One of each per palette colour (class code): the class's training
        and validation points. The training item is the class's legend
        sample; clicking it in the legend hides both.
    """

    grid_size = GRID_SIZE

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(240, 240)

        self.surface_item = SurfaceImageItem()
        self.surface_item.setZValue(-10)
        self.surface_item.hide()
        self.plot_item.addItem(self.surface_item)

        self.boundary_item = BoundaryItem(BOUNDARY_PEN)
        self.boundary_item.setZValue(5)
        self.boundary_item.hide()
        self.plot_item.addItem(self.boundary_item)

        # Rings are re-set whenever the misclassified set changes (often,
        # early in training): one shared style keeps that cheap too.
        self.ring_item = UniformScatterItem(symbol="o", size=RING_SIZE, brush=None,
                                            pen=pg.mkPen(HIGHLIGHT, width=2), antialias=True)
        self.ring_item.setZValue(8)
        self.ring_item.hide()
        self.plot_item.addItem(self.ring_item)

        # Two scatter items per palette colour, each with one look for all of
        # its points. Added class by class (training, then validation), so
        # classes stack in code order as they did with one item per class.
        self.train_items: list[pg.ScatterPlotItem] = []
        self.validation_items: list[pg.ScatterPlotItem] = []
        train_pen, val_brush = pg.mkPen(WHITE, width=1), pg.mkBrush(WHITE)
        for rgb in PALETTE:
            train = UniformScatterItem(symbol="o", size=POINT_SIZE, brush=pg.mkBrush(rgb),
                                       pen=train_pen, antialias=True)
            val = UniformScatterItem(symbol="o", size=POINT_SIZE, brush=val_brush,
                                     pen=pg.mkPen(rgb, width=2.2), antialias=True)
            for item in (train, val):
                item.setZValue(10)
                self.plot_item.addItem(item)
            # The legend toggles the training item; its validation points follow.
            train.visibleChanged.connect(self._on_class_visibility_changed)
            self.train_items.append(train)
            self.validation_items.append(val)

        self._samples = {"train": train_sample(), "validation": validation_sample(),
                         "misclassified": misclassified_sample()}

        self._y = np.empty(0, dtype=np.int64)
        self._class_names: tuple[str, ...] = ()
        self._parked: set[int] = set()  # class codes whose items are hidden for being unused
        self._has_validation = False
        self._validation_shown = True
        self._misclassified: np.ndarray | None = None
        self._drawn: np.ndarray | None = None
        self._show_range(self._grid)

    # -- data (only when the dataset changes) ------------------------------
    def set_data(self, X2, y, class_names, val_mask=None) -> None:
        """Show a new dataset, framed around it (unless the frame is locked,
        see :meth:`set_frame_locked`).

        Parameters
        ----------
        X2 : array of shape (n, 2)
            The two shown features.
        y : array of shape (n,)
            Integer class codes, 0 <= code < len(class_names) <= 8.
        class_names : sequence of str
            Name of each class code (classes may be empty).
        val_mask : bool array of shape (n,), optional
            True for validation rows (drawn hollow).
        """
        X2 = as_points("X2", X2)
        n = X2.shape[0]
        y = np.asarray(y)
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},), got {y.shape}")
        if n and not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"y must hold integer class codes, got dtype {y.dtype}")
        class_names = tuple(str(name) for name in class_names)
        if len(class_names) > len(PALETTE):
            raise ValueError(f"class_names must have at most {len(PALETTE)} entries, "
                             f"got {len(class_names)}")
        if n and (y.min() < 0 or y.max() >= max(len(class_names), 1)):
            raise ValueError(f"y must be codes in 0..{len(class_names) - 1} "
                             f"(one per class name), got values {np.unique(y).tolist()}")
        val_mask = as_mask("val_mask", val_mask, n)

        X2, self._y = X2.copy(), y.astype(np.int64)
        self._class_names = class_names
        self._has_validation = bool(val_mask.any())
        self._drawn = drawn_rows(n)  # a sample of a huge dataset, or None: all
        shown_X, shown_y, shown_mask = ((X2, self._y, val_mask) if self._drawn is None else
                                        (X2[self._drawn], self._y[self._drawn], val_mask[self._drawn]))
        self.set_caption(sample_note(n), "sample")
        # Rows grouped by (class, split) in one stable sort rather than 16
        # boolean masks over all n rows: group g = 2 * code + is_validation.
        group = 2 * shown_y + shown_mask
        order = np.argsort(group, kind="stable")
        bounds = np.searchsorted(group[order], np.arange(2 * len(PALETTE) + 1))
        for code in range(len(PALETTE)):
            for split, item in enumerate((self.train_items[code], self.validation_items[code])):
                rows = order[bounds[2 * code + split]:bounds[2 * code + split + 1]]
                if rows.size:
                    item.setData(pos=shown_X[rows])
                elif len(item.data):
                    item.clear()
            # Colours no class uses are hidden: Qt asks every visible item
            # for its bounds on every repaint, a Python call each.
            train = self.train_items[code]
            if code >= len(class_names) and code not in self._parked:
                self._parked.add(code)
                train.hide()
            elif code < len(class_names) and code in self._parked:
                self._parked.discard(code)
                train.show()
        self._misclassified = None
        self.ring_item.clear()
        self.ring_item.hide()
        self._update_legend()
        self._set_points(X2)

    # -- per frame -----------------------------------------------------------
    def set_surface(self, proba, classes) -> None:
        """Show the model's class probabilities on :meth:`grid_spec`'s points.

        Colours and boundary are computed here, in the caller's thread; the
        app makes them in its render process instead (:meth:`surface_painter`)
        and passes the result to :meth:`show_picture`.

        Parameters
        ----------
        proba : array of shape (ny * nx, m), or None to hide the surface
            Row-major over the grid (y outer, x inner); column ``c`` is the
            probability of class code ``classes[c]``.
        classes : array of shape (m,)
            Class codes (palette indices) of the columns.
        """
        if proba is None:
            self.surface_item.hide()
            self.boundary_item.hide()
            return
        self.show_picture(self.surface_painter()(proba, classes))

    def surface_painter(self) -> SurfacePainter:
        """What turns probabilities on :meth:`grid_spec` into a picture for
        :meth:`show_picture`: plain NumPy, safe to call in another thread."""
        return SurfacePainter(self._grid)

    def show_picture(self, picture: SurfacePicture) -> None:
        """Draw a finished decision surface (image and boundary), placed on
        the grid it was made for. Per frame this only hands over arrays."""
        self.surface_item.set_image(picture.bgra, picture.grid.pixel_rect())
        if not self.surface_item.isVisible():
            self.surface_item.show()
        if picture.boundary is not None:
            self.boundary_item.setData(*picture.boundary)
            if not self.boundary_item.isVisible():
                self.boundary_item.show()
        elif self.boundary_item.isVisible():
            self.boundary_item.hide()

    def set_misclassified(self, mask) -> None:
        """Ring the points where ``mask`` (bool, shape (n,)) is True; None
        removes the rings."""
        if mask is None:
            self._misclassified = None
            self.ring_item.hide()
            self._update_legend()
            return
        mask = as_mask("mask", mask, self._X.shape[0])
        if self._misclassified is not None and np.array_equal(mask, self._misclassified):
            return  # the usual case late in training: nothing to redo
        self._misclassified = mask.copy()
        if self._drawn is not None:  # the rings of the points drawn
            self.ring_item.setData(pos=self._X[self._drawn][mask[self._drawn]])
        else:
            self.ring_item.setData(pos=self._X[mask])
        self.ring_item.show()
        self._update_legend()

    # -- helpers -------------------------------------------------------------
    def set_validation_visible(self, on: bool) -> None:
        """Show or hide the validation points (hollow) and their legend entry."""
        if bool(on) != self._validation_shown:
            self._validation_shown = bool(on)
            self._on_class_visibility_changed()
            self._update_legend()

    def _on_class_visibility_changed(self) -> None:
        for train, val in zip(self.train_items, self.validation_items):
            val.setVisible(self._validation_shown and train.isVisibleTo(train.parentItem()))

    def _update_legend(self) -> None:
        entries = [(self.train_items[code], name)
                   for code, name in enumerate(self._class_names)]
        if self._has_validation and self._validation_shown:
            entries += [(self._samples["train"], "train"),
                        (self._samples["validation"], "validation")]
        if self._misclassified is not None:
            entries.append((self._samples["misclassified"], "misclassified"))
        self._set_legend(entries)
