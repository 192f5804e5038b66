"""Tool icons painted with QPainter (no image files to ship or to go missing).

Each icon is drawn on a 24x24 logical canvas at 2x device pixels so it stays
sharp on high-DPI screens; strokes use the palette's text colour so the icons
follow the theme.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QApplication

from gui.views.colors import PALETTE

SIZE = 24
SCALE = 2


def _canvas():
    pixmap = QPixmap(SIZE * SCALE, SIZE * SCALE)
    pixmap.setDevicePixelRatio(SCALE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def _ink() -> QColor:
    app = QApplication.instance()
    return app.palette().windowText().color() if app is not None else QColor(40, 40, 40)


def _pen(width: float = 1.8, color: QColor | None = None) -> QPen:
    pen = QPen(color or _ink(), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _finish(pixmap, painter) -> QIcon:
    painter.end()
    return QIcon(pixmap)


def put_icon() -> QIcon:
    """A filled dot with a small plus: one point."""
    pixmap, p = _canvas()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(*PALETTE[0]))
    p.drawEllipse(QPointF(10, 14), 6, 6)
    p.setPen(_pen(2.0))
    p.drawLine(QPointF(19, 3), QPointF(19, 11))
    p.drawLine(QPointF(15, 7), QPointF(23, 7))
    return _finish(pixmap, p)


def brush_icon() -> QIcon:
    """A dashed circle sprinkled with dots: a spray of points."""
    pixmap, p = _canvas()
    pen = _pen(1.3)
    pen.setDashPattern([2, 2])
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(12, 12), 10, 10)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(*PALETTE[1]))
    for x, y in ((9, 8), (15, 9), (12, 13), (7, 14), (16, 15), (11, 18), (14, 5)):
        p.drawEllipse(QPointF(x, y), 1.8, 1.8)
    return _finish(pixmap, p)


def erase_icon() -> QIcon:
    """A tilted eraser block."""
    pixmap, p = _canvas()
    p.translate(12, 12)
    p.rotate(-40)
    p.setPen(_pen(1.6))
    p.setBrush(QColor(240, 160, 170))
    p.drawRoundedRect(QRectF(-9, -5, 18, 10), 2, 2)
    p.setBrush(QColor(250, 250, 250))
    p.drawRoundedRect(QRectF(-9, -5, 7, 10), 2, 2)
    p.resetTransform()
    p.setPen(_pen(1.3))
    p.drawLine(QPointF(4, 21), QPointF(21, 21))
    return _finish(pixmap, p)


def move_icon() -> QIcon:
    """A four-way arrow."""
    pixmap, p = _canvas()
    p.setPen(_pen(1.8))
    p.drawLine(QPointF(12, 3), QPointF(12, 21))
    p.drawLine(QPointF(3, 12), QPointF(21, 12))
    p.setBrush(QBrush(_ink()))
    for angle in (0, 90, 180, 270):
        a = math.radians(angle)
        tip = QPointF(12 + 10 * math.cos(a), 12 + 10 * math.sin(a))
        left = QPointF(12 + 6 * math.cos(a) - 3.2 * math.sin(a), 12 + 6 * math.sin(a) + 3.2 * math.cos(a))
        right = QPointF(12 + 6 * math.cos(a) + 3.2 * math.sin(a), 12 + 6 * math.sin(a) - 3.2 * math.cos(a))
        p.drawPolygon(QPolygonF([tip, left, right]))
    return _finish(pixmap, p)


def select_icon() -> QIcon:
    """A dashed rubber-band rectangle around two dots."""
    pixmap, p = _canvas()
    pen = _pen(1.4)
    pen.setDashPattern([2.5, 2])
    p.setPen(pen)
    p.setBrush(QColor(60, 120, 220, 45))
    p.drawRect(QRectF(3, 4, 18, 15))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(*PALETTE[2]))
    p.drawEllipse(QPointF(9, 10), 2.4, 2.4)
    p.drawEllipse(QPointF(15, 14), 2.4, 2.4)
    return _finish(pixmap, p)


def pencil_icon() -> QIcon:
    """A pencil: the Draw mode toggle."""
    pixmap, p = _canvas()
    p.translate(12, 12)
    p.rotate(45)
    p.setPen(_pen(1.5))
    p.setBrush(QColor(250, 200, 80))
    body = QPainterPath()
    body.addRect(QRectF(-3.5, -10, 7, 14))
    p.drawPath(body)
    p.setBrush(QColor(240, 220, 190))
    p.drawPolygon(QPolygonF([QPointF(-3.5, 4), QPointF(3.5, 4), QPointF(0, 10.5)]))
    p.setBrush(QColor(240, 150, 160))
    p.drawRect(QRectF(-3.5, -11.5, 7, 3))
    return _finish(pixmap, p)


def swatch_icon(rgb: tuple[int, int, int], size: int = 14) -> QIcon:
    """A filled round swatch of colour ``rgb`` for the class list."""
    pixmap = QPixmap(size * SCALE, size * SCALE)
    pixmap.setDevicePixelRatio(SCALE)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor(255, 255, 255), 1.2))
    p.setBrush(QColor(*rgb))
    p.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    p.end()
    icon = QIcon()
    # The same swatch when the row is selected (QIcon would tint it pale).
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
        icon.addPixmap(pixmap, mode)
    return icon
