"""How many residents and workers a building holds: its floor area by use, divided by floor area per person.

Floor area is footprint × storeys (``levels``, else ``height_m`` / storey height, at least one storey). The use
comes from the building's type field (OSM ``building=*`` values, municipal English or Chinese use names) through
``USE_BY_TYPE``. The floor area per person of each use (``M2_PER_PERSON``) is a documented planning default:

============  =================  ================================================================================
use           m² per person      basis
============  =================  ================================================================================
residential   40 per resident    China's urban housing floor area per person, 39.8 m² (NBS, 2019)
office        15 per worker      gross office floor area per workstation, common planning range 10–20 m²
retail        40 per worker      staff and customers present on a weekday, gross sales floor
hotel         50 per resident    guests at typical occupancy
education     10 per worker      students and staff present in the day (counted as workers: daytime people)
hospital      25 per worker      staff, patients and visitors
industrial    100 per worker     light industry; warehouses 200
warehouse     200 per worker
ancillary     none               garages, sheds, roofs, kiosks
============  =================  ================================================================================

"Workers" means people present in the daytime, as in the demand kind. A building of unknown use (OSM's
``building=yes``) counts as ``unknown_use`` says (residential by default: most urban floor area is housing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from layers.building_heights import STOREY_HEIGHT_M, building_types

RESIDENTIAL, OFFICE, RETAIL, HOTEL, EDUCATION, HOSPITAL, INDUSTRIAL, WAREHOUSE, ANCILLARY = (
    "residential", "office", "retail", "hotel", "education", "hospital", "industrial", "warehouse", "ancillary")
#: Floor area per person in m², and whether those people are residents (True) or daytime workers (False).
M2_PER_PERSON: dict[str, tuple[float, bool]] = {
    RESIDENTIAL: (40.0, True), HOTEL: (50.0, True),
    OFFICE: (15.0, False), RETAIL: (40.0, False), EDUCATION: (10.0, False), HOSPITAL: (25.0, False),
    INDUSTRIAL: (100.0, False), WAREHOUSE: (200.0, False),
}
#: Building type or use name (lower case) -> use.
USE_BY_TYPE: dict[str, str] = {
    **dict.fromkeys(("residential", "apartments", "house", "detached", "semidetached_house", "terrace",
                     "bungalow", "dormitory", "farm", "住宅", "别墅", "宿舍", "居住"), RESIDENTIAL),
    **dict.fromkeys(("hotel", "酒店", "宾馆"), HOTEL),
    **dict.fromkeys(("office", "government", "civic", "public", "办公", "写字楼", "行政", "政府"), OFFICE),
    **dict.fromkeys(("commercial", "retail", "supermarket", "商业", "商场", "商铺"), RETAIL),
    **dict.fromkeys(("school", "kindergarten", "university", "college", "学校", "幼儿园", "教育"), EDUCATION),
    **dict.fromkeys(("hospital", "医院"), HOSPITAL),
    **dict.fromkeys(("industrial", "manufacture", "工业", "厂房"), INDUSTRIAL),
    **dict.fromkeys(("warehouse", "仓库", "仓储"), WAREHOUSE),
    **dict.fromkeys(("garage", "garages", "carport", "shed", "hut", "roof", "kiosk", "service", "construction",
                     "车库"), ANCILLARY),
}
UNKNOWN_USES = (RESIDENTIAL, OFFICE, ANCILLARY)


def building_uses(gdf: pd.DataFrame, unknown_use: str = RESIDENTIAL) -> np.ndarray:
    """The use of each building (``unknown_use`` where its type is missing or not in ``USE_BY_TYPE``)."""
    return building_types(gdf).map(lambda name: USE_BY_TYPE.get(name, unknown_use)).to_numpy(dtype=object)


def storeys(gdf: pd.DataFrame, storey_height_m: float = STOREY_HEIGHT_M) -> np.ndarray:
    """Storeys of each building: ``levels`` where positive, else height / storey height, at least 1."""
    n = len(gdf)
    from_height = np.ones(n)
    if "height_m" in gdf.columns:
        height = pd.to_numeric(gdf["height_m"], errors="coerce").to_numpy(float)
        from_height = np.where(np.isfinite(height), np.maximum(np.round(height / storey_height_m), 1.0), 1.0)
    if "levels" in gdf.columns:
        levels = pd.to_numeric(gdf["levels"], errors="coerce").to_numpy(float)
        return np.where(np.isfinite(levels) & (levels > 0), levels, from_height)
    return from_height


def occupants(gdf: pd.DataFrame, *, unknown_use: str = RESIDENTIAL, scale: float = 1.0,
              storey_height_m: float = STOREY_HEIGHT_M) -> pd.DataFrame:
    """Per building: use, floor area (m², footprint in a metric CRS × storeys), residents and workers.

    ``scale`` multiplies every density (e.g. 1.2 where flats are smaller than the national mean).
    """
    uses = building_uses(gdf, unknown_use)
    floor_area = shapely.area(gdf.geometry.to_numpy()) * storeys(gdf, storey_height_m)
    residents, workers = np.zeros(len(gdf)), np.zeros(len(gdf))
    for use, (m2, resident) in M2_PER_PERSON.items():
        mask = uses == use
        (residents if resident else workers)[mask] = floor_area[mask] / m2 * scale
    return pd.DataFrame({"use": uses, "floor_area_m2": floor_area, "residents": residents, "workers": workers},
                        index=gdf.index)


__all__ = ["M2_PER_PERSON", "UNKNOWN_USES", "USE_BY_TYPE", "building_uses", "occupants", "storeys"]
