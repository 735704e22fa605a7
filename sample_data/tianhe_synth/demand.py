"""The 100 m demand grid: residents and workers per cell from the floor area of the buildings in it.

Floor area is footprint area inside the cell times storeys. Workers come from office and commercial
floor space, residents from flats and (more densely) from urban-village housing, so the CBD core is
full of workers and empty of residents, the villages the other way round, and the river is zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from tianhe_synth.buildings import Building, storeys
from tianhe_synth.layout import HALF_X, HALF_Y

CELL_M = 100.0
#: People per m2 of floor area, by building use (net of cores, corridors and vacancy).
WORKERS_PER_M2 = {"office": 0.05, "commercial": 0.02, "cultural": 0.012, "school": 0.01,
                  "residential": 0.002, "village": 0.012}
RESIDENTS_PER_M2 = {"office": 0.0, "commercial": 0.0, "cultural": 0.0, "school": 0.0,
                    "residential": 0.024, "village": 0.045}


def grid_cells() -> tuple[np.ndarray, np.ndarray]:
    """Square cells covering the area, row by row from the south-west, and their (col, row) numbers."""
    cols, rows = int(2 * HALF_X / CELL_M), int(2 * HALF_Y / CELL_M)
    col, row = np.meshgrid(np.arange(cols), np.arange(rows))
    col, row = col.ravel(), row.ravel()
    x0, y0 = -HALF_X + col * CELL_M, -HALF_Y + row * CELL_M
    return shapely.box(x0, y0, x0 + CELL_M, y0 + CELL_M), np.column_stack([col, row])


def make_demand(buildings: list[Building]) -> pd.DataFrame:
    cells, numbers = grid_cells()
    footprints = np.array([b.footprint for b in buildings], dtype=object)
    floors = np.array([storeys(b.use, b.height_m) for b in buildings])
    workers_rate = np.array([WORKERS_PER_M2[b.use] for b in buildings])
    residents_rate = np.array([RESIDENTS_PER_M2[b.use] for b in buildings])
    building_index, cell_index = shapely.STRtree(cells).query(footprints, predicate="intersects")
    floor_area = shapely.area(shapely.intersection(footprints[building_index], cells[cell_index]))
    floor_area *= floors[building_index]
    workers = np.bincount(cell_index, floor_area * workers_rate[building_index], minlength=len(cells))
    residents = np.bincount(cell_index, floor_area * residents_rate[building_index], minlength=len(cells))
    return pd.DataFrame({
        "geometry": cells,
        "cell_id": [f"D-{c:02d}-{r:02d}" for c, r in numbers],
        "residents": np.round(residents),
        "workers": np.round(workers),
    })
