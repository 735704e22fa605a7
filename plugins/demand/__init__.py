"""Demand from what a city has: people in buildings (floor area by use) or a population raster.

Most cities have building footprints and perhaps a population raster, not a residents/workers grid; these
algorithms make the ``demand`` layer that coverage statistics and site selection weigh.
"""

from __future__ import annotations

from plugins.api import Algorithm


def algorithms() -> list[Algorithm]:
    from plugins.demand.algorithm import DemandFromBuildings, DemandFromRaster

    return [DemandFromBuildings(), DemandFromRaster()]
