"""Draw mode: make a dataset with the mouse on the data view, even while the
model trains.

- :class:`DrawController` -- the tools (Put, Brush, Erase, Move, Select) on a
  view's ``plot_item``, editing through the undoable
  :class:`datasets.editing.Editor`;
- :class:`DrawToolbar` and :class:`ClassListWidget` -- its buttons and class list;
- :func:`install_draw_mode` -- plugs all of it into the main window through
  its public hooks and returns the :class:`DrawMode`.
"""

from .class_list import ClassListWidget
from .controller import MAX_CLASSES, DrawController, Tool, drawable_reason, other_class
from .mode import DrawMode, install_draw_mode
from .toolbar import DrawToolbar, new_canvas_dataset

__all__ = [
    "MAX_CLASSES",
    "ClassListWidget",
    "DrawController",
    "DrawMode",
    "DrawToolbar",
    "Tool",
    "drawable_reason",
    "install_draw_mode",
    "new_canvas_dataset",
    "other_class",
]
