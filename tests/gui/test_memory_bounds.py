"""What a window run keeps per epoch: nothing that grows for good. The
worker's Trainer keeps no history (the reports carry every epoch to the loss
view, which keeps them in bounded memory: tests/gui/test_loss_history.py)."""

from __future__ import annotations

from .conftest import TIMEOUT_MS
from .test_worker import configure, moons, network, query


def test_the_worker_keeps_no_per_epoch_history(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(), network(learning_rate=0.05))
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 300, timeout=TIMEOUT_MS)
    ctl.pause()
    epoch = query(qtbot, ctl, collector)["epoch"]
    qtbot.waitUntil(lambda: collector.epoch == epoch, timeout=TIMEOUT_MS)
    history = ctl._worker._model.history_  # the worker is idle: paused
    assert all(values == [] for values in history.values()), {k: len(v) for k, v in history.items()}
    # and every epoch still reached the GUI, in order
    assert collector.all_epochs() == list(range(1, epoch + 1))
