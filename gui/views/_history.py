"""A bounded, multi-resolution min/max history of a few series, for curves
that grow for ever (the loss view's four curves against the epoch).

Why: the loss view kept every epoch (x, four values, and a min/max pyramid
over them, in buffers that grow by doubling): about 200 bytes per epoch for
good, so a run left going for an hour at 7,000 epochs/s took gigabytes. A
curve is drawn with about one min/max stroke per pixel column, so what must
be kept is what some zoom can show, at the resolution it shows it:

- level 0: the newest ``raw_limit`` samples as they are (x and values);
- level j >= 1: blocks of ``2**j`` consecutive samples, aligned on multiples
  of ``2**j`` from the first sample: the first sample's x, and each series'
  minimum and maximum over the block (NaN ignored; a block of only NaN is
  NaN). The newest ``block_limit`` blocks of each level are kept.

Levels are added until one block covers every sample. Memory is at most
about ``raw_limit * (rows + 1) + levels * block_limit * (2 * rows + 1)``
floats (x 1.5 for the slack that makes dropping the oldest entries cheap):
for four series, the defaults and a million samples about 7 MB, for a
billion about 12 MB.

What is drawn (:meth:`PeakHistory.display`): for a range of samples and a
budget of blocks (the plot's width in pixels), the raw samples if they are
kept and fit (two per block), else the finest level that still holds the
range in at most that many blocks, as one vertical min-max stroke per block.
Every level holds the extremes of every sample, so no spike is ever lost at
any zoom; the whole run and any range that reaches the newest sample are
drawn exactly as from the full history (the level picked is always kept far
enough back), and only a zoom deep into old history, finer than the blocks
kept for that time, shows coarser strokes.
"""

from __future__ import annotations

import math

import numpy as np

RAW_LIMIT = 2**16  # newest samples kept as they are: zooming on the recent run is exact
BLOCK_LIMIT = 2**12  # blocks kept per level: at least the widest plot, in pixels


class _Window:
    """The newest entries of an absolutely indexed sequence of columns
    ``x (n,)``, ``low (rows, n)``, ``high (rows, n)`` (for the raw level
    ``low is high``: the samples), kept contiguous in buffers of at most
    about ``1.5 * limit`` columns.

    ``base``: absolute index of buffer column 0; ``end``: absolute index one
    past the newest entry. Entries ``[base, end)`` are held.
    """

    def __init__(self, rows: int, limit: int, paired: bool) -> None:
        self.rows, self.limit, self.paired = rows, limit, paired
        self.base = self.end = 0
        self._allocate(16)

    def _allocate(self, capacity: int) -> None:
        self.x = np.empty(capacity)
        self.low = np.empty((self.rows, capacity))
        self.high = np.empty((self.rows, capacity)) if self.paired else self.low

    @property
    def nbytes(self) -> int:
        return self.x.nbytes + self.low.nbytes + (self.high.nbytes if self.paired else 0)

    def reserve(self, new_end: int, keep_from: int) -> None:
        """Make room for entries up to ``new_end``, keeping ``[keep_from,
        end)`` and at least the newest ``limit`` entries; older ones may go."""
        capacity = self.x.shape[0]
        if new_end - self.base <= capacity:
            return
        start = max(self.base, min(keep_from, new_end - self.limit))  # the oldest entry kept
        offset, length = start - self.base, self.end - start
        wanted = new_end - start
        if wanted > capacity or capacity < self.limit + self.limit // 2:
            # grow (by doubling, up to 1.5 x limit): copy the kept part over
            old = (self.x, self.low, self.high)
            self._allocate(max(wanted, min(2 * capacity, self.limit + self.limit // 2)))
            self.x[:length] = old[0][offset:offset + length]
            self.low[:, :length] = old[1][:, offset:offset + length]
            if self.paired:
                self.high[:, :length] = old[2][:, offset:offset + length]
        else:
            # full: slide the kept part to the front (amortised: at most
            # once per limit / 2 new entries)
            self.x[:length] = self.x[offset:offset + length].copy()
            self.low[:, :length] = self.low[:, offset:offset + length].copy()
            if self.paired:
                self.high[:, :length] = self.high[:, offset:offset + length].copy()
        self.base = start

    def column(self, index: int) -> int:
        """Buffer column of absolute entry ``index`` (which must be held)."""
        return index - self.base


class PeakHistory:
    """``rows`` series over an increasing x, kept in bounded memory (see the
    module docstring).

    Attributes: ``size`` (samples appended since the last ``clear``),
    ``first_x`` and ``last_x`` (NaN when empty), ``latest`` (the newest
    sample of each series, ``(rows,)``).
    """

    def __init__(self, rows: int, raw_limit: int = RAW_LIMIT, block_limit: int = BLOCK_LIMIT) -> None:
        if raw_limit < 4 or block_limit < 4:
            raise ValueError(f"raw_limit and block_limit must be at least 4, got {raw_limit} and {block_limit}")
        self.rows, self.raw_limit, self.block_limit = int(rows), int(raw_limit), int(block_limit)
        # Appends are cut into chunks small enough that every level still
        # holds the entries a chunk's new blocks are made from.
        self._chunk = max(1, min(self.raw_limit // 2, self.block_limit))
        self.clear()

    def clear(self) -> None:
        """Forget every sample (and give the memory back)."""
        self._levels: list[_Window] = [_Window(self.rows, self.raw_limit, paired=False)]
        self.size = 0
        self.first_x = math.nan

    @property
    def nbytes(self) -> int:
        """Bytes held by the buffers."""
        return sum(level.nbytes for level in self._levels)

    @property
    def n_levels(self) -> int:
        return len(self._levels)

    @property
    def last_x(self) -> float:
        raw = self._levels[0]
        return float(raw.x[raw.column(self.size - 1)]) if self.size else math.nan

    @property
    def latest(self) -> np.ndarray:
        raw = self._levels[0]
        if not self.size:
            return np.full(self.rows, np.nan)
        return raw.low[:, raw.column(self.size - 1)].copy()

    def raw(self) -> tuple[np.ndarray, np.ndarray]:
        """The samples kept as they are (the newest, up to ``raw_limit``):
        ``(x (m,), values (rows, m))``, views valid until the next append."""
        raw = self._levels[0]
        columns = slice(raw.column(raw.base), raw.column(raw.end))
        return raw.x[columns], raw.low[:, columns]

    # -- saving and restoring ------------------------------------------------
    def state(self, metric: str):
        """A copy of everything held, as a ``sessions.history.HistoryState``
        (what a session file stores; ``metric``: what the series' score is)."""
        from sessions.history import HistoryLevel, HistoryState

        levels = []
        for number, window in enumerate(self._levels):
            columns = slice(window.column(window.base), window.column(window.end))
            low = window.low[:, columns].copy()
            high = low if number == 0 else window.high[:, columns].copy()
            levels.append(HistoryLevel(window.base, window.end, window.x[columns].copy(), low, high))
        return HistoryState(metric, self.rows, self.raw_limit, self.block_limit, self.size, self.first_x,
                            tuple(levels))

    @classmethod
    def from_state(cls, state) -> "PeakHistory":
        """The history a (checked) ``HistoryState`` describes: it draws and
        grows exactly like the one that was saved."""
        history = cls(state.rows, state.raw_limit, state.block_limit)
        history._levels = []
        for number, level in enumerate(state.levels):
            limit = state.raw_limit if number == 0 else state.block_limit
            window = _Window(state.rows, limit, paired=number > 0)
            held = level.end - level.base
            window._allocate(max(16, held))
            window.x[:held] = level.x
            window.low[:, :held] = level.low
            if number > 0:
                window.high[:, :held] = level.high
            window.base, window.end = level.base, level.end
            history._levels.append(window)
        history.size = state.size
        history.first_x = state.first_x
        return history

    def truncated(self, last_x: float) -> "PeakHistory":
        """A new history of the samples at or before ``last_x`` (training
        went back to that epoch). Exact when the raw level still holds every
        sample from the first (runs up to ``raw_limit`` samples); samples
        older than the raw ones come back one per block of the finest level
        that holds them (the block's minimum at its first x)."""
        result = PeakHistory(self.rows, self.raw_limit, self.block_limit)
        raw_x, raw_values = self.raw()
        if self.size and self._levels[0].base > 0:
            first_raw = raw_x[0] if raw_x.size else math.inf
            for level in range(1, len(self._levels)):
                window = self._levels[level]
                if window.base == 0 or level == len(self._levels) - 1:
                    columns = slice(window.column(window.base), window.column(window.end))
                    xs, lows = window.x[columns], window.low[:, columns]
                    older = (xs < first_raw) & (xs <= last_x)
                    result.append(xs[older].copy(), lows[:, older].copy())
                    break
        keep = raw_x <= last_x
        result.append(raw_x[keep].copy(), raw_values[:, keep].copy())
        return result

    # -- appending ---------------------------------------------------------
    def append(self, x: np.ndarray, values: np.ndarray) -> None:
        """Add samples: ``x (m,)`` increasing after ``last_x``, ``values (rows, m)``."""
        for start in range(0, x.shape[0], self._chunk):
            self._append(x[start:start + self._chunk], values[:, start:start + self._chunk])

    def _append(self, x: np.ndarray, values: np.ndarray) -> None:
        m = x.shape[0]
        if m == 0:
            return
        if self.size == 0:
            self.first_x = float(x[0])
        old_size, new_size = self.size, self.size + m
        raw = self._levels[0]
        # level 1 remakes the block of the first new sample: keep its first sample
        raw.reserve(new_size, keep_from=old_size - old_size % 2)
        column = raw.column(old_size)
        raw.x[column:column + m] = x
        raw.low[:, column:column + m] = values
        raw.end = self.size = new_size

        fmin, fmax = np.fmin, np.fmax
        child, first_changed, level = raw, old_size, 1
        while child.end > 1:
            # the blocks of this level that changed: from the parent of the
            # first child that changed to the end
            first = first_changed // 2
            end = (child.end + 1) // 2
            if level == len(self._levels):
                self._levels.append(_Window(self.rows, self.block_limit, paired=True))
            parent = self._levels[level]
            parent.reserve(end, keep_from=first - first % 2)
            pairs = (child.end - 2 * first) // 2
            c0, p0 = child.column(2 * first), parent.column(first)
            c_stop = c0 + 2 * pairs
            parent.x[p0:p0 + pairs] = child.x[c0:c_stop:2]
            fmin(child.low[:, c0:c_stop:2], child.low[:, c0 + 1:c_stop:2], out=parent.low[:, p0:p0 + pairs])
            fmax(child.high[:, c0:c_stop:2], child.high[:, c0 + 1:c_stop:2], out=parent.high[:, p0:p0 + pairs])
            if (child.end - 2 * first) % 2:  # a partial last block: its one child so far
                parent.x[p0 + pairs] = child.x[c_stop]
                parent.low[:, p0 + pairs] = child.low[:, c_stop]
                parent.high[:, p0 + pairs] = child.high[:, c_stop]
            parent.end = end
            child, first_changed, level = parent, first, level + 1

    # -- reading -----------------------------------------------------------
    def span(self, x_low: float, x_high: float) -> tuple[int, int]:
        """Samples ``[start, stop)`` to draw for the x range ``[x_low,
        x_high]``: from the last sample before ``x_low`` to the first at or
        after ``x_high`` (so the curve runs to the edges). Where only blocks
        still hold that time, the range widens to their boundaries."""
        if self.size == 0:
            return 0, 0
        start = self._first_at_or_after(x_low, lower_bound=True) - 1
        stop = self._first_at_or_after(x_high, lower_bound=False) + 1
        return max(0, start), min(self.size, max(stop, start + 1))

    def _first_at_or_after(self, x: float, lower_bound: bool) -> int:
        """Index of the first sample at or after ``x``, from the finest level
        that still holds that time: exact in the raw samples; in a level of
        blocks, the first sample of the block that may hold it
        (``lower_bound``) or of the next block (an upper bound)."""
        for level, window in enumerate(self._levels):
            xs = window.x[window.column(window.base):window.column(window.end)]
            if xs.size == 0 or (xs[0] > x and window.base > 0):
                continue  # this level no longer holds that time
            found = int(np.searchsorted(xs, x)) + window.base
            if level == 0:
                return found
            block = max(0, found - 1) if lower_bound else found
            return min(self.size, block << level)
        return 0  # pragma: no cover - the top level always holds everything

    def display(self, start: int, stop: int, max_blocks: int) -> tuple[np.ndarray, np.ndarray]:
        """The points to draw for samples ``[start, stop)`` in about
        ``max_blocks`` pixel columns: ``(xs (p,), ys (rows, p))``.

        The raw samples when they are held and at most ``2 * max_blocks``;
        else for each block of the chosen level its minimum and maximum at
        the block's first x (a vertical stroke per column, like
        pyqtgraph's 'peak' downsampling), then the last sample of the range
        when it is held, so the curve ends exactly at the newest value.
        """
        stop, start = min(stop, self.size), max(0, start)
        if stop <= start:
            return np.empty(0), np.empty((self.rows, 0))
        raw = self._levels[0]
        if start >= raw.base and stop - start <= 2 * max_blocks:
            columns = slice(raw.column(start), raw.column(stop))
            return raw.x[columns], raw.low[:, columns]
        for level in range(1, len(self._levels)):
            window = self._levels[level]
            first, last = start >> level, -(-stop >> level)  # blocks covering the range
            if first >= window.base and (last - first <= max_blocks or level == len(self._levels) - 1):
                break
        else:  # fewer than two samples per level so far: the raw samples are all there
            columns = slice(raw.column(start), raw.column(stop))
            return raw.x[columns], raw.low[:, columns]
        tail = stop - 1 >= raw.base  # the range's last sample, as it is
        n_blocks = last - first
        columns = slice(window.column(first), window.column(last))
        xs = np.empty(2 * n_blocks + tail)
        ys = np.empty((self.rows, 2 * n_blocks + tail))
        xs[0:2 * n_blocks:2] = xs[1:2 * n_blocks:2] = window.x[columns]
        ys[:, 0:2 * n_blocks:2] = window.low[:, columns]
        ys[:, 1:2 * n_blocks:2] = window.high[:, columns]
        if tail:
            xs[-1] = raw.x[raw.column(stop - 1)]
            ys[:, -1] = raw.low[:, raw.column(stop - 1)]
        return xs, ys
