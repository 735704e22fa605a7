"""Where an analysis measures distances: one metric CRS with true distances near its inputs, chosen once per run.

Every distance in the plugins (radii, buffers, nearest neighbours, path loss) is computed on coordinates, so the
coordinates must be true metres near the data. The project CRS is used when it qualifies (see ``layers.crs``);
WGS84 degrees, Web Mercator's stretched "metres" or a far-away grid are replaced by the local metric CRS estimated
from the first input layer, and the run log says so. ``plugins.api.LayerParameter`` calls ``Measuring.choose``
with the first input that has data and ``Measuring.admit`` for every other, so all algorithms share this rule.

Example::

    measuring = Measuring.choose(poles_in_3857, requested=pyproj.CRS(3857))
    measuring.crs       # EPSG:4547 in Guangzhou
    measuring.note()    # "Distances measured in EPSG:4547 (...); the requested CRS EPSG:3857 ... "
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pyproj

from layers.crs import describe_crs, distance_problem, lonlat_points, metric_crs_at, metric_crs_for
from layers.errors import LayerError
from layers.i18n import translate
from layers.layer import Layer


def layer_points(layer: Layer) -> list[tuple[float, float]]:
    """Centre and corners of the layer's data as (lon, lat); empty when it has no CRS or no data."""
    if layer.crs is None:
        return []
    return lonlat_points(layer.extent, layer.crs)


@dataclass
class Measuring:
    """The CRS a run measures in, the CRS it was asked to work in, and which input CRSs were reprojected."""

    crs: pyproj.CRS
    #: The CRS the run was asked for: the project's, else the first input's.
    requested: pyproj.CRS | None = None
    #: Why ``requested`` was not used to measure; None when it was (or nothing was requested).
    refused: str | None = None
    #: Inputs reprojected into ``crs`` to be measured, as "EPSG:3857 (name)".
    reprojected: list[str] = field(default_factory=list)

    @classmethod
    def choose(cls, layer: Layer, requested: pyproj.CRS | None) -> Measuring | None:
        """``requested`` when it measures true distances at ``layer``'s data, else the local metric CRS there.

        None when ``layer`` has no CRS or no data to locate (the choice then waits for the next input).
        """
        crs, points = layer.crs, layer_points(layer)
        if crs is None or not points:
            return None
        wanted = requested if requested is not None else crs  # without a project, the input's CRS
        refused = distance_problem(wanted, points)
        if refused is None:
            return cls(wanted, wanted)
        return cls(metric_crs_at(crs, points), wanted, refused)

    @property
    def output_crs(self) -> pyproj.CRS | None:
        """The CRS vector outputs are written back in: the requested one when distances were measured elsewhere."""
        return self.requested if self.refused is not None else None

    def admit(self, layer: Layer) -> str | None:
        """Note ``layer`` as an input; why its data cannot be measured in ``crs`` (too far away), or None."""
        if layer.crs is None:
            return None
        points = layer_points(layer)
        problem = distance_problem(self.crs, points) if points else None
        if problem is not None:
            return translate("Measuring", "its data lies where {problem}; bring inputs that lie together").format(
                problem=problem)
        if layer.crs != self.crs:
            described = describe_crs(layer.crs)
            if described not in self.reprojected:
                self.reprojected.append(described)
        return None

    def note(self) -> str:
        """The run-log line: where distances were measured, what was reprojected, and why."""
        text = translate("Measuring", "Distances measured in {crs}").format(crs=describe_crs(self.crs))
        if self.reprojected:
            text += translate("Measuring", "; inputs in {crss} were reprojected").format(
                crss=", ".join(self.reprojected))
        if self.refused is not None:
            code = self.requested.to_string() if self.requested is not None else ""
            text += translate("Measuring", "; not measured in {crs} because {why}; vector outputs are written back "
                                           "in {crs}").format(crs=code, why=self.refused)
        return text


def require_true_distances(layer: Layer) -> None:
    """Refuse (LayerError naming the layer) a layer whose coordinates are not true metres near its data."""
    points = layer_points(layer)
    problem = distance_problem(layer.crs, points) if points or layer.crs is None else None
    if problem is not None:
        raise LayerError(layer.source, translate("Measuring", "cannot be measured in metres: {problem}; reproject "
                                                              "it to a local metric CRS such as {crs}").format(
            problem=problem, crs=_suggestion(layer)), layer=layer.name)


def _suggestion(layer: Layer) -> str:
    crs = metric_crs_for(layer.extent, layer.crs) if layer.crs is not None else None
    return describe_crs(crs) if crs is not None else translate("Measuring", "the local UTM zone")


def metric_frame(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pyproj.CRS | None]:
    """``gdf`` in a CRS with true metres near its data and the CRS to go back to (None when it already was)."""
    crs = gdf.crs
    if crs is None or len(gdf) == 0:
        return gdf, None
    target = metric_crs_for(tuple(gdf.total_bounds), crs)
    if target is None or target == crs:
        return gdf, None
    return gdf.to_crs(target), crs


__all__ = ["Measuring", "layer_points", "metric_frame", "require_true_distances"]
