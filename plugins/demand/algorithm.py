"""The demand algorithms: people from building floor area by use, or from a population raster."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.errors import LayerError
from layers.i18n import QT_TRANSLATE_NOOP, translate
from layers.layer import RasterLayer, VectorLayer
from plugins.api import (
    Algorithm,
    ChoiceParameter,
    Context,
    Feedback,
    LayerParameter,
    NumberParameter,
    OutputLayer,
    Parameter,
)
from plugins.demand.occupancy import ANCILLARY, M2_PER_PERSON, OFFICE, RESIDENTIAL, UNKNOWN_USES, occupants

GROUP = QT_TRANSLATE_NOOP("Algorithm", "Demand")
#: Most raster cells turned into demand features; beyond it the planner clips or coarsens the raster first.
MAX_CELLS = 2_000_000


def _summary(frame: pd.DataFrame) -> dict[str, Any]:
    return {"residents": round(float(frame["residents"].sum())), "workers": round(float(frame["workers"].sum()))}


class DemandFromBuildings(Algorithm):
    id = "demand.from_buildings"
    name = QT_TRANSLATE_NOOP("Algorithm", "Demand from buildings")
    group = GROUP
    description = QT_TRANSLATE_NOOP(
        "Algorithm",
        "Makes a demand layer (residents and daytime workers per building) from building footprints: floor area "
        "(footprint × storeys) divided by the floor area per person of the building's use, e.g. 40 m² per "
        "resident in housing and 15 m² per worker in offices. The use comes from the building type field "
        "(OSM 'building', 'type', '用途'...). Use it when the city has buildings but no population grid.")

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("buildings", translate("Demand", "Buildings"), kinds=("buildings",),
                           geometry=("polygon",)),
            ChoiceParameter("unknown_use", translate("Demand", "Buildings of unknown use count as"),
                            default=RESIDENTIAL, options=UNKNOWN_USES,
                            labels={RESIDENTIAL: translate("Demand", "Residential"),
                                    OFFICE: translate("Demand", "Office"),
                                    ANCILLARY: translate("Demand", "Ancillary (no people)")},
                            help=translate("Demand", "OSM's building=yes and empty types: most urban floor area "
                                                     "is housing; 'ancillary' leaves them empty.")),
            NumberParameter("density_scale", translate("Demand", "Density factor"), default=1.0, minimum=0.01,
                            maximum=100.0, help=translate("Demand", "Multiplies every default density, e.g. 1.2 "
                                                                    "where flats are smaller than the mean.")),
        ]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", translate("Demand", "Demand from buildings"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        buildings: VectorLayer = params["buildings"]
        feedback.raise_if_cancelled()
        people = occupants(buildings.gdf, unknown_use=params["unknown_use"], scale=params["density_scale"])
        people["people"] = people["residents"] + people["workers"]
        keep = people["people"] > 0
        frame = gpd.GeoDataFrame(people[keep], geometry=buildings.gdf.geometry[keep], crs=buildings.gdf.crs)
        by_use = people.groupby("use")["floor_area_m2"].agg(["count", "sum"])
        for use, row in by_use.iterrows():
            m2 = M2_PER_PERSON.get(str(use))
            rule = (translate("Demand", "{m2:g} m² per person").format(m2=m2[0]) if m2
                    else translate("Demand", "no occupants"))
            feedback.log(translate("Demand", "{use}: {count:,} buildings, {area:,.0f} m² floor area, {rule}").format(
                use=use, count=int(row["count"]), area=row["sum"], rule=rule))
        feedback.set_progress(100)
        layer = VectorLayer(frame.reset_index(drop=True), translate("Demand", "demand from {name}").format(
            name=buildings.name), kind="demand")
        return {"output": layer, "buildings": int(keep.sum()),
                "ancillary_or_empty": int((~keep).sum()), **_summary(frame)}


class DemandFromRaster(Algorithm):
    id = "demand.from_raster"
    name = QT_TRANSLATE_NOOP("Algorithm", "Demand from a population raster")
    group = GROUP
    description = QT_TRANSLATE_NOOP(
        "Algorithm",
        "Makes a demand layer from a raster of people per cell (e.g. a census or WorldPop grid). Given "
        "buildings, each cell's people are shared among the buildings inside it by residential floor area "
        "(dasymetric mapping), so demand sits where people live; cells without buildings keep their people. "
        "Totals are kept exactly.")

    def parameters(self) -> list[Parameter]:
        return [
            LayerParameter("population", translate("Demand", "Population raster (people per cell)"), raster=True,
                           reproject=False),
            ChoiceParameter("measure", translate("Demand", "The cells count"), default="residents",
                            options=("residents", "workers"),
                            labels={"residents": translate("Demand", "Residents"),
                                    "workers": translate("Demand", "Workers")}),
            LayerParameter("buildings", translate("Demand", "Buildings to share people among"),
                           kinds=("buildings",), geometry=("polygon",), optional=True),
        ]

    def outputs(self) -> list[OutputLayer]:
        return [OutputLayer("output", translate("Demand", "Demand from population raster"))]

    def run(self, params: dict[str, Any], context: Context, feedback: Feedback) -> dict[str, Any]:
        raster: RasterLayer = params["population"]
        measure: str = params["measure"]
        cells = _positive_cells(raster)
        feedback.set_progress(20)
        feedback.raise_if_cancelled()
        target = context.crs or raster.crs
        grid = gpd.GeoDataFrame({"cell_id": cells["cell_id"], "people": cells["people"]},
                                geometry=cells["geometry"], crs=raster.crs)
        buildings: VectorLayer | None = params.get("buildings")
        if buildings is None:
            frame = _as_demand(grid, measure, "cell")
            shared = 0
        else:
            frame, shared = _share_among_buildings(grid, raster, buildings, measure, feedback)
        feedback.set_progress(100)
        total_in = float(cells["people"].sum())
        feedback.log(translate("Demand", "{people:,.0f} people in {cells:,} cells; {shared:,} cells shared among "
                                         "buildings").format(people=total_in, cells=len(grid), shared=shared))
        layer = VectorLayer(frame.to_crs(target) if target is not None else frame,
                            translate("Demand", "demand from {name}").format(name=raster.name), kind="demand")
        return {"output": layer, "cells": len(grid), "cells_shared_among_buildings": shared, **_summary(frame)}


def _positive_cells(raster: RasterLayer) -> dict[str, np.ndarray]:
    """Cells with people: their id (row × width + col), count and square in the raster's CRS."""
    t = raster.transform
    if t.b != 0 or t.d != 0:
        raise LayerError(raster.source, translate("Demand", "is rotated; warp it to a north-up grid first"),
                         layer=raster.name)
    values = np.ma.filled(raster.band(1).astype(float), 0.0)
    values = np.where(np.isfinite(values), values, 0.0)
    negative = int((values < 0).sum())
    if negative:
        raise LayerError(raster.source, translate("Demand", "{count:,} cells hold negative people counts")
                         .format(count=negative), layer=raster.name)
    rows, cols = np.nonzero(values > 0)
    if rows.size > MAX_CELLS:
        raise LayerError(raster.source, translate(
            "Demand", "has {count:,} populated cells, more than {limit:,}; clip it to the study area or "
                      "aggregate it to coarser cells first").format(count=rows.size, limit=MAX_CELLS),
            layer=raster.name)
    x0, y0 = t.c + cols * t.a, t.f + rows * t.e
    squares = shapely.box(x0, y0 + t.e, x0 + t.a, y0)
    return {"cell_id": rows.astype(np.int64) * raster.width + cols, "people": values[rows, cols],
            "geometry": squares}


def _as_demand(frame: gpd.GeoDataFrame, measure: str, origin: str) -> gpd.GeoDataFrame:
    other = "workers" if measure == "residents" else "residents"
    out = frame.rename(columns={"people": measure})
    out[other] = 0.0
    out["origin"] = origin
    out["people"] = out["residents"] + out["workers"]
    return out[["cell_id", "residents", "workers", "people", "origin", out.geometry.name]]


def _share_among_buildings(grid: gpd.GeoDataFrame, raster: RasterLayer, buildings: VectorLayer, measure: str,
                           feedback: Feedback) -> tuple[gpd.GeoDataFrame, int]:
    """Each cell's people split among the buildings whose inside point lies in it, by floor area of the use
    that holds such people (residential for residents, workplaces for workers; any occupied floor as a
    fallback). Returns the buildings and the cells left whole, and how many cells were shared."""
    people = occupants(buildings.gdf)
    points = gpd.GeoSeries(shapely.point_on_surface(buildings.gdf.geometry.to_numpy()),
                           crs=buildings.gdf.crs).to_crs(raster.crs)
    t = raster.transform  # north-up, checked by _positive_cells
    cols = np.floor((points.x.to_numpy() - t.c) / t.a).astype(np.int64)
    rows = np.floor((points.y.to_numpy() - t.f) / t.e).astype(np.int64)
    inside = (rows >= 0) & (rows < raster.height) & (cols >= 0) & (cols < raster.width)
    cell_of = np.where(inside, rows * raster.width + cols, -1)
    feedback.raise_if_cancelled()
    resident_use = people["use"].isin([RESIDENTIAL, "hotel"]).to_numpy()
    occupied = (people["use"] != ANCILLARY).to_numpy()
    preferred = resident_use if measure == "residents" else occupied & ~resident_use
    area = people["floor_area_m2"].to_numpy(float)
    table = pd.DataFrame({"cell": cell_of, "preferred": np.where(preferred, area, 0.0),
                          "occupied": np.where(occupied, area, 0.0)})
    totals = table[table["cell"] >= 0].groupby("cell")[["preferred", "occupied"]].sum()
    count = pd.Series(grid["people"].to_numpy(), index=grid["cell_id"].to_numpy())
    use_preferred = totals["preferred"] > 0
    basis = totals["preferred"].where(use_preferred, totals["occupied"])
    shared_cells = basis[(basis > 0) & basis.index.isin(count.index)]
    weight = np.where(np.isin(cell_of, shared_cells.index),
                      np.where(use_preferred.reindex(cell_of, fill_value=False).to_numpy(), table["preferred"],
                               table["occupied"]), 0.0)
    share = np.zeros(len(people))
    in_shared = weight > 0
    share[in_shared] = (weight[in_shared] / shared_cells.reindex(cell_of[in_shared]).to_numpy()
                        * count.reindex(cell_of[in_shared]).to_numpy())
    homes = gpd.GeoDataFrame({"cell_id": cell_of[in_shared], "people": share[in_shared]},
                             geometry=buildings.gdf.geometry.to_numpy()[in_shared], crs=buildings.gdf.crs)
    whole = grid[~grid["cell_id"].isin(shared_cells.index)].to_crs(buildings.gdf.crs)
    frame = pd.concat([_as_demand(homes, measure, "building"), _as_demand(whole, measure, "cell")],
                      ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry=frame.geometry.name, crs=buildings.gdf.crs), len(shared_cells)


__all__ = ["DemandFromBuildings", "DemandFromRaster"]
