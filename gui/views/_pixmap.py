"""Show a Python-painted graphics item from a plain Qt pixmap item.

Qt visits every item of a scene each time any part of it is repainted, and
for an item written in Python each visit is a call into Python (two or three
``boundingRect`` calls per item and repaint, even with Qt's own pixmap cache
on). In the app the training thread holds the interpreter lock between its
NumPy calls, so every such call is a hand-over of the lock: with the decision
surface repainted every frame, the scatter items and axes around it cost
training about 20 hand-overs a frame.

:class:`PaintCache` gives an item no contents of its own (Qt then never asks
it anything while painting) and shows what its ``paint`` draws from a child
``QGraphicsPixmapItem``, made in device pixels just before the next paint
after :meth:`PaintCache.invalidate` (the scene's ``sigPrepareForPaint``,
which the views' canvases emit before each paint). The child follows the
item's position, visibility and stacking; it ignores the view's scale, so a
zoom must invalidate the picture (a pan moves it along).
"""

from __future__ import annotations

import weakref

from PySide6 import QtCore, QtGui, QtWidgets


class PaintCache:
    """Draws ``item`` (a pyqtgraph ``GraphicsItem``) from a pixmap.

    Parameters
    ----------
    item : pyqtgraph GraphicsItem
        Its ``boundingRect`` and ``paint`` are called only to make the
        picture. Its owner calls :meth:`invalidate` whenever the item's
        picture changes (new content, new size, a zoom).
    clip_to_view_box : bool
        Cut the picture to the item's view box (for items inside one, which
        clips them anyway).
    antialias : bool
        Antialiasing of the item's paint.
    """

    def __init__(self, item, *, clip_to_view_box: bool = False, antialias: bool = True) -> None:
        # Weak: the item holds its cache, and a reference cycle through a Qt
        # item could be collected by whichever thread runs the collector.
        self._item = weakref.ref(item)
        self._clip_to_view_box = clip_to_view_box
        self._antialias = antialias
        item.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.pixmap_item = QtWidgets.QGraphicsPixmapItem(item)
        self.pixmap_item.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.pixmap_item.setShapeMode(QtWidgets.QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self._stale = True
        self._scene = None

    def invalidate(self) -> None:
        """Make the picture again before the next paint (and ask for one)."""
        item = self._item()
        if item is None:
            return
        self._stale = True
        self.pixmap_item.update()
        scene = item.scene()
        if scene is not self._scene:
            if self._scene is not None:
                self._scene.sigPrepareForPaint.disconnect(self.refresh)
            if scene is not None:
                scene.sigPrepareForPaint.connect(self.refresh)
            self._scene = scene

    def refresh(self) -> None:
        """Paint the item into the pixmap (device pixels, within the view),
        if it changed since and shows."""
        item = self._item()
        if item is None or not self._stale or not item.isVisible():
            return
        widget = item.getViewWidget()
        if widget is None:
            return
        self._stale = False
        viewport = widget.viewport()
        to_device = QtWidgets.QGraphicsItem.deviceTransform(item, widget.viewportTransform())
        area = to_device.mapRect(item.boundingRect()).intersected(QtCore.QRectF(viewport.rect()))
        if self._clip_to_view_box and item.getViewBox() is not None:
            view_box = item.getViewBox()
            visible = QtWidgets.QGraphicsItem.deviceTransform(view_box, widget.viewportTransform())
            area = area.intersected(visible.mapRect(view_box.boundingRect()))
        area = area.toAlignedRect()
        if area.isEmpty():
            self.pixmap_item.setPixmap(QtGui.QPixmap())
            return
        ratio = viewport.devicePixelRatioF()
        pixmap = QtGui.QPixmap(area.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QtCore.Qt.GlobalColor.transparent)
        painter = QtGui.QPainter(pixmap)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, self._antialias)
        painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        painter.setTransform(to_device * QtGui.QTransform.fromTranslate(-area.x(), -area.y()))
        item.paint(painter, QtWidgets.QStyleOptionGraphicsItem(), viewport)
        painter.end()
        self.pixmap_item.setPixmap(pixmap)
        self.pixmap_item.setPos(to_device.inverted()[0].map(QtCore.QPointF(area.topLeft())))
