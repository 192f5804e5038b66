"""A scatter item whose points all share one look, set in O(1) Python work.

``pg.ScatterPlotItem.setData`` looks up every point's symbol in its symbol
atlas through a per-point Python loop (keys built from symbol, size, pen and
brush), even when no point has a style of its own: ~1 us per point, so
100,000 points cost ~0.15 s, and per-point brush/pen lists (hollow
validation points) as much again. When every point uses the item's default
style, all of them map to the same atlas rectangle; :class:`UniformScatterItem`
finds it once and broadcasts it.

The other cost is the record array itself: ``np.empty`` of pyqtgraph's
point dtype (five object fields set to None) takes ~0.35 us per point, while
``np.repeat`` of one ready-made row takes a third of that. With both, setting
100k points costs ~10-20 ms instead of ~0.4 s.

Drawing: the item's points are shown from a plain Qt pixmap item
(:class:`._pixmap.PaintCache`), re-made when the points, their look or the
view's scale change, so a repaint of the plot (every frame of the decision
surface under the points) asks nothing of Python. As a cached pyqtgraph
item, each scatter item cost three Python ``boundingRect`` calls per
repaint, each a hand-over of the interpreter lock with the training thread.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ._pixmap import PaintCache

# Per-point style columns of ScatterPlotItem.data and the value meaning
# "use the item's default" (pyqtgraph's _DEFAULT_STYLE).
_DEFAULT_COLUMNS = (("symbol", None), ("pen", None), ("brush", None))


class UniformScatterItem(pg.ScatterPlotItem):
    """A ``ScatterPlotItem`` meant for points that all share the item's
    symbol, size, pen and brush (set once, e.g. in the constructor; then
    feed it positions only: ``setData(pos=array)``, the fastest, or
    ``setData(x=..., y=...)``).

    Drawn exactly like a ``ScatterPlotItem`` (the same pre-rendered symbol,
    drawn with ``drawPixmapFragments`` in pixel mode). If points do get
    styles of their own, or hover styles are on, it falls back to
    pyqtgraph's per-point path, so it is never wrong, only fast when uniform.

    ``pixmap_item`` is the child item that shows the points (see the module
    docstring); it follows the item's visibility and stacking.
    """

    def __init__(self, *args, **kwargs):
        self._cache = None  # pyqtgraph's __init__ already calls update()
        super().__init__(*args, **kwargs)
        self._cache = PaintCache(self, clip_to_view_box=True, antialias=bool(self.opts["antialias"]))
        self.pixmap_item = self._cache.pixmap_item

    def update(self, *args) -> None:
        """Re-make the picture before the next paint (pyqtgraph calls this
        whenever the points or their look change)."""
        super().update(*args)
        if self._cache is not None:
            self._cache.invalidate()

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph hook
        super().viewTransformChanged()
        self.update()

    def setData(self, *args, **kargs):
        """As ``ScatterPlotItem.setData``; ``setData(pos=array)`` alone (the
        only call the views make) takes the fast path."""
        pos = kargs.get("pos")
        if (args or set(kargs) != {"pos"} or not isinstance(pos, np.ndarray)
                or pos.ndim != 2 or pos.shape[1] != 2 or not self._fast_path_on()):
            super().setData(*args, **kargs)
            return
        # What clear() + addPoints(pos=...) + updateSpots() leave behind, with
        # the record array made by repeating one default row.
        row = np.empty(1, dtype=self.data.dtype)
        row["size"] = -1                                         # -1: the item's size
        row["visible"] = True
        data = np.repeat(row, pos.shape[0])                      # (n,) records
        data["x"] = pos[:, 0]
        data["y"] = pos[:, 1]
        if data.size:
            data["sourceRect"] = self._atlas_rect()
        self.data = data
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self._updateMaxSpotSizes(data=data)                      # also drops cached bounds
        self.invalidate()
        self.sigPlotChanged.emit(self)

    def boundingRect(self):
        """pyqtgraph's bounding rectangle, remembered until the points, the
        symbol size or the view transform change (pyqtgraph marks each of
        these by replacing ``data`` or ``bounds``). Qt asks for it several
        times per item per repaint, and every answer costs pyqtgraph Python
        work (data bounds, pixel vectors): with 16 scatter items, over 1 ms
        of the GUI thread per frame of the decision surface."""
        cached = getattr(self, "_rect_cache", None)
        if (cached is not None and cached[0] is self.data and cached[1] is self.bounds
                and cached[2] == self._maxSpotPxWidth):
            return cached[3]
        rect = super().boundingRect()
        self._rect_cache = (self.data, self.bounds, self._maxSpotPxWidth, rect)
        return rect

    def updateSpots(self, dataSet=None):
        if dataSet is None:
            dataSet = self.data
        if not self._uniform(dataSet):
            return super().updateSpots(dataSet)
        stale = dataSet["sourceRect"]["w"] == 0                 # (n,) points not yet mapped
        if stale.any():
            dataSet["sourceRect"][stale] = self._atlas_rect()
            self.invalidate()
        self._updateMaxSpotSizes(data=dataSet)
        return None

    def _atlas_rect(self) -> tuple[int, int, int, int]:
        """Where the item's symbol is in its atlas (rendered on first use):
        ``(y, x, h, w)``, the order pyqtgraph stores in ``sourceRect``."""
        style = (self.opts["symbol"], self.opts["size"], self.opts["pen"], self.opts["brush"])
        return self.fragmentAtlas[[style]][0]

    def _fast_path_on(self) -> bool:
        """Symbols drawn from the atlas (pixel mode, cache on) and no hover
        style: what the one-rectangle-for-all shortcut assumes."""
        return (self.opts["pxMode"] and self.opts["useCache"]
                and not self.opts["hoverable"])

    def _uniform(self, dataSet) -> bool:
        """Whether the fast path is on and every point of ``dataSet`` uses
        the item's default style."""
        if not self._fast_path_on():
            return False
        if dataSet.size == 0:
            return True
        if not np.all(dataSet["size"] == -1):
            return False
        return all(np.equal(dataSet[name], default).all() for name, default in _DEFAULT_COLUMNS)


class GroupedScatter:
    """Points in groups (train / validation, or a target's colour level),
    each group drawn by a :class:`UniformScatterItem` of its own look, so
    setting any number of points stays a sort and a few array copies (a
    ``ScatterPlotItem`` with a brush per point took 26 s for 200,000).

    ``looks``: one dict of ``UniformScatterItem`` keyword arguments (symbol,
    size, brush, pen) per group. Items of empty groups are hidden: Qt asks
    every visible item for its bounds on each repaint.
    """

    def __init__(self, plot_item, looks: list[dict], z_value: float = 10.0):
        self.items: list[UniformScatterItem] = []
        for look in looks:
            item = UniformScatterItem(antialias=True, **look)
            item.setZValue(z_value)
            item.hide()
            plot_item.addItem(item)
            self.items.append(item)

    def set_data(self, pos: np.ndarray, group: np.ndarray) -> None:
        """Show ``pos`` ``(n, 2)``, row ``i`` in group ``group[i]`` (ints in
        ``0..len(looks) - 1``)."""
        order = np.argsort(group, kind="stable")
        bounds = np.searchsorted(group[order], np.arange(len(self.items) + 1))
        for index, item in enumerate(self.items):
            rows = order[bounds[index]:bounds[index + 1]]
            if rows.size:
                item.setData(pos=np.ascontiguousarray(pos[rows]))
                if not item.isVisible():
                    item.show()
            else:
                if len(item.data):
                    item.clear()
                if item.isVisible():
                    item.hide()

    def count(self) -> int:
        """Points shown, in all groups."""
        return sum(len(item.data) for item in self.items)

    def positions(self, index: int) -> np.ndarray:
        """``(m, 2)`` the points of group ``index``."""
        data = self.items[index].data
        return np.column_stack([data["x"], data["y"]]) if len(data) else np.empty((0, 2))
