"""A uniform grid over a layer's items (points or polygon parts), built once per prepared geometry, so that a
zoomed-in render visits only the items near the view instead of testing every item of the layer.

Each item is filed under the cell that holds the centre of its bounding box; items wider or taller than a cell
are kept aside as ``large`` and tested by their bounds at every render (a district boundary among building
footprints). A query widens the view by half a cell, so every small item that can touch the view is found.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from workbench.render.kernel import kernel

#: Items per cell the grid aims at: few enough that a cell partly in view costs little, enough to keep it small.
_ITEMS_PER_CELL = 16
_MAX_CELLS_PER_AXIS = 2048
#: Cell numbers of the items not filed under a cell.
_UNFILED, _LARGE = -1, -2


@dataclass
class SpatialGrid:
    """Items filed by grid cell: ``items[cell_start[c]:cell_start[c + 1]]`` (ascending) lie in cell ``c``."""

    x0: float
    y0: float
    cell_w: float
    cell_h: float
    nx: int
    ny: int
    cell_start: np.ndarray  # int64, nx * ny + 1, row-major (iy * nx + ix)
    items: np.ndarray  # int32 item numbers, by cell
    large: np.ndarray  # int32 items bigger than a cell (ascending), always candidates
    count: int  # all items, small and large

    def cell_range(self, extent: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        """Cells ``ix0 <= ix < ix1``, ``iy0 <= iy < iy1`` whose small items may touch ``extent``."""
        minx, miny, maxx, maxy = extent
        ix0 = int(np.clip(np.floor((minx - self.x0) / self.cell_w - 0.5), 0, self.nx))
        ix1 = int(np.clip(np.floor((maxx - self.x0) / self.cell_w + 0.5) + 1, 0, self.nx))
        iy0 = int(np.clip(np.floor((miny - self.y0) / self.cell_h - 0.5), 0, self.ny))
        iy1 = int(np.clip(np.floor((maxy - self.y0) / self.cell_h + 0.5) + 1, 0, self.ny))
        return ix0, ix1, iy0, iy1

    def nearby(self, extent: tuple[float, float, float, float]) -> np.ndarray:
        """The items that may touch ``extent``, cell by cell (neighbours in space come together, which keeps a
        rasteriser's writes local), then the large ones."""
        ix0, ix1, iy0, iy1 = self.cell_range(extent)
        if (ix0, ix1, iy0, iy1) == (0, self.nx, 0, self.ny):
            return self.by_cell
        if ix1 <= ix0 or iy1 <= iy0:
            return self.large
        return self._gather(ix0, ix1, iy0, iy1)

    def ascending(self, extent: tuple[float, float, float, float]) -> np.ndarray | None:
        """The items that may touch ``extent`` in ascending order, or None when that is most of the items (then
        a pass over all of them is cheaper than gathering and sorting)."""
        ix0, ix1, iy0, iy1 = self.cell_range(extent)
        if ix1 <= ix0 or iy1 <= iy0:
            return self.large
        total = _count(self.cell_start, self.nx, ix0, ix1, iy0, iy1) + len(self.large)
        if 2 * total > self.count:
            return None
        return radix_sort(self._gather(ix0, ix1, iy0, iy1), self.count)

    @property
    def by_cell(self) -> np.ndarray:
        """Every item, cell by cell, then the large ones."""
        return np.concatenate([self.items, self.large]) if len(self.large) else self.items

    def renumbered(self) -> SpatialGrid:
        """The same grid for the items stored in ``by_cell`` order (item ``by_cell[i]`` becomes item ``i``)."""
        small = len(self.items)
        return replace(self, items=np.arange(small, dtype=np.int32),
                       large=np.arange(small, small + len(self.large), dtype=np.int32))

    def subset(self, extent: tuple[float, float, float, float]) -> tuple[np.ndarray, SpatialGrid]:
        """The items of the cells that ``extent`` reaches and the large ones (in ``by_cell`` order), and the grid
        of those items alone, renumbered in that order: for any extent inside ``extent`` its ``nearby`` visits
        the same items in the same order as this grid's (the cells keep their place and size)."""
        ix0, ix1, iy0, iy1 = self.cell_range(extent)
        held = self._gather(ix0, ix1, iy0, iy1) if ix1 > ix0 and iy1 > iy0 else self.large
        counts = np.zeros((self.ny, self.nx), dtype=np.int64)
        counts[iy0:iy1, ix0:ix1] = np.diff(self.cell_start).reshape(self.ny, self.nx)[iy0:iy1, ix0:ix1]
        cell_start = np.zeros(self.nx * self.ny + 1, dtype=np.int64)
        np.cumsum(counts.reshape(-1), out=cell_start[1:])
        small = len(held) - len(self.large)
        return held, replace(self, cell_start=cell_start, items=np.arange(small, dtype=np.int32),
                             large=np.arange(small, len(held), dtype=np.int32), count=len(held))

    def _gather(self, ix0: int, ix1: int, iy0: int, iy1: int) -> np.ndarray:
        out = np.empty(_count(self.cell_start, self.nx, ix0, ix1, iy0, iy1) + len(self.large), dtype=np.int32)
        _gather(self.cell_start, self.items, self.nx, ix0, ix1, iy0, iy1, self.large, out)
        return out


def build_grid(minx: np.ndarray, miny: np.ndarray, maxx: np.ndarray, maxy: np.ndarray) -> SpatialGrid:
    """The grid of items with these bounds (points: min = max), with about ``_ITEMS_PER_CELL`` items per cell.

    The per-item work is one numba pass each (extent, then cells): a million points leave no temporary arrays
    but the cell numbers."""
    n = len(minx)
    x0, y0, x1, y1, finite = _extent(minx, miny, maxx, maxy)
    if n == 0 or finite == 0:
        return SpatialGrid(0.0, 0.0, 1.0, 1.0, 1, 1, np.zeros(2, np.int64), np.empty(0, np.int32),
                           np.empty(0, np.int32), n)
    width, height = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    cells = max(1.0, n / _ITEMS_PER_CELL)
    side = np.sqrt(width * height / cells)  # square-ish cells
    nx = int(np.clip(np.ceil(width / side), 1, _MAX_CELLS_PER_AXIS))
    ny = int(np.clip(np.ceil(height / side), 1, _MAX_CELLS_PER_AXIS))
    cell_w, cell_h = width / nx * (1 + 1e-9), height / ny * (1 + 1e-9)
    cell = np.empty(n, dtype=np.int32)
    _file(minx, miny, maxx, maxy, x0, y0, cell_w, cell_h, nx, ny, cell)
    cell_start, items = _counting_sort(cell, nx * ny)
    large = np.flatnonzero(cell == _LARGE).astype(np.int32)
    return SpatialGrid(x0, y0, cell_w, cell_h, nx, ny, cell_start, items, large, n)


@kernel
def _extent(minx, miny, maxx, maxy):
    """The extent of the items whose bounds are all finite, and how many those are."""
    x0, y0, x1, y1 = np.inf, np.inf, -np.inf, -np.inf
    finite = 0
    for i in range(len(minx)):
        if np.isfinite(minx[i]) and np.isfinite(miny[i]) and np.isfinite(maxx[i]) and np.isfinite(maxy[i]):
            x0, y0 = min(x0, minx[i]), min(y0, miny[i])
            x1, y1 = max(x1, maxx[i]), max(y1, maxy[i])
            finite += 1
    return x0, y0, x1, y1, finite


@kernel
def _file(minx, miny, maxx, maxy, x0, y0, cell_w, cell_h, nx, ny, cell):
    """Each item's cell (the one holding its box's centre), ``_LARGE`` for a box wider or taller than a cell,
    ``_UNFILED`` for bounds that are not finite (empty geometries)."""
    for i in range(len(minx)):
        if not (np.isfinite(minx[i]) and np.isfinite(miny[i]) and np.isfinite(maxx[i]) and np.isfinite(maxy[i])):
            cell[i] = _UNFILED
        elif maxx[i] - minx[i] > cell_w or maxy[i] - miny[i] > cell_h:
            cell[i] = _LARGE
        else:
            ix = min(int(((minx[i] + maxx[i]) / 2 - x0) // cell_w), nx - 1)
            iy = min(int(((miny[i] + maxy[i]) / 2 - y0) // cell_h), ny - 1)
            cell[i] = iy * nx + ix


@kernel
def _counting_sort(cell: np.ndarray, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Item numbers grouped by cell, ascending within a cell (items with a negative cell are left out)."""
    start = np.zeros(cells + 1, dtype=np.int64)
    for c in cell:
        if c >= 0:
            start[c + 1] += 1
    for c in range(cells):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    items = np.empty(start[cells], dtype=np.int32)
    for i in range(len(cell)):
        c = cell[i]
        if c >= 0:
            items[fill[c]] = i
            fill[c] += 1
    return start, items


@kernel
def _count(cell_start: np.ndarray, nx: int, ix0: int, ix1: int, iy0: int, iy1: int) -> int:
    total = 0
    for iy in range(iy0, iy1):
        total += cell_start[iy * nx + ix1] - cell_start[iy * nx + ix0]
    return total


@kernel
def _gather(cell_start: np.ndarray, items: np.ndarray, nx: int, ix0: int, ix1: int, iy0: int, iy1: int,
            large: np.ndarray, out: np.ndarray) -> None:
    """The items of the cell block (a row of cells is one contiguous run of ``items``), then the large ones."""
    k = 0
    for iy in range(iy0, iy1):
        for j in range(cell_start[iy * nx + ix0], cell_start[iy * nx + ix1]):
            out[k] = items[j]
            k += 1
    for j in range(len(large)):
        out[k] = large[j]
        k += 1


@kernel
def _radix_pass(src: np.ndarray, dst: np.ndarray, shift: int, bits: int) -> None:
    buckets = 1 << bits
    mask = buckets - 1
    start = np.zeros(buckets + 1, dtype=np.int64)
    for v in src:
        start[((v >> shift) & mask) + 1] += 1
    for b in range(buckets):
        start[b + 1] += start[b]
    for v in src:
        b = (v >> shift) & mask
        dst[start[b]] = v
        start[b] += 1


def radix_sort(values: np.ndarray, bound: int) -> np.ndarray:
    """``values`` (int32, each in ``0 <= v < bound``) ascending, in linear time: NumPy's sort would cost more than
    the rest of a zoomed-in render."""
    bits = 11
    passes = max(1, int(np.ceil(max(1, int(bound - 1).bit_length()) / bits)))
    src, dst = values, np.empty_like(values)
    for p in range(passes):
        _radix_pass(src, dst, p * bits, bits)
        src, dst = dst, src
    return src
