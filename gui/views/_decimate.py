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
    """A 1-D float64 array that grows by amortised doubling.

    ``values`` is a view of the filled part; ``extend`` copies new values in,
    reallocating (to twice the needed size) only when full.
    """

    def __init__(self, capacity: int = 1024):
        self._data = np.empty(max(1, int(capacity)), dtype=np.float64)
        self.size = 0

    @property
    def values(self) -> np.ndarray:
        return self._data[:self.size]

    def reserve(self, size: int) -> None:
        if size > self._data.shape[0]:
            grown = np.empty(max(size, 2 * self._data.shape[0]), dtype=np.float64)
            grown[:self.size] = self._data[:self.size]
            self._data = grown

    def extend(self, values: np.ndarray) -> None:
        new_size = self.size + values.shape[0]
        self.reserve(new_size)
        self._data[self.size:new_size] = values
        self.size = new_size

    def write(self, start: int, values: np.ndarray) -> None:
        """Overwrite from ``start`` (<= size), growing the filled part if needed."""
        end = start + values.shape[0]
        self.reserve(end)
        self._data[start:end] = values
        self.size = max(self.size, end)

    def clear(self) -> None:
        self.size = 0


class PeakPyramid:
    """Min and max of a growing series over aligned blocks of ``2**(k+1)``
    samples, for every level ``k``.

    Level ``k`` block ``b`` covers samples ``[b * 2**(k+1), (b+1) * 2**(k+1))``
    (the last block may be partial). NaN samples are ignored (``np.fmin``);
    a block of only NaN stays NaN. Appending ``m`` samples updates
    ``O(m + log n)`` blocks.
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
        """Account for ``values`` (the whole series, of which the first
        ``self.size`` samples were seen before)."""
        n = values.shape[0]
        low, high = values, values
        start, count, level = self.size, n, 0
        while count > 1:
            n_blocks = (count + 1) // 2
            first = start // 2                       # first block that changed
            seg_low, seg_high = low[2 * first:count], high[2 * first:count]
            if seg_low.shape[0] % 2:                 # a partial last block
                seg_low = np.append(seg_low, np.nan)
                seg_high = np.append(seg_high, np.nan)
            if level == len(self._mins):
                self._mins.append(GrowingArray(n_blocks))
                self._maxs.append(GrowingArray(n_blocks))
            mins, maxs = self._mins[level], self._maxs[level]
            mins.write(first, np.fmin(seg_low[0::2], seg_low[1::2]))
            maxs.write(first, np.fmax(seg_high[0::2], seg_high[1::2]))
            low, high = mins.values, maxs.values
            start, count, level = first, n_blocks, level + 1
        self.size = n

    def blocks(self, start: int, stop: int, max_blocks: int):
        """Cover samples ``[start, stop)`` with at most ``max_blocks`` blocks.

        Returns
        -------
        None when the raw samples already fit (``stop - start <= 2 *
        max_blocks``); else ``(block_size, first_sample, mins, maxs)``: the
        blocks start at ``first_sample + i * block_size``.
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
        mins = self._mins[level].values[first:last]
        maxs = self._maxs[level].values[first:last]
        return block, first * block, mins, maxs


def peak_display(x: np.ndarray, y: np.ndarray, pyramid: PeakPyramid, start: int,
                 stop: int, max_blocks: int) -> tuple[np.ndarray, np.ndarray]:
    """The points to draw for samples ``[start, stop)`` of ``(x, y)``.

    Either the raw samples, or for each block its min and max at the block's
    first x (a vertical stroke per pixel column, like pyqtgraph's 'peak'
    method), followed by the last raw sample so the curve ends exactly at the
    newest value.
    """
    covered = pyramid.blocks(start, stop, max_blocks)
    if covered is None:
        return x[start:stop], y[start:stop]
    block, first, mins, maxs = covered
    positions = first + block * np.arange(mins.shape[0])
    xs = np.repeat(x[positions], 2)
    ys = np.column_stack([mins, maxs]).ravel()
    last = stop - 1
    return np.append(xs, x[last]), np.append(ys, y[last])
