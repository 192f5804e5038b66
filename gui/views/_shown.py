"""Side views computed only while they show.

A side view sits in a tab; while another tab is current its frames would be
computed for nothing (the diagram's is a few milliseconds of the render
process a frame). :class:`ShownOnlyView` returns no spec while its widget
is hidden and asks for its frames again when it shows. Its widget is a
``_visible.WatchedWidget``, which says so when shown, and only after a
while when hidden.

Why care when a spec changes: the window skips every frame made for older
specs, of every view. A view shown or hidden needs its new spec at once;
one that only changed size (the diagram, while the window settles its
layout) sends its new spec when its next frame arrives: the report is
acknowledged after the views draw it, so the worker applies the new spec
before it makes the next report and no frame is lost (with a fallback timer
when no frame comes, e.g. while paused).

Pure at module level: Qt is imported inside the methods.
"""

from __future__ import annotations

from .frame import FrameSpec, View

#: ms after which a deferred spec change is sent even without a frame
DEFERRED_SPEC_MS = 1000


class ShownOnlyView(View):
    """A View whose ``spec()`` is ``shown_spec()`` while its widget shows
    (its tab is current, whether or not the window is on screen yet) and
    None otherwise. Subclasses implement ``shown_spec``, connect whatever
    may change it (the widget's ``visibility_changed``, a resize) to
    :meth:`_spec_may_have_changed`, and call :meth:`_frame_arrived` first
    thing in ``show_frame``."""

    _last_spec: FrameSpec | None = None
    _deferred = None  # the fallback QTimer of a deferred spec change, made when first needed

    def shown_spec(self) -> FrameSpec | None:
        raise NotImplementedError

    def shows(self) -> bool:
        """Whether the widget shows in its window (the window itself may
        not be on screen yet: the first specs are sent before it is)."""
        widget = self.widget
        window = widget.window()
        return widget.isVisible() if window is widget else widget.isVisibleTo(window)

    def spec(self) -> FrameSpec | None:
        self._last_spec = self.shown_spec() if self.shows() else None
        if self._deferred is not None:
            self._deferred.stop()  # whatever was deferred goes now
        return self._last_spec

    def _spec_may_have_changed(self) -> None:
        """Shown or hidden: a new spec now, if that changes it (the window
        shown for the first time changes nothing). Another spec while
        shown (a new size): with the next frame."""
        new = self.shown_spec() if self.shows() else None
        if new == self._last_spec:
            return
        if new is None or self._last_spec is None:
            self._spec_changed()
            return
        if self._deferred is None:
            from PySide6.QtCore import QTimer

            self._deferred = QTimer(self.widget)
            self._deferred.setSingleShot(True)
            self._deferred.setInterval(DEFERRED_SPEC_MS)
            self._deferred.timeout.connect(self._spec_changed)
        if not self._deferred.isActive():
            self._deferred.start()

    def _frame_arrived(self) -> None:
        """A frame is being shown: send a deferred spec change now, before
        the report is acknowledged."""
        if self._deferred is not None and self._deferred.isActive():
            self._deferred.stop()
            self._spec_changed()
