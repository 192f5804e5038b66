"""gui.views._history.PeakHistory: the loss view's bounded multi-resolution
store. Checked against the full history (every sample kept) and against the
unbounded min/max pyramid it replaces."""

from __future__ import annotations

import numpy as np
import pytest

from gui.views._decimate import GrowingArray, PeakPyramid, peak_display
from gui.views._history import BLOCK_LIMIT, RAW_LIMIT, PeakHistory


def feed(history: PeakHistory, rng, lengths, rows=4, nan_share=0.05, start_x=1.0):
    """Append chunks of random series (with NaN); returns the full x and values."""
    xs, values = [], []
    next_x = start_x
    for length in lengths:
        x = next_x + np.cumsum(rng.integers(1, 3, size=length)).astype(float)  # increasing, not always by 1
        next_x = x[-1]
        chunk = rng.normal(size=(rows, length))
        chunk[rng.random(chunk.shape) < nan_share] = np.nan
        history.append(x, chunk)
        xs.append(x)
        values.append(chunk)
    return np.concatenate(xs), np.concatenate(values, axis=1)


def check_levels(history: PeakHistory, x: np.ndarray, values: np.ndarray) -> None:
    """Every entry held is what the full history says, and enough is held."""
    n = x.size
    assert history.size == n
    raw = history._levels[0]
    assert raw.end == n and n - raw.base >= min(n, history.raw_limit)
    held_x, held_values = history.raw()
    np.testing.assert_array_equal(held_x, x[raw.base:])
    np.testing.assert_array_equal(held_values, values[:, raw.base:])
    for level in range(1, history.n_levels):
        window = history._levels[level]
        size = 2 ** level
        assert window.end == -(-n // size)
        assert window.end - window.base >= min(window.end, history.block_limit)
        for block in range(window.base, window.end):
            samples = values[:, block * size:(block + 1) * size]
            column = window.column(block)
            assert window.x[column] == x[block * size]
            np.testing.assert_array_equal(window.low[:, column], np.fmin.reduce(samples, axis=1))
            np.testing.assert_array_equal(window.high[:, column], np.fmax.reduce(samples, axis=1))
    assert history._levels[-1].end == 1  # the top level: one block over everything


def test_every_level_holds_exact_extremes_and_at_least_its_limit():
    rng = np.random.default_rng(4)
    history = PeakHistory(rows=4, raw_limit=64, block_limit=16)  # tiny: slides and grows constantly
    x = np.empty(0)
    values = np.empty((4, 0))
    for lengths in ([1], [1, 2, 3], [7, 33, 1, 129], [5, 300, 17], [1000], [1, 1, 1], [2047, 4095]):
        more_x, more_values = feed(history, rng, lengths, start_x=x[-1] if x.size else 1.0)
        x, values = np.concatenate([x, more_x]), np.concatenate([values, more_values], axis=1)
        check_levels(history, x, values)
        np.testing.assert_array_equal(history.latest, values[:, -1])
        assert history.first_x == x[0] and history.last_x == x[-1]


def test_a_long_run_keeps_a_bounded_amount_of_memory():
    history = PeakHistory(rows=4)
    chunk = 2500  # epochs per report at ~75,000 epochs/s and 30 reports/s
    x = np.arange(1, chunk + 1, dtype=float)
    values = np.random.default_rng(5).normal(size=(4, chunk))
    sizes = {}
    for report in range(1, 1_600 + 1):  # 4 million epochs
        history.append(x + (report - 1) * chunk, values)
        if report in (400, 1600):
            sizes[report * chunk] = history.nbytes
    # 1M epochs: 64k raw samples and ~14 levels of 4096 blocks, with slack
    assert sizes[1_000_000] < 8e6
    # four times the epochs: two more levels, nothing per epoch
    assert sizes[4_000_000] - sizes[1_000_000] <= 2 * 1.5 * BLOCK_LIMIT * 9 * 8
    assert history.size == 4_000_000 and history.raw()[0].size >= RAW_LIMIT


def unbounded(x, values):
    """The old store: every sample and a full pyramid."""
    full_x, full_values, pyramid = GrowingArray(), GrowingArray(rows=values.shape[0]), PeakPyramid()
    full_x.extend(x)
    full_values.extend(values)
    pyramid.update(full_values.values)
    return full_x.values, full_values.values, pyramid


@pytest.mark.parametrize("max_blocks", [3, 50, 400])
def test_whole_run_and_ranges_reaching_the_newest_sample_are_drawn_exactly(max_blocks):
    """Exactly what the unbounded pyramid drew: the curve at full zoom-out
    and at any zoom on the recent run, though most samples are gone."""
    rng = np.random.default_rng(6)
    # exact for plots up to block_limit pixels wide, with raw_limit >= 2 * block_limit
    history = PeakHistory(rows=4, raw_limit=max(256, 2 * max_blocks), block_limit=max(4, max_blocks))
    x, values = feed(history, rng, [3000, 1, 7000, 12345, 2])
    full_x, full_values, pyramid = unbounded(x, values)
    n = x.size
    assert history._levels[0].base > 0  # most raw samples were dropped
    for start in (0, 1, n // 3, n - 10 * max_blocks, n - 3 * max_blocks, n - max_blocks, n - 5):
        start = max(0, start)
        xs, ys = history.display(start, n, max_blocks)
        want_xs, want_ys = peak_display(full_x, full_values, pyramid, start, n, max_blocks)
        np.testing.assert_array_equal(xs, want_xs)
        np.testing.assert_array_equal(ys, want_ys)


def test_any_range_keeps_every_spike_and_stays_within_its_extremes():
    rng = np.random.default_rng(7)
    history = PeakHistory(rows=2, raw_limit=128, block_limit=32)
    x, values = feed(history, rng, [5000, 3000, 777], rows=2, nan_share=0.02)
    n = x.size
    for start, stop in ((0, n), (10, 200), (1000, 1100), (4000, 6000), (n - 50, n), (n // 2, n // 2 + 1)):
        for max_blocks in (5, 32, 300):
            xs, ys = history.display(start, stop, max_blocks)
            assert xs.size and np.all(np.diff(xs) >= 0)
            assert xs[0] <= x[start] and xs[-1] <= x[stop - 1]
            for row in range(2):
                inside = values[row, start:stop]
                # every extreme of the range is drawn ...
                assert np.nanmax(ys[row]) >= np.nanmax(inside)
                assert np.nanmin(ys[row]) <= np.nanmin(inside)
                # ... and nothing from before the first block drawn
                since_first_drawn = values[row, np.searchsorted(x, xs[0]):]
                assert np.nanmax(ys[row]) <= np.nanmax(since_first_drawn)
                assert np.nanmin(ys[row]) >= np.nanmin(since_first_drawn)


def test_one_spike_in_a_million_is_drawn_at_full_zoom_out():
    history = PeakHistory(rows=1)
    n, spike = 1_000_000, 654_321
    for start in range(0, n, 5000):
        epochs = np.arange(start + 1, start + 5001, dtype=float)
        loss = 0.5 + 0.01 * np.sin(epochs / 50)
        loss[epochs == spike] = 9.0
        history.append(epochs, loss[None, :])
    for width in (300, 1000, 3840):
        xs, ys = history.display(0, n, width)
        assert xs.size <= 2 * width + 1
        assert ys.max() == 9.0
        assert xs[np.argmax(ys[0])] <= spike < xs[np.argmax(ys[0])] + n / width * 2


def test_span_maps_an_x_range_to_samples():
    history = PeakHistory(rows=1, raw_limit=64, block_limit=8)
    x = np.arange(1, 1001, dtype=float) * 2  # 2, 4, ..., 2000
    history.append(x, x[None, :])
    # held raw: the newest samples, exact (one more on each side)
    start, stop = history.span(1899.5, 1950.5)
    assert (x[start], x[stop - 1]) == (1898, 1952)
    # older: widened to the boundaries of the blocks that still hold that time
    start, stop = history.span(101, 301)
    assert x[start] <= 99 and x[stop - 1] >= 303
    assert stop - start < 1000
    assert history.span(-50, 5000) == (0, 1000)
    empty = PeakHistory(rows=1)
    assert empty.span(0, 10) == (0, 0) and empty.display(0, 0, 10)[0].size == 0


def test_clear_forgets_and_frees():
    history = PeakHistory(rows=4)
    feed(history, np.random.default_rng(8), [50_000])
    big = history.nbytes
    history.clear()
    assert history.size == 0 and np.isnan(history.first_x) and np.isnan(history.latest).all()
    assert history.nbytes < big / 100


def test_the_loss_view_after_a_million_epochs_holds_a_few_mb_and_shows_every_spike(qtbot):
    from gui.views import LossView

    from .conftest import show

    view = show(qtbot, LossView(), 700, 420)
    n_epochs, chunk, spike = 1_000_000, 5_000, 345_678
    for index, start in enumerate(range(0, n_epochs, chunk)):
        epochs = np.arange(start + 1, start + chunk + 1, dtype=float)
        loss = 1.0 / np.sqrt(epochs) + 0.01
        loss[epochs == spike] = 7.0  # one epoch in a million
        score = 1 - loss / 2
        view.append(epochs, loss, loss * 1.1, score, score - 0.01, redraw=index % 10 == 9)  # as the window does
    assert view.n_epochs == n_epochs
    assert view._history.nbytes < 8e6  # was ~200 MB of buffers for the same run
    x, y = view.curves["loss"].getData()
    assert x.size <= 2 * int(view.loss_plot.vb.width()) + 3
    assert x[0] == 1 and x[-1] == n_epochs and y.max() == 7.0  # the spike, at full zoom-out
    assert "epoch 1,000,000" in view.epoch_label.text()
    # a zoom on the recent run shows the epochs themselves
    view.loss_plot.vb.setXRange(999_000.5, 999_400.5, padding=0)
    x, y = view.curves["loss"].getData()
    np.testing.assert_array_equal(x, np.arange(999_000, 999_402))
    np.testing.assert_allclose(y, 1.0 / np.sqrt(x) + 0.01)
    # and a zoom around the old spike still shows it
    view.loss_plot.vb.setXRange(spike - 5000, spike + 5000, padding=0)
    x, y = view.curves["loss"].getData()
    assert y.max() == 7.0 and x[0] <= spike - 5000 and x[-1] >= spike + 5000
