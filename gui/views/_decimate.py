"""Growing buffers and a min/max pyramid, so a curve of millions of epochs
redraws in time proportional to the screen width, not to the epoch count.

pyqtgraph's own peak downsampling re-reads the whole series on every
``setData`` (about 7 ms per curve per frame at 1M points, twice that in log
scale); the loss view appends ~60 times a second, so it keeps the min and max
of every block of ``2**k`` samples up to date as data arrives, and hands
pyqtgraph only about two points per pixel column.
"""

from __future__ import annotations

import numpy as np


class GrowingArray:
    """A float64 array that grows along its last axis by amortised doubling.

    ``GrowingArray(capacity)`` is 1-D; ``GrowingArray(capacity, rows=k)``
    holds ``k`` series of equal length side by side, shape ``(k, size)``, so
    one NumPy call updates all of them. ``values`` is a view of the filled
    part; ``extend`` copies new values in, reallocating (to twice the needed
    size) only when full.
    """

    def __init__(self, capacity: int = 1024, rows: int | None = None):
        self._rows = rows
        self._data = self._empty(max(1, int(capacity)))
        self.size = 0

    def _empty(self, capacity: int) -> np.ndarray:
        shape = (capacity,) if self._rows is None else (self._rows, capacity)
        return np.empty(shape, dtype=np.float64)

    @property
    def values(self) -> np.ndarray:
        return self._data[..., :self.size]

    def reserve(self, size: int) -> None:
        if size > self._data.shape[-1]:
            grown = self._empty(max(size, 2 * self._data.shape[-1]))
            grown[..., :self.size] = self._data[..., :self.size]
            self._data = grown

    def extend(self, values: np.ndarray) -> None:
        new_size = self.size + values.shape[-1]
        self.reserve(new_size)
        self._data[..., self.size:new_size] = values
        self.size = new_size

    def write(self, start: int, values: np.ndarray) -> None:
        """Overwrite from ``start`` (<= size), growing the filled part if needed."""
        end = start + values.shape[-1]
        self.reserve(end)
        self._data[..., start:end] = values
        self.size = max(self.size, end)

    def clear(self) -> None:
        self.size = 0


class PeakPyramid:
    """Min and max of a growing series over aligned blocks of ``2**(k+1)``
    samples, for every level ``k``.

    Level ``k`` block ``b`` covers samples ``[b * 2**(k+1), (b+1) * 2**(k+1))``
    (the last block may be partial). NaN samples are ignored (``np.fmin``);
    a block of only NaN stays NaN. Appending ``m`` samples updates
    ``O(m + log n)`` blocks, with a handful of NumPy calls per level written
    straight into the level's buffers. The series may also be several rows
    (``(k, n)``, e.g. the loss view's four curves): each level is then one
    set of calls for all rows.
    """

    def __init__(self):
        self._mins: list[GrowingArray] = []
        self._maxs: list[GrowingArray] = []
        self.size = 0

    def clear(self) -> None:
        for array in self._mins + self._maxs:
            array.clear()
        self.size = 0

    def update(self, values: np.ndarray) -> None:
        """Account for ``values`` (the whole series, ``(n,)`` or ``(k, n)``,
        of which the first ``self.size`` samples were seen before)."""
        n = values.shape[-1]
        rows = None if values.ndim == 1 else values.shape[0]
        low, high = values, values
        start, count, level = self.size, n, 0
        fmin, fmax = np.fmin, np.fmax
        while count > 1:
            n_blocks = (count + 1) // 2
            first = start // 2                       # first block that changed
            length = count - 2 * first               # samples from that block on
            pairs = length // 2
            if level == len(self._mins):
                self._mins.append(GrowingArray(n_blocks, rows))
                self._maxs.append(GrowingArray(n_blocks, rows))
            mins, maxs = self._mins[level], self._maxs[level]
            mins.reserve(n_blocks)
            maxs.reserve(n_blocks)
            mins.size = maxs.size = n_blocks
            out_low, out_high = mins.values, maxs.values
            stop = 2 * (first + pairs)
            fmin(low[..., 2 * first:stop:2], low[..., 2 * first + 1:stop:2], out=out_low[..., first:first + pairs])
            fmax(high[..., 2 * first:stop:2], high[..., 2 * first + 1:stop:2],
                 out=out_high[..., first:first + pairs])
            if length % 2:                           # a partial last block: its one sample
                out_low[..., n_blocks - 1] = low[..., count - 1]
                out_high[..., n_blocks - 1] = high[..., count - 1]
            low, high = out_low, out_high
            start, count, level = first, n_blocks, level + 1
        self.size = n

    def blocks(self, start: int, stop: int, max_blocks: int):
        """Cover samples ``[start, stop)`` with at most ``max_blocks`` blocks.

        Returns
        -------
        None when the raw samples already fit (``stop - start <= 2 *
        max_blocks``); else ``(block_size, first_sample, mins, maxs)``: the
        blocks start at ``first_sample + i * block_size`` (``mins`` and
        ``maxs`` have the series' leading axis, if any).
        """
        count = stop - start
        if count <= 2 * max_blocks:
            return None
        level = 0
        while True:
            block = 2 ** (level + 1)
            first, last = start // block, -(-stop // block)
            if last - first <= max_blocks or level + 1 == len(self._mins):
                break
            level += 1
        mins = self._mins[level].values[..., first:last]
        maxs = self._maxs[level].values[..., first:last]
        return block, first * block, mins, maxs


def peak_display(x: np.ndarray, y: np.ndarray, pyramid: PeakPyramid, start: int,
                 stop: int, max_blocks: int) -> tuple[np.ndarray, np.ndarray]:
    """The points to draw for samples ``[start, stop)`` of ``(x, y)``.

    Either the raw samples, or for each block its min and max at the block's
    first x (a vertical stroke per pixel column, like pyqtgraph's 'peak'
    method), followed by the last raw sample so the curve ends exactly at the
    newest value. ``y`` may be ``(k, n)`` rows (with their pyramid): the
    result is then ``(xs, ys)`` with ``ys`` of shape ``(k, m)``.
    """
    covered = pyramid.blocks(start, stop, max_blocks)
    if covered is None:
        return x[start:stop], y[..., start:stop]
    block, first, mins, maxs = covered
    n_blocks = mins.shape[-1]
    xs = np.empty(2 * n_blocks + 1)
    xs[:-1:2] = xs[1:-1:2] = x[first:first + block * n_blocks:block]
    xs[-1] = x[stop - 1]
    ys = np.empty(mins.shape[:-1] + (2 * n_blocks + 1,))
    ys[..., :-1:2] = mins
    ys[..., 1:-1:2] = maxs
    ys[..., -1] = y[..., stop - 1]
    return xs, ys
