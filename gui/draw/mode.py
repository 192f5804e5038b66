"""Draw mode plugged into the main window through its public hooks only.

``install_draw_mode(window)`` needs from ``window`` (see contract.md, "Main
window hooks"):

- ``window.toolbar`` (QToolBar): gets the checkable **Draw** action;
- ``window.current_data_view()``: the shown view; its ``plot_item``
  (pg.PlotItem) is where the tools attach (a view without one, e.g. the 3-D
  surface, simply cannot be drawn on);
- ``window.dataset`` and ``window.set_dataset(ds, keep_model=...)``: edits are
  pushed with ``keep_model=True`` (the worker swaps the data at the next epoch
  boundary and keeps training); a new canvas or a loaded file with
  ``keep_model=False`` (training restarts);
- ``window.dataset_changed`` (Signal(object)): datasets set elsewhere
  (regenerate, the panel's CSV loader) become the editor's new, undoable,
  starting point;
- ``window.add_panel_section(title, widget)`` (optional) for the class list,
  else a dock;
- and QMainWindow itself: ``addToolBar`` (``addDockWidget``) for the draw
  toolbar (and the class list), and window-wide shortcuts (Ctrl+Z,
  Ctrl+Shift+Z / Ctrl+Y, 1-8, Delete/Backspace, Escape, Ctrl+A), live only
  while Draw mode is on. A focused text field keeps its own keys: Qt lets the
  focused widget override a shortcut it uses (digits in a spin box, Ctrl+Z in
  a line edit).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QMainWindow

from datasets.editing import Editor

from . import icons
from .class_list import ClassListWidget
from .controller import MAX_CLASSES, DrawController, drawable_reason
from .toolbar import DrawToolbar


class DrawMode(QObject):
    """Draw mode of a main window (build it with :func:`install_draw_mode`).

    Attributes
    ----------
    action : QAction
        The checkable "Draw" toggle in ``window.toolbar``.
    controller : DrawController
    toolbar : DrawToolbar
        Added under the window's toolbar, shown only in Draw mode.
    class_list : ClassListWidget
    class_box : QWidget
        Holds the class list, shown in Draw mode on classification data: a
        section of the window's side panel (``window.add_panel_section``),
        or a dock where the window has no such panel.

    Signals
    -------
    active_changed(bool)
    """

    active_changed = Signal(bool)

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.controller = DrawController(Editor(window.dataset), parent=self)
        self._pushing = False  # inside our own window.set_dataset call
        self._locked_view = None  # the view whose frame is held while drawing

        self.action = QAction(icons.pencil_icon(), "Draw", self)
        self.action.setCheckable(True)
        self.action.setToolTip(
            "Draw mode: add, brush, erase, move and select points with the mouse,\n"
            "even while the model trains. Pan and zoom return when it is off."
        )
        self.action.toggled.connect(self.set_active)
        window.toolbar.addAction(self.action)

        self.toolbar = DrawToolbar(self.controller, window)
        # A loaded file the window would refuse (too many classes, values too
        # large) is refused before it replaces the drawn points.
        window_check = getattr(window, "unshowable_reason", None)
        if window_check is not None:
            self.toolbar.dataset_check = window_check
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.toolbar.hide()

        self.class_list = ClassListWidget(self.controller)
        add_section = getattr(window, "add_panel_section", None)
        if add_section is not None:
            # In the window's scrolling side panel: a dock beside the views
            # would widen the window past a laptop's screen.
            self.class_box = add_section("Classes", self.class_list)
        else:
            self.class_box = QDockWidget("Classes", window)
            self.class_box.setObjectName("draw_classes_dock")
            self.class_box.setWidget(self.class_list)
            self.class_box.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                       | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.class_box)
        self.class_box.hide()

        self._shortcuts: list[QShortcut] = []
        self._shortcut("Ctrl+Z", self.controller.undo)
        self._shortcut("Ctrl+Shift+Z", self.controller.redo)
        self._shortcut("Ctrl+Y", self.controller.redo)
        self._shortcut("Delete", self.controller.delete_selection)
        self._shortcut("Backspace", self.controller.delete_selection)
        self._shortcut("Escape", self.controller.clear_selection)
        self._shortcut("Ctrl+A", self.controller.select_all)
        for code in range(MAX_CLASSES):
            self._shortcut(str(code + 1), lambda code=code: self.controller.set_current_class(code))

        self.controller.dataset_edited.connect(self._on_dataset_edited)
        self.controller.dataset_replaced.connect(self._on_dataset_replaced)
        self.controller.drawable_changed.connect(self._on_drawable_changed)
        self.controller.classes_changed.connect(self._update_dock)
        window.dataset_changed.connect(self._on_window_dataset_changed)

    def _shortcut(self, keys: str, slot) -> None:
        shortcut = QShortcut(QKeySequence(keys), self.window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.setEnabled(False)
        shortcut.activated.connect(slot)
        self._shortcuts.append(shortcut)

    # ------------------------------------------------------------------ state
    @property
    def active(self) -> bool:
        return self.action.isChecked()

    def set_active(self, on: bool) -> None:
        """Enter (tools take the mouse) or leave (pan and zoom come back) Draw mode."""
        on = bool(on)
        if self.action.isChecked() != on:
            self.action.setChecked(on)  # re-enters through toggled
            return
        for shortcut in self._shortcuts:
            shortcut.setEnabled(on)
        self.toolbar.setVisible(on)
        self._update_dock()
        if on:
            # The editor follows the window's dataset even while Draw mode is off.
            if self.window.dataset is not self.controller.dataset:
                self.controller.follow_dataset(self.window.dataset)
            self._sync_view()
        else:
            self.controller.detach()
            self._lock_frame(None)
        self.active_changed.emit(on)

    def _update_dock(self) -> None:
        """The class list only for classification (regression has no classes)."""
        self.class_box.setVisible(self.active and self.controller.dataset.task == "classification")

    def _sync_view(self) -> None:
        """Attach the tools to the view the window shows now (it may have
        swapped views for a new kind of dataset), or detach and say why when
        it cannot be drawn on."""
        if not self.active:
            return
        plot_item = getattr(self.window.current_data_view(), "plot_item", None)
        reason = drawable_reason(self.controller.dataset)
        if reason is None and plot_item is None:
            reason = "This view cannot be drawn on: turn off the 3-D surface to draw."
        self.toolbar.set_message(reason or "")
        if reason is not None:
            self.controller.detach()
            self._lock_frame(None)
        else:
            self.controller.attach(plot_item)
            self._lock_frame(self.window.current_data_view())

    def _lock_frame(self, view) -> None:
        """Keep ``view``'s frame fixed while drawing on it (a canvas that
        re-framed around each new point would slide away under the cursor,
        and the decision surface then covers the whole visible canvas);
        give the previously locked view its own framing back."""
        if view is self._locked_view:
            return
        if self._locked_view is not None:
            self._locked_view.set_frame_locked(False)
        self._locked_view = view if hasattr(view, "set_frame_locked") else None
        if self._locked_view is not None:
            self._locked_view.set_frame_locked(True)

    # ---------------------------------------------------------------- wiring
    def _on_dataset_edited(self, dataset) -> None:
        self._push(dataset, keep_model=True)

    def _on_dataset_replaced(self, dataset) -> None:
        self._push(dataset, keep_model=False)

    def _push(self, dataset, *, keep_model: bool) -> None:
        self._pushing = True
        try:
            self.window.set_dataset(dataset, keep_model=keep_model)
        finally:
            self._pushing = False
        self._sync_view()
        # A window that swaps its view later in this event-loop turn is caught here.
        QTimer.singleShot(0, self._sync_view)

    def _on_window_dataset_changed(self, dataset) -> None:
        ours = dataset is self.controller.dataset or dataset == self.controller.dataset
        if not self._pushing and not ours:
            self.controller.follow_dataset(dataset)
        self._sync_view()

    def _on_drawable_changed(self, _drawable: bool, _reason: str) -> None:
        self._sync_view()


def install_draw_mode(window: QMainWindow) -> DrawMode:
    """Add Draw mode to ``window`` (see the module docstring for the hooks it
    uses) and return it; it starts off."""
    return DrawMode(window)
