"""Replay a run: the model as it was at earlier epochs.

- :class:`TimelineStore` (training thread, no Qt): checkpoints of the model
  (``algorithms.state.checkpoint``: parameters, optimiser state, random
  stream; microseconds each) at the recorder's schedule, every ``every``
  epochs from epoch 0, within a fixed memory budget: over it (or over
  ``MAX_ENTRIES``), every other checkpoint goes and ``every`` doubles, as
  the GIF recorder thins its frames, so the checkpoints always cover the
  whole run.
- :class:`Timeline` (GUI thread): the slider under the views. Dragging it
  to a recorded epoch shows every view as the model was then (the worker
  renders that checkpoint through the same frame specs as live frames) and
  the loss curves' cursor there; "Latest" goes back to the newest epoch (as
  Play does, which then trains on from it); "Restart here" trains on from
  the chosen epoch instead (the later epochs stay as a ghost curve).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from gui.gif.encoder import MAX_FRAMES
from gui.panels.messages import plain_label

__all__ = ["TimelineStore", "Timeline", "BUDGET_BYTES", "MAX_ENTRIES", "auto_every"]

#: memory the checkpoints of one run may take
BUDGET_BYTES = 64 * 2**20
#: most checkpoints kept (the GIF recorder's frame cap)
MAX_ENTRIES = MAX_FRAMES
#: the recorder's automatic spacing aims at this many frames per run
TARGET_ENTRIES = 250


def auto_every(epochs: int) -> int:
    """Epochs between checkpoints so that a run of ``epochs`` keeps about
    ``TARGET_ENTRIES`` (the GIF recorder's automatic spacing)."""
    return max(1, math.ceil(max(1, epochs) / TARGET_ENTRIES))


@dataclass
class Entry:
    """One checkpoint: the epoch, ``algorithms.state.checkpoint(model)`` and
    the training loop's ``Trainer.loop_state()`` then."""

    epoch: int
    checkpoint: dict
    loop: dict


class TimelineStore:
    """Checkpoints of one run at the recorder's schedule, within a memory
    budget (see the module docstring). Training thread only."""

    def __init__(self, budget_bytes: int = BUDGET_BYTES, max_entries: int = MAX_ENTRIES) -> None:
        self.budget_bytes, self.max_entries = int(budget_bytes), int(max_entries)
        self.entries: list[Entry] = []
        self.every = 1
        self.nbytes = 0
        self.changed = False  # the epochs kept changed since the window was told
        self.too_large = False  # one checkpoint would not fit the budget: nothing is kept

    def reset(self, every: int) -> None:
        """A new run: forget every checkpoint; keep one every ``every`` epochs."""
        self.entries, self.nbytes, self.every = [], 0, max(1, int(every))
        self.too_large = False
        self.changed = True

    def due(self, epoch: int) -> bool:
        """Whether the checkpoint of ``epoch`` would be kept."""
        if self.too_large:
            return False
        last = self.entries[-1].epoch if self.entries else -1
        return epoch > last and epoch % self.every == 0

    def add(self, epoch: int, checkpoint: dict, loop: dict) -> None:
        """Keep ``checkpoint`` (of ``epoch``, after every kept one); thin
        when over the budget or the count."""
        size = int(checkpoint["nbytes"])
        if size * 4 > self.budget_bytes:  # a huge model: a timeline of a few points says little
            self.too_large = True
            self.entries, self.nbytes = [], 0
            self.changed = True
            return
        self.entries.append(Entry(int(epoch), checkpoint, loop))
        self.nbytes += size
        while len(self.entries) > self.max_entries or self.nbytes > self.budget_bytes:
            self._halve()
        self.changed = True

    def _halve(self) -> None:
        """Every other checkpoint goes (the first and the newest stay), and
        the spacing doubles (the recorder's ``halve``)."""
        kept = self.entries[::2]
        if len(self.entries) % 2 == 0:
            kept.append(self.entries[-1])
        self.entries = kept
        self.nbytes = sum(int(entry.checkpoint["nbytes"]) for entry in kept)
        self.every *= 2

    def truncate(self, epoch: int) -> None:
        """Forget the checkpoints after ``epoch`` (training went back to it)."""
        self.entries = [entry for entry in self.entries if entry.epoch <= epoch]
        self.nbytes = sum(int(entry.checkpoint["nbytes"]) for entry in self.entries)
        self.changed = True

    def get(self, epoch: int) -> Entry | None:
        """The checkpoint nearest ``epoch`` (None when there is none)."""
        if not self.entries:
            return None
        return min(self.entries, key=lambda entry: (abs(entry.epoch - epoch), entry.epoch))

    def epochs(self) -> tuple[int, ...]:
        return tuple(entry.epoch for entry in self.entries)


class Timeline(QWidget):
    """The slider under the views over the epochs with a checkpoint, and
    the newest epoch at its right end.

    Signals: ``epoch_chosen(int)`` while dragging or clicking (a recorded
    epoch, snapped to), ``latest_requested()`` (back to the newest epoch),
    ``restart_requested(int)`` (train on from that recorded epoch).
    """

    epoch_chosen = Signal(int)
    latest_requested = Signal()
    restart_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._epochs: tuple[int, ...] = ()
        self._latest = 0
        self._viewing: int | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        title = QLabel("Replay")
        title.setToolTip("Drag to see the model as it was at an earlier epoch (every view, and a cursor on the "
                         "loss curves).")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip(title.toolTip())
        self.slider.setTickPosition(QSlider.TickPosition.NoTicks)
        self.slider.setPageStep(1)
        self.slider.valueChanged.connect(self._on_value_changed)
        self.label = plain_label(QLabel())
        # Fixed in both directions: a label whose size is fixed stops Qt's
        # re-layout at itself when its text changes.
        self.label.setFixedSize(self.label.fontMetrics().horizontalAdvance("9,999,999 / 9,999,999") + 6,
                                self.label.sizeHint().height())
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.latest_button = QToolButton()
        self.latest_button.setText("Latest")
        self.latest_button.setToolTip("Show the newest epoch again (Play also does, and trains on from it).")
        self.latest_button.clicked.connect(self._on_latest_clicked)
        self.restart_button = QToolButton()
        self.restart_button.setText("Restart here")
        self.restart_button.setToolTip("Train on from the epoch shown, with the optimiser's state of then; the "
                                       "later epochs stay as a faint curve to compare with.")
        self.restart_button.clicked.connect(self._on_restart_clicked)
        for widget in (title, self.slider, self.label, self.latest_button, self.restart_button):
            layout.addWidget(widget, 1 if widget is self.slider else 0)
        self._refresh()

    # --- what the window tells it ---------------------------------------------------
    @property
    def epochs(self) -> tuple[int, ...]:
        """The recorded epochs (those with a checkpoint)."""
        return self._epochs

    @property
    def viewing(self) -> int | None:
        """The earlier epoch shown, or None for the newest."""
        return self._viewing

    def set_epochs(self, epochs, latest: int) -> None:
        """The recorded epochs now and the newest epoch."""
        epochs = tuple(int(epoch) for epoch in epochs)
        if epochs == self._epochs and self._viewing is None:
            self._latest = int(latest)
            return
        self._epochs = epochs
        self._latest = int(latest)
        if self._viewing is not None and self._viewing not in self._epochs:
            self._viewing = None
        self._refresh()

    def set_latest(self, latest: int) -> None:
        """The newest epoch (every report): shown only while an earlier one
        is (live, nothing here changes with it)."""
        if int(latest) != self._latest:
            self._latest = int(latest)
            if self._viewing is not None:
                self._refresh()

    def show_latest(self) -> None:
        """Back to the newest epoch without a signal (the window went there itself)."""
        if self._viewing is not None:
            self._viewing = None
            self._refresh()

    def choose(self, epoch: int) -> None:
        """Move to the recorded epoch nearest ``epoch`` as a drag would (emits ``epoch_chosen``)."""
        if not self._epochs:
            return
        index = min(range(len(self._epochs)), key=lambda i: abs(self._epochs[i] - epoch))
        if self.slider.value() == index:
            self._on_value_changed(index)
        else:
            self.slider.setValue(index)

    # --- internals --------------------------------------------------------------------
    def _refresh(self) -> None:
        """Slider positions: one per recorded epoch, and one more for the newest."""
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(self._epochs))
        position = len(self._epochs) if self._viewing is None else self._epochs.index(self._viewing)
        self.slider.setValue(position)
        self.slider.blockSignals(False)
        self.slider.setEnabled(bool(self._epochs))
        past = self._viewing is not None
        self.latest_button.setEnabled(past)
        self.restart_button.setEnabled(past and self._viewing < self._latest)
        # live: the toolbar counts the epochs; this label changes only with what is shown
        text = f"{self._viewing:,} / {self._latest:,}" if past else "latest"
        if self.label.text() != text:
            self.label.setText(text)
            self.label.setToolTip(f"Showing epoch {self._viewing:,} of {self._latest:,}." if past else
                                  "Showing the newest epoch.")

    def _on_value_changed(self, index: int) -> None:
        if index >= len(self._epochs):
            if self._viewing is not None:
                self._viewing = None
                self._refresh()
                self.latest_requested.emit()
            return
        self._viewing = self._epochs[index]
        self._refresh()
        self.epoch_chosen.emit(self._viewing)

    def _on_latest_clicked(self) -> None:
        self._viewing = None
        self._refresh()
        self.latest_requested.emit()

    def _on_restart_clicked(self) -> None:
        if self._viewing is not None:
            epoch = self._viewing
            self._viewing = None
            self._refresh()
            self.restart_requested.emit(epoch)
