"""Formulas typeset with matplotlib's mathtext (TeX-style, no TeX install),
as Qt images for the "How it learns" panel.

Typesetting costs 20-40 ms a formula (the first one about 0.3 s more, for
loading the fonts), so images are cached by formula, size and colour: a
panel re-shown for settings seen before costs nothing. Runs in the GUI
thread only when the panel is visible. Imports Qt: never imported by the
render process.
"""

from __future__ import annotations

import io
from collections import OrderedDict

from PySide6 import QtGui

#: formulas kept typeset (a few sets of settings' worth)
CACHE_SIZE = 256
_cache: OrderedDict[tuple, QtGui.QImage] = OrderedDict()


def formula_image(tex: str, point_size: float = 12.0, scale: float = 1.0, color: str = "#303030") -> QtGui.QImage:
    """``tex`` (mathtext, without ``$``) as an image with a transparent
    background, ``scale`` times as many pixels as points at 72 dpi (the
    screen's device pixel ratio; the image says so). Raises ``ValueError``
    if mathtext cannot parse ``tex``."""
    key = (tex, point_size, scale, color)
    image = _cache.get(key)
    if image is not None:
        _cache.move_to_end(key)
        return image
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buffer = io.BytesIO()
    dpi = 96 * scale
    mathtext.math_to_image(f"${tex}$", buffer, prop=FontProperties(size=point_size), dpi=dpi, format="png",
                           color=color)
    image = QtGui.QImage.fromData(buffer.getvalue(), "PNG")
    if image.isNull():
        raise ValueError(f"could not typeset {tex!r}")
    image.setDevicePixelRatio(scale)
    _cache[key] = image
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return image
