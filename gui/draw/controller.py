"""The mouse side of Draw mode: turns presses, drags and releases on a data
view's plot into undoable edits of a :class:`datasets.editing.Editor`.

A :class:`DrawController` attaches to a ``pg.PlotItem`` (a view's
``plot_item``). While attached it owns the mouse on that plot: an event filter
on the plot's viewport takes the presses, moves and releases inside the
ViewBox, and the ViewBox's own pan and zoom are switched off; :meth:`detach`
gives both back exactly as they were.

Coordinates. A viewport pixel ``p`` maps to scene coordinates with
``QGraphicsView.mapToScene`` and to data coordinates with
``ViewBox.mapSceneToView``. The brush and eraser radius is in screen pixels,
because that is what the cursor circle shows, so the circle stays a circle
even when the two axes have different scales: a data point ``q`` is "under the
circle" centred at data point ``c`` when ``|T(q) - T(c)| <= radius`` with ``T``
the data-to-scene map (the scene is in viewport pixels in a pyqtgraph view).

What a point is on screen depends on the dataset:

- classification, and regression with 2 features: ``(x1, x2)``; the label is
  the class code (classification) or :attr:`DrawController.target_value`;
- regression with 1 feature: ``(feature, target)`` -- a click at ``(x, y)``
  adds the sample ``X = [x]``, ``y = y``.

Frame. The views frame themselves around their data on every ``set_data``;
a canvas that re-framed under each new point would slide away under the
cursor, so whoever attaches the controller locks the view's frame while
drawing (``set_frame_locked``; see :mod:`gui.draw.mode`).

The controller never touches the view's items: it reports every edit with
:attr:`DrawController.dataset_edited` (throttled during a stroke) and whoever
owns the view shows the new Dataset. Its own overlays -- the brush circle, the
rubber band, the selection halo and the preview of a stroke's points not yet
announced -- are separate graphics items it removes on detach.
"""

from __future__ import annotations

import enum
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsRectItem

from datasets import MAX_CLASSES, Dataset
from datasets.editing import Editor
from gui.views.colors import PALETTE

# Look of the points of a stroke not yet shown by the view (see _update_preview):
# the views' own point style (9 px, class colour, white rim).
PREVIEW_SIZE = 9
PREVIEW_NEUTRAL = (70, 70, 70)  # regression points have no class colour


# Edits made during a stroke are announced at most this often: each
# announcement re-sets the view's scatter items and hands the data to the
# training worker, so 25 per second keeps the brush smooth without flooding.
STROKE_EMIT_INTERVAL_MS = 40
# ... and at most this share of the GUI thread's time goes to announcements:
# on a big dataset (re-setting 10k scatter points costs 25-35 ms) the interval
# grows to cost / share, so mouse events and repaints still get through.
STROKE_EMIT_SHARE = 0.3

# A press that moves less than this many pixels before release is a click.
CLICK_SLOP_PX = 3.0

# How close (pixels) a press must be to a point to grab it with Move / Select.
HIT_RADIUS_PX = 8.0

# Diameter (pixels) of the halo under a selected point (points are ~9 px).
SELECTION_HALO_SIZE = 17


class Tool(enum.Enum):
    """The mouse tools; Clear is an action, not a tool."""

    PUT = "put"
    BRUSH = "brush"
    ERASE = "erase"
    MOVE = "move"
    SELECT = "select"


def drawable_reason(dataset: Dataset) -> str | None:
    """Why ``dataset`` cannot be drawn on with the mouse, or None when it can.

    Drawable: classification with 2 features; regression with 1 or 2 features
    and one target column, that is not a time-series window.
    """
    if dataset.time is not None:
        return "Time-series windows cannot be drawn; start a new empty canvas to draw."
    if dataset.task == "classification":
        if dataset.n_features != 2:
            return (
                f"Drawing needs 2 features; this dataset has {dataset.n_features}. "
                "Start a new empty canvas to draw."
            )
        return None
    if np.ndim(dataset.y) != 1:
        return "Drawing needs a single regression target; this dataset has several."
    if dataset.n_features not in (1, 2):
        return (
            f"Drawing needs 1 or 2 features; this dataset has {dataset.n_features}. "
            "Start a new empty canvas to draw."
        )
    return None


def other_class(current: int, previous: int | None, n_classes: int) -> int:
    """The class a right-click or Shift+click draws with.

    Two classes: the other one. More: the class picked before the current one
    (like a paint program's background colour), or the next code
    ``(current + 1) % n_classes`` when there is none yet. One class: itself.
    """
    if n_classes <= 1:
        return current
    if n_classes == 2:
        return 1 - current
    if previous is not None and previous != current and 0 <= previous < n_classes:
        return previous
    return (current + 1) % n_classes


def _distance_to_segment(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each row of ``points`` (n, 2) to the segment ``a``-``b``.

    ``t = clip(((p - a) . (b - a)) / |b - a|^2, 0, 1)``, distance ``|p - (a + t (b - a))|``.
    """
    ab = b - a
    length_sq = float(ab @ ab)
    if length_sq == 0.0:
        return np.hypot(*(points - a).T)
    t = np.clip((points - a) @ ab / length_sq, 0.0, 1.0)  # (n,)
    closest = a + t[:, None] * ab  # (n, 2)
    return np.hypot(*(points - closest).T)


class DrawController(QObject):
    """Draw tools on a pyqtgraph plot, editing a Dataset through an Editor.

    Parameters
    ----------
    editor : Editor
        The undoable editing model; the controller is the only caller while
        attached, so every edit is announced.
    plot_item : pg.PlotItem, optional
        Attach at once (see :meth:`attach`).
    random_state : int or None
        Seed of the brush's spray positions.

    Signals
    -------
    dataset_edited(Dataset)
        After each edit (throttled to one per ``STROKE_EMIT_INTERVAL_MS``
        during a stroke, and always at its end): the window should show it and
        train on it without resetting the model.
    dataset_replaced(Dataset)
        A new starting point (new canvas, loaded CSV): reset training.
    history_changed()
        can_undo / can_redo may have changed.
    classes_changed()
        Class names or the number of classes (or the task) changed.
    current_class_changed(int), tool_changed(object), selection_changed(int)
    drawable_changed(bool, str)
        Whether the current dataset can be drawn on, and why not.
    """

    dataset_edited = Signal(object)
    dataset_replaced = Signal(object)
    history_changed = Signal()
    classes_changed = Signal()
    current_class_changed = Signal(int)
    tool_changed = Signal(object)
    selection_changed = Signal(int)
    drawable_changed = Signal(bool, str)
    radius_changed = Signal(float)
    density_changed = Signal(int)

    def __init__(self, editor: Editor, plot_item: pg.PlotItem | None = None, *,
                 random_state: int | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._editor = editor
        self._rng = np.random.default_rng(random_state)
        self._tool = Tool.PUT
        self._current_class = 0
        self._previous_class: int | None = None
        self._radius = 30.0  # pixels
        self._density = 5  # points per brush dab
        self.target_value = 1.0  # label of drawn points in 2-feature regression
        self._selection = np.empty(0, dtype=np.int64)

        self._plot_item: pg.PlotItem | None = None
        self._viewport = None
        self._saved_mouse_enabled: list[bool] | None = None
        self._saved_auto_range: list | None = None
        self._cursor_item: QGraphicsEllipseItem | None = None
        self._band_item: QGraphicsRectItem | None = None
        self._rings_item: pg.ScatterPlotItem | None = None
        self._preview_item: pg.ScatterPlotItem | None = None
        self._announced: Dataset = editor.dataset  # the dataset last announced
        self._class_brushes = [pg.mkBrush(rgb) for rgb in PALETTE]

        # The gesture in progress (one press .. release).
        self._gesture: str | None = None  # "paint", "erase", "move", "band", "idle" or None
        self._press_scene: QPointF | None = None
        self._last_scene: QPointF | None = None
        self._gesture_label = None
        self._gesture_button = Qt.MouseButton.NoButton
        self._dab_carry = 0.0  # pixels travelled since the last brush dab
        self._move_indices = np.empty(0, dtype=np.int64)
        self._group_open = False

        # Throttled announcement of edits (see STROKE_EMIT_INTERVAL_MS).
        self._emit_pending = False
        self._emit_cost_ms = 0.0
        self._emit_clock = QElapsedTimer()
        self._emit_clock.start()
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.timeout.connect(self._flush_edit)

        if plot_item is not None:
            self.attach(plot_item)

    # ------------------------------------------------------------------ state
    @property
    def editor(self) -> Editor:
        return self._editor

    @property
    def dataset(self) -> Dataset:
        return self._editor.dataset

    @property
    def plot_item(self) -> pg.PlotItem | None:
        return self._plot_item

    @property
    def attached(self) -> bool:
        return self._plot_item is not None

    @property
    def drawable(self) -> bool:
        return drawable_reason(self.dataset) is None

    @property
    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: Tool | str) -> None:
        tool = Tool(tool)
        if tool == self._tool:
            return
        self._finish_gesture()
        self._tool = tool
        self._update_cursor_look()
        self.tool_changed.emit(tool)

    @property
    def current_class(self) -> int:
        return self._current_class

    def set_current_class(self, code: int) -> None:
        """Pick the class new points get (ignored outside 0..n_classes-1)."""
        code = int(code)
        if not 0 <= code < max(self.dataset.n_classes, 1) or code == self._current_class:
            return
        self._previous_class = self._current_class
        self._current_class = code
        self.current_class_changed.emit(code)

    def other_class(self) -> int:
        """See :func:`other_class`."""
        return other_class(self._current_class, self._previous_class, self.dataset.n_classes)

    @property
    def radius(self) -> float:
        """Brush and eraser radius in screen pixels."""
        return self._radius

    def set_radius(self, pixels: float) -> None:
        pixels = float(pixels)
        if not 1.0 <= pixels <= 500.0:
            raise ValueError(f"radius must be in [1, 500] pixels, got {pixels!r}")
        if pixels != self._radius:
            self._radius = pixels
            self._update_cursor_look()
            self.radius_changed.emit(pixels)

    @property
    def density(self) -> int:
        """Points sprayed per brush dab; a dab falls every half radius of travel."""
        return self._density

    def set_density(self, points: int) -> None:
        if int(points) != points or not 1 <= points <= 200:
            raise ValueError(f"density must be an integer in [1, 200], got {points!r}")
        if int(points) != self._density:
            self._density = int(points)
            self.density_changed.emit(self._density)

    @property
    def selection(self) -> np.ndarray:
        """Indices (into the dataset's rows) of the selected points, sorted."""
        return self._selection.copy()

    def set_selection(self, indices) -> None:
        indices = np.unique(np.asarray(indices, dtype=np.int64))
        indices = indices[(indices >= 0) & (indices < self.dataset.n_samples)]
        if np.array_equal(indices, self._selection):
            return
        self._selection = indices
        self._update_rings()
        self.selection_changed.emit(len(indices))

    def clear_selection(self) -> None:
        self.set_selection(np.empty(0, dtype=np.int64))

    # ------------------------------------------------------- attach / detach
    def attach(self, plot_item: pg.PlotItem) -> None:
        """Take the mouse on ``plot_item``'s ViewBox: draw tools instead of pan/zoom.

        The ViewBox's mouse pan/zoom and auto-range are switched off (a view
        that re-framed itself around the data while a stroke grows would slide
        away under the cursor) and restored by :meth:`detach`.
        """
        if plot_item is self._plot_item:
            return
        self.detach()
        scene = plot_item.scene()
        if scene is None or not scene.views():
            raise ValueError("plot_item must be shown in a pyqtgraph GraphicsView (PlotWidget)")
        self._plot_item = plot_item
        view_box = plot_item.getViewBox()
        self._saved_mouse_enabled = view_box.mouseEnabled()
        self._saved_auto_range = list(view_box.state["autoRange"])
        view_box.setMouseEnabled(x=False, y=False)
        view_box.disableAutoRange()
        self._viewport = scene.views()[0].viewport()
        self._viewport.installEventFilter(self)

        self._cursor_item = QGraphicsEllipseItem()
        self._cursor_item.setZValue(1e9)
        self._cursor_item.setVisible(False)
        scene.addItem(self._cursor_item)

        self._band_item = QGraphicsRectItem()
        band_pen = QPen(QColor(30, 30, 30), 0, Qt.PenStyle.DashLine)
        band_pen.setCosmetic(True)
        self._band_item.setPen(band_pen)
        self._band_item.setBrush(QColor(60, 120, 220, 40))
        self._band_item.setZValue(1e8)
        self._band_item.setVisible(False)
        view_box.addItem(self._band_item, ignoreBounds=True)

        # A yellow halo under the selected points (the views' dark rings
        # already mean "misclassified"; yellow is no class colour).
        self._rings_item = pg.ScatterPlotItem(
            size=SELECTION_HALO_SIZE, pen=pg.mkPen((190, 150, 0), width=1),
            brush=pg.mkBrush(255, 214, 10, 200), pxMode=True,
        )
        self._rings_item.setZValue(9)  # the views draw their points at z = 10
        view_box.addItem(self._rings_item, ignoreBounds=True)

        self._preview_item = pg.ScatterPlotItem(size=PREVIEW_SIZE, pen=pg.mkPen("w", width=1), pxMode=True)
        self._preview_item.setZValue(11)
        view_box.addItem(self._preview_item, ignoreBounds=True)
        self._update_rings()
        self._update_cursor_look()

    def detach(self) -> None:
        """Give pan/zoom back to the plot and remove the overlays."""
        if self._plot_item is None:
            return
        self._finish_gesture()
        plot_item, self._plot_item = self._plot_item, None
        view_box = plot_item.getViewBox()
        if self._viewport is not None:
            self._viewport.removeEventFilter(self)
            self._viewport.unsetCursor()
        self._viewport = None
        if self._saved_mouse_enabled is not None:
            view_box.setMouseEnabled(*self._saved_mouse_enabled)
        if self._saved_auto_range is not None:
            for axis, enabled in enumerate(self._saved_auto_range):
                if enabled is not False:
                    view_box.enableAutoRange(axis=axis, enable=enabled)
        for item in (self._band_item, self._rings_item, self._preview_item):
            if item is not None:
                view_box.removeItem(item)
        if self._cursor_item is not None and self._cursor_item.scene() is not None:
            self._cursor_item.scene().removeItem(self._cursor_item)
        self._cursor_item = self._band_item = self._rings_item = self._preview_item = None

    # ------------------------------------------------------------ dataset edits
    def set_editor(self, editor: Editor) -> None:
        """Edit through another Editor (another history)."""
        self._finish_gesture()
        self._editor = editor
        self._after_replace()

    def follow_dataset(self, dataset: Dataset) -> None:
        """The dataset was changed elsewhere (e.g. regenerated): make it the
        editor's new starting point (undoable) without announcing it back."""
        if dataset is self.dataset:
            return
        self._finish_gesture()
        self._editor.set_dataset(dataset)
        self._after_replace()

    def replace_dataset(self, dataset: Dataset) -> None:
        """Start from ``dataset`` (new canvas, loaded file): undoable, and
        announced with :attr:`dataset_replaced` so training restarts."""
        self._finish_gesture()
        self._editor.set_dataset(dataset)
        self._after_replace()
        self.dataset_replaced.emit(self.dataset)

    def undo(self) -> bool:
        """Undo the last edit (a whole stroke or drag). False when nothing to undo."""
        self._finish_gesture()
        if not self._editor.can_undo:
            return False
        old = self.dataset
        self._editor.undo()
        self._after_history_jump(old)
        return True

    def redo(self) -> bool:
        self._finish_gesture()
        if not self._editor.can_redo:
            return False
        old = self.dataset
        self._editor.redo()
        self._after_history_jump(old)
        return True

    def clear(self) -> None:
        """Remove every point (one undo step); classes stay."""
        self._finish_gesture()
        if self.dataset.n_samples == 0:
            return
        self._editor.clear()
        self._edited(selection_valid=False)

    def delete_selection(self) -> int:
        """Delete the selected points (one undo step); returns how many."""
        self._finish_gesture()
        count = len(self._selection)
        if count:
            self._editor.delete(self._selection)
            self._edited(selection_valid=False)
        return count

    def relabel_selection(self, code: int | None = None) -> int:
        """Give the selected points class ``code`` (default: the current class)."""
        self._finish_gesture()
        if self.dataset.task != "classification" or not len(self._selection):
            return 0
        code = self._current_class if code is None else int(code)
        self._editor.relabel(self._selection, code)
        self._edited(selection_valid=True)
        return len(self._selection)

    def select_all(self) -> None:
        self.set_selection(np.arange(self.dataset.n_samples))

    def add_class(self, name: str | None = None) -> int:
        """Add an empty class (at most 8) and make it current; returns its code."""
        self._finish_gesture()
        if self.dataset.task != "classification":
            raise ValueError("add_class: the dataset is a regression dataset, it has no classes")
        if self.dataset.n_classes >= MAX_CLASSES:
            raise ValueError(f"add_class: at most {MAX_CLASSES} classes (one colour each)")
        self._editor.add_class(name)
        self._edited(selection_valid=True, classes=True)
        code = self.dataset.n_classes - 1
        self.set_current_class(code)
        return code

    def remove_class(self, code: int) -> None:
        """Remove class ``code`` and its points; higher codes shift down."""
        self._finish_gesture()
        if not 0 <= code < self.dataset.n_classes:
            raise ValueError(f"remove_class: code must be in [0, {self.dataset.n_classes}), got {code!r}")
        if self.dataset.n_classes <= 1:
            raise ValueError("remove_class: the last class cannot be removed")
        self._editor.remove_class(code)
        self._edited(selection_valid=False, classes=True)

    def rename_class(self, code: int, name: str) -> None:
        self._finish_gesture()
        name = str(name).strip()
        if not name or name == self.dataset.class_names[code]:
            return
        self._editor.rename_class(code, name)
        self._edited(selection_valid=True, classes=True)

    def put_point(self, xy, label=None) -> None:
        """Add one point at view coordinates ``xy`` (see module docstring)."""
        self._finish_gesture()
        self._add_points(np.asarray(xy, dtype=float).reshape(1, 2), self._label(False) if label is None else label)
        self._edited(selection_valid=True)

    # ----------------------------------------------------------- mouse events
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is not self._viewport or self._plot_item is None:
            return False
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            return self._on_press(event)
        if kind == QEvent.Type.MouseMove:
            return self._on_move(event)
        if kind == QEvent.Type.MouseButtonRelease:
            return self._on_release(event)
        if kind == QEvent.Type.Leave:
            if self._cursor_item is not None:
                self._cursor_item.setVisible(False)
        elif kind == QEvent.Type.ContextMenu:
            # Right-click draws with the other class: no ViewBox menu while drawing.
            return self.drawable
        return False

    def _scene_pos(self, event) -> QPointF:
        return self._viewport.parent().mapToScene(event.position().toPoint())

    def _in_view_box(self, scene_pos: QPointF) -> bool:
        return self._plot_item.getViewBox().sceneBoundingRect().contains(scene_pos)

    def _to_view(self, scene_pos: QPointF) -> np.ndarray:
        point = self._plot_item.getViewBox().mapSceneToView(scene_pos)
        return np.array([point.x(), point.y()])

    def _on_press(self, event) -> bool:
        if self._gesture is not None:
            return True  # a second button during a gesture: ignore it
        scene_pos = self._scene_pos(event)
        if not self.drawable or not self._in_view_box(scene_pos):
            return False
        button = event.button()
        # Every press taken here owns its moves and release ("idle" when the
        # tool has nothing to do), so pyqtgraph never sees half a drag.
        self._gesture = "idle"
        self._gesture_button = button
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return True
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        use_other = button == Qt.MouseButton.RightButton or (shift and self._tool != Tool.SELECT)
        self._press_scene = self._last_scene = scene_pos
        self._update_cursor_position(scene_pos)
        tool = self._tool
        if tool in (Tool.PUT, Tool.BRUSH):
            self._gesture = "paint"
            self._gesture_label = self._label(use_other)
            self._dab_carry = 0.0
            if tool == Tool.PUT:
                self._add_points(self._to_view(scene_pos)[None, :], self._gesture_label)
            else:
                self._spray(scene_pos)
            self._edited(selection_valid=True, in_stroke=True)
        elif tool == Tool.ERASE:
            self._gesture = "erase"
            self._erase_segment(scene_pos, scene_pos)
        elif tool == Tool.MOVE:
            if button != Qt.MouseButton.LeftButton:
                return True
            hit = self._point_at(scene_pos)
            if hit is None:
                return True
            self._gesture = "move"
            self._move_indices = self._selection if hit in self._selection else np.array([hit])
            self._viewport.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif tool == Tool.SELECT:
            if button != Qt.MouseButton.LeftButton:
                return True
            self._gesture = "band"
            self._gesture_label = shift  # extend the selection
            self._update_band(scene_pos, scene_pos)
        return True

    def _on_move(self, event) -> bool:
        scene_pos = self._scene_pos(event)
        self._update_cursor_position(scene_pos)
        if self._gesture is None:
            return False  # hover: let pyqtgraph see it
        previous, self._last_scene = self._last_scene, scene_pos
        if self._gesture == "paint":
            if self._tool == Tool.BRUSH:
                self._spray_along(previous, scene_pos)
        elif self._gesture == "erase":
            self._erase_segment(previous, scene_pos)
        elif self._gesture == "move":
            delta = self._to_view(scene_pos) - self._to_view(previous)
            if np.any(delta):
                self._move_points(self._move_indices, delta)
                self._edited(selection_valid=True, in_stroke=True)
        elif self._gesture == "band":
            self._update_band(self._press_scene, scene_pos)
        return True

    def _on_release(self, event) -> bool:
        if self._gesture is None:
            # Our press was refused (outside the ViewBox): not ours to take.
            return False
        if event.button() != self._gesture_button:
            return True  # another button let go during the gesture
        scene_pos = self._scene_pos(event)
        if self._gesture == "band":
            self._select_band(self._press_scene, scene_pos, extend=bool(self._gesture_label))
        self._finish_gesture()
        return True

    def _finish_gesture(self) -> None:
        """End the gesture in progress: close its undo group and announce it."""
        gesture, self._gesture = self._gesture, None
        if gesture == "band" and self._band_item is not None:
            self._band_item.setVisible(False)
        if gesture == "move":
            self._update_cursor_look()
        if self._group_open:
            self._group_open = False
            self._editor.end_group()
            self.history_changed.emit()
        self._press_scene = self._last_scene = None
        self._flush_edit()

    # --------------------------------------------------------------- the tools
    def _label(self, use_other: bool):
        ds = self.dataset
        if ds.task == "classification":
            return self.other_class() if use_other else self._current_class
        if ds.n_features == 2:
            return -self.target_value if use_other else self.target_value
        return None  # 1 feature: the label is the point's y

    def _ensure_group(self) -> None:
        """Open the gesture's undo group before its first edit, so a gesture
        that changes nothing (an erase over empty space) leaves no undo step."""
        if self._gesture is not None and not self._group_open:
            self._editor.begin_group()
            self._group_open = True

    def _add_points(self, view_xy: np.ndarray, label) -> None:
        """Add points at view coordinates ``view_xy`` (m, 2) within the open group.

        One point goes through ``Editor.add_point``; a brush dab of several is
        one commit of the grown dataset (``Editor.set_dataset``, inside the
        stroke's group), not one array copy per point.
        """
        self._ensure_group()
        ds = self.dataset
        one_feature = ds.task == "regression" and ds.n_features == 1
        if len(view_xy) == 1:
            x, y = view_xy[0]
            if one_feature:
                self._editor.add_point((x,), float(y))
            else:
                self._editor.add_point((x, y), label)
            return
        if one_feature:
            new_X, new_y = view_xy[:, :1], view_xy[:, 1]  # (m, 1), (m,)
        else:
            new_X, new_y = view_xy, np.full(len(view_xy), label, dtype=ds.y.dtype)
        self._editor.set_dataset(ds.replace(
            X=np.concatenate([ds.X, new_X]), y=np.concatenate([ds.y, new_y]), time=None
        ))

    def _spray(self, scene_center: QPointF) -> None:
        """One brush dab: ``density`` points uniform in the disc of ``radius`` pixels.

        Uniform in a disc: ``r = R sqrt(u)``, ``theta = 2 pi v`` with ``u, v ~ U[0, 1)``.
        """
        n = self._density
        r = self._radius * np.sqrt(self._rng.random(n))
        theta = 2.0 * np.pi * self._rng.random(n)
        view_box = self._plot_item.getViewBox()
        points = [
            view_box.mapSceneToView(QPointF(scene_center.x() + dx, scene_center.y() + dy))
            for dx, dy in zip(r * np.cos(theta), r * np.sin(theta))
        ]
        self._add_points(np.array([[p.x(), p.y()] for p in points]), self._gesture_label)

    def _spray_along(self, start: QPointF, end: QPointF) -> None:
        """Dabs every half radius of travel, interpolated along the segment so a
        fast stroke leaves no gaps."""
        spacing = max(self._radius / 2.0, 2.0)
        a = np.array([start.x(), start.y()])
        b = np.array([end.x(), end.y()])
        length = float(np.hypot(*(b - a)))
        travelled = self._dab_carry + length
        if travelled < spacing:
            self._dab_carry = travelled
            return
        distance = spacing - self._dab_carry  # along the segment, of the first dab
        while distance <= length:
            point = a + (b - a) * (distance / length)
            self._spray(QPointF(point[0], point[1]))
            distance += spacing
        self._dab_carry = length - (distance - spacing)
        self._edited(selection_valid=True, in_stroke=True)

    def _scene_points(self) -> np.ndarray:
        """The dataset's points in scene (= viewport pixel) coordinates, (n, 2).

        The ViewBox's child transform is affine: ``scene = [x, y, 1] @ M`` with
        ``M = [[m11, m12], [m21, m22], [m31, m32]]``.
        """
        view_xy = self.view_points(self.dataset)
        if len(view_xy) == 0:
            return np.empty((0, 2))
        t = self._plot_item.getViewBox().childGroup.sceneTransform()
        matrix = np.array([[t.m11(), t.m12()], [t.m21(), t.m22()], [t.m31(), t.m32()]])
        return np.column_stack([view_xy, np.ones(len(view_xy))]) @ matrix

    @staticmethod
    def view_points(dataset: Dataset) -> np.ndarray:
        """Where each row of ``dataset`` sits on the plot, (n, 2) view coordinates."""
        if dataset.task == "regression" and dataset.n_features == 1:
            return np.column_stack([dataset.X[:, 0], dataset.y])
        return np.asarray(dataset.X[:, :2], dtype=float)

    def _erase_segment(self, start: QPointF, end: QPointF) -> None:
        """Delete every point whose pixel distance to the swept segment is <= radius."""
        points = self._scene_points()
        if len(points) == 0:
            return
        distance = _distance_to_segment(
            points, np.array([start.x(), start.y()]), np.array([end.x(), end.y()])
        )
        doomed = np.flatnonzero(distance <= self._radius)
        if len(doomed):
            self._ensure_group()
            self._editor.delete(doomed)
            self._edited(selection_valid=False, in_stroke=True)

    def _point_at(self, scene_pos: QPointF) -> int | None:
        """Index of the point nearest ``scene_pos`` within HIT_RADIUS_PX, else None."""
        points = self._scene_points()
        if len(points) == 0:
            return None
        distance = np.hypot(points[:, 0] - scene_pos.x(), points[:, 1] - scene_pos.y())
        nearest = int(np.argmin(distance))
        return nearest if distance[nearest] <= HIT_RADIUS_PX else None

    def _move_points(self, indices: np.ndarray, delta: np.ndarray) -> None:
        """Shift points by ``delta`` (view coordinates). In a 1-feature
        regression the y shift changes each point's target."""
        self._ensure_group()
        ds = self.dataset
        if ds.task == "regression" and ds.n_features == 1:
            X, y = ds.X.copy(), ds.y.copy()
            X[indices, 0] += delta[0]
            y[indices] += delta[1]
            self._editor.set_dataset(ds.replace(X=X, y=y))
        else:
            self._editor.move(indices, delta)

    def _select_band(self, start: QPointF, end: QPointF, *, extend: bool) -> None:
        points = self._scene_points()
        if math.hypot(end.x() - start.x(), end.y() - start.y()) < CLICK_SLOP_PX:
            hit = self._point_at(end)
            chosen = np.empty(0, dtype=np.int64) if hit is None else np.array([hit])
        else:
            rect = QRectF(start, end).normalized()
            inside = (
                (points[:, 0] >= rect.left()) & (points[:, 0] <= rect.right())
                & (points[:, 1] >= rect.top()) & (points[:, 1] <= rect.bottom())
            ) if len(points) else np.zeros(0, dtype=bool)
            chosen = np.flatnonzero(inside)
        if extend:
            chosen = np.union1d(self._selection, chosen)
        self.set_selection(chosen)

    # ------------------------------------------------------------- announcing
    def _edited(self, *, selection_valid: bool, in_stroke: bool = False, classes: bool = False) -> None:
        """Bookkeeping after the editor changed the dataset."""
        if not selection_valid:
            self.clear_selection()
        else:
            self._update_rings()
        if self._current_class >= max(self.dataset.n_classes, 1):
            self._current_class = max(self.dataset.n_classes - 1, 0)
            self.current_class_changed.emit(self._current_class)
        if classes:
            self.classes_changed.emit()
        if not self._group_open:
            self.history_changed.emit()
        self._emit_pending = True
        if in_stroke:
            self._update_preview()
        if not in_stroke:
            self._flush_edit()
        elif not self._emit_timer.isActive():
            interval = max(STROKE_EMIT_INTERVAL_MS, round(self._emit_cost_ms / STROKE_EMIT_SHARE))
            waited = self._emit_clock.elapsed()
            if waited >= interval:
                self._flush_edit()
            else:
                self._emit_timer.start(interval - waited)

    def _flush_edit(self) -> None:
        self._emit_timer.stop()
        if not self._emit_pending:
            return
        self._emit_pending = False
        self._emit_clock.restart()
        self._announced = self.dataset
        if self._preview_item is not None:
            self._preview_item.clear()  # the view is about to show these points
        started = QElapsedTimer()
        started.start()
        self.dataset_edited.emit(self.dataset)
        # What showing an edit costs (moving average), for the stroke throttle.
        self._emit_cost_ms = 0.7 * self._emit_cost_ms + 0.3 * started.elapsed()

    def _after_history_jump(self, old: Dataset) -> None:
        new = self.dataset
        same_rows = new.n_samples == old.n_samples
        classes = new.class_names != old.class_names or new.task != old.task
        self._edited(selection_valid=same_rows, classes=classes)
        self._check_drawable(old)

    def _after_replace(self) -> None:
        """The editor's dataset was replaced: reset what depended on the old one."""
        self._view_frame = None  # the view frames the new data itself
        self._announced = self.dataset
        self._emit_pending = False
        self._emit_timer.stop()
        self._selection = np.empty(0, dtype=np.int64)
        self._update_rings()
        self.selection_changed.emit(0)
        if self._current_class >= max(self.dataset.n_classes, 1):
            self._current_class = 0
            self.current_class_changed.emit(0)
        self.classes_changed.emit()
        self.history_changed.emit()
        self._check_drawable(None)

    def _check_drawable(self, old: Dataset | None) -> None:
        reason = drawable_reason(self.dataset)
        if old is not None and (drawable_reason(old) is None) == (reason is None):
            return
        self._update_cursor_look()
        self.drawable_changed.emit(reason is None, reason or "")

    # ---------------------------------------------------------------- overlays
    def _update_rings(self) -> None:
        if self._rings_item is None:
            return
        if len(self._selection) and self._selection[-1] < self.dataset.n_samples:
            xy = self.view_points(self.dataset)[self._selection]
            self._rings_item.setData(pos=xy)
        else:
            self._rings_item.setData(pos=np.empty((0, 2)))

    def _update_preview(self) -> None:
        """Show at once what the view will show at the next announcement: the
        points a stroke added since the last one, or the points being moved
        (announcements are throttled, heavily on big datasets)."""
        if self._preview_item is None:
            return
        ds, announced = self.dataset, self._announced
        if self._gesture == "move":
            rows = self._move_indices
        elif self._gesture == "paint" and ds.n_samples > announced.n_samples:
            rows = np.arange(announced.n_samples, ds.n_samples)
        else:
            self._preview_item.clear()
            return
        xy = self.view_points(ds)[rows]
        if ds.task == "classification":
            brush = [self._class_brushes[code % len(PALETTE)] for code in ds.y[rows]]
        else:
            brush = pg.mkBrush(PREVIEW_NEUTRAL)
        self._preview_item.setData(pos=xy, brush=brush)

    def _update_band(self, start: QPointF, end: QPointF) -> None:
        view_box = self._plot_item.getViewBox()
        a, b = view_box.mapSceneToView(start), view_box.mapSceneToView(end)
        self._band_item.setRect(QRectF(a, b).normalized())
        self._band_item.setVisible(True)

    def _update_cursor_look(self) -> None:
        if self._cursor_item is None:
            return
        radius = self._radius
        self._cursor_item.setRect(QRectF(-radius, -radius, 2 * radius, 2 * radius))
        color = QColor(200, 40, 40) if self._tool == Tool.ERASE else QColor(25, 25, 25)
        pen = QPen(color, 1.5, Qt.PenStyle.SolidLine)
        pen.setCosmetic(True)
        self._cursor_item.setPen(pen)
        fill = QColor(color)
        fill.setAlpha(28)
        self._cursor_item.setBrush(fill)
        shows_radius = self._tool in (Tool.BRUSH, Tool.ERASE) and self.drawable
        if not shows_radius:
            self._cursor_item.setVisible(False)
        if self._viewport is not None:
            shape = {
                Tool.MOVE: Qt.CursorShape.OpenHandCursor,
                Tool.SELECT: Qt.CursorShape.CrossCursor,
            }.get(self._tool, Qt.CursorShape.CrossCursor)
            if self.drawable:
                self._viewport.setCursor(shape)
            else:
                self._viewport.unsetCursor()

    def _update_cursor_position(self, scene_pos: QPointF) -> None:
        if self._cursor_item is None:
            return
        self._cursor_item.setPos(scene_pos)
        shows_radius = self._tool in (Tool.BRUSH, Tool.ERASE) and self.drawable
        self._cursor_item.setVisible(shows_radius and self._in_view_box(scene_pos))
