"""The comparison maths of benchmarks/bench_fidelity.py (no ray tracer needed): grid alignment, walking distance
from line of sight, binning, pooling and the exact 2.5-D line of sight, each against a brute-force reference on
small synthetic cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from benchmarks.fidelity.compare import align, by_walking_distance, error_figures, pool, walking_distance
from benchmarks.fidelity.exact_los import exact_los

SQRT2 = math.sqrt(2.0)


def test_align_puts_a_south_up_grid_on_the_north_up_cells_with_the_same_centres():
    res = 5.0
    # source: 7 columns from x = -20, 6 rows from y = 10 upwards (row 0 = lowest y), a few bands
    cell_x = -20 + (np.arange(7) + 0.5) * res
    cell_y = 10 + (np.arange(6) + 0.5) * res
    values = np.stack([cell_x[None, :] * 1000 + cell_y[:, None] + band for band in (0.0, 0.25)])
    # target: north-up, top-left corner (-10, 45), 5 x 6 cells: partly outside the source on the right and top
    x0, y0, rows, cols = -10.0, 45.0, 5, 6
    out = align(cell_x, cell_y, values, x0, y0, res, rows, cols, fill=-1.0)
    for band in range(2):
        for i in range(rows):
            for j in range(cols):
                x, y = x0 + (j + 0.5) * res, y0 - (i + 0.5) * res
                match = [(r, c) for r in range(6) for c in range(7) if cell_x[c] == x and cell_y[r] == y]
                expected = values[band, match[0][0], match[0][1]] if match else -1.0
                assert out[band, i, j] == expected


def test_align_refuses_a_grid_off_by_part_of_a_cell():
    with pytest.raises(ValueError, match="not on the 5 m grid"):
        align(np.array([2.5, 7.5]), np.array([2.5]), np.zeros((1, 2)), 1.0, 5.0, 5.0, 1, 2)


def _relaxed_walk(open_cells: np.ndarray, sources: np.ndarray, res: float) -> np.ndarray:
    """Reference: relax every open cell from its 8 neighbours until nothing changes; a diagonal step needs both
    cells beside it open."""
    rows, cols = open_cells.shape
    dist = np.where(sources & open_cells, 0.0, np.inf)
    changed = True
    while changed:
        changed = False
        for i in range(rows):
            for j in range(cols):
                if not open_cells[i, j]:
                    continue
                for di in (-1, 0, 1):
                    for dj in (-1, 0, 1):
                        a, b = i + di, j + dj
                        if (di, dj) == (0, 0) or not (0 <= a < rows and 0 <= b < cols) or not open_cells[a, b]:
                            continue
                        if di and dj and not (open_cells[i, b] and open_cells[a, j]):
                            continue
                        step = res * (SQRT2 if di and dj else 1.0)
                        if dist[a, b] + step < dist[i, j] - 1e-12:
                            dist[i, j] = dist[a, b] + step
                            changed = True
    return dist


def test_walking_distance_around_a_corner():
    # a street along row 0 and a side street down column 4: the walk from (0, 0) turns the corner
    open_cells = np.zeros((5, 6), bool)
    open_cells[0, :] = True
    open_cells[:, 4] = True
    sources = np.zeros_like(open_cells)
    sources[0, 0] = True
    walk = walking_distance(open_cells, sources, 5.0)
    assert walk[0, 5] == pytest.approx(25.0)
    assert walk[4, 4] == pytest.approx(20.0 + 4 * 5.0)  # no diagonal short cut: (1, 3) is a building
    assert np.isinf(walk[2, 2])  # a building cell


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_walking_distance_matches_a_brute_force_relaxation(seed):
    rng = np.random.default_rng(seed)
    open_cells = rng.random((14, 17)) > 0.3
    sources = (rng.random(open_cells.shape) > 0.93) & open_cells
    walk = walking_distance(open_cells, sources, 5.0)
    reference = _relaxed_walk(open_cells, sources, 5.0)
    assert np.array_equal(np.isinf(walk), np.isinf(reference))
    finite = np.isfinite(reference)
    assert np.allclose(walk[finite], reference[finite], atol=1e-9)
    assert np.all(walk[sources] == 0.0)


def test_binning_by_walking_distance_matches_a_loop_over_cells():
    rng = np.random.default_rng(5)
    distance = rng.choice([0.0, 5.0, 7.07, 10.0, 12.5, 25.0, 30.0, 50.0, 75.0, 100.0, 140.0, np.inf], 400)
    error = rng.normal(-3.0, 8.0, 400)
    got = by_walking_distance(error, distance)
    expected: dict[str, list[float]] = {"0-10": [], "10-25": [], "25-50": [], "50-100": [], ">100": []}
    for e, d in zip(error, distance, strict=True):
        if d == 0 or math.isinf(d):
            continue
        label = "0-10" if d <= 10 else "10-25" if d <= 25 else "25-50" if d <= 50 else "50-100" if d <= 100 else ">100"
        expected[label].append(e)
    assert list(got) == list(expected)
    for label, errors in expected.items():
        assert got[label]["n"] == len(errors)
        assert got[label]["me_db"] == pytest.approx(sum(errors) / len(errors))
        assert got[label]["rmse_db"] == pytest.approx(math.sqrt(sum(e * e for e in errors) / len(errors)))


def test_pooled_figures_equal_the_figures_of_all_cells_together():
    rng = np.random.default_rng(9)
    parts = [rng.normal(m, s, n) for m, s, n in ((-4.0, 10.0, 300), (2.0, 5.0, 120), (0.0, 1.0, 0))]

    def figures(errors):
        empty = {"n": 0, "me_db": math.nan, "rmse_db": math.nan}
        return {"cells_compared": max(errors.size, 1), "los_agreement_pct": 100.0, "los_cells_ref_pct": 50.0,
                "reached_pct": 100.0, "los": error_figures(errors), "nlos": error_figures(errors),
                "corner_0_25m": error_figures(errors[:10]), "nlos_by_walk_m": {"0-10": empty}}

    pooled = pool([figures(p) for p in parts])
    together = np.concatenate(parts)
    assert pooled["nlos"]["n"] == together.size
    assert pooled["nlos"]["me_db"] == pytest.approx(together.mean())
    assert pooled["nlos"]["rmse_db"] == pytest.approx(np.sqrt(np.mean(together ** 2)))
    assert pooled["corner_0_25m"]["me_db"] == pytest.approx(np.concatenate([p[:10] for p in parts]).mean())


def test_exact_los_over_footprints_matches_dense_sampling_of_the_ray():
    rng = np.random.default_rng(3)
    corners = rng.uniform(-80, 80, (25, 2))
    footprints = shapely.box(corners[:, 0], corners[:, 1], corners[:, 0] + rng.uniform(3, 20, 25),
                             corners[:, 1] + rng.uniform(3, 20, 25))
    heights = rng.uniform(2.0, 15.0, 25)
    tx = (0.5, 0.3, 9.0)
    rx = rng.uniform(-100, 100, (300, 2))
    got = exact_los(footprints, heights, tx, rx, 1.5)
    t = np.linspace(0.0, 1.0, 4001)
    for k in range(len(rx)):
        xs, ys = tx[0] + t * (rx[k, 0] - tx[0]), tx[1] + t * (rx[k, 1] - tx[1])
        zs = tx[2] + t * (1.5 - tx[2])
        blocked = any(bool(np.any(shapely.contains_xy(f, xs, ys) & (h > zs + 0.02)))
                      for f, h in zip(footprints, heights, strict=True))
        clear = not any(bool(np.any(shapely.contains_xy(f, xs, ys) & (h > zs - 0.02)))
                        for f, h in zip(footprints, heights, strict=True))
        if blocked:
            assert not got[k], k
        elif clear:
            assert got[k], k
    assert 0 < got.sum() < len(rx)
