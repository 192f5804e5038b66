"""The network diagram's widget (Qt): draws a finished ``DiagramFrame``.

A plain ``QGraphicsView`` at one scene pixel per screen pixel, whose items
all paint in C++: one pixmap item holds every node's picture (composed in
the render process), a second one, transparent, the weight lines; simple
text items hold the names (re-made only when they change), a rectangle
frames the node the data view shows. Per frame the GUI thread sets one
pixmap.

The lines are drawn into their picture by ``QPainter.drawLines`` (grouped
by look) only when their looks changed, and while training at most every
LINE_REDRAW_INTERVAL (longer when drawing them takes long: at most
LINE_SHARE of the GUI thread's time): a line's look changes only when its
weight crosses one of the six strength levels, and stroking a few hundred
wide antialiased lines is slow in Qt's raster engine (W2, 416 lines: 11-13
ms a frame as path items, which Qt strokes again on every frame since the
nodes' picture under them changes; 20-24 ms with ``drawLines``). They are
drawn without antialiasing at twice the size and scaled down smoothly: the
same look for a fifth of the time (W2: 4.6 ms).

Hovering answers from the frame's arrays (which node, which line), clicking
a node emits ``unit_clicked``.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ._visible import WatchedWidget
from .anatomy import level_style, number
from .colors import FOREGROUND, MUTED

#: ms a resize must rest before the drawing is made at the new size
RESIZE_SETTLE_MS = 120
#: seconds between two redraws of the weight lines while their looks keep changing
LINE_REDRAW_INTERVAL = 0.4
#: ... or more, so that drawing them takes at most this share of the GUI thread
LINE_SHARE = 0.02
#: the lines are drawn at this many times the size, then scaled down smoothly
LINE_SUPERSAMPLING = 2
#: how near (pixels) the pointer must be to a line to tell its weight
LINE_PICK_DISTANCE = 4.0
MIN_CANVAS = (160, 120)
#: the drawing's size moves in steps of this many pixels
CANVAS_STEP = 32


def line_pen(level: int, scale: float = 1.0) -> QtGui.QPen:
    """The pen of a weight line of signed strength ``level`` (its width times ``scale``)."""
    rgb, alpha, width = level_style(level)
    pen = QtGui.QPen(QtGui.QColor(*rgb, int(round(alpha * 255))))
    pen.setWidthF(width * scale)
    pen.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    return pen


def _same_lines(first, second) -> bool:
    """Whether two frames' lines look the same (the same segments at the same levels)."""
    return len(first) == len(second) and all(
        a[0] == b[0] and np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2]) for a, b in zip(first, second))


class DiagramCanvas(QtWidgets.QGraphicsView):
    """The drawing: items made once, fed arrays per frame."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QtWidgets.QGraphicsScene(self))
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.setBackgroundBrush(QtGui.QBrush(QtGui.QColor(255, 255, 255)))
        self.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        self.setMouseTracking(True)
        self.setMinimumSize(*MIN_CANVAS)
        scene = self.scene()
        self.pixmap_item = QtWidgets.QGraphicsPixmapItem()
        self.pixmap_item.setZValue(0)
        scene.addItem(self.pixmap_item)
        self.lines_item = QtWidgets.QGraphicsPixmapItem()  # the weight lines, over the nodes' picture
        self.lines_item.setZValue(1)
        scene.addItem(self.lines_item)
        #: the lines drawn: ``(canvas, sizes, lines, line_width)`` of the frame they were drawn from
        self.drawn_lines = None
        self._lines_drawn_at = -np.inf
        self._line_interval = LINE_REDRAW_INTERVAL
        self._pending_lines = None
        self._lines_timer = QtCore.QTimer(self)
        self._lines_timer.setSingleShot(True)
        self._lines_timer.timeout.connect(self._draw_pending_lines)
        self.focus_item = QtWidgets.QGraphicsRectItem()
        focus_pen = QtGui.QPen(QtGui.QColor(20, 20, 20))
        focus_pen.setWidthF(2.0)
        self.focus_item.setPen(focus_pen)
        self.focus_item.setZValue(5)
        self.focus_item.hide()
        scene.addItem(self.focus_item)
        self.text_items: list[QtWidgets.QGraphicsSimpleTextItem] = []
        self._text_key = None
        self.frame = None  # the DiagramFrame shown

    # -- per frame -----------------------------------------------------------
    def show_diagram(self, frame) -> None:
        width, height = frame.canvas
        image = np.ascontiguousarray(frame.image)
        qimage = QtGui.QImage(image.data, width, height, image.strides[0], QtGui.QImage.Format.Format_RGB32)
        self.pixmap_item.setPixmap(QtGui.QPixmap.fromImage(qimage))  # copies the pixels
        self._update_lines(frame)
        self.frame = frame
        self._set_texts(frame.titles, frame.labels)
        self.scene().setSceneRect(0, 0, width, height)

    def clear(self) -> None:
        self.pixmap_item.setPixmap(QtGui.QPixmap())
        self.lines_item.setPixmap(QtGui.QPixmap())
        self._lines_timer.stop()
        self._pending_lines = self.drawn_lines = None
        self.frame = None
        self._set_texts((), ())

    # -- the weight lines: re-drawn when their looks change, at most every LINE_REDRAW_INTERVAL --
    def _update_lines(self, frame) -> None:
        drawn = self.drawn_lines
        if (drawn is not None and drawn[:2] == (frame.canvas, frame.sizes) and drawn[3] == frame.line_width
                and _same_lines(drawn[2], frame.lines)):
            self._pending_lines = None
            return
        moved = drawn is None or drawn[:2] != (frame.canvas, frame.sizes)  # other places: draw at once
        wait = self._line_interval - (time.monotonic() - self._lines_drawn_at)
        if moved or wait <= 0:
            self._draw_lines(frame)
        else:
            self._pending_lines = frame
            if not self._lines_timer.isActive():
                self._lines_timer.start(max(1, int(wait * 1000)))

    def _draw_pending_lines(self) -> None:
        if self._pending_lines is not None:
            self._draw_lines(self._pending_lines)

    def _draw_lines(self, frame) -> None:
        """Draw ``frame``'s weight lines into the lines' picture, weakest first."""
        started = time.thread_time()
        self._pending_lines = None
        self._lines_timer.stop()
        width, height = frame.canvas
        scale = LINE_SUPERSAMPLING
        image = QtGui.QImage(width * scale, height * scale, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QtCore.Qt.GlobalColor.transparent)
        painter = QtGui.QPainter(image)
        painter.scale(scale, scale)
        for level, x, y in frame.lines:
            painter.setPen(line_pen(level, frame.line_width))
            painter.drawLines([QtCore.QLineF(*end) for end in zip(x[::2], y[::2], x[1::2], y[1::2])])
        painter.end()
        image = image.scaled(width, height, QtCore.Qt.AspectRatioMode.IgnoreAspectRatio,
                             QtCore.Qt.TransformationMode.SmoothTransformation)
        self.lines_item.setPixmap(QtGui.QPixmap.fromImage(image))
        self.drawn_lines = (frame.canvas, frame.sizes, frame.lines, frame.line_width)
        self._lines_drawn_at = time.monotonic()
        self._line_interval = max(LINE_REDRAW_INTERVAL, (time.thread_time() - started) / LINE_SHARE)

    def _set_texts(self, titles, labels) -> None:
        """The column titles and node names (re-made only when they change)."""
        key = (titles, labels)
        if key == self._text_key:
            return
        self._text_key = key
        scene = self.scene()
        for item in self.text_items:
            scene.removeItem(item)
        self.text_items = []
        title_font, name_font = QtGui.QFont(), QtGui.QFont()
        title_font.setPointSizeF(8.5)
        title_font.setBold(True)
        name_font.setPointSizeF(8.0)
        for x, text in titles:
            item = self._text(text, title_font, FOREGROUND)
            item.setPos(x - item.boundingRect().width() / 2, 3)
        for x, y, text, align in labels:
            item = self._text(text, name_font, FOREGROUND)
            box = item.boundingRect()
            room = x - 2 if align == "right" else self.viewport().width() - x - 2
            if box.width() > room > 8:  # a long name: cut with an ellipsis
                item.setText(QtGui.QFontMetrics(name_font).elidedText(
                    text, QtCore.Qt.TextElideMode.ElideRight, int(room)))
                box = item.boundingRect()
            item.setPos(x - box.width() if align == "right" else x, y - box.height() / 2)

    def _text(self, text: str, font: QtGui.QFont, rgb) -> QtWidgets.QGraphicsSimpleTextItem:
        item = QtWidgets.QGraphicsSimpleTextItem(text)  # plain text: names may come from a file
        item.setFont(font)
        item.setBrush(QtGui.QBrush(QtGui.QColor(*rgb)))
        item.setZValue(6)
        self.scene().addItem(item)
        self.text_items.append(item)
        return item

    def set_focus_rect(self, rect) -> None:
        """Frame ``rect`` = (x, y, w, h) in black (None: no frame)."""
        if rect is None:
            self.focus_item.hide()
            return
        x, y, w, h = rect
        self.focus_item.setRect(QtCore.QRectF(x - 3, y - 3, w + 6, h + 6))
        self.focus_item.show()

    # -- what is under the pointer ---------------------------------------------------
    def node_at(self, point: QtCore.QPointF) -> int | None:
        """Index (into the frame's node arrays) of the node under ``point``."""
        frame = self.frame
        if frame is None or not len(frame.rects):
            return None
        x, y = point.x(), point.y()
        rects = frame.rects
        inside = ((rects[:, 0] - 2 <= x) & (x <= rects[:, 0] + rects[:, 2] + 2)
                  & (rects[:, 1] - 2 <= y) & (y <= rects[:, 1] + rects[:, 3] + 2))
        found = np.flatnonzero(inside)
        return int(found[0]) if found.size else None

    def line_at(self, point: QtCore.QPointF) -> int | None:
        """Index of the drawn weight line nearest ``point`` (within LINE_PICK_DISTANCE)."""
        frame = self.frame
        if frame is None or not len(frame.edges):
            return None
        p = np.array([point.x(), point.y()])
        start, end = frame.edges[:, :2], frame.edges[:, 2:]
        direction = end - start
        length2 = np.maximum((direction**2).sum(axis=1), 1e-12)
        t = np.clip(((p - start) * direction).sum(axis=1) / length2, 0.0, 1.0)
        distance = np.hypot(*(start + t[:, None] * direction - p).T)
        nearest = int(np.argmin(distance))
        return nearest if distance[nearest] <= LINE_PICK_DISTANCE else None


class DiagramWidget(WatchedWidget):
    """The diagram with a caption and a way back to the model's output.

    Signals
    -------
    size_changed()
        The drawing's size changed (after a resize settled): ask ``canvas_size()``.
    visibility_changed()
        Shown or hidden (a hidden diagram is not computed).
    unit_clicked(layer, index, name)
        A node was clicked (when clicking can show units).
    back_clicked()
        "Show the model's output" was clicked.
    """

    size_changed = QtCore.Signal()
    unit_clicked = QtCore.Signal(int, int, str)
    back_clicked = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = DiagramCanvas()
        self.canvas.viewport().installEventFilter(self)
        self.caption = QtWidgets.QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #{:02x}{:02x}{:02x}; font-size: 8pt;".format(*MUTED))
        self.caption.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.caption.setToolTip(
            "Each node is one unit: its picture shows its value over the data view's plane (blue negative, "
            "white zero, orange positive; an input from its smallest to its largest value, an output as a "
            "probability). Each line is one weight: orange positive, blue negative, wider and more opaque "
            "the larger it is within its layer. The small square in a node's corner is its bias. Hover a "
            "node or a line for its numbers.")
        self.back_button = QtWidgets.QPushButton("Show the model's output")
        self.back_button.setToolTip("The data view shows one unit; go back to the model's output.")
        self.back_button.clicked.connect(self.back_clicked)
        self.back_button.hide()
        bottom = QtWidgets.QHBoxLayout()
        bottom.setContentsMargins(4, 0, 4, 2)
        bottom.addWidget(self.caption, 1)
        bottom.addWidget(self.back_button, 0, QtCore.Qt.AlignmentFlag.AlignVCenter)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(bottom)
        self._clickable = False
        self._focus: tuple[int, int] | None = None
        self._announced_size = self.canvas_size()
        self._resize_timer = QtCore.QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_SETTLE_MS)
        self._resize_timer.timeout.connect(self._on_resize_settled)

    def canvas_size(self) -> tuple[int, int]:
        """(width, height) in pixels the drawing should have: the view's,
        rounded down to CANVAS_STEP (centred in it), so that the small
        changes of a window's layout (a bar shown or hidden) leave it as it
        is: each new size is a new spec."""
        viewport = self.canvas.viewport()
        return (max(viewport.width() // CANVAS_STEP * CANVAS_STEP, MIN_CANVAS[0]),
                max(viewport.height() // CANVAS_STEP * CANVAS_STEP, MIN_CANVAS[1]))

    # -- per frame ------------------------------------------------------------
    def show_diagram(self, frame) -> None:
        self.canvas.show_diagram(frame)
        self._set_caption()
        self._place_focus()

    def _set_caption(self) -> None:
        frame = self.canvas.frame
        text = "" if frame is None else frame.caption
        if text and self._clickable and self._focus is None:
            text += " · click a node to see it in the data view"
        if self.caption.text() != text:
            self.caption.setText(text)

    def clear(self) -> None:
        self.canvas.clear()
        self._place_focus()

    def set_focus(self, focus: tuple[int, int] | None, clickable: bool) -> None:
        """The unit the data view shows (``(layer, index)``, framed), and
        whether clicking a node can show one."""
        self._focus, self._clickable = focus, bool(clickable)
        self.back_button.setVisible(focus is not None)
        self._set_caption()
        self._place_focus()

    def _place_focus(self) -> None:
        frame = self.canvas.frame
        rect = None
        if frame is not None and self._focus is not None:
            found = np.flatnonzero((frame.layer == self._focus[0]) & (frame.index == self._focus[1]))
            if found.size:
                rect = tuple(frame.rects[found[0]])
        self.canvas.set_focus_rect(rect)

    # -- pointer ------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QtCore.QEvent.Type.MouseMove:
            self._hover(event)
        elif kind == QtCore.QEvent.Type.MouseButtonPress and event.button() == QtCore.Qt.MouseButton.LeftButton:
            node = self.canvas.node_at(self.canvas.mapToScene(event.position().toPoint()))
            frame = self.canvas.frame
            if node is not None and self._clickable:
                self.unit_clicked.emit(int(frame.layer[node]), int(frame.index[node]), frame.names[node])
                return True
        elif kind == QtCore.QEvent.Type.Resize:
            self._resize_timer.start()
        return False

    def describe_node(self, node: int) -> str:
        frame = self.canvas.frame
        layer, index = int(frame.layer[node]), int(frame.index[node])
        lines = [frame.names[node], f"layer {layer}, unit {index + 1} of {frame.sizes[layer]}"]
        if np.isfinite(frame.bias[node]):
            lines.append(f"bias {number(frame.bias[node])}")
        lines.append(f"values over the plane: {number(frame.low[node])} … {number(frame.high[node])}")
        if self._clickable:
            lines.append("Click: show it in the data view.")
        return "\n".join(lines)

    def describe_line(self, line: int) -> str:
        frame = self.canvas.frame
        layer, source, target = (int(v) for v in frame.edge_units[line])
        offsets = np.concatenate([[0], np.cumsum(frame.sizes)])
        return (f"weight {frame.weights[line]:.4g}\nfrom {frame.names[offsets[layer] + source]}\n"
                f"to {frame.names[offsets[layer + 1] + target]}")

    def _hover(self, event) -> None:
        point = self.canvas.mapToScene(event.position().toPoint())
        node = self.canvas.node_at(point)
        text = ""
        if node is not None:
            text = self.describe_node(node)
        else:
            line = self.canvas.line_at(point)
            if line is not None:
                text = self.describe_line(line)
        clickable = node is not None and self._clickable
        self.canvas.viewport().setCursor(QtCore.Qt.CursorShape.PointingHandCursor if clickable
                                         else QtCore.Qt.CursorShape.ArrowCursor)
        if text:
            QtWidgets.QToolTip.showText(event.globalPosition().toPoint(), text, self.canvas)
        else:
            QtWidgets.QToolTip.hideText()

    # -- size and visibility ------------------------------------------------------------
    def _on_resize_settled(self) -> None:
        size = self.canvas_size()
        if size != self._announced_size:
            self._announced_size = size
            self.size_changed.emit()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._announced_size = self.canvas_size()
        super().showEvent(event)
