"""The loss view's machinery: the coarse axis bounds that keep the axes from
re-scaling every frame, the log-scale curves and the header text, and the
multi-row min/max pyramid the four curves share."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gui.views import LossView
from gui.views._decimate import GrowingArray, PeakPyramid, peak_display
from gui.views.colors import TRAIN_COLOR, VALIDATION_COLOR
from gui.views.loss import _epoch_bound, _quantised

from .conftest import show

#: the documented ends of the epoch axis, per decade
EPOCH_STEPS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def hex_color(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


# -- _epoch_bound ----------------------------------------------------------------


def is_documented_step(value: float) -> bool:
    magnitude = 10.0 ** math.floor(math.log10(value))
    return any(math.isclose(value, magnitude * step, rel_tol=1e-12) for step in EPOCH_STEPS)


def test_epoch_bound_is_a_round_step_at_or_above_the_last_epoch():
    rng = np.random.default_rng(0)
    lasts = list(range(11, 20_001)) + list(rng.uniform(10.0, 1e9, 2000)) + [99.5, 100, 1e6, 1e6 + 1]
    for last in lasts:
        bound = _epoch_bound(last)
        assert bound >= last, last
        assert is_documented_step(bound), (last, bound)
        # the next step down would not reach last: the bound is the smallest step
        assert bound <= last * 4.0 / 3.0 + 1e-9, (last, bound)


def test_epoch_bound_of_the_first_ten_epochs_is_the_epoch_itself():
    for last in (0, 0.5, 1, 2, 3.5, 7, 10):
        assert _epoch_bound(last) == max(float(last), 1.0)


@pytest.mark.parametrize("low, high", [(1001, 1250), (1251, 1500), (1501, 2000), (2001, 2500),
                                        (31, 40), (6001, 8000), (80_001, 100_000)])
def test_epoch_bound_stands_still_while_the_last_epoch_creeps_within_a_step(low, high):
    bounds = {_epoch_bound(last) for last in range(low, high + 1)}
    assert bounds == {float(high)}
    assert _epoch_bound(high + 1) > high  # and moves on past it


def test_epoch_bound_changes_about_ten_times_per_decade():
    bounds = {_epoch_bound(last) for last in range(11, 100_001)}
    assert len(bounds) <= 10 * 4 + 1


# -- _quantised ------------------------------------------------------------------


@pytest.mark.parametrize("low, high", [
    (0.0, 1.0), (0.05, 1.3), (0.1, 1.21), (-1.05, 1.0), (-3.2, -0.4),   # losses, metrics, log10
    (2.0, 2.0), (0.0, 0.0), (1e-6, 3e-6), (-7.5, 12345.6), (0.693, 0.6931),
])
def test_quantised_contains_the_range_and_is_round(low, high):
    q_low, q_high = _quantised(low, high)
    assert q_low <= low and q_high >= high
    span = high - low
    if span > 0:
        # widened by at most a couple of steps of about a twentieth of the span
        assert q_high - q_low <= 1.3 * span


def test_quantised_contains_random_ranges():
    rng = np.random.default_rng(1)
    for _ in range(5000):
        low = rng.uniform(-10, 10) * 10.0 ** rng.integers(-4, 5)
        high = low + rng.uniform(1e-6, 1.0) * 10.0 ** rng.integers(-3, 5)
        q_low, q_high = _quantised(low, high)
        assert q_low <= low and q_high >= high, (low, high, q_low, q_high)


def test_quantised_stands_still_when_the_top_creeps():
    # a loss curve whose maximum grows by a little each frame
    first = _quantised(0.1, 1.21)
    for high in np.linspace(1.21, 1.29, 30):
        assert _quantised(0.1, float(high)) == first
    # a falling minimum (log10 of a shrinking loss) likewise
    first = _quantised(-2.01, 0.3)
    for low in np.linspace(-2.01, -2.09, 30):
        assert _quantised(float(low), 0.3) == first
    assert _quantised(0.1, 1.35) != _quantised(0.1, 1.21)  # a real change does move it


# -- LossView: log scale and header ---------------------------------------------------


def history(epochs):
    loss = 1.5 * np.exp(-epochs / 2000) + 0.01 + 0.05 * np.sin(epochs / 7.0) ** 2
    val_loss = loss * 1.2
    score = 1 - 0.5 * np.exp(-epochs / 1500)
    return loss, val_loss, score, score - 0.02


def test_log_scale_shows_log10_of_the_decimated_values_and_gaps(qtbot):
    view = show(qtbot, LossView(), 640, 420)
    n_epochs = 20_000
    for start in range(0, n_epochs, 4000):
        epochs = np.arange(start + 1, start + 4001, dtype=float)
        loss, val_loss, score, val_score = history(epochs)
        loss[(epochs > 5000) & (epochs <= 5300)] = 0.0      # log of 0: a gap
        val_loss[(epochs > 9000) & (epochs <= 9500)] = -1.0  # log of a negative: a gap
        view.append(epochs, loss, val_loss, score, val_score)
    linear = {name: [np.array(a, copy=True) for a in view.curves[name].getData()]
              for name in ("loss", "val_loss")}
    for name, (x, y) in linear.items():
        assert x.size < n_epochs // 4                          # decimated, not raw
        assert (y <= 0).any() and (y > 0).any()

    view.set_log_scale(True)
    assert view.log_scale() and view.log_check.isChecked()
    for name, (x, y) in linear.items():
        log_x, log_y = view.curves[name].getData()
        np.testing.assert_array_equal(log_x, x)
        positive = y > 0
        np.testing.assert_allclose(log_y[positive], np.log10(y[positive]))
        assert np.isnan(log_y[~positive]).all()
    # the metric plot stays linear
    assert not view.curves["score"].log_y

    view.set_log_scale(False)
    assert not view.log_scale() and not view.log_check.isChecked()
    for name, (x, y) in linear.items():
        back_x, back_y = view.curves[name].getData()
        np.testing.assert_array_equal(back_x, x)
        np.testing.assert_array_equal(back_y, y)


def test_header_shows_the_newest_epoch_and_values(qtbot):
    view = show(qtbot, LossView(), 640, 420)
    train_key, val_key = hex_color(TRAIN_COLOR), hex_color(VALIDATION_COLOR)
    epochs = np.arange(1, 1235, dtype=float)
    loss, _, score, _ = history(epochs)
    nan = np.full(epochs.size, np.nan)
    view.append(epochs, loss, nan, score, nan)                  # no validation rows
    label, readout = view.epoch_label.text(), view.readout.text()
    assert "epoch 1,234" in label and "training" in label
    assert "validation" not in label and val_key not in label + readout
    assert f"{loss[-1]:.4g}" in readout and f"{100 * score[-1]:.1f}%" in readout
    assert train_key in readout and "accuracy" in readout

    more = np.arange(1235, 12_346, dtype=float)
    loss, val_loss, score, val_score = history(more)
    view.append(more, loss, val_loss, score, val_score)         # now with validation
    label, readout = view.epoch_label.text(), view.readout.text()
    assert "epoch 12,345" in label and "epoch 1,234<" not in label
    assert "validation" in label and val_key in readout
    for text in (f"{loss[-1]:.4g}", f"{val_loss[-1]:.4g}",
                 f"{100 * score[-1]:.1f}%", f"{100 * val_score[-1]:.1f}%"):
        assert text in readout, (text, readout)

    view.reset("R²")
    assert "epoch 0" in view.epoch_label.text()
    view.append(np.array([1.0, 2.0]), [0.5, 0.4], [np.nan, np.nan], [0.25, -1234.5], [np.nan, np.nan])
    readout = view.readout.text()
    assert "R²" in readout and "-1.23e+03" in readout and "0.4" in readout
    assert val_key not in readout and "validation" not in view.epoch_label.text()


# -- GrowingArray and PeakPyramid over several rows ---------------------------------------


def brute_blocks(values: np.ndarray, block: int, first_sample: int, n_blocks: int):
    """min and max of each block, straight from the samples (NaN ignored)."""
    mins, maxs = [], []
    for i in range(n_blocks):
        chunk = values[first_sample + i * block:first_sample + (i + 1) * block]
        mins.append(np.fmin.reduce(chunk))
        maxs.append(np.fmax.reduce(chunk))
    return np.array(mins), np.array(maxs)


def test_multi_row_pyramid_matches_one_pyramid_per_row():
    rng = np.random.default_rng(2)
    n_rows = 4
    x = GrowingArray(1)
    table = GrowingArray(1, rows=n_rows)                     # tiny: many reallocations
    table_pyramid = PeakPyramid()
    singles = [GrowingArray(3) for _ in range(n_rows)]
    single_pyramids = [PeakPyramid() for _ in range(n_rows)]
    lengths = [1, 1, 3, 7, 33, 1, 129, 5, 1001, 17, 2047, 3, 1, 4095, 9]
    for length in lengths:
        chunk = rng.normal(size=(n_rows, length))
        chunk[rng.random(chunk.shape) < 0.05] = np.nan       # scattered NaN
        chunk[1, : length // 2] = np.nan                      # and a long run of them
        x.extend(np.arange(x.size, x.size + length, dtype=float))
        table.extend(chunk)
        table_pyramid.update(table.values)
        for row in range(n_rows):
            singles[row].extend(chunk[row])
            single_pyramids[row].update(singles[row].values)

        n = x.size
        assert table.values.shape == (n_rows, n) and table.size == n
        for row in range(n_rows):
            np.testing.assert_array_equal(table.values[row], singles[row].values)
        for start, stop, max_blocks in ((0, n, 50), (0, n, 7), (n // 3, n, 20), (1, max(2, n - 1), 3),
                                        (n // 2, n, 400)):
            if stop <= start:
                continue
            xs, ys = peak_display(x.values, table.values, table_pyramid, start, stop, max_blocks)
            assert ys.shape == (n_rows, xs.size)
            for row in range(n_rows):
                row_xs, row_ys = peak_display(x.values, singles[row].values, single_pyramids[row],
                                              start, stop, max_blocks)
                np.testing.assert_array_equal(xs, row_xs)
                np.testing.assert_array_equal(ys[row], row_ys)

            covered = table_pyramid.blocks(start, stop, max_blocks)
            if covered is None:
                assert stop - start <= 2 * max_blocks
                continue
            block, first_sample, mins, maxs = covered
            assert mins.shape == maxs.shape and mins.shape[0] == n_rows
            assert first_sample <= start and first_sample + block * mins.shape[1] >= stop
            for row in range(n_rows):
                want_min, want_max = brute_blocks(table.values[row], block, first_sample, mins.shape[1])
                np.testing.assert_array_equal(mins[row], want_min)
                np.testing.assert_array_equal(maxs[row], want_max)
                row_covered = single_pyramids[row].blocks(start, stop, max_blocks)
                assert row_covered[:2] == (block, first_sample)


def test_multi_row_growing_array_keeps_its_values_through_growth():
    array = GrowingArray(2, rows=3)
    expected = np.empty((3, 0))
    for length in (1, 2, 5, 11, 1, 40):
        chunk = np.arange(3 * length, dtype=float).reshape(3, length) + expected.size
        array.extend(chunk)
        expected = np.hstack([expected, chunk])
        np.testing.assert_array_equal(array.values, expected)
    array.clear()
    assert array.values.shape == (3, 0)
    array.extend(np.ones((3, 2)))
    np.testing.assert_array_equal(array.values, np.ones((3, 2)))


def test_header_lines_break_where_the_runs_allow_and_follow_a_font_change(qtbot):
    from PySide6 import QtGui

    from gui.views.loss import _TextLine

    line = _TextLine()
    qtbot.addWidget(line)
    runs = [("loss ", None, False), ("0.1234", (0, 0, 255), True), (" · accuracy ", None, False),
            ("98.0%", (255, 128, 0), True), (" · R² ", None, False), ("0.5", None, False)]
    line.set_runs(runs)
    metrics, bold = QtGui.QFontMetrics(line.font(), line), QtGui.QFontMetrics(line._bold, line)
    widths = [(bold if b else metrics).horizontalAdvance(text) for text, _, b in runs]
    assert line.lines(sum(widths)) == [runs]  # fits on one line
    # one pixel short: the last readout moves to a line of its own, its " · " dropped
    assert line.lines(sum(widths) - 1) == [runs[:4], [("R² ", None, False), runs[5]]]
    # a larger font: the widths measured before no longer hold
    font = QtGui.QFont(line.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    line.setFont(font)
    assert len(line.lines(sum(widths))) > 1
